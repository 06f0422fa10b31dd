//! Access tokens (seed 002): the core's `AccessToken` in rows, its codes sealed with the master key, its pass code
//! as an Argon2id hash beside it. Deleted tokens stay, marked, so redemptions and the audit log still name their
//! operator; their number is never given again.
//!
//! The store keeps its own part of the rules: identifiers and authentication codes are unique among an
//! organisation's live tokens ([`taken`]), and a token that is not 'Effective' has no live operator session
//! ([`update`] revokes them).

use fieldtoken_core::access::{
    AccessToken, AccessTokenNumber, AccessTokenRecord, AccountsReceivableId, ClassificationId,
    LifeCycleState, RewardsParticipantId,
};
use fieldtoken_core::{OrgId, Timestamp};

use super::{Conn, Result, StoreError, contains_pattern, org_key};
use crate::seal::MasterKey;

fn authentication_code_label(org: OrgId, number: AccessTokenNumber) -> String {
    format!("fieldtoken/access-token/authentication-code/{org}/{number}")
}

fn verification_label(org: OrgId, number: AccessTokenNumber) -> String {
    format!("fieldtoken/access-token/verification-code/{org}/{number}")
}

/// The keyed hash an authentication code is found by (sign-in, uniqueness), the same in every organisation so that
/// a sign-in without an organisation finds it.
fn authentication_code_lookup(master: &MasterKey, code: &str) -> Vec<u8> {
    master.code_lookup(format!("fieldtoken/access-token/authentication-code\n{code}").as_bytes())
}

/// A stored token: the core's token and what only the server keeps beside it.
#[derive(Debug)]
pub struct Stored {
    /// The row's id (sessions name it).
    pub row: i64,
    /// Its organisation.
    pub org: OrgId,
    /// The core's token.
    pub token: AccessToken,
    /// The pass code's Argon2id PHC string, when it has one.
    pub pass_code_hash: Option<String>,
    /// Wrong verification codes since the last reset.
    pub verify_failures: u32,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    org_id: i64,
    number: i64,
    sealed_authentication_code: Vec<u8>,
    identifier: Option<String>,
    pass_code_hash: Option<String>,
    state: String,
    accounts_receivable_id: Option<i64>,
    rewards_participant_id: Option<i64>,
    classification_id: Option<i64>,
    created_at: i64,
    created_by: String,
    updated_at: i64,
    updated_by: String,
    sealed_verification_code: Option<Vec<u8>>,
    verified_on: Option<i64>,
    verified_by: Option<String>,
    verify_failures: i64,
}

const COLUMNS: &str = "id, org_id, number, sealed_authentication_code, identifier, pass_code_hash, state, \
     accounts_receivable_id, rewards_participant_id, classification_id, created_at, created_by, updated_at, \
     updated_by, sealed_verification_code, verified_on, verified_by, verify_failures";

/// The one conversion from a row: codes unsealed, the record checked by the core.
fn stored(master: &MasterKey, row: Row) -> Result<Stored> {
    let org = OrgId::from_i64(row.org_id)?;
    let number = AccessTokenNumber::from_i64(row.number)?;
    let text = |bytes: Vec<u8>, what: &str| {
        String::from_utf8(bytes)
            .map_err(|_| StoreError::damaged(format!("access_tokens.{what} is not text")))
    };
    let authentication_code = text(
        master.open(
            &authentication_code_label(org, number),
            &row.sealed_authentication_code,
        )?,
        "sealed_authentication_code",
    )?;
    let verification_code = match &row.sealed_verification_code {
        Some(sealed) => Some(text(
            master.open(&verification_label(org, number), sealed)?,
            "sealed_verification_code",
        )?),
        None => None,
    };
    let record = AccessTokenRecord {
        number,
        authentication_code,
        identifier: row.identifier,
        has_pass_code: row.pass_code_hash.is_some(),
        state: LifeCycleState::parse(&row.state)?,
        accounts_receivable: row
            .accounts_receivable_id
            .map(AccountsReceivableId::from_i64)
            .transpose()?,
        rewards_participant: row
            .rewards_participant_id
            .map(RewardsParticipantId::from_i64)
            .transpose()?,
        classification: row
            .classification_id
            .map(ClassificationId::from_i64)
            .transpose()?,
        created_at: Timestamp::from_millis(row.created_at),
        created_by: row.created_by,
        updated_at: Timestamp::from_millis(row.updated_at),
        updated_by: row.updated_by,
        verification_code,
        verified_on: row.verified_on.map(Timestamp::from_millis),
        verified_by: row.verified_by,
    };
    Ok(Stored {
        row: row.id,
        org,
        token: AccessToken::from_record(record)?,
        pass_code_hash: row.pass_code_hash,
        verify_failures: u32::try_from(row.verify_failures)
            .map_err(|_| StoreError::damaged("access_tokens.verify_failures is negative"))?,
    })
}

