//! What the offline bundle reads beside tokens and keys: the organisation's revision (the bundle's version), its
//! fleets, and its devices with their serials.

use fieldtoken_core::{Device, Fleet, FleetId, OrgId};

use super::{Conn, Result, StoreError, org_key};

/// The organisation's revision: raised by every change a phone's offline checks depend on.
pub async fn revision(conn: &mut Conn, org: OrgId) -> Result<i64> {
    sqlx::query_scalar::<_, i64>("SELECT revision FROM organisations WHERE id = ?")
        .bind(org_key(org))
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| StoreError::damaged(format!("organisation {org} is missing")))
}

/// The organisation's fleets.
pub async fn fleets(conn: &mut Conn, org: OrgId) -> Result<Vec<Fleet>> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM fleets WHERE org_id = ? ORDER BY id")
            .bind(org_key(org))
            .fetch_all(conn)
            .await?;
    rows.into_iter()
        .map(|(id, name)| {
            Ok(Fleet {
                id: FleetId::from_i64(id)?,
                org,
                name,
            })
        })
        .collect()
}

/// id, serial, state, fleet, certificate.
type DeviceRow = (i64, String, String, Option<i64>, Option<Vec<u8>>);

/// The organisation's devices with their serials, by id.
pub async fn devices(conn: &mut Conn, org: OrgId) -> Result<Vec<(Device, String)>> {
    let rows: Vec<DeviceRow> = sqlx::query_as(
        "SELECT id, serial, state, fleet_id, certificate FROM devices WHERE org_id = ? ORDER BY id",
    )
    .bind(org_key(org))
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(id, serial, state, fleet, certificate)| {
            Ok((
                super::redemptions::device_of_columns(id, org, &state, fleet, certificate)?,
                serial,
            ))
        })
        .collect()
}
