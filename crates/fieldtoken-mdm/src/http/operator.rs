//! Operator sign-in: an operator identifies with an access token (identifier and pass code, or the authentication
//! code alone) in one organisation, named first, and gets a session bearer token for the PWA; a 'Pending
//! Verification' token is verified with its verification code and signed in at once (`verify`).
//!
//! Sessions are API tokens (SHA-256 of the secret stored) with no permission, so they can sync and read the offline
//! bundle and nothing else; they name the access token, expire after [`SESSION_HOURS`], and stop working as soon as
//! the token is not 'Effective' (see `store::api_tokens::find_live`). Redemptions synced with one record the
//! operator. Every sign-in, failed or not, is in the audit log of the organisation it was aimed at (a failure that
//! names no organisation and matches none has nowhere to go but the server's log).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fieldtoken_api::operator::{
    OperatorSession, OperatorSignIn, OperatorVerify, SessionOperator, SessionOrg,
};
use fieldtoken_api::{ErrorBody, ServerCode, Time};
use fieldtoken_core::access::{Actor as By, LifeCycleState, MAX_CREDENTIAL_CHARS};
use fieldtoken_core::{ErrorKind, OrgId, Timestamp};
use serde_json::{Value, json};

use super::access_tokens::MAX_VERIFY_ATTEMPTS;
use super::auth::Principal;
use super::doc::{Always, WithBody};
use super::extract::Peer;
use crate::clock::{now, rfc3339};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::limits::{Budget, Client};
use crate::store::access_tokens::{self as tokens, Credential, PassCodeHash, Stored};
use crate::store::audit::Actor;
use crate::{pass_code, store};

/// How long an operator session lasts: a working week, so that a phone that was offline for days can still sync its
/// queue under the operator who scanned it.
pub const SESSION_HOURS: i64 = 7 * 24;

fn bad_credentials() -> ApiError {
    ApiError::server(
        ServerCode::BadCredentials,
        "these sign-in details do not match any access token: check them, or ask an administrator",
    )
}

enum Credentials {
    Pass {
        identifier: String,
        pass_code: String,
    },
    Code(String),
}

impl Credentials {
    /// What the audit log says the operator signed in by.
    fn by(&self) -> &'static str {
        match self {
            Credentials::Pass { .. } => "identifier",
            Credentials::Code(_) => "authentication_code",
        }
    }

    fn identifier(&self) -> Option<&str> {
        match self {
            Credentials::Pass { identifier, .. } => Some(identifier),
            Credentials::Code(_) => None,
        }
    }
}

fn credentials(body: OperatorSignIn) -> Result<Credentials, ApiError> {
    let bad = || {
        ApiError::server(
            ServerCode::BadSignIn,
            "send an identifier with its pass code, or an authentication code alone",
        )
    };
    // Longer than any credential the core accepts: refused before any hashing.
    let too_long = |t: &str| t.chars().count() > MAX_CREDENTIAL_CHARS;
    match (body.identifier, body.pass_code, body.authentication_code) {
        (Some(identifier), Some(pass_code), None) => {
            let identifier = identifier.trim().to_owned();
            if identifier.is_empty() || pass_code.is_empty() {
                return Err(bad());
            }
            if too_long(&identifier) || too_long(&pass_code) {
                return Err(bad_credentials());
            }
            Ok(Credentials::Pass {
                identifier,
                pass_code,
            })
        }
        (None, None, Some(code)) => {
            let code = code.trim().to_owned();
            if code.is_empty() {
                return Err(bad());
            }
            if too_long(&code) {
                return Err(bad_credentials());
            }
            Ok(Credentials::Code(code))
        }
        _ => Err(bad()),
    }
}

