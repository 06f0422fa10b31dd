//! Access tokens (seed 002, issue 8): the credentials operators identify themselves with. Every change loads the
//! token and what the core needs (the active definition, the token's classification, its rewards participant),
//! calls one transition of `fieldtoken_core::access::AccessToken`, and stores the result with an audit row in one
//! transaction. The server decides nothing about the life cycle itself; each refusal's status is its core kind's
//! class.
//!
//! Secrets: the pass code is stored only as an Argon2id hash and shown once, in the answer of the call that
//! generated it (create, edit, reset); a typed one is never echoed. Authentication codes and verification codes are
//! sealed with the master key; a pending verification code is shown only by create and reset-verification-code (to
//! be sent to the operator), and once used it is shown as the seed's Verification Information. Sessions of a token
//! that leaves 'Effective', is deleted or has its pass code reset are revoked.
//!
//! This module also holds what the other access screens share: the token's wire form,
//! and loading a token and the definition that governs it.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use fieldtoken_api::access as wire;
use fieldtoken_api::{ErrorBody, Page, ServerCode, Time};
use fieldtoken_core::access::{
    AccessToken, AccessTokenDefinition, AccessTokenDefinitionId, AccessTokenEdit, AccessTokenForm,
    AccessTokenNumber, AccountsReceivable, AccountsReceivableId, Actor as By, Classification,
    ClassificationId, CredentialSettings, LifeCycleState, PassCode, PassCodeChange,
    RewardsParticipant, RewardsParticipantId,
};
use fieldtoken_core::{ErrorKind, OrgId, Timestamp};
use serde_json::{Value, json};

use super::auth::{AccessCreate, AccessDelete, AccessRead, AccessUpdate, Authorized, Principal};
use super::doc::{Always, ById, Guarded, Stateful, WithBody, WithQuery};
use super::extract::{Body, IdPath, Query, page, page_cursor, page_limit};
use crate::clock::{now, rfc3339};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::pass_code;
use crate::store::access_tokens::{self as tokens, PassCodeHash, Stored, Taken};
use crate::store::{self, Conn, Tx};

/// Wrong verification codes accepted before verification is locked until the code is reset.
pub const MAX_VERIFY_ATTEMPTS: u32 = 5;

/// The name the core's log and verification information record for this caller.
pub fn by(p: &Principal) -> By {
    By::new(&p.name).unwrap_or_else(|_| By::system())
}

/// An access token number in the path: 1 to 4294967295, else 400 `bad_id`.
pub struct NumberPath(pub AccessTokenNumber);

impl<S: Send + Sync> FromRequestParts<S> for NumberPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let IdPath(id) = IdPath::from_request_parts(parts, state).await?;
        Ok(NumberPath(AccessTokenNumber::from_i64(id)?))
    }
}

/// A token as the API shows it.
pub fn token_json(token: &AccessToken) -> wire::AccessToken {
    let log = token.log();
    let v = token.verification();
    wire::AccessToken {
        number: token.number().get(),
        authentication_code: token.authentication_code().as_str().to_owned(),
        identifier: token.identifier().map(|i| i.as_str().to_owned()),
        has_pass_code: token.has_pass_code(),
        state: token.state().into(),
        state_label: token.state().label().to_owned(),
        accounts_receivable_id: token.accounts_receivable().map(AccountsReceivableId::get),
        rewards_participant_id: token.rewards_participant().map(RewardsParticipantId::get),
        classification_id: token.classification().map(ClassificationId::get),
        log: wire::AccessTokenLog {
            created_at: Time(rfc3339(log.created_at())),
            created_by: log.created_by().to_string(),
            updated_at: Time(rfc3339(log.updated_at())),
            updated_by: log.updated_by().to_string(),
        },
        verification: wire::AccessTokenVerification {
            verified_on: v.verified_on().map(|at| Time(rfc3339(at))),
            verified_by: v.verified_by().map(ToString::to_string),
            code: v.verified_on().and(v.code()).map(|c| c.as_str().to_owned()),
        },
    }
}

