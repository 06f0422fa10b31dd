//! Who is calling: `Authorization: Bearer <secret>` names an API token (the admin UI's session is one too), which
//! carries an organisation and a permission subset (for a user's token, that subset within the user's role, and for
//! a token another token created, within what its creator may do: both read at every request). No or a bad token is 401 `unauthenticated`; a valid token without the permission an endpoint
//! needs is 403 `forbidden` (the UI shows a sign-in screen for the first and hides the feature for the second).

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use fieldtoken_api::ServerCode;
use fieldtoken_core::{
    Certificate, Device, DeviceId, ErrorKind, OrgId, Permission, PermissionSet, Timestamp,
};

use super::extract::Peer;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::limits::{Budget, Client};
use crate::store;
use crate::store::Conn;
use crate::store::audit::Actor;

/// An authenticated caller.
#[derive(Clone, Debug)]
pub struct Principal {
    /// The API token's row id.
    pub token_id: i64,
    /// Its name, for the audit log.
    pub name: String,
    /// Its organisation: everything it sees and changes is there.
    pub org: OrgId,
    /// What it may do.
    pub permissions: PermissionSet,
    /// Where the request came from, for the audit log.
    pub remote: Option<String>,
    /// For an operator session (see `operator`): the number of the access token the operator signed in with.
    pub operator: Option<u32>,
}

impl Principal {
    /// `Ok` with the permission, else 403 naming it (and logged with the token's id).
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        self.permissions.require(permission).map_err(|error| {
            tracing::info!(token_id = self.token_id, %permission, "refused: the token lacks the permission");
            error.into()
        })
    }

    /// 403 `forbidden` (logged with the token's id) unless the caller holds every one of `permissions`: nobody
    /// grants what they lack.
    pub fn ensure_can_grant(&self, permissions: PermissionSet) -> Result<(), ApiError> {
        if self.permissions.can_grant(permissions) {
            return Ok(());
        }
        Err(self.cannot_grant())
    }

    /// 403 `forbidden` (logged with the token's id) unless the caller may change a set from `before` to `after`.
    pub fn ensure_can_change(
        &self,
        before: PermissionSet,
        after: PermissionSet,
    ) -> Result<(), ApiError> {
        if self.permissions.can_change(before, after) {
            return Ok(());
        }
        Err(self.cannot_grant())
    }

    /// Appends to the audit log of the caller's organisation, as the caller: every change a request makes is
    /// logged where it was made and under who made it.
    pub async fn audit(
        &self,
        conn: &mut Conn,
        action: &str,
        target: &str,
        detail: serde_json::Value,
        now: Timestamp,
    ) -> Result<(), ApiError> {
        store::audit::record(
            conn,
            self.org,
            &Actor::from(self),
            action,
            target,
            detail,
            now,
        )
        .await?;
        Ok(())
    }

    fn cannot_grant(&self) -> ApiError {
        tracing::info!(
            token_id = self.token_id,
            "refused: granting a permission the token lacks"
        );
        ApiError::core(
            ErrorKind::Forbidden,
            "nobody can give a permission they do not hold themselves",
        )
    }
}

async fn authenticate(parts: &Parts, state: &AppState) -> Result<Option<Principal>, ApiError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    // A peer that spent its guesses gets no answer about any token until its bucket refills.
    let peer = Client::of_peer(parts);
    state
        .limiter
        .check(Budget::Guesses, peer)
        .inspect_err(|_| {
            tracing::info!(?peer, "refused: too many failed guesses from this client");
        })?;
    let bad = || {
        // The secret is never logged: no token has it, so there is no id to log either.
        tracing::info!(?peer, "refused: no live token has this secret");
        if let Err(limited) = state.limiter.spend(Budget::Guesses, peer) {
            return limited;
        }
        ApiError::unauthenticated("this token is not valid: it may have been revoked or mistyped")
    };
    let value = value.to_str().map_err(|_| bad())?;
    let (scheme, secret) = value.trim().split_once(' ').ok_or_else(bad)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::unauthenticated(
            "use Authorization: Bearer <token>",
        ));
    }
    let now = crate::clock::now();
    let mut conn = state.store.read().await?;
    let live = store::api_tokens::find_live(&mut conn, secret.trim(), now)
        .await?
        .ok_or_else(bad)?;
    drop(conn);
    if store::api_tokens::use_worth_recording(live.last_used_at, now) {
        record_use(state, live.id, now).await;
    }
    Ok(Some(Principal {
        token_id: live.id,
        name: live.name,
        org: live.org,
        permissions: live.permissions,
        remote: Peer::of(parts).ip(),
        operator: live.operator,
    }))
}

