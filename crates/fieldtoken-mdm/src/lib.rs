//! The reference MDM server of fieldtoken.
//!
//! This crate translates: HTTP and JSON at the edge, SQL underneath, and every decision in between taken by
//! `fieldtoken-core`. It owns storage, authentication and transport, never a product rule.

pub mod clock;
pub mod http;
pub mod limits;
pub mod pass_code;
pub mod seal;
mod secret;
pub mod seed_demo;
pub mod store;
mod web;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use fieldtoken_core::LinkBase;

/// The extractors moved to [`http::auth`]; this path stays while the other modules move into the layers.
pub use http::error::ApiError;
pub use seal::MasterKey;
pub use store::Store;

/// The largest request body the API reads (a full sync batch fits); larger is 413 `body_too_large`.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    store: Store,
    master: Arc<MasterKey>,
    link_base: LinkBase,
    limiter: limits::RateLimiter,
}

impl AppState {
    /// State over an open, migrated store (see [`Store::open`]), its master key (see [`Store::master_key`]), and
    /// the base of the deep links in signed QR codes (the address phones reach the PWA at).
    pub fn new(store: Store, master: MasterKey, link_base: LinkBase) -> AppState {
        AppState {
            store,
            master: Arc::new(master),
            link_base,
            limiter: limits::RateLimiter::new(limits::Limits::default()),
        }
    }

    /// The same state with these rate limits instead of [`limits::Limits::default`].
    pub fn with_limits(mut self, limits: limits::Limits) -> AppState {
        self.limiter = limits::RateLimiter::new(limits);
        self
    }
}

pub use http::router;

/// Serves `app` until `shutdown` completes, then lets requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The client's address reaches handlers for the audit log.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Completes on Ctrl-C or SIGTERM, the two ways a server is asked to stop.
///
/// The handlers are registered when this is called, not when the future is first polled: call it before
/// announcing the server, or a stop request that arrives in between kills the process uncleanly.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let (interrupt, terminate) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let wait = |stream: Option<tokio::signal::unix::Signal>| async move {
                match stream {
                    Some(mut stream) => {
                        stream.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(interrupt) => {},
                () = wait(terminate) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutting down: finishing requests in flight");
    }
}
