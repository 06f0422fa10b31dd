//! Access tokens over HTTP (seed 002, issue 8): the tokens operators identify themselves with. Every change loads the
//! token and what the core needs (the active definition, the token's classification, its rewards participant),
//! calls one transition of `fieldtoken_core::access::AccessToken`, and stores the result with an audit row in one
//! `BEGIN IMMEDIATE` transaction. The server decides nothing about the life cycle itself.
//!
//! | method and path | permission |
//! |---|---|
//! | `GET /api/v1/access-tokens` | `fms.accesstoken.read` |
//! | `POST /api/v1/access-tokens` | `fms.accesstoken.create` |
//! | `GET /api/v1/access-tokens/{number}` | `fms.accesstoken.read` |
//! | `PATCH /api/v1/access-tokens/{number}` | `fms.accesstoken.update` |
//! | `DELETE /api/v1/access-tokens/{number}` | `fms.accesstoken.delete` |
//! | `POST /api/v1/access-tokens/{number}/set-effective` | `fms.accesstoken.update` |
//! | `POST /api/v1/access-tokens/{number}/set-not-effective` | `fms.accesstoken.update` |
//! | `POST /api/v1/access-tokens/{number}/reset-pass-code` | `fms.accesstoken.update` |
//! | `POST /api/v1/access-tokens/{number}/reset-verification-code` | `fms.accesstoken.update` |
//! | `POST /api/v1/access-tokens/{number}/verify` | `fms.accesstoken.update` |
//!
//! Secrets: the pass code is stored only as an Argon2id hash and shown once, in the answer of the call that
//! generated it (create, edit, reset); a typed one is never echoed. Authentication codes and verification codes are
//! sealed with the master key; a pending verification code is shown only by create and reset-verification-code (to
//! be sent to the operator), and once used it is shown as the seed's Verification Information. Sessions of a token
//! that leaves 'Effective', is deleted or has its pass code reset are revoked.
//!
//! # Status of each refusal
//!
//! [`access_error`] gives every core error of this area one status, so clients can branch on either:
//!
//! | status | codes | meaning |
//! |---|---|---|
//! | 404 `not_found` | | no such token, definition, classification, accounts receivable or participant in the organisation |
//! | 409 | `delete_needs_not_effective`, `delete_needs_unassociated`, `participant_not_terminated`, `association_locked`, `classification_locked`, `participant_other_account`, `pending_verification_locked`, `set_not_effective_needs_effective`, `set_effective_needs_not_effective`, `reset_pass_code_needs_effective`, `reset_verification_needs_pending`, `verify_needs_pending`, `not_associated`, `already_associated`, `accounts_receivable_terminated`, `rewards_participant_terminated`, `classification_mismatch`, `no_active_definition`, `several_active_definitions`; and the store's `identifier_taken`, `authentication_code_taken`, `name_taken`, `verification_locked` | a state rule: the request is well formed but the stored state refuses it |
//! | 422 | `bad_identifier`, `bad_pass_code`, `bad_authentication_code`, `read_only_field`, `identifier_required`, `pass_code_required`, `authentication_code_required`, `bad_definition`, `bad_name`, `wrong_verification_code` | a format rule: a value does not meet the definition's (or classification's) settings, or is missing |
//! | 403 | `access_token_not_effective`, `access_token_pending_verification`, `forbidden` | only 'Effective' tokens sign in (see `operator`) |
//! | 400 | any other core code (`bad_id`, ...) | malformed input |

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use fieldtoken_core::access::{
    AccessToken, AccessTokenEdit, AccessTokenForm, AccessTokenNumber, AccessTokenRecord,
    AccountsReceivableId, Actor as By, Classification, ClassificationId, LifeCycleState, PassCode,
    PassCodeChange, RewardsParticipantId,
};
use fieldtoken_core::{ErrorKind, OrgId, Permission, Timestamp};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};
use sqlx::SqliteConnection;

use crate::access_config::{active_definition, classification};
use crate::access_parties::{accounts_receivable, participant};
use crate::auth::{Authorized, Needs, Principal};
use crate::clock::{now, rfc3339};
use crate::http::extract::{Body, Query};
use crate::seal::MasterKey;
use crate::store;
use crate::store::audit::Actor;
use crate::{ApiError, AppState};

/// Wrong verification codes accepted before verification is locked until the code is reset.
pub const MAX_VERIFY_ATTEMPTS: i64 = 5;
/// The most tokens one page lists.
pub const MAX_PAGE: u32 = 200;
const DEFAULT_PAGE: u32 = 50;

