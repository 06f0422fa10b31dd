//! Operator sign-in: an operator identifies with an access token (identifier and pass code, or the authentication
//! code alone) and gets a session bearer token for the PWA.
//!
//! `POST /api/v1/operator/session` (no bearer) with `{ "identifier", "pass_code" }` or `{ "authentication_code" }`,
//! and `"org"` (an organisation id) when the same credentials exist in several organisations:
//!
//! - 201 `{ "token", "expires_at", "operator": { "number", "identifier" }, "org": { "id" } }`;
//! - 401 `bad_credentials` when nothing matches (the same answer, and about the same time, for an unknown identifier
//!   and a wrong pass code);
//! - 403 `access_token_not_effective` / `access_token_pending_verification` with the core's message: only 'Effective'
//!   tokens sign in (seed 002, Attributes, Life Cycle State);
//! - 409 `org_required` when the credentials match tokens of several organisations and no `org` was sent;
//! - 422 `bad_sign_in` for any other combination of fields;
//! - 429 `rate_limited` with `Retry-After` once the client (its address) has spent its guesses: every
//!   `bad_credentials` answer spends one (see `limits`).
//!
//! Sessions are API tokens (SHA-256 of the secret stored) with no permission, so they can sync and read the offline
//! bundle and nothing else; they name the access token (`api_tokens.access_token_id`), expire after
//! [`SESSION_HOURS`], and stop working as soon as the token is not 'Effective' (see `auth`). Redemptions synced
//! with one record the operator. Every sign-in, failed or not, is in the audit log of the organisation it was aimed
//! at (a failure that names no organisation and matches none has nowhere to go but the server's log).
//!
//! `DELETE /api/v1/operator/session` signs the calling operator session out (204).

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use fieldtoken_core::access::MAX_CREDENTIAL_CHARS;
use fieldtoken_core::{OrgId, PermissionSet, Timestamp};
use serde::Deserialize;
use serde_json::{Value, json};
use sqlx::SqliteConnection;

use crate::access::{
    TOKEN_COLUMNS, TokenRow, access_error, authentication_code_lookup, pass_code_matches,
    token_of_row,
};
use crate::auth::Principal;
use crate::clock::{now, rfc3339};
use crate::http::extract::Body;
use crate::http::extract::Peer;
use crate::limits::{Budget, Client};
use crate::secret::new_secret;
use crate::store;
use crate::store::api_tokens::permissions_text;
use crate::store::audit::Actor;
use crate::{ApiError, AppState};

/// How long an operator session lasts: a working week, so that a phone that was offline for days can still sync its
/// queue under the operator who scanned it.
pub const SESSION_HOURS: i64 = 7 * 24;

/// `POST /api/v1/operator/session` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    identifier: Option<String>,
    pass_code: Option<String>,
    authentication_code: Option<String>,
    org: Option<u32>,
}

/// The client's address, for the audit log.
pub struct Remote(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Remote {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Ok(Remote(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip().to_string()),
        ))
    }
}

fn bad_credentials() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "bad_credentials",
        "these sign-in details do not match any access token: check them, or ask an administrator",
    )
}

enum Credentials {
    Pass {
        identifier: String,
        pass_code: String,
    },
    Code(String),
}

fn credentials(body: SignIn) -> Result<Credentials, ApiError> {
    let bad = || {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_sign_in",
            "send an identifier with its pass code, or an authentication code alone",
        )
    };
    // Longer than any credential the core accepts: refused before any hashing.
    let too_long = |t: &str| t.chars().count() > MAX_CREDENTIAL_CHARS;
    match (body.identifier, body.pass_code, body.authentication_code) {
        (Some(identifier), Some(pass_code), None) => {
            let identifier = identifier.trim().to_owned();
            if identifier.is_empty() || pass_code.is_empty() {
                return Err(bad());
            }
            if too_long(&identifier) || too_long(&pass_code) {
                return Err(bad_credentials());
            }
            Ok(Credentials::Pass {
                identifier,
                pass_code,
            })
        }
        (None, None, Some(code)) => {
            let code = code.trim().to_owned();
            if code.is_empty() {
                return Err(bad());
            }
            if too_long(&code) {
                return Err(bad_credentials());
            }
            Ok(Credentials::Code(code))
        }
        _ => Err(bad()),
    }
}