/// The organisation's live token with this number; 404 otherwise.
pub async fn load(
    conn: &mut Conn,
    state: &AppState,
    org: OrgId,
    number: AccessTokenNumber,
) -> Result<Stored, ApiError> {
    tokens::find(conn, &state.master, org, number)
        .await?
        .ok_or_else(|| ApiError::not_found("access token"))
}

/// Refuses a token whose identifier or authentication code another live token of the organisation has (409).
async fn ensure_unique(
    conn: &mut Conn,
    state: &AppState,
    org: OrgId,
    row: Option<i64>,
    token: &AccessToken,
) -> Result<(), ApiError> {
    match tokens::taken(conn, &state.master, org, row, token).await? {
        None => Ok(()),
        Some(Taken::Identifier) => Err(ApiError::server(
            ServerCode::IdentifierTaken,
            format!(
                "another access token already has the identifier '{}'",
                token.identifier().map_or("", |i| i.as_str())
            ),
        )),
        Some(Taken::AuthenticationCode) => Err(ApiError::server(
            ServerCode::AuthenticationCodeTaken,
            "another access token already has this authentication code",
        )),
    }
}

/// Writes a changed token back, after checking its unique values.
pub async fn save(
    conn: &mut Conn,
    state: &AppState,
    stored: &Stored,
    hash: PassCodeHash,
    now: Timestamp,
) -> Result<(), ApiError> {
    ensure_unique(conn, state, stored.org, Some(stored.row), &stored.token).await?;
    Ok(tokens::update(conn, &state.master, stored, hash, now).await?)
}

/// The organisation's active definition; 409 `no_active_definition` when none is (the core's words).
pub async fn active_definition(
    conn: &mut Conn,
    org: OrgId,
) -> Result<AccessTokenDefinition, ApiError> {
    let definitions = store::access_config::active_definitions(conn, org).await?;
    // The core says which one is active, and names the fault when the store holds none (or, impossibly, several).
    Ok(fieldtoken_core::access::active_definition(&definitions)?.clone())
}

/// The active definition for the automatic 'Not Effective' steps, which never refuse: with no active definition,
/// nothing enables "Set Access Tokens as 'Not Effective' on removing the last entity association", so a stand-in
/// with that setting off lets the core keep the state (`definition_disabled`).
pub async fn active_definition_or_none(
    conn: &mut Conn,
    org: OrgId,
) -> Result<AccessTokenDefinition, ApiError> {
    match active_definition(conn, org).await {
        Err(e) if e.code() == ErrorKind::NoActiveDefinition.code() => {
            Ok(AccessTokenDefinition::new(
                AccessTokenDefinitionId::new(u32::MAX)?,
                "none active",
                CredentialSettings::default(),
            )?
            .with_not_effective_on_last_removal(false))
        }
        other => other,
    }
}

/// The organisation's classification; 404 when it has none with this id.
pub async fn classification(
    conn: &mut Conn,
    org: OrgId,
    id: ClassificationId,
) -> Result<Classification, ApiError> {
    store::access_config::classification(conn, org, id)
        .await?
        .ok_or_else(|| ApiError::not_found("classification"))
}

/// The organisation's accounts receivable; 404 when it has none with this id.
pub async fn accounts_receivable(
    conn: &mut Conn,
    org: OrgId,
    id: AccountsReceivableId,
) -> Result<AccountsReceivable, ApiError> {
    store::parties::accounts_receivable(conn, org, id)
        .await?
        .ok_or_else(|| ApiError::not_found("accounts receivable"))
}

/// The organisation's rewards participant; 404 when it has none with this id.
pub async fn rewards_participant(
    conn: &mut Conn,
    org: OrgId,
    id: RewardsParticipantId,
) -> Result<RewardsParticipant, ApiError> {
    store::parties::rewards_participant(conn, org, id)
        .await?
        .ok_or_else(|| ApiError::not_found("rewards participant"))
}

