//! The organisation's Ed25519 signing keys: rotation and retirement.

use serde::{Deserialize, Serialize};

use crate::common::Time;

/// Where a signing key is in its life.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    /// Signs new tokens.
    Current,
    /// Replaced by a rotation; still verifies the tokens it signed.
    Previous,
    /// Verifies nothing; not in the offline bundle.
    Retired,
}

/// An Ed25519 signing key of the organisation (never its secret half).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SigningKey {
    /// The key id signed into tokens.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub key_id: u32,
    /// The public key, 64 hex digits.
    pub public_key: String,
    /// `current`, `previous` or `retired`.
    pub status: KeyStatus,
    /// Whether it signs new tokens.
    pub current: bool,
    /// When it was made.
    pub created_at: Time,
    /// When a rotation replaced it (`null` while current).
    pub replaced_at: Option<Time>,
    /// When it was retired (`null` until then).
    pub retired_at: Option<Time>,
    /// Live action tokens whose QR it signs.
    pub tokens: u64,
    /// Retirement only: how many live tokens moved to the current key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_tokens: Option<u64>,
}
