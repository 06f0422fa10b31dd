//! Accounts receivable and rewards participants, minimal but real: create, list, terminate, and link or unlink an
//! access token from their side (seed 002: the relation is changed "from the Accounts Receivable screen" and "from
//! the Rewards Participant screen", never from the token's). Removing a link, or terminating an accounts receivable,
//! runs the core's automatic 'Not Effective' with the active definition; the answer says what it did.
//!
//! | method and path | permission |
//! |---|---|
//! | `GET /api/v1/accounts-receivable` | `fms.accesstoken.read` |
//! | `POST /api/v1/accounts-receivable` | `fms.accesstoken.create` |
//! | `POST /api/v1/accounts-receivable/{id}/terminate` | `fms.accesstoken.update` |
//! | `POST /api/v1/accounts-receivable/{id}/access-tokens/{number}` (link) | `fms.accesstoken.update` |
//! | `DELETE /api/v1/accounts-receivable/{id}/access-tokens/{number}` (unlink) | `fms.accesstoken.update` |
//! | `GET /api/v1/rewards-participants` | `fms.accesstoken.read` |
//! | `POST /api/v1/rewards-participants` | `fms.accesstoken.create` |
//! | `POST /api/v1/rewards-participants/{id}/terminate` | `fms.accesstoken.update` |
//! | `POST /api/v1/rewards-participants/{id}/access-tokens/{number}` (link) | `fms.accesstoken.update` |
//! | `DELETE /api/v1/rewards-participants/{id}/access-tokens/{number}` (unlink) | `fms.accesstoken.update` |

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use fieldtoken_core::access::{
    AccessTokenNumber, AccountsReceivable, AccountsReceivableId, Automatic, KeptReason,
    RewardsParticipant, RewardsParticipantId,
};
use fieldtoken_core::{OrgId, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{SqliteConnection, SqlitePool};

use crate::access::{
    AccessCreate, AccessRead, AccessTokenJson, AccessUpdate, Items, StoreHash, TOKEN_COLUMNS,
    TokenRow, access_error, by, load_token, store_token, token_json, token_of_row,
};
use crate::access_config::active_definition_or_none;
use crate::auth::{Authorized, Principal};
use crate::clock::{now, rfc3339};
use crate::http::extract::{Body, IdPath, checked_name};
use crate::store;
use crate::store::audit::Actor;
use crate::{ApiError, AppState};

/// The organisation's accounts receivable as the core needs it; 404 when it has none with this id.
pub async fn accounts_receivable(
    conn: &mut SqliteConnection,
    org: OrgId,
    id: AccountsReceivableId,
) -> Result<AccountsReceivable, ApiError> {
    let row: Option<(String, Option<i64>)> = sqlx::query_as(
        "SELECT name, terminated_at FROM accounts_receivable WHERE id = ? AND org_id = ?",
    )
    .bind(i64::from(id.get()))
    .bind(i64::from(org.get()))
    .fetch_optional(conn)
    .await?;
    row.map(|(name, terminated)| AccountsReceivable {
        id,
        name,
        terminated: terminated.is_some(),
    })
    .ok_or_else(|| ApiError::not_found("accounts receivable"))
}

/// The organisation's rewards participant as the core needs it; 404 otherwise.
pub async fn participant(
    conn: &mut SqliteConnection,
    org: OrgId,
    id: RewardsParticipantId,
) -> Result<RewardsParticipant, ApiError> {
    type Row = (String, Option<i64>, i64, String, Option<i64>);
    let row: Option<Row> = sqlx::query_as(
        "SELECT p.name, p.terminated_at, a.id, a.name, a.terminated_at
         FROM rewards_participants p JOIN accounts_receivable a ON a.id = p.accounts_receivable_id
         WHERE p.id = ? AND p.org_id = ?",
    )
    .bind(i64::from(id.get()))
    .bind(i64::from(org.get()))
    .fetch_optional(conn)
    .await?;
    let (name, terminated, account, account_name, account_terminated) =
        row.ok_or_else(|| ApiError::not_found("rewards participant"))?;
    Ok(RewardsParticipant {
        id,
        name,
        accounts_receivable: AccountsReceivable {
            id: AccountsReceivableId::from_i64(account)?,
            name: account_name,
            terminated: account_terminated.is_some(),
        },
        terminated: terminated.is_some(),
    })
}

/// An accounts receivable or rewards participant as the API shows it.
#[derive(Serialize, Debug)]
pub struct PartyJson {
    id: i64,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    accounts_receivable_id: Option<i64>,
    terminated: bool,
    terminated_at: Option<String>,
    created_at: String,
}

/// id, name, accounts receivable id (participants only), created, terminated.
type PartyRow = (i64, String, Option<i64>, i64, Option<i64>);

/// Where one kind of party is stored: its table, and the columns a [`PartyRow`] is read from.
#[derive(Clone, Copy)]
struct PartyTable {
    name: &'static str,
    columns: &'static str,
}

/// Accounts receivable belong to no other account.
const ACCOUNTS: PartyTable = PartyTable {
    name: "accounts_receivable",
    columns: "id, name, NULL, created_at, terminated_at",
};

/// Rewards participants name the accounts receivable they belong to.
const PARTICIPANTS: PartyTable = PartyTable {
    name: "rewards_participants",
    columns: "id, name, accounts_receivable_id, created_at, terminated_at",
};

impl PartyTable {
    /// The organisation's parties of this kind, by id.
    async fn list(self, db: &SqlitePool, org: OrgId) -> Result<Json<Items<PartyJson>>, ApiError> {
        let rows: Vec<PartyRow> = sqlx::query_as(&format!(
            "SELECT {} FROM {} WHERE org_id = ? ORDER BY id",
            self.columns, self.name
        ))
        .bind(i64::from(org.get()))
        .fetch_all(db)
        .await?;
        Ok(Json(Items {
            items: rows.into_iter().map(party_json).collect(),
        }))
    }

    /// Marks the party terminated now, in the caller's transaction, and answers its row as it is then.
    async fn mark_terminated(
        self,
        conn: &mut SqliteConnection,
        id: i64,
        now: Timestamp,
    ) -> Result<PartyRow, ApiError> {
        Ok(sqlx::query_as(&format!(
            "UPDATE {} SET terminated_at = ? WHERE id = ? RETURNING {}",
            self.name, self.columns
        ))
        .bind(now.as_millis())
        .bind(id)
        .fetch_one(conn)
        .await?)
    }
}

fn party_json((id, name, account, created, terminated): PartyRow) -> PartyJson {
    PartyJson {
        id,
        name,
        accounts_receivable_id: account,
        terminated: terminated.is_some(),
        terminated_at: terminated.map(|t| rfc3339(Timestamp::from_millis(t))),
        created_at: rfc3339(Timestamp::from_millis(created)),
    }
}

/// What an automatic step did, on the wire: `set_not_effective`, or `unchanged` with the reason.
fn automatic_json(outcome: Automatic) -> serde_json::Value {
    match outcome {
        Automatic::SetNotEffective => json!({ "outcome": "set_not_effective" }),
        Automatic::Unchanged(reason) => json!({
            "outcome": "unchanged",
            "reason": match reason {
                KeptReason::DefinitionDisabled => "definition_disabled",
                KeptReason::OtherAssociation => "other_association",
                KeptReason::PendingVerification => "pending_verification",
                KeptReason::AlreadyNotEffective => "already_not_effective",
            },
        }),
    }
}

/// `POST /api/v1/accounts-receivable` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    name: String,
}

