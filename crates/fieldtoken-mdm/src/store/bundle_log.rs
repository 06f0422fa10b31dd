//! The offline bundle's change log: which tokens, devices, fleets and keys each revision of an organisation changed
//! (written by [`super::orgs::bump_revision`], the one place a revision rises), so a phone holding revision N is
//! sent only what changed since. The log says *that* an item changed; the answer reads its state now.
//!
//! It keeps the last [`KEPT_REVISIONS`] revisions of each organisation: every [`TRIM_EVERY`] revisions the older
//! rows go and `organisations.changes_from` moves up, so a phone that has not refreshed for that long gets the
//! full bundle.

use fieldtoken_core::{ActionTokenId, DeviceId, FleetId, KeyId, OrgId};

use super::{Conn, Result, StoreError, org_key};

/// How many revisions of changes an organisation keeps (at one revision per write, days of a busy organisation).
pub const KEPT_REVISIONS: i64 = 10_000;
/// How often (in revisions) the log is trimmed: rarely enough that writes do not pay a delete each time.
pub const TRIM_EVERY: i64 = 100;

/// One item a revision changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Changed {
    /// A token was created or deleted.
    Token(ActionTokenId),
    /// A device was registered, moved, enrolled, reset or retired.
    Device(DeviceId),
    /// A fleet was created, renamed or deleted.
    Fleet(FleetId),
    /// A signing key was created (rotation) or retired.
    Key(KeyId),
}

impl Changed {
    fn columns(self) -> (&'static str, i64) {
        match self {
            Changed::Token(id) => ("token", i64::from(id.get())),
            Changed::Device(id) => ("device", i64::from(id.get())),
            Changed::Fleet(id) => ("fleet", i64::from(id.get())),
            Changed::Key(id) => ("key", i64::from(id.get())),
        }
    }
}

/// The items changed after a revision, each once, in id order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangedItems {
    /// Tokens.
    pub tokens: Vec<ActionTokenId>,
    /// Devices.
    pub devices: Vec<DeviceId>,
    /// Fleets.
    pub fleets: Vec<FleetId>,
    /// Signing keys.
    pub keys: Vec<KeyId>,
}

/// Rows per insert: four parameters each, under SQLite's oldest parameter limit (999).
const ROWS: usize = 200;

/// Logs what `revision` (the organisation's new revision) changed, and trims the log every [`TRIM_EVERY`]
/// revisions.
pub(super) async fn record(
    conn: &mut Conn,
    org: OrgId,
    revision: i64,
    changed: &[Changed],
) -> Result<()> {
    for chunk in changed.chunks(ROWS) {
        let mut sql =
            String::from("INSERT INTO bundle_changes (org_id, revision, kind, item_id) VALUES ");
        sql.push_str(&vec!["(?, ?, ?, ?)"; chunk.len()].join(", "));
        let mut query = sqlx::query(&sql);
        for item in chunk {
            let (kind, id) = item.columns();
            query = query.bind(org_key(org)).bind(revision).bind(kind).bind(id);
        }
        query.execute(&mut *conn).await?;
    }
    if revision % TRIM_EVERY == 0 {
        trim(conn, org, revision - KEPT_REVISIONS).await?;
    }
    Ok(())
}

/// Forgets the organisation's changes up to and including revision `upto`: a phone holding `upto` or older then
/// gets the full bundle.
pub async fn trim(conn: &mut Conn, org: OrgId, upto: i64) -> Result<()> {
    sqlx::query("DELETE FROM bundle_changes WHERE org_id = ? AND revision <= ?")
        .bind(org_key(org))
        .bind(upto)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE organisations SET changes_from = ? WHERE id = ? AND changes_from < ?")
        .bind(upto)
        .bind(org_key(org))
        .bind(upto)
        .execute(conn)
        .await?;
    Ok(())
}

/// What changed after revision `since` up to `revision` (the organisation's current one, read in the same
/// transaction), or `None` when the log cannot say: `since` is older than the log keeps or newer than `revision`.
pub async fn since(
    conn: &mut Conn,
    org: OrgId,
    since: i64,
    revision: i64,
) -> Result<Option<ChangedItems>> {
    let from: i64 = sqlx::query_scalar("SELECT changes_from FROM organisations WHERE id = ?")
        .bind(org_key(org))
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::damaged(format!("organisation {org} is missing")))?;
    if since < from || since > revision {
        return Ok(None);
    }
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT DISTINCT kind, item_id FROM bundle_changes WHERE org_id = ? AND revision > ? ORDER BY kind, item_id",
    )
    .bind(org_key(org))
    .bind(since)
    .fetch_all(conn)
    .await?;
    let mut items = ChangedItems::default();
    for (kind, id) in rows {
        match kind.as_str() {
            "token" => items.tokens.push(ActionTokenId::from_i64(id)?),
            "device" => items.devices.push(DeviceId::from_i64(id)?),
            "fleet" => items.fleets.push(FleetId::from_i64(id)?),
            "key" => items.keys.push(KeyId::from_i64(id)?),
            other => {
                return Err(StoreError::damaged(format!(
                    "bundle_changes.kind '{other}'"
                )));
            }
        }
    }
    Ok(Some(items))
}