macro_rules! needs {
    ($($(#[$doc:meta])* $name:ident => $permission:ident;)*) => {$(
        $(#[$doc])*
        pub struct $name;
        impl Needs for $name {
            const PERMISSION: Permission = Permission::$permission;
        }
    )*};
}

needs! {
    /// `fms.accesstoken.read`
    AccessRead => AccessTokenRead;
    /// `fms.accesstoken.create`
    AccessCreate => AccessTokenCreate;
    /// `fms.accesstoken.update`
    AccessUpdate => AccessTokenUpdate;
    /// `fms.accesstoken.delete`
    AccessDelete => AccessTokenDelete;
}

/// `{ "items": [...] }`
#[derive(Serialize, Debug)]
pub struct Items<T> {
    /// The items.
    pub items: Vec<T>,
}

/// A core error of the access area as an API error, with the status of the table in this module's documentation.
pub fn access_error(error: fieldtoken_core::Error) -> ApiError {
    use ErrorKind as K;
    let status = match error.kind() {
        K::DeleteNeedsNotEffective
        | K::DeleteNeedsUnassociated
        | K::ParticipantNotTerminated
        | K::AssociationLocked
        | K::ClassificationLocked
        | K::ParticipantOtherAccount
        | K::PendingVerificationLocked
        | K::SetNotEffectiveNeedsEffective
        | K::SetEffectiveNeedsNotEffective
        | K::ResetPassCodeNeedsEffective
        | K::ResetVerificationNeedsPending
        | K::VerifyNeedsPending
        | K::NotAssociated
        | K::AlreadyAssociated
        | K::AccountsReceivableTerminated
        | K::RewardsParticipantTerminated
        | K::ClassificationMismatch
        | K::NoActiveDefinition
        | K::SeveralActiveDefinitions => StatusCode::CONFLICT,
        K::BadIdentifier
        | K::BadPassCode
        | K::BadAuthenticationCode
        | K::ReadOnlyField
        | K::IdentifierRequired
        | K::PassCodeRequired
        | K::AuthenticationCodeRequired
        | K::BadDefinition
        | K::BadName
        | K::WrongVerificationCode => StatusCode::UNPROCESSABLE_ENTITY,
        K::AccessTokenNotEffective | K::AccessTokenPendingVerification | K::Forbidden => {
            StatusCode::FORBIDDEN
        }
        _ => StatusCode::BAD_REQUEST,
    };
    ApiError::new(status, error.kind().code(), error.to_string())
}

/// The name the core's log and verification information record for this caller.
pub fn by(p: &Principal) -> By {
    By::new(&p.name).unwrap_or_else(|_| By::system())
}

// ---------------------------------------------------------------------------------------------------------------
// Pass code hashing

fn hashing_failed() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "hashing_unavailable",
        "the pass code could not be hashed right now; nothing was changed, try again",
    )
}

