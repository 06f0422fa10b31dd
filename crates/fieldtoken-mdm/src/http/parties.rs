//! Accounts receivable and rewards participants, minimal but real: create, list, terminate, and link or unlink an
//! access token from their side (seed 002: the relation is changed "from the Accounts Receivable screen" and "from
//! the Rewards Participant screen", never from the token's). Removing a link, or terminating an accounts receivable,
//! runs the core's automatic 'Not Effective' with the active definition; the answer says what it did.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use fieldtoken_api::access as wire;
use fieldtoken_api::{Items, ServerCode, Time};
use fieldtoken_core::access::{
    AccessTokenNumber, AccountsReceivable, AccountsReceivableId, RewardsParticipant,
    RewardsParticipantId,
};
use fieldtoken_core::{ErrorKind, Timestamp};
use serde_json::json;

use super::access_tokens::{
    AccessCreate, AccessRead, AccessUpdate, TokenChange, accounts_receivable,
    active_definition_or_none, by, rewards_participant, save,
};
use super::auth::{Authorized, Principal};
use super::doc::{Always, ById, Guarded, Stateful, WithBody};
use super::extract::{Body, IdPath, checked_name};
use crate::clock::{now, rfc3339};
use crate::store::access_tokens::PassCodeHash;
use crate::store::audit::Actor;
use crate::store::parties::{self, Kind};
use crate::{ApiError, AppState, store};

fn party_json(party: parties::Party) -> wire::Party {
    wire::Party {
        id: party.id,
        name: party.name,
        accounts_receivable_id: party.accounts_receivable.map(AccountsReceivableId::get),
        terminated: party.terminated_at.is_some(),
        terminated_at: party.terminated_at.map(|at| Time(rfc3339(at))),
        created_at: Time(rfc3339(party.created_at)),
    }
}

async fn list(
    state: &AppState,
    p: &Principal,
    kind: Kind,
) -> Result<Json<Items<wire::Party>>, ApiError> {
    let mut tx = state.store.read().await?;
    let found = parties::list(&mut tx, p.org, kind).await?;
    Ok(Json(Items::of(found.into_iter().map(party_json).collect())))
}

/// List accounts receivable.
///
/// Permission `fms.accesstoken.read`. By id.
#[utoipa::path(get, path = "/v1/accounts-receivable", operation_id = "list_accounts_receivable", tag = "access-tokens",
    responses((status = 200, description = "The accounts receivable", body = Items<wire::Party>), Guarded, Always))]
pub async fn list_accounts(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessRead>,
) -> Result<Json<Items<wire::Party>>, ApiError> {
    list(&state, &p, Kind::AccountsReceivable).await
}

/// List rewards participants.
///
/// Permission `fms.accesstoken.read`. By id.
#[utoipa::path(get, path = "/v1/rewards-participants", operation_id = "list_rewards_participants", tag = "access-tokens",
    responses((status = 200, description = "The rewards participants", body = Items<wire::Party>), Guarded, Always))]
pub async fn list_participants(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessRead>,
) -> Result<Json<Items<wire::Party>>, ApiError> {
    list(&state, &p, Kind::RewardsParticipant).await
}

/// Create an accounts receivable.
///
/// Permission `fms.accesstoken.create`.
#[utoipa::path(post, path = "/v1/accounts-receivable", operation_id = "create_accounts_receivable", tag = "access-tokens",
    request_body = wire::NewAccountsReceivable,
    responses((status = 201, description = "The new accounts receivable", body = wire::Party),
        Guarded, WithBody, Always))]
pub async fn create_account(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessCreate>,
    Body(body): Body<wire::NewAccountsReceivable>,
) -> Result<(StatusCode, Json<wire::Party>), ApiError> {
    let name = checked_name(&body.name, "an accounts receivable")?;
    let now = now();
    let mut tx = state.store.write().await?;
    let party = parties::insert_accounts_receivable(&mut tx, p.org, &name, now).await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "accounts_receivable.create",
        &format!("accounts_receivable/{}", party.id),
        json!({ "name": name }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(party_json(party))))
}

