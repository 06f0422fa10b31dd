//! The sync of queued redemptions: loading the state the core's `decide_batch` needs for one batch, and writing
//! its decisions. The caller holds one write transaction around both, so a batch is applied whole or not at all,
//! and two copies of a batch sent at once apply once.
//!
//! Exactly once: every redemption that is not a `duplicate` gets a row keyed by its client-made id, scoped to the
//! caller's organisation and [`PrincipalKey`], with a hash of its payload (token text, device, scan time). An id this
//! caller sent before with the same payload is a retry (the core answers `duplicate`); with another payload it is an
//! [`IdConflict`], and nothing of the batch is written. Another caller's ids are never seen here: they can neither
//! block a batch nor be probed.
//!
//! Time: each principal has one clock mark (`sync_marks`), which the core's `sync_mark` moves; each organisation has
//! its `max_offline`, loaded with its tokens' creation times for the core's rules.

use std::collections::{BTreeSet, HashMap};

use fieldtoken_core::sync::{
    BatchNeeds, ScanMark, ServerState, StoredDevice, StoredToken, SyncOutcome,
};
use fieldtoken_core::{DeviceId, OrgId, Redemption, RedemptionId, SyncStatus, Timestamp};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::audit::Actor;
use super::{CHUNK, Conn, Result, fetch_in, org_key, placeholders};
use crate::clock::rfc3339;
use crate::seal::MasterKey;

fn payload_hash(r: &Redemption) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update((r.token.len() as u64).to_be_bytes());
    h.update(r.token.as_bytes());
    h.update(r.device_id.get().to_be_bytes());
    h.update(r.scanned_at.as_millis().to_be_bytes());
    h.finalize().to_vec()
}

/// Who carries a batch, as its redemption ids and its clock mark are scoped (within its organisation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalKey {
    /// An enrolled device signing for itself: its id.
    Device(DeviceId),
    /// An operator: the number of the access token it signed in with, whichever session (a new sign-in keeps the
    /// mark).
    Operator(u32),
    /// An API token: its row id.
    ApiToken(i64),
    /// No credentials.
    Anonymous,
}

impl PrincipalKey {
    /// The key of a caller: its device when it signed as one (`None` until device signatures exist, or when the
    /// caller is not a device), else the operator's access token number, else its API token; else anonymous.
    pub fn of(device: Option<DeviceId>, operator: Option<u32>, api_token: Option<i64>) -> Self {
        match (device, operator, api_token) {
            (Some(device), _, _) => PrincipalKey::Device(device),
            (None, Some(number), _) => PrincipalKey::Operator(number),
            (None, None, Some(id)) => PrincipalKey::ApiToken(id),
            (None, None, None) => PrincipalKey::Anonymous,
        }
    }

    /// The stored form: `device:ID`, `operator:NUMBER`, `api:ID` or `anonymous`.
    pub fn to_text(&self) -> String {
        match self {
            PrincipalKey::Device(id) => format!("device:{id}"),
            PrincipalKey::Operator(number) => format!("operator:{number}"),
            PrincipalKey::ApiToken(id) => format!("api:{id}"),
            PrincipalKey::Anonymous => "anonymous".to_owned(),
        }
    }
}

/// The scope of a caller's redemption ids and clock mark: its organisation (`None` when anonymous) and principal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncScope {
    /// The caller's organisation.
    pub org: Option<OrgId>,
    /// Who the caller is.
    pub principal: PrincipalKey,
}

impl SyncScope {
    pub(super) fn org_column(&self) -> i64 {
        self.org.map_or(0, org_key)
    }
}

/// A redemption id used for another payload (token, device or scan time), in the batch or before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdConflict(pub RedemptionId);

/// device id, organisation, state, fleet, certificate, last scan time, last scan id.
type DeviceRow = (
    i64,
    i64,
    String,
    Option<i64>,
    Option<Vec<u8>>,
    Option<i64>,
    Option<String>,
);

