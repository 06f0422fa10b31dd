//! `GET /api/v1/audit-log.csv`: the organisation's audit log as CSV, for spreadsheets and archives.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::auth::{Admin, Authorized};
use super::doc::{Always, Guarded};
use crate::clock::rfc3339;
use crate::store::audit::Entry;
use crate::{ApiError, AppState, store};

/// The audit log as CSV.
///
/// Permission `fms.admin`. Oldest first, one line per change: `at,actor,action,target,detail,remote` (times RFC
/// 3339, UTC; `detail` is JSON). A field a spreadsheet would run as a formula starts with `'`.
#[utoipa::path(get, path = "/v1/audit-log.csv", operation_id = "audit_log_csv", tag = "organisation",
    responses((status = 200, description = "The audit log, oldest first",
        content_type = "text/csv", body = String), Guarded, Always))]
pub async fn csv(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
) -> Result<Response, ApiError> {
    let mut tx = state.store.read().await?;
    let entries = store::audit::entries(&mut tx, p.org).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit-log.csv\"",
            ),
        ],
        to_csv(entries),
    )
        .into_response())
}

fn to_csv(entries: Vec<Entry>) -> String {
    let mut csv = String::from("at,actor,action,target,detail,remote\r\n");
    for entry in entries {
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
    csv
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