/// Create a rewards participant.
///
/// Permission `fms.accesstoken.create`. A participant of one of the organisation's accounts receivable (404 when
/// it has none with this id); a terminated one is 409 `accounts_receivable_terminated`.
#[utoipa::path(post, path = "/v1/rewards-participants", operation_id = "create_rewards_participant", tag = "access-tokens",
    request_body = wire::NewRewardsParticipant,
    responses((status = 201, description = "The new rewards participant", body = wire::Party),
        (status = 404, description = "No such accounts receivable", body = fieldtoken_api::ErrorBody),
        Guarded, WithBody, Stateful, Always))]
pub async fn create_participant(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessCreate>,
    Body(body): Body<wire::NewRewardsParticipant>,
) -> Result<(StatusCode, Json<wire::Party>), ApiError> {
    let name = checked_name(&body.name, "a rewards participant")?;
    let account = AccountsReceivableId::new(body.accounts_receivable_id)?;
    let now = now();
    let mut tx = state.store.write().await?;
    accounts_receivable(&mut tx, p.org, account)
        .await?
        .ensure_takes_new_links()?;
    let party = parties::insert_rewards_participant(&mut tx, p.org, account, &name, now).await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "rewards_participant.create",
        &format!("rewards_participant/{}", party.id),
        json!({ "name": name, "accounts_receivable_id": account.get() }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(party_json(party))))
}

/// 409 `already_terminated`, naming the party as people know it.
fn already_terminated(party: &dyn std::fmt::Display) -> ApiError {
    ApiError::server(
        ServerCode::AlreadyTerminated,
        format!("{party} is terminated already"),
    )
}

/// Terminate an accounts receivable.
///
/// Permission `fms.accesstoken.update`. Its tokens keep the link (the history does) and each goes through the
/// core's automatic 'Not Effective' ("On Terminating Accounts Receivable"); the answer says what it did to each. A
/// terminated one is 409 `already_terminated`.
#[utoipa::path(post, path = "/v1/accounts-receivable/{id}/terminate", operation_id = "terminate_accounts_receivable", tag = "access-tokens",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The accounts receivable's id")),
    responses((status = 200, description = "The terminated accounts receivable and its tokens",
            body = wire::TerminatedAccountsReceivable),
        Guarded, ById, Stateful, Always))]
pub async fn terminate_account(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    IdPath(id): IdPath,
) -> Result<Json<wire::TerminatedAccountsReceivable>, ApiError> {
    let account_id = AccountsReceivableId::from_i64(id)?;
    let now = now();
    let mut tx = state.store.write().await?;
    let account = accounts_receivable(&mut tx, p.org, account_id).await?;
    if account.terminated {
        return Err(already_terminated(&account));
    }
    let party =
        parties::terminate(&mut tx, Kind::AccountsReceivable, account_id.get(), now).await?;
    let linked =
        store::access_tokens::of_accounts_receivable(&mut tx, &state.master, p.org, account_id)
            .await?;
    let mut outcomes = Vec::with_capacity(linked.len());
    if !linked.is_empty() {
        let definition = active_definition_or_none(&mut tx, p.org).await?;
        for mut stored in linked {
            let outcome =
                stored
                    .token
                    .accounts_receivable_terminated(&account, &definition, &by(&p), now)?;
            save(&mut tx, &state, &stored, PassCodeHash::Keep, now).await?;
            outcomes.push(wire::TerminationOutcome {
                automatic: outcome.into(),
                number: stored.token.number().get(),
                state: stored.token.state().into(),
            });
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
    Ok(Json(wire::TerminatedAccountsReceivable {
        party: party_json(party),
        access_tokens: outcomes,
    }))
}

/// Terminate a rewards participant.
///
/// Permission `fms.accesstoken.update`. A terminated participant no longer keeps its tokens from being set 'Not
/// Effective' (seed 002, Edit). A terminated one is 409 `already_terminated`.
#[utoipa::path(post, path = "/v1/rewards-participants/{id}/terminate", operation_id = "terminate_rewards_participant", tag = "access-tokens",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The rewards participant's id")),
    responses((status = 200, description = "The terminated rewards participant", body = wire::Party),
        Guarded, ById, Stateful, Always))]
