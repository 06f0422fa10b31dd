//! Device enrolment. An admin issues a one-time, expiring enrolment code for a device (shown as text and as a QR);
//! the device sends it with its Ed25519 public key, which becomes its certificate, and a proof that it holds the key:
//! its signature of the enrolment message for that code (`docs/FORMATS.md`, "Enrolment proof"; the core checks both
//! the key and the proof). The code is the credential, so `POST /api/v1/enrol` needs no bearer token and spends the
//! caller's guess budget on every failure. A device that is enrolled must be reset by a `reset_certificate`
//! redemption before it can enrol again.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fieldtoken_api::enrolment::{EnrolRequest, EnrolledDevice, EnrolmentCode, EnrolmentQr};
use fieldtoken_api::{ServerCode, Time};
use fieldtoken_core::{Certificate, Ecc, QrMatrix, Timestamp, TokenCode};
use serde_json::json;

use super::doc::{Always, ById, Gone, Guarded, Stateful, WithBody};
use super::extract::{Body, IdPath, Peer};
use crate::clock::{now, rfc3339};
use crate::http::AppState;
use crate::http::auth::{Authorized, WriteDevices};
use crate::http::error::ApiError;
use crate::http::limits::{Budget, Client};
use crate::store;
use crate::store::audit::Actor;

/// How long an enrolment code works: a working day, so it can be printed and carried to the device.
pub const VALIDITY_MILLIS: i64 = 24 * 60 * 60 * 1000;

fn already_enrolled() -> ApiError {
    ApiError::server(
        ServerCode::AlreadyEnrolled,
        "this device is enrolled: redeem a reset_certificate token on it before it enrols again",
    )
}

/// Issues a one-time enrolment code for a device that is not enrolled.
///
/// Permission `fms.device.write`. An enrolled device is 409 `already_enrolled`: redeem a `reset_certificate` token
/// on it first. Replaces the device's unused code. The code works for 24 hours, once.
#[utoipa::path(post, path = "/v1/devices/{id}/enrolment", tag = "organisation",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The device's id")),
    responses((status = 201, description = "The code, shown this once", body = EnrolmentCode),
        ById, Stateful, Guarded, Always))]
pub async fn issue(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<WriteDevices>,
    IdPath(id): IdPath,
) -> Result<(StatusCode, Json<EnrolmentCode>), ApiError> {
    let now = now();
    let mut tx = state.store.write().await?;
    let device = store::enrolment::device(&mut tx, Some(p.org), id)
        .await?
        .ok_or_else(|| ApiError::not_found("device"))?;
    if !device.needs_enrolment() {
        return Err(already_enrolled());
    }
    let code = TokenCode::generate(&mut rand::rng());
    let expires_at = Timestamp::from_millis(now.as_millis() + VALIDITY_MILLIS);
    store::enrolment::replace_code(
        &mut tx,
        &state.master,
        &device,
        &code,
        p.token_id,
        now,
        expires_at,
    )
    .await?;
    p.audit(
        &mut tx,
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
        Json(EnrolmentCode {
            device_id: device.id.get(),
            code: code.to_string(),
            expires_at: Time(rfc3339(expires_at)),
            qr: EnrolmentQr { text, svg },
        }),
    ))
}

/// Enrols a device: its public key becomes its certificate.
///
/// Anonymous: the enrolment code is the credential. The device proves it holds the key (`proof`). A key that is not
/// a valid Ed25519 point of large order is 422 `bad_public_key`; a proof that is not the key's signature of the
/// enrolment message for this code is 422 `bad_proof` (both checked before the code is looked up). An unknown code
/// is 422 `unknown_code`, a used one 409 `code_used`, an expired one 410 `code_expired`, a device enrolled
/// meanwhile 409 `already_enrolled`. Every failure spends one of the caller's guesses (429 `rate_limited` when none
/// are left).
#[utoipa::path(post, path = "/v1/enrol", tag = "phones", security(()), request_body = EnrolRequest,
    responses((status = 200, description = "The device, enrolled", body = EnrolledDevice),
        WithBody, Stateful, Gone, Always))]
pub async fn enrol(
    State(state): State<AppState>,
    Peer(peer): Peer,
    Body(request): Body<EnrolRequest>,
) -> Result<Json<EnrolledDevice>, ApiError> {
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
) -> Result<EnrolledDevice, ApiError> {
    let code = TokenCode::parse(&request.code)?;
    let bad_key = |why: &str| {
        ApiError::server(
            ServerCode::BadPublicKey,
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
        ApiError::server(
            ServerCode::BadProof,
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
    let mut tx = state.store.write().await?;
    let found = store::enrolment::find_code(&mut tx, &state.master, &code)
        .await?
        .ok_or_else(|| {
            ApiError::server(
                ServerCode::UnknownCode,
                "no device waits for this enrolment code: check it, or ask for a new one",
            )
        })?;
    if found.used {
        return Err(ApiError::server(
            ServerCode::CodeUsed,
            "this enrolment code was used already: ask for a new one",
        ));
    }
    if now >= found.expires_at {
        return Err(ApiError::server(
            ServerCode::CodeExpired,
            "this enrolment code has expired: ask for a new one",
        ));
    }
    let device = store::enrolment::device(&mut tx, None, i64::from(found.device_id.get()))
        .await?
        .ok_or_else(|| {
            crate::store::StoreError::damaged("enrolment_codes.device_id names no device")
        })?;
    if !device.needs_enrolment() {
        return Err(already_enrolled());
    }
    let enrolled = device.enrol(offered);
    store::enrolment::enrol(&mut tx, &enrolled, &found, now).await?;
    let actor = Actor {
        remote: peer.map(|a| a.ip().to_string()),
        ..Actor::system("enrolment")
    };
    store::audit::record(
        &mut tx,
        enrolled.org,
        &actor,
        "device.enrol",
        &format!("device/{}", enrolled.id),
        json!({ "public_key": hex::encode(public_key) }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(EnrolledDevice {
        id: enrolled.id.get(),
        state: enrolled.state.into(),
        enrolled: !enrolled.needs_enrolment(),
        org: enrolled.org.get(),
    })
}
