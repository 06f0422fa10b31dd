//! Organisations' signing keys: the current key signs new tokens, previous keys keep verifying until retired.
//! Seeds are stored sealed with the master key.

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
        "INSERT INTO signing_keys (org_id, public_key, sealed_seed, status, created_at) VALUES (?, zeroblob(32), x'', 'active', ?) RETURNING id",
    )
    .bind(org_key(org))
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