/// What the core needs to decide `batch`: the ids this caller (`scope`) sent before, the tokens it names (deleted
/// ones included, with their creation times), its devices (only the caller's organisation's when it has one), and the
/// keys, fleets and `max_offline` of the tokens' organisations. An id that repeats with another payload is
/// `Err(IdConflict)`.
pub async fn load(
    conn: &mut Conn,
    master: &MasterKey,
    batch: &[Redemption],
    scope: &SyncScope,
) -> Result<std::result::Result<ServerState, IdConflict>> {
    let mut hashes: HashMap<&RedemptionId, Vec<u8>> = HashMap::new();
    for r in batch {
        let hash = payload_hash(r);
        if hashes
            .insert(&r.id, hash.clone())
            .is_some_and(|earlier| earlier != hash)
        {
            return Ok(Err(IdConflict(r.id.clone())));
        }
    }
    let needs = BatchNeeds::of(batch);
    let mut server = ServerState::default();

    let ids: Vec<&RedemptionId> = needs.redemption_ids.iter().collect();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT id, payload_hash FROM redemptions WHERE scope_org = ? AND principal = ? AND id IN ({})",
            placeholders(chunk.len())
        );
        let mut query = sqlx::query_as::<_, (String, Vec<u8>)>(&sql)
            .bind(scope.org_column())
            .bind(scope.principal.to_text());
        for id in chunk {
            query = query.bind(id.as_str());
        }
        for (id, hash) in query.fetch_all(&mut *conn).await? {
            let id = RedemptionId::new(&id)?;
            if hashes.get(&id).is_some_and(|h| *h != hash) {
                return Ok(Err(IdConflict(id)));
            }
            server.seen.insert(id);
        }
    }

    let mut orgs = BTreeSet::new();
    let found = super::action_tokens::find(
        conn,
        master,
        needs.token_ids.iter().copied(),
        needs.codes.iter().copied(),
    )
    .await?;
    for record in found {
        orgs.insert(record.token.org());
        server.tokens.insert(
            record.token.id(),
            StoredToken {
                token: record.token,
                deleted: record.deleted,
                created_at: record.created_at,
            },
        );
    }

    let device_ids: Vec<i64> = needs
        .device_ids
        .iter()
        .map(|id| i64::from(id.get()))
        .collect();
    let device_scope = scope.org.map(org_key);
    let devices: Vec<DeviceRow> = fetch_in(
        conn,
        // A retired device is gone for sync: its redemptions are `unknown_device`.
        "SELECT id, org_id, state, fleet_id, certificate, last_scan_at, last_scan_id FROM devices WHERE retired_at IS NULL AND id",
        &device_ids,
    )
    .await?;
    for (id, org, state, fleet, certificate, scan_at, scan_id) in devices {
        // A scoped caller does not see another organisation's devices: to it they do not exist.
        if device_scope.is_some_and(|scope| scope != org) {
            continue;
        }
        let device =
            super::devices::device_of_row(id, OrgId::from_i64(org)?, &state, fleet, certificate)?;
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

    for &org in &orgs {
        super::signing_keys::public_keys(conn, org, &mut server.keys).await?;
        for fleet in super::fleets::list(conn, org).await? {
            server.fleets.insert(fleet.id, fleet);
        }
        server
            .max_offline_ms
            .insert(org, super::orgs::max_offline_ms(conn, org).await?);
    }
    Ok(Ok(server))
}

/// This caller's clock mark: the newest accepted scan of its earlier syncs (none for an anonymous caller, which
/// has no mark of its own).
pub async fn previous_sync(conn: &mut Conn, scope: &SyncScope) -> Result<Option<Timestamp>> {
    if scope.principal == PrincipalKey::Anonymous {
        return Ok(None);
    }
    let at: Option<i64> = sqlx::query_scalar(
        "SELECT last_sync_at FROM sync_marks WHERE scope_org = ? AND principal = ?",
    )
    .bind(scope.org_column())
    .bind(scope.principal.to_text())
    .fetch_optional(conn)
    .await?;
    Ok(at.map(Timestamp::from_millis))
}

/// Who sent a batch, as its rows and the audit log record it.
#[derive(Clone, Debug)]
pub struct Sender {
    /// The scope of its redemption ids and clock mark.
    pub scope: SyncScope,
    /// The API token (or operator session), when signed in.
    pub api_token: Option<i64>,
    /// The caller's organisation, when signed in.
    pub org: Option<OrgId>,
    /// For an operator session: the number of the access token the operator signed in with.
    pub operator: Option<u32>,
    /// Who, for the audit log.
    pub actor: Actor,
}

