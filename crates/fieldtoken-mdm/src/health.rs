//! `GET /api/v1/health`: whether the server and its database answer, for load balancers and the PWA.

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use crate::{ApiError, AppState};

/// The health answer.
#[derive(Serialize)]
pub struct Health {
    status: &'static str,
    version: &'static str,
    database: &'static str,
}

/// Answers 200 only when the database does too.
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    sqlx::query("SELECT 1")
        .execute(&state.db)
        .await
        .map_err(ApiError::database)?;
    Ok(Json(Health {
        status: "ok",
        version: fieldtoken_core::VERSION,
        database: "ok",
    }))
}
