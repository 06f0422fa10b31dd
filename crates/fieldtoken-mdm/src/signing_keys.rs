//! The organisation's Ed25519 signing keys: listing, rotation and retirement (issue 5).
//!
//! A key is `current` while it signs new tokens, `previous` once a rotation replaced it (it still verifies the
//! tokens it signed: the offline bundle lists it and sync accepts them), and `retired` once an admin retired it:
//! it verifies nothing any more and leaves the bundle, so a printed QR signed with it is rejected as
//! `bad_signature` at sync (and is `unknown_key` to a phone whose bundle no longer holds it). Rotation and
//! retirement change the bundle's version and ETag.
//!
//! Showing a token's QR again renders it with the key that signed it, so printed codes stay valid across
//! rotations. When that key is retired, the token's live rows move to the current key in the same transaction:
//! the old print stops working (the point of retiring a key), and showing the QR again gives a new one. Old-format
//! codes do not involve keys and keep working throughout.
//!
//! | method and path | permission | answer |
//! |---|---|---|
//! | `GET /api/v1/signing-keys` | `fms.admin` | `{ "items": [SigningKey] }`, oldest first |
//! | `POST /api/v1/signing-keys/rotate` | `fms.admin` | 201 `SigningKey` (the new current key) |
//! | `POST /api/v1/signing-keys/{key_id}/retire` | `fms.admin` | `SigningKey` with `moved_tokens` |
//!
//! Retiring the current key is 409 `key_is_current` (rotate first), a retired one 409 `already_retired`, a key of
//! another organisation 404 `not_found`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fieldtoken_core::{OrgId, Timestamp};
use serde::Serialize;
use serde_json::json;
use sqlx::SqliteConnection;

use crate::auth::{Admin, Authorized};
use crate::clock::{now, rfc3339};
use crate::http::extract::IdPath;
use crate::store;
use crate::store::audit::Actor;
use crate::{ApiError, AppState};
use fieldtoken_api::Items;

/// A signing key as the API shows it (never its secret half).
#[derive(Serialize, Debug)]
pub struct SigningKeyJson {
    /// The key id signed into tokens.
    key_id: i64,
    /// The Ed25519 public key, 64 hex digits.
    public_key: String,
    /// `current`, `previous` or `retired`.
    status: &'static str,
    /// Whether it signs new tokens.
    current: bool,
    created_at: String,
    /// When a rotation replaced it.
    replaced_at: Option<String>,
    /// When it was retired.
    retired_at: Option<String>,
    /// Live (not deleted) action tokens whose QR it signs.
    tokens: i64,
    /// For a retirement: how many tokens moved to the current key.
    #[serde(skip_serializing_if = "Option::is_none")]
    moved_tokens: Option<u64>,
}

/// id, public key, created, replaced, retired, live tokens.
type KeyRow = (i64, Vec<u8>, i64, Option<i64>, Option<i64>, i64);
const KEY_SELECT: &str = "SELECT k.id, k.public_key, k.created_at, k.replaced_at, k.retired_at,
    (SELECT COUNT(*) FROM action_tokens t WHERE t.key_id = k.id AND t.deleted_at IS NULL)
    FROM signing_keys k";

fn key_json((id, public_key, created, replaced, retired, tokens): KeyRow) -> SigningKeyJson {
    let status = match (replaced, retired) {
        (_, Some(_)) => "retired",
        (Some(_), None) => "previous",
        (None, None) => "current",
    };
    let time = |t: Option<i64>| t.map(|t| rfc3339(Timestamp::from_millis(t)));
    SigningKeyJson {
        key_id: id,
        public_key: hex::encode(public_key),
        status,
        current: status == "current",
        created_at: rfc3339(Timestamp::from_millis(created)),
        replaced_at: time(replaced),
        retired_at: time(retired),
        tokens,
        moved_tokens: None,
    }
}

async fn load_key(conn: &mut SqliteConnection, org: OrgId, id: i64) -> Result<KeyRow, ApiError> {
    sqlx::query_as(&format!("{KEY_SELECT} WHERE k.id = ? AND k.org_id = ?"))
        .bind(id)
        .bind(i64::from(org.get()))
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| ApiError::not_found("signing key"))
}

/// `GET /api/v1/signing-keys`: every key of the organisation, oldest first.
pub async fn list(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
) -> Result<Json<Items<SigningKeyJson>>, ApiError> {
    let rows: Vec<KeyRow> =
        sqlx::query_as(&format!("{KEY_SELECT} WHERE k.org_id = ? ORDER BY k.id"))
            .bind(i64::from(p.org.get()))
            .fetch_all(state.store.pool())
            .await?;
    Ok(Json(Items::of(rows.into_iter().map(key_json).collect())))
}

/// `POST /api/v1/signing-keys/rotate` → 201 with the new current key, sealed with the master key like the others.
pub async fn rotate(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
) -> Result<(StatusCode, Json<SigningKeyJson>), ApiError> {
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let replaced = store::signing_keys::current_id(&mut tx, p.org).await?;
    let key_id = store::signing_keys::create(&mut tx, &state.master, p.org, now).await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "signing_key.rotate",
        &format!("signing_key/{key_id}"),
        json!({ "replaced": replaced.get() }),
        now,
    )
    .await?;
    let row = load_key(&mut tx, p.org, i64::from(key_id.get())).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(key_json(row))))
}

/// `POST /api/v1/signing-keys/{key_id}/retire`: the key verifies nothing any more; the live tokens it signed move
/// to the current key (their QR is signed anew when shown again).
pub async fn retire(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
    IdPath(id): IdPath,
) -> Result<Json<SigningKeyJson>, ApiError> {
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let (_, _, _, replaced, retired, _) = load_key(&mut tx, p.org, id).await?;
    if retired.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "already_retired",
            format!("signing key {id} is retired already"),
        ));
    }
    if replaced.is_none() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "key_is_current",
            format!(
                "signing key {id} signs new tokens: rotate to a new key first, then retire this one"
            ),
        ));
    }
    let current = store::signing_keys::current_id(&mut tx, p.org).await?;
    sqlx::query("UPDATE signing_keys SET status = 'retired', retired_at = ? WHERE id = ?")
        .bind(now.as_millis())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    // Deleted tokens keep their key: they are never shown again, and their row records what signed them.
    let moved = sqlx::query(
        "UPDATE action_tokens SET key_id = ? WHERE key_id = ? AND org_id = ? AND deleted_at IS NULL",
    )
    .bind(i64::from(current.get()))
    .bind(id)
    .bind(i64::from(p.org.get()))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    store::orgs::bump_revision(&mut tx, p.org).await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "signing_key.retire",
        &format!("signing_key/{id}"),
        json!({ "moved_tokens": moved, "to": current.get() }),
        now,
    )
    .await?;
    let row = load_key(&mut tx, p.org, id).await?;
    tx.commit().await?;
    let mut key = key_json(row);
    key.moved_tokens = Some(moved);
    Ok(Json(key))
}
