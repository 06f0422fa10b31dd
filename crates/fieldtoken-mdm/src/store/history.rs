//! The redemption history: one row per redemption the MDM received, whatever became of it (`duplicate` included),
//! filed under the organisation of whoever carried it, and read back newest first, filtered and a page at a time.
//!
//! Written in the sync's own transaction by [`super::redemptions::record`], so a history row exists exactly when
//! the sync's decision does. Every filter has an index that ends with the receive time (see migration 0010), and
//! pages are keyset ranges on (receive time, row id): a page costs the same at a million rows as at ten.

use std::collections::HashMap;

use fieldtoken_core::sync::RedemptionResult;
use fieldtoken_core::{OrgId, Redemption, RejectReason, SyncStatus, Timestamp};

use super::redemptions::{PrincipalKey, Sender};
use super::{CHUNK, Conn, Result, org_key, placeholders};

/// Who carried a redemption, as the history records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CarrierKind {
    /// An operator session: the id is the access token's number.
    Operator,
    /// An API token: the id is its row id.
    ApiToken,
    /// An enrolled device signing for itself: the id is the device's.
    Device,
}

impl CarrierKind {
    /// The stored (and wire) word.
    pub fn as_str(self) -> &'static str {
        match self {
            CarrierKind::Operator => "operator",
            CarrierKind::ApiToken => "api_token",
            CarrierKind::Device => "device",
        }
    }

    /// The kind a stored word names.
    pub fn parse(text: &str) -> Option<CarrierKind> {
        match text {
            "operator" => Some(CarrierKind::Operator),
            "api_token" => Some(CarrierKind::ApiToken),
            "device" => Some(CarrierKind::Device),
            _ => None,
        }
    }

    fn of(principal: &PrincipalKey) -> Option<(CarrierKind, i64)> {
        match principal {
            PrincipalKey::Operator(number) => Some((CarrierKind::Operator, i64::from(*number))),
            PrincipalKey::ApiToken(id) => Some((CarrierKind::ApiToken, *id)),
            PrincipalKey::Device(id) => Some((CarrierKind::Device, i64::from(id.get()))),
            PrincipalKey::Anonymous => None,
        }
    }
}

/// Appends one history row per redemption of a batch, with the core's result on it, under the sender's
/// organisation, in the batch's order. `items` holds each redemption, its result, and the organisation of the
/// result's token: another organisation's token is not named in this one's history; a `duplicate` names the token
/// its first receipt named. Nothing is written for an anonymous sender (there is no organisation to file it under;
/// the sync refuses those anyway).
pub(super) async fn append_all(
    conn: &mut Conn,
    sender: &Sender,
    items: &[(&Redemption, &RedemptionResult, Option<OrgId>)],
    now: Timestamp,
) -> Result<()> {
    let principal = &sender.scope.principal;
    let (Some(org), Some((kind, carrier))) = (sender.org, CarrierKind::of(principal)) else {
        return Ok(());
    };
    // The tokens the first receipts of this batch's duplicates named, asked for all of them at once.
    let duplicates: Vec<&str> = items
        .iter()
        .filter(|(_, result, _)| result.status == SyncStatus::Duplicate)
        .map(|(r, _, _)| r.id.as_str())
        .collect();
    let mut first_tokens: HashMap<String, i64> = HashMap::new();
    for chunk in duplicates.chunks(CHUNK) {
        let sql = format!(
            "SELECT r.id, t.id FROM redemptions r JOIN action_tokens t ON t.id = r.token_id AND t.org_id = ?
              WHERE r.scope_org = ? AND r.principal = ? AND r.id IN ({})",
            placeholders(chunk.len())
        );
        let mut query = sqlx::query_as::<_, (String, i64)>(&sql)
            .bind(org_key(org))
            .bind(sender.scope.org_column())
            .bind(principal.to_text());
        for id in chunk {
            query = query.bind(*id);
        }
        first_tokens.extend(query.fetch_all(&mut *conn).await?);
    }
    type Row = (
        i64,
        String,
        &'static str,
        Option<&'static str>,
        Option<i64>,
        i64,
        i64,
        i64,
        &'static str,
        i64,
    );
    let rows: Vec<Row> = items
        .iter()
        .map(|(r, result, token_org)| {
            let token = if result.status == SyncStatus::Duplicate {
                first_tokens.get(r.id.as_str()).copied()
            } else {
                result
                    .token_id
                    .filter(|_| *token_org == Some(org))
                    .map(|id| i64::from(id.get()))
            };
            (
                org_key(org),
                r.id.as_str().to_owned(),
                result.status.as_str(),
                result.reason.map(|reason| reason.as_str()),
                token,
                i64::from(r.device_id.get()),
                r.scanned_at.as_millis(),
                now.as_millis(),
                kind.as_str(),
                carrier,
            )
        })
        .collect();
    super::insert_rows(
        conn,
        "INSERT INTO redemption_history (org_id, redemption_id, status, reason, token_id, device_id, scanned_at,
                                         received_at, carrier_kind, carrier_id)",
        10,
        &rows,
        |statement, row| {
            statement
                .bind(row.0)
                .bind(row.1.clone())
                .bind(row.2)
                .bind(row.3)
                .bind(row.4)
                .bind(row.5)
                .bind(row.6)
                .bind(row.7)
                .bind(row.8)
                .bind(row.9)
        },
    )
    .await
}

