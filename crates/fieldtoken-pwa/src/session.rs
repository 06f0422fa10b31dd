//! The admin's session: the bearer token, kept in `localStorage` so a reload does not sign out.

const KEY: &str = "fieldtoken.session";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The session token, when signed in.
pub fn token() -> Option<String> {
    storage()?
        .get_item(KEY)
        .ok()?
        .filter(|token| !token.is_empty())
}

/// Starts a session with `token`.
pub fn sign_in(token: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(KEY, token.trim());
    }
}

/// Ends the session.
pub fn sign_out() {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(KEY);
    }
}
