//! `POST /api/v1/sync`: the phones' queued redemptions. The handler checks the request's shape, loads what the
//! batch needs in one write transaction, asks the core (`decide_batch`) and stores its answer in the same
//! transaction (see [`crate::store::redemptions`]), so a batch is applied wholly or not at all, and concurrent
//! copies of a batch apply once.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use fieldtoken_api::sync::{DeviceSignature, SyncRequest, SyncResponse, SyncResult};
use fieldtoken_api::{ErrorBody, ServerCode, Time};
use fieldtoken_core::sync::sync_mark;
use fieldtoken_core::{
    Device, DeviceId, ErrorKind, OrgId, Permission, Redemption, RedemptionId, decide_batch,
};

use super::doc::{Always, Stateful, WithBody};
use super::extract::{Body, Peer};
use crate::clock::{now, request_time, rfc3339};
use crate::http::AppState;
use crate::http::auth::{self, MaybePrincipal, Principal};
use crate::http::error::ApiError;
use crate::http::limits::{Budget, Client};
use crate::store;
use crate::store::audit::Actor;
use crate::store::redemptions::{IdConflict, PrincipalKey, Sender, SyncScope};

/// The most redemptions in one batch.
pub const MAX_BATCH: usize = 5000;
/// The longest token text accepted (a deep link is at most 172 characters).
const MAX_TOKEN_TEXT: usize = 512;

fn parse_batch(request: SyncRequest) -> Result<Vec<Redemption>, ApiError> {
    if request.redemptions.len() > MAX_BATCH {
        return Err(ApiError::server(
            ServerCode::BatchTooLarge,
            format!("a batch holds at most {MAX_BATCH} redemptions: send the rest in another"),
        ));
    }
    request
        .redemptions
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let at = |e: fieldtoken_core::Error| {
                ApiError::core(e.kind(), format!("redemption {}: {e}", i + 1))
            };
            if r.token.chars().count() > MAX_TOKEN_TEXT {
                return Err(ApiError::core(
                    ErrorKind::BadLength,
                    format!("redemption {}: the token text is too long", i + 1),
                ));
            }
            let scanned_at = request_time(&r.scanned_at).ok_or_else(|| {
                ApiError::server(
                    ServerCode::InvalidBody,
                    format!(
                        "redemption {}: scanned_at is not an RFC 3339 time such as 2026-12-31T23:59:59Z, nor milliseconds since 1970",
                        i + 1
                    ),
                )
            })?;
            Ok(Redemption {
                id: RedemptionId::new(&r.id).map_err(at)?,
                token: r.token,
                device_id: DeviceId::from_i64(r.device_id).map_err(at)?,
                scanned_at,
            })
        })
        .collect()
}

/// The bearer caller of a sync, if any, after its request was counted against its sync budget (its API token's, or
/// its address's for a device signing for itself); the count comes before the body is read, so a refused request
/// costs no parsing. A bearer caller may sync when it is an operator session or holds `fms.actiontoken.redeem`
/// (403 before the body is read otherwise); without a bearer token the body must carry a device signature.
pub struct SyncCaller(pub Option<Principal>);

impl FromRequestParts<AppState> for SyncCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let MaybePrincipal(principal) = MaybePrincipal::from_request_parts(parts, state).await?;
        if let Some(p) = &principal
            && p.operator.is_none()
        {
            p.require(Permission::ActionTokenRedeem)?;
        }
        match &principal {
            Some(p) => state
                .limiter
                .spend(Budget::Sync, Client::Token(p.token_id))?,
            // No bearer token: the body must carry a device signature, whose device is counted once it verified
            // (see `sync`). An address whose forged signatures used up its guesses is refused before any work.
            None => state
                .limiter
                .check(Budget::Guesses, Client::of_peer(parts))?,
        }
        Ok(SyncCaller(principal))
    }
}

/// Who carries a batch: a bearer token (an operator session or an API token holding `fms.actiontoken.redeem`), or
/// an enrolled device that signed it for itself.
enum Carrier {
    Bearer(Principal),
    Device(Device),
}

impl Carrier {
    fn org(&self) -> OrgId {
        match self {
            Carrier::Bearer(p) => p.org,
            Carrier::Device(d) => d.org,
        }
    }
}

/// The signature's device, checked inside the sync's transaction against its current certificate (see
/// docs/FORMATS.md, "Device-signed sync"): 401 `unauthenticated` for an unknown device or a bad signature, 401
/// `certificate_reset` for a device without a certificate, 403 `forbidden` for a redemption of another device.
async fn signing_device(
    conn: &mut store::Conn,
    signature: &DeviceSignature,
    batch: &[Redemption],
) -> Result<Device, ApiError> {
    let refused = || {
        ApiError::unauthenticated(
            "the device signature is not the signature of this batch by an enrolled device's current key",
        )
    };
    let bytes = hex::decode(signature.signature.trim())
        .ok()
        .and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
        .ok_or_else(|| {
            ApiError::server(
                ServerCode::InvalidBody,
                "device_signature.signature is an Ed25519 signature in 128 hex digits",
            )
        })?;
    let signer = DeviceId::from_i64(signature.device_id)?;
    let (device, certificate) = auth::signer(conn, signer, refused).await?;
    certificate
        .verify_sync(device.org, signer, batch, &bytes)
        .map_err(|error| match error.kind() {
            ErrorKind::Forbidden => ApiError::from(error),
            // `bad_signature`, or `bad_format` for a stored certificate that is no key (seeded demo devices).
            _ => {
                tracing::info!(device = %signer, "refused: a device signature that does not verify");
                refused()
            }
        })?;
    Ok(device)
}