/// What a history page shows: every field is optional, and all given ones must hold.
#[derive(Clone, Debug, Default)]
pub struct HistoryFilter {
    /// Only redemptions of this action token.
    pub token: Option<i64>,
    /// Only redemptions acting on this device.
    pub device: Option<i64>,
    /// Only redemptions carried by this carrier.
    pub carrier: Option<(CarrierKind, i64)>,
    /// Only this outcome (`applied`, `duplicate`, `superseded`, `rejected`).
    pub outcome: Option<SyncStatus>,
    /// Received at or after this time.
    pub from: Option<Timestamp>,
    /// Received before this time.
    pub to: Option<Timestamp>,
    /// After this row in newest-first order (the paging cursor): its receive time and id.
    pub after: Option<(i64, i64)>,
    /// At most this many rows.
    pub limit: u32,
}

/// One row of the history with the names an admin reads, each looked up in the row's own organisation only.
#[derive(Clone, Debug)]
pub struct HistoryRecord {
    /// The history row's id (the paging cursor).
    pub entry: i64,
    /// The client-made redemption id.
    pub redemption_id: String,
    /// What the MDM decided.
    pub status: SyncStatus,
    /// Why, when rejected.
    pub reason: Option<RejectReason>,
    /// The action token: its id and name (deleted tokens keep their name).
    pub token: Option<(i64, String)>,
    /// The device as the redemption named it.
    pub device_id: i64,
    /// Its serial, when it is a device of the organisation.
    pub device_serial: Option<String>,
    /// When the phone scanned it.
    pub scanned_at: Timestamp,
    /// When the MDM received it.
    pub received_at: Timestamp,
    /// Who carried it.
    pub carrier_kind: CarrierKind,
    /// The carrier's id (access token number, API token id or device id).
    pub carrier_id: i64,
    /// The carrier's name: the operator's identifier, the API token's name or the device's serial, when known.
    pub carrier_name: Option<String>,
}

type Row = (
    i64,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    i64,
    Option<String>,
    i64,
    i64,
    String,
    i64,
    Option<String>,
);

