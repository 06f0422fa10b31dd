//! The organisation administration pages' data (roles, users, signing keys), as the MDM's API sends it, and the
//! words their actions say. Wire twins: the permission names themselves come from `fieldtoken-core`.

use fieldtoken_core::{Permission, PermissionSet};
use serde::Deserialize;

/// A custom role (`GET /api/v1/roles`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Role {
    /// Its id.
    pub id: u32,
    /// The organisation's name for it.
    pub name: String,
    /// Its permissions' stable names, in display order.
    pub permissions: Vec<String>,
    /// How many users hold it.
    pub users: u32,
}

/// A user's role, by id and name.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct RoleRef {
    /// The role's id.
    pub id: u32,
    /// The role's name.
    pub name: String,
}

/// A user (`GET /api/v1/users`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct User {
    /// Its id.
    pub id: u32,
    /// Its name.
    pub name: String,
    /// The role it holds.
    pub role: RoleRef,
    /// Its role's permissions.
    pub permissions: Vec<String>,
}

pub use fieldtoken_api::signing_keys::{KeyStatus, SigningKey};

/// A signing key's status as the table shows it.
pub fn status_label(key: &SigningKey) -> &'static str {
    match key.status {
        KeyStatus::Current => "Current (signs new tokens)",
        KeyStatus::Previous => "Previous (still verifies its tokens)",
        KeyStatus::Retired => "Retired (verifies nothing)",
    }
}

/// The permission set of a list of names, ignoring names this build does not know.
pub fn permission_set(names: &[String]) -> PermissionSet {
    names
        .iter()
        .filter_map(|name| Permission::parse(name).ok())
        .collect()
}

/// An RFC 3339 time as the tables show it: to the minute, in UTC.
pub fn minute(rfc3339: &str) -> String {
    rfc3339.get(..16).map_or_else(
        || rfc3339.to_owned(),
        |t| format!("{} UTC", t.replace('T', " ")),
    )
}

/// What a rotation did, from its answer (the new key).
pub fn rotated_words(new_key: u64) -> String {
    format!(
        "Key {new_key} is now the current key: new tokens are signed with it. \
         QR codes already printed keep working, signed with their previous key."
    )
}

/// What a retirement did, from its answer (`moved_tokens`).
pub fn retired_words(key: u32, moved: u64) -> String {
    format!(
        "Key {key} is retired: QR codes signed with it stop working. {moved} token(s) moved to the current key; \
         showing them again gives a new QR code."
    )
}

#[cfg(test)]
mod tests;
