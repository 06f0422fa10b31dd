//! Action tokens: inserting, listing, reading and deleting them, and finding them by id or by code for a sync.
//!
//! A token's code is stored twice, never in clear: sealed with the master key (so its QR can be shown again) and as
//! a keyed hash (`code_lookup`, so a typed code is found without opening every row). Deleting a token keeps its
//! row with `deleted_at`: offline bundles list it as deleted, and redemptions and the audit log still name it.

use fieldtoken_core::{
    Action, ActionToken, ActionTokenId, Expiry, FleetId, KeyId, OrgId, Timestamp, TokenCode,
    TokenName,
};

use super::{Conn, Engine, Result, StoreError, contains_pattern, fetch_in, org_key};
use crate::seal::MasterKey;

fn code_label(org: OrgId, id: ActionTokenId) -> String {
    format!("fieldtoken/token-code/{org}/{id}")
}

/// A stored token with what the store knows beside the core's token.
#[derive(Clone, Debug)]
pub struct TokenRecord {
    /// The token, its code unsealed.
    pub token: ActionToken,
    /// The key that signs its QR (the current key when it was made, or the one it moved to on a retirement).
    pub key_id: KeyId,
    /// When it was made.
    pub created_at: Timestamp,
    /// Whether it was deleted.
    pub deleted: bool,
}

/// What a new token is made of; the core has checked each part.
#[derive(Clone, Debug)]
pub struct NewToken {
    /// Its name.
    pub name: TokenName,
    /// What it does.
    pub action: Action,
    /// When it stops working.
    pub expires_at: Expiry,
    /// Its code, fresh from the core's generator.
    pub code: TokenCode,
    /// The API token that made it, if any.
    pub created_by: Option<i64>,
}

type TokenRow = (
    i64,
    i64,
    String,
    String,
    Option<i64>,
    i64,
    i64,
    Vec<u8>,
    i64,
    Option<i64>,
);

const COLUMNS: &str =
    "id, org_id, name, action, fleet_id, expires_at_s, key_id, sealed_code, created_at, deleted_at";

fn record_of_row(master: &MasterKey, row: TokenRow) -> Result<TokenRecord> {
    let (id, org, name, action, fleet, expires, key_id, sealed, created, deleted) = row;
    let id = ActionTokenId::from_i64(id)?;
    let org = OrgId::from_i64(org)?;
    let fleet = fleet.map(FleetId::from_i64).transpose()?;
    let code = master.open_array::<10>(&code_label(org, id), &sealed)?;
    let expires = u32::try_from(expires)
        .map(Expiry::from_seconds)
        .map_err(|_| StoreError::damaged("action_tokens.expires_at_s is out of range"))?;
    let token = ActionToken::new(
        id,
        org,
        TokenName::new(&name)?,
        Action::from_parts(&action, fleet)?,
        expires,
        TokenCode::from_bytes(code),
    );
    Ok(TokenRecord {
        token,
        key_id: KeyId::from_i64(key_id)?,
        created_at: Timestamp::from_millis(created),
        deleted: deleted.is_some(),
    })
}

/// Whether the organisation has this fleet (a `put_in_fleet` token must name one of its own).
pub async fn fleet_exists(conn: &mut Conn, org: OrgId, fleet: FleetId) -> Result<bool> {
    let known: Option<i64> =
        sqlx::query_scalar("SELECT id FROM fleets WHERE id = ? AND org_id = ?")
            .bind(i64::from(fleet.get()))
            .bind(org_key(org))
            .fetch_optional(conn)
            .await?;
    Ok(known.is_some())
}

/// Stores a new token of the organisation, signed by its current key, and marks the offline bundle as changed.
/// Returns the new id; the caller lets the core accept the token with it before committing.
pub async fn insert(
    conn: &mut Conn,
    master: &MasterKey,
    org: OrgId,
    new: &NewToken,
    now: Timestamp,
) -> Result<ActionTokenId> {
    let key_id = super::signing_keys::current_id(conn, org).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO action_tokens (org_id, name, action, fleet_id, expires_at_s, key_id, sealed_code, code_lookup, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(org_key(org))
    .bind(new.name.as_str())
    .bind(new.action.type_name())
    .bind(new.action.fleet().map(|f| i64::from(f.get())))
    .bind(i64::from(new.expires_at.as_seconds()))
    .bind(i64::from(key_id.get()))
    // Sealed below, once the row's id (part of the seal's label) is known.
    .bind(Vec::<u8>::new())
    .bind(master.code_lookup(&new.code.to_bytes()))
    .bind(new.created_by)
    .bind(now.as_millis())
    .fetch_one(&mut *conn)
    .await?;
    let id = ActionTokenId::from_i64(id)?;
    // The label names the row, so a sealed code copied to another row does not open.
    sqlx::query("UPDATE action_tokens SET sealed_code = ? WHERE id = ?")
        .bind(master.seal(&code_label(org, id), &new.code.to_bytes()))
        .bind(i64::from(id.get()))
        .execute(&mut *conn)
        .await?;
    super::orgs::bump_revision(conn, org).await?;
    Ok(id)
}

/// Which live tokens a list shows.
#[derive(Clone, Debug, Default)]
pub struct ListFilter<'a> {
    /// Only tokens whose name holds this text (case-insensitive for ASCII).
    pub name_contains: Option<&'a str>,
    /// Only tokens older than this one (the paging cursor).
    pub before: Option<i64>,
    /// Only these tokens (a print sheet of chosen ones).
    pub ids: Option<&'a [i64]>,
    /// At most this many.
    pub limit: u32,
}