/// One page of `org`'s history, newest first (receive time, then row id).
pub async fn list(
    conn: &mut Conn,
    org: OrgId,
    filter: &HistoryFilter,
) -> Result<Vec<HistoryRecord>> {
    let mut sql = String::from(
        "SELECT h.id, h.redemption_id, h.status, h.reason, h.token_id, t.name, h.device_id, d.serial, h.scanned_at,
                h.received_at, h.carrier_kind, h.carrier_id,
                CASE h.carrier_kind
                    WHEN 'operator' THEN (SELECT a.identifier FROM access_tokens a
                                           WHERE a.org_id = h.org_id AND a.number = h.carrier_id)
                    WHEN 'api_token' THEN (SELECT k.name FROM api_tokens k WHERE k.id = h.carrier_id AND k.org_id = h.org_id)
                    ELSE (SELECT c.serial FROM devices c WHERE c.id = h.carrier_id AND c.org_id = h.org_id)
                END
           FROM redemption_history h
           LEFT JOIN action_tokens t ON t.id = h.token_id AND t.org_id = h.org_id
           LEFT JOIN devices d ON d.id = h.device_id AND d.org_id = h.org_id
          WHERE h.org_id = ?",
    );
    if filter.token.is_some() {
        sql.push_str(" AND h.token_id = ?");
    }
    if filter.device.is_some() {
        sql.push_str(" AND h.device_id = ?");
    }
    if filter.carrier.is_some() {
        sql.push_str(" AND h.carrier_kind = ? AND h.carrier_id = ?");
    }
    if filter.outcome.is_some() {
        sql.push_str(" AND h.status = ?");
    }
    if filter.from.is_some() {
        sql.push_str(" AND h.received_at >= ?");
    }
    if filter.to.is_some() {
        sql.push_str(" AND h.received_at < ?");
    }
    if filter.after.is_some() {
        sql.push_str(" AND (h.received_at, h.id) < (?, ?)");
    }
    sql.push_str(" ORDER BY h.received_at DESC, h.id DESC LIMIT ?");
    let mut query = sqlx::query_as::<_, Row>(&sql).bind(org_key(org));
    if let Some(token) = filter.token {
        query = query.bind(token);
    }
    if let Some(device) = filter.device {
        query = query.bind(device);
    }
    if let Some((kind, id)) = filter.carrier {
        query = query.bind(kind.as_str()).bind(id);
    }
    if let Some(outcome) = filter.outcome {
        query = query.bind(outcome.as_str());
    }
    if let Some(from) = filter.from {
        query = query.bind(from.as_millis());
    }
    if let Some(to) = filter.to {
        query = query.bind(to.as_millis());
    }
    if let Some((at, id)) = filter.after {
        query = query.bind(at).bind(id);
    }
    let rows = query.bind(i64::from(filter.limit)).fetch_all(conn).await?;
    rows.into_iter()
        .map(
            |(
                entry,
                redemption_id,
                status,
                reason,
                token_id,
                token_name,
                device_id,
                device_serial,
                scanned_at,
                received_at,
                kind,
                carrier_id,
                carrier_name,
            )| {
                let carrier_kind = CarrierKind::parse(&kind).ok_or_else(|| {
                    super::StoreError::damaged(format!("redemption_history.carrier_kind: {kind}"))
                })?;
                let status = [
                    SyncStatus::Applied,
                    SyncStatus::Duplicate,
                    SyncStatus::Superseded,
                    SyncStatus::Rejected,
                ]
                .into_iter()
                .find(|s| s.as_str() == status)
                .ok_or_else(|| {
                    super::StoreError::damaged(format!("redemption_history.status: {status}"))
                })?;
                let reason = match reason {
                    None => None,
                    Some(text) => Some(reason_of(&text).ok_or_else(|| {
                        super::StoreError::damaged(format!("redemption_history.reason: {text}"))
                    })?),
                };
                Ok(HistoryRecord {
                    entry,
                    redemption_id,
                    status,
                    reason,
                    token: token_id.zip(token_name),
                    device_id,
                    device_serial,
                    scanned_at: Timestamp::from_millis(scanned_at),
                    received_at: Timestamp::from_millis(received_at),
                    carrier_kind,
                    carrier_id,
                    carrier_name,
                })
            },
        )
        .collect()
}

fn reason_of(text: &str) -> Option<RejectReason> {
    [
        RejectReason::Expired,
        RejectReason::Deleted,
        RejectReason::OtherOrg,
        RejectReason::UnknownToken,
        RejectReason::UnknownDevice,
        RejectReason::UnknownFleet,
        RejectReason::BadSignature,
        RejectReason::Clock,
    ]
    .into_iter()
    .find(|reason| reason.as_str() == text)
}
