//! Organisations' signing keys: the current key signs new tokens, previous keys keep verifying until retired.
//! Seeds are stored sealed with the master key.

use std::collections::BTreeSet;

use fieldtoken_core::{KeyId, KeyRing, OrgId, OrgPublicKey, OrgSigningKey, Timestamp};

use super::{Conn, Result, StoreError, org_key};
use crate::seal::MasterKey;

fn seed_label(org: OrgId, key: KeyId) -> String {
    format!("fieldtoken/signing-key/{org}/{key}")
}

/// Adds a new current signing key (key rotation): the one before stops signing but keeps verifying what it
/// signed. Bumps the bundle revision. Returns the new key id.
pub async fn create(
    conn: &mut Conn,
    master: &MasterKey,
    org: OrgId,
    now: Timestamp,
) -> Result<KeyId> {
    sqlx::query("UPDATE signing_keys SET replaced_at = ? WHERE org_id = ? AND replaced_at IS NULL")
        .bind(now.as_millis())
        .bind(org_key(org))
        .execute(&mut *conn)
        .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO signing_keys (org_id, public_key, sealed_seed, status, created_at) VALUES (?, ?, ?, 'active', ?) RETURNING id",
    )
    .bind(org_key(org))
    // Both are written below, once the row's id (part of the seal's label) is known.
    .bind(vec![0u8; 32])
    .bind(Vec::<u8>::new())
    .bind(now.as_millis())
    .fetch_one(&mut *conn)
    .await?;
    let key_id = KeyId::from_i64(id)?;
    let mut seed = [0u8; 32];
    rand::fill(&mut seed);
    let key = OrgSigningKey::from_seed(key_id, org, seed);
    sqlx::query("UPDATE signing_keys SET public_key = ?, sealed_seed = ? WHERE id = ?")
        .bind(key.public_key().to_bytes().to_vec())
        .bind(master.seal(&seed_label(org, key_id), &seed))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    super::orgs::bump_revision(conn, org).await?;
    Ok(key_id)
}

/// The organisation's current signing key id: the one that signs new tokens.
pub async fn current_id(conn: &mut Conn, org: OrgId) -> Result<KeyId> {
    let id: Option<i64> =
        sqlx::query_scalar("SELECT id FROM signing_keys WHERE org_id = ? AND replaced_at IS NULL")
            .bind(org_key(org))
            .fetch_optional(conn)
            .await?;
    let id = id.ok_or_else(|| {
        StoreError::damaged(format!("organisation {org} has no current signing key"))
    })?;
    Ok(KeyId::from_i64(id)?)
}

/// Opens a signing key of the organisation.
pub async fn open(
    conn: &mut Conn,
    master: &MasterKey,
    org: OrgId,
    key_id: KeyId,
) -> Result<OrgSigningKey> {
    let sealed: Vec<u8> =
        sqlx::query_scalar("SELECT sealed_seed FROM signing_keys WHERE id = ? AND org_id = ?")
            .bind(i64::from(key_id.get()))
            .bind(org_key(org))
            .fetch_one(conn)
            .await?;
    let seed = master.open_array::<32>(&seed_label(org, key_id), &sealed)?;
    Ok(OrgSigningKey::from_seed(key_id, org, seed))
}

/// Adds the public keys that verify an organisation's tokens to `ring`: the current key and the previous ones,
/// not the retired (a token signed with a retired key is `unknown_key` to the core).
pub async fn public_keys(conn: &mut Conn, org: OrgId, ring: &mut KeyRing) -> Result<()> {
    let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(
        "SELECT id, public_key FROM signing_keys WHERE org_id = ? AND status = 'active' ORDER BY id",
    )
    .bind(org_key(org))
    .fetch_all(conn)
    .await?;
    for (id, bytes) in rows {
        let bytes = <[u8; 32]>::try_from(bytes.as_slice())
            .map_err(|_| StoreError::damaged("signing_keys.public_key has the wrong size"))?;
        ring.insert(OrgPublicKey::from_bytes(KeyId::from_i64(id)?, org, bytes)?);
    }
    Ok(())
}

