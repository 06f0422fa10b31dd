//! `POST /api/v1/sync`: the phones' queued redemptions. The handler checks the request's shape, loads what the
//! batch needs in one write transaction, asks the core (`decide_batch`) and stores its answer in the same
//! transaction (see [`crate::store::redemptions`]), so a batch is applied wholly or not at all, and concurrent
//! copies of a batch apply once.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use fieldtoken_api::sync::{SyncRequest, SyncResponse, SyncResult};
use fieldtoken_api::{ErrorBody, ServerCode, Time};
use fieldtoken_core::sync::sync_mark;
use fieldtoken_core::{DeviceId, ErrorKind, Redemption, RedemptionId, decide_batch};

use super::doc::{Always, Stateful, WithBody};
use super::extract::Body;
use crate::clock::{now, request_time, rfc3339};
use crate::http::AppState;
use crate::http::auth::{MaybePrincipal, Principal};
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

/// The caller of a sync, after its request was counted against its sync budget (its API token's, or its address's
/// when anonymous); the count comes before the body is read, so a refused request costs no parsing.
pub struct SyncCaller(pub Option<Principal>);

impl FromRequestParts<AppState> for SyncCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let MaybePrincipal(principal) = MaybePrincipal::from_request_parts(parts, state).await?;
        let client = principal
            .as_ref()
            .map_or_else(|| Client::of_peer(parts), |p| Client::Token(p.token_id));
        state.limiter.spend(Budget::Sync, client)?;
        Ok(SyncCaller(principal))
    }
}

/// Uploads queued redemptions; answers the server's decision on each, in order.
///
/// Anonymous, or any valid token (then only its organisation's devices are acted on, and the clock rule uses the
/// previous sync of its operator's access token, or of the API token). A scan dated before its token was created or
/// further back than the organisation's `max_offline` is rejected `clock` whoever sends it. One transaction per
/// batch of at most 5000; idempotent by redemption id within the caller's organisation and principal: an id it sent
/// again with the same payload is `duplicate`, with another payload the batch is refused with 409
/// `idempotency_conflict` and nothing is applied; another caller's ids never conflict. Rate limited per client (429).
#[utoipa::path(post, path = "/v1/sync", tag = "phones", security((), ("bearer" = [])),
    request_body = SyncRequest,
    responses((status = 200, description = "One result per redemption, in order", body = SyncResponse),
        (status = 401, description = "A token that is not (or no longer) valid", body = ErrorBody),
        WithBody, Stateful, Always))]
pub async fn sync(
    State(state): State<AppState>,
    SyncCaller(principal): SyncCaller,
    Body(request): Body<SyncRequest>,
) -> Result<Json<SyncResponse>, ApiError> {
    let batch = parse_batch(request)?;
    let mut tx = state.store.write().await?;
    let now = now();
    let scope = principal.as_ref().map(|p| p.org);
    // Redemption ids and the clock mark belong to the caller: its device (once devices sign), else the operator's
    // access token, else its API token.
    let sync_scope = SyncScope {
        org: scope,
        principal: PrincipalKey::of(
            None,
            principal.as_ref().and_then(|p| p.operator),
            principal.as_ref().map(|p| p.token_id),
        ),
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
    let sender = Sender {
        scope: sync_scope,
        api_token: principal.as_ref().map(|p| p.token_id),
        org: scope,
        operator: principal.as_ref().and_then(|p| p.operator),
        actor: principal
            .as_ref()
            .map(Actor::from)
            .unwrap_or_else(|| Actor::system("sync")),
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
