//! The organisation's API tokens (`/api/v1/api-tokens`): create one (the secret is shown this once, and nobody grants
//! a permission they do not hold), list them without secrets, revoke one (`DELETE`). Operator sessions are API tokens
//! too, but not an admin's to list or revoke here: they end at sign-out, at their expiry, or when their access token
//! stops being 'Effective'.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fieldtoken_api::devices::{ApiToken, CreatedApiToken, NewApiToken};
use fieldtoken_api::{Items, Permission, RequestTime, ServerCode, Time};
use fieldtoken_core::{ErrorKind, Expiry, PermissionSet, Timestamp};
use serde_json::json;

use super::auth::{Admin, Authorized};
use super::doc::{Always, ById, Guarded, Stateful, WithBody};
use super::extract::{Body, IdPath, checked_name};
use crate::clock::{now, request_time, rfc3339};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::store;

fn wire(token: store::api_tokens::Listed) -> ApiToken {
    ApiToken {
        id: token.id,
        name: token.name,
        permissions: Permission::list(token.permissions),
        created_at: Time(rfc3339(token.created_at)),
        created_by: token.created_by,
        expires_at: token.expires_at.map(|at| Time(rfc3339(at))),
        last_used_at: token.last_used_at.map(|at| Time(rfc3339(at))),
        revoked: token.revoked,
    }
}

/// The organisation's API tokens.
///
/// Permission `fms.admin`. Oldest first, revoked ones included, never a secret. Operator sessions are not listed.
/// `last_used_at` is recorded at most once a minute per token.
#[utoipa::path(get, path = "/v1/api-tokens", operation_id = "list_api_tokens", tag = "organisation",
    responses((status = 200, description = "The API tokens, oldest first", body = Items<ApiToken>), Guarded, Always))]
pub async fn list(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
) -> Result<Json<Items<ApiToken>>, ApiError> {
    let mut tx = state.store.read().await?;
    let tokens = store::api_tokens::list(&mut tx, p.org).await?;
    Ok(Json(Items::of(tokens.into_iter().map(wire).collect())))
}

/// Creates an API token.
///
/// Permission `fms.admin`. The token may hold only permissions the caller holds (403 otherwise), and acts at each
/// request within what the caller may do then: revoking the caller stops it too. `expires_at`, when given, must be
/// in the future and before 2106 (422 `bad_expiry`). The secret is in this answer only.
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
    let expires_at = body
        .expires_at
        .as_ref()
        .map(|at| expiry(at, now))
        .transpose()?;
    let mut tx = state.store.write().await?;
    let (id, secret) = store::api_tokens::create_expiring(
        &mut tx,
        p.org,
        &name,
        wanted,
        Some(p.token_id),
        expires_at,
        now,
    )
    .await?;
    p.audit(
        &mut tx,
        "api_token.create",
        &format!("api_token/{id}"),
        json!({ "name": name, "permissions": wanted.names(), "expires_at": expires_at.map(rfc3339) }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedApiToken { id, token: secret }),
    ))
}

/// A requested expiry: a time (422 `invalid_body` otherwise) within the range action token expiries take and in the
/// future (422 `bad_expiry` otherwise).
fn expiry(at: &RequestTime, now: Timestamp) -> Result<Timestamp, ApiError> {
    let at = request_time(at).ok_or_else(|| {
        ApiError::server(
            ServerCode::InvalidBody,
            "expires_at is not an RFC 3339 time such as 2026-12-31T23:59:59Z, nor milliseconds since 1970",
        )
    })?;
    Expiry::from_millis(at.as_millis())?;
    if at <= now {
        return Err(ApiError::core(
            ErrorKind::BadExpiry,
            "expires_at must be in the future: a token that never works is of no use",
        ));
    }
    Ok(at)
}

/// Revokes an API token.
///
/// Permission `fms.admin`, and every permission the token holds: revoking takes them away, so only an admin holding
/// them may (403 `forbidden`). The token and every token it created stop working at once. Revoking a revoked token
/// changes nothing (204 again). The calling token cannot revoke itself nor a token it was created by (409
/// `own_token`: it would lock its holder out). An operator session is not an API token here (404).
#[utoipa::path(delete, path = "/v1/api-tokens/{id}", operation_id = "revoke_api_token", tag = "organisation",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The API token's id")),
    responses((status = 204, description = "Revoked"), ById, Stateful, Guarded, Always))]
pub async fn revoke(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    let now = now();
    let mut tx = state.store.write().await?;
    let token = store::api_tokens::get(&mut tx, p.org, id)
        .await?
        .ok_or_else(|| ApiError::not_found("API token"))?;
    p.ensure_can_change(token.permissions, PermissionSet::empty())?;
    if store::api_tokens::lineage(&mut tx, p.token_id)
        .await?
        .contains(&id)
    {
        return Err(ApiError::server(
            ServerCode::OwnToken,
            "a token cannot revoke itself nor the token it was created by: revoke it with another admin's token",
        ));
    }
    if !token.revoked {
        store::api_tokens::revoke(&mut tx, id, now).await?;
        p.audit(
            &mut tx,
            "api_token.revoke",
            &format!("api_token/{id}"),
            json!({ "name": token.name, "permissions": token.permissions.names() }),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
