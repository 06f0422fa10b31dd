//! The code directory: how a phone redeems old-format tokens offline without holding their codes. It maps a keyed
//! hash of each code (HMAC-SHA256 under a directory key, truncated to 128 bits) to what the token does.
//!
//! Why 128 bits: a code has 80 random bits, so the hash is never the easier thing to guess; 128 bits keep accidental
//! collisions between directory entries out of reach (about 2^-89 for a million codes) at 16 bytes per entry.

use std::collections::BTreeMap;
use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use rand_core::CryptoRng;
use sha2::Sha256;

use crate::action::{Action, ActionToken};
use crate::code::TokenCode;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{ActionTokenId, Expiry, OrgId};

/// Bytes of a code hash.
pub const CODE_HASH_LEN: usize = 16;

/// The secret of a code directory. It travels in the offline bundle with the hashes, so it does not hide codes from a
/// bundle holder (the 80 random bits do); it separates directories (another key, unrelated hashes).
#[derive(Clone, PartialEq, Eq)]
pub struct DirectoryKey([u8; 32]);

impl DirectoryKey {
    /// The key with these bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        DirectoryKey(bytes)
    }

    /// A new random key.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut bytes = [0u8; 32];
        rng.fill_bytes(&mut bytes);
        DirectoryKey(bytes)
    }

    /// The key bytes.
    pub const fn to_bytes(&self) -> [u8; 32] {
        self.0
    }

    /// The hash of a code under this key: the first 16 bytes of HMAC-SHA256(key, the code's 10 bytes).
    pub fn hash(&self, code: &TokenCode) -> CodeHash {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .expect("HMAC takes keys of any length");
        mac.update(&code.to_bytes());
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; CODE_HASH_LEN];
        out.copy_from_slice(&full[..CODE_HASH_LEN]);
        CodeHash(out)
    }
}

impl fmt::Debug for DirectoryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DirectoryKey(..)")
    }
}

/// A keyed hash of a code (see [`DirectoryKey::hash`]).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CodeHash([u8; CODE_HASH_LEN]);

impl CodeHash {
    /// The hash with these bytes.
    pub const fn from_bytes(bytes: [u8; CODE_HASH_LEN]) -> Self {
        CodeHash(bytes)
    }

    /// The hash bytes.
    pub const fn to_bytes(&self) -> [u8; CODE_HASH_LEN] {
        self.0
    }

    /// Lower-case hex, 32 characters (the bundle's wire form).
    pub fn to_hex(&self) -> String {
        crate::hex::encode(&self.0)
    }

    /// Reads 32 hex digits (any case; no sign, space or prefix: see [`crate::hex`]).
    pub fn from_hex(hex: &str) -> Result<Self> {
        crate::hex::decode_array(hex)
            .map(CodeHash)
            .map_err(|e| match e.kind() {
                ErrorKind::BadLength => {
                    Error::new(ErrorKind::BadLength, "a code hash has 32 hex digits")
                }
                kind => Error::at(
                    kind,
                    e.position().unwrap_or(1),
                    "a code hash holds a character that is not hex",
                ),
            })
    }
}

impl fmt::Debug for CodeHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CodeHash({})", self.to_hex())
    }
}

/// What a directory knows about a token: enough to check and redeem it offline, nothing to rebuild its code.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct DirectoryEntry {
    /// The token.
    pub token_id: ActionTokenId,
    /// Its organisation.
    pub org: OrgId,
    /// Its action.
    pub action: Action,
    /// Its expiry.
    pub expires_at: Expiry,
}

impl DirectoryEntry {
    /// The entry of a stored token.
    pub fn of(token: &ActionToken) -> Self {
        DirectoryEntry {
            token_id: token.id(),
            org: token.org(),
            action: token.action(),
            expires_at: token.expires_at(),
        }
    }
}

/// Keyed hashes of codes, each with its token's entry. Never holds a code.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CodeDirectory {
    key: DirectoryKey,
    entries: BTreeMap<CodeHash, DirectoryEntry>,
}

impl CodeDirectory {
    /// An empty directory under `key`.
    pub fn new(key: DirectoryKey) -> Self {
        CodeDirectory {
            key,
            entries: BTreeMap::new(),
        }
    }

    /// A directory of these tokens.
    pub fn of_tokens<'a>(
        key: DirectoryKey,
        tokens: impl IntoIterator<Item = &'a ActionToken>,
    ) -> Self {
        let mut directory = Self::new(key);
        for token in tokens {
            directory.add(token);
        }
        directory
    }

    /// A directory of entries hashed already (read from a bundle), built in one pass: the entries are sorted
    /// once rather than inserted one by one. Of two entries with one hash, the later stays (as with `insert`).
    pub fn from_hashed(
        key: DirectoryKey,
        entries: impl IntoIterator<Item = (CodeHash, DirectoryEntry)>,
    ) -> Self {
        CodeDirectory {
            key,
            entries: entries.into_iter().collect(),
        }
    }

    /// Adds a token (its hash, never its code).
    pub fn add(&mut self, token: &ActionToken) {
        self.entries
            .insert(self.key.hash(&token.code()), DirectoryEntry::of(token));
    }

    /// Adds an entry under a hash already computed (e.g. read from a bundle).
    pub fn insert(&mut self, hash: CodeHash, entry: DirectoryEntry) {
        self.entries.insert(hash, entry);
    }

    /// The key.
    pub fn key(&self) -> &DirectoryKey {
        &self.key
    }

    /// The entry for a typed or scanned code.
    pub fn lookup(&self, code: &TokenCode) -> Option<&DirectoryEntry> {
        self.entries.get(&self.key.hash(code))
    }

    /// All entries by hash.
    pub fn entries(&self) -> impl Iterator<Item = (&CodeHash, &DirectoryEntry)> {
        self.entries.iter()
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