/// Uploads queued redemptions; answers the server's decision on each, in order.
///
/// Never anonymous: Permission `fms.actiontoken.redeem` (an API token without it is 403), an operator session, or, with no
/// bearer token, an enrolled device's signature of the batch in `device_signature` (docs/FORMATS.md, "Device-signed
/// sync"), which acts only on that device. No credential, an unknown device or a bad signature is 401
/// `unauthenticated`; a device whose certificate was reset is 401 `certificate_reset` until it enrols again; a device
/// signature with a redemption for another device is 403 `forbidden`. Only the carrier's organisation's devices are
/// acted on. The clock rule uses the previous sync of the signing device, of the operator's access token, or of the
/// API token; a scan dated before its token was created or further back than the organisation's `max_offline` is
/// rejected `clock` whoever sends it. One transaction per batch of at most 5000; idempotent by redemption id within
/// the carrier's organisation and principal: an id it sent again with the same payload is `duplicate`, with another
/// payload the batch is refused with 409 `idempotency_conflict` and nothing is applied; another caller's ids never
/// conflict. Rate limited per client (429).
#[utoipa::path(post, path = "/v1/sync", tag = "phones", security((), ("bearer" = [])),
    request_body = SyncRequest,
    responses((status = 200, description = "One result per redemption, in order", body = SyncResponse),
        (status = 401, description = "No credential, a token that is not (or no longer) valid, a device signature that does not verify, or `certificate_reset`", body = ErrorBody),
        (status = 403, description = "A token without `fms.actiontoken.redeem`, or a device signature over another device's redemption", body = ErrorBody),
        WithBody, Stateful, Always))]
pub async fn sync(
    State(state): State<AppState>,
    SyncCaller(principal): SyncCaller,
    Peer(peer): Peer,
    Body(mut request): Body<SyncRequest>,
) -> Result<Json<SyncResponse>, ApiError> {
    // Who claims to carry the batch is settled before the body is parsed and the write lock taken; a device's claim
    // is checked inside the transaction, against the certificate the sync sees.
    let claimed = match (principal, request.device_signature.take()) {
        (Some(p), None) => Ok(p),
        (None, Some(signature)) => Err(signature),
        // Two credentials: which one carries the batch is unclear, so neither does (401, as for any credential
        // that does not authenticate; the document cannot state "not both" across a header and the body).
        (Some(_), Some(_)) => {
            return Err(ApiError::unauthenticated(
                "send either a bearer token or a device signature, not both",
            ));
        }
        (None, None) => {
            // Anonymous and carrying nothing: counted against its address's sync budget (not its guesses, which
            // would lock out the signed-in phones behind the same address), so a flood of them is refused with 429.
            state.limiter.spend(Budget::Sync, Client::of_addr(peer))?;
            return Err(ApiError::unauthenticated(
                "a sync needs a carrier: an operator session, an API token holding fms.actiontoken.redeem, or the enrolled device's signature of the batch",
            ));
        }
    };
    let batch = parse_batch(request)?;
    let mut tx = state.store.write().await?;
    let carrier = match claimed {
        Ok(p) => Carrier::Bearer(p),
        Err(signature) => {
            // A signature that does not verify is a guess, counted against its address; a device that signed is
            // counted as itself, so devices sharing an address do not share one budget.
            let device = signing_device(&mut tx, &signature, &batch)
                .await
                .inspect_err(|refused| {
                    if refused.status() == StatusCode::UNAUTHORIZED {
                        let _ = state.limiter.spend(Budget::Guesses, Client::of_addr(peer));
                    }
                })?;
            state
                .limiter
                .spend(Budget::Sync, Client::Device(device.id.get()))?;
            Carrier::Device(device)
        }
    };
    let now = now();
    let scope = Some(carrier.org());
    // Redemption ids and the clock mark belong to the carrier: the signing device, else the operator's access token,
    // else the API token.
    let sync_scope = SyncScope {
        org: scope,
        principal: match &carrier {
            Carrier::Bearer(p) => PrincipalKey::of(None, p.operator, Some(p.token_id)),
            Carrier::Device(d) => PrincipalKey::of(Some(d.id), None, None),
        },
    };
    let server = store::redemptions::load(&mut tx, &state.master, &batch, &sync_scope)
        .await?
        .map_err(|IdConflict(id)| {
            ApiError::server(
                ServerCode::IdempotencyConflict,
                format!(
                    "redemption {id} was already received with another token, device or scan time; nothing was applied"
                ),
            )
        })?;
    let previous_sync = store::redemptions::previous_sync(&mut tx, &sync_scope).await?;

    let outcome = decide_batch(&server, now, previous_sync, &batch);

    // The clock rule's mark is the core's to decide: the newest accepted scan, not this request's time, so a phone
    // may upload one queue in several batches.
    let mark = sync_mark(previous_sync, now, &batch, &outcome.results);
    let sender = match &carrier {
        Carrier::Bearer(p) => Sender {
            scope: sync_scope,
            api_token: Some(p.token_id),
            org: scope,
            operator: p.operator,
            actor: Actor::from(p),
        },
        Carrier::Device(d) => Sender {
            scope: sync_scope,
            api_token: None,
            org: scope,
            operator: None,
            actor: Actor {
                id: None,
                name: format!("device {}", d.id),
                remote: peer.map(|addr| addr.ip().to_string()),
            },
        },
    };
    store::redemptions::record(&mut tx, &batch, &server, &outcome, &sender, mark, now).await?;
    tx.commit().await?;

    Ok(Json(SyncResponse {
        results: outcome
            .results
            .iter()
            .map(|r| SyncResult {
                id: r.id.to_string(),
                status: r.status.into(),
                reason: r.reason.map(Into::into),
            })
            .collect(),
        server_time: Time(rfc3339(now)),
    }))
}