fn all_stored(master: &MasterKey, rows: Vec<Row>) -> Result<Vec<Stored>> {
    rows.into_iter().map(|row| stored(master, row)).collect()
}

/// The organisation's live (not deleted) token with this number.
pub async fn find(
    conn: &mut Conn,
    master: &MasterKey,
    org: OrgId,
    number: AccessTokenNumber,
) -> Result<Option<Stored>> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM access_tokens WHERE org_id = ? AND number = ? AND deleted_at IS NULL"
    ))
    .bind(org_key(org))
    .bind(i64::from(number.get()))
    .fetch_optional(conn)
    .await?;
    row.map(|row| stored(master, row)).transpose()
}

/// Which live tokens a list shows.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Only this state.
    pub state: Option<LifeCycleState>,
    /// Only identifiers containing this text.
    pub identifier_contains: Option<String>,
    /// Only numbers below this one (the cursor of the page before).
    pub below: Option<i64>,
}

/// Up to `limit` of the organisation's live tokens that pass `filter`, newest (highest number) first.
pub async fn list(
    conn: &mut Conn,
    master: &MasterKey,
    org: OrgId,
    filter: &Filter,
    limit: u32,
) -> Result<Vec<AccessToken>> {
    let pattern = filter.identifier_contains.as_deref().map(contains_pattern);
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM access_tokens
         WHERE org_id = ?1 AND deleted_at IS NULL AND (?2 IS NULL OR state = ?2)
           AND (?3 IS NULL OR identifier {like} ?3 ESCAPE '\\') AND (?4 IS NULL OR number < ?4)
         ORDER BY number DESC LIMIT ?5",
        like = conn.engine().like()
    ))
    .bind(org_key(org))
    .bind(filter.state.map(LifeCycleState::as_str))
    .bind(pattern)
    .bind(filter.below)
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?;
    Ok(all_stored(master, rows)?
        .into_iter()
        .map(|s| s.token)
        .collect())
}

/// The organisation's live tokens linked to this accounts receivable, by number.
pub async fn of_accounts_receivable(
    conn: &mut Conn,
    master: &MasterKey,
    org: OrgId,
    account: AccountsReceivableId,
) -> Result<Vec<Stored>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM access_tokens WHERE org_id = ? AND accounts_receivable_id = ? AND deleted_at IS NULL
         ORDER BY number"
    ))
    .bind(org_key(org))
    .bind(i64::from(account.get()))
    .fetch_all(conn)
    .await?;
    all_stored(master, rows)
}

