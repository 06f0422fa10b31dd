//! Organisations and their secrets: creating one (with its code-directory key and first signing key), opening the
//! sealed keys, the bundle revision, the audit log, and the demo organisation.

use fieldtoken_core::{
    Action, DirectoryKey, Expiry, FleetId, KeyId, KeyRing, OrgId, OrgPublicKey, OrgSigningKey,
    PermissionSet, Timestamp, TokenName,
};
use serde::Serialize;
use sqlx::SqliteConnection;

use crate::auth::{Principal, new_secret, permissions_text};
use crate::seal::MasterKey;
use crate::{ApiError, action_tokens};

/// Who did something, for the audit log.
#[derive(Clone, Debug)]
pub struct Actor {
    /// The API token, if any.
    pub id: Option<i64>,
    /// A name for people.
    pub name: String,
    /// The client's address.
    pub remote: Option<String>,
}

impl Actor {
    /// The server itself (CLI commands, demo seeding).
    pub fn system(what: &str) -> Actor {
        Actor {
            id: None,
            name: what.to_owned(),
            remote: None,
        }
    }
}

impl From<&Principal> for Actor {
    fn from(p: &Principal) -> Actor {
        Actor {
            id: Some(p.token_id),
            name: p.name.clone(),
            remote: p.remote.clone(),
        }
    }
}

/// Appends to the audit log (inside the caller's transaction, so the entry exists exactly when the change does).
pub async fn audit(
    conn: &mut SqliteConnection,
    org: OrgId,
    actor: &Actor,
    action: &str,
    target: &str,
    detail: serde_json::Value,
    now: Timestamp,
) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO audit_log (org_id, at, actor_id, actor, action, target, detail, remote) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(i64::from(org.get()))
    .bind(now.as_millis())
    .bind(actor.id)
    .bind(&actor.name)
    .bind(action)
    .bind(target)
    .bind(detail.to_string())
    .bind(&actor.remote)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks the organisation's offline bundle as changed.
pub async fn bump_revision(conn: &mut SqliteConnection, org: OrgId) -> Result<(), ApiError> {
    sqlx::query("UPDATE organisations SET revision = revision + 1 WHERE id = ?")
        .bind(i64::from(org.get()))
        .execute(conn)
        .await?;
    Ok(())
}

fn directory_label(org: OrgId) -> String {
    format!("fieldtoken/directory-key/{org}")
}

fn seed_label(org: OrgId, key: KeyId) -> String {
    format!("fieldtoken/signing-key/{org}/{key}")
}

/// Creates an organisation with its directory key and an active signing key. Fails with 409 if the name is taken.
pub async fn create_org(
    conn: &mut SqliteConnection,
    master: &MasterKey,
    name: &str,
    now: Timestamp,
) -> Result<OrgId, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            "bad_name",
            "an organisation name has 1 to 100 characters",
        ));
    }
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE name = ?")
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    if taken.is_some() {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "org_exists",
            format!("an organisation named '{name}' already exists"),
        ));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO organisations (name, sealed_directory_key, created_at) VALUES (?, x'', ?) RETURNING id",
    )
    .bind(name)
    .bind(now.as_millis())
    .fetch_one(&mut *conn)
    .await?;
    let org = OrgId::from_i64(id)?;
    let key = DirectoryKey::generate(&mut rand::rng());
    sqlx::query("UPDATE organisations SET sealed_directory_key = ? WHERE id = ?")
        .bind(master.seal(&directory_label(org), &key.to_bytes()))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    new_signing_key(conn, master, org, now).await?;
    Ok(org)
}

/// Adds a new current signing key (key rotation): the one before stops signing but keeps verifying what it signed,
/// until it is retired (see `signing_keys`). Returns the new key id.
pub async fn new_signing_key(
    conn: &mut SqliteConnection,
    master: &MasterKey,
    org: OrgId,
    now: Timestamp,
) -> Result<KeyId, ApiError> {
    sqlx::query("UPDATE signing_keys SET replaced_at = ? WHERE org_id = ? AND replaced_at IS NULL")
        .bind(now.as_millis())
        .bind(i64::from(org.get()))
        .execute(&mut *conn)
        .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO signing_keys (org_id, public_key, sealed_seed, status, created_at) VALUES (?, zeroblob(32), x'', 'active', ?) RETURNING id",
    )
    .bind(i64::from(org.get()))
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
    bump_revision(conn, org).await?;
    Ok(key_id)
}

/// The organisation's current signing key id: the one that signs new tokens.
pub async fn active_key_id(conn: &mut SqliteConnection, org: OrgId) -> Result<KeyId, ApiError> {
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM signing_keys WHERE org_id = ? AND replaced_at IS NULL")
            .bind(i64::from(org.get()))
            .fetch_one(conn)
            .await?;
    Ok(KeyId::from_i64(id)?)
}

/// Opens a signing key of the organisation.
pub async fn signing_key(
    conn: &mut SqliteConnection,
    master: &MasterKey,
    org: OrgId,
    key_id: KeyId,
) -> Result<OrgSigningKey, ApiError> {
    let sealed: Vec<u8> =
        sqlx::query_scalar("SELECT sealed_seed FROM signing_keys WHERE id = ? AND org_id = ?")
            .bind(i64::from(key_id.get()))
            .bind(i64::from(org.get()))
            .fetch_one(conn)
            .await?;
    let seed = master.open_array::<32>(&seed_label(org, key_id), &sealed)?;
    Ok(OrgSigningKey::from_seed(key_id, org, seed))
}