/// `POST /api/v1/rewards-participants` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewParticipant {
    name: String,
    accounts_receivable_id: u32,
}

/// `GET /api/v1/accounts-receivable`
pub async fn list_accounts(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessRead>,
) -> Result<Json<Items<PartyJson>>, ApiError> {
    ACCOUNTS.list(state.store.pool(), p.org).await
}

/// `GET /api/v1/rewards-participants`
pub async fn list_participants(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessRead>,
) -> Result<Json<Items<PartyJson>>, ApiError> {
    PARTICIPANTS.list(state.store.pool(), p.org).await
}

/// `POST /api/v1/accounts-receivable` → 201.
pub async fn create_account(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessCreate>,
    Body(body): Body<NewAccount>,
) -> Result<(StatusCode, Json<PartyJson>), ApiError> {
    let name = checked_name(&body.name, "an accounts receivable")?;
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let row: PartyRow = sqlx::query_as(&format!(
        "INSERT INTO accounts_receivable (org_id, name, created_at) VALUES (?, ?, ?) RETURNING {}",
        ACCOUNTS.columns
    ))
    .bind(i64::from(p.org.get()))
    .bind(&name)
    .bind(now.as_millis())
    .fetch_one(&mut *tx)
    .await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "accounts_receivable.create",
        &format!("accounts_receivable/{}", row.0),
        json!({ "name": name }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(party_json(row))))
}