/// What an operator signs in with.
#[derive(Clone, Copy, Debug)]
pub enum Credential<'a> {
    /// An identifier (with its pass code, checked against the hash by the caller).
    Identifier(&'a str),
    /// An authentication code alone.
    AuthenticationCode(&'a str),
}

/// Live tokens with this identifier or authentication code, in organisation `org` or in every organisation, by
/// organisation (operator sign-in).
pub async fn with_credential(
    conn: &mut Conn,
    master: &MasterKey,
    credential: Credential<'_>,
    org: Option<u32>,
) -> Result<Vec<Stored>> {
    let column = match credential {
        Credential::Identifier(_) => "identifier",
        Credential::AuthenticationCode(_) => "authentication_code_lookup",
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM access_tokens
         WHERE {column} = ? AND deleted_at IS NULL AND (? IS NULL OR org_id = ?) ORDER BY org_id"
    );
    let query = sqlx::query_as(&sql);
    let query = match credential {
        Credential::Identifier(identifier) => query.bind(identifier),
        Credential::AuthenticationCode(code) => {
            query.bind(authentication_code_lookup(master, code))
        }
    };
    let scope = org.map(i64::from);
    let rows: Vec<Row> = query.bind(scope).bind(scope).fetch_all(conn).await?;
    all_stored(master, rows)
}

/// Whether the token of this row is still live and 'Effective' (checked again inside a sign-in's write).
pub async fn is_effective(conn: &mut Conn, row: i64) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM access_tokens WHERE id = ? AND state = 'effective' AND deleted_at IS NULL",
    )
    .bind(row)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// The number the organisation's next token gets: never one given before, even to a deleted token.
pub async fn next_number(conn: &mut Conn, org: OrgId) -> Result<AccessTokenNumber> {
    let next: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM access_tokens WHERE org_id = ?",
    )
    .bind(org_key(org))
    .fetch_one(conn)
    .await?;
    Ok(AccessTokenNumber::from_i64(next)?)
}

/// A unique value another live token of the organisation already has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Taken {
    /// The identifier.
    Identifier,
    /// The authentication code.
    AuthenticationCode,
}

/// Which of the token's unique values another live token of the organisation has, if any. `row` is the token's
/// own row, when it is stored already.
pub async fn taken(
    conn: &mut Conn,
    master: &MasterKey,
    org: OrgId,
    row: Option<i64>,
    token: &AccessToken,
) -> Result<Option<Taken>> {
    if let Some(identifier) = token.identifier() {
        let other: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM access_tokens WHERE org_id = ? AND identifier = ? AND deleted_at IS NULL AND id IS DISTINCT FROM ?",
        )
        .bind(org_key(org))
        .bind(identifier.as_str())
        .bind(row)
        .fetch_optional(&mut *conn)
        .await?;
        if other.is_some() {
            return Ok(Some(Taken::Identifier));
        }
    }
    let other: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM access_tokens WHERE org_id = ? AND authentication_code_lookup = ? AND deleted_at IS NULL AND id IS DISTINCT FROM ?",
    )
    .bind(org_key(org))
    .bind(authentication_code_lookup(
        master,
        token.authentication_code().as_str(),
    ))
    .bind(row)
    .fetch_optional(conn)
    .await?;
    Ok(other.map(|_| Taken::AuthenticationCode))
}

/// A record's codes as the row keeps them: sealed, and the authentication code's look-up hash.
struct SealedCodes {
    authentication_code: Vec<u8>,
    authentication_code_lookup: Vec<u8>,
    verification_code: Option<Vec<u8>>,
}

impl SealedCodes {
    fn of(master: &MasterKey, org: OrgId, record: &AccessTokenRecord) -> SealedCodes {
        let number = record.number;
        SealedCodes {
            authentication_code: master.seal(
                &authentication_code_label(org, number),
                record.authentication_code.as_bytes(),
            ),
            authentication_code_lookup: authentication_code_lookup(
                master,
                &record.authentication_code,
            ),
            verification_code: record
                .verification_code
                .as_ref()
                .map(|c| master.seal(&verification_label(org, number), c.as_bytes())),
        }
    }
}

