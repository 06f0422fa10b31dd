//! Devices: the list (search by serial prefix, filters, cursor paging), one device, registering one, importing a
//! CSV file of them (a preview, then an all-or-nothing apply), moving one by hand, retiring one. A retired device
//! leaves the lists, the offline bundle and sync (its redemptions are `unknown_device`); its row and serial stay.
//! Devices are in the offline bundle, so every change raises its revision; every change is in the audit log.

use std::collections::HashSet;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fieldtoken_api::devices::{Device, DeviceState as WireState};
use fieldtoken_api::inventory::{DeviceImport, DeviceMove, ImportReport, NewDevice};
use fieldtoken_api::{Page, ServerCode};
use fieldtoken_core::{DeviceId, DeviceState, ErrorKind, FleetId, OrgId, Serial};
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;

use super::auth::{Authorized, Principal, ReadDevices, WriteDevices};
use super::doc::{Always, ById, Guarded, Stateful, WithBody, WithQuery};
use super::extract::{Body, IdPath, Query, page, page_cursor, page_limit};
use crate::clock::now;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::import;
use crate::store::bundle_log::Changed;
use crate::store::devices::{ListFilter, Listed};
use crate::store::{self, Conn};

fn wire(listed: Listed) -> Device {
    let device = listed.device;
    Device {
        id: device.id.get(),
        serial: listed.serial,
        state: device.state.into(),
        fleet_id: device.state.fleet().map(|fleet| fleet.get()),
        enrolled: !device.needs_enrolment(),
    }
}

/// The organisation's live device with this id from the path; 404 otherwise, the same for another
/// organisation's and for a retired one.
async fn load(conn: &mut Conn, org: OrgId, id: i64) -> Result<Listed, ApiError> {
    store::devices::get(conn, org, DeviceId::from_i64(id)?)
        .await?
        .ok_or_else(|| ApiError::not_found("device"))
}

/// `GET /api/v1/devices` query.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only devices whose serial starts with this (any case).
    #[param(max_length = 64)]
    serial: Option<String>,
    /// Only devices in this fleet.
    #[param(minimum = 1, maximum = 4294967295_u32)]
    fleet_id: Option<u32>,
    /// Only devices in this state.
    state: Option<WireState>,
    /// `next` of the previous page.
    #[param(pattern = "^(0*[1-9][0-9]{0,17})?$")]
    cursor: Option<String>,
    /// How many per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

/// The organisation's devices, by serial, a page at a time.
///
/// Permission `fms.device.read`. Search by serial prefix with `serial`, filter with `fleet_id` and `state`; `next`
/// is the cursor of the following page, absent on the last. Retired devices are not listed.
#[utoipa::path(get, path = "/v1/devices", operation_id = "list_devices", tag = "organisation",
    params(ListQuery),
    responses((status = 200, description = "One page of devices, by serial", body = Page<Device>),
        WithQuery, Guarded, Always))]
pub async fn list(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<ReadDevices>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page<Device>>, ApiError> {
    let limit = page_limit(query.limit)?;
    let after = page_cursor(query.cursor.as_deref())?;
    let fleet = query
        .fleet_id
        .map(|id| {
            FleetId::new(id)
                .map_err(|_| ApiError::server(ServerCode::BadQuery, "fleet_id is 1 to 4294967295"))
        })
        .transpose()?;
    if query
        .serial
        .as_ref()
        .is_some_and(|s| s.chars().count() > 64)
    {
        return Err(ApiError::server(
            ServerCode::BadQuery,
            "serial is at most 64 characters, as serials are",
        ));
    }
    // Serials are stored in upper case; a prefix that is no serial's finds nothing rather than being refused.
    let prefix = query
        .serial
        .as_deref()
        .map(|s| s.trim().to_ascii_uppercase())
        .filter(|s| !s.is_empty());
    let filter = ListFilter {
        serial_prefix: prefix.as_deref(),
        fleet,
        state: query.state.map(|s| match s {
            WireState::InFleet => "in_fleet",
            WireState::InRepair => "in_repair",
            WireState::InStock => "in_stock",
        }),
        after,
        // One more than shown tells whether a next page exists.
        limit: limit + 1,
    };
    let mut tx = state.store.read().await?;
    let devices = store::devices::page(&mut tx, p.org, &filter).await?;
    Ok(Json(page(devices, limit, wire, |d| Some(d.id.to_string()))))
}

/// One device.
///
/// Permission `fms.device.read`. A retired device is not found.
#[utoipa::path(get, path = "/v1/devices/{id}", operation_id = "get_device", tag = "organisation",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The device's id")),
    responses((status = 200, description = "The device", body = Device), ById, Guarded, Always))]
