//! The reference MDM server of fieldtoken.
//!
//! This crate translates: HTTP and JSON at the edge, SQL underneath, and every decision in between taken by
//! `fieldtoken-core`. It owns storage, authentication and transport, never a product rule.
//!
//! Layers (docs/ARCHITECTURE.md): [`http`] (handlers, extractors, errors, the OpenAPI document) over [`store`] (the
//! only SQL) over the core; [`edge`] serves connections (timeouts); `clock`, `seal`, `secret` and `pass_code` are
//! leaves; `seed_demo` sits on top.

pub mod clock;
pub mod edge;
pub mod http;
pub mod import;
pub mod pass_code;
pub mod seal;
mod secret;
pub mod seed_demo;
pub mod store;
mod web;

use std::future::Future;

// The crate's entry points, for `main.rs` and the tests: modules inside the crate use the canonical paths.
pub use edge::{Timeouts, serve, serve_with};
pub use http::error::ApiError;
pub use http::{AppState, router};
pub use seal::MasterKey;
pub use store::Store;

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
