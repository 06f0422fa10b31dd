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
