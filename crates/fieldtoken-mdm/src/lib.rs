//! The reference MDM server of fieldtoken.
//!
//! This crate translates: HTTP and JSON at the edge, SQL underneath, and every decision in between taken by
//! `fieldtoken-core`. It owns storage, authentication and transport, never a product rule.

pub mod access;
pub mod access_config;
pub mod access_parties;
pub mod action_tokens;
pub mod auth;
pub mod bundle;
pub mod clock;
pub mod db;
pub mod devices;
pub mod enrolment;
mod error;
pub mod extract;
mod health;
pub mod limits;
pub mod openapi;
pub mod operator;
pub mod orgs;
pub mod roles;
pub mod seal;
pub mod signing_keys;
pub mod sync;
mod web;

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::routing::{get, patch, post};
use fieldtoken_core::LinkBase;
use sqlx::SqlitePool;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use error::ApiError;
pub use seal::MasterKey;

/// The largest request body the API reads (a full sync batch fits); larger is 413 `body_too_large`.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    db: SqlitePool,
    master: Arc<MasterKey>,
    link_base: LinkBase,
    limiter: limits::RateLimiter,
}

impl AppState {
    /// State over an open, migrated database (see [`db::open`]), its master key (see [`db::master_key`]), and the
    /// base of the deep links in signed QR codes (the address phones reach the PWA at).
    pub fn new(db: SqlitePool, master: MasterKey, link_base: LinkBase) -> AppState {
        AppState {
            db,
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

/// The whole HTTP surface: the JSON API under `/api`, and the built PWA in `web_dir` for everything else.
pub fn router(state: AppState, web_dir: &Path) -> Router {
    let api = Router::new()
        .route("/v1/health", get(health::health))
        .route("/v1/me", get(devices::me))
        .route(
            "/v1/action-tokens",
            get(action_tokens::list).post(action_tokens::create),
        )
        .route(
            "/v1/action-tokens/{id}",
            get(action_tokens::get).delete(action_tokens::delete),
        )
        .route("/v1/action-tokens/{id}/qr", get(action_tokens::qr))
        .route("/v1/fleets", get(devices::fleets))
        .route("/v1/devices", get(devices::devices))
        .route("/v1/devices/{id}", get(devices::device))
        .route("/v1/api-tokens", post(devices::create_token))
        .route("/v1/roles", get(roles::list_roles).post(roles::create_role))
        .route(
            "/v1/roles/{id}",
            patch(roles::edit_role).delete(roles::delete_role),
        )
        .route("/v1/users", get(roles::list_users).post(roles::create_user))
        .route("/v1/users/{id}", patch(roles::edit_user))
        .route("/v1/users/{id}/api-tokens", post(roles::create_user_token))
        .route("/v1/audit-log.csv", get(devices::audit_csv))
        .route("/v1/signing-keys", get(signing_keys::list))
        .route("/v1/signing-keys/rotate", post(signing_keys::rotate))
        .route(
            "/v1/signing-keys/{key_id}/retire",
            post(signing_keys::retire),
        )
        .route("/v1/offline-bundle", get(bundle::offline_bundle))
        .route("/v1/sync", post(sync::sync))
        .route("/openapi.json", get(openapi::document))
        .route("/v1/devices/{id}/enrolment", post(enrolment::issue))
        .route("/v1/enrol", post(enrolment::enrol))
        // Access tokens (issue 8): see `access`, `access_config`, `access_parties` and `operator`.
        .route("/v1/access-tokens", get(access::list).post(access::create))
        .route(
            "/v1/access-tokens/{id}",
            get(access::get).patch(access::edit).delete(access::delete),
        )
        .route(
            "/v1/access-tokens/{id}/set-effective",
            post(access::set_effective),
        )
        .route(
            "/v1/access-tokens/{id}/set-not-effective",
            post(access::set_not_effective),
        )
        .route(
            "/v1/access-tokens/{id}/reset-pass-code",
            post(access::reset_pass_code),
        )
        .route(
            "/v1/access-tokens/{id}/reset-verification-code",
            post(access::reset_verification_code),
        )
        .route("/v1/access-tokens/{id}/verify", post(access::verify))
        .route(
            "/v1/access-token-definitions",
            get(access_config::list_definitions).post(access_config::create_definition),
        )
        .route(
            "/v1/access-token-definitions/{id}/activate",
            post(access_config::activate_definition),
        )
        .route(
            "/v1/access-token-classifications",
            get(access_config::list_classifications).post(access_config::create_classification),
        )
        .route(
            "/v1/accounts-receivable",
            get(access_parties::list_accounts).post(access_parties::create_account),
        )
        .route(
            "/v1/accounts-receivable/{id}/terminate",
            post(access_parties::terminate_account),
        )
        .route(
            "/v1/accounts-receivable/{id}/access-tokens/{number}",
            post(access_parties::link_account).delete(access_parties::unlink_account),
        )
        .route(
            "/v1/rewards-participants",
            get(access_parties::list_participants).post(access_parties::create_participant),
        )
        .route(
            "/v1/rewards-participants/{id}/terminate",
            post(access_parties::terminate_participant),
        )
        .route(
            "/v1/rewards-participants/{id}/access-tokens/{number}",
            post(access_parties::link_participant).delete(access_parties::unlink_participant),
        )
        .route(
            "/v1/operator/session",
            post(operator::sign_in).delete(operator::sign_out),
        )
        .fallback(error::unknown_endpoint)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Answers carry codes and keys: no shared or browser cache keeps them unless an endpoint says otherwise.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
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
