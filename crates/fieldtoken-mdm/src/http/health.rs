//! `GET /api/v1/health`: whether the server and its database answer, for load balancers and the PWA.

use axum::Json;
use axum::extract::State;
use fieldtoken_api::Health;

use super::doc::Always;
use crate::{ApiError, AppState};

/// Whether the server and its database answer.
///
/// Anonymous. Answers 200 only when the database does too, so a load balancer can take the replica out.
#[utoipa::path(get, path = "/v1/health", tag = "server", security(()),
    responses((status = 200, description = "The server and its database answer", body = Health), Always))]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.store.ping().await?;
    Ok(Json(Health {
        status: "ok".to_owned(),
        version: fieldtoken_core::VERSION.to_owned(),
        database: "ok".to_owned(),
    }))
}