/// The token's classification, when it has one (its settings apply to edits and resets).
async fn own_classification(
    conn: &mut Conn,
    org: OrgId,
    token: &AccessToken,
) -> Result<Option<Classification>, ApiError> {
    match token.classification() {
        Some(id) => Ok(Some(classification(conn, org, id).await?)),
        None => Ok(None),
    }
}

/// The Argon2id hash of a pass code; 503 `hashing_unavailable` when it cannot be made now.
async fn hashed(pass_code: &PassCode) -> Result<String, ApiError> {
    pass_code::hash(pass_code).await.map_err(|_| {
        ApiError::server(
            ServerCode::HashingUnavailable,
            "the pass code could not be hashed right now; nothing was changed, try again",
        )
    })
}

/// A change to one token under way: its write transaction and the token as stored.
pub struct TokenChange {
    /// The request's transaction.
    pub tx: Tx,
    /// The token being changed.
    pub stored: Stored,
}

impl TokenChange {
    /// Opens the request's write transaction and loads the token (404 when the organisation has none).
    pub async fn begin(
        state: &AppState,
        org: OrgId,
        number: AccessTokenNumber,
    ) -> Result<TokenChange, ApiError> {
        let tx = state.store.write().await?;
        TokenChange::load(tx, state, org, number).await
    }

    /// Loads the token inside a transaction that has checked other things first.
    pub async fn load(
        mut tx: Tx,
        state: &AppState,
        org: OrgId,
        number: AccessTokenNumber,
    ) -> Result<TokenChange, ApiError> {
        let stored = load(&mut tx, state, org, number).await?;
        Ok(TokenChange { tx, stored })
    }

    /// Stores the token as the core changed it, with its audit row, commits, and answers the token.
    pub async fn commit(
        mut self,
        state: &AppState,
        p: &Principal,
        hash: PassCodeHash,
        action: &str,
        detail: Value,
        now: Timestamp,
    ) -> Result<wire::AccessToken, ApiError> {
        save(&mut self.tx, state, &self.stored, hash, now).await?;
        p.audit(
            &mut self.tx,
            action,
            &format!("access_token/{}", self.stored.token.number()),
            detail,
            now,
        )
        .await?;
        self.tx.commit().await?;
        Ok(token_json(&self.stored.token))
    }

    /// [`TokenChange::commit`] for a change of life-cycle state alone: the pass code stays and the audit row
    /// records the state the token is in now.
    pub async fn commit_state(
        self,
        state: &AppState,
        p: &Principal,
        action: &str,
        now: Timestamp,
    ) -> Result<wire::AccessToken, ApiError> {
        let detail = json!({ "state": self.stored.token.state().as_str() });
        self.commit(state, p, PassCodeHash::Keep, action, detail, now)
            .await
    }
}

/// List access tokens.
///
/// Permission `fms.accesstoken.read`. Newest first, a page at a time: `next` is the cursor of the following page.
#[utoipa::path(get, path = "/v1/access-tokens", operation_id = "list_access_tokens", tag = "access-tokens", params(wire::AccessTokenQuery),
    responses((status = 200, description = "A page of access tokens", body = Page<wire::AccessToken>),
        Guarded, WithQuery, Always))]
pub async fn list(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessRead>,
    Query(query): Query<wire::AccessTokenQuery>,
) -> Result<Json<Page<wire::AccessToken>>, ApiError> {
    let limit = page_limit(query.limit)?;
    let filter = tokens::Filter {
        state: query
            .state
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(LifeCycleState::parse)
            .transpose()?,
        identifier_contains: query
            .q
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_owned),
        below: page_cursor(query.cursor.as_deref())?,
    };
    let mut tx = state.store.read().await?;
    let found = tokens::list(&mut tx, &state.master, p.org, &filter, limit + 1).await?;
    Ok(Json(page(
        found,
        limit,
        |token| token_json(&token),
        |t| Some(t.number.to_string()),
    )))
}

/// One access token.
///
/// Permission `fms.accesstoken.read`.
#[utoipa::path(get, path = "/v1/access-tokens/{id}", operation_id = "get_access_token", tag = "access-tokens",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The access token's number")),
    responses((status = 200, description = "The access token", body = wire::AccessToken), Guarded, ById, Always))]
