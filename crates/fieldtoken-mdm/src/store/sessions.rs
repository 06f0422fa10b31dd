//! Operators' sessions: API tokens with no permission that name the access token an operator signed in with
//! (`api_tokens.access_token_id`). Authentication ([`super::api_tokens::find_live`]) accepts one only while its
//! access token is live and 'Effective'.

use fieldtoken_core::{OrgId, PermissionSet, Timestamp};

use super::{Conn, Result, org_key};
use crate::secret::new_secret;

/// Opens a session for the access token of row `access_token`, ending at `expires_at`; returns its id and its
/// secret (shown once).
pub async fn create(
    conn: &mut Conn,
    org: OrgId,
    name: &str,
    access_token: i64,
    expires_at: Timestamp,
    now: Timestamp,
) -> Result<(i64, String)> {
    let (secret, hash) = new_secret();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (org_id, name, secret_hash, permissions, created_at, access_token_id, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(org_key(org))
    .bind(name)
    .bind(hash)
    .bind(super::api_tokens::permissions_text(PermissionSet::empty()))
    .bind(now.as_millis())
    .bind(access_token)
    .bind(expires_at.as_millis())
    .fetch_one(conn)
    .await?;
    Ok((id, secret))
}

/// Ends one session (sign-out).
pub async fn revoke(conn: &mut Conn, session: i64, now: Timestamp) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
        .bind(now.as_millis())
        .bind(session)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session signed in with the access token of this row.
pub async fn revoke_for_access_token(
    conn: &mut Conn,
    access_token: i64,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "UPDATE api_tokens SET revoked_at = ? WHERE access_token_id = ? AND revoked_at IS NULL",
    )
    .bind(now.as_millis())
    .bind(access_token)
    .execute(conn)
    .await?;
    Ok(())
}
