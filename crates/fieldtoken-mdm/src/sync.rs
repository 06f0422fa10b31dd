//! `POST /api/v1/sync`: the phones' queued redemptions. The handler checks the request's shape, loads what the
//! batch needs in one write transaction, asks the core (`decide_batch`) and stores its answer in the same
//! transaction, so a batch is applied wholly or not at all, and concurrent copies of a batch apply once.
//!
//! Idempotency: a redemption id seen before with the same payload (token text, device, scan time) is `duplicate`;
//! with another payload the whole batch is refused with 422 `idempotency_conflict`, nothing written.

use std::collections::{BTreeSet, HashMap};

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use fieldtoken_core::sync::{
    BatchNeeds, ScanMark, ServerState, StoredDevice, StoredToken, sync_mark,
};
use fieldtoken_core::{
    Certificate, Device, DeviceId, DeviceState, Fleet, FleetId, OrgId, Redemption, RedemptionId,
    SyncStatus, Timestamp, decide_batch,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;

use crate::action_tokens::{TOKEN_COLUMNS, TokenRow, WireAction, token_of_row};
use crate::auth::{MaybePrincipal, Principal};
use crate::clock::{WireTime, now, rfc3339};
use crate::http::extract::Body;
use crate::limits::{Budget, Client};
use crate::store;
use crate::store::audit::Actor;
use crate::{ApiError, AppState};

/// The most redemptions in one batch.
pub const MAX_BATCH: usize = 5000;
/// The longest token text accepted (a deep link is at most 172 characters).
const MAX_TOKEN_TEXT: usize = 512;
/// SQLite bound-parameter chunk for `IN (...)` look-ups.
const CHUNK: usize = 500;

/// The request.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    redemptions: Vec<WireRedemption>,
}

/// One redemption as sent.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireRedemption {
    id: String,
    token: String,
    device_id: i64,
    scanned_at: WireTime,
}

/// The answer.
#[derive(Serialize)]
pub struct SyncResponse {
    results: Vec<ResultJson>,
    server_time: String,
}

#[derive(Serialize)]
struct ResultJson {
    id: String,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
}

/// A core device from its stored columns.
pub fn device_of_row(
    id: i64,
    org: OrgId,
    state: &str,
    fleet: Option<i64>,
    certificate: Option<Vec<u8>>,
) -> Result<Device, ApiError> {
    let state = match (state, fleet) {
        ("in_fleet", Some(f)) => DeviceState::InFleet(FleetId::from_i64(f)?),
        ("in_repair", _) => DeviceState::InRepair,
        ("in_stock", _) => DeviceState::InStock,
        _ => {
            return Err(ApiError::bad_request(
                "bad_format",
                "a stored device has an unknown state",
            ));
        }
    };
    let certificate = certificate
        .map(|c| <[u8; 32]>::try_from(c.as_slice()).map(Certificate::from_bytes))
        .transpose()
        .map_err(|_| {
            ApiError::bad_request("bad_format", "a stored certificate has the wrong size")
        })?;
    Ok(Device {
        id: DeviceId::from_i64(id)?,
        org,
        state,
        certificate,
    })
}

fn payload_hash(r: &Redemption) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update((r.token.len() as u64).to_be_bytes());
    h.update(r.token.as_bytes());
    h.update(r.device_id.get().to_be_bytes());
    h.update(r.scanned_at.as_millis().to_be_bytes());
    h.finalize().to_vec()
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

fn conflict(id: &RedemptionId) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_conflict",
        format!(
            "redemption {id} was already received with another token, device or scan time; nothing was applied"
        ),
    )
}

