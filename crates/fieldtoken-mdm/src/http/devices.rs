//! `GET /api/v1/devices` and `GET /api/v1/devices/{id}`: the organisation's devices, where each is and whether it
//! is enrolled.

use axum::Json;
use axum::extract::State;
use fieldtoken_api::Items;
use fieldtoken_api::devices::Device;
use fieldtoken_core::DeviceId;

use super::auth::{Authorized, ReadDevices};
use super::doc::{Always, ById, Guarded};
use super::extract::IdPath;
use crate::store::devices::Listed;
use crate::{ApiError, AppState, store};

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

/// The organisation's devices, by serial.
///
/// Permission `fms.device.read`.
#[utoipa::path(get, path = "/v1/devices", operation_id = "list_devices", tag = "organisation",
    responses((status = 200, description = "The devices, by serial", body = Items<Device>), Guarded, Always))]
pub async fn list(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<ReadDevices>,
) -> Result<Json<Items<Device>>, ApiError> {
    let mut tx = state.store.read().await?;
    let devices = store::devices::list(&mut tx, p.org).await?;
    Ok(Json(Items::of(devices.into_iter().map(wire).collect())))
}

/// One device.
///
/// Permission `fms.device.read`.
#[utoipa::path(get, path = "/v1/devices/{id}", operation_id = "get_device", tag = "organisation",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The device's id")),
    responses((status = 200, description = "The device", body = Device), ById, Guarded, Always))]
pub async fn get(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<ReadDevices>,
    IdPath(id): IdPath,
) -> Result<Json<Device>, ApiError> {
    let mut tx = state.store.read().await?;
    store::devices::get(&mut tx, p.org, DeviceId::from_i64(id)?)
        .await?
        .map(|listed| Json(wire(listed)))
        .ok_or_else(|| ApiError::not_found("device"))
}
