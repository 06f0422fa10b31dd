//! Organisations and their secrets: creating one (with its code-directory key and first signing key), opening the
//! sealed keys, the bundle revision, the audit log, and the demo organisation.

use fieldtoken_api::ServerCode;
use fieldtoken_core::{
    Action, ErrorKind, Expiry, FleetId, OrgId, PermissionSet, Timestamp, TokenName,
};
use serde::Serialize;
use sqlx::SqliteConnection;

use crate::seal::MasterKey;
use crate::store::action_tokens::NewToken;
use crate::store::audit::Actor;
use crate::{ApiError, store};

/// Creates an organisation with its directory key and an active signing key. Fails with 409 if the name is taken.
pub async fn create_org(
    conn: &mut SqliteConnection,
    master: &MasterKey,
    name: &str,
    now: Timestamp,
) -> Result<OrgId, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::core(
            ErrorKind::BadName,
            "an organisation name has 1 to 100 characters",
        ));
    }
    if store::orgs::exists(conn, name).await? {
        return Err(ApiError::server(
            ServerCode::OrgExists,
            format!("an organisation named '{name}' already exists"),
        ));
    }
    let org = store::orgs::insert(conn, master, name, now).await?;
    store::signing_keys::create(conn, master, org, now).await?;
    Ok(org)
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
    store: &crate::Store,
    master: &MasterKey,
    name: &str,
    now: Timestamp,
) -> Result<DemoCredentials, ApiError> {
    let mut tx = store.write().await?;
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
    let (admin_id, admin_token) = store::api_tokens::create(
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
        let token = NewToken {
            name: TokenName::new(token_name)?,
            action,
            expires_at: in_30_days,
            code: fieldtoken_core::TokenCode::generate(&mut rand::rng()),
            created_by: Some(admin_id),
        };
        store::action_tokens::insert(&mut tx, master, org, &token, now).await?;
    }
    store::audit::record(
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