/// A signing key as an admin sees it (never its secret half).
#[derive(Clone, Debug)]
pub struct KeyRecord {
    /// The key id signed into tokens.
    pub id: KeyId,
    /// The Ed25519 public key.
    pub public_key: Vec<u8>,
    /// When it was made.
    pub created_at: Timestamp,
    /// When a rotation replaced it: from then on it no longer signs new tokens.
    pub replaced_at: Option<Timestamp>,
    /// When an admin retired it: from then on it verifies nothing.
    pub retired_at: Option<Timestamp>,
    /// Live (not deleted) action tokens whose QR it signs.
    pub tokens: u64,
}

/// id, public key, created, replaced, retired, live tokens.
type KeyRow = (i64, Vec<u8>, i64, Option<i64>, Option<i64>, i64);

const KEY_SELECT: &str = "SELECT k.id, k.public_key, k.created_at, k.replaced_at, k.retired_at,
    (SELECT COUNT(*) FROM action_tokens t WHERE t.key_id = k.id AND t.deleted_at IS NULL)
    FROM signing_keys k";

fn record_of_row(
    (id, public_key, created, replaced, retired, tokens): KeyRow,
) -> Result<KeyRecord> {
    Ok(KeyRecord {
        id: KeyId::from_i64(id)?,
        public_key,
        created_at: Timestamp::from_millis(created),
        replaced_at: replaced.map(Timestamp::from_millis),
        retired_at: retired.map(Timestamp::from_millis),
        tokens: u64::try_from(tokens)
            .map_err(|_| StoreError::damaged("action_tokens: a negative count"))?,
    })
}

/// Every key of the organisation, oldest first.
pub async fn list(conn: &mut Conn, org: OrgId) -> Result<Vec<KeyRecord>> {
    let rows: Vec<KeyRow> =
        sqlx::query_as(&format!("{KEY_SELECT} WHERE k.org_id = ? ORDER BY k.id"))
            .bind(org_key(org))
            .fetch_all(conn)
            .await?;
    rows.into_iter().map(record_of_row).collect()
}

/// A key of the organisation, if it has one with this id.
pub async fn get(conn: &mut Conn, org: OrgId, id: i64) -> Result<Option<KeyRecord>> {
    let row: Option<KeyRow> =
        sqlx::query_as(&format!("{KEY_SELECT} WHERE k.id = ? AND k.org_id = ?"))
            .bind(id)
            .bind(org_key(org))
            .fetch_optional(conn)
            .await?;
    row.map(record_of_row).transpose()
}

/// Retires a key: it leaves the verifying keys (see [`public_keys`]) and joins [`retired_ids`]. Its live tokens
/// move to the organisation's current key (they are signed anew when shown again), and the offline bundle is
/// marked as changed. Returns how many tokens moved, and the key they moved to.
pub async fn retire(
    conn: &mut Conn,
    org: OrgId,
    key: KeyId,
    now: Timestamp,
) -> Result<(u64, KeyId)> {
    let current = current_id(conn, org).await?;
    sqlx::query(
        "UPDATE signing_keys SET status = 'retired', retired_at = ? WHERE id = ? AND org_id = ?",
    )
    .bind(now.as_millis())
    .bind(i64::from(key.get()))
    .bind(org_key(org))
    .execute(&mut *conn)
    .await?;
    // Deleted tokens keep their key: they are never shown again, and their row records what signed them.
    let moved = sqlx::query(
        "UPDATE action_tokens SET key_id = ? WHERE key_id = ? AND org_id = ? AND deleted_at IS NULL",
    )
    .bind(i64::from(current.get()))
    .bind(i64::from(key.get()))
    .bind(org_key(org))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    super::orgs::bump_revision(conn, org).await?;
    Ok((moved, current))
}

/// The ids of the keys an admin retired.
pub async fn retired_ids(conn: &mut Conn, org: OrgId) -> Result<BTreeSet<KeyId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM signing_keys WHERE org_id = ? AND status = 'retired' ORDER BY id",
    )
    .bind(org_key(org))
    .fetch_all(conn)
    .await?;
    Ok(ids
        .into_iter()
        .map(KeyId::from_i64)
        .collect::<std::result::Result<_, _>>()?)
}
