//! Who is calling: `Authorization: Bearer <secret>` names an API token (the admin UI's session is one too), which
//! carries an organisation and a permission subset (for a user's token, that subset within the user's role, read at
//! every request). No or a bad token is 401 `unauthenticated`; a valid token without the permission an endpoint
//! needs is 403 `forbidden` (the UI shows a sign-in screen for the first and hides the feature for the second).
//!
//! Secrets are `ftk_` and 64 hex digits (32 random bytes); only their SHA-256 is stored.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use fieldtoken_core::{OrgId, Permission, PermissionSet};
use sha2::{Digest, Sha256};

use crate::limits::{Budget, Client};
use crate::{ApiError, AppState};

const SECRET_PREFIX: &str = "ftk_";

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
    /// `Ok` with the permission, else 403 naming it.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        Ok(self.permissions.require(permission)?)
    }
}

/// A new bearer secret and the hash to store.
pub fn new_secret() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    let secret = format!("{SECRET_PREFIX}{}", hex::encode(bytes));
    let hash = secret_hash(&secret);
    (secret, hash)
}

/// The stored form of a secret.
pub fn secret_hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Stable names of a set, as stored.
pub fn permissions_text(set: PermissionSet) -> String {
    set.names().join(" ")
}

/// A stored permission list; names this build does not know are ignored (never granted).
pub fn parse_permissions(text: &str) -> PermissionSet {
    text.split_whitespace()
        .filter_map(|name| Permission::parse(name).ok())
        .collect()
}

fn remote(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
}

/// id, organisation, name, permissions, operator's access token number, user, the user's role's permissions.
type TokenRow = (
    i64,
    i64,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

async fn authenticate(parts: &Parts, state: &AppState) -> Result<Option<Principal>, ApiError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    // A peer that spent its guesses gets no answer about any token until its bucket refills.
    let peer = Client::of_peer(parts);
    state.limiter.check(Budget::Guesses, peer)?;
    let bad = || {
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
    // An operator session works only until it expires and while its access token is 'Effective' (seed 002: only
    // 'Effective' tokens can be used to access the system).
    // A user's token acts within its user's role as the role is now (see `roles`).
    let row: Option<TokenRow> = sqlx::query_as(
        "SELECT t.id, t.org_id, t.name, t.permissions, a.number, t.user_id, r.permissions FROM api_tokens t
         LEFT JOIN access_tokens a ON a.id = t.access_token_id
         LEFT JOIN users u ON u.id = t.user_id
         LEFT JOIN roles r ON r.id = u.role_id
         WHERE t.secret_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)
           AND (t.access_token_id IS NULL OR (a.state = 'effective' AND a.deleted_at IS NULL))",
    )
    .bind(secret_hash(secret.trim()))
    .bind(crate::clock::now().as_millis())
    .fetch_optional(&state.db)
    .await?;
    let (token_id, org, name, permissions, operator, user, role) = row.ok_or_else(bad)?;
    let mut permissions = parse_permissions(&permissions);
    if user.is_some() {
        permissions = permissions.intersection(parse_permissions(role.as_deref().unwrap_or("")));
    }
    Ok(Some(Principal {
        token_id,
        name,
        org: OrgId::from_i64(org).map_err(|_| bad())?,
        permissions,
        remote: remote(parts),
        operator: operator.and_then(|n| u32::try_from(n).ok()),
    }))
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
    /// `fms.admin`
    Admin => Admin;
}