/// The Argon2id PHC string of a pass code, with a fresh 16-byte salt. Runs off the async threads: a hash takes tens
/// of milliseconds on purpose.
pub async fn hash_pass_code(pass_code: &PassCode) -> Result<String, ApiError> {
    use argon2::password_hash::PasswordHasher;
    let plain = pass_code.expose().as_bytes().to_vec();
    let mut salt = [0u8; 16];
    rand::fill(&mut salt);
    tokio::task::spawn_blocking(move || {
        argon2::Argon2::default()
            .hash_password_with_salt(&plain, &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|_| hashing_failed())?
    .map_err(|_| hashing_failed())
}

/// Whether `typed` is the pass code of `hash`. With no hash, a made-up one is checked all the same, so that an
/// unknown identifier takes as long to refuse as a wrong pass code.
pub async fn pass_code_matches(hash: Option<String>, typed: &str) -> bool {
    use argon2::password_hash::PasswordVerifier;
    use argon2::password_hash::phc::PasswordHash;
    // A valid hash of no pass code anyone can type (it holds a control character, which the core refuses).
    const DECOY: &str = "$argon2id$v=19$m=19456,t=2,p=1$ZmllbGR0b2tlbmRlY295$0d7lfl2WJ4Y1JwRLmOCmn7Qfl4Wvq6Tz1X4XvLLkzJE";
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| DECOY.to_owned());
    let typed = typed.as_bytes().to_vec();
    let matched = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            argon2::Argon2::default()
                .verify_password(&typed, &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false);
    known && matched
}

// ---------------------------------------------------------------------------------------------------------------
// Storage

fn auth_code_label(org: OrgId, number: AccessTokenNumber) -> String {
    format!("fieldtoken/access-token/authentication-code/{org}/{number}")
}

fn verification_label(org: OrgId, number: AccessTokenNumber) -> String {
    format!("fieldtoken/access-token/verification-code/{org}/{number}")
}

/// The keyed hash an authentication code is found by (sign-in, uniqueness), the same in every organisation so that
/// a sign-in without an organisation finds it.
pub fn authentication_code_lookup(master: &MasterKey, code: &str) -> Vec<u8> {
    master.code_lookup(format!("fieldtoken/access-token/authentication-code\n{code}").as_bytes())
}

/// A stored access token row.
#[derive(sqlx::FromRow, Debug)]
pub struct TokenRow {
    /// Row id.
    pub id: i64,
    /// Organisation.
    pub org_id: i64,
    /// The token's number in its organisation.
    pub number: i64,
    sealed_authentication_code: Vec<u8>,
    identifier: Option<String>,
    /// The pass code's Argon2id PHC string.
    pub pass_code_hash: Option<String>,
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
    /// Wrong verification codes since the last reset.
    pub verify_failures: i64,
}

/// The columns of [`TokenRow`].
pub const TOKEN_COLUMNS: &str = "id, org_id, number, sealed_authentication_code, identifier, pass_code_hash, state, \
     accounts_receivable_id, rewards_participant_id, classification_id, created_at, created_by, updated_at, \
     updated_by, sealed_verification_code, verified_on, verified_by, verify_failures";

/// A token loaded for a change: its row and the core's token.
#[derive(Debug)]
pub struct Loaded {
    /// The stored row.
    pub row: TokenRow,
    /// The core's token.
    pub token: AccessToken,
}

impl Loaded {
    /// The organisation.
    pub fn org(&self) -> Result<OrgId, ApiError> {
        Ok(OrgId::from_i64(self.row.org_id)?)
    }
}

/// The core's token from its row, codes unsealed.
pub fn token_of_row(master: &MasterKey, row: TokenRow) -> Result<Loaded, ApiError> {
    let org = OrgId::from_i64(row.org_id)?;
    let number = AccessTokenNumber::from_i64(row.number)?;
    let text = |bytes: Vec<u8>| {
        String::from_utf8(bytes).map_err(|_| {
            ApiError::bad_request("bad_format", "a stored access token code is not text")
        })
    };
    let authentication_code = text(master.open(
        &auth_code_label(org, number),
        &row.sealed_authentication_code,
    )?)?;
    let verification_code = match &row.sealed_verification_code {
        Some(sealed) => Some(text(
            master.open(&verification_label(org, number), sealed)?,
        )?),
        None => None,
    };
    let record = AccessTokenRecord {
        number,
        authentication_code,
        identifier: row.identifier.clone(),
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
        created_by: row.created_by.clone(),
        updated_at: Timestamp::from_millis(row.updated_at),
        updated_by: row.updated_by.clone(),
        verification_code,
        verified_on: row.verified_on.map(Timestamp::from_millis),
        verified_by: row.verified_by.clone(),
    };
    let token = AccessToken::from_record(record)?;
    Ok(Loaded { row, token })
}

/// The organisation's live (not deleted) token with this number; 404 otherwise.
pub async fn load_token(
    conn: &mut SqliteConnection,
    master: &MasterKey,
    org: OrgId,
    number: AccessTokenNumber,
) -> Result<Loaded, ApiError> {
    let row: TokenRow = sqlx::query_as(&format!(
        "SELECT {TOKEN_COLUMNS} FROM access_tokens WHERE org_id = ? AND number = ? AND deleted_at IS NULL"
    ))
    .bind(i64::from(org.get()))
    .bind(i64::from(number.get()))
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| ApiError::not_found("access token"))?;
    token_of_row(master, row)
}

/// What to do with the stored pass code hash.
pub enum StoreHash {
    /// Keep it.
    Keep,
    /// Replace it with this PHC string.
    Set(String),
    /// Remove it.
    Clear,
}

/// The store's part of the rules: identifiers and authentication codes are unique among the organisation's live
/// tokens (409 `identifier_taken` / `authentication_code_taken`). `row` is the token itself, when it exists.
async fn ensure_unique(
    conn: &mut SqliteConnection,
    master: &MasterKey,
    org: OrgId,
    row: Option<i64>,
    token: &AccessToken,
) -> Result<(), ApiError> {
    let org_id = i64::from(org.get());
    if let Some(identifier) = token.identifier() {
        let other: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM access_tokens WHERE org_id = ? AND identifier = ? AND deleted_at IS NULL AND id IS NOT ?",
        )
        .bind(org_id)
        .bind(identifier.as_str())
        .bind(row)
        .fetch_optional(&mut *conn)
        .await?;
        if other.is_some() {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "identifier_taken",
                format!("another access token already has the identifier '{identifier}'"),
            ));
        }
    }
    let other: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM access_tokens WHERE org_id = ? AND authentication_code_lookup = ? AND deleted_at IS NULL AND id IS NOT ?",
    )
    .bind(org_id)
    .bind(authentication_code_lookup(
        master,
        token.authentication_code().as_str(),
    ))
    .bind(row)
    .fetch_optional(&mut *conn)
    .await?;
    if other.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "authentication_code_taken",
            "another access token already has this authentication code",
        ));
    }
    Ok(())
}