pub async fn get(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessRead>,
    NumberPath(number): NumberPath,
) -> Result<Json<wire::AccessToken>, ApiError> {
    let mut tx = state.store.read().await?;
    let stored = load(&mut tx, &state, p.org, number).await?;
    Ok(Json(token_json(&stored.token)))
}

/// Create an access token.
///
/// Permission `fms.accesstoken.create`. Checked by the core against the active definition and the classification;
/// a generated pass code (and, when the definition requires verification, the verification code) is shown this
/// once. An unknown accounts receivable, rewards participant or classification is 404; a terminated accounts
/// receivable or rewards participant 409 `accounts_receivable_terminated` or `rewards_participant_terminated`.
#[utoipa::path(post, path = "/v1/access-tokens", operation_id = "create_access_token", tag = "access-tokens", request_body = wire::NewAccessToken,
    responses((status = 201, description = "The new access token, with its secrets shown once",
            body = wire::AccessTokenWithSecrets),
        (status = 404, description = "No such accounts receivable, rewards participant or classification",
            body = ErrorBody),
        Guarded, WithBody, Stateful, Always))]
pub async fn create(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessCreate>,
    Body(body): Body<wire::NewAccessToken>,
) -> Result<(StatusCode, Json<wire::AccessTokenWithSecrets>), ApiError> {
    let account_id = body
        .accounts_receivable_id
        .map(AccountsReceivableId::new)
        .transpose()?;
    let participant_id = body
        .rewards_participant_id
        .map(RewardsParticipantId::new)
        .transpose()?;
    let classification_id = body
        .classification_id
        .map(ClassificationId::new)
        .transpose()?;
    let now = now();
    let mut tx = state.store.write().await?;
    let definition = active_definition(&mut tx, p.org).await?;
    let class = match classification_id {
        Some(id) => Some(classification(&mut tx, p.org, id).await?),
        None => None,
    };
    let account = match account_id {
        Some(id) => Some(accounts_receivable(&mut tx, p.org, id).await?),
        None => None,
    };
    let rewards = match participant_id {
        Some(id) => Some(rewards_participant(&mut tx, p.org, id).await?),
        None => None,
    };
    let number = tokens::next_number(&mut tx, p.org).await?;
    let form = AccessTokenForm {
        authentication_code: body.authentication_code.as_deref(),
        identifier: body.identifier.as_deref(),
        pass_code: body.pass_code.as_deref(),
        accounts_receivable: account.as_ref(),
        rewards_participant: rewards.as_ref(),
        classification: class.as_ref(),
    };
    let created = AccessToken::create(number, &form, &definition, &by(&p), now, &mut rand::rng())?;
    let token = created.token;
    ensure_unique(&mut tx, &state, p.org, None, &token).await?;
    let hash = match &created.pass_code {
        Some(pass_code) => Some(hashed(pass_code).await?),
        None => None,
    };
    tokens::insert(&mut tx, &state.master, p.org, &token, hash.as_deref()).await?;
    let record = token.to_record();
    p.audit(
        &mut tx,
        "access_token.create",
        &format!("access_token/{number}"),
        json!({
            "identifier": record.identifier,
            "state": record.state.as_str(),
            "accounts_receivable_id": account_id.map(AccountsReceivableId::get),
            "rewards_participant_id": participant_id.map(RewardsParticipantId::get),
            "classification_id": classification_id.map(ClassificationId::get),
        }),
        now,
    )
    .await?;
    tx.commit().await?;
    let typed = body.pass_code.as_deref().is_some_and(|t| !t.is_empty());
    Ok((
        StatusCode::CREATED,
        Json(wire::AccessTokenWithSecrets {
            token: token_json(&token),
            pass_code: created
                .pass_code
                .filter(|_| !typed)
                .map(|c| c.expose().to_owned()),
            verification_code: record.verification_code,
        }),
    ))
}

