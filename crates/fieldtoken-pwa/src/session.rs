//! The two sessions a browser may hold, kept apart in `localStorage`: the admin app's (the API token signed in with
//! at `/admin/sign-in`) and the operator app's (the session `/sign-in` opens). Each app reads only its own key
//! ([`serve_as`]), so an admin's token never redeems as an operator and an operator's session never administers.
//!
//! The admin's session is forgotten after [`ADMIN_IDLE_MS`] without a request: an admin's token is a long-lived
//! credential, and a browser left signed in should not keep it. The MDM bounds it too when the token was created
//! with an `expires_at`; the operator's session always expires on the MDM.

use std::cell::Cell;

/// Which app is running, so which session it uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The admin app under `/admin/`.
    Admin,
    /// The operator's app.
    Operator,
}

thread_local! {
    static KIND: Cell<Kind> = const { Cell::new(Kind::Operator) };
}

/// Makes this page use `kind`'s session: called once by each app's shell.
pub fn serve_as(kind: Kind) {
    KIND.with(|k| k.set(kind));
}

/// The operator's session token (also what the service worker sends the queue with).
const OPERATOR_KEY: &str = "fieldtoken.session";
/// Who the operator's session is, as the operator screens show it.
const OPERATOR_WHO_KEY: &str = "fieldtoken.session.who";
/// The admin's API token.
const ADMIN_KEY: &str = "fieldtoken.admin-session";
/// When the admin's session last made a request (milliseconds since 1970).
const ADMIN_ACTIVE_KEY: &str = "fieldtoken.admin-session.active";

/// How long an admin session lasts without a request: 8 hours, a working day.
pub const ADMIN_IDLE_MS: f64 = 8.0 * 3600.0 * 1000.0;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn read(key: &str) -> Option<String> {
    storage()?
        .get_item(key)
        .ok()?
        .filter(|value| !value.is_empty())
}

/// The session token of the running app, when signed in. For the admin, reading it counts as activity: an idle
/// session is forgotten here instead.
pub fn token() -> Option<String> {
    match KIND.with(Cell::get) {
        Kind::Operator => read(OPERATOR_KEY),
        Kind::Admin => {
            let token = read(ADMIN_KEY)?;
            let now = js_sys::Date::now();
            let active = read(ADMIN_ACTIVE_KEY).and_then(|at| at.parse::<f64>().ok());
            // A time ahead of now (a clock wound back) or unreadable counts as idle too.
            if !active.is_some_and(|at| (0.0..ADMIN_IDLE_MS).contains(&(now - at))) {
                sign_out();
                return None;
            }
            if let Some(storage) = storage() {
                let _ = storage.set_item(ADMIN_ACTIVE_KEY, &now.to_string());
            }
            Some(token)
        }
    }
}

/// Starts the running app's session with `token`.
pub fn sign_in(token: &str) {
    let Some(storage) = storage() else { return };
    match KIND.with(Cell::get) {
        Kind::Operator => {
            let _ = storage.set_item(OPERATOR_KEY, token.trim());
        }
        Kind::Admin => {
            let _ = storage.set_item(ADMIN_KEY, token.trim());
            let _ = storage.set_item(ADMIN_ACTIVE_KEY, &js_sys::Date::now().to_string());
        }
    }
}

/// Starts the operator's session, remembering who signed in for the operator screens.
pub fn sign_in_operator(token: &str, who: &str) {
    sign_in(token);
    if let Some(storage) = storage() {
        let _ = storage.set_item(OPERATOR_WHO_KEY, who);
    }
}

/// Who the operator's session is ("operator #2 (ana@example.com)"), when one is open.
pub fn operator() -> Option<String> {
    read(OPERATOR_KEY)?;
    Some(read(OPERATOR_WHO_KEY).unwrap_or_else(|| "an operator".into()))
}

/// Ends the running app's session (on this browser; the caller tells the MDM where it can).
pub fn sign_out() {
    let Some(storage) = storage() else { return };
    let keys: &[&str] = match KIND.with(Cell::get) {
        Kind::Operator => &[OPERATOR_KEY, OPERATOR_WHO_KEY],
        Kind::Admin => &[ADMIN_KEY, ADMIN_ACTIVE_KEY],
    };
    for key in keys {
        let _ = storage.remove_item(key);
    }
}