/// Writes a changed token back (inside the caller's transaction). A token that is not 'Effective' any more has its
/// operator sessions revoked, so that only 'Effective' tokens stay signed in.
pub async fn store_token(
    conn: &mut SqliteConnection,
    master: &MasterKey,
    loaded: &Loaded,
    hash: StoreHash,
    now: Timestamp,
) -> Result<(), ApiError> {
    let org = loaded.org()?;
    let token = &loaded.token;
    ensure_unique(conn, master, org, Some(loaded.row.id), token).await?;
    let record = token.to_record();
    let (set_hash, hash_value) = match hash {
        StoreHash::Keep => (false, None),
        StoreHash::Set(h) => (true, Some(h)),
        StoreHash::Clear => (true, None),
    };
    sqlx::query(
        "UPDATE access_tokens SET sealed_authentication_code = ?, authentication_code_lookup = ?, identifier = ?,
             pass_code_hash = CASE WHEN ? THEN ? ELSE pass_code_hash END, state = ?, accounts_receivable_id = ?,
             rewards_participant_id = ?, classification_id = ?, updated_at = ?, updated_by = ?,
             sealed_verification_code = ?, verified_on = ?, verified_by = ?
         WHERE id = ?",
    )
    .bind(master.seal(
        &auth_code_label(org, record.number),
        record.authentication_code.as_bytes(),
    ))
    .bind(authentication_code_lookup(master, &record.authentication_code))
    .bind(&record.identifier)
    .bind(set_hash)
    .bind(hash_value)
    .bind(record.state.as_str())
    .bind(record.accounts_receivable.map(|a| i64::from(a.get())))
    .bind(record.rewards_participant.map(|r| i64::from(r.get())))
    .bind(record.classification.map(|c| i64::from(c.get())))
    .bind(record.updated_at.as_millis())
    .bind(&record.updated_by)
    .bind(
        record
            .verification_code
            .as_ref()
            .map(|c| master.seal(&verification_label(org, record.number), c.as_bytes())),
    )
    .bind(record.verified_on.map(Timestamp::as_millis))
    .bind(&record.verified_by)
    .bind(loaded.row.id)
    .execute(&mut *conn)
    .await?;
    if record.state != LifeCycleState::Effective {
        revoke_sessions(conn, loaded.row.id, now).await?;
    }
    Ok(())
}

/// Revokes the operator sessions signed in with this token.
pub async fn revoke_sessions(
    conn: &mut SqliteConnection,
    token_row: i64,
    now: Timestamp,
) -> Result<(), ApiError> {
    sqlx::query(
        "UPDATE api_tokens SET revoked_at = ? WHERE access_token_id = ? AND revoked_at IS NULL",
    )
    .bind(now.as_millis())
    .bind(token_row)
    .execute(conn)
    .await?;
    Ok(())
}

/// The token's classification, when it has one (its settings apply to edits and resets).
async fn own_classification(
    conn: &mut SqliteConnection,
    org: OrgId,
    token: &AccessToken,
) -> Result<Option<Classification>, ApiError> {
    match token.classification() {
        Some(id) => Ok(Some(classification(conn, org, id).await?)),
        None => Ok(None),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Wire forms

/// Log information.
#[derive(Serialize, Debug)]
pub struct LogJson {
    created_at: String,
    created_by: String,
    updated_at: String,
    updated_by: String,
}

/// Verification information. `code` is shown once the token is verified (the code that was used); while the token
/// is 'Pending Verification' it is shown only by create and reset-verification-code.
#[derive(Serialize, Debug)]
pub struct VerificationJson {
    verified_on: Option<String>,
    verified_by: Option<String>,
    code: Option<String>,
}

/// An access token as the API shows it. Never the pass code nor its hash: `has_pass_code` says whether one is set.
#[derive(Serialize, Debug)]
pub struct AccessTokenJson {
    number: u32,
    authentication_code: String,
    identifier: Option<String>,
    has_pass_code: bool,
    state: &'static str,
    state_label: &'static str,
    accounts_receivable_id: Option<u32>,
    rewards_participant_id: Option<u32>,
    classification_id: Option<u32>,
    log: LogJson,
    verification: VerificationJson,
}

/// The JSON of a token.
pub fn token_json(token: &AccessToken) -> AccessTokenJson {
    let log = token.log();
    let v = token.verification();
    AccessTokenJson {
        number: token.number().get(),
        authentication_code: token.authentication_code().as_str().to_owned(),
        identifier: token.identifier().map(|i| i.as_str().to_owned()),
        has_pass_code: token.has_pass_code(),
        state: token.state().as_str(),
        state_label: token.state().label(),
        accounts_receivable_id: token.accounts_receivable().map(AccountsReceivableId::get),
        rewards_participant_id: token.rewards_participant().map(RewardsParticipantId::get),
        classification_id: token.classification().map(ClassificationId::get),
        log: LogJson {
            created_at: rfc3339(log.created_at()),
            created_by: log.created_by().to_string(),
            updated_at: rfc3339(log.updated_at()),
            updated_by: log.updated_by().to_string(),
        },
        verification: VerificationJson {
            verified_on: v.verified_on().map(rfc3339),
            verified_by: v.verified_by().map(ToString::to_string),
            code: v.verified_on().and(v.code()).map(|c| c.as_str().to_owned()),
        },
    }
}

/// A token with the secrets a call shows once.
#[derive(Serialize, Debug)]
pub struct WithSecrets {
    #[serde(flatten)]
    token: AccessTokenJson,
    /// A generated pass code, shown this once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pass_code: Option<String>,
    /// A new verification code, to send to the operator.
    #[serde(skip_serializing_if = "Option::is_none")]
    verification_code: Option<String>,
}

/// An access token number in the path: 1 to 4294967295, else 400 `bad_id`.
pub struct NumberPath(pub AccessTokenNumber);

impl<S: Send + Sync> FromRequestParts<S> for NumberPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let crate::http::extract::IdPath(id) =
            crate::http::extract::IdPath::from_request_parts(parts, state).await?;
        Ok(NumberPath(AccessTokenNumber::from_i64(id)?))
    }
}