fn sign_in_actor(remote: &Remote) -> Actor {
    Actor {
        id: None,
        name: "operator sign-in".to_owned(),
        remote: remote.0.clone(),
    }
}

/// Records a refused sign-in in its own transaction (the refusal itself writes nothing else).
async fn audit_failure(
    state: &AppState,
    org: Option<OrgId>,
    remote: &Remote,
    target: String,
    detail: Value,
) -> Result<(), ApiError> {
    let Some(org) = org else {
        tracing::info!(%detail, remote = ?remote.0, "operator sign-in refused, no organisation matched");
        return Ok(());
    };
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    store::audit::record(
        &mut tx,
        org,
        &sign_in_actor(remote),
        "operator.sign_in_failed",
        &target,
        detail,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn org_exists(conn: &mut SqliteConnection, org: u32) -> Result<Option<OrgId>, ApiError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE id = ?")
        .bind(i64::from(org))
        .fetch_optional(conn)
        .await?;
    Ok(found.map(OrgId::from_i64).transpose()?)
}

/// `POST /api/v1/operator/session` → 201 with a session bearer token. Credentials that match nothing spend one of
/// the client's guesses, and a client with none left gets 429 before anything is checked, so pass codes cannot be
/// guessed at speed; other clients, and correct sign-ins from them, are not affected.
pub async fn sign_in(
    State(state): State<AppState>,
    Peer(peer): Peer,
    remote: Remote,
    Body(body): Body<SignIn>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let client = Client::of_addr(peer);
    state.limiter.check(Budget::Guesses, client)?;
    let result = sign_in_with(&state, remote, body).await;
    if let Err(error) = &result
        && error.code() == "bad_credentials"
    {
        state.limiter.spend(Budget::Guesses, client)?;
    }
    result
}

async fn sign_in_with(
    state: &AppState,
    remote: Remote,
    body: SignIn,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let wanted_org = body.org;
    let credentials = credentials(body)?;
    let mut conn = state.store.pool().acquire().await?;
    let named_org = match wanted_org {
        Some(id) => org_exists(&mut conn, id).await?,
        None => None,
    };
    let scope = wanted_org.map(i64::from);
    let (rows, what): (Vec<TokenRow>, &str) = match &credentials {
        Credentials::Pass { identifier, .. } => (
            sqlx::query_as(&format!(
                "SELECT {TOKEN_COLUMNS} FROM access_tokens
                 WHERE identifier = ? AND deleted_at IS NULL AND (? IS NULL OR org_id = ?) ORDER BY org_id"
            ))
            .bind(identifier)
            .bind(scope)
            .bind(scope)
            .fetch_all(&mut *conn)
            .await?,
            "identifier",
        ),
        Credentials::Code(code) => (
            sqlx::query_as(&format!(
                "SELECT {TOKEN_COLUMNS} FROM access_tokens
                 WHERE authentication_code_lookup = ? AND deleted_at IS NULL AND (? IS NULL OR org_id = ?)
                 ORDER BY org_id"
            ))
            .bind(authentication_code_lookup(&state.master, code))
            .bind(scope)
            .bind(scope)
            .fetch_all(&mut *conn)
            .await?,
            "authentication_code",
        ),
    };
    drop(conn);
    let identifier = match &credentials {
        Credentials::Pass { identifier, .. } => Some(identifier.clone()),
        Credentials::Code(_) => None,
    };
    if rows.is_empty() {
        if let Credentials::Pass { pass_code, .. } = &credentials {
            // As long as a wrong pass code takes: the answer does not tell which identifiers exist.
            pass_code_matches(None, pass_code).await;
        }
        audit_failure(
            state,
            named_org,
            &remote,
            "operator/session".to_owned(),
            json!({ "reason": "bad_credentials", "by": what, "identifier": identifier }),
        )
        .await?;
        return Err(bad_credentials());
    }
    let mut rows = rows;
    if let Credentials::Pass { pass_code, .. } = &credentials {
        // The same identifier may exist in several organisations: the pass code says which token is meant.
        let mut matched = Vec::new();
        let mut refused = Vec::new();
        for row in rows {
            if pass_code_matches(row.pass_code_hash.clone(), pass_code).await {
                matched.push(row);
            } else {
                refused.push((row.org_id, row.number));
            }
        }
        if matched.is_empty() {
            for (org, number) in refused {
                audit_failure(
                    state,
                    Some(OrgId::from_i64(org)?),
                    &remote,
                    format!("access_token/{number}"),
                    json!({ "reason": "bad_credentials", "by": what, "identifier": identifier }),
                )
                .await?;
            }
            return Err(bad_credentials());
        }
        rows = matched;
    }
    if rows.len() > 1 {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "org_required",
            "these sign-in details exist in several organisations: send the organisation's id as `org`",
        ));
    }
    let row = rows.remove(0);
    let org = OrgId::from_i64(row.org_id)?;
    let number = row.number;
    let loaded = token_of_row(&state.master, row)?;
    if let Err(refused) = loaded.token.authenticate() {
        audit_failure(
            state,
            Some(org),
            &remote,
            format!("access_token/{number}"),
            json!({ "reason": refused.kind().code(), "by": what, "identifier": identifier }),
        )
        .await?;
        return Err(access_error(refused));
    }

    let now = now();
    let expires_at = Timestamp::from_millis(now.as_millis() + SESSION_HOURS * 3_600_000);
    let name = match loaded.token.identifier() {
        Some(i) => format!("operator #{number} ({i})"),
        None => format!("operator #{number}"),
    };
    let name: String = name.chars().take(100).collect();
    let (secret, hash) = new_secret();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    // Checked again inside the write transaction: the token may have changed since it was read.
    let still: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM access_tokens WHERE id = ? AND state = 'effective' AND deleted_at IS NULL",
    )
    .bind(loaded.row.id)
    .fetch_optional(&mut *tx)
    .await?;
    if still.is_none() {
        return Err(bad_credentials());
    }
    let session_id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (org_id, name, secret_hash, permissions, created_at, access_token_id, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(i64::from(org.get()))
    .bind(&name)
    .bind(hash)
    .bind(permissions_text(PermissionSet::empty()))
    .bind(now.as_millis())
    .bind(loaded.row.id)
    .bind(expires_at.as_millis())
    .fetch_one(&mut *tx)
    .await?;
    store::audit::record(
        &mut tx,
        org,
        &Actor {
            id: Some(session_id),
            name: name.clone(),
            remote: remote.0.clone(),
        },
        "operator.sign_in",
        &format!("access_token/{number}"),
        json!({ "by": what, "session": session_id, "expires_at": rfc3339(expires_at) }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "token": secret,
            "expires_at": rfc3339(expires_at),
            "operator": {
                "number": loaded.token.number().get(),
                "identifier": loaded.token.identifier().map(|i| i.as_str()),
            },
            "org": { "id": org.get() },
        })),
    ))
}

/// `DELETE /api/v1/operator/session` → 204: ends the calling operator session. Other bearer tokens get 403
/// `not_an_operator_session` (API tokens are revoked elsewhere).
pub async fn sign_out(State(state): State<AppState>, p: Principal) -> Result<StatusCode, ApiError> {
    let Some(number) = p.operator else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "not_an_operator_session",
            "only an operator session can sign itself out here",
        ));
    };
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
        .bind(now.as_millis())
        .bind(p.token_id)
        .execute(&mut *tx)
        .await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "operator.sign_out",
        &format!("access_token/{number}"),
        json!({ "session": p.token_id }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
