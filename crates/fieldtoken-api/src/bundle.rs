//! The offline bundle a phone keeps to check tokens without network. `docs/FORMATS.md` gives the byte-level
//! meaning of its keys, hashes and directory.

use serde::{Deserialize, Serialize};

use crate::action_tokens::Action;
use crate::common::Time;
use crate::devices::{Device, Fleet};

/// `GET /api/v1/offline-bundle`: what a phone needs to verify tokens offline, versioned by the organisation's
/// revision (the ETag carries `version`). Phones keep it as sent.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfflineBundle {
    /// The organisation's revision: any change that a phone's checks depend on raises it.
    pub version: i64,
    /// The organisation.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub org: u32,
    /// When the MDM built it.
    pub generated_at: Time,
    /// The public keys that verify signed tokens: the current key and previous ones, never retired ones.
    pub keys: Vec<BundleKey>,
    /// Keyed hashes of the old-format codes, never the codes.
    pub directory: CodeDirectory,
    /// Ids of deleted tokens (a signed token stays verifiable otherwise).
    pub deleted: Vec<u32>,
    /// The organisation's fleets.
    pub fleets: Vec<Fleet>,
    /// The organisation's devices.
    pub devices: Vec<Device>,
    /// The name of every token that is not deleted, so a phone names a token as the admin did (a signed QR
    /// carries its id, not its name). Absent from bundles of older MDMs.
    #[serde(default)]
    pub names: Vec<TokenName>,
    /// Key ids an admin retired: a QR signed with one is refused, and the phone can say that a new QR is needed.
    /// Absent from bundles of older MDMs.
    #[serde(default)]
    pub retired_keys: Vec<u32>,
}

/// A public key that verifies the organisation's signed tokens.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleKey {
    /// The key id signed into tokens.
    pub key_id: u32,
    /// Its organisation.
    pub org: u32,
    /// The Ed25519 public key, 64 hex digits.
    pub public_key: String,
}

/// The code directory: old-format codes by keyed hash.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeDirectory {
    /// The directory key, 64 hex digits.
    pub key: String,
    /// One entry per live token.
    pub entries: Vec<DirectoryEntry>,
}

/// What a code stands for, by the code's keyed hash.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectoryEntry {
    /// The keyed hash of the code, in hex.
    pub hash: String,
    /// The token.
    pub token_id: u32,
    /// Its organisation.
    pub org: u32,
    /// What it does.
    pub action: Action,
    /// When it stops working.
    pub expires_at: Time,
}

/// A token's name, by id.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenName {
    /// The token.
    pub id: u32,
    /// The admin's name for it.
    pub name: String,
}