pub async fn get(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<ReadDevices>,
    IdPath(id): IdPath,
) -> Result<Json<Device>, ApiError> {
    let mut tx = state.store.read().await?;
    Ok(Json(wire(load(&mut tx, p.org, id).await?)))
}

/// Where a new device starts: `fleet_id` alone is that fleet, `state` alone repair or stock, neither stock.
async fn start_state(
    conn: &mut Conn,
    org: OrgId,
    state: Option<WireState>,
    fleet: Option<u32>,
) -> Result<DeviceState, ApiError> {
    match (state, fleet) {
        (None | Some(WireState::InFleet), Some(id)) => Ok(DeviceState::InFleet(
            super::fleets::existing(conn, org, id).await?,
        )),
        (Some(WireState::InFleet), None) => Err(ApiError::core(
            ErrorKind::UnknownFleet,
            "in_fleet needs the fleet_id of the fleet to put the device in",
        )),
        (Some(WireState::InRepair | WireState::InStock), Some(_)) => Err(ApiError::server(
            ServerCode::InvalidBody,
            "a device in repair or in stock is in no fleet: leave fleet_id out",
        )),
        (Some(WireState::InRepair), None) => Ok(DeviceState::InRepair),
        (Some(WireState::InStock) | None, None) => Ok(DeviceState::InStock),
    }
}

/// Registers a device.
///
/// Permission `fms.device.write`. The serial (1 to 64 letters, digits and `- _ . / :`, stored in upper case) is
/// unique in the organisation, a retired device's included (409 `serial_taken`). It starts without a certificate:
/// it enrols with a code from `POST /api/v1/devices/{id}/enrolment`.
#[utoipa::path(post, path = "/v1/devices", operation_id = "register_device", tag = "organisation",
    request_body = NewDevice,
    responses((status = 201, description = "The new device", body = Device), WithBody, Stateful, Guarded, Always))]
pub async fn register(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<WriteDevices>,
    Body(body): Body<NewDevice>,
) -> Result<(StatusCode, Json<Device>), ApiError> {
    let serial = Serial::parse(&body.serial)?;
    let now = now();
    let mut tx = state.store.write().await?;
    let start = start_state(&mut tx, p.org, body.state, body.fleet_id).await?;
    if !store::devices::taken_serials(&mut tx, p.org, &[serial.as_str()])
        .await?
        .is_empty()
    {
        return Err(ApiError::server(
            ServerCode::SerialTaken,
            format!(
                "a device with the serial {serial} is registered already (a retired device keeps its serial)"
            ),
        ));
    }
    let id = store::devices::insert(&mut tx, p.org, serial.as_str(), start, None, now).await?;
    store::orgs::bump_revision(&mut tx, p.org, &[Changed::Device(id)]).await?;
    p.audit(
        &mut tx,
        "device.register",
        &format!("device/{id}"),
        json!({ "serial": serial.as_str(), "state": start.as_str(), "fleet_id": start.fleet().map(|f| f.get()) }),
        now,
    )
    .await?;
    let device = load(&mut tx, p.org, i64::from(id.get())).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(wire(device))))
}

