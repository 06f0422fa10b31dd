//! The admin screens' data, as the MDM's API sends it (DESIGN: "HTTP API of the MDM"); the action tokens' types
//! are `fieldtoken-api`'s, declared once for the MDM and this app.
//!
//! These are wire twins: plain data for the views, with every decision (what an action means, which
//! buttons a permission set shows) asked of `fieldtoken-core`.

use fieldtoken_core::{Permission, PermissionSet};
use serde::{Deserialize, Deserializer};

/// An id as the API writes it (a number or a string), kept as text for URLs and display.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Id(pub String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Id, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(text) => Ok(Id(text)),
            serde_json::Value::Number(number) => Ok(Id(number.to_string())),
            other => Err(serde::de::Error::custom(format!("an id, not {other}"))),
        }
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub use fieldtoken_api::Page;
pub use fieldtoken_api::action_tokens::{Action, ActionToken, ActionType, TokenStatus};

/// The seed's label of a token's action ("Put in Fleet", ...), as the core names it.
pub fn action_words(action: &Action) -> &'static str {
    action_label(action.kind.as_str()).unwrap_or(action.kind.as_str())
}

/// A fleet.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Fleet {
    /// Its id.
    pub id: Id,
    /// Its name.
    pub name: String,
}

/// A device (`GET /api/v1/devices`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Device {
    /// Its id.
    pub id: Id,
    /// The serial printed on it.
    pub serial: String,
    /// `in_fleet`, `in_repair` or `in_stock`.
    pub state: String,
    /// Its fleet, when in one.
    #[serde(default)]
    pub fleet_id: Option<Id>,
    /// Whether it holds a certificate (after a reset it must enrol again).
    #[serde(default)]
    pub enrolled: bool,
}

/// Who is signed in (`GET /api/v1/me`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Me {
    /// The organisation the session acts in.
    pub org: Named,
    /// The permission names the session holds.
    pub permissions: Vec<String>,
}

/// Anything the API names: `{ "name", .. }`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Named {
    /// Its name.
    pub name: String,
}

impl Me {
    /// The permission set, ignoring names this build does not know (a newer server may send more).
    pub fn permissions(&self) -> PermissionSet {
        self.permissions
            .iter()
            .filter_map(|name| Permission::parse(name).ok())
            .collect()
    }
}

/// The seed's label of an action type ("Put in Fleet", ...), as the core names it.
pub fn action_label(kind: &str) -> Option<&'static str> {
    // The label does not depend on the fleet; any valid fleet id lets the core build the action.
    let fleet = fieldtoken_core::FleetId::new(1)
        .ok()
        .filter(|_| kind == "put_in_fleet");
    fieldtoken_core::Action::from_parts(kind, fleet)
        .ok()
        .map(|action| action.label())
}
