//! The admin screens' data, as the MDM's API sends it (DESIGN: "HTTP API of the MDM").
//!
//! Action tokens are still wire twins here; fleets, devices and the session (`Me`) are `fieldtoken-api`'s types,
//! declared once for the MDM and the PWA. Every decision (what an action means, which buttons a permission set
//! shows) is asked of `fieldtoken-core`.

use fieldtoken_api::devices::Me;
use fieldtoken_core::PermissionSet;
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

/// A page of a list endpoint.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Page<T> {
    /// This page's items.
    pub items: Vec<T>,
    /// The cursor of the next page, when there is one.
    #[serde(default)]
    pub next: Option<String>,
}

/// An action token (`ActionToken` in DESIGN).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ActionToken {
    /// Its id.
    pub id: Id,
    /// The admin's name for it.
    pub name: String,
    /// What it does.
    pub action: ActionWire,
    /// When it stops working (RFC 3339).
    pub expires_at: String,
    /// `active` or `expired`.
    pub status: String,
    /// The token code, `XXXX-XXXX-XXXX-XXXX-C`.
    pub code: String,
    /// The texts of its two QR formats.
    pub qr: QrTexts,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

/// An action on the wire: `{ "type", "fleet_id"? }`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ActionWire {
    /// `put_in_fleet`, `put_in_repair`, `put_in_stock` or `reset_certificate`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The fleet of `put_in_fleet`.
    #[serde(default)]
    pub fleet_id: Option<Id>,
}

impl ActionWire {
    /// The seed's label for the action ("Put in Fleet", ...), from the core; the raw type if unknown.
    pub fn label(&self) -> String {
        action_label(&self.kind).map_or_else(|| self.kind.clone(), str::to_owned)
    }
}

/// The QR texts of a token: the signed deep link (new) and the code (old).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct QrTexts {
    /// New format: signed, verifiable offline.
    pub new: String,
    /// Old format: the code, for the Activator and NFC cards.
    pub old: String,
}

/// The permission set a session holds, from `GET /api/v1/me`, ignoring names this build does not know (a newer
/// server may send more).
pub fn held(me: &Me) -> PermissionSet {
    fieldtoken_api::Permission::known_set(&me.permissions)
}

/// The four action types of the seed, in its order.
pub const ACTION_TYPES: [&str; 4] = [
    "put_in_fleet",
    "put_in_repair",
    "put_in_stock",
    "reset_certificate",
];

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
