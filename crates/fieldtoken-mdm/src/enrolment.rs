//! Device enrolment. An admin issues a one-time, expiring enrolment code for a device (shown as text and as a QR);
//! the device sends it with its Ed25519 public key, which becomes its certificate, and a proof that it holds the key:
//! its signature of the enrolment message for that code (`docs/FORMATS.md`, "Enrolment proof"; the core checks both
//! the key and the proof). The code is the credential, so
//! `POST /api/v1/enrol` needs no bearer token and spends the caller's guess budget on every failure. A device that is
//! enrolled must be reset by a `reset_certificate` redemption before it can enrol again.
//!
//! Only the code's keyed hash is stored, as with action-token codes.

use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use fieldtoken_core::{Certificate, Ecc, OrgId, Permission, QrMatrix, Timestamp, TokenCode};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::net::SocketAddr;

use crate::auth::{Authorized, Needs};
use crate::clock::{now, rfc3339};
use crate::http::extract::{Body, IdPath};
use crate::limits::{Budget, Client};
use crate::store;
use crate::store::audit::Actor;
use crate::sync::device_of_row;
use crate::{ApiError, AppState};

/// How long an enrolment code works: a working day, so it can be printed and carried to the device.
pub const VALIDITY_MILLIS: i64 = 24 * 60 * 60 * 1000;

/// `fms.device.write`: issuing enrolment codes changes what may talk to the MDM as a device.
pub struct WriteDevices;

impl Needs for WriteDevices {
    const PERMISSION: Permission = Permission::DeviceWrite;
}

/// A new enrolment code, shown this once.
#[derive(Serialize)]
pub struct EnrolmentCodeJson {
    device_id: i64,
    /// `XXXX-XXXX-XXXX-XXXX-C`.
    code: String,
    /// RFC 3339, UTC.
    expires_at: String,
    qr: EnrolmentQr,
}

/// The code as a QR: its text (QR alphanumeric mode) and an SVG of the symbol.
#[derive(Serialize)]
pub struct EnrolmentQr {
    text: String,
    svg: String,
}

/// `POST /api/v1/enrol` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    code: String,
    /// The device's Ed25519 public key, 64 hex digits.
    public_key: String,
    /// The device's Ed25519 signature of the enrolment message for `code` (see the core's `enrolment_message`),
    /// 128 hex digits: proof that it holds the key it enrols with.
    proof: String,
}

/// The keyed hash of an enrolment code, in a domain of its own so it never matches an action-token code's.
fn lookup(state: &AppState, code: &TokenCode) -> Vec<u8> {
    let mut input = b"fieldtoken/enrolment-code/".to_vec();
    input.extend_from_slice(&code.to_bytes());
    state.master.code_lookup(&input)
}

/// The caller's address, when the server knows it (in-process calls have none).
pub struct Peer(pub Option<SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| *addr),
        ))
    }
}

type DeviceRow = (i64, i64, String, Option<i64>, Option<Vec<u8>>);

/// `POST /api/v1/devices/{id}/enrolment` (`fms.device.write`) → 201 `{ device_id, code, expires_at, qr }`. An
/// enrolled device is 409 `already_enrolled`: reset its certificate first. Replaces any unused code of the device.
pub async fn issue(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<WriteDevices>,
    IdPath(id): IdPath,
) -> Result<(StatusCode, Json<EnrolmentCodeJson>), ApiError> {
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let device: Option<DeviceRow> = sqlx::query_as(
        "SELECT id, org_id, state, fleet_id, certificate FROM devices WHERE id = ? AND org_id = ?",
    )
    .bind(id)
    .bind(i64::from(p.org.get()))
    .fetch_optional(&mut *tx)
    .await?;
    let (id, org, device_state, fleet, certificate) =
        device.ok_or_else(|| ApiError::not_found("device"))?;
    let device = device_of_row(id, OrgId::from_i64(org)?, &device_state, fleet, certificate)?;
    if !device.needs_enrolment() {
        return Err(already_enrolled());
    }
    sqlx::query("DELETE FROM enrolment_codes WHERE device_id = ? AND used_at IS NULL")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let code = TokenCode::generate(&mut rand::rng());
    let expires_at = Timestamp::from_millis(now.as_millis() + VALIDITY_MILLIS);
    sqlx::query(
        "INSERT INTO enrolment_codes (org_id, device_id, code_lookup, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(org)
    .bind(id)
    .bind(lookup(&state, &code))
    .bind(p.token_id)
    .bind(now.as_millis())
    .bind(expires_at.as_millis())
    .execute(&mut *tx)
    .await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "device.enrolment_code",
        &format!("device/{id}"),
        json!({ "expires_at": rfc3339(expires_at) }),
        now,
    )
    .await?;
    tx.commit().await?;
    // Without hyphens the text stays in QR alphanumeric mode, and `TokenCode::parse` reads it back.
    let text: String = code.to_string().chars().filter(|c| *c != '-').collect();
    let svg = QrMatrix::encode(&text, Ecc::M)?.to_svg(8, 4);
    Ok((
        StatusCode::CREATED,
        Json(EnrolmentCodeJson {
            device_id: id,
            code: code.to_string(),
            expires_at: rfc3339(expires_at),
            qr: EnrolmentQr { text, svg },
        }),
    ))
}