fn id_change<T>(
    value: Option<Option<u32>>,
    make: impl Fn(u32) -> Result<T, fieldtoken_core::Error>,
) -> Result<Option<Option<T>>, ApiError> {
    Ok(match value {
        None => None,
        Some(None) => Some(None),
        Some(Some(v)) => Some(Some(make(v)?)),
    })
}

/// Edit an access token.
///
/// Permission `fms.accesstoken.update`. The "edit access token" screen: a field left out is unchanged. Answers the
/// token, with the pass code when the edit generated one; a new or removed pass code ends the operator's sessions.
#[utoipa::path(patch, path = "/v1/access-tokens/{id}", operation_id = "edit_access_token", tag = "access-tokens",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The access token's number")),
    request_body = wire::AccessTokenEdit,
    responses((status = 200, description = "The edited access token", body = wire::AccessTokenWithSecrets),
        Guarded, ById, WithBody, Stateful, Always))]
pub async fn edit(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    NumberPath(number): NumberPath,
    Body(body): Body<wire::AccessTokenEdit>,
) -> Result<Json<wire::AccessTokenWithSecrets>, ApiError> {
    let changes = AccessTokenEdit {
        authentication_code: body.authentication_code.as_deref(),
        identifier: body.identifier.as_ref().map(Option::as_deref),
        pass_code: body.pass_code.as_deref(),
        accounts_receivable: id_change(body.accounts_receivable_id, AccountsReceivableId::new)?,
        rewards_participant: id_change(body.rewards_participant_id, RewardsParticipantId::new)?,
        classification: id_change(body.classification_id, ClassificationId::new)?,
    };
    let now = now();
    let mut change = TokenChange::begin(&state, p.org, number).await?;
    let definition = active_definition(&mut change.tx, p.org).await?;
    let class = own_classification(&mut change.tx, p.org, &change.stored.token).await?;
    let pass_code_change = change.stored.token.edit(
        &changes,
        &definition,
        class.as_ref(),
        &by(&p),
        now,
        &mut rand::rng(),
    )?;
    let (hash, shown) = match &pass_code_change {
        PassCodeChange::Keep => (PassCodeHash::Keep, None),
        PassCodeChange::Clear => (PassCodeHash::Clear, None),
        PassCodeChange::Set(pass_code) => {
            let typed = body.pass_code.as_deref().is_some_and(|t| !t.is_empty());
            (
                PassCodeHash::Set(hashed(pass_code).await?),
                (!typed).then(|| pass_code.expose().to_owned()),
            )
        }
    };
    if !matches!(pass_code_change, PassCodeChange::Keep) {
        // A new or removed pass code ends the sessions signed in with the old one.
        store::sessions::revoke_for_access_token(&mut change.tx, change.stored.row, now).await?;
    }
    let detail = json!({
        "identifier": change.stored.token.identifier().map(|i| i.as_str()),
        "authentication_code_changed": body.authentication_code.is_some(),
        "pass_code": match pass_code_change {
            PassCodeChange::Keep => "kept",
            PassCodeChange::Set(_) => "set",
            PassCodeChange::Clear => "removed",
        },
    });
    let token = change
        .commit(&state, &p, hash, "access_token.edit", detail, now)
        .await?;
    Ok(Json(wire::AccessTokenWithSecrets {
        token,
        pass_code: shown,
        verification_code: None,
    }))
}

/// Set an access token 'Effective'.
///
/// Permission `fms.accesstoken.update`. Manually SET AS 'EFFECTIVE' (seed 002): only a 'Not Effective' token (409
/// `set_effective_needs_not_effective`).
#[utoipa::path(post, path = "/v1/access-tokens/{id}/set-effective", operation_id = "set_access_token_effective", tag = "access-tokens",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The access token's number")),
    responses((status = 200, description = "The access token, 'Effective'", body = wire::AccessToken),
        Guarded, ById, Stateful, Always))]
pub async fn set_effective(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    NumberPath(number): NumberPath,
) -> Result<Json<wire::AccessToken>, ApiError> {
    let now = now();
    let mut change = TokenChange::begin(&state, p.org, number).await?;
    change.stored.token.set_effective(&by(&p), now)?;
    let token = change
        .commit_state(&state, &p, "access_token.set_effective", now)
        .await?;
    Ok(Json(token))
}

