//! `POST /api/v1/api-tokens`: a new API token of the caller's organisation. The secret is shown this once, and
//! nobody grants a permission they do not hold.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fieldtoken_api::Permission;
use fieldtoken_api::devices::{CreatedApiToken, NewApiToken};
use serde_json::json;

use super::auth::{Admin, Authorized};
use super::doc::{Always, Guarded, WithBody};
use super::extract::{Body, checked_name};
use crate::clock::now;
use crate::store::audit::Actor;
use crate::{ApiError, AppState, store};

/// Creates an API token.
///
/// Permission `fms.admin`. The token may hold only permissions the caller holds (403 otherwise); the secret is
/// in this answer only.
#[utoipa::path(post, path = "/v1/api-tokens", operation_id = "create_api_token", tag = "organisation", request_body = NewApiToken,
    responses((status = 201, description = "The new token and its secret, shown this once", body = CreatedApiToken),
        WithBody, Guarded, Always))]
pub async fn create(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
    Body(body): Body<NewApiToken>,
) -> Result<(StatusCode, Json<CreatedApiToken>), ApiError> {
    let name = checked_name(&body.name, "an API token")?;
    let wanted = Permission::parse_set(&body.permissions)?;
    p.ensure_can_grant(wanted)?;
    let now = now();
    let mut tx = state.store.write().await?;
    let (id, secret) =
        store::api_tokens::create(&mut tx, p.org, &name, wanted, Some(p.token_id), now).await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "api_token.create",
        &format!("api_token/{id}"),
        json!({ "name": name, "permissions": wanted.names() }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedApiToken { id, token: secret }),
    ))
}
