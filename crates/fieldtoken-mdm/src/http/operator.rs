//! Operator sign-in: an operator identifies with an access token (identifier and pass code, or the authentication
//! code alone) and gets a session bearer token for the PWA.
//!
//! Sessions are API tokens (SHA-256 of the secret stored) with no permission, so they can sync and read the offline
//! bundle and nothing else; they name the access token, expire after [`SESSION_HOURS`], and stop working as soon as
//! the token is not 'Effective' (see `store::api_tokens::find_live`). Redemptions synced with one record the
//! operator. Every sign-in, failed or not, is in the audit log of the organisation it was aimed at (a failure that
//! names no organisation and matches none has nowhere to go but the server's log).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fieldtoken_api::operator::{OperatorSession, OperatorSignIn, SessionOperator, SessionOrg};
use fieldtoken_api::{ErrorBody, ServerCode, Time};
use fieldtoken_core::access::MAX_CREDENTIAL_CHARS;
use fieldtoken_core::{OrgId, Timestamp};
use serde_json::{Value, json};

use super::auth::Principal;
use super::doc::{Always, WithBody};
use super::extract::Peer;
use crate::clock::{now, rfc3339};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::limits::{Budget, Client};
use crate::store::access_tokens::{self as tokens, Credential, Stored};
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

/// Sign an operator in.
///
/// Anonymous: the access token's credentials are the sign-in. Only 'Effective' tokens sign in (seed 002; 403
/// `access_token_not_effective`, `access_token_pending_verification` with the core's words). Credentials that
/// match nothing are 401 `bad_credentials` (the same answer, and about the same time, for an unknown identifier and
/// a wrong pass code) and spend one guess of the address and one of the identifier named: an address or an
/// identifier with none left gets 429 `rate_limited` before anything is checked, so pass codes cannot be guessed at
/// speed. An identifier or authentication code that exists in several organisations is 409 `org_required` unless
/// `org` names one, decided before any pass code is checked (and spending a guess too). The authentication code
/// alone signs in only a token with no identifier and no pass code, while the active definition allows such
/// tokens, and never an auto-numbered code (401 `bad_credentials` otherwise). Any other combination of fields is
/// 422 `bad_sign_in`.
#[utoipa::path(post, path = "/v1/operator/session", operation_id = "operator_sign_in", tag = "operators", security(()),
    request_body = OperatorSignIn,
    responses((status = 201, description = "A session for the operator", body = OperatorSession),
        (status = 401, description = "The credentials match no access token", body = ErrorBody),
        (status = 403, description = "The access token is not 'Effective'", body = ErrorBody),
        (status = 409, description = "The credentials exist in several organisations: send `org`",
            body = ErrorBody),
        WithBody, Always))]
pub async fn sign_in(
    State(state): State<AppState>,
    remote: Peer,
    super::extract::Body(body): super::extract::Body<OperatorSignIn>,
) -> Result<(StatusCode, Json<OperatorSession>), ApiError> {
    let client = Client::of_addr(remote.0);
    // Failures count against the address and against the identifier named: many addresses cannot share out the
    // guesses at one operator's pass code.
    let identifier = body
        .identifier
        .as_deref()
        .filter(|i| i.chars().count() <= MAX_CREDENTIAL_CHARS)
        .map(Client::of_identifier);
    state.limiter.check(Budget::Guesses, client)?;
    if let Some(identifier) = identifier {
        state.limiter.check(Budget::Guesses, identifier)?;
    }
    let result = sign_in_with(&state, &remote, body).await;
    if let Err(error) = &result
        && (error.code() == ServerCode::BadCredentials.code()
            || error.code() == ServerCode::OrgRequired.code())
    {
        if let Some(identifier) = identifier {
            state.limiter.spend(Budget::Guesses, identifier)?;
        }
        state.limiter.spend(Budget::Guesses, client)?;
    }
    result.map(|session| (StatusCode::CREATED, Json(session)))
}

async fn sign_in_with(
    state: &AppState,
    remote: &Peer,
    body: OperatorSignIn,
) -> Result<OperatorSession, ApiError> {
    let wanted_org = body.org;
    let credentials = credentials(body)?;
    let mut tx = state.store.read().await?;
    let named_org = match wanted_org {
        Some(id) => store::orgs::find(&mut tx, id).await?,
        None => None,
    };
    let credential = match &credentials {
        Credentials::Pass { identifier, .. } => Credential::Identifier(identifier),
        Credentials::Code(code) => Credential::AuthenticationCode(code),
    };
    let found = tokens::with_credential(&mut tx, &state.master, credential, wanted_org).await?;
    drop(tx);
    let failure = |reason: &str| json!({ "reason": reason, "by": credentials.by(), "identifier": credentials.identifier() });
    if found.is_empty() {
        if let Credentials::Pass { pass_code, .. } = &credentials {
            // As long as a wrong pass code takes: the answer does not tell which identifiers exist.
            pass_code::matches(None, pass_code).await;
        }
        audit_failure(
            state,
            named_org,
            remote,
            "operator/session".to_owned(),
            failure("bad_credentials"),
        )
        .await?;
        return Err(bad_credentials());
    }
    // The organisation comes first: credentials found in several and no `org` are refused before any pass code is
    // checked, so the answer never depends on another organisation's pass codes.
    if wanted_org.is_none() && found.iter().any(|stored| stored.org != found[0].org) {
        return Err(org_required());
    }
    let mut found = found;
    if let Credentials::Pass { pass_code, .. } = &credentials {
        let mut matched = Vec::new();
        let mut refused = Vec::new();
        for stored in found {
            if pass_code::matches(stored.pass_code_hash.clone(), pass_code).await {
                matched.push(stored);
            } else {
                refused.push(stored);
            }
        }
        if matched.is_empty() {
            for stored in refused {
                audit_failure(
                    state,
                    Some(stored.org),
                    remote,
                    format!("access_token/{}", stored.token.number()),
                    failure("bad_credentials"),
                )
                .await?;
            }
            return Err(bad_credentials());
        }
        found = matched;
    }
    if found.len() > 1 {
        return Err(org_required());
    }
    let stored = found.remove(0);
    if let Credentials::Code(_) = &credentials
        && !code_alone_allowed(state, &stored).await?
    {
        audit_failure(
            state,
            Some(stored.org),
            remote,
            format!("access_token/{}", stored.token.number()),
            failure("code_alone_not_allowed"),
        )
        .await?;
        return Err(bad_credentials());
    }
    if let Err(refused) = stored.token.authenticate() {
        audit_failure(
            state,
            Some(stored.org),
            remote,
            format!("access_token/{}", stored.token.number()),
            failure(refused.kind().code()),
        )
        .await?;
        return Err(refused.into());
    }
    open_session(state, remote, &credentials, &stored).await
}

fn org_required() -> ApiError {
    ApiError::server(
        ServerCode::OrgRequired,
        "these sign-in details exist in several organisations: send the organisation's id as `org`",
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
    let name = match stored.token.identifier() {
        Some(i) => format!("operator #{number} ({i})"),
        None => format!("operator #{number}"),
    };
    let name: String = name.chars().take(100).collect();
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