/// Set an access token 'Not Effective'.
///
/// Permission `fms.accesstoken.update`. Manually SET AS 'NOT EFFECTIVE' (seed 002): only an 'Effective' token, and
/// not while a rewards participant that is not terminated is linked (409). Its operator sessions end.
#[utoipa::path(post, path = "/v1/access-tokens/{id}/set-not-effective", operation_id = "set_access_token_not_effective", tag = "access-tokens",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The access token's number")),
    responses((status = 200, description = "The access token, 'Not Effective'", body = wire::AccessToken),
        Guarded, ById, Stateful, Always))]
pub async fn set_not_effective(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    NumberPath(number): NumberPath,
) -> Result<Json<wire::AccessToken>, ApiError> {
    let now = now();
    let mut change = TokenChange::begin(&state, p.org, number).await?;
    let rewards = match change.stored.token.rewards_participant() {
        Some(id) => Some(rewards_participant(&mut change.tx, p.org, id).await?),
        None => None,
    };
    change
        .stored
        .token
        .set_not_effective(rewards.as_ref(), &by(&p), now)?;
    let token = change
        .commit_state(&state, &p, "access_token.set_not_effective", now)
        .await?;
    Ok(Json(token))
}

/// Delete an access token.
///
/// Permission `fms.accesstoken.delete`. Only 'Not Effective' tokens without associations (seed 002, Delete; 409
/// `delete_needs_not_effective`, `delete_needs_unassociated`). The row stays, marked deleted, so that redemptions
/// and the audit log still name their operator; its number is never given again, its identifier and
/// authentication code are free again.
#[utoipa::path(delete, path = "/v1/access-tokens/{id}", operation_id = "delete_access_token", tag = "access-tokens",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The access token's number")),
    responses((status = 204, description = "Deleted"), Guarded, ById, Stateful, Always))]
pub async fn delete(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessDelete>,
    NumberPath(number): NumberPath,
) -> Result<StatusCode, ApiError> {
    let now = now();
    let mut tx = state.store.write().await?;
    let stored = load(&mut tx, &state, p.org, number).await?;
    stored.token.ensure_deletable()?;
    tokens::mark_deleted(&mut tx, stored.row, now).await?;
    p.audit(
        &mut tx,
        "access_token.delete",
        &format!("access_token/{number}"),
        json!({ "identifier": stored.token.identifier().map(|i| i.as_str()) }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reset an access token's pass code.
///
/// Permission `fms.accesstoken.update`. Only while 'Effective' (seed 002; 409 `reset_pass_code_needs_effective`),
/// and only a token with an identifier has a pass code (422 `identifier_required`). Answers the token with the new
/// pass code, shown this once; the operator's sessions end.
#[utoipa::path(post, path = "/v1/access-tokens/{id}/reset-pass-code", operation_id = "reset_access_token_pass_code", tag = "access-tokens",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The access token's number")),
    responses((status = 200, description = "The access token and its new pass code",
            body = wire::AccessTokenWithSecrets),
        (status = 422, description = "The token has no identifier, so it has no pass code (`identifier_required`)",
            body = ErrorBody),
        Guarded, ById, Stateful, Always))]
pub async fn reset_pass_code(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    NumberPath(number): NumberPath,
) -> Result<Json<wire::AccessTokenWithSecrets>, ApiError> {
    let now = now();
    let mut change = TokenChange::begin(&state, p.org, number).await?;
    let definition = active_definition(&mut change.tx, p.org).await?;
    let class = own_classification(&mut change.tx, p.org, &change.stored.token).await?;
    let pass_code = change.stored.token.reset_pass_code(
        &definition,
        class.as_ref(),
        &by(&p),
        now,
        &mut rand::rng(),
    )?;
    let hash = PassCodeHash::Set(hashed(&pass_code).await?);
    store::sessions::revoke_for_access_token(&mut change.tx, change.stored.row, now).await?;
    let token = change
        .commit(
            &state,
            &p,
            hash,
            "access_token.reset_pass_code",
            json!({}),
            now,
        )
        .await?;
    Ok(Json(wire::AccessTokenWithSecrets {
        token,
        pass_code: Some(pass_code.expose().to_owned()),
        verification_code: None,
    }))
}

/// Reset an access token's verification code.
///
/// Permission `fms.accesstoken.update`. Only while 'Pending Verification' (seed 002, R12; 409
/// `reset_verification_needs_pending`). Answers the token with the new code to send; wrong attempts start again
/// from zero.
#[utoipa::path(post, path = "/v1/access-tokens/{id}/reset-verification-code", operation_id = "reset_access_token_verification_code", tag = "access-tokens",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The access token's number")),
    responses((status = 200, description = "The access token and its new verification code",
            body = wire::AccessTokenWithSecrets),
        Guarded, ById, Stateful, Always))]