/// Moves a device by hand: into a fleet, repair or stock, or resets its certificate.
///
/// Permission `fms.device.write`. The device changes exactly as a redemption of a token with this action would
/// change it (the core's rule), and the move counts as its latest scan: a scan made before the move that is
/// synced after it is `superseded`. A `put_in_fleet` names a fleet of the organisation (422 `unknown_fleet`).
#[utoipa::path(post, path = "/v1/devices/{id}/move", operation_id = "move_device", tag = "organisation",
    request_body = DeviceMove,
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The device's id")),
    responses((status = 200, description = "The device as it is now", body = Device),
        ById, WithBody, Guarded, Always))]
pub async fn move_device(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<WriteDevices>,
    IdPath(id): IdPath,
    Body(body): Body<DeviceMove>,
) -> Result<Json<Device>, ApiError> {
    let action = body.action.to_core()?;
    let now = now();
    let mut tx = state.store.write().await?;
    let before = load(&mut tx, p.org, id).await?;
    if let Some(fleet) = action.fleet() {
        super::fleets::existing(&mut tx, p.org, fleet.get()).await?;
    }
    let after = before.device.apply(action);
    // A mark of its own kind: it never equals a phone's redemption id, and it names who moved the device.
    let mark = format!("by-hand-{}", p.token_id);
    store::devices::update(&mut tx, &after, (now, &mark)).await?;
    store::orgs::bump_revision(&mut tx, p.org, &[Changed::Device(after.id)]).await?;
    p.audit(
        &mut tx,
        "device.move",
        &format!("device/{id}"),
        json!({
            "serial": before.serial,
            "action": fieldtoken_api::action_tokens::Action::from(action),
            "before": { "state": before.device.state.as_str(), "fleet_id": before.device.state.fleet().map(|f| f.get()) },
        }),
        now,
    )
    .await?;
    let device = load(&mut tx, p.org, id).await?;
    tx.commit().await?;
    Ok(Json(wire(device)))
}

/// Retires a device.
///
/// Permission `fms.device.write`. It leaves the lists and the offline bundle; a redemption for it is then rejected
/// `unknown_device`, its unused enrolment codes stop working, and its serial stays taken. Its row stays for
/// history; where it was is in the audit log.
#[utoipa::path(post, path = "/v1/devices/{id}/retire", operation_id = "retire_device", tag = "organisation",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The device's id")),
    responses((status = 204, description = "Retired"), ById, Guarded, Always))]