/// `POST /api/v1/rewards-participants` → 201: a participant of one of the organisation's accounts receivable.
pub async fn create_participant(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessCreate>,
    Body(body): Body<NewParticipant>,
) -> Result<(StatusCode, Json<PartyJson>), ApiError> {
    let name = checked_name(&body.name, "a rewards participant")?;
    let account = AccountsReceivableId::new(body.accounts_receivable_id)?;
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    accounts_receivable(&mut tx, p.org, account)
        .await?
        .ensure_takes_new_links()
        .map_err(access_error)?;
    let row: PartyRow = sqlx::query_as(&format!(
        "INSERT INTO rewards_participants (org_id, accounts_receivable_id, name, created_at) VALUES (?, ?, ?, ?)
         RETURNING {}",
        PARTICIPANTS.columns
    ))
    .bind(i64::from(p.org.get()))
    .bind(i64::from(account.get()))
    .bind(&name)
    .bind(now.as_millis())
    .fetch_one(&mut *tx)
    .await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "rewards_participant.create",
        &format!("rewards_participant/{}", row.0),
        json!({ "name": name, "accounts_receivable_id": account.get() }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(party_json(row))))
}

/// A terminated accounts receivable, with what the automatic 'Not Effective' did to each linked token.
#[derive(Serialize, Debug)]
pub struct TerminatedJson {
    #[serde(flatten)]
    party: PartyJson,
    access_tokens: Vec<serde_json::Value>,
}

/// 409 `already_terminated`, naming the party as people know it.
fn already_terminated(party: &dyn std::fmt::Display) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "already_terminated",
        format!("{party} is terminated already"),
    )
}

/// `POST /api/v1/accounts-receivable/{id}/terminate`: terminates it; its tokens keep the link (the history does)
/// and each goes through the core's automatic 'Not Effective' ("On Terminating Accounts Receivable").
pub async fn terminate_account(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    IdPath(id): IdPath,
) -> Result<Json<TerminatedJson>, ApiError> {
    let account = AccountsReceivableId::from_i64(id)?;
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let account = accounts_receivable(&mut tx, p.org, account).await?;
    if account.terminated {
        return Err(already_terminated(&account));
    }
    let row = ACCOUNTS.mark_terminated(&mut tx, id, now).await?;
    let rows: Vec<TokenRow> = sqlx::query_as(&format!(
        "SELECT {TOKEN_COLUMNS} FROM access_tokens WHERE org_id = ? AND accounts_receivable_id = ? AND deleted_at IS NULL ORDER BY number"
    ))
    .bind(i64::from(p.org.get()))
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let mut outcomes = Vec::with_capacity(rows.len());
    if !rows.is_empty() {
        let definition = active_definition_or_none(&mut tx, p.org).await?;
        for row in rows {
            let mut loaded = token_of_row(&state.master, row)?;
            let outcome = loaded
                .token
                .accounts_receivable_terminated(&account, &definition, &by(&p), now)
                .map_err(access_error)?;
            store_token(&mut tx, &state.master, &loaded, StoreHash::Keep, now).await?;
            let mut shown = automatic_json(outcome);
            shown["number"] = json!(loaded.token.number().get());
            shown["state"] = json!(loaded.token.state().as_str());
            outcomes.push(shown);
        }
    }
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "accounts_receivable.terminate",
        &format!("accounts_receivable/{id}"),
        json!({ "access_tokens": outcomes }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(TerminatedJson {
        party: party_json(row),
        access_tokens: outcomes,
    }))
}