/// `Some(None)` for an explicit `null`, `Some(Some(v))` for a value; a missing field stays `None` (serde default).
fn explicit<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

// ---------------------------------------------------------------------------------------------------------------
// Handlers

/// `GET /api/v1/access-tokens` query: `state` filters, `q` searches identifiers, `cursor` is the `next` of the
/// page before.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    state: Option<String>,
    q: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
}

/// A page of tokens, newest first.
#[derive(Serialize)]
pub struct TokenPage {
    items: Vec<AccessTokenJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

/// `GET /api/v1/access-tokens?state=&q=&cursor=&limit=`
pub async fn list(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessRead>,
    Query(query): Query<ListQuery>,
) -> Result<Json<TokenPage>, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
    let life = query
        .state
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(LifeCycleState::parse)
        .transpose()?;
    let before = match query.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(c.parse::<i64>().ok().filter(|&c| c > 0).ok_or_else(|| {
            ApiError::bad_request("bad_cursor", "this cursor is not one the API gave")
        })?),
    };
    let pattern = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| {
            format!(
                "%{}%",
                q.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
    let rows: Vec<TokenRow> = sqlx::query_as(&format!(
        "SELECT {TOKEN_COLUMNS} FROM access_tokens
         WHERE org_id = ?1 AND deleted_at IS NULL AND (?2 IS NULL OR state = ?2)
           AND (?3 IS NULL OR identifier LIKE ?3 ESCAPE '\\') AND (?4 IS NULL OR number < ?4)
         ORDER BY number DESC LIMIT ?5"
    ))
    .bind(i64::from(p.org.get()))
    .bind(life.map(LifeCycleState::as_str))
    .bind(pattern)
    .bind(before)
    .bind(i64::from(limit) + 1)
    .fetch_all(state.store.pool())
    .await?;
    let more = rows.len() > limit as usize;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows.into_iter().take(limit as usize) {
        items.push(token_json(&token_of_row(&state.master, row)?.token));
    }
    let next = more
        .then(|| items.last().map(|t| t.number.to_string()))
        .flatten();
    Ok(Json(TokenPage { items, next }))
}

/// `GET /api/v1/access-tokens/{number}`
pub async fn get(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessRead>,
    NumberPath(number): NumberPath,
) -> Result<Json<AccessTokenJson>, ApiError> {
    let mut conn = state.store.pool().acquire().await?;
    let loaded = load_token(&mut conn, &state.master, p.org, number).await?;
    Ok(Json(token_json(&loaded.token)))
}

/// `POST /api/v1/access-tokens` body: the "new access token" screen. Generated fields are left out.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTokenBody {
    authentication_code: Option<String>,
    identifier: Option<String>,
    pass_code: Option<String>,
    accounts_receivable_id: Option<u32>,
    rewards_participant_id: Option<u32>,
    classification_id: Option<u32>,
}

