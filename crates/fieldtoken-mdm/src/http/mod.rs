//! The HTTP layer: one module per resource, each handler `extract -> store read -> core decision -> store write
//! -> wire answer`. Handlers never hold SQL (the [`crate::store`] does) and never re-decide a rule (the core does).
//!
//! The router is a `utoipa_axum` `OpenApiRouter`: a route is registered together with its handler's
//! `#[utoipa::path]`, so `/api/openapi.json` is derived from the routes that really exist.

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
pub mod me;
pub mod request_log;
pub mod roles;
pub mod signing_keys;
pub mod sync;
pub mod users;

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{AppState, MAX_BODY_BYTES, web};

/// The whole HTTP surface: the JSON API under `/api`, and the built PWA in `web_dir` for everything else.
pub fn router(state: AppState, web_dir: &Path) -> Router {
    let (api, derived) = OpenApiRouter::new()
        .merge(server())
        .merge(tokens_and_phones())
        .merge(organisation())
        .merge(access_tokens())
        .split_for_parts();
    let document = Arc::new(document_json(doc::ApiDoc::openapi().nest("/api", derived)));
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
    Router::new()
        .nest("/api", api)
        .merge(web::router(web_dir))
        .layer(CompressionLayer::new())
        // The last layer runs first: a request gets its id (the client's, or a new UUID) before its log span opens.
        .layer(request_log::trace())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// Health and who the caller is.
fn server() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health::health))
}

/// The served document: the derived one, completed by the hand-written one for routes not yet derived.
fn document_json(mut derived: utoipa::openapi::OpenApi) -> String {
    let legacy = crate::openapi::ApiDoc::openapi();
    for (path, item) in legacy.paths.paths {
        derived.paths.paths.entry(path).or_insert(item);
    }
    if let Some(legacy) = legacy.components {
        let components = derived.components.get_or_insert_with(Default::default);
        for (name, schema) in legacy.schemas {
            components.schemas.entry(name).or_insert(schema);
        }
    }
    derived.to_json().unwrap_or_else(|_| "{}".to_owned())
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
        .routes(routes!(signing_keys::list))
        .routes(routes!(signing_keys::rotate))
        .routes(routes!(signing_keys::retire))
        .routes(routes!(bundle::offline_bundle))
        .routes(routes!(sync::sync))
        .routes(routes!(enrolment::issue))
        .routes(routes!(enrolment::enrol))
}

/// Health, who am I, fleets, devices, API tokens, roles, users and the audit log.
fn organisation() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me::me))
        .routes(routes!(fleets::list))
        .routes(routes!(devices::list))
        .routes(routes!(devices::get))
        .routes(routes!(api_tokens::create))
        .routes(routes!(roles::list, roles::create))
        .routes(routes!(roles::edit, roles::delete))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::edit))
        .routes(routes!(users::create_token))
        .routes(routes!(audit::csv))
}

/// CRM.COM access tokens, their definitions, classifications and parties, and operators' sessions.
fn access_tokens() -> OpenApiRouter<AppState> {
    use crate::{access, access_config, access_parties, operator};
    OpenApiRouter::new()
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
}
