//! Roles, users and signing keys.

use serde::{Deserialize, Serialize};

use crate::common::{Permission, Time};

/// A custom role: an organisation's name for any subset of permissions.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Role {
    /// Its id.
    pub id: u32,
    /// The organisation's name for it.
    pub name: String,
    /// Its permissions, in the core's display order.
    pub permissions: Vec<Permission>,
    /// How many users hold it.
    pub users: u32,
    /// When it was created.
    pub created_at: Time,
    /// When it last changed.
    pub updated_at: Time,
}

/// `POST /api/v1/roles` body (unknown fields are refused).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRole {
    /// 1 to 100 characters, unique in the organisation.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::common::name_schema))]
    pub name: String,
    /// Only permissions the caller holds.
    pub permissions: Vec<Permission>,
}

/// `PATCH /api/v1/roles/{id}` body: a field left out is unchanged.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RoleEdit {
    /// 1 to 100 characters, unique in the organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::common::optional_name_schema))]
    pub name: Option<String>,
    /// The whole new set; the caller may remove any permission but add only those it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<Permission>>,
}

/// A user's role, by id and name.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleRef {
    /// The role's id.
    pub id: u32,
    /// The role's name.
    pub name: String,
}

/// A user: a name and a role.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    /// Its id.
    pub id: u32,
    /// Its name.
    pub name: String,
    /// The role it holds.
    pub role: RoleRef,
    /// Its role's permissions.
    pub permissions: Vec<Permission>,
    /// When it was created.
    pub created_at: Time,
}

/// `POST /api/v1/users` body (unknown fields are refused).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// 1 to 100 characters, unique in the organisation.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::common::name_schema))]
    pub name: String,
    /// One of the organisation's roles.
    pub role_id: u32,
}

/// `PATCH /api/v1/users/{id}` body: a field left out is unchanged.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserEdit {
    /// 1 to 100 characters, unique in the organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::common::optional_name_schema))]
    pub name: Option<String>,
    /// One of the organisation's roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_id: Option<u32>,
}

/// `POST /api/v1/users/{id}/api-tokens` body (unknown fields are refused).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUserToken {
    /// 1 to 100 characters, without control characters.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::common::name_schema))]
    pub name: String,
    /// The token's own subset; only permissions the caller holds.
    pub permissions: Vec<Permission>,
}

/// An API token acting for a user; the secret is shown this once.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedUserToken {
    /// Its id.
    pub id: i64,
    /// The bearer secret (`ftk_` and 64 hex digits).
    pub token: String,
    /// The user it acts for.
    pub user_id: u32,
    /// The token's own subset.
    pub permissions: Vec<Permission>,
    /// What it may do now: its subset within the user's role (evaluated again at every request).
    pub effective_permissions: Vec<Permission>,
}

/// `GET /api/v1/org-settings`: the organisation's settings.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgSettings {
    /// How far back, in minutes before the server's time, a scan of the organisation's tokens may be dated when it
    /// syncs (a phone offline longer gets `clock`). 72 hours (4320) unless set.
    pub max_offline_minutes: u32,
}

/// `PATCH /api/v1/org-settings` body: a field left out is unchanged.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrgSettingsEdit {
    /// 1 minute to 365 days (525600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 525600))]
    pub max_offline_minutes: Option<u32>,
}
