//! The demo organisation (`seed-demo`, and a first start with `--demo`): an organisation with fleets, enrolled
//! devices, two action tokens and an admin API token, created in one transaction through the store; and
//! [`create_org`], the one way an organisation comes to be.

use fieldtoken_api::ServerCode;
use fieldtoken_core::{
    Action, Certificate, DeviceState, ErrorKind, Expiry, OrgId, PermissionSet, Timestamp, TokenName,
};
use serde::Serialize;

use crate::http::error::ApiError;
use crate::seal::MasterKey;
use crate::store;
use crate::store::Conn;
use crate::store::action_tokens::NewToken;
use crate::store::audit::Actor;

/// Creates an organisation with its directory key and an active signing key. Fails with 409 if the name is taken.
pub async fn create_org(
    conn: &mut Conn,
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
    let mut fleets = Vec::new();
    for fleet in ["Warehouse", "Field team North", "Field team South"] {
        fleets.push(store::fleets::insert(&mut tx, org, fleet, now).await?);
    }
    for n in 1..=8_usize {
        let state = match n {
            7 => DeviceState::InRepair,
            8 => DeviceState::InStock,
            _ => DeviceState::InFleet(fleets[(n - 1) % fleets.len()]),
        };
        // A random public key stands in for one a phone enrolled: demo devices need not sign anything.
        let mut certificate = [0u8; 32];
        rand::fill(&mut certificate);
        store::devices::insert(
            &mut tx,
            org,
            &format!("FT-{:03}-{n:04}", org.get()),
            state,
            Some(Certificate::from_bytes(certificate)),
            now,
        )
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
    let north = fleets[1];
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

/// Creates an empty organisation (`fieldtoken-mdm org create`): its keys and a first admin API token holding every
/// permission, nothing else; the admin pages take it from there. Prints like `seed-demo`.
pub async fn create_empty(
    store: &crate::Store,
    master: &MasterKey,
    name: &str,
    now: Timestamp,
) -> Result<DemoCredentials, ApiError> {
    let mut tx = store.write().await?;
    let org = create_org(&mut tx, master, name, now).await?;
    let (_, admin_token) = store::api_tokens::create(
        &mut tx,
        org,
        "First administrator",
        PermissionSet::all(),
        None,
        now,
    )
    .await?;
    store::audit::record(
        &mut tx,
        org,
        &Actor::system("org create"),
        "org.create",
        &format!("org/{org}"),
        serde_json::json!({ "name": name.trim() }),
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