/// `POST /api/v1/rewards-participants/{id}/terminate`: a terminated participant no longer keeps its tokens from
/// being set 'Not Effective' (seed 002, Edit).
pub async fn terminate_participant(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    IdPath(id): IdPath,
) -> Result<Json<PartyJson>, ApiError> {
    let rid = RewardsParticipantId::from_i64(id)?;
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let rewards = participant(&mut tx, p.org, rid).await?;
    if rewards.terminated {
        return Err(already_terminated(&rewards));
    }
    let row = PARTICIPANTS.mark_terminated(&mut tx, id, now).await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "rewards_participant.terminate",
        &format!("rewards_participant/{id}"),
        json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(party_json(row)))
}

/// `/{id}/access-tokens/{number}`: a party's id and an access token number, each 1 to 4294967295 (else 400
/// `bad_id`).
pub struct LinkPath(pub u32, pub AccessTokenNumber);

impl<S: Send + Sync> FromRequestParts<S> for LinkPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Path((id, number)) =
            axum::extract::Path::<(String, String)>::from_request_parts(parts, state).await?;
        let parse = |raw: &str| {
            raw.parse::<u32>().ok().filter(|&v| v != 0).ok_or_else(|| {
                ApiError::bad_request("bad_id", format!("'{raw}' is not an id (1 to 4294967295)"))
            })
        };
        Ok(LinkPath(
            parse(&id)?,
            AccessTokenNumber::new(parse(&number)?)?,
        ))
    }
}

/// A token after a link was removed, with what the automatic 'Not Effective' did.
#[derive(Serialize, Debug)]
pub struct UnlinkedJson {
    #[serde(flatten)]
    token: AccessTokenJson,
    automatic: serde_json::Value,
}

/// The side a link is changed from (seed 002 changes links only from the party's screen, never the token's).
#[derive(Clone, Copy)]
enum Party {
    Account(AccountsReceivableId),
    Participant(RewardsParticipantId),
}

/// A party found in the organisation, as the core needs it.
enum Found {
    Account(AccountsReceivable),
    Participant(RewardsParticipant),
}

impl Party {
    /// The audit log's prefix and the detail field that names the party.
    fn names(self) -> (&'static str, &'static str, u32) {
        match self {
            Party::Account(id) => ("accounts_receivable", "accounts_receivable_id", id.get()),
            Party::Participant(id) => ("rewards_participant", "rewards_participant_id", id.get()),
        }
    }

    /// 404 unless the organisation has this party.
    async fn find(self, conn: &mut SqliteConnection, org: OrgId) -> Result<Found, ApiError> {
        Ok(match self {
            Party::Account(id) => Found::Account(accounts_receivable(conn, org, id).await?),
            Party::Participant(id) => Found::Participant(participant(conn, org, id).await?),
        })
    }
}