/// Writes when a token was used, at most once a minute per token. Best effort: a busy database delays the record,
/// it does not refuse the request.
async fn record_use(state: &AppState, token: i64, now: Timestamp) {
    let recorded = async {
        let mut tx = state.store.write().await?;
        store::api_tokens::record_use(&mut tx, token, now).await?;
        tx.commit().await
    };
    if let Err(error) = recorded.await {
        tracing::warn!(
            token_id = token,
            ?error,
            "could not record when the token was used"
        );
    }
}

impl From<&Principal> for Actor {
    fn from(p: &Principal) -> Actor {
        Actor {
            id: Some(p.token_id),
            name: p.name.clone(),
            remote: p.remote.clone(),
        }
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        authenticate(parts, state).await?.ok_or_else(|| {
            ApiError::unauthenticated("sign in first: this needs an Authorization: Bearer token")
        })
    }
}

/// A caller who may be anonymous (sync): no header is `None`; a header with a bad token is still 401.
pub struct MaybePrincipal(pub Option<Principal>);

impl FromRequestParts<AppState> for MaybePrincipal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(MaybePrincipal(authenticate(parts, state).await?))
    }
}

/// A permission an endpoint needs, as a type, so that the check runs as an extractor: before the body is read,
/// so a caller without the permission gets 403 whatever they sent.
pub trait Needs {
    /// The permission.
    const PERMISSION: Permission;
}

/// A caller holding `N`'s permission.
pub struct Authorized<N>(pub Principal, pub std::marker::PhantomData<N>);

impl<N: Needs + Send + Sync> FromRequestParts<AppState> for Authorized<N> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let principal = Principal::from_request_parts(parts, state).await?;
        principal.require(N::PERMISSION)?;
        Ok(Authorized(principal, std::marker::PhantomData))
    }
}

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
    /// `fms.actiontoken.read`
    ReadTokens => ActionTokenRead;
    /// `fms.actiontoken.create`
    CreateTokens => ActionTokenCreate;
    /// `fms.actiontoken.delete`
    DeleteTokens => ActionTokenDelete;
    /// `fms.device.read`
    ReadDevices => DeviceRead;
    /// `fms.fleet.read`
    ReadFleets => FleetRead;
    /// `fms.fleet.write`
    WriteFleets => FleetWrite;
    /// `fms.device.write`: registering, importing, moving and retiring devices, and issuing enrolment codes
    /// (which changes what may talk to the MDM as a device).
    WriteDevices => DeviceWrite;
    /// `fms.admin`
    Admin => Admin;
    /// `fms.accesstoken.read`
    AccessRead => AccessTokenRead;
    /// `fms.accesstoken.create`
    AccessCreate => AccessTokenCreate;
    /// `fms.accesstoken.update`
    AccessUpdate => AccessTokenUpdate;
    /// `fms.accesstoken.delete`
    AccessDelete => AccessTokenDelete;
}

/// The enrolled device `id` and its current certificate, for something it signed as itself (a sync batch, a
/// request): `refused` (401 `unauthenticated`) for a device that does not exist or is retired, 401
/// `certificate_reset` for one whose certificate was reset (or that never enrolled), until it enrols again.
pub async fn signer(
    conn: &mut Conn,
    id: DeviceId,
    refused: impl FnOnce() -> ApiError,
) -> Result<(Device, Certificate), ApiError> {
    let device = store::enrolment::device(conn, None, i64::from(id.get()))
        .await?
        .ok_or_else(refused)?;
    let Some(certificate) = device.certificate else {
        tracing::info!(device = %id, "refused: a device signature from a device without a certificate");
        return Err(ApiError::server(
            ServerCode::CertificateReset,
            format!(
                "device {id} has no certificate (it was reset, or the device never enrolled): enrol it again to act as this device"
            ),
        ));
    };
    Ok((device, certificate))
}