/// Records a refused sign-in in its own transaction (the refusal itself writes nothing else).
async fn audit_failure(
    state: &AppState,
    org: Option<OrgId>,
    remote: &Peer,
    target: String,
    detail: Value,
) -> Result<(), ApiError> {
    let Some(org) = org else {
        tracing::info!(%detail, remote = ?remote.ip(), "operator sign-in refused, no organisation matched");
        return Ok(());
    };
    let mut tx = state.store.write().await?;
    let actor = Actor {
        id: None,
        name: "operator sign-in".to_owned(),
        remote: remote.ip(),
    };
    store::audit::record(
        &mut tx,
        org,
        &actor,
        "operator.sign_in_failed",
        &target,
        detail,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Runs a sign-in or a verification under the guesses budget: an address or an identifier with no guess left gets
/// 429 `rate_limited` before anything is checked, and each wrong answer (`bad_credentials`,
/// `wrong_verification_code`) spends one guess of the address and one of the identifier named, so many addresses
/// cannot share out the guesses at one operator's pass code.
async fn guarded<T>(
    state: &AppState,
    remote: &Peer,
    identifier: Option<&str>,
    attempt: impl Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    let client = Client::of_addr(remote.0);
    let identifier = identifier
        .filter(|i| i.chars().count() <= MAX_CREDENTIAL_CHARS)
        .map(Client::of_identifier);
    state.limiter.check(Budget::Guesses, client)?;
    if let Some(identifier) = identifier {
        state
            .limiter
            .take_identifier(&state.store, identifier, 0)
            .await?;
    }
    let result = attempt.await;
    if let Err(error) = &result
        && (error.code() == ServerCode::BadCredentials.code()
            || error.code() == ErrorKind::WrongVerificationCode.code())
    {
        if let Some(identifier) = identifier {
            state
                .limiter
                .take_identifier(&state.store, identifier, 1)
                .await?;
        }
        state.limiter.spend(Budget::Guesses, client)?;
    }
    result
}

/// Sign an operator in.
///
/// Anonymous: the access token's credentials are the sign-in. The organisation comes first: `org` names it, and
/// without `org` the server's only organisation is meant; a server holding several answers 409 `org_required` to
/// every sign-in without `org`, whatever the credentials, so no answer depends on another organisation's data.
/// Only 'Effective' tokens sign in (seed 002; 403 `access_token_not_effective`, `access_token_pending_verification`
/// with the core's words: a pending one verifies at `POST /api/v1/operator/verify`). Credentials that match nothing
/// are 401 `bad_credentials` (the same answer, and about the same time, for an unknown identifier and a wrong pass
/// code) and spend one guess of the address and one of the identifier named: an address or an identifier with none
/// left gets 429 `rate_limited` before anything is checked, so pass codes cannot be guessed at speed. The
/// authentication code alone signs in only a token with no identifier and no pass code, while the active definition
/// allows such tokens, and never an auto-numbered code (401 `bad_credentials` otherwise). Any other combination of
/// fields is 422 `bad_sign_in`.
#[utoipa::path(post, path = "/v1/operator/session", operation_id = "operator_sign_in", tag = "operators", security(()),
    request_body = OperatorSignIn,
    responses((status = 201, description = "A session for the operator", body = OperatorSession),
        (status = 401, description = "The credentials match no access token", body = ErrorBody),
        (status = 403, description = "The access token is not 'Effective'", body = ErrorBody),
        (status = 409, description = "The server holds several organisations and the sign-in names none: send `org`",
            body = ErrorBody),
        WithBody, Always))]
pub async fn sign_in(
    State(state): State<AppState>,
    remote: Peer,
    super::extract::Body(body): super::extract::Body<OperatorSignIn>,
) -> Result<(StatusCode, Json<OperatorSession>), ApiError> {
    let identifier = body.identifier.clone();
    let attempt = async {
        let (credentials, stored) = identify(&state, &remote, body).await?;
        if let Err(refused) = stored.token.authenticate() {
            audit_failure(
                &state,
                Some(stored.org),
                &remote,
                format!("access_token/{}", stored.token.number()),
                failure(&credentials, refused.kind().code()),
            )
            .await?;
            return Err(refused.into());
        }
        open_session(&state, &remote, &credentials, &stored).await
    };
    let session = guarded(&state, &remote, identifier.as_deref(), attempt).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

/// Verify an operator's access token and sign in.
///
/// Anonymous: the sign-in's credentials (as `POST /api/v1/operator/session` takes them, `org` first) and the
/// verification code the operator was sent move a 'Pending Verification' access token to 'Effective' (seed 002) and
/// open a session. Wrong credentials are 401 `bad_credentials`; a wrong code is 422 `wrong_verification_code`; both
/// spend a guess of the address and of the identifier (429 `rate_limited` once none is left), and a wrong code also
/// counts against the token: after five, every code is refused (409 `verification_locked`) until an administrator
/// resets it. A token that is not pending is 409 `verify_needs_pending`. Audited in the token's organisation.
#[utoipa::path(post, path = "/v1/operator/verify", operation_id = "operator_verify", tag = "operators", security(()),
    request_body = OperatorVerify,
    responses((status = 201, description = "Verified: a session for the operator", body = OperatorSession),
        (status = 401, description = "The credentials match no access token", body = ErrorBody),
        (status = 409, description = "The server holds several organisations and the request names none \
            (`org_required`), the token is not 'Pending Verification' (`verify_needs_pending`), or too many wrong \
            codes were tried (`verification_locked`)", body = ErrorBody),
        (status = 422, description = "The body is not of this shape, or the verification code is wrong \
            (`wrong_verification_code`)", body = ErrorBody),
        WithBody, Always))]