pub async fn retire(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<WriteDevices>,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    let now = now();
    let mut tx = state.store.write().await?;
    let device = load(&mut tx, p.org, id).await?;
    store::devices::retire(&mut tx, p.org, device.device.id, now).await?;
    store::orgs::bump_revision(&mut tx, p.org, &[Changed::Device(device.device.id)]).await?;
    p.audit(
        &mut tx,
        "device.retire",
        &format!("device/{id}"),
        json!({
            "serial": device.serial,
            "state": device.device.state.as_str(),
            "fleet_id": device.device.state.fleet().map(|f| f.get()),
        }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reads and checks an import inside `conn`'s transaction: the report, and the devices to register.
async fn check_import(
    conn: &mut Conn,
    org: OrgId,
    csv: &str,
) -> Result<(ImportReport, Vec<(String, DeviceState)>), ApiError> {
    let fleets = store::fleets::list(conn, org).await?;
    let rows = import::read(csv, &import::Fleets::new(&fleets)).map_err(|rows| {
        ApiError::server(
            ServerCode::ImportTooLarge,
            format!(
                "the file has more than {} rows ({rows} read so far): split it into several imports",
                import::MAX_ROWS
            ),
        )
    })?;
    let serials = import::serials(&rows);
    let taken: HashSet<String> = store::devices::taken_serials(conn, org, &serials).await?;
    Ok(import::check(&rows, &taken))
}

/// Checks a CSV file of devices without registering any.
///
/// Permission `fms.device.write`. The report counts every row by outcome and lists each row that cannot be
/// registered, with its row number: `duplicate_in_file`, `already_registered`, `unknown_fleet`, `bad_serial`,
/// `bad_row`. Columns: `serial`, then optionally a fleet's name or a state (`in_stock`, `in_repair`; empty: in
/// stock); a first row `serial,...` is a header. At most 100,000 rows (422 `import_too_large`) and 16 MiB.
#[utoipa::path(post, path = "/v1/devices/import/preview", operation_id = "preview_device_import",
    tag = "organisation", request_body = DeviceImport,
    responses((status = 200, description = "What an import of this file would do", body = ImportReport),
        WithBody, Guarded, Always))]
pub async fn import_preview(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<WriteDevices>,
    Body(body): Body<DeviceImport>,
) -> Result<Json<ImportReport>, ApiError> {
    let mut tx = state.store.read().await?;
    let (report, _) = check_import(&mut tx, p.org, &body.csv).await?;
    Ok(Json(report))
}

/// Registers every device of a CSV file, or none.
///
/// Permission `fms.device.write`. The file is checked as the preview checks it, in the same transaction that
/// registers it: if any row cannot be registered, or the file has no device row, nothing is and the answer is
/// 422 `import_refused` naming the first problems (the preview lists them all). New devices have no certificate.
#[utoipa::path(post, path = "/v1/devices/import", operation_id = "import_devices", tag = "organisation",
    request_body = DeviceImport,
    responses((status = 201, description = "Every device of the file was registered", body = ImportReport),
        WithBody, Guarded, Always))]
pub async fn import_apply(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<WriteDevices>,
    Body(body): Body<DeviceImport>,
) -> Result<(StatusCode, Json<ImportReport>), ApiError> {
    let now = now();
    let mut tx = state.store.write().await?;
    let (mut report, devices) = check_import(&mut tx, p.org, &body.csv).await?;
    refuse_unless_clean(&report)?;
    let ids = store::devices::insert_many(&mut tx, p.org, &devices, now).await?;
    let changed: Vec<Changed> = ids.into_iter().map(Changed::Device).collect();
    store::orgs::bump_revision(&mut tx, p.org, &changed).await?;
    audit_import(&p, &mut tx, &report, &devices, now).await?;
    tx.commit().await?;
    report.applied = true;
    Ok((StatusCode::CREATED, Json(report)))
}

/// 422 `import_refused` for a report with problems or no device, naming the first few problems.
fn refuse_unless_clean(report: &ImportReport) -> Result<(), ApiError> {
    if report.rows == 0 {
        return Err(ApiError::server(
            ServerCode::ImportRefused,
            "the file has no device rows: one serial a row, optionally a fleet name after a comma",
        ));
    }
    if report.problems.is_empty() {
        return Ok(());
    }
    let first: Vec<String> = report
        .problems
        .iter()
        .take(3)
        .map(|p| format!("row {}: {}", p.row, p.message))
        .collect();
    Err(ApiError::server(
        ServerCode::ImportRefused,
        format!(
            "{} of {} rows cannot be registered, so none was ({}{}); preview the file for the report of every row",
            report.problems.len(),
            report.rows,
            first.join("; "),
            if report.problems.len() > first.len() {
                "; …"
            } else {
                ""
            }
        ),
    ))
}

/// One audit entry for the whole import: how many devices went where, and the first and last serial.
async fn audit_import(
    p: &Principal,
    conn: &mut Conn,
    report: &ImportReport,
    devices: &[(String, DeviceState)],
    now: fieldtoken_core::Timestamp,
) -> Result<(), ApiError> {
    p.audit(
        conn,
        "device.import",
        &format!("org/{}", p.org),
        json!({
            "devices": devices.len(),
            "destinations": report.destinations,
            "first_serial": devices.first().map(|d| d.0.as_str()),
            "last_serial": devices.last().map(|d| d.0.as_str()),
        }),
        now,
    )
    .await
}
