//! The master key and what it seals. Signing-key seeds, directory keys and token codes are stored sealed with
//! ChaCha20-Poly1305 under a key derived from the master key, which lives in a file outside the database (created on
//! first start with mode 0600). A copy of the database alone therefore reveals no usable code or key.
//!
//! Sealed value: `01` (format) ‖ 12-byte random nonce ‖ ciphertext and tag. The associated data names what the value
//! is and where it belongs (e.g. `fieldtoken/token-code/7/1001`), so a sealed value moved to another row or column
//! does not open.

use std::io::Write;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{ChaCha20Poly1305, KeyInit as _, Nonce};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

const SEALED_FORMAT: u8 = 1;
const NONCE_LEN: usize = 12;

/// The server's master key, from which the sealing key and the code look-up key are derived.
pub struct MasterKey {
    seal: ChaCha20Poly1305,
    lookup: [u8; 32],
}

/// Why the master key could not be loaded, or a sealed value not opened.
#[derive(Debug)]
pub struct SealError(pub String);

impl std::fmt::Display for SealError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SealError {}

impl MasterKey {
    /// The master key with these 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> MasterKey {
        let seal = derive(&bytes, b"fieldtoken/seal");
        MasterKey {
            seal: ChaCha20Poly1305::new(&seal.into()),
            lookup: derive(&bytes, b"fieldtoken/code-lookup"),
        }
    }

    /// A new random master key (tests, and the first start).
    pub fn generate() -> ([u8; 32], MasterKey) {
        let mut bytes = [0u8; 32];
        rand::fill(&mut bytes);
        (bytes, MasterKey::from_bytes(bytes))
    }

    /// Reads the key file (64 hex digits), or creates it with mode 0600 when `create` and it does not exist.
    pub fn load_or_create(path: &Path, create: bool) -> Result<MasterKey, SealError> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                warn_if_readable_by_others(path);
                let bytes = hex::decode(text.trim())
                    .ok()
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
                    .ok_or_else(|| {
                        SealError(format!(
                            "the master key file {} does not hold 64 hex digits",
                            path.display()
                        ))
                    })?;
                Ok(MasterKey::from_bytes(bytes))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                let (bytes, key) = MasterKey::generate();
                write_new_key_file(path, &bytes)?;
                tracing::info!(path = %path.display(), "created a new master key file: back it up with the database");
                Ok(key)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(SealError(format!(
                "the master key file {} is missing, and the database holds values sealed with it: restore the file",
                path.display()
            ))),
            Err(e) => Err(SealError(format!(
                "reading the master key file {}: {e}",
                path.display()
            ))),
        }
    }

    /// Seals `plain` for the place named by `label`.
    pub fn seal(&self, label: &str, plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::fill(&mut nonce);
        let sealed = self
            .seal
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: label.as_bytes(),
                },
            )
            .expect("ChaCha20-Poly1305 seals any message shorter than 256 GiB");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(SEALED_FORMAT);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens a value sealed for `label`; fails if it was altered, moved, or sealed with another master key.
    pub fn open(&self, label: &str, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        let fail = || {
            SealError(format!(
                "the sealed value {label} does not open with this master key"
            ))
        };
        if sealed.len() < 1 + NONCE_LEN || sealed[0] != SEALED_FORMAT {
            return Err(fail());
        }
        self.seal
            .decrypt(
                Nonce::from_slice(&sealed[1..1 + NONCE_LEN]),
                Payload {
                    msg: &sealed[1 + NONCE_LEN..],
                    aad: label.as_bytes(),
                },
            )
            .map_err(|_| fail())
    }

    /// Opens a sealed value of exactly `N` bytes.
    pub fn open_array<const N: usize>(
        &self,
        label: &str,
        sealed: &[u8],
    ) -> Result<[u8; N], SealError> {
        let plain = self.open(label, sealed)?;
        <[u8; N]>::try_from(plain.as_slice())
            .map_err(|_| SealError(format!("the sealed value {label} has the wrong size")))
    }

    /// The keyed hash under which a token code is found (the look-up column), never reversible to the code.
    pub fn code_lookup(&self, code: &[u8]) -> Vec<u8> {
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(&self.lookup).expect("any key length");
        mac.update(code);
        mac.finalize().into_bytes().to_vec()
    }
}

fn derive(master: &[u8; 32], purpose: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(master).expect("any key length");
    mac.update(purpose);
    mac.finalize().into_bytes().into()
}

fn write_new_key_file(path: &Path, bytes: &[u8; 32]) -> Result<(), SealError> {
    let fail = |e: std::io::Error| {
        SealError(format!(
            "creating the master key file {}: {e}",
            path.display()
        ))
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(fail)?;
    writeln!(file, "{}", hex::encode(bytes)).map_err(fail)?;
    file.sync_all().map_err(fail)
}

fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            tracing::warn!(path = %path.display(), "the master key file is readable by other users: chmod 600 it");
        }
    }
}

/// Where the master key file goes by default: `master.key` beside the SQLite file of `db_url`.
pub fn default_key_path(db_url: &str) -> PathBuf {
    let file = db_url
        .strip_prefix("sqlite://")
        .or_else(|| db_url.strip_prefix("sqlite:"))
        .unwrap_or(db_url);
    let file = file.split('?').next().unwrap_or(file);
    match Path::new(file).parent() {
        Some(parent) if !file.is_empty() && !file.starts_with(':') => parent.join("master.key"),
        _ => PathBuf::from("data/master.key"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_in_their_place_and_with_their_key() {
        let (_, key) = MasterKey::generate();
        let sealed = key.seal("fieldtoken/token-code/1/2", b"secret");
        assert_eq!(
            key.open("fieldtoken/token-code/1/2", &sealed).unwrap(),
            b"secret"
        );
        assert!(key.open("fieldtoken/token-code/1/3", &sealed).is_err());
        let (_, other) = MasterKey::generate();
        assert!(other.open("fieldtoken/token-code/1/2", &sealed).is_err());
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert!(key.open("fieldtoken/token-code/1/2", &altered).is_err());
    }

    #[test]
    fn the_key_file_defaults_beside_the_database() {
        assert_eq!(
            default_key_path("sqlite://data/fieldtoken.db"),
            PathBuf::from("data/master.key")
        );
        assert_eq!(
            default_key_path("sqlite:///srv/mdm/db.sqlite?mode=rwc"),
            PathBuf::from("/srv/mdm/master.key")
        );
        assert_eq!(
            default_key_path("sqlite::memory:"),
            PathBuf::from("data/master.key")
        );
    }
}
