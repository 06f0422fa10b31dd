//! The HTTP layer: one module per resource, each handler `extract -> store read -> core decision -> store write
//! -> wire answer`. Handlers never hold SQL (the [`crate::store`] does) and never re-decide a rule (the core does).
//!
//! The router is a `utoipa_axum` `OpenApiRouter`: a route is registered together with its handler's
//! `#[utoipa::path]`, so `/api/openapi.json` is derived from the routes that really exist.

pub mod access_config;
pub mod access_tokens;
pub mod action_tokens;
pub mod api_tokens;
pub mod audit;
pub mod auth;
pub mod bundle;
pub mod devices;
pub mod doc;
pub mod enrolment;
pub mod error;
pub mod extract;
pub mod fleets;
pub mod health;
pub mod limits;
pub mod me;
pub mod operator;
pub mod org_settings;
pub mod parties;
pub mod redemptions;
pub mod request_log;
pub mod roles;
pub mod signing_keys;
pub mod strict;
pub mod sync;
pub mod users;

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use fieldtoken_core::LinkBase;

use crate::seal::MasterKey;
use crate::store::Store;
use crate::web;

/// The largest request body the API reads (a full sync batch fits); larger is 413 `body_too_large`.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    store: Store,
    master: Arc<MasterKey>,
    link_base: LinkBase,
    limiter: limits::RateLimiter,
    bundles: bundle::BundleCache,
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
            bundles: bundle::BundleCache::default(),
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
    let (api, derived) = OpenApiRouter::new()
        .merge(server())
        .merge(tokens_and_phones())
        .merge(organisation())
        .merge(device_imports())
        .merge(access_tokens())
        .split_for_parts();
    let mut document = doc::ApiDoc::openapi().nest("/api", derived);
    doc::no_nul_in_query_texts(&mut document);
    let document = Arc::new(document.to_json().unwrap_or_else(|_| "{}".to_owned()));
    let api = api
        .route("/openapi.json", get(move || openapi_json(document.clone())))
        .fallback(error::unknown_endpoint)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Answers carry codes and keys: no shared or browser cache keeps them unless an endpoint says otherwise.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(state);
    let router = Router::new().nest("/api", api).merge(web::router(web_dir));
    security_headers(router, &web::content_security_policy(web_dir))
        // Brotli's default quality (11) takes seconds per megabyte: an answer of megabytes (the JSON bundle) would
        // hold a core that long for every caller. Quality 5 compresses nearly as well at a fraction of the time.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(5)))
        // The last layer runs first: a request gets its id (the client's, or a new UUID) before its log span opens.
        .layer(request_log::trace())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// The headers every answer carries, API and PWA alike: the content policy (scripts only from this origin and
/// the PWA's own inline scripts, wasm compiled, no frames), no embedding, no referrer, no type sniffing.
fn security_headers(router: Router, policy: &str) -> Router {
    let policy = HeaderValue::from_str(policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"));
    router
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            policy,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
}

/// Health and who the caller is.
fn server() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health::health))
}

/// `GET /api/openapi.json`: no sign-in needed (it holds no data), cacheable for a short while.
async fn openapi_json(document: Arc<String>) -> Response {
    let mut response = document.as_str().to_owned().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}

/// Action tokens, signing keys, the offline bundle, sync and enrolment.
fn tokens_and_phones() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(action_tokens::list, action_tokens::create))
        .routes(routes!(action_tokens::get, action_tokens::delete))
        .routes(routes!(action_tokens::qr))
        .routes(routes!(action_tokens::batch))
        .routes(routes!(action_tokens::duplicate))
        .routes(routes!(signing_keys::list))
        .routes(routes!(signing_keys::rotate))
        .routes(routes!(signing_keys::retire))
        .routes(routes!(bundle::offline_bundle))
        .routes(routes!(sync::sync))
        .routes(routes!(redemptions::list))
        .routes(routes!(enrolment::issue))
        .routes(routes!(enrolment::enrol))
}

/// Health, who am I, fleets, devices, API tokens, roles, users and the audit log.
fn organisation() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me::me))
        .routes(routes!(fleets::list, fleets::create))
        .routes(routes!(fleets::rename, fleets::delete))
        .routes(routes!(devices::list, devices::register))
        .routes(routes!(devices::get))
        .routes(routes!(devices::move_device))
        .routes(routes!(devices::retire))
        .routes(routes!(api_tokens::list, api_tokens::create))
        .routes(routes!(api_tokens::revoke))
        .routes(routes!(roles::list, roles::create))
        .routes(routes!(roles::edit, roles::delete))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::edit))
        .routes(routes!(users::create_token))
        .routes(routes!(audit::csv))
        .routes(routes!(audit::list))
        .routes(routes!(org_settings::get, org_settings::edit))
}

/// The largest device import the API reads: 100,000 rows of a 64-character serial and a 100-character fleet name.
pub const MAX_IMPORT_BYTES: usize = 16 * 1024 * 1024;

/// Device imports: CSV files far larger than any other body, so they have a limit of their own.
fn device_imports() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(devices::import_preview))
        .routes(routes!(devices::import_apply))
        // The inner limit is set last on the request, so it is the one the body reader sees.
        .layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES))
}

/// CRM.COM access tokens, their definitions, classifications and parties, and operators' sessions.
fn access_tokens() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(access_tokens::list, access_tokens::create))
        .routes(routes!(
            access_tokens::get,
            access_tokens::edit,
            access_tokens::delete
        ))
        .routes(routes!(access_tokens::set_effective))
        .routes(routes!(access_tokens::set_not_effective))
        .routes(routes!(access_tokens::reset_pass_code))
        .routes(routes!(access_tokens::reset_verification_code))
        .routes(routes!(access_tokens::verify))
        .routes(routes!(
            access_config::list_definitions,
            access_config::create_definition
        ))
        .routes(routes!(access_config::activate_definition))
        .routes(routes!(
            access_config::list_classifications,
            access_config::create_classification
        ))
        .routes(routes!(parties::list_accounts, parties::create_account))
        .routes(routes!(parties::terminate_account))
        .routes(routes!(parties::link_account, parties::unlink_account))
        .routes(routes!(
            parties::list_participants,
            parties::create_participant
        ))
        .routes(routes!(parties::terminate_participant))
        .routes(routes!(
            parties::link_participant,
            parties::unlink_participant
        ))
        .routes(routes!(operator::sign_in, operator::sign_out))
        .routes(routes!(operator::verify))
}
