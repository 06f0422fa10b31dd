//! The words the organisation administration pages (signing keys, roles, users) say about their data; the data
//! itself is `fieldtoken-api`'s types.

pub use fieldtoken_api::signing_keys::{KeyStatus, SigningKey};

/// A signing key's status as the table shows it.
pub fn status_label(key: &SigningKey) -> &'static str {
    match key.status {
        KeyStatus::Current => "Current (signs new tokens)",
        KeyStatus::Previous => "Previous (still verifies its tokens)",
        KeyStatus::Retired => "Retired (verifies nothing)",
    }
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