pub async fn terminate_participant(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    IdPath(id): IdPath,
) -> Result<Json<wire::Party>, ApiError> {
    let participant_id = RewardsParticipantId::from_i64(id)?;
    let now = now();
    let mut tx = state.store.write().await?;
    let rewards = rewards_participant(&mut tx, p.org, participant_id).await?;
    if rewards.terminated {
        return Err(already_terminated(&rewards));
    }
    let party =
        parties::terminate(&mut tx, Kind::RewardsParticipant, participant_id.get(), now).await?;
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
    Ok(Json(party_json(party)))
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
                ApiError::core(
                    ErrorKind::BadId,
                    format!("'{raw}' is not an id (1 to 4294967295)"),
                )
            })
        };
        Ok(LinkPath(
            parse(&id)?,
            AccessTokenNumber::new(parse(&number)?)?,
        ))
    }
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
    async fn find(self, conn: &mut store::Conn, p: &Principal) -> Result<Found, ApiError> {
        Ok(match self {
            Party::Account(id) => Found::Account(accounts_receivable(conn, p.org, id).await?),
            Party::Participant(id) => {
                Found::Participant(rewards_participant(conn, p.org, id).await?)
            }
        })
    }
}

/// Opens a link change: the party is checked first (an unknown one is 404 whatever the token), then the token is
/// loaded in the same transaction.
async fn begin(
    state: &AppState,
    p: &Principal,
    party: Party,
    number: AccessTokenNumber,
) -> Result<(Found, TokenChange), ApiError> {
    let mut tx = state.store.write().await?;
    let found = party.find(&mut tx, p).await?;
    Ok((found, TokenChange::load(tx, state, p.org, number).await?))
}

/// Stores the changed token with its audit row (`{party}.link` or `{party}.unlink`), and commits.
async fn finish(
    change: TokenChange,
    state: &AppState,
    p: &Principal,
    party: Party,
    verb: &str,
    automatic: Option<&wire::AutomaticOutcome>,
    now: Timestamp,
) -> Result<wire::AccessToken, ApiError> {
    let (kind, field, id) = party.names();
    let mut detail = json!({ field: id });
    if let Some(automatic) = automatic {
        detail["automatic"] = json!(automatic);
    }
    let action = format!("{kind}.{verb}");
    change
        .commit(state, p, PassCodeHash::Keep, &action, detail, now)
        .await
}

/// Links the token to the party: the core checks the party takes links and agrees with the token's other party.
async fn link(
    state: &AppState,
    p: &Principal,
    party: Party,
    number: AccessTokenNumber,
) -> Result<wire::AccessToken, ApiError> {
    let now = now();
    let by = by(p);
    let (found, mut change) = begin(state, p, party, number).await?;
    let token = &mut change.stored.token;
    match &found {
        Found::Account(account) => {
            // The core checks that the token's participant, if any, belongs to this account.
            let rewards = match token.rewards_participant() {
                Some(rid) => Some(rewards_participant(&mut change.tx, p.org, rid).await?),
                None => None,
            };
            token.attach_to_accounts_receivable(account, rewards.as_ref(), &by, now)?;
        }
        Found::Participant(rewards) => {
            // The core checks that the participant belongs to the token's account, if any.
            let account = match token.accounts_receivable() {
                Some(id) => Some(accounts_receivable(&mut change.tx, p.org, id).await?),
                None => None,
            };
            token.attach_to_rewards_participant(rewards, account.as_ref(), &by, now)?;
        }
    }
    finish(change, state, p, party, "link", None, now).await
}

