//! API tokens (bearer credentials: an admin's, a user's, an operator's session): creating, listing and revoking one,
//! finding the live token a secret names (within its creator's permissions), and recording when it was last used.

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
    create_expiring(conn, org, name, permissions, created_by, None, now).await
}

/// Creates an API token that stops working at `expires_at` (none: when revoked); returns its id and the secret
/// (shown once).
pub async fn create_expiring(
    conn: &mut Conn,
    org: OrgId,
    name: &str,
    permissions: PermissionSet,
    created_by: Option<i64>,
    expires_at: Option<Timestamp>,
    now: Timestamp,
) -> Result<(i64, String)> {
    let (secret, hash) = new_secret();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (org_id, name, secret_hash, permissions, created_by, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(org_key(org))
    .bind(name)
    .bind(hash)
    .bind(permissions_text(permissions))
    .bind(created_by)
    .bind(now.as_millis())
    .bind(expires_at.map(Timestamp::as_millis))
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
    /// What it may do now: its own permissions, within its user's role as the role is now and within what the token
    /// that created it may do now.
    pub permissions: PermissionSet,
    /// For an operator session: the number of the access token the operator signed in with.
    pub operator: Option<u32>,
    /// When it was last used, as recorded (at most once a minute).
    pub last_used_at: Option<Timestamp>,
}

/// What makes a row of `api_tokens t` live: not revoked, not expired, and for an operator session, its access token
/// still 'Effective' (seed 002: only 'Effective' tokens can be used to access the system). `?` is now.
const LIVE: &str = "t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)
           AND (t.access_token_id IS NULL OR (a.state = 'effective' AND a.deleted_at IS NULL))";

/// A live token's own limits: its permissions, its user's role's permissions (for a user's token) and its creator.
type Limits = (String, Option<i64>, Option<String>, Option<i64>);

/// id, organisation, name, operator's access token number, last used, then its limits.
type LiveRow = (
    i64,
    i64,
    String,
    Option<i64>,
    Option<i64>,
    String,
    Option<i64>,
    Option<String>,
    Option<i64>,
);

/// The permissions a token's own limits allow.
fn within_role((permissions, user, role, _): &Limits) -> PermissionSet {
    let own = parse_permissions(permissions);
    match user {
        Some(_) => own.intersection(parse_permissions(role.as_deref().unwrap_or(""))),
        None => own,
    }
}

/// The live token whose secret is `secret`. It acts within what its creator may do now, and the creator's creator,
/// and so on: a token minted by a token that was revoked or expired since is not live either.
pub async fn find_live(conn: &mut Conn, secret: &str, now: Timestamp) -> Result<Option<Live>> {
    let row: Option<LiveRow> = sqlx::query_as(&format!(
        "SELECT t.id, t.org_id, t.name, a.number, t.last_used_at, t.permissions, t.user_id, r.permissions, t.created_by
         FROM api_tokens t
         LEFT JOIN access_tokens a ON a.id = t.access_token_id
         LEFT JOIN users u ON u.id = t.user_id
         LEFT JOIN roles r ON r.id = u.role_id
         WHERE t.secret_hash = ? AND {LIVE}"
    ))
    .bind(secret_hash(secret))
    .bind(now.as_millis())
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id, org, name, operator, last_used_at, permissions, user, role, created_by)) = row
    else {
        return Ok(None);
    };
    let mut limits = (permissions, user, role, created_by);
    let mut effective = within_role(&limits);
    let mut minted = id;
    while let Some(creator) = limits.3 {
        // A creator is always an older token of the same organisation; anything else is not a chain to follow.
        if creator >= minted {
            return Ok(None);
        }
        let row: Option<Limits> = sqlx::query_as(&format!(
            "SELECT t.permissions, t.user_id, r.permissions, t.created_by
             FROM api_tokens t
             LEFT JOIN access_tokens a ON a.id = t.access_token_id
             LEFT JOIN users u ON u.id = t.user_id
             LEFT JOIN roles r ON r.id = u.role_id
             WHERE t.id = ? AND t.org_id = ? AND {LIVE}"
        ))
        .bind(creator)
        .bind(org)
        .bind(now.as_millis())
        .fetch_optional(&mut *conn)
        .await?;
        let Some(creator_limits) = row else {
            return Ok(None);
        };
        limits = creator_limits;
        effective = effective.intersection(within_role(&limits));
        minted = creator;
    }
    Ok(Some(Live {
        id,
        org: OrgId::from_i64(org)?,
        name,
        permissions: effective,
        operator: operator.and_then(|n| u32::try_from(n).ok()),
        last_used_at: last_used_at.map(Timestamp::from_millis),
    }))
}