/// Links (`link`) or unlinks the token from the party, in one transaction: the party is checked first (an unknown
/// one is 404 whatever the token), then the core's transition, then the store and the audit row. An unlink answers
/// what the automatic 'Not Effective' did.
async fn change_link(
    state: &AppState,
    p: &Principal,
    party: Party,
    number: AccessTokenNumber,
    link: bool,
) -> Result<(AccessTokenJson, Option<serde_json::Value>), ApiError> {
    let now = now();
    let by = by(p);
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let found = party.find(&mut tx, p.org).await?;
    let mut loaded = load_token(&mut tx, &state.master, p.org, number).await?;
    let outcome = if link {
        match &found {
            Found::Account(account) => {
                // The core checks that the token's participant, if any, belongs to this account.
                let rewards = match loaded.token.rewards_participant() {
                    Some(rid) => Some(participant(&mut tx, p.org, rid).await?),
                    None => None,
                };
                loaded
                    .token
                    .attach_to_accounts_receivable(account, rewards.as_ref(), &by, now)
            }
            Found::Participant(rewards) => {
                // The core checks that the participant belongs to the token's account, if any.
                let account = match loaded.token.accounts_receivable() {
                    Some(id) => Some(accounts_receivable(&mut tx, p.org, id).await?),
                    None => None,
                };
                loaded
                    .token
                    .attach_to_rewards_participant(rewards, account.as_ref(), &by, now)
            }
        }
        .map_err(access_error)?;
        None
    } else {
        let definition = active_definition_or_none(&mut tx, p.org).await?;
        let outcome = match &found {
            Found::Account(account) => {
                loaded
                    .token
                    .remove_from_accounts_receivable(account, &definition, &by, now)
            }
            Found::Participant(rewards) => {
                loaded
                    .token
                    .remove_from_rewards_participant(rewards, &definition, &by, now)
            }
        }
        .map_err(access_error)?;
        Some(automatic_json(outcome))
    };
    store_token(&mut tx, &state.master, &loaded, StoreHash::Keep, now).await?;
    let (kind, field, id) = party.names();
    let mut detail = json!({ field: id });
    if let Some(automatic) = &outcome {
        detail["automatic"] = automatic.clone();
    }
    let action = format!("{kind}.{}", if link { "link" } else { "unlink" });
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(p),
        &action,
        &format!("access_token/{number}"),
        detail,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((token_json(&loaded.token), outcome))
}

/// `POST /api/v1/accounts-receivable/{id}/access-tokens/{number}`: links the token to the accounts receivable (only
/// when it has none, and its participant, if any, belongs to that account).
pub async fn link_account(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    LinkPath(id, number): LinkPath,
) -> Result<Json<AccessTokenJson>, ApiError> {
    let party = Party::Account(AccountsReceivableId::new(id)?);
    let (token, _) = change_link(&state, &p, party, number, true).await?;
    Ok(Json(token))
}

/// `DELETE /api/v1/accounts-receivable/{id}/access-tokens/{number}`: removes the token from the accounts
/// receivable, then the core's automatic 'Not Effective' ("On removing them from Accounts Receivable").
pub async fn unlink_account(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    LinkPath(id, number): LinkPath,
) -> Result<Json<UnlinkedJson>, ApiError> {
    let party = Party::Account(AccountsReceivableId::new(id)?);
    Ok(unlinked(
        change_link(&state, &p, party, number, false).await?,
    ))
}

/// `POST /api/v1/rewards-participants/{id}/access-tokens/{number}`: links the token to the participant (only when
/// it has none, and the participant belongs to the token's accounts receivable, if any).
pub async fn link_participant(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    LinkPath(id, number): LinkPath,
) -> Result<Json<AccessTokenJson>, ApiError> {
    let party = Party::Participant(RewardsParticipantId::new(id)?);
    let (token, _) = change_link(&state, &p, party, number, true).await?;
    Ok(Json(token))
}

/// `DELETE /api/v1/rewards-participants/{id}/access-tokens/{number}`: removes the token from the participant, then
/// the core's automatic 'Not Effective' ("On removing them from Rewards Participants").
pub async fn unlink_participant(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    LinkPath(id, number): LinkPath,
) -> Result<Json<UnlinkedJson>, ApiError> {
    let party = Party::Participant(RewardsParticipantId::new(id)?);
    Ok(unlinked(
        change_link(&state, &p, party, number, false).await?,
    ))
}

fn unlinked(
    (token, automatic): (AccessTokenJson, Option<serde_json::Value>),
) -> Json<UnlinkedJson> {
    Json(UnlinkedJson {
        token,
        automatic: automatic.unwrap_or_default(),
    })
}
