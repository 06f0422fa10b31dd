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

/// One change of [`record_all`]: its organisation, kind, target and details.
#[derive(Clone, Debug)]
pub struct Change {
    /// The organisation whose log it goes to.
    pub org: OrgId,
    /// What kind of change (`redemption.apply`, ...).
    pub action: &'static str,
    /// What it changed (`device/7`, ...).
    pub target: String,
    /// The change's details.
    pub detail: serde_json::Value,
}

/// Appends several changes by one actor at one moment, in order, with as few statements as it takes (a sync's
/// batch applies up to thousands of redemptions).
pub async fn record_all(
    conn: &mut Conn,
    actor: &Actor,
    changes: &[Change],
    now: Timestamp,
) -> Result<()> {
    type Row = (
        i64,
        i64,
        Option<i64>,
        String,
        &'static str,
        String,
        String,
        Option<String>,
    );
    let rows: Vec<Row> = changes
        .iter()
        .map(|change| {
            (
                org_key(change.org),
                now.as_millis(),
                actor.id,
                actor.name.clone(),
                change.action,
                change.target.clone(),
                change.detail.to_string(),
                actor.remote.clone(),
            )
        })
        .collect();
    super::insert_rows(
        conn,
        "INSERT INTO audit_log (org_id, at, actor_id, actor, action, target, detail, remote)",
        8,
        &rows,
        |statement, row| {
            statement
                .bind(row.0)
                .bind(row.1)
                .bind(row.2)
                .bind(row.3.clone())
                .bind(row.4)
                .bind(row.5.clone())
                .bind(row.6.clone())
                .bind(row.7.clone())
        },
    )
    .await
}

/// One entry of the audit log as an admin reads it.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Its row id (entries are numbered in the order they were written).
    pub id: i64,
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

/// Which entries to read: every field given must hold.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Only this actor (by name, exactly).
    pub actor: Option<String>,
    /// Only this kind of change: exactly (`action_token.create`), or every kind under a word without a dot
    /// (`action_token` finds `action_token.create` and `action_token.delete`).
    pub kind: Option<String>,
    /// At or after this time.
    pub from: Option<Timestamp>,
    /// Before this time.
    pub to: Option<Timestamp>,
}

/// Which way a page goes through the log, and from where (an entry's time and id, exclusive).
#[derive(Clone, Copy, Debug)]
pub enum Direction {
    /// Newest first (the page), after this entry.
    NewestFirst(Option<(i64, i64)>),
    /// Oldest first (the CSV export), after this entry.
    OldestFirst(Option<(i64, i64)>),
}

/// One page of `org`'s audit log: at most `limit` entries that pass `filter`, in time order (then id) as
/// `direction` says. Every filter is an index range (migration 0010), so a page costs the same at any size.
pub async fn page(
    conn: &mut Conn,
    org: OrgId,
    filter: &AuditFilter,
    direction: Direction,
    limit: u32,
) -> Result<Vec<Entry>> {
    let mut sql = String::from(
        "SELECT id, at, actor, action, target, detail, remote FROM audit_log WHERE org_id = ?",
    );
    let kind = filter.kind.as_deref().map(|kind| {
        if kind.contains('.') {
            (kind.to_owned(), None)
        } else {
            // Every kind under the word: `word.` up to (not including) `word/`, '/' being the character after '.'.
            (format!("{kind}."), Some(format!("{kind}/")))
        }
    });
    if filter.actor.is_some() {
        sql.push_str(" AND actor = ?");
    }
    match &kind {
        Some((_, None)) => sql.push_str(" AND action = ?"),
        Some((_, Some(_))) => sql.push_str(" AND action >= ? AND action < ?"),
        None => {}
    }
    if filter.from.is_some() {
        sql.push_str(" AND at >= ?");
    }
    if filter.to.is_some() {
        sql.push_str(" AND at < ?");
    }
    let after = match direction {
        Direction::NewestFirst(after) => {
            if after.is_some() {
                sql.push_str(" AND (at, id) < (?, ?)");
            }
            sql.push_str(" ORDER BY at DESC, id DESC");
            after
        }
        Direction::OldestFirst(after) => {
            if after.is_some() {
                sql.push_str(" AND (at, id) > (?, ?)");
            }
            sql.push_str(" ORDER BY at, id");
            after
        }
    };
    sql.push_str(" LIMIT ?");
    let mut query =
        sqlx::query_as::<_, (i64, i64, String, String, String, String, Option<String>)>(&sql)
            .bind(org_key(org));
    if let Some(actor) = &filter.actor {
        query = query.bind(actor);
    }
    if let Some((low, high)) = &kind {
        query = query.bind(low);
        if let Some(high) = high {
            query = query.bind(high);
        }
    }
    if let Some(from) = filter.from {
        query = query.bind(from.as_millis());
    }
    if let Some(to) = filter.to {
        query = query.bind(to.as_millis());
    }
    if let Some((at, id)) = after {
        query = query.bind(at).bind(id);
    }
    let rows = query.bind(i64::from(limit)).fetch_all(conn).await?;
    Ok(rows
        .into_iter()
        .map(|(id, at, actor, action, target, detail, remote)| Entry {
            id,
            at: Timestamp::from_millis(at),
            actor,
            action,
            target,
            detail,
            remote,
        })
        .collect())
}