/// How often a token's `last_used_at` is written at most: once a minute, not once per request.
pub const LAST_USED_PRECISION_MS: i64 = 60_000;

/// Whether a token last used at `last_used_at` should have its use recorded again at `now`.
pub fn use_worth_recording(last_used_at: Option<Timestamp>, now: Timestamp) -> bool {
    last_used_at.is_none_or(|at| now.as_millis() - at.as_millis() >= LAST_USED_PRECISION_MS)
}

/// Records that a token was used at `now`, unless someone recorded it less than a minute ago.
pub async fn record_use(conn: &mut Conn, id: i64, now: Timestamp) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)")
        .bind(now.as_millis())
        .bind(id)
        .bind(now.as_millis() - LAST_USED_PRECISION_MS)
        .execute(conn)
        .await?;
    Ok(())
}

/// An API token as an admin sees it (no secret).
#[derive(Clone, Debug)]
pub struct Listed {
    /// Its row id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its own permissions.
    pub permissions: PermissionSet,
    /// When it was created.
    pub created_at: Timestamp,
    /// The token that created it.
    pub created_by: Option<i64>,
    /// When it stops working.
    pub expires_at: Option<Timestamp>,
    /// When it was last used.
    pub last_used_at: Option<Timestamp>,
    /// Whether it was revoked.
    pub revoked: bool,
}

/// id, name, permissions, created, creator, expiry, last use, revocation (a time, not a truth value: the
/// engines do not agree on how a comparison's result reads back).
type ListedRow = (
    i64,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

const LISTED: &str =
    "SELECT id, name, permissions, created_at, created_by, expires_at, last_used_at,
    revoked_at FROM api_tokens WHERE org_id = ? AND access_token_id IS NULL";

fn listed(
    (id, name, permissions, created_at, created_by, expires_at, last_used_at, revoked_at): ListedRow,
) -> Listed {
    Listed {
        id,
        name,
        permissions: parse_permissions(&permissions),
        created_at: Timestamp::from_millis(created_at),
        created_by,
        expires_at: expires_at.map(Timestamp::from_millis),
        last_used_at: last_used_at.map(Timestamp::from_millis),
        revoked: revoked_at.is_some(),
    }
}

/// The organisation's API tokens, oldest first; operator sessions are not among them.
pub async fn list(conn: &mut Conn, org: OrgId) -> Result<Vec<Listed>> {
    let rows: Vec<ListedRow> = sqlx::query_as(&format!("{LISTED} ORDER BY id"))
        .bind(org_key(org))
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(listed).collect())
}

/// The organisation's API token with this id, if it is one (an operator session is not).
pub async fn get(conn: &mut Conn, org: OrgId, id: i64) -> Result<Option<Listed>> {
    let row: Option<ListedRow> = sqlx::query_as(&format!("{LISTED} AND id = ?"))
        .bind(org_key(org))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(listed))
}

/// The token with this id and the tokens it descends from (its creator, the creator's creator, ...), itself first.
pub async fn lineage(conn: &mut Conn, id: i64) -> Result<Vec<i64>> {
    let mut line = vec![id];
    let mut current = id;
    loop {
        let creator: Option<Option<i64>> =
            sqlx::query_scalar("SELECT created_by FROM api_tokens WHERE id = ?")
                .bind(current)
                .fetch_optional(&mut *conn)
                .await?;
        match creator.flatten() {
            // Creators are older: a larger id would not be a chain to follow.
            Some(creator) if creator < current => {
                line.push(creator);
                current = creator;
            }
            _ => return Ok(line),
        }
    }
}

/// Revokes a token (once: a second revocation keeps the first time).
pub async fn revoke(conn: &mut Conn, id: i64, now: Timestamp) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
        .bind(now.as_millis())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
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
