//! Devices: where each is (a fleet, repair or stock), its serial, and its certificate. Rows become the core's
//! [`Device`] here and nowhere else.

use fieldtoken_core::{Certificate, Device, DeviceId, DeviceState, FleetId, OrgId, Timestamp};

use std::collections::HashSet;

use super::{CHUNK, Conn, Result, StoreError, fetch_in, org_key};

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

/// The organisation's live (not retired) devices, by serial: the whole list, for the offline bundle.
pub async fn list(conn: &mut Conn, org: OrgId) -> Result<Vec<Listed>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM devices WHERE org_id = ? AND retired_at IS NULL ORDER BY serial, id"
    ))
    .bind(org_key(org))
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(listed).collect()
}

/// The organisation's live device with this id, if it has one (a retired device is not found).
pub async fn get(conn: &mut Conn, org: OrgId, id: DeviceId) -> Result<Option<Listed>> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM devices WHERE id = ? AND org_id = ? AND retired_at IS NULL"
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

/// What a page of `GET /api/v1/devices` asks for. Every filter is served by an index over the live devices
/// (migration 0009), ordered by serial, so a page reads only its own rows whatever the organisation's size.
#[derive(Clone, Debug, Default)]
pub struct ListFilter<'a> {
    /// Serials that start with this (in upper case, as serials are stored).
    pub serial_prefix: Option<&'a str>,
    /// Only devices in this fleet.
    pub fleet: Option<FleetId>,
    /// Only devices in this state (`in_fleet`, `in_repair`, `in_stock`).
    pub state: Option<&'static str>,
    /// Only devices after this one in serial order (the paging cursor: the last device of the page before).
    pub after: Option<i64>,
    /// At most this many.
    pub limit: u32,
}

/// One page of the organisation's live devices, by serial.
pub async fn page(conn: &mut Conn, org: OrgId, filter: &ListFilter<'_>) -> Result<Vec<Listed>> {
    let mut sql = format!("SELECT {COLUMNS} FROM devices WHERE org_id = ? AND retired_at IS NULL");
    if filter.serial_prefix.is_some() {
        // A range, not LIKE, so the serial index answers it. Serials are ASCII below DEL, so every serial that
        // starts with the prefix sorts below the prefix followed by DEL.
        sql.push_str(" AND serial >= ? AND serial < ?");
    }
    if filter.fleet.is_some() {
        sql.push_str(" AND fleet_id = ?");
    }
    if filter.state.is_some() {
        sql.push_str(" AND state = ?");
    }
    if filter.after.is_some() {
        // A cursor of another organisation names no serial here: the comparison is NULL and the page is empty.
        sql.push_str(" AND serial > (SELECT serial FROM devices WHERE id = ? AND org_id = ?)");
    }
    sql.push_str(" ORDER BY serial LIMIT ?");
    let mut query = sqlx::query_as::<_, Row>(&sql).bind(org_key(org));
    if let Some(prefix) = filter.serial_prefix {
        query = query.bind(prefix).bind(format!("{prefix}\u{7f}"));
    }
    if let Some(fleet) = filter.fleet {
        query = query.bind(i64::from(fleet.get()));
    }
    if let Some(state) = filter.state {
        query = query.bind(state);
    }
    if let Some(after) = filter.after {
        query = query.bind(after).bind(org_key(org));
    }
    let rows = query.bind(i64::from(filter.limit)).fetch_all(conn).await?;
    rows.into_iter().map(listed).collect()
}

