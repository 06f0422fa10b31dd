//! The organisation's audit log: `GET /api/v1/audit` (a page at a time, filtered, for the admin page) and
//! `GET /api/v1/audit-log.csv` (the whole log, or the same filter, for spreadsheets and archives).
//!
//! The CSV is streamed: pages of [`CSV_PAGE`] entries are read from the database as the client takes the body, each
//! in its own short read transaction, so an export holds one page in memory whatever the log's size and never keeps
//! the database's readers waiting on a slow download.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use fieldtoken_api::history::AuditEntry;
use fieldtoken_api::{Page, ServerCode, Time};
use fieldtoken_core::OrgId;
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::{Admin, Authorized};
use super::doc::{Always, Guarded, WithQuery};
use super::extract::{Query, page, page_limit};
use super::redemptions::{query_range, time_cursor};
use crate::clock::{parse_rfc3339, rfc3339};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::store;
use crate::store::audit::{AuditFilter, Direction, Entry};

/// How many entries the CSV export reads at a time.
pub const CSV_PAGE: u32 = 500;

/// The audit log's filter, as both endpoints read it.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditFilterQuery {
    /// Only this actor, by name (exactly as the log shows it).
    #[param(max_length = 200)]
    actor: Option<String>,
    /// Only this kind of change: exactly (`action_token.create`), or every kind under a word without a dot
    /// (`action_token`).
    #[param(max_length = 100)]
    kind: Option<String>,
    /// At or after this time (RFC 3339, any offset).
    #[param(value_type = Option<String>, format = DateTime)]
    from: Option<String>,
    /// Before this time (RFC 3339, any offset); before `from`, nothing is found.
    #[param(value_type = Option<String>, format = DateTime)]
    to: Option<String>,
}

impl AuditFilterQuery {
    fn filter(&self) -> Result<AuditFilter, ApiError> {
        let (from, to) = query_range(self.from.as_deref(), self.to.as_deref())?;
        // The longest value the document allows: an actor's name, a kind.
        let text = |value: &Option<String>, what: &str, longest: usize| match value.as_deref() {
            Some(v) if v.chars().count() > longest => Err(ApiError::server(
                ServerCode::BadQuery,
                format!("{what} is at most {longest} characters"),
            )),
            v => Ok(v
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)),
        };
        Ok(AuditFilter {
            actor: text(&self.actor, "actor", 200)?,
            kind: text(&self.kind, "kind", 100)?,
            from,
            to,
        })
    }
}

/// `GET /api/v1/audit` query: the filter and the page.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this actor, by name (exactly as the log shows it).
    #[param(max_length = 200)]
    actor: Option<String>,
    /// Only this kind of change: exactly (`action_token.create`), or every kind under a word without a dot
    /// (`action_token`).
    #[param(max_length = 100)]
    kind: Option<String>,
    /// At or after this time (RFC 3339, any offset).
    #[param(value_type = Option<String>, format = DateTime)]
    from: Option<String>,
    /// Before this time (RFC 3339, any offset); before `from`, nothing is found.
    #[param(value_type = Option<String>, format = DateTime)]
    to: Option<String>,
    /// `next` of the previous page.
    #[param(pattern = "^([0-9]{1,15}_[0-9]{1,18})?$")]
    cursor: Option<String>,
    /// How many per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

fn wire(entry: Entry) -> AuditEntry {
    AuditEntry {
        id: u64::try_from(entry.id).unwrap_or_default(),
        at: Time(rfc3339(entry.at)),
        actor: entry.actor,
        action: entry.action,
        target: entry.target,
        // Written by this server as JSON; an entry that is not (a damaged row) is shown as the text it holds.
        detail: serde_json::from_str(&entry.detail)
            .unwrap_or(serde_json::Value::String(entry.detail)),
        remote: entry.remote,
    }
}

/// The audit log, a page at a time.
///
/// Permission `fms.admin`. Newest first; filter by `actor` (name), `kind` (exact, or every kind under a word
/// without a dot) and time range `from` (inclusive) to `to` (exclusive). `next` is the cursor of the following page,
/// absent on the last.
#[utoipa::path(get, path = "/v1/audit", operation_id = "list_audit", tag = "organisation", params(AuditQuery),
    responses((status = 200, description = "One page of the audit log, newest first", body = Page<AuditEntry>),
        WithQuery, Guarded, Always))]
