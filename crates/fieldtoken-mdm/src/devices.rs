//! Fleets, devices, API tokens and the caller's own session: the organisation as the admin sees it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fieldtoken_core::PermissionSet;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::{Admin, Authorized, Principal, ReadDevices, ReadFleets};
use crate::clock::now;
use crate::http::extract::{Body, IdPath};
use crate::store;
use crate::store::audit::Actor;
use crate::{ApiError, AppState};

/// `{ "items": [...] }`
#[derive(Serialize)]
pub struct Items<T> {
    items: Vec<T>,
}

impl<T> Items<T> {
    /// A list answer.
    pub fn of(items: Vec<T>) -> Items<T> {
        Items { items }
    }
}

/// A fleet.
#[derive(Serialize)]
pub struct FleetJson {
    id: i64,
    name: String,
}

/// A device: where it is and whether it is enrolled (has a certificate).
#[derive(Serialize)]
pub struct DeviceJson {
    id: i64,
    serial: String,
    state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fleet_id: Option<i64>,
    enrolled: bool,
}

type DeviceRow = (i64, String, String, Option<i64>, bool);
const DEVICE_COLUMNS: &str = "id, serial, state, fleet_id, certificate IS NOT NULL";

fn device_json((id, serial, state, fleet_id, enrolled): DeviceRow) -> DeviceJson {
    DeviceJson {
        id,
        serial,
        state,
        fleet_id,
        enrolled,
    }
}

/// `GET /api/v1/fleets`
pub async fn fleets(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<ReadFleets>,
) -> Result<Json<Items<FleetJson>>, ApiError> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM fleets WHERE org_id = ? ORDER BY name, id")
            .bind(i64::from(p.org.get()))
            .fetch_all(state.store.pool())
            .await?;
    Ok(Json(Items {
        items: rows
            .into_iter()
            .map(|(id, name)| FleetJson { id, name })
            .collect(),
    }))
}

/// `GET /api/v1/devices`
pub async fn devices(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<ReadDevices>,
) -> Result<Json<Items<DeviceJson>>, ApiError> {
    let rows: Vec<DeviceRow> = sqlx::query_as(&format!(
        "SELECT {DEVICE_COLUMNS} FROM devices WHERE org_id = ? ORDER BY serial, id"
    ))
    .bind(i64::from(p.org.get()))
    .fetch_all(state.store.pool())
    .await?;
    Ok(Json(Items {
        items: rows.into_iter().map(device_json).collect(),
    }))
}

/// `GET /api/v1/devices/{id}`
pub async fn device(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<ReadDevices>,
    IdPath(id): IdPath,
) -> Result<Json<DeviceJson>, ApiError> {
    let row: Option<DeviceRow> = sqlx::query_as(&format!(
        "SELECT {DEVICE_COLUMNS} FROM devices WHERE id = ? AND org_id = ?"
    ))
    .bind(id)
    .bind(i64::from(p.org.get()))
    .fetch_optional(state.store.pool())
    .await?;
    row.map(device_json)
        .map(Json)
        .ok_or_else(|| ApiError::not_found("device"))
}

/// `GET /api/v1/me`: who the token is and what it may do, so a UI shows only what works.
pub async fn me(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<serde_json::Value>, ApiError> {
    let org: String = sqlx::query_scalar("SELECT name FROM organisations WHERE id = ?")
        .bind(i64::from(p.org.get()))
        .fetch_one(state.store.pool())
        .await?;
    Ok(Json(json!({
        "token": { "id": p.token_id, "name": p.name },
        "org": { "id": p.org.get(), "name": org },
        "permissions": p.permissions.names(),
    })))
}

/// `POST /api/v1/api-tokens` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewApiToken {
    name: String,
    permissions: Vec<String>,
}

/// `POST /api/v1/api-tokens` (admin) → 201 `{ "id", "token" }`; the secret is shown this once. Nobody grants a
/// permission they do not hold (403).
pub async fn create_token(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
    Body(body): Body<NewApiToken>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            "bad_name",
            "an API token's name has 1 to 100 characters",
        ));
    }
    let wanted = PermissionSet::parse(body.permissions.iter().map(String::as_str))?;
    if !p.permissions.can_grant(wanted) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "a token cannot be given a permission its creator does not hold",
        ));
    }
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let (id, secret) =
        store::api_tokens::create(&mut tx, p.org, name, wanted, Some(p.token_id), now).await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "api_token.create",
        &format!("api_token/{id}"),
        json!({ "name": name, "permissions": wanted.names() }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "token": secret })),
    ))
}

/// `GET /api/v1/audit-log.csv` (admin): the organisation's audit log, oldest first, as CSV
/// (`at,actor,action,target,detail,remote`; times RFC 3339).
pub async fn audit_csv(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<Admin>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let rows: Vec<(i64, String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT at, actor, action, target, detail, remote FROM audit_log WHERE org_id = ? ORDER BY id",
    )
    .bind(i64::from(p.org.get()))
    .fetch_all(state.store.pool())
    .await?;
    let mut csv = String::from("at,actor,action,target,detail,remote\r\n");
    for (at, actor, action, target, detail, remote) in rows {
        let at = crate::clock::rfc3339(fieldtoken_core::Timestamp::from_millis(at));
        let fields = [
            at,
            actor,
            action,
            target,
            detail,
            remote.unwrap_or_default(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        csv.push_str(&line.join(","));
        csv.push_str("\r\n");
    }
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit-log.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
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
