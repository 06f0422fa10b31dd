//! Organisations: creating one with its code-directory key, its name, and the revision of its offline bundle.

use fieldtoken_core::{DirectoryKey, OrgId, Timestamp};

use super::{Conn, Result, StoreError, org_key};
use crate::seal::MasterKey;

fn directory_label(org: OrgId) -> String {
    format!("fieldtoken/directory-key/{org}")
}

/// Whether an organisation of this name exists.
pub async fn exists(conn: &mut Conn, name: &str) -> Result<bool> {
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE name = ?")
        .bind(name)
        .fetch_optional(conn)
        .await?;
    Ok(taken.is_some())
}

/// Inserts an organisation with a new sealed code-directory key (no signing key yet: see
/// [`super::signing_keys::create`]).
pub async fn insert(
    conn: &mut Conn,
    master: &MasterKey,
    name: &str,
    now: Timestamp,
) -> Result<OrgId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO organisations (name, sealed_directory_key, created_at) VALUES (?, ?, ?) RETURNING id",
    )
    .bind(name)
    // Sealed once the row's id (part of the seal's label) is known.
    .bind(Vec::<u8>::new())
    .bind(now.as_millis())
    .fetch_one(&mut *conn)
    .await?;
    let org = OrgId::from_i64(id)?;
    let key = DirectoryKey::generate(&mut rand::rng());
    sqlx::query("UPDATE organisations SET sealed_directory_key = ? WHERE id = ?")
        .bind(master.seal(&directory_label(org), &key.to_bytes()))
        .bind(id)
        .execute(conn)
        .await?;
    Ok(org)
}

/// The organisation's name.
pub async fn name(conn: &mut Conn, org: OrgId) -> Result<String> {
    sqlx::query_scalar::<_, String>("SELECT name FROM organisations WHERE id = ?")
        .bind(org_key(org))
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| StoreError::damaged(format!("organisation {org} is missing")))
}

/// The organisation's revision, its offline bundle's version: raised by every change a phone's offline checks
/// depend on.
pub async fn revision(conn: &mut Conn, org: OrgId) -> Result<i64> {
    sqlx::query_scalar::<_, i64>("SELECT revision FROM organisations WHERE id = ?")
        .bind(org_key(org))
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| StoreError::damaged(format!("organisation {org} is missing")))
}

/// Marks the organisation's offline bundle as changed.
pub async fn bump_revision(conn: &mut Conn, org: OrgId) -> Result<()> {
    sqlx::query("UPDATE organisations SET revision = revision + 1 WHERE id = ?")
        .bind(org_key(org))
        .execute(conn)
        .await?;
    Ok(())
}

/// Opens the organisation's code-directory key.
pub async fn directory_key(
    conn: &mut Conn,
    master: &MasterKey,
    org: OrgId,
) -> Result<DirectoryKey> {
    let sealed: Vec<u8> =
        sqlx::query_scalar("SELECT sealed_directory_key FROM organisations WHERE id = ?")
            .bind(org_key(org))
            .fetch_one(conn)
            .await?;
    Ok(DirectoryKey::from_bytes(
        master.open_array::<32>(&directory_label(org), &sealed)?,
    ))
}

/// The organisation with this id, if there is one (an id a client sent).
pub async fn find(conn: &mut Conn, id: u32) -> Result<Option<OrgId>> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE id = ?")
        .bind(i64::from(id))
        .fetch_optional(conn)
        .await?;
    Ok(found.map(OrgId::from_i64).transpose()?)
}

/// The server's organisation when it has exactly one, else `None` (none, or several): an operator's sign-in that
/// names no organisation may mean only that one.
pub async fn only(conn: &mut Conn) -> Result<Option<OrgId>> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM organisations ORDER BY id LIMIT 2")
        .fetch_all(conn)
        .await?;
    match ids.as_slice() {
        [one] => Ok(Some(OrgId::from_i64(*one)?)),
        _ => Ok(None),
    }
}

/// How far back a scan of this organisation's tokens may be dated, in milliseconds (default 72 hours).
pub async fn max_offline_ms(conn: &mut Conn, org: OrgId) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT max_offline_ms FROM organisations WHERE id = ?")
            .bind(org_key(org))
            .fetch_one(conn)
            .await?,
    )
}

/// Sets this organisation's `max_offline` (the caller checked its range).
pub async fn set_max_offline_ms(conn: &mut Conn, org: OrgId, millis: i64) -> Result<()> {
    sqlx::query("UPDATE organisations SET max_offline_ms = ? WHERE id = ?")
        .bind(millis)
        .bind(org_key(org))
        .execute(conn)
        .await?;
    Ok(())
}