pub async fn verify(
    State(state): State<AppState>,
    remote: Peer,
    super::extract::Body(body): super::extract::Body<OperatorVerify>,
) -> Result<(StatusCode, Json<OperatorSession>), ApiError> {
    let (sign_in, code) = body.split();
    // A blank code is a slip, not a guess: refused before anything is looked up or counted.
    if code.trim().is_empty() {
        return Err(ApiError::server(
            ServerCode::BadSignIn,
            "send the verification code you were sent as `verification_code`",
        ));
    }
    let identifier = sign_in.identifier.clone();
    let attempt = async {
        let (credentials, found) = identify(&state, &remote, sign_in).await?;
        let now = now();
        let mut tx = state.store.write().await?;
        // Read again inside the write: another request may have verified it, or spent its attempts, since.
        let mut stored =
            super::access_tokens::load(&mut tx, &state, found.org, found.token.number()).await?;
        let number = stored.token.number();
        let actor = Actor {
            id: None,
            name: "operator verification".to_owned(),
            remote: remote.ip(),
        };
        if stored.token.state() == LifeCycleState::PendingVerification
            && stored.verify_failures >= MAX_VERIFY_ATTEMPTS
        {
            return Err(ApiError::server(
                ServerCode::VerificationLocked,
                format!(
                    "{MAX_VERIFY_ATTEMPTS} wrong verification codes were tried: ask an administrator to reset the verification code"
                ),
            ));
        }
        let by = By::new(&operator_name(&stored)).unwrap_or_else(|_| By::system());
        match stored.token.verify(code.trim(), &by, now) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::WrongVerificationCode => {
                // The attempt counts even though the request fails: commit it, then refuse.
                tokens::count_verify_failure(&mut tx, stored.row).await?;
                store::audit::record(
                    &mut tx,
                    stored.org,
                    &actor,
                    "access_token.verify_failed",
                    &format!("access_token/{number}"),
                    json!({ "failures": stored.verify_failures + 1, "by": "operator" }),
                    now,
                )
                .await?;
                tx.commit().await?;
                return Err(e.into());
            }
            Err(e) => return Err(e.into()),
        }
        super::access_tokens::save(&mut tx, &state, &stored, PassCodeHash::Keep, now).await?;
        store::audit::record(
            &mut tx,
            stored.org,
            &actor,
            "access_token.verify",
            &format!("access_token/{number}"),
            json!({ "state": stored.token.state().as_str(), "by": "operator" }),
            now,
        )
        .await?;
        tx.commit().await?;
        open_session(&state, &remote, &credentials, &stored).await
    };
    let session = guarded(&state, &remote, identifier.as_deref(), attempt).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

/// What the audit log records of a refused sign-in.
fn failure(credentials: &Credentials, reason: &str) -> Value {
    json!({ "reason": reason, "by": credentials.by(), "identifier": credentials.identifier() })
}

/// The organisation a sign-in means: the one it names (`None` for an id no organisation has, which then matches
/// nothing), else the server's only one; 409 `org_required` when it names none and the server holds several,
/// decided before any credential is looked at.
async fn sign_in_org(
    conn: &mut store::Conn,
    named: Option<u32>,
) -> Result<Option<OrgId>, ApiError> {
    match named {
        Some(id) => Ok(store::orgs::find(conn, id).await?),
        None => match store::orgs::only(conn).await? {
            Some(org) => Ok(Some(org)),
            None => Err(org_required()),
        },
    }
}

/// The access token these credentials name in the sign-in's organisation (whatever its state), or why not.
async fn identify(
    state: &AppState,
    remote: &Peer,
    body: OperatorSignIn,
) -> Result<(Credentials, Stored), ApiError> {
    let named = body.org;
    let credentials = credentials(body)?;
    let mut tx = state.store.read().await?;
    let org = sign_in_org(&mut tx, named).await?;
    let credential = match &credentials {
        Credentials::Pass { identifier, .. } => Credential::Identifier(identifier),
        Credentials::Code(code) => Credential::AuthenticationCode(code),
    };
    let mut found = match org {
        Some(org) => {
            tokens::with_credential(&mut tx, &state.master, credential, Some(org.get())).await?
        }
        None => Vec::new(),
    };
    drop(tx);
    // An identifier and an authentication code are unique within an organisation.
    if found.len() != 1 {
        if let Credentials::Pass { pass_code, .. } = &credentials {
            // As long as a wrong pass code takes: the answer does not tell which identifiers exist.
            pass_code::matches(None, pass_code).await;
        }
        audit_failure(
            state,
            org,
            remote,
            "operator/session".to_owned(),
            failure(&credentials, "bad_credentials"),
        )
        .await?;
        return Err(bad_credentials());
    }
    let stored = found.remove(0);
    let target = format!("access_token/{}", stored.token.number());
    if let Credentials::Pass { pass_code, .. } = &credentials
        && !pass_code::matches(stored.pass_code_hash.clone(), pass_code).await
    {
        audit_failure(
            state,
            Some(stored.org),
            remote,
            target,
            failure(&credentials, "bad_credentials"),
        )
        .await?;
        return Err(bad_credentials());
    }
    if let Credentials::Code(_) = &credentials
        && !code_alone_allowed(state, &stored).await?
    {
        audit_failure(
            state,
            Some(stored.org),
            remote,
            target,
            failure(&credentials, "code_alone_not_allowed"),
        )
        .await?;
        return Err(bad_credentials());
    }
    Ok((credentials, stored))
}

