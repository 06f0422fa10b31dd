//! `GET /api/v1/redemptions`: the redemption history of the caller's organisation, newest first, filtered and a
//! page at a time (see [`crate::store::history`]).
//!
//! Permission `fms.actiontoken.read`: the history is the record of what action tokens did, and the admin pages
//! show it beside the tokens (a token's last uses). A name that another permission guards is shown only with it:
//! a device's serial needs `fms.device.read`, an operator's identifier `fms.accesstoken.read`; without, the entry
//! names the id alone.

use axum::Json;
use axum::extract::State;
use fieldtoken_api::history::{Carrier, CarrierKind, DeviceRef, RedemptionEntry, TokenRef};
use fieldtoken_api::{Page, ServerCode, Time};
use fieldtoken_core::{Permission, SyncStatus, Timestamp};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::auth::{Authorized, Principal, ReadTokens};
use super::doc::{Always, Guarded, WithQuery};
use super::extract::{Query, page, page_limit};
use crate::clock::{parse_rfc3339, rfc3339};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::store;
use crate::store::history::{self, HistoryFilter, HistoryRecord};

/// An outcome to filter on.
#[derive(Deserialize, ToSchema, Clone, Copy, Debug)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeFilter {
    /// Applied to the device.
    Applied,
    /// A retry of a redemption received before.
    Duplicate,
    /// A later scan had already acted on the device.
    Superseded,
    /// Refused (any reason).
    Rejected,
}

impl From<OutcomeFilter> for SyncStatus {
    fn from(outcome: OutcomeFilter) -> SyncStatus {
        match outcome {
            OutcomeFilter::Applied => SyncStatus::Applied,
            OutcomeFilter::Duplicate => SyncStatus::Duplicate,
            OutcomeFilter::Superseded => SyncStatus::Superseded,
            OutcomeFilter::Rejected => SyncStatus::Rejected,
        }
    }
}

/// `GET /api/v1/redemptions` query: every filter given must hold.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Only redemptions of this action token (its id).
    #[param(minimum = 1, maximum = 4294967295_i64)]
    token: Option<u32>,
    /// Only redemptions acting on this device (its id).
    #[param(minimum = 1, maximum = 4294967295_i64)]
    device: Option<u32>,
    /// Only redemptions carried by this carrier: `operator:NUMBER` (an access token's number), `api_token:ID` or
    /// `device:ID` (a device signing for itself).
    #[param(pattern = "^((operator|api_token|device):0*[1-9][0-9]{0,17})?$")]
    carrier: Option<String>,
    /// Only redemptions carried by this operator (the number of its access token); the same as
    /// `carrier=operator:NUMBER`.
    #[param(minimum = 1, maximum = 4294967295_i64)]
    operator: Option<u32>,
    /// Only this outcome.
    #[param(inline)]
    outcome: Option<OutcomeFilter>,
    /// Received at or after this time (RFC 3339, any offset).
    #[param(value_type = Option<String>, format = DateTime)]
    from: Option<String>,
    /// Received before this time (RFC 3339, any offset); before `from`, nothing is found.
    #[param(value_type = Option<String>, format = DateTime)]
    to: Option<String>,
    /// `next` of the previous page.
    #[param(pattern = "^([0-9]{1,15}_[0-9]{1,18})?$")]
    cursor: Option<String>,
    /// How many per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

fn bad_query(message: impl Into<String>) -> ApiError {
    ApiError::server(ServerCode::BadQuery, message)
}

/// A time from the query: RFC 3339 with any offset (what the document says), else 400 `bad_query` naming `what`.
pub fn query_time(text: Option<&str>, what: &str) -> Result<Option<Timestamp>, ApiError> {
    let Some(text) = text else {
        return Ok(None);
    };
    parse_rfc3339(text.trim()).map(Some).ok_or_else(|| {
        bad_query(format!(
            "{what} is not an RFC 3339 time such as 2026-12-31T23:59:59Z"
        ))
    })
}

/// `from` and `to` from the query. A `to` before `from` is a range that holds nothing, and answers nothing.
pub fn query_range(
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(Option<Timestamp>, Option<Timestamp>), ApiError> {
    Ok((query_time(from, "from")?, query_time(to, "to")?))
}

fn carrier_filter(query: &HistoryQuery) -> Result<Option<(history::CarrierKind, i64)>, ApiError> {
    let carrier = match query
        .carrier
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => None,
        Some(text) => {
            let parsed = text.split_once(':').and_then(|(kind, id)| {
                let kind = history::CarrierKind::parse(kind)?;
                // Any positive number the pattern allows: one above the ids the API gives matches nothing.
                let id = id.parse::<u64>().ok().filter(|&id| id != 0)?;
                Some((kind, i64::try_from(id).ok()?))
            });
            Some(parsed.ok_or_else(|| {
                bad_query("carrier is operator:NUMBER, api_token:ID or device:ID")
            })?)
        }
    };
    let operator = match query.operator {
        None => None,
        Some(0) => return Err(bad_query("operator is an access token number, 1 or more")),
        Some(number) => Some((history::CarrierKind::Operator, i64::from(number))),
    };
    match (carrier, operator) {
        // Both must hold: two different carriers match nothing (no carrier has id 0).
        (Some(a), Some(b)) if a != b => Ok(Some((a.0, 0))),
        (carrier, operator) => Ok(carrier.or(operator)),
    }
}