/// A `redemptions` row: scope, principal, id, payload hash, organisation, status, reason, token, device, scan
/// time, receive time, API token, operator.
type Row = (
    i64,
    String,
    String,
    Vec<u8>,
    Option<i64>,
    &'static str,
    Option<&'static str>,
    Option<i64>,
    i64,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
);

/// Writes the core's decisions on `batch`: a history row per redemption (see [`super::history`]), a row per
/// redemption that is not a `duplicate`, an audit entry per
/// applied one, the devices the core changed (their organisations' bundles change too), and the sender's new
/// clock mark when the core gave one (never for an anonymous sender).
pub async fn record(
    conn: &mut Conn,
    batch: &[Redemption],
    server: &ServerState,
    outcome: &SyncOutcome,
    sender: &Sender,
    mark: Option<Timestamp>,
    now: Timestamp,
) -> Result<()> {
    let operator = sender.operator.map(i64::from);
    let mut received = Vec::with_capacity(batch.len());
    let mut rows: Vec<Row> = Vec::with_capacity(batch.len());
    let mut applied = Vec::new();
    for (r, result) in batch.iter().zip(&outcome.results) {
        let token = result.token_id.and_then(|id| server.tokens.get(&id));
        // Every receipt, a retry too, goes to the carrier's organisation's history.
        received.push((r, result, token.map(|t| t.token.org())));
        if result.status == SyncStatus::Duplicate {
            continue;
        }
        let device_org = server.devices.get(&r.device_id).map(|d| d.device.org);
        let org = device_org.or(token.map(|t| t.token.org())).or(sender.org);
        rows.push((
            sender.scope.org_column(),
            sender.scope.principal.to_text(),
            r.id.as_str().to_owned(),
            payload_hash(r),
            org.map(org_key),
            result.status.as_str(),
            result.reason.map(|reason| reason.as_str()),
            result.token_id.map(|id| i64::from(id.get())),
            i64::from(r.device_id.get()),
            r.scanned_at.as_millis(),
            now.as_millis(),
            sender.api_token,
            operator,
        ));
        if result.status == SyncStatus::Applied
            && let (Some(org), Some(token)) = (device_org, token)
        {
            let action = fieldtoken_api::action_tokens::Action::from(token.token.action());
            let mut detail = json!({
                "redemption": r.id.as_str(),
                "action_token": token.token.id().get(),
                "action": action,
                "scanned_at": rfc3339(r.scanned_at),
            });
            if let Some(number) = operator {
                detail["operator"] = json!(number);
            }
            applied.push(super::audit::Change {
                org,
                action: "redemption.apply",
                target: format!("device/{}", r.device_id),
                detail,
            });
        }
    }
    super::insert_rows(
        conn,
        "INSERT INTO redemptions (scope_org, principal, id, payload_hash, org_id, status, reason, token_id, device_id,
                                  scanned_at, received_at, client_id, operator)",
        13,
        &rows,
        |statement, row| {
            statement
                .bind(row.0)
                .bind(row.1.clone())
                .bind(row.2.clone())
                .bind(row.3.clone())
                .bind(row.4)
                .bind(row.5)
                .bind(row.6)
                .bind(row.7)
                .bind(row.8)
                .bind(row.9)
                .bind(row.10)
                .bind(row.11)
                .bind(row.12)
        },
    )
    .await?;
    // After the redemptions: a repeat within this batch names the token its first receipt, just written, named.
    super::history::append_all(conn, sender, &received, now).await?;
    super::audit::record_all(conn, &sender.actor, &applied, now).await?;
    let mut changed = BTreeSet::new();
    for (id, stored) in &outcome.devices {
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
        .execute(&mut *conn)
        .await?;
        changed.insert(d.org);
    }
    for org in changed {
        super::orgs::bump_revision(conn, org).await?;
    }
    if let Some(mark) = mark
        && sender.scope.principal != PrincipalKey::Anonymous
    {
        sqlx::query(
            "INSERT INTO sync_marks (scope_org, principal, last_sync_at) VALUES (?, ?, ?)
             ON CONFLICT (scope_org, principal) DO UPDATE SET last_sync_at =
                 CASE WHEN excluded.last_sync_at > sync_marks.last_sync_at THEN excluded.last_sync_at ELSE sync_marks.last_sync_at END",
        )
        .bind(sender.scope.org_column())
        .bind(sender.scope.principal.to_text())
        .bind(mark.as_millis())
        .execute(conn)
        .await?;
    }
    Ok(())
}
