//! Users: a name and one role. A user's API tokens act within the role as it is at each request (see
//! [`super::api_tokens::find_live`]).

use fieldtoken_core::{OrgId, PermissionSet, Timestamp};

use super::api_tokens::parse_permissions;
use super::roles::row_id;
use super::{Conn, Result, org_key};

/// A stored user with its role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Its id.
    pub id: u32,
    /// Its name.
    pub name: String,
    /// Its role's id.
    pub role_id: u32,
    /// Its role's name.
    pub role_name: String,
    /// Its role's permissions.
    pub permissions: PermissionSet,
    /// When it was created.
    pub created_at: Timestamp,
}

/// id, name, role id, role name, role permissions, created.
type Row = (i64, String, i64, String, String, i64);
const SELECT: &str = "SELECT u.id, u.name, r.id, r.name, r.permissions, u.created_at
    FROM users u JOIN roles r ON r.id = u.role_id";

fn user((id, name, role_id, role_name, permissions, created): Row) -> Result<User> {
    Ok(User {
        id: row_id(id, "users.id")?,
        name,
        role_id: row_id(role_id, "users.role_id")?,
        role_name,
        permissions: parse_permissions(&permissions),
        created_at: Timestamp::from_millis(created),
    })
}

/// The organisation's users, by name.
pub async fn list(conn: &mut Conn, org: OrgId) -> Result<Vec<User>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE u.org_id = ? ORDER BY u.name, u.id"
    ))
    .bind(org_key(org))
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(user).collect()
}

/// The organisation's user with this id, if it has one.
pub async fn get(conn: &mut Conn, org: OrgId, id: i64) -> Result<Option<User>> {
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE u.id = ? AND u.org_id = ?"))
        .bind(id)
        .bind(org_key(org))
        .fetch_optional(conn)
        .await?;
    row.map(user).transpose()
}

/// Whether another user of the organisation (any but `except`) has this name.
pub async fn name_taken(
    conn: &mut Conn,
    org: OrgId,
    name: &str,
    except: Option<i64>,
) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM users WHERE org_id = ? AND name = ? AND (? IS NULL OR id <> ?)",
    )
    .bind(org_key(org))
    .bind(name)
    .bind(except)
    .bind(except)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// Adds a user with a role of the same organisation; returns its id.
pub async fn insert(
    conn: &mut Conn,
    org: OrgId,
    name: &str,
    role_id: i64,
    now: Timestamp,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO users (org_id, name, role_id, created_at) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(org_key(org))
    .bind(name)
    .bind(role_id)
    .bind(now.as_millis())
    .fetch_one(conn)
    .await?)
}

/// Renames a user and sets its role.
pub async fn update(conn: &mut Conn, id: i64, name: &str, role_id: i64) -> Result<()> {
    sqlx::query("UPDATE users SET name = ?, role_id = ? WHERE id = ?")
        .bind(name)
        .bind(role_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
