//! The audit log: one row per change, written in the change's own transaction so the entry exists exactly when
//! the change does.

use fieldtoken_core::{OrgId, Timestamp};

use super::{Conn, Result, org_key};

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

/// Appends to the audit log.
pub async fn record(
    conn: &mut Conn,
    org: OrgId,
    actor: &Actor,
    action: &str,
    target: &str,
    detail: serde_json::Value,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (org_id, at, actor_id, actor, action, target, detail, remote) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(org_key(org))
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

/// One entry of the audit log as an admin reads it.
#[derive(Clone, Debug)]
pub struct Entry {
    /// When.
    pub at: Timestamp,
    /// Who, by name.
    pub actor: String,
    /// What kind of change (`action_token.create`, ...).
    pub action: String,
    /// What it changed (`action_token/3`, ...).
    pub target: String,
    /// The change's details, as JSON text.
    pub detail: String,
    /// The client's address, when known.
    pub remote: Option<String>,
}

/// The organisation's audit log, oldest first.
pub async fn entries(conn: &mut Conn, org: OrgId) -> Result<Vec<Entry>> {
    let rows: Vec<(i64, String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT at, actor, action, target, detail, remote FROM audit_log WHERE org_id = ? ORDER BY id",
    )
    .bind(org_key(org))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, actor, action, target, detail, remote)| Entry {
            at: Timestamp::from_millis(at),
            actor,
            action,
            target,
            detail,
            remote,
        })
        .collect())
}
