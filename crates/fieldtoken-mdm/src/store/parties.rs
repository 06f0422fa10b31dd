//! Accounts receivable and rewards participants: the parties access tokens are linked to (seed 002), as the core
//! needs them and as admins list them.

use fieldtoken_core::access::{
    AccountsReceivable, AccountsReceivableId, RewardsParticipant, RewardsParticipantId,
};
use fieldtoken_core::{OrgId, Timestamp};

use super::{Conn, Result, StoreError, org_key};

/// The organisation's accounts receivable `id`, if it has one.
pub async fn accounts_receivable(
    conn: &mut Conn,
    org: OrgId,
    id: AccountsReceivableId,
) -> Result<Option<AccountsReceivable>> {
    let row: Option<(String, Option<i64>)> = sqlx::query_as(
        "SELECT name, terminated_at FROM accounts_receivable WHERE id = ? AND org_id = ?",
    )
    .bind(i64::from(id.get()))
    .bind(org_key(org))
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(name, terminated)| AccountsReceivable {
        id,
        name,
        terminated: terminated.is_some(),
    }))
}

/// The organisation's rewards participant `id`, with its accounts receivable, if it has one.
pub async fn rewards_participant(
    conn: &mut Conn,
    org: OrgId,
    id: RewardsParticipantId,
) -> Result<Option<RewardsParticipant>> {
    type Row = (String, Option<i64>, i64, String, Option<i64>);
    let row: Option<Row> = sqlx::query_as(
        "SELECT p.name, p.terminated_at, a.id, a.name, a.terminated_at
         FROM rewards_participants p JOIN accounts_receivable a ON a.id = p.accounts_receivable_id
         WHERE p.id = ? AND p.org_id = ?",
    )
    .bind(i64::from(id.get()))
    .bind(org_key(org))
    .fetch_optional(conn)
    .await?;
    let Some((name, terminated, account, account_name, account_terminated)) = row else {
        return Ok(None);
    };
    Ok(Some(RewardsParticipant {
        id,
        name,
        accounts_receivable: AccountsReceivable {
            id: AccountsReceivableId::from_i64(account)?,
            name: account_name,
            terminated: account_terminated.is_some(),
        },
        terminated: terminated.is_some(),
    }))
}

/// The two kinds of party.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Accounts receivable.
    AccountsReceivable,
    /// Rewards participants, each of one accounts receivable.
    RewardsParticipant,
}

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Kind::AccountsReceivable => "accounts_receivable",
            Kind::RewardsParticipant => "rewards_participants",
        }
    }

    fn columns(self) -> &'static str {
        match self {
            Kind::AccountsReceivable => "id, name, NULL, created_at, terminated_at",
            Kind::RewardsParticipant => {
                "id, name, accounts_receivable_id, created_at, terminated_at"
            }
        }
    }
}

/// A party as admins list it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    /// Its id.
    pub id: u32,
    /// Its name.
    pub name: String,
    /// A rewards participant's accounts receivable.
    pub accounts_receivable: Option<AccountsReceivableId>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it was terminated, if it was.
    pub terminated_at: Option<Timestamp>,
}

/// id, name, accounts receivable id (participants only), created, terminated.
type PartyRow = (i64, String, Option<i64>, i64, Option<i64>);

fn party_of((id, name, account, created, terminated): PartyRow) -> Result<Party> {
    Ok(Party {
        id: u32::try_from(id)
            .ok()
            .filter(|&id| id != 0)
            .ok_or_else(|| StoreError::damaged("a party's id is out of range"))?,
        name,
        accounts_receivable: account.map(AccountsReceivableId::from_i64).transpose()?,
        created_at: Timestamp::from_millis(created),
        terminated_at: terminated.map(Timestamp::from_millis),
    })
}

/// The organisation's parties of this kind, by id.
pub async fn list(conn: &mut Conn, org: OrgId, kind: Kind) -> Result<Vec<Party>> {
    let rows: Vec<PartyRow> = sqlx::query_as(&format!(
        "SELECT {} FROM {} WHERE org_id = ? ORDER BY id",
        kind.columns(),
        kind.table()
    ))
    .bind(org_key(org))
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(party_of).collect()
}

/// Stores a new accounts receivable.
pub async fn insert_accounts_receivable(
    conn: &mut Conn,
    org: OrgId,
    name: &str,
    now: Timestamp,
) -> Result<Party> {
    let row: PartyRow = sqlx::query_as(&format!(
        "INSERT INTO accounts_receivable (org_id, name, created_at) VALUES (?, ?, ?) RETURNING {}",
        Kind::AccountsReceivable.columns()
    ))
    .bind(org_key(org))
    .bind(name)
    .bind(now.as_millis())
    .fetch_one(conn)
    .await?;
    party_of(row)
}

/// Stores a new rewards participant of the accounts receivable `account`.
pub async fn insert_rewards_participant(
    conn: &mut Conn,
    org: OrgId,
    account: AccountsReceivableId,
    name: &str,
    now: Timestamp,
) -> Result<Party> {
    let row: PartyRow = sqlx::query_as(&format!(
        "INSERT INTO rewards_participants (org_id, accounts_receivable_id, name, created_at) VALUES (?, ?, ?, ?)
         RETURNING {}",
        Kind::RewardsParticipant.columns()
    ))
    .bind(org_key(org))
    .bind(i64::from(account.get()))
    .bind(name)
    .bind(now.as_millis())
    .fetch_one(conn)
    .await?;
    party_of(row)
}

/// Marks the party `id` of this kind terminated now, and answers it as it is then.
pub async fn terminate(conn: &mut Conn, kind: Kind, id: u32, now: Timestamp) -> Result<Party> {
    let row: PartyRow = sqlx::query_as(&format!(
        "UPDATE {} SET terminated_at = ? WHERE id = ? RETURNING {}",
        kind.table(),
        kind.columns()
    ))
    .bind(now.as_millis())
    .bind(i64::from(id))
    .fetch_one(conn)
    .await?;
    party_of(row)
}
