//! Bearer secrets: `ftk_` and 64 hex digits (32 random bytes); only their SHA-256 is stored.

use sha2::{Digest, Sha256};

const SECRET_PREFIX: &str = "ftk_";

/// A new bearer secret and the hash to store.
pub fn new_secret() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    let secret = format!("{SECRET_PREFIX}{}", hex::encode(bytes));
    let hash = secret_hash(&secret);
    (secret, hash)
}

/// The stored form of a secret.
pub fn secret_hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}
