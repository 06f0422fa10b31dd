//! Custom roles: an organisation's name for a subset of the core's permissions, and how many users hold each.

use fieldtoken_core::{OrgId, PermissionSet, Timestamp};

use super::api_tokens::{parse_permissions, permissions_text};
use super::{Conn, Result, StoreError, org_key};

/// A stored role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    /// Its id.
    pub id: u32,
    /// The organisation's name for it.
    pub name: String,
    /// Its permissions.
    pub permissions: PermissionSet,
    /// How many users hold it.
    pub users: u32,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// A row id as the API shows it (ids are 1 to 4294967295).
pub(crate) fn row_id(id: i64, what: &str) -> Result<u32> {
    u32::try_from(id)
        .ok()
        .filter(|&id| id != 0)
        .ok_or_else(|| StoreError::damaged(format!("{what}: id {id} is out of range")))
}

/// id, name, permissions, created, updated, users.
type Row = (i64, String, String, i64, i64, i64);
const SELECT: &str = "SELECT r.id, r.name, r.permissions, r.created_at, r.updated_at,
    (SELECT COUNT(*) FROM users u WHERE u.role_id = r.id) FROM roles r";

fn role((id, name, permissions, created, updated, users): Row) -> Result<Role> {
    Ok(Role {
        id: row_id(id, "roles.id")?,
        name,
        permissions: parse_permissions(&permissions),
        users: u32::try_from(users).map_err(|_| StoreError::damaged("users per role"))?,
        created_at: Timestamp::from_millis(created),
        updated_at: Timestamp::from_millis(updated),
    })
}

/// The organisation's roles, by name.
pub async fn list(conn: &mut Conn, org: OrgId) -> Result<Vec<Role>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE r.org_id = ? ORDER BY r.name, r.id"
    ))
    .bind(org_key(org))
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(role).collect()
}

/// The organisation's role with this id, if it has one.
pub async fn get(conn: &mut Conn, org: OrgId, id: i64) -> Result<Option<Role>> {
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE r.id = ? AND r.org_id = ?"))
        .bind(id)
        .bind(org_key(org))
        .fetch_optional(conn)
        .await?;
    row.map(role).transpose()
}

/// Whether another role of the organisation (any but `except`) has this name.
pub async fn name_taken(
    conn: &mut Conn,
    org: OrgId,
    name: &str,
    except: Option<i64>,
) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM roles WHERE org_id = ? AND name = ? AND (? IS NULL OR id <> ?)",
    )
    .bind(org_key(org))
    .bind(name)
    .bind(except)
    .bind(except)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// Adds a role; returns its id.
pub async fn insert(
    conn: &mut Conn,
    org: OrgId,
    name: &str,
    permissions: PermissionSet,
    now: Timestamp,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO roles (org_id, name, permissions, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(org_key(org))
    .bind(name)
    .bind(permissions_text(permissions))
    .bind(now.as_millis())
    .bind(now.as_millis())
    .fetch_one(conn)
    .await?)
}

/// Renames a role and sets its permissions.
pub async fn update(
    conn: &mut Conn,
    id: i64,
    name: &str,
    permissions: PermissionSet,
    now: Timestamp,
) -> Result<()> {
    sqlx::query("UPDATE roles SET name = ?, permissions = ?, updated_at = ? WHERE id = ?")
        .bind(name)
        .bind(permissions_text(permissions))
        .bind(now.as_millis())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes a role (the caller checked that no user holds it).
pub async fn delete(conn: &mut Conn, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM roles WHERE id = ?")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