fn org_required() -> ApiError {
    ApiError::server(
        ServerCode::OrgRequired,
        "this server holds several organisations: send your organisation's id as `org` (sign in from the address your administrator gave, such as /sign-in?org=3)",
    )
}

/// Whether this token may sign in with its authentication code alone, by the core's rule under the organisation's
/// active definition (none active: no).
async fn code_alone_allowed(state: &AppState, stored: &Stored) -> Result<bool, ApiError> {
    let mut tx = state.store.read().await?;
    let definitions = store::access_config::active_definitions(&mut tx, stored.org).await?;
    let Ok(definition) = fieldtoken_core::access::active_definition(&definitions) else {
        return Ok(false);
    };
    let classification = match stored.token.classification() {
        Some(id) => store::access_config::classification(&mut tx, stored.org, id).await?,
        None => None,
    };
    Ok(stored
        .token
        .may_sign_in_with_code_alone(definition, classification.as_ref())?)
}

/// The name an operator acts under: the token's number and identifier.
fn operator_name(stored: &Stored) -> String {
    let number = stored.token.number();
    let name = match stored.token.identifier() {
        Some(i) => format!("operator #{number} ({i})"),
        None => format!("operator #{number}"),
    };
    name.chars().take(100).collect()
}

/// Opens the session of an 'Effective' token, with its audit row, in one transaction.
async fn open_session(
    state: &AppState,
    remote: &Peer,
    credentials: &Credentials,
    stored: &Stored,
) -> Result<OperatorSession, ApiError> {
    let now = now();
    let expires_at = Timestamp::from_millis(now.as_millis() + SESSION_HOURS * 3_600_000);
    let number = stored.token.number();
    let name = operator_name(stored);
    let mut tx = state.store.write().await?;
    // Checked again inside the write transaction: the token may have changed since it was read.
    if !tokens::is_effective(&mut tx, stored.row).await? {
        return Err(bad_credentials());
    }
    let (session, secret) =
        store::sessions::create(&mut tx, stored.org, &name, stored.row, expires_at, now).await?;
    store::audit::record(
        &mut tx,
        stored.org,
        &Actor {
            id: Some(session),
            name,
            remote: remote.ip(),
        },
        "operator.sign_in",
        &format!("access_token/{number}"),
        json!({ "by": credentials.by(), "session": session, "expires_at": rfc3339(expires_at) }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(OperatorSession {
        token: secret,
        expires_at: Time(rfc3339(expires_at)),
        operator: SessionOperator {
            number: number.get(),
            identifier: stored.token.identifier().map(|i| i.as_str().to_owned()),
        },
        org: SessionOrg {
            id: stored.org.get(),
        },
    })
}

/// Sign the calling operator out.
///
/// An operator session only: ends the calling session. Other bearer tokens get 403 `not_an_operator_session` (API
/// tokens are revoked elsewhere).
#[utoipa::path(delete, path = "/v1/operator/session", operation_id = "operator_sign_out", tag = "operators",
    responses((status = 204, description = "Signed out"),
        (status = 401, description = "No token, or a token that is not (or no longer) valid", body = ErrorBody),
        (status = 403, description = "The token is not an operator session", body = ErrorBody),
        Always))]
pub async fn sign_out(State(state): State<AppState>, p: Principal) -> Result<StatusCode, ApiError> {
    let Some(number) = p.operator else {
        return Err(ApiError::server(
            ServerCode::NotAnOperatorSession,
            "only an operator session can sign itself out here",
        ));
    };
    let now = now();
    let mut tx = state.store.write().await?;
    store::sessions::revoke(&mut tx, p.token_id, now).await?;
    p.audit(
        &mut tx,
        "operator.sign_out",
        &format!("access_token/{number}"),
        json!({ "session": p.token_id }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