/// Removes the token from the party, then the core's automatic 'Not Effective'; answers what it did.
async fn unlink(
    state: &AppState,
    p: &Principal,
    party: Party,
    number: AccessTokenNumber,
) -> Result<Json<wire::UnlinkedAccessToken>, ApiError> {
    let now = now();
    let by = by(p);
    let (found, mut change) = begin(state, p, party, number).await?;
    let definition = active_definition_or_none(&mut change.tx, p.org).await?;
    let token = &mut change.stored.token;
    let outcome = match &found {
        Found::Account(account) => {
            token.remove_from_accounts_receivable(account, &definition, &by, now)
        }
        Found::Participant(rewards) => {
            token.remove_from_rewards_participant(rewards, &definition, &by, now)
        }
    }?;
    let automatic = wire::AutomaticOutcome::from(outcome);
    let token = finish(change, state, p, party, "unlink", Some(&automatic), now).await?;
    Ok(Json(wire::UnlinkedAccessToken { token, automatic }))
}

/// Link an access token to an accounts receivable.
///
/// Permission `fms.accesstoken.update`. Only when the token has none, and its participant, if any, belongs to that
/// account (seed 002: links change from the party's side only); a terminated one is 409
/// `accounts_receivable_terminated`.
#[utoipa::path(post, path = "/v1/accounts-receivable/{id}/access-tokens/{number}", operation_id = "link_accounts_receivable", tag = "access-tokens",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The accounts receivable's id"),
        ("number" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The access token's number")),
    responses((status = 200, description = "The linked access token", body = wire::AccessToken),
        Guarded, ById, Stateful, Always))]
pub async fn link_account(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    LinkPath(id, number): LinkPath,
) -> Result<Json<wire::AccessToken>, ApiError> {
    let party = Party::Account(AccountsReceivableId::new(id)?);
    Ok(Json(link(&state, &p, party, number).await?))
}

/// Unlink an access token from an accounts receivable.
///
/// Permission `fms.accesstoken.update`. Removes the link, then the core's automatic 'Not Effective' ("On removing
/// them from Accounts Receivable"), answered in `automatic`.
#[utoipa::path(delete, path = "/v1/accounts-receivable/{id}/access-tokens/{number}", operation_id = "unlink_accounts_receivable", tag = "access-tokens",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The accounts receivable's id"),
        ("number" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The access token's number")),
    responses((status = 200, description = "The access token and what the automatic step did",
            body = wire::UnlinkedAccessToken),
        Guarded, ById, Stateful, Always))]
pub async fn unlink_account(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    LinkPath(id, number): LinkPath,
) -> Result<Json<wire::UnlinkedAccessToken>, ApiError> {
    let party = Party::Account(AccountsReceivableId::new(id)?);
    unlink(&state, &p, party, number).await
}

/// Link an access token to a rewards participant.
///
/// Permission `fms.accesstoken.update`. Only when the token has none, and the participant belongs to the token's
/// accounts receivable, if any; a terminated one is 409 `rewards_participant_terminated`.
#[utoipa::path(post, path = "/v1/rewards-participants/{id}/access-tokens/{number}", operation_id = "link_rewards_participant", tag = "access-tokens",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The rewards participant's id"),
        ("number" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The access token's number")),
    responses((status = 200, description = "The linked access token", body = wire::AccessToken),
        Guarded, ById, Stateful, Always))]
pub async fn link_participant(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    LinkPath(id, number): LinkPath,
) -> Result<Json<wire::AccessToken>, ApiError> {
    let party = Party::Participant(RewardsParticipantId::new(id)?);
    Ok(Json(link(&state, &p, party, number).await?))
}

/// Unlink an access token from a rewards participant.
///
/// Permission `fms.accesstoken.update`. Removes the link, then the core's automatic 'Not Effective' ("On removing
/// them from Rewards Participants"), answered in `automatic`.
#[utoipa::path(delete, path = "/v1/rewards-participants/{id}/access-tokens/{number}", operation_id = "unlink_rewards_participant", tag = "access-tokens",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The rewards participant's id"),
        ("number" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The access token's number")),
    responses((status = 200, description = "The access token and what the automatic step did",
            body = wire::UnlinkedAccessToken),
        Guarded, ById, Stateful, Always))]
pub async fn unlink_participant(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    LinkPath(id, number): LinkPath,
) -> Result<Json<wire::UnlinkedAccessToken>, ApiError> {
    let party = Party::Participant(RewardsParticipantId::new(id)?);
    unlink(&state, &p, party, number).await
}