pub async fn list(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
    Query(query): Query<AuditQuery>,
) -> Result<Json<Page<AuditEntry>>, ApiError> {
    let limit = page_limit(query.limit)?;
    let filter = AuditFilterQuery {
        actor: query.actor,
        kind: query.kind,
        from: query.from,
        to: query.to,
    }
    .filter()?;
    let after = time_cursor(query.cursor.as_deref())?;
    let mut tx = state.store.read().await?;
    let entries = store::audit::page(
        &mut tx,
        p.org,
        &filter,
        Direction::NewestFirst(after),
        limit + 1,
    )
    .await?;
    Ok(Json(page(entries, limit, wire, |last: &AuditEntry| {
        Some(format!(
            "{}_{}",
            parse_rfc3339(&last.at.0)?.as_millis(),
            last.id
        ))
    })))
}

/// The audit log as CSV.
///
/// Permission `fms.admin`. Oldest first, one line per change: `at,actor,action,target,detail,remote` (times RFC
/// 3339, UTC; `detail` is JSON). A field a spreadsheet would run as a formula starts with `'`. The same filter as
/// `GET /api/v1/audit` (`actor`, `kind`, `from`, `to`); streamed, so any size downloads.
#[utoipa::path(get, path = "/v1/audit-log.csv", operation_id = "audit_log_csv", tag = "organisation",
    params(AuditFilterQuery),
    responses((status = 200, description = "The audit log, oldest first",
        content_type = "text/csv", body = String), WithQuery, Guarded, Always))]
pub async fn csv(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
    Query(query): Query<AuditFilterQuery>,
) -> Result<Response, ApiError> {
    let filter = query.filter()?;
    // The first page is read before answering, so a database that cannot answer is a 503, not a cut download.
    let first = read_page(&state, p.org, &filter, None).await?;
    // Fused: the compression layer may poll once more after the end, which a bare `unfold` does not allow.
    let stream = futures_util::StreamExt::fuse(futures_util::stream::unfold(
        Export {
            state,
            org: p.org,
            filter,
            page: Some(first),
            after: None,
            header: true,
        },
        next_chunk,
    ));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit-log.csv\"",
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// Where a CSV export is.
struct Export {
    state: AppState,
    org: OrgId,
    filter: AuditFilter,
    /// A page read ahead (the first one), or `None` to read the next.
    page: Option<Vec<Entry>>,
    /// The last entry written: the next page starts after it.
    after: Option<(i64, i64)>,
    /// Whether the header line is still to be written.
    header: bool,
}

async fn read_page(
    state: &AppState,
    org: OrgId,
    filter: &AuditFilter,
    after: Option<(i64, i64)>,
) -> Result<Vec<Entry>, store::StoreError> {
    let mut tx = state.store.read().await?;
    store::audit::page(
        &mut tx,
        org,
        filter,
        Direction::OldestFirst(after),
        CSV_PAGE,
    )
    .await
}

/// The next chunk of the body: the header with the first page, then a page at a time, until a page comes back
/// short. A database error part way ends the body early (the client sees a cut download) and is logged.
async fn next_chunk(mut export: Export) -> Option<(Result<String, std::io::Error>, Export)> {
    let page = match export.page.take() {
        Some(page) => page,
        None if export.after.is_none() && !export.header => return None,
        None => match read_page(&export.state, export.org, &export.filter, export.after).await {
            Ok(page) => page,
            Err(error) => {
                tracing::warn!(%error, "the audit log export stopped part way");
                return Some((
                    Err(std::io::Error::other(error.to_string())),
                    Export {
                        after: None,
                        header: false,
                        ..export
                    },
                ));
            }
        },
    };
    if page.is_empty() && !export.header {
        return None;
    }
    let mut chunk = String::new();
    if export.header {
        chunk.push_str("at,actor,action,target,detail,remote\r\n");
        export.header = false;
    }
    let full = page.len() == CSV_PAGE as usize;
    let last = page.last().map(|e| (e.at.as_millis(), e.id));
    for entry in page {
        push_line(&mut chunk, entry);
    }
    // A short page is the last: the stream ends after this chunk.
    export.after = if full { last } else { None };
    Some((Ok(chunk), export))
}

fn push_line(csv: &mut String, entry: Entry) {
    let fields = [
        rfc3339(entry.at),
        entry.actor,
        entry.action,
        entry.target,
        entry.detail,
        entry.remote.unwrap_or_default(),
    ];
    let line: Vec<String> = fields.iter().map(|field| csv_field(field)).collect();
    csv.push_str(&line.join(","));
    csv.push_str("\r\n");
}

/// One CSV field (RFC 4180 quoting). A field a spreadsheet would run as a formula is prefixed with `'`.
fn csv_field(field: &str) -> String {
    let field = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}")
    } else {
        field.to_owned()
    };
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}
