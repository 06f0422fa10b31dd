//! The organisation's Ed25519 signing keys: listing, rotation and retirement.
//!
//! A key is `current` while it signs new tokens, `previous` once a rotation replaced it (it still verifies the
//! tokens it signed: the offline bundle lists it and sync accepts them), and `retired` once an admin retired it:
//! it verifies nothing any more and leaves the bundle, so a printed QR signed with it is rejected as
//! `bad_signature` at sync (and refused offline by phones, whose bundle lists it in `retired_keys`). Rotation and
//! retirement change the bundle's version and ETag.
//!
//! Showing a token's QR again renders it with the key that signed it, so printed codes stay valid across
//! rotations. When that key is retired, the token's live rows move to the current key in the same transaction:
//! the old print stops working (the point of retiring a key), and showing the QR again gives a new one. Old-format
//! codes do not involve keys and keep working throughout.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fieldtoken_api::signing_keys::{KeyStatus, SigningKey};
use fieldtoken_api::{Items, ServerCode, Time};
use serde_json::json;

use super::doc::{Always, ById, Guarded, Stateful};
use super::extract::IdPath;
use crate::clock::{now, rfc3339};
use crate::http::auth::{Admin, Authorized};
use crate::store::audit::Actor;
use crate::store::signing_keys::KeyRecord;
use crate::store::{self, Conn};
use crate::{ApiError, AppState};

fn status(key: &KeyRecord) -> KeyStatus {
    match (key.replaced_at, key.retired_at) {
        (_, Some(_)) => KeyStatus::Retired,
        (Some(_), None) => KeyStatus::Previous,
        (None, None) => KeyStatus::Current,
    }
}

fn wire(key: KeyRecord) -> SigningKey {
    let status = status(&key);
    let time = |t: Option<fieldtoken_core::Timestamp>| t.map(|t| Time(rfc3339(t)));
    SigningKey {
        key_id: key.id.get(),
        public_key: hex::encode(&key.public_key),
        status,
        current: status == KeyStatus::Current,
        created_at: Time(rfc3339(key.created_at)),
        replaced_at: time(key.replaced_at),
        retired_at: time(key.retired_at),
        tokens: key.tokens,
        moved_tokens: None,
    }
}

async fn key(conn: &mut Conn, org: fieldtoken_core::OrgId, id: i64) -> Result<KeyRecord, ApiError> {
    store::signing_keys::get(conn, org, id)
        .await?
        .ok_or_else(|| ApiError::not_found("signing key"))
}

/// Every signing key of the organisation, oldest first.
///
/// Permission `fms.admin`. Each key with its status and the number of live tokens whose QR it signs.
#[utoipa::path(get, path = "/v1/signing-keys", tag = "signing-keys",
    responses((status = 200, description = "The keys, oldest first", body = Items<SigningKey>), Guarded, Always))]
pub async fn list(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
) -> Result<Json<Items<SigningKey>>, ApiError> {
    let mut tx = state.store.read().await?;
    let keys = store::signing_keys::list(&mut tx, p.org).await?;
    Ok(Json(Items::of(keys.into_iter().map(wire).collect())))
}

/// Rotates: a new key becomes current.
///
/// Permission `fms.admin`. The new key (sealed with the master key) signs new tokens; the one before keeps
/// verifying the tokens it signed, whose QR is shown with it as before. The offline bundle's version and ETag
/// change.
#[utoipa::path(post, path = "/v1/signing-keys/rotate", tag = "signing-keys",
    responses((status = 201, description = "The new current key", body = SigningKey), Guarded, Always))]
pub async fn rotate(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
) -> Result<(StatusCode, Json<SigningKey>), ApiError> {
    let now = now();
    let mut tx = state.store.write().await?;
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
    let created = key(&mut tx, p.org, i64::from(key_id.get())).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(wire(created))))
}

/// Retires a previous key: it verifies nothing any more.
///
/// Permission `fms.admin`. The key leaves the offline bundle's keys and joins its `retired_keys`: QR codes signed
/// with it are refused offline and rejected at sync as `bad_signature`. The live tokens it signed move to the
/// current key (showing their QR again gives a new one); their codes keep working. The current key: 409
/// `key_is_current` (rotate first); a retired one: 409 `already_retired`.
#[utoipa::path(post, path = "/v1/signing-keys/{key_id}/retire", tag = "signing-keys",
    params(("key_id" = u32, Path, description = "The key's id")),
    responses((status = 200, description = "The retired key, with `moved_tokens`", body = SigningKey),
        ById, Stateful, Guarded, Always))]
pub async fn retire(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
    IdPath(id): IdPath,
) -> Result<Json<SigningKey>, ApiError> {
    let now = now();
    let mut tx = state.store.write().await?;
    let found = key(&mut tx, p.org, id).await?;
    match status(&found) {
        KeyStatus::Retired => {
            return Err(ApiError::server(
                ServerCode::AlreadyRetired,
                format!("signing key {id} is retired already"),
            ));
        }
        KeyStatus::Current => {
            return Err(ApiError::server(
                ServerCode::KeyIsCurrent,
                format!(
                    "signing key {id} signs new tokens: rotate to a new key first, then retire this one"
                ),
            ));
        }
        KeyStatus::Previous => {}
    }
    let (moved, to) = store::signing_keys::retire(&mut tx, p.org, found.id, now).await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "signing_key.retire",
        &format!("signing_key/{id}"),
        json!({ "moved_tokens": moved, "to": to.get() }),
        now,
    )
    .await?;
    let retired = key(&mut tx, p.org, id).await?;
    tx.commit().await?;
    let mut answer = wire(retired);
    answer.moved_tokens = Some(moved);
    Ok(Json(answer))
}
