//! Devices: where each is (a fleet, repair or stock), its serial, and its certificate. Rows become the core's
//! [`Device`] here and nowhere else.

use fieldtoken_core::{Certificate, Device, DeviceId, DeviceState, FleetId, OrgId, Timestamp};

use super::{Conn, Result, StoreError, org_key};

/// A device as the admin lists it: the core's device and the serial printed on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// The device as the rules see it.
    pub device: Device,
    /// The serial printed on it.
    pub serial: String,
}

/// The columns [`Row`] reads, in its order.
const COLUMNS: &str = "id, org_id, serial, state, fleet_id, certificate";

/// id, organisation, serial, state, fleet, certificate.
type Row = (i64, i64, String, String, Option<i64>, Option<Vec<u8>>);

/// The stored name of a state and its fleet column.
pub fn state_columns(state: DeviceState) -> (&'static str, Option<i64>) {
    (state.as_str(), state.fleet().map(|f| i64::from(f.get())))
}

/// A core device from its stored columns; a state or certificate this server does not write is a damaged row.
pub fn device_of_row(
    id: i64,
    org: OrgId,
    state: &str,
    fleet: Option<i64>,
    certificate: Option<Vec<u8>>,
) -> Result<Device> {
    let state = match (state, fleet) {
        ("in_fleet", Some(f)) => DeviceState::InFleet(FleetId::from_i64(f)?),
        ("in_repair", None) => DeviceState::InRepair,
        ("in_stock", None) => DeviceState::InStock,
        _ => {
            return Err(StoreError::damaged(format!(
                "devices.state of device {id}: '{state}' with fleet {fleet:?}"
            )));
        }
    };
    let certificate = certificate
        .map(|c| <[u8; 32]>::try_from(c.as_slice()).map(Certificate::from_bytes))
        .transpose()
        .map_err(|_| {
            StoreError::damaged(format!("devices.certificate of device {id}: not 32 bytes"))
        })?;
    Ok(Device {
        id: DeviceId::from_i64(id)?,
        org,
        state,
        certificate,
    })
}

fn listed((id, org, serial, state, fleet, certificate): Row) -> Result<Listed> {
    Ok(Listed {
        device: device_of_row(id, OrgId::from_i64(org)?, &state, fleet, certificate)?,
        serial,
    })
}

/// The organisation's devices, by serial.
pub async fn list(conn: &mut Conn, org: OrgId) -> Result<Vec<Listed>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM devices WHERE org_id = ? ORDER BY serial, id"
    ))
    .bind(org_key(org))
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(listed).collect()
}

/// The organisation's device with this id, if it has one.
pub async fn get(conn: &mut Conn, org: OrgId, id: DeviceId) -> Result<Option<Listed>> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM devices WHERE id = ? AND org_id = ?"
    ))
    .bind(i64::from(id.get()))
    .bind(org_key(org))
    .fetch_optional(conn)
    .await?;
    row.map(listed).transpose()
}

/// Adds a device; a serial the organisation already uses is [`StoreError::Duplicate`].
pub async fn insert(
    conn: &mut Conn,
    org: OrgId,
    serial: &str,
    state: DeviceState,
    certificate: Option<Certificate>,
    now: Timestamp,
) -> Result<DeviceId> {
    let (state, fleet) = state_columns(state);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO devices (org_id, serial, state, fleet_id, certificate, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(org_key(org))
    .bind(serial)
    .bind(state)
    .bind(fleet)
    .bind(certificate.map(|c| c.to_bytes().to_vec()))
    .bind(now.as_millis())
    .fetch_one(conn)
    .await?;
    Ok(DeviceId::from_i64(id)?)
}