/// Stores a new token (its unique values checked with [`taken`] first); returns its row.
pub async fn insert(
    conn: &mut Conn,
    master: &MasterKey,
    org: OrgId,
    token: &AccessToken,
    pass_code_hash: Option<&str>,
) -> Result<i64> {
    let record = token.to_record();
    let sealed = SealedCodes::of(master, org, &record);
    Ok(sqlx::query_scalar(
        "INSERT INTO access_tokens (org_id, number, sealed_authentication_code, authentication_code_lookup, identifier,
             pass_code_hash, state, accounts_receivable_id, rewards_participant_id, classification_id, created_at,
             created_by, updated_at, updated_by, sealed_verification_code)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(org_key(org))
    .bind(i64::from(record.number.get()))
    .bind(sealed.authentication_code)
    .bind(sealed.authentication_code_lookup)
    .bind(&record.identifier)
    .bind(pass_code_hash)
    .bind(record.state.as_str())
    .bind(record.accounts_receivable.map(|a| i64::from(a.get())))
    .bind(record.rewards_participant.map(|r| i64::from(r.get())))
    .bind(record.classification.map(|c| i64::from(c.get())))
    .bind(record.created_at.as_millis())
    .bind(&record.created_by)
    .bind(record.updated_at.as_millis())
    .bind(&record.updated_by)
    .bind(sealed.verification_code)
    .fetch_one(conn)
    .await?)
}

/// What to do with the stored pass code hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PassCodeHash {
    /// Keep it.
    Keep,
    /// Replace it with this PHC string.
    Set(String),
    /// Remove it.
    Clear,
}

/// Writes a changed token back (its unique values checked with [`taken`] first). A token that is not 'Effective'
/// any more has its operator sessions revoked, so that only 'Effective' tokens stay signed in.
pub async fn update(
    conn: &mut Conn,
    master: &MasterKey,
    stored: &Stored,
    hash: PassCodeHash,
    now: Timestamp,
) -> Result<()> {
    let record = stored.token.to_record();
    let sealed = SealedCodes::of(master, stored.org, &record);
    let (set_hash, hash_value) = match hash {
        PassCodeHash::Keep => (false, None),
        PassCodeHash::Set(h) => (true, Some(h)),
        PassCodeHash::Clear => (true, None),
    };
    sqlx::query(
        "UPDATE access_tokens SET sealed_authentication_code = ?, authentication_code_lookup = ?, identifier = ?,
             pass_code_hash = CASE WHEN ? THEN ? ELSE pass_code_hash END, state = ?, accounts_receivable_id = ?,
             rewards_participant_id = ?, classification_id = ?, updated_at = ?, updated_by = ?,
             sealed_verification_code = ?, verified_on = ?, verified_by = ?
         WHERE id = ?",
    )
    .bind(sealed.authentication_code)
    .bind(sealed.authentication_code_lookup)
    .bind(&record.identifier)
    .bind(set_hash)
    .bind(hash_value)
    .bind(record.state.as_str())
    .bind(record.accounts_receivable.map(|a| i64::from(a.get())))
    .bind(record.rewards_participant.map(|r| i64::from(r.get())))
    .bind(record.classification.map(|c| i64::from(c.get())))
    .bind(record.updated_at.as_millis())
    .bind(&record.updated_by)
    .bind(sealed.verification_code)
    .bind(record.verified_on.map(Timestamp::as_millis))
    .bind(&record.verified_by)
    .bind(stored.row)
    .execute(&mut *conn)
    .await?;
    if record.state != LifeCycleState::Effective {
        super::sessions::revoke_for_access_token(conn, stored.row, now).await?;
    }
    Ok(())
}

/// Marks the token deleted and ends its sessions. Its identifier and authentication code are free again.
pub async fn mark_deleted(conn: &mut Conn, row: i64, now: Timestamp) -> Result<()> {
    sqlx::query("UPDATE access_tokens SET deleted_at = ? WHERE id = ?")
        .bind(now.as_millis())
        .bind(row)
        .execute(&mut *conn)
        .await?;
    super::sessions::revoke_for_access_token(conn, row, now).await
}

/// Counts one more wrong verification code.
pub async fn count_verify_failure(conn: &mut Conn, row: i64) -> Result<()> {
    sqlx::query("UPDATE access_tokens SET verify_failures = verify_failures + 1 WHERE id = ?")
        .bind(row)
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets the wrong verification codes (a new code was sent).
pub async fn reset_verify_failures(conn: &mut Conn, row: i64) -> Result<()> {
    sqlx::query("UPDATE access_tokens SET verify_failures = 0 WHERE id = ?")
        .bind(row)
        .execute(conn)
        .await?;
    Ok(())
}