/// `POST /api/v1/access-tokens` → 201 with the token, its generated pass code (this once) and, when the active
/// definition requires verification, its verification code.
pub async fn create(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessCreate>,
    Body(body): Body<NewTokenBody>,
) -> Result<(StatusCode, Json<WithSecrets>), ApiError> {
    let account = body
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
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let definition = active_definition(&mut tx, p.org).await?;
    let class = match classification_id {
        Some(id) => Some(classification(&mut tx, p.org, id).await?),
        None => None,
    };
    let account = match account {
        Some(id) => Some(accounts_receivable(&mut tx, p.org, id).await?),
        None => None,
    };
    let rewards = match participant_id {
        Some(id) => Some(participant(&mut tx, p.org, id).await?),
        None => None,
    };
    let next: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM access_tokens WHERE org_id = ?",
    )
    .bind(i64::from(p.org.get()))
    .fetch_one(&mut *tx)
    .await?;
    let number = AccessTokenNumber::from_i64(next)?;
    let form = AccessTokenForm {
        authentication_code: body.authentication_code.as_deref(),
        identifier: body.identifier.as_deref(),
        pass_code: body.pass_code.as_deref(),
        accounts_receivable: account.as_ref(),
        rewards_participant: rewards.as_ref(),
        classification: class.as_ref(),
    };
    let created = AccessToken::create(number, &form, &definition, &by(&p), now, &mut rand::rng())
        .map_err(access_error)?;
    let token = created.token;
    ensure_unique(&mut tx, &state.master, p.org, None, &token).await?;
    let hash = match &created.pass_code {
        Some(pass_code) => Some(hash_pass_code(pass_code).await?),
        None => None,
    };
    let record = token.to_record();
    sqlx::query(
        "INSERT INTO access_tokens (org_id, number, sealed_authentication_code, authentication_code_lookup, identifier,
             pass_code_hash, state, accounts_receivable_id, rewards_participant_id, classification_id, created_at,
             created_by, updated_at, updated_by, sealed_verification_code)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(i64::from(p.org.get()))
    .bind(next)
    .bind(state.master.seal(
        &auth_code_label(p.org, number),
        record.authentication_code.as_bytes(),
    ))
    .bind(authentication_code_lookup(
        &state.master,
        &record.authentication_code,
    ))
    .bind(&record.identifier)
    .bind(hash)
    .bind(record.state.as_str())
    .bind(account.as_ref().map(|a| i64::from(a.id.get())))
    .bind(participant_id.map(|r| i64::from(r.get())))
    .bind(classification_id.map(|c| i64::from(c.get())))
    .bind(now.as_millis())
    .bind(&record.created_by)
    .bind(now.as_millis())
    .bind(&record.updated_by)
    .bind(
        record
            .verification_code
            .as_ref()
            .map(|c| state.master.seal(&verification_label(p.org, number), c.as_bytes())),
    )
    .execute(&mut *tx)
    .await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "access_token.create",
        &format!("access_token/{number}"),
        json!({
            "identifier": record.identifier,
            "state": record.state.as_str(),
            "accounts_receivable_id": account.as_ref().map(|a| a.id.get()),
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
        Json(WithSecrets {
            token: token_json(&token),
            pass_code: created
                .pass_code
                .filter(|_| !typed)
                .map(|c| c.expose().to_owned()),
            verification_code: record.verification_code.clone(),
        }),
    ))
}

/// `PATCH /api/v1/access-tokens/{number}` body: the "edit access token" screen. A field left out is unchanged;
/// `identifier: null` removes the identifier (and the pass code). The accounts receivable, rewards participant and
/// classification may be sent back unchanged, never changed (`association_locked`, `classification_locked`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditBody {
    authentication_code: Option<String>,
    #[serde(default, deserialize_with = "explicit")]
    identifier: Option<Option<String>>,
    pass_code: Option<String>,
    #[serde(default, deserialize_with = "explicit")]
    accounts_receivable_id: Option<Option<u32>>,
    #[serde(default, deserialize_with = "explicit")]
    rewards_participant_id: Option<Option<u32>>,
    #[serde(default, deserialize_with = "explicit")]
    classification_id: Option<Option<u32>>,
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

/// `PATCH /api/v1/access-tokens/{number}` → the token, with the pass code when the edit generated one.
pub async fn edit(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    NumberPath(number): NumberPath,
    Body(body): Body<EditBody>,
) -> Result<Json<WithSecrets>, ApiError> {
    let changes = AccessTokenEdit {
        authentication_code: body.authentication_code.as_deref(),
        identifier: body.identifier.as_ref().map(Option::as_deref),
        pass_code: body.pass_code.as_deref(),
        accounts_receivable: id_change(body.accounts_receivable_id, AccountsReceivableId::new)?,
        rewards_participant: id_change(body.rewards_participant_id, RewardsParticipantId::new)?,
        classification: id_change(body.classification_id, ClassificationId::new)?,
    };
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let mut loaded = load_token(&mut tx, &state.master, p.org, number).await?;
    let definition = active_definition(&mut tx, p.org).await?;
    let class = own_classification(&mut tx, p.org, &loaded.token).await?;
    let change = loaded
        .token
        .edit(
            &changes,
            &definition,
            class.as_ref(),
            &by(&p),
            now,
            &mut rand::rng(),
        )
        .map_err(access_error)?;
    let (hash, shown) = match &change {
        PassCodeChange::Keep => (StoreHash::Keep, None),
        PassCodeChange::Clear => (StoreHash::Clear, None),
        PassCodeChange::Set(pass_code) => {
            let typed = body.pass_code.as_deref().is_some_and(|t| !t.is_empty());
            (
                StoreHash::Set(hash_pass_code(pass_code).await?),
                (!typed).then(|| pass_code.expose().to_owned()),
            )
        }
    };
    if !matches!(change, PassCodeChange::Keep) {
        // A new or removed pass code ends the sessions signed in with the old one.
        revoke_sessions(&mut tx, loaded.row.id, now).await?;
    }
    store_token(&mut tx, &state.master, &loaded, hash, now).await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "access_token.edit",
        &format!("access_token/{number}"),
        json!({
            "identifier": loaded.token.identifier().map(|i| i.as_str()),
            "authentication_code_changed": body.authentication_code.is_some(),
            "pass_code": match change { PassCodeChange::Keep => "kept", PassCodeChange::Set(_) => "set", PassCodeChange::Clear => "removed" },
        }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(WithSecrets {
        token: token_json(&loaded.token),
        pass_code: shown,
        verification_code: None,
    }))
}

