//! Operators' sessions: signing in to the PWA with an access token.

use serde::{Deserialize, Serialize};

use crate::Time;

/// `POST /api/v1/operator/session` body: `identifier` with `pass_code`, or `authentication_code` alone; `org` when
/// the same credentials exist in several organisations.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OperatorSignIn {
    /// The access token's identifier (with `pass_code`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// The access token's pass code (with `identifier`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_code: Option<String>,
    /// The access token's authentication code (alone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_code: Option<String>,
    /// The organisation's id, when the credentials exist in several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<u32>,
}

/// The access token an operator signed in with.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionOperator {
    /// The access token's number.
    pub number: u32,
    /// Its identifier, when it has one.
    #[serde(default)]
    pub identifier: Option<String>,
}

/// The organisation a session belongs to.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionOrg {
    /// The organisation's id.
    pub id: u32,
}

/// An operator session: a bearer token with no permission (it reads the offline bundle and syncs), which ends when
/// it expires or when its access token stops being 'Effective'.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperatorSession {
    /// The bearer secret, shown this once.
    pub token: String,
    /// When the session ends at the latest.
    pub expires_at: Time,
    /// Who signed in.
    pub operator: SessionOperator,
    /// Where.
    pub org: SessionOrg,
}
