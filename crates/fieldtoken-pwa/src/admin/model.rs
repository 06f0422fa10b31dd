//! The admin screens' data, as the MDM's API sends it (DESIGN: "HTTP API of the MDM"); the action tokens' types
//! are `fieldtoken-api`'s, declared once for the MDM and this app.
//!
//! Every decision (what an action means, which buttons a permission set shows) is asked of `fieldtoken-core`.

use fieldtoken_api::devices::Me;
use fieldtoken_core::PermissionSet;

pub use fieldtoken_api::Page;
pub use fieldtoken_api::action_tokens::{Action, ActionToken, ActionType, TokenStatus};

/// The seed's label of a token's action ("Put in Fleet", ...), as the core names it.
pub fn action_words(action: &Action) -> &'static str {
    action_label(action.kind.as_str()).unwrap_or(action.kind.as_str())
}

/// The permission set a session holds, from `GET /api/v1/me`, ignoring names this build does not know (a newer
/// server may send more).
pub fn held(me: &Me) -> PermissionSet {
    fieldtoken_api::Permission::known_set(&me.permissions)
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