#[allow(clippy::too_many_arguments)]
async fn finish(
    mut tx: sqlx::Transaction<'_, sqlx::Sqlite>,
    state: &AppState,
    p: &Principal,
    loaded: &Loaded,
    hash: StoreHash,
    action: &str,
    detail: Value,
    now: Timestamp,
) -> Result<(), ApiError> {
    store_token(&mut tx, &state.master, loaded, hash, now).await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(p),
        action,
        &format!("access_token/{}", loaded.token.number()),
        detail,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `POST /api/v1/access-tokens/{number}/set-effective`: manually SET AS 'EFFECTIVE' (seed 002).
pub async fn set_effective(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    NumberPath(number): NumberPath,
) -> Result<Json<AccessTokenJson>, ApiError> {
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let mut loaded = load_token(&mut tx, &state.master, p.org, number).await?;
    loaded
        .token
        .set_effective(&by(&p), now)
        .map_err(access_error)?;
    let detail = json!({ "state": loaded.token.state().as_str() });
    finish(
        tx,
        &state,
        &p,
        &loaded,
        StoreHash::Keep,
        "access_token.set_effective",
        detail,
        now,
    )
    .await?;
    Ok(Json(token_json(&loaded.token)))
}

/// `POST /api/v1/access-tokens/{number}/set-not-effective`: manually SET AS 'NOT EFFECTIVE' (seed 002); refused
/// while a rewards participant that is not terminated is linked.
pub async fn set_not_effective(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    NumberPath(number): NumberPath,
) -> Result<Json<AccessTokenJson>, ApiError> {
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let mut loaded = load_token(&mut tx, &state.master, p.org, number).await?;
    let rewards = match loaded.token.rewards_participant() {
        Some(id) => Some(participant(&mut tx, p.org, id).await?),
        None => None,
    };
    loaded
        .token
        .set_not_effective(rewards.as_ref(), &by(&p), now)
        .map_err(access_error)?;
    let detail = json!({ "state": loaded.token.state().as_str() });
    finish(
        tx,
        &state,
        &p,
        &loaded,
        StoreHash::Keep,
        "access_token.set_not_effective",
        detail,
        now,
    )
    .await?;
    Ok(Json(token_json(&loaded.token)))
}

/// `DELETE /api/v1/access-tokens/{number}` → 204: only 'Not Effective' and unassociated tokens (seed 002, Delete).
/// The row stays, marked deleted, so that redemptions and the audit log still name their operator; its number is
/// never given again, its identifier and authentication code are free again.
pub async fn delete(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessDelete>,
    NumberPath(number): NumberPath,
) -> Result<StatusCode, ApiError> {
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let loaded = load_token(&mut tx, &state.master, p.org, number).await?;
    loaded.token.ensure_deletable().map_err(access_error)?;
    sqlx::query("UPDATE access_tokens SET deleted_at = ? WHERE id = ?")
        .bind(now.as_millis())
        .bind(loaded.row.id)
        .execute(&mut *tx)
        .await?;
    revoke_sessions(&mut tx, loaded.row.id, now).await?;
    store::audit::record(
        &mut tx,
        p.org,
        &Actor::from(&p),
        "access_token.delete",
        &format!("access_token/{number}"),
        json!({ "identifier": loaded.token.identifier().map(|i| i.as_str()) }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/access-tokens/{number}/reset-pass-code`: only while 'Effective' (seed 002). Answers the token with
/// the new pass code, shown this once; the operator's sessions end.
pub async fn reset_pass_code(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    NumberPath(number): NumberPath,
) -> Result<Json<WithSecrets>, ApiError> {
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let mut loaded = load_token(&mut tx, &state.master, p.org, number).await?;
    let definition = active_definition(&mut tx, p.org).await?;
    let class = own_classification(&mut tx, p.org, &loaded.token).await?;
    let pass_code = loaded
        .token
        .reset_pass_code(&definition, class.as_ref(), &by(&p), now, &mut rand::rng())
        .map_err(access_error)?;
    let hash = hash_pass_code(&pass_code).await?;
    revoke_sessions(&mut tx, loaded.row.id, now).await?;
    finish(
        tx,
        &state,
        &p,
        &loaded,
        StoreHash::Set(hash),
        "access_token.reset_pass_code",
        json!({}),
        now,
    )
    .await?;
    Ok(Json(WithSecrets {
        token: token_json(&loaded.token),
        pass_code: Some(pass_code.expose().to_owned()),
        verification_code: None,
    }))
}

/// `POST /api/v1/access-tokens/{number}/reset-verification-code`: only while 'Pending Verification' (seed 002,
/// R12). Answers the token with the new code to send; wrong attempts start again from zero.
pub async fn reset_verification_code(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    NumberPath(number): NumberPath,
) -> Result<Json<WithSecrets>, ApiError> {
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let mut loaded = load_token(&mut tx, &state.master, p.org, number).await?;
    let code = loaded
        .token
        .reset_verification_code(&by(&p), now, &mut rand::rng())
        .map_err(access_error)?
        .as_str()
        .to_owned();
    sqlx::query("UPDATE access_tokens SET verify_failures = 0 WHERE id = ?")
        .bind(loaded.row.id)
        .execute(&mut *tx)
        .await?;
    finish(
        tx,
        &state,
        &p,
        &loaded,
        StoreHash::Keep,
        "access_token.reset_verification_code",
        json!({}),
        now,
    )
    .await?;
    Ok(Json(WithSecrets {
        token: token_json(&loaded.token),
        pass_code: None,
        verification_code: Some(code),
    }))
}

/// `POST /api/v1/access-tokens/{number}/verify` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyBody {
    verification_code: String,
}

/// `POST /api/v1/access-tokens/{number}/verify`: the verification code moves a 'Pending Verification' token to
/// 'Effective'. A wrong code is 422 `wrong_verification_code` and counts: after [`MAX_VERIFY_ATTEMPTS`] the token
/// refuses every code (409 `verification_locked`) until its code is reset.
pub async fn verify(
    State(state): State<AppState>,
    Authorized(p, _): Authorized<AccessUpdate>,
    NumberPath(number): NumberPath,
    Body(body): Body<VerifyBody>,
) -> Result<Json<AccessTokenJson>, ApiError> {
    let now = now();
    let mut tx = state.store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let mut loaded = load_token(&mut tx, &state.master, p.org, number).await?;
    if loaded.token.state() == LifeCycleState::PendingVerification
        && loaded.row.verify_failures >= MAX_VERIFY_ATTEMPTS
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "verification_locked",
            format!(
                "{MAX_VERIFY_ATTEMPTS} wrong verification codes were tried: reset the verification code to get a new one"
            ),
        ));
    }
    match loaded.token.verify(&body.verification_code, &by(&p), now) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::WrongVerificationCode => {
            // The attempt counts even though the request fails: commit it, then refuse.
            sqlx::query(
                "UPDATE access_tokens SET verify_failures = verify_failures + 1 WHERE id = ?",
            )
            .bind(loaded.row.id)
            .execute(&mut *tx)
            .await?;
            store::audit::record(
                &mut tx,
                p.org,
                &Actor::from(&p),
                "access_token.verify_failed",
                &format!("access_token/{number}"),
                json!({ "failures": loaded.row.verify_failures + 1 }),
                now,
            )
            .await?;
            tx.commit().await?;
            return Err(access_error(e));
        }
        Err(e) => return Err(access_error(e)),
    }
    let detail = json!({ "state": loaded.token.state().as_str() });
    finish(
        tx,
        &state,
        &p,
        &loaded,
        StoreHash::Keep,
        "access_token.verify",
        detail,
        now,
    )
    .await?;
    Ok(Json(token_json(&loaded.token)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn pass_codes_hash_with_argon2id_and_only_the_right_one_matches() {
        // A pass code exists only through the core: a token created with a typed one.
        let definition = fieldtoken_core::access::AccessTokenDefinition::new(
            fieldtoken_core::access::AccessTokenDefinitionId::new(1).unwrap(),
            "Test",
            fieldtoken_core::access::CredentialSettings::default(),
        )
        .unwrap();
        let form = AccessTokenForm {
            identifier: Some("ana"),
            pass_code: Some("Correct horse 9"),
            ..AccessTokenForm::default()
        };
        let created = AccessToken::create(
            AccessTokenNumber::new(1).unwrap(),
            &form,
            &definition,
            &By::system(),
            Timestamp::from_millis(0),
            &mut rand::rng(),
        )
        .unwrap();
        let pass_code = created.pass_code.unwrap();
        let hash = hash_pass_code(&pass_code).await.unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains("Correct horse 9"));
        assert!(pass_code_matches(Some(hash.clone()), "Correct horse 9").await);
        assert!(!pass_code_matches(Some(hash), "correct horse 9").await);
        // No stored hash never matches, whatever is typed (the decoy is only there for the time it takes).
        assert!(!pass_code_matches(None, "").await);
        assert!(!pass_code_matches(None, "Correct horse 9").await);
    }
}