/// The organisation's live tokens, newest first.
pub async fn list(
    conn: &mut Conn,
    master: &MasterKey,
    org: OrgId,
    filter: &ListFilter<'_>,
) -> Result<Vec<TokenRecord>> {
    let pattern = filter.name_contains.map(contains_pattern);
    // The chosen ids as one JSON array, read by the engine's JSON functions, so any number of them is one bound parameter; the
    // primary key answers each.
    let ids = filter.ids.map(|ids| {
        let listed: Vec<String> = ids.iter().map(i64::to_string).collect();
        format!("[{}]", listed.join(","))
    });
    // A text of three characters or more is looked up in the trigram index (migration 0011) as one phrase, which
    // finds exactly the names holding it; the clause is written into the statement only then, so that the engine
    // starts from the index's few rows rather than walking every token. `LIKE` stays as the rule of what matches.
    // SQLite's index is an FTS5 table asked by MATCH; PostgreSQL's is a trigram index on the name that serves
    // ILIKE itself, so there the pattern is repeated outside the `IS NULL OR` that would hide it from the planner.
    let engine = conn.engine();
    let long = filter
        .name_contains
        .filter(|text| text.chars().count() >= 3);
    let phrase = match engine {
        Engine::Sqlite => long.map(|text| format!("\"{}\"", text.replace('"', "\"\""))),
        Engine::Postgres => None,
    };
    let indexed = match (engine, long.is_some()) {
        (Engine::Sqlite, true) => {
            "AND id IN (SELECT rowid FROM action_token_names WHERE action_token_names MATCH ?6)"
        }
        (Engine::Postgres, true) => "AND name ILIKE ?2 ESCAPE '\\' AND ?6 IS NULL",
        (_, false) => "AND ?6 IS NULL",
    };
    let listed = match engine {
        Engine::Sqlite => "SELECT value FROM json_each(?5)",
        Engine::Postgres => {
            "SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST(?5 AS json))"
        }
    };
    let rows: Vec<TokenRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM action_tokens
         WHERE org_id = ?1 AND deleted_at IS NULL AND (?2 IS NULL OR name {like} ?2 ESCAPE '\\') AND (?3 IS NULL OR id < ?3)
           AND (?5 IS NULL OR id IN ({listed})) {indexed}
         ORDER BY id DESC LIMIT ?4",
        like = engine.like()
    ))
    .bind(org_key(org))
    .bind(pattern)
    .bind(filter.before)
    .bind(i64::from(filter.limit))
    .bind(ids)
    .bind(phrase)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|row| record_of_row(master, row))
        .collect()
}

/// A live token of the organisation, if there is one with this id.
pub async fn get_live(
    conn: &mut Conn,
    master: &MasterKey,
    org: OrgId,
    id: i64,
) -> Result<Option<TokenRecord>> {
    let row: Option<TokenRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM action_tokens WHERE id = ? AND org_id = ? AND deleted_at IS NULL"
    ))
    .bind(id)
    .bind(org_key(org))
    .fetch_optional(conn)
    .await?;
    row.map(|row| record_of_row(master, row)).transpose()
}

/// Deletes a live token of the organisation and marks the offline bundle as changed; `false` when there is no
/// such live token.
pub async fn delete(conn: &mut Conn, org: OrgId, id: i64, now: Timestamp) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE action_tokens SET deleted_at = ? WHERE id = ? AND org_id = ? AND deleted_at IS NULL",
    )
    .bind(now.as_millis())
    .bind(id)
    .bind(org_key(org))
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    super::orgs::bump_revision(conn, org).await?;
    Ok(true)
}

/// Every token of the organisation, deleted ones included, oldest first (the offline bundle's tokens). Deleted
/// tokens come as ids only: their codes are never opened again.
pub async fn all_of_org(
    conn: &mut Conn,
    master: &MasterKey,
    org: OrgId,
) -> Result<(Vec<ActionToken>, Vec<ActionTokenId>)> {
    let rows: Vec<TokenRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM action_tokens WHERE org_id = ? ORDER BY id"
    ))
    .bind(org_key(org))
    .fetch_all(conn)
    .await?;
    let (mut live, mut deleted) = (Vec::new(), Vec::new());
    for row in rows {
        if row.9.is_some() {
            deleted.push(ActionTokenId::from_i64(row.0)?);
        } else {
            live.push(record_of_row(master, row)?.token);
        }
    }
    Ok((live, deleted))
}

/// Tokens of any organisation, deleted ones included, named by id (signed QR codes) or by code (typed codes and
/// old-format QR codes, found by keyed hash): what a sync batch names.
pub async fn find(
    conn: &mut Conn,
    master: &MasterKey,
    ids: impl IntoIterator<Item = ActionTokenId>,
    codes: impl IntoIterator<Item = TokenCode>,
) -> Result<Vec<TokenRecord>> {
    let ids: Vec<i64> = ids.into_iter().map(|id| i64::from(id.get())).collect();
    let lookups: Vec<Vec<u8>> = codes
        .into_iter()
        .map(|code| master.code_lookup(&code.to_bytes()))
        .collect();
    let mut rows: Vec<TokenRow> = fetch_in(
        conn,
        &format!("SELECT {COLUMNS} FROM action_tokens WHERE id"),
        &ids,
    )
    .await?;
    rows.extend(
        fetch_in::<TokenRow, _>(
            conn,
            &format!("SELECT {COLUMNS} FROM action_tokens WHERE code_lookup"),
            &lookups,
        )
        .await?,
    );
    rows.into_iter()
        .map(|row| record_of_row(master, row))
        .collect()
}