fn parse_batch(request: SyncRequest) -> Result<Vec<Redemption>, ApiError> {
    if request.redemptions.len() > MAX_BATCH {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch_too_large",
            format!("a batch holds at most {MAX_BATCH} redemptions: send the rest in another"),
        ));
    }
    request
        .redemptions
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let at = |e: ApiError| {
                ApiError::new(
                    e.status(),
                    e.code(),
                    format!("redemption {}: {}", i + 1, e.message()),
                )
            };
            if r.token.chars().count() > MAX_TOKEN_TEXT {
                return Err(at(ApiError::bad_request(
                    "bad_length",
                    "the token text is too long",
                )));
            }
            Ok(Redemption {
                id: RedemptionId::new(&r.id).map_err(|e| at(e.into()))?,
                token: r.token,
                device_id: DeviceId::from_i64(r.device_id).map_err(|e| at(e.into()))?,
                scanned_at: r.scanned_at.0,
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

/// `POST /api/v1/sync`: anonymous, or with any valid API token (then the clock rule uses its previous sync, and only
/// its organisation's devices are acted on).
pub async fn sync(
    State(state): State<AppState>,
    SyncCaller(principal): SyncCaller,
    Body(request): Body<SyncRequest>,
) -> Result<Json<SyncResponse>, ApiError> {
    let batch = parse_batch(request)?;
    let hashes: Vec<Vec<u8>> = batch.iter().map(payload_hash).collect();
    let mut in_batch: HashMap<&RedemptionId, &Vec<u8>> = HashMap::new();
    for (r, hash) in batch.iter().zip(&hashes) {
        if in_batch
            .insert(&r.id, hash)
            .is_some_and(|earlier| earlier != hash)
        {
            return Err(conflict(&r.id));
        }
    }

    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let now = now();
    let needs = BatchNeeds::of(&batch);
    let mut server = ServerState::default();

    // Ids already received: the same payload is a retry, another payload a conflict.
    let ids: Vec<&RedemptionId> = needs.redemption_ids.iter().collect();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT id, payload_hash FROM redemptions WHERE id IN ({})",
            placeholders(chunk.len())
        );
        let mut query = sqlx::query_as::<_, (String, Vec<u8>)>(&sql);
        for id in chunk {
            query = query.bind(id.as_str());
        }
        for (id, hash) in query.fetch_all(&mut *tx).await? {
            let id = RedemptionId::new(&id)?;
            if in_batch.get(&id).is_some_and(|h| **h != hash) {
                return Err(conflict(&id));
            }
            server.seen.insert(id);
        }
    }

    // Tokens named by id (signed) or by code (looked up by keyed hash), deleted ones included.
    let mut rows: Vec<TokenRow> = Vec::new();
    let token_ids: Vec<i64> = needs
        .token_ids
        .iter()
        .map(|id| i64::from(id.get()))
        .collect();
    for chunk in token_ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM action_tokens WHERE id IN ({})",
            placeholders(chunk.len())
        );
        let mut query = sqlx::query_as::<_, TokenRow>(&sql);
        for id in chunk {
            query = query.bind(id);
        }
        rows.extend(query.fetch_all(&mut *tx).await?);
    }
    let lookups: Vec<Vec<u8>> = needs
        .codes
        .iter()
        .map(|c| state.master.code_lookup(&c.to_bytes()))
        .collect();
    for chunk in lookups.chunks(CHUNK) {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM action_tokens WHERE code_lookup IN ({})",
            placeholders(chunk.len())
        );
        let mut query = sqlx::query_as::<_, TokenRow>(&sql);
        for lookup in chunk {
            query = query.bind(lookup);
        }
        rows.extend(query.fetch_all(&mut *tx).await?);
    }
    let mut orgs = BTreeSet::new();
    for row in &rows {
        let (token, _, _, deleted) = token_of_row(&state.master, row)?;
        orgs.insert(token.org());
        server
            .tokens
            .insert(token.id(), StoredToken { token, deleted });
    }

    // Devices (only the caller's organisation's when signed in).
    let device_ids: Vec<i64> = needs
        .device_ids
        .iter()
        .map(|id| i64::from(id.get()))
        .collect();
    let scope = principal.as_ref().map(|p| i64::from(p.org.get()));
    for chunk in device_ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT id, org_id, state, fleet_id, certificate, last_scan_at, last_scan_id FROM devices
             WHERE id IN ({}) AND (? IS NULL OR org_id = ?)",
            placeholders(chunk.len())
        );
        let mut query = sqlx::query_as::<
            _,
            (
                i64,
                i64,
                String,
                Option<i64>,
                Option<Vec<u8>>,
                Option<i64>,
                Option<String>,
            ),
        >(&sql);
        for id in chunk {
            query = query.bind(id);
        }
        for (id, org, device_state, fleet, certificate, scan_at, scan_id) in
            query.bind(scope).bind(scope).fetch_all(&mut *tx).await?
        {
            let org = OrgId::from_i64(org)?;
            let device = device_of_row(id, org, &device_state, fleet, certificate)?;
            let last_scan = match (scan_at, scan_id) {
                (Some(at), Some(id)) => Some(ScanMark {
                    scanned_at: Timestamp::from_millis(at),
                    id: RedemptionId::new(&id)?,
                }),
                _ => None,
            };
            server
                .devices
                .insert(device.id, StoredDevice { device, last_scan });
        }
    }

    // Keys and fleets of the tokens' organisations.
    for &org in &orgs {
        store::signing_keys::public_keys(&mut tx, org, &mut server.keys).await?;
        let fleets: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM fleets WHERE org_id = ?")
                .bind(i64::from(org.get()))
                .fetch_all(&mut *tx)
                .await?;
        for (id, name) in fleets {
            let id = FleetId::from_i64(id)?;
            server.fleets.insert(id, Fleet { id, org, name });
        }
    }

    let previous_sync = match &principal {
        Some(p) => {
            sqlx::query_scalar::<_, Option<i64>>("SELECT last_sync_at FROM api_tokens WHERE id = ?")
                .bind(p.token_id)
                .fetch_one(&mut *tx)
                .await?
                .map(Timestamp::from_millis)
        }
        None => None,
    };

    let outcome = decide_batch(&server, now, previous_sync, &batch);

    // Store the core's answer.
    let client = principal.as_ref().map(|p| p.token_id);
    // An operator session's redemptions carry the operator (access token number), in the rows and the audit log.
    let operator = principal.as_ref().and_then(|p| p.operator).map(i64::from);
    let mut changed_orgs = BTreeSet::new();
    for ((r, result), hash) in batch.iter().zip(&outcome.results).zip(&hashes) {
        if result.status == SyncStatus::Duplicate {
            continue;
        }
        let device_org = server.devices.get(&r.device_id).map(|d| d.device.org);
        let token_org = result
            .token_id
            .and_then(|id| server.tokens.get(&id))
            .map(|t| t.token.org());
        let org = device_org
            .or(token_org)
            .or(principal.as_ref().map(|p| p.org));
        sqlx::query(
            "INSERT INTO redemptions (id, payload_hash, org_id, status, reason, token_id, device_id, scanned_at, received_at, client_id, operator)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(r.id.as_str())
        .bind(hash)
        .bind(org.map(|o| i64::from(o.get())))
        .bind(result.status.as_str())
        .bind(result.reason.map(|reason| reason.as_str()))
        .bind(result.token_id.map(|id| i64::from(id.get())))
        .bind(i64::from(r.device_id.get()))
        .bind(r.scanned_at.as_millis())
        .bind(now.as_millis())
        .bind(client)
        .bind(operator)
        .execute(&mut *tx)
        .await?;
        if result.status == SyncStatus::Applied
            && let (Some(org), Some(token)) = (
                device_org,
                result.token_id.and_then(|id| server.tokens.get(&id)),
            )
        {
            let actor = principal
                .as_ref()
                .map(Actor::from)
                .unwrap_or_else(|| Actor::system("sync"));
            let mut detail = json!({ "redemption": r.id.as_str(), "action_token": token.token.id().get(), "action": WireAction::of(token.token.action()), "scanned_at": rfc3339(r.scanned_at) });
            if let Some(number) = operator {
                detail["operator"] = json!(number);
            }
            store::audit::record(
                &mut tx,
                org,
                &actor,
                "redemption.apply",
                &format!("device/{}", r.device_id),
                detail,
                now,
            )
            .await?;
        }
    }
    for (id, stored) in &outcome.devices {
        store_device(&mut tx, *id, stored).await?;
        changed_orgs.insert(stored.device.org);
    }
    for org in changed_orgs {
        store::orgs::bump_revision(&mut tx, org).await?;
    }
    // The clock rule's mark is the core's to decide: the newest accepted scan, not this request's time, so
    // a phone may upload one queue in several batches.
    if let Some(p) = &principal
        && let Some(mark) = sync_mark(previous_sync, now, &batch, &outcome.results)
    {
        sqlx::query("UPDATE api_tokens SET last_sync_at = ? WHERE id = ?")
            .bind(mark.as_millis())
            .bind(p.token_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;

    Ok(Json(SyncResponse {
        results: outcome
            .results
            .iter()
            .map(|r| ResultJson {
                id: r.id.to_string(),
                status: r.status.as_str(),
                reason: r.reason.map(|reason| reason.as_str()),
            })
            .collect(),
        server_time: rfc3339(now),
    }))
}

async fn store_device(
    conn: &mut SqliteConnection,
    id: DeviceId,
    stored: &StoredDevice,
) -> Result<(), ApiError> {
    let d = &stored.device;
    sqlx::query(
        "UPDATE devices SET state = ?, fleet_id = ?, certificate = ?, last_scan_at = ?, last_scan_id = ? WHERE id = ?",
    )
    .bind(d.state.as_str())
    .bind(d.state.fleet().map(|f| i64::from(f.get())))
    .bind(d.certificate.map(|c| c.to_bytes().to_vec()))
    .bind(stored.last_scan.as_ref().map(|m| m.scanned_at.as_millis()))
    .bind(stored.last_scan.as_ref().map(|m| m.id.as_str().to_owned()))
    .bind(i64::from(id.get()))
    .execute(conn)
    .await?;
    Ok(())
}