/// A page's cursor of a list in time order: `TIME_ID` (the last entry's time in milliseconds and its id), as a
/// `next` gave it; none or empty is the first page. The cursor is a position, not a reference: any well-formed one
/// reads the caller's own entries from there, so nothing needs looking up and nothing of another organisation can be
/// probed with it. Else 400 `bad_cursor`.
pub fn time_cursor(cursor: Option<&str>) -> Result<Option<(i64, i64)>, ApiError> {
    let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    cursor
        .split_once('_')
        .and_then(|(at, id)| Some((at.parse::<i64>().ok()?, id.parse::<i64>().ok()?)))
        .filter(|&(at, id)| at >= 0 && id >= 0)
        .map(Some)
        .ok_or_else(|| {
            ApiError::server(ServerCode::BadCursor, "this cursor is not one the API gave")
        })
}

/// The cursor of the page after the one `last` ends: its receive time and entry id.
fn cursor_after(last: &RedemptionEntry) -> Option<String> {
    let at = parse_rfc3339(&last.received_at.0)?.as_millis();
    Some(format!("{at}_{}", last.entry))
}

fn positive(id: Option<u32>, what: &str) -> Result<Option<i64>, ApiError> {
    match id {
        Some(0) => Err(bad_query(format!("{what} is an id, 1 or more"))),
        id => Ok(id.map(i64::from)),
    }
}

fn entry_of(p: &Principal, record: HistoryRecord) -> RedemptionEntry {
    let devices = p.permissions.contains(Permission::DeviceRead);
    let operators = p.permissions.contains(Permission::AccessTokenRead);
    let carrier_id = u32::try_from(record.carrier_id).unwrap_or_default();
    let (kind, shown, fallback) = match record.carrier_kind {
        history::CarrierKind::Operator => (
            CarrierKind::Operator,
            operators,
            format!("operator {carrier_id}"),
        ),
        history::CarrierKind::ApiToken => (
            CarrierKind::ApiToken,
            true,
            format!("API token {carrier_id}"),
        ),
        history::CarrierKind::Device => {
            (CarrierKind::Device, devices, format!("device {carrier_id}"))
        }
    };
    RedemptionEntry {
        entry: u64::try_from(record.entry).unwrap_or_default(),
        id: record.redemption_id,
        outcome: record.status.into(),
        reason: record.reason.map(Into::into),
        scanned_at: Time(rfc3339(record.scanned_at)),
        received_at: Time(rfc3339(record.received_at)),
        carrier: Carrier {
            kind,
            id: carrier_id,
            name: record.carrier_name.filter(|_| shown).unwrap_or(fallback),
        },
        token: record.token.map(|(id, name)| TokenRef {
            id: u32::try_from(id).unwrap_or_default(),
            name,
        }),
        device: DeviceRef {
            id: u32::try_from(record.device_id).unwrap_or_default(),
            serial: record.device_serial.filter(|_| devices),
        },
    }
}

/// The organisation's redemption history: every redemption the MDM received, newest first.
///
/// Permission `fms.actiontoken.read`. One entry per receipt, whatever became of it (`applied`, `duplicate`,
/// `superseded`, `rejected` with its reason), with who carried it (an operator, an API token or a device signing
/// for itself), the action token and the device. Filters: `token`, `device`, `carrier` (or `operator`), `outcome`,
/// and the receive time range `from` (inclusive) to `to` (exclusive). `next` is the cursor of the following page,
/// absent on the last. A device's serial needs `fms.device.read` and an operator's identifier
/// `fms.accesstoken.read`; without them the entry names the id alone.
#[utoipa::path(get, path = "/v1/redemptions", operation_id = "list_redemptions", tag = "action-tokens",
    params(HistoryQuery),
    responses((status = 200, description = "One page of the history, newest first", body = Page<RedemptionEntry>),
        WithQuery, Guarded, Always))]
pub async fn list(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<ReadTokens>,
    Query(query): Query<HistoryQuery>,
) -> Result<Json<Page<RedemptionEntry>>, ApiError> {
    let limit = page_limit(query.limit)?;
    let (from, to) = query_range(query.from.as_deref(), query.to.as_deref())?;
    let carrier = carrier_filter(&query)?;
    let after = time_cursor(query.cursor.as_deref())?;
    let mut tx = state.store.read().await?;
    let filter = HistoryFilter {
        token: positive(query.token, "token")?,
        device: positive(query.device, "device")?,
        carrier,
        outcome: query.outcome.map(Into::into),
        from,
        to,
        after,
        // One more than shown tells whether a next page exists.
        limit: limit + 1,
    };
    let records = store::history::list(&mut tx, p.org, &filter).await?;
    Ok(Json(page(
        records,
        limit,
        |record| entry_of(&p, record),
        cursor_after,
    )))
}