fn already_enrolled() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "already_enrolled",
        "this device is enrolled: redeem a reset_certificate token on it before it enrols again",
    )
}

/// `POST /api/v1/enrol` `{ code, public_key, proof }` (no bearer: the code is the credential) → 200 with the device
/// (`enrolled: true`). A key that is not a valid Ed25519 point of large order is 422 `bad_public_key`; a proof that
/// is not the key's signature of the enrolment message for this code is 422 `bad_proof` (both checked before the
/// code is looked up). Unknown code 404 `unknown_code`, used 409 `code_used`, expired 410 `code_expired`, device
/// enrolled meanwhile 409 `already_enrolled`; each failure spends a guess.
pub async fn enrol(
    State(state): State<AppState>,
    Peer(peer): Peer,
    Body(request): Body<EnrolRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let client = Client::of_addr(peer);
    state.limiter.check(Budget::Guesses, client)?;
    let result = enrol_with(&state, peer, request).await;
    if let Err(error) = &result
        && error.status().is_client_error()
    {
        state.limiter.spend(Budget::Guesses, client)?;
    }
    result.map(Json)
}

async fn enrol_with(
    state: &AppState,
    peer: Option<SocketAddr>,
    request: EnrolRequest,
) -> Result<serde_json::Value, ApiError> {
    let code = TokenCode::parse(&request.code)?;
    let bad_key = |why: &str| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_public_key",
            format!("public_key is the device's Ed25519 public key in 64 hex digits: {why}"),
        )
    };
    let public_key = hex::decode(request.public_key.trim())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or_else(|| bad_key("these are not 64 hex digits"))?;
    let offered =
        Certificate::parse(public_key).map_err(|refused| bad_key(&refused.to_string()))?;
    let bad_proof = |why: &str| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_proof",
            format!(
                "proof is the device's Ed25519 signature of the enrolment message, 128 hex digits: {why}"
            ),
        )
    };
    let proof = hex::decode(request.proof.trim())
        .ok()
        .and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
        .ok_or_else(|| bad_proof("these are not 128 hex digits"))?;
    // Checked before the code is looked up: a proof says nothing about whether the code exists.
    offered
        .verify_enrolment(&code, &proof)
        .map_err(|refused| bad_proof(&refused.to_string()))?;
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let found: Option<(i64, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, device_id, expires_at, used_at FROM enrolment_codes WHERE code_lookup = ?",
    )
    .bind(lookup(state, &code))
    .fetch_optional(&mut *tx)
    .await?;
    let (code_id, device_id, expires_at, used_at) = found.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_code",
            "no device waits for this enrolment code: check it, or ask for a new one",
        )
    })?;
    if used_at.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "code_used",
            "this enrolment code was used already: ask for a new one",
        ));
    }
    if now.as_millis() >= expires_at {
        return Err(ApiError::new(
            StatusCode::GONE,
            "code_expired",
            "this enrolment code has expired: ask for a new one",
        ));
    }
    let (id, org, device_state, fleet, certificate): DeviceRow =
        sqlx::query_as("SELECT id, org_id, state, fleet_id, certificate FROM devices WHERE id = ?")
            .bind(device_id)
            .fetch_one(&mut *tx)
            .await?;
    let org = OrgId::from_i64(org)?;
    let device = device_of_row(id, org, &device_state, fleet, certificate)?;
    if !device.needs_enrolment() {
        return Err(already_enrolled());
    }
    let enrolled = device.enrol(offered);
    sqlx::query("UPDATE devices SET certificate = ? WHERE id = ?")
        .bind(enrolled.certificate.map(|c| c.to_bytes().to_vec()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE enrolment_codes SET used_at = ? WHERE id = ?")
        .bind(now.as_millis())
        .bind(code_id)
        .execute(&mut *tx)
        .await?;
    store::orgs::bump_revision(&mut tx, org).await?;
    let actor = Actor {
        remote: peer.map(|a| a.ip().to_string()),
        ..Actor::system("enrolment")
    };
    store::audit::record(
        &mut tx,
        org,
        &actor,
        "device.enrol",
        &format!("device/{id}"),
        json!({ "public_key": hex::encode(public_key) }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(
        json!({ "id": id, "state": enrolled.state.as_str(), "enrolled": !enrolled.needs_enrolment() }),
    )
}