pub async fn reset_verification_code(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    NumberPath(number): NumberPath,
) -> Result<Json<wire::AccessTokenWithSecrets>, ApiError> {
    let now = now();
    let mut change = TokenChange::begin(&state, p.org, number).await?;
    let code = change
        .stored
        .token
        .reset_verification_code(&by(&p), now, &mut rand::rng())?
        .as_str()
        .to_owned();
    tokens::reset_verify_failures(&mut change.tx, change.stored.row).await?;
    let action = "access_token.reset_verification_code";
    let token = change
        .commit(&state, &p, PassCodeHash::Keep, action, json!({}), now)
        .await?;
    Ok(Json(wire::AccessTokenWithSecrets {
        token,
        pass_code: None,
        verification_code: Some(code),
    }))
}

/// Verify an access token.
///
/// Permission `fms.accesstoken.update`. The verification code moves a 'Pending Verification' token to
/// 'Effective'. A wrong code is 422 `wrong_verification_code` and counts: after five the token refuses every code
/// (409 `verification_locked`) until its code is reset.
#[utoipa::path(post, path = "/v1/access-tokens/{id}/verify", operation_id = "verify_access_token", tag = "access-tokens",
    params(("id" = i64, Path, minimum = 1, maximum = 4294967295.0, description = "The access token's number")),
    request_body = wire::VerifyAccessToken,
    responses((status = 200, description = "The access token, 'Effective'", body = wire::AccessToken),
        Guarded, ById, WithBody, Stateful, Always))]
pub async fn verify(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    NumberPath(number): NumberPath,
    Body(body): Body<wire::VerifyAccessToken>,
) -> Result<Json<wire::AccessToken>, ApiError> {
    let now = now();
    let mut change = TokenChange::begin(&state, p.org, number).await?;
    let stored = &mut change.stored;
    if stored.token.state() == LifeCycleState::PendingVerification
        && stored.verify_failures >= MAX_VERIFY_ATTEMPTS
    {
        return Err(ApiError::server(
            ServerCode::VerificationLocked,
            format!(
                "{MAX_VERIFY_ATTEMPTS} wrong verification codes were tried: reset the verification code to get a new one"
            ),
        ));
    }
    match stored.token.verify(&body.verification_code, &by(&p), now) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::WrongVerificationCode => {
            // The attempt counts even though the request fails: commit it, then refuse.
            let failures = stored.verify_failures + 1;
            let mut tx = change.tx;
            tokens::count_verify_failure(&mut tx, change.stored.row).await?;
            p.audit(
                &mut tx,
                "access_token.verify_failed",
                &format!("access_token/{number}"),
                json!({ "failures": failures }),
                now,
            )
            .await?;
            tx.commit().await?;
            return Err(e.into());
        }
        Err(e) => return Err(e.into()),
    }
    let detail = json!({ "state": stored.token.state().as_str() });
    let token = change
        .commit(
            &state,
            &p,
            PassCodeHash::Keep,
            "access_token.verify",
            detail,
            now,
        )
        .await?;
    Ok(Json(token))
}
