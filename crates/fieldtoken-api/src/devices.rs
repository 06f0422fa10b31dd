//! Fleets, devices, API tokens and the caller itself.

use serde::{Deserialize, Serialize};

use crate::common::{Permission, RequestTime, Time};

/// A fleet.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fleet {
    /// Its id.
    pub id: u32,
    /// Its name, for people.
    pub name: String,
    /// How many devices (not retired) it holds; in `GET /api/v1/fleets` and the fleet answers, not in the
    /// offline bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_count: Option<u32>,
}

/// Where a device is.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeviceState {
    /// In service, in the fleet `fleet_id` names.
    InFleet,
    /// In repair.
    InRepair,
    /// In stock.
    InStock,
}

impl From<fieldtoken_core::DeviceState> for DeviceState {
    fn from(state: fieldtoken_core::DeviceState) -> DeviceState {
        match state {
            fieldtoken_core::DeviceState::InFleet(_) => DeviceState::InFleet,
            fieldtoken_core::DeviceState::InRepair => DeviceState::InRepair,
            fieldtoken_core::DeviceState::InStock => DeviceState::InStock,
        }
    }
}

/// A device: where it is and whether it is enrolled (has a certificate).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Device {
    /// Its id.
    pub id: u32,
    /// The serial printed on it.
    pub serial: String,
    /// Where it is.
    pub state: DeviceState,
    /// Its fleet; present exactly when `in_fleet`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fleet_id: Option<u32>,
    /// Whether it holds a certificate (an enrolled public key); after a reset it must enrol again.
    #[serde(default)]
    pub enrolled: bool,
}

/// The API token a request authenticated with.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeToken {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
}

/// An organisation, by id and name.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgRef {
    /// Its id.
    pub id: u32,
    /// Its name.
    pub name: String,
}

/// `GET /api/v1/me`: who the token is and what it may do, so a UI shows only what works.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// The API token.
    pub token: MeToken,
    /// Its organisation: everything it sees and changes is there.
    pub org: OrgRef,
    /// What it may do now, in the core's display order.
    pub permissions: Vec<Permission>,
}

/// `POST /api/v1/api-tokens` body (unknown fields are refused).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewApiToken {
    /// 1 to 100 characters, without control characters.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::common::name_schema))]
    pub name: String,
    /// Only permissions the caller holds.
    pub permissions: Vec<Permission>,
    /// When it stops working, in the future; none: it works until revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<RequestTime>,
}

/// A new API token; the secret is shown this once.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiToken {
    /// Its id.
    pub id: i64,
    /// The bearer secret (`ftk_` and 64 hex digits).
    pub token: String,
}

/// An API token of the organisation as an admin sees it: never its secret. Operator sessions are not listed.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    /// Its id.
    pub id: i64,
    /// Its name, for people.
    pub name: String,
    /// Its own permissions. It acts with fewer where its user's role or the token that created it holds fewer.
    pub permissions: Vec<Permission>,
    /// When it was created.
    pub created_at: Time,
    /// The token that created it; none for one the MDM made itself (the first admin token).
    pub created_by: Option<i64>,
    /// When it stops working; none: it works until revoked.
    pub expires_at: Option<Time>,
    /// When it was last used, to the minute; none: never.
    pub last_used_at: Option<Time>,
    /// Whether it was revoked: it works no more.
    pub revoked: bool,
}
