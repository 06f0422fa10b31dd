//! The organisation administration pages' data (signing keys), as the MDM's API sends it, and the words their
//! actions say. Roles and users are `fieldtoken-api`'s types.

use serde::Deserialize;

/// One of the organisation's signing keys (`GET /api/v1/signing-keys`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct SigningKey {
    /// The key id signed into tokens.
    pub key_id: u32,
    /// `current`, `previous` or `retired`.
    pub status: String,
    /// When it was made (RFC 3339).
    pub created_at: String,
    /// Live action tokens whose QR it signs.
    pub tokens: u32,
}

impl SigningKey {
    /// Its status as the table shows it.
    pub fn status_label(&self) -> &str {
        match self.status.as_str() {
            "current" => "Current (signs new tokens)",
            "previous" => "Previous (still verifies its tokens)",
            "retired" => "Retired (verifies nothing)",
            other => other,
        }
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