/// Opens the organisation's code-directory key.
pub async fn directory_key(
    conn: &mut SqliteConnection,
    master: &MasterKey,
    org: OrgId,
) -> Result<DirectoryKey, ApiError> {
    let sealed: Vec<u8> =
        sqlx::query_scalar("SELECT sealed_directory_key FROM organisations WHERE id = ?")
            .bind(i64::from(org.get()))
            .fetch_one(conn)
            .await?;
    Ok(DirectoryKey::from_bytes(
        master.open_array::<32>(&directory_label(org), &sealed)?,
    ))
}

/// The public keys that verify an organisation's tokens: the current key and the previous ones, not the retired
/// (a token signed with a retired key is `unknown_key` to the core, which rejects it as `bad_signature` at sync).
pub async fn public_keys(
    conn: &mut SqliteConnection,
    org: OrgId,
    ring: &mut KeyRing,
) -> Result<(), ApiError> {
    let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(
        "SELECT id, public_key FROM signing_keys WHERE org_id = ? AND status = 'active' ORDER BY id",
    )
            .bind(i64::from(org.get()))
            .fetch_all(conn)
            .await?;
    for (id, bytes) in rows {
        let bytes = <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
            ApiError::bad_request("bad_format", "a stored public key has the wrong size")
        })?;
        ring.insert(OrgPublicKey::from_bytes(KeyId::from_i64(id)?, org, bytes)?);
    }
    Ok(())
}

/// Creates an API token; returns its id and the secret (shown once).
pub async fn create_api_token(
    conn: &mut SqliteConnection,
    org: OrgId,
    name: &str,
    permissions: PermissionSet,
    created_by: Option<i64>,
    now: Timestamp,
) -> Result<(i64, String), ApiError> {
    let (secret, hash) = new_secret();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (org_id, name, secret_hash, permissions, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(i64::from(org.get()))
    .bind(name)
    .bind(hash)
    .bind(permissions_text(permissions))
    .bind(created_by)
    .bind(now.as_millis())
    .fetch_one(conn)
    .await?;
    Ok((id, secret))
}

/// What `seed-demo` prints.
#[derive(Serialize, Debug)]
pub struct DemoCredentials {
    /// The organisation.
    pub org: DemoOrg,
    /// A bearer secret holding every permission of that organisation.
    pub admin_token: String,
}

/// The demo organisation's id and name.
#[derive(Serialize, Debug)]
pub struct DemoOrg {
    /// Its id.
    pub id: u32,
    /// Its name.
    pub name: String,
}

/// Creates an organisation with fleets, enrolled devices, two action tokens and an admin API token, in one
/// transaction.
pub async fn seed_demo(
    pool: &sqlx::SqlitePool,
    master: &MasterKey,
    name: &str,
    now: Timestamp,
) -> Result<DemoCredentials, ApiError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let org = create_org(&mut tx, master, name, now).await?;
    let org_id = i64::from(org.get());
    let mut fleets = Vec::new();
    for fleet in ["Warehouse", "Field team North", "Field team South"] {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO fleets (org_id, name, created_at) VALUES (?, ?, ?) RETURNING id",
        )
        .bind(org_id)
        .bind(fleet)
        .bind(now.as_millis())
        .fetch_one(&mut *tx)
        .await?;
        fleets.push(id);
    }
    for n in 1..=8_i64 {
        let (state, fleet) = match n {
            7 => ("in_repair", None),
            8 => ("in_stock", None),
            _ => ("in_fleet", Some(fleets[(n as usize - 1) % fleets.len()])),
        };
        let mut certificate = [0u8; 32];
        rand::fill(&mut certificate);
        sqlx::query(
            "INSERT INTO devices (org_id, serial, state, fleet_id, certificate, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(org_id)
        .bind(format!("FT-{org_id:03}-{n:04}"))
        .bind(state)
        .bind(fleet)
        .bind(certificate.to_vec())
        .bind(now.as_millis())
        .execute(&mut *tx)
        .await?;
    }
    let actor = Actor::system("seed-demo");
    let (admin_id, admin_token) = create_api_token(
        &mut tx,
        org,
        "Demo administrator",
        PermissionSet::all(),
        None,
        now,
    )
    .await?;
    let in_30_days = Expiry::from_millis(now.as_millis() + 30 * 86_400_000)?;
    let north = FleetId::from_i64(fleets[1])?;
    for (token_name, action) in [
        ("Move to Field team North", Action::PutInFleet(north)),
        ("Send to repair", Action::PutInRepair),
    ] {
        action_tokens::insert_token(
            &mut tx,
            master,
            org,
            TokenName::new(token_name)?,
            action,
            in_30_days,
            Some(admin_id),
            now,
        )
        .await?;
    }
    audit(
        &mut tx,
        org,
        &actor,
        "org.create",
        &format!("org/{org}"),
        serde_json::json!({ "name": name }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(DemoCredentials {
        org: DemoOrg {
            id: org.get(),
            name: name.trim().to_owned(),
        },
        admin_token,
    })
}
