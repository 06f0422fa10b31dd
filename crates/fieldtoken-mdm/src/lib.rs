//! The reference MDM server of fieldtoken.
//!
//! This crate translates: HTTP and JSON at the edge, SQL underneath, and every decision in between taken by
//! `fieldtoken-core`. It owns storage, authentication and transport, never a product rule.

pub mod db;
mod error;
mod health;
mod web;

use std::future::Future;
use std::path::Path;

use axum::Router;
use axum::routing::get;
use sqlx::SqlitePool;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

pub use error::ApiError;

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    db: SqlitePool,
}

impl AppState {
    /// State over an open, migrated database (see [`db::open`]).
    pub fn new(db: SqlitePool) -> AppState {
        AppState { db }
    }
}

/// The whole HTTP surface: the JSON API under `/api`, and the built PWA in `web_dir` for everything else.
pub fn router(state: AppState, web_dir: &Path) -> Router {
    let api = Router::new()
        .route("/v1/health", get(health::health))
        .fallback(error::unknown_endpoint)
        .with_state(state);
    Router::new()
        .nest("/api", api)
        .merge(web::router(web_dir))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
}

/// Serves `app` until `shutdown` completes, then lets requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Completes on Ctrl-C or SIGTERM, the two ways a server is asked to stop.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
