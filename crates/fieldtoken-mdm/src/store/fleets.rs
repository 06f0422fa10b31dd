//! Fleets: the organisation's groups of devices in service.

use fieldtoken_core::{Fleet, FleetId, OrgId, Timestamp};

use super::{Conn, Result, org_key};

/// The organisation's fleets, by name.
pub async fn list(conn: &mut Conn, org: OrgId) -> Result<Vec<Fleet>> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM fleets WHERE org_id = ? ORDER BY name, id")
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

/// The organisation's fleets with these ids that still exist (the others were deleted).
pub async fn of_ids(conn: &mut Conn, org: OrgId, ids: &[FleetId]) -> Result<Vec<Fleet>> {
    let wanted: Vec<i64> = ids.iter().map(|id| i64::from(id.get())).collect();
    let rows: Vec<(i64, i64, String)> = super::fetch_in(
        conn,
        "SELECT id, org_id, name FROM fleets WHERE id",
        &wanted,
    )
    .await?;
    rows.into_iter()
        .filter(|row| row.1 == org_key(org))
        .map(|(id, _, name)| {
            Ok(Fleet {
                id: FleetId::from_i64(id)?,
                org,
                name,
            })
        })
        .collect()
}

/// Adds a fleet; a name the organisation already uses is [`super::StoreError::Duplicate`].
pub async fn insert(conn: &mut Conn, org: OrgId, name: &str, now: Timestamp) -> Result<FleetId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO fleets (org_id, name, created_at) VALUES (?, ?, ?) RETURNING id",
    )
    .bind(org_key(org))
    .bind(name)
    .bind(now.as_millis())
    .fetch_one(conn)
    .await?;
    Ok(FleetId::from_i64(id)?)
}

/// A fleet as the admin lists it: the core's fleet and how many live devices it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counted {
    /// The fleet.
    pub fleet: Fleet,
    /// Its devices that are not retired.
    pub devices: u32,
}

/// One page of the organisation's fleets, by name (then id), each with its count of live devices (read from the
/// fleet index, one index range per fleet): at most `limit`, after the fleet `after` (the previous page's last
/// id; one that is not the organisation's ends the list).
pub async fn page_counted(
    conn: &mut Conn,
    org: OrgId,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<Counted>> {
    let rows: Vec<CountedRow> = sqlx::query_as(&format!(
        "{COUNTED} WHERE f.org_id = ?1
            AND (?2 IS NULL OR (f.name, f.id) > (SELECT a.name, a.id FROM fleets a WHERE a.id = ?2 AND a.org_id = ?1))
          ORDER BY f.name, f.id LIMIT ?3"
    ))
    .bind(org_key(org))
    .bind(after)
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(|row| counted(org, row)).collect()
}

/// The organisation's fleet with this id, with its count, if it has one.
pub async fn get_counted(conn: &mut Conn, org: OrgId, id: i64) -> Result<Option<Counted>> {
    let row: Option<CountedRow> =
        sqlx::query_as(&format!("{COUNTED} WHERE f.id = ? AND f.org_id = ?"))
            .bind(id)
            .bind(org_key(org))
            .fetch_optional(conn)
            .await?;
    row.map(|row| counted(org, row)).transpose()
}

/// A fleet with the number of its devices in service: the start of [`page_counted`]'s and [`get_counted`]'s query.
const COUNTED: &str = "SELECT f.id, f.name,
        (SELECT COUNT(*) FROM devices d
          WHERE d.org_id = f.org_id AND d.fleet_id = f.id AND d.retired_at IS NULL)
   FROM fleets f";

/// A row of [`COUNTED`]: id, name, devices.
type CountedRow = (i64, String, i64);

fn counted(org: OrgId, (id, name, devices): CountedRow) -> Result<Counted> {
    Ok(Counted {
        fleet: Fleet {
            id: FleetId::from_i64(id)?,
            org,
            name,
        },
        devices: u32::try_from(devices).unwrap_or(u32::MAX),
    })
}

/// Renames the organisation's fleet (the caller checked it is the organisation's and the name is free).
pub async fn rename(conn: &mut Conn, org: OrgId, id: FleetId, name: &str) -> Result<()> {
    sqlx::query("UPDATE fleets SET name = ? WHERE id = ? AND org_id = ?")
        .bind(name)
        .bind(i64::from(id.get()))
        .bind(org_key(org))
        .execute(conn)
        .await?;
    Ok(())
}

/// How many live action tokens (not deleted, not expired at `now`) put devices in this fleet.
pub async fn live_tokens_into(
    conn: &mut Conn,
    org: OrgId,
    id: FleetId,
    now: Timestamp,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM action_tokens
          WHERE fleet_id = ? AND org_id = ? AND deleted_at IS NULL AND expires_at_s * 1000 > ?",
    )
    .bind(i64::from(id.get()))
    .bind(org_key(org))
    .bind(now.as_millis())
    .fetch_one(conn)
    .await?)
}

/// Deletes the organisation's fleet, which holds no live device (the caller checked). Retired devices whose last
/// place it was are put in stock, since a device row must name a fleet that exists; where they were stays in the
/// audit log's `device.retire` entry.
pub async fn delete(conn: &mut Conn, org: OrgId, id: FleetId) -> Result<()> {
    let id = i64::from(id.get());
    sqlx::query(
        "UPDATE devices SET state = 'in_stock', fleet_id = NULL
          WHERE fleet_id = ? AND org_id = ? AND retired_at IS NOT NULL",
    )
    .bind(id)
    .bind(org_key(org))
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM fleets WHERE id = ? AND org_id = ?")
        .bind(id)
        .bind(org_key(org))
        .execute(conn)
        .await?;
    Ok(())
}
