//! API tokens (bearer credentials: an admin's, a user's, an operator's session): creating one, and finding the
//! live token a secret names.

use fieldtoken_core::{OrgId, Permission, PermissionSet, Timestamp};

use super::{Conn, Result, org_key};
use crate::secret::{new_secret, secret_hash};

/// Stable names of a set, as stored.
pub fn permissions_text(set: PermissionSet) -> String {
    set.names().join(" ")
}

/// A stored permission list; names this build does not know are ignored (never granted).
pub fn parse_permissions(text: &str) -> PermissionSet {
    text.split_whitespace()
        .filter_map(|name| Permission::parse(name).ok())
        .collect()
}

/// Creates an API token; returns its id and the secret (shown once).
pub async fn create(
    conn: &mut Conn,
    org: OrgId,
    name: &str,
    permissions: PermissionSet,
    created_by: Option<i64>,
    now: Timestamp,
) -> Result<(i64, String)> {
    let (secret, hash) = new_secret();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (org_id, name, secret_hash, permissions, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(org_key(org))
    .bind(name)
    .bind(hash)
    .bind(permissions_text(permissions))
    .bind(created_by)
    .bind(now.as_millis())
    .fetch_one(conn)
    .await?;
    Ok((id, secret))
}

/// A live token as authentication sees it.
#[derive(Clone, Debug)]
pub struct Live {
    /// Its row id.
    pub id: i64,
    /// Its organisation.
    pub org: OrgId,
    /// Its name.
    pub name: String,
    /// What it may do now: its own permissions, within its user's role as the role is now.
    pub permissions: PermissionSet,
    /// For an operator session: the number of the access token the operator signed in with.
    pub operator: Option<u32>,
}

/// id, organisation, name, permissions, operator's access token number, user, the user's role's permissions.
type LiveRow = (
    i64,
    i64,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

/// The live token whose secret is `secret`: not revoked, not expired, and for an operator session, its access
/// token still 'Effective' (seed 002: only 'Effective' tokens can be used to access the system).
pub async fn find_live(conn: &mut Conn, secret: &str, now: Timestamp) -> Result<Option<Live>> {
    let row: Option<LiveRow> = sqlx::query_as(
        "SELECT t.id, t.org_id, t.name, t.permissions, a.number, t.user_id, r.permissions FROM api_tokens t
         LEFT JOIN access_tokens a ON a.id = t.access_token_id
         LEFT JOIN users u ON u.id = t.user_id
         LEFT JOIN roles r ON r.id = u.role_id
         WHERE t.secret_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)
           AND (t.access_token_id IS NULL OR (a.state = 'effective' AND a.deleted_at IS NULL))",
    )
    .bind(secret_hash(secret))
    .bind(now.as_millis())
    .fetch_optional(conn)
    .await?;
    let Some((id, org, name, permissions, operator, user, role)) = row else {
        return Ok(None);
    };
    let mut permissions = parse_permissions(&permissions);
    if user.is_some() {
        permissions = permissions.intersection(parse_permissions(role.as_deref().unwrap_or("")));
    }
    Ok(Some(Live {
        id,
        org: OrgId::from_i64(org)?,
        name,
        permissions,
        operator: operator.and_then(|n| u32::try_from(n).ok()),
    }))
}

/// Creates an API token that acts for `user` (within the user's role at each request); returns its id and the
/// secret (shown once).
pub async fn create_for_user(
    conn: &mut Conn,
    org: OrgId,
    user: i64,
    name: &str,
    permissions: PermissionSet,
    created_by: Option<i64>,
    now: Timestamp,
) -> Result<(i64, String)> {
    let (id, secret) = create(&mut *conn, org, name, permissions, created_by, now).await?;
    sqlx::query("UPDATE api_tokens SET user_id = ? WHERE id = ?")
        .bind(user)
        .bind(id)
        .execute(conn)
        .await?;
    Ok((id, secret))
}