/// Which of these serials the organisation already has, a retired device's included (a serial names one device
/// for good). Asked a chunk at a time over the `(org_id, serial)` index.
pub async fn taken_serials(
    conn: &mut Conn,
    org: OrgId,
    serials: &[&str],
) -> Result<HashSet<String>> {
    // The organisation's id is a number this server made, so it is written into the statement; the serials are
    // bound.
    let select = format!(
        "SELECT serial FROM devices WHERE org_id = {} AND serial",
        org_key(org)
    );
    let mut taken = HashSet::new();
    for chunk in serials.chunks(CHUNK) {
        let sql = format!("{select} IN ({})", vec!["?"; chunk.len()].join(", "));
        let mut query = sqlx::query_scalar::<_, String>(&sql);
        for serial in chunk {
            query = query.bind(*serial);
        }
        taken.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(taken)
}

/// Adds many devices, without certificates, in multi-row inserts of [`CHUNK`] rows: one statement per chunk
/// rather than a round trip per device. A serial the organisation already uses is [`StoreError::Duplicate`] and,
/// the caller's transaction being dropped, nothing is added.
pub async fn insert_many(
    conn: &mut Conn,
    org: OrgId,
    devices: &[(String, DeviceState)],
    now: Timestamp,
) -> Result<Vec<DeviceId>> {
    let mut ids = Vec::with_capacity(devices.len());
    for chunk in devices.chunks(CHUNK) {
        let mut sql = String::from(
            "INSERT INTO devices (org_id, serial, state, fleet_id, created_at) VALUES ",
        );
        sql.push_str(&vec!["(?, ?, ?, ?, ?)"; chunk.len()].join(", "));
        sql.push_str(" RETURNING id");
        let mut query = sqlx::query(&sql);
        for (serial, state) in chunk {
            let (state, fleet) = state_columns(*state);
            query = query
                .bind(org_key(org))
                .bind(serial)
                .bind(state)
                .bind(fleet)
                .bind(now.as_millis());
        }
        for row in query.fetch_all(&mut *conn).await? {
            ids.push(DeviceId::from_i64(sqlx::Row::try_get(&row, 0)?)?);
        }
    }
    Ok(ids)
}

/// The organisation's devices with these ids as they are now: the live ones, and the ids of those retired (or
/// of another organisation, or unknown), which leave a phone's bundle.
pub async fn of_ids(
    conn: &mut Conn,
    org: OrgId,
    ids: &[DeviceId],
) -> Result<(Vec<Listed>, Vec<DeviceId>)> {
    let wanted: Vec<i64> = ids.iter().map(|id| i64::from(id.get())).collect();
    let rows: Vec<Row> = fetch_in(
        conn,
        &format!("SELECT {COLUMNS} FROM devices WHERE retired_at IS NULL AND id"),
        &wanted,
    )
    .await?;
    let mut live = Vec::with_capacity(rows.len());
    for row in rows {
        if row.1 == org_key(org) {
            live.push(listed(row)?);
        }
    }
    let found: HashSet<DeviceId> = live.iter().map(|l| l.device.id).collect();
    let gone = ids
        .iter()
        .copied()
        .filter(|id| !found.contains(id))
        .collect();
    Ok((live, gone))
}

/// Writes a device the core changed by hand (an admin's move): its state and certificate, and `mark` as its
/// latest scan, so that a scan made before the move and synced after it is `superseded` by it.
pub async fn update(conn: &mut Conn, device: &Device, mark: (Timestamp, &str)) -> Result<()> {
    let (state, fleet) = state_columns(device.state);
    sqlx::query(
        "UPDATE devices SET state = ?, fleet_id = ?, certificate = ?, last_scan_at = ?, last_scan_id = ?
          WHERE id = ? AND org_id = ? AND retired_at IS NULL",
    )
    .bind(state)
    .bind(fleet)
    .bind(device.certificate.map(|c| c.to_bytes().to_vec()))
    .bind(mark.0.as_millis())
    .bind(mark.1)
    .bind(i64::from(device.id.get()))
    .bind(org_key(device.org))
    .execute(conn)
    .await?;
    Ok(())
}

/// Retires the organisation's live device: it leaves the lists, the offline bundle and sync; its unused
/// enrolment codes die with it. The row stays, for history.
pub async fn retire(conn: &mut Conn, org: OrgId, id: DeviceId, now: Timestamp) -> Result<()> {
    let id = i64::from(id.get());
    sqlx::query(
        "UPDATE devices SET retired_at = ? WHERE id = ? AND org_id = ? AND retired_at IS NULL",
    )
    .bind(now.as_millis())
    .bind(id)
    .bind(org_key(org))
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM enrolment_codes WHERE device_id = ? AND used_at IS NULL")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
