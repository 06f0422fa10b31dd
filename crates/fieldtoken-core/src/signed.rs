//! The new format: a binary claim set signed with the organisation's Ed25519 key, written in Base41 for QR
//! alphanumeric mode, as text (`FT:` + payload) or as a deep link (`HTTPS://HOST/T/` + payload).
//!
//! Layout of format version 1 (all integers big-endian; byte-exact in `docs/FORMATS.md`):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 1 | format version = 1 |
//! | 1 | 4 | key id |
//! | 5 | 4 | organisation id |
//! | 9 | 4 | token id |
//! | 13 | 4 | expiry, seconds since the epoch |
//! | 17 | 1 | action: 1 put_in_fleet, 2 put_in_repair, 3 put_in_stock, 4 reset_certificate |
//! | 18 | 4 | fleet id (put_in_fleet only) |
//! | 18 or 22 | 64 | Ed25519 signature of [`SIGNING_CONTEXT`] followed by all the bytes before it |
//!
//! The version byte comes first and is the first byte of the first Base41 group, which every future version keeps;
//! so an older client reads the version from the first three symbols and says "update required", whatever follows.

use std::collections::BTreeMap;
use std::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rand_core::CryptoRng;

use crate::action::{Action, ActionToken};
use crate::base41;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{ActionTokenId, Expiry, FleetId, KeyId, OrgId};
use crate::link::{LinkBase, split_token_link};

/// The newest format version this build reads and writes.
pub const FORMAT_VERSION: u8 = 1;
/// What the signature covers before the claim bytes, so a signature can never be replayed as anything else.
pub const SIGNING_CONTEXT: &[u8] = b"fieldtoken/action-token\0";
/// The prefix of the text form.
pub const TEXT_PREFIX: &str = "FT:";
/// Size of the claims without a fleet.
pub const CLAIMS_LEN: usize = 18;
/// Size of the claims with a fleet (the longest).
pub const MAX_CLAIMS_LEN: usize = CLAIMS_LEN + 4;
/// Size of an Ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;
/// Size of the longest signed token in bytes.
pub const MAX_TOKEN_LEN: usize = MAX_CLAIMS_LEN + SIGNATURE_LEN;

/// The claims of a signed token: what it does, for whom, until when, and which key vouches for it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Claims {
    /// The key that signed (or is to sign) the claims.
    pub key_id: KeyId,
    /// The organisation the token belongs to.
    pub org: OrgId,
    /// The action token.
    pub token_id: ActionTokenId,
    /// The action.
    pub action: Action,
    /// The expiry.
    pub expires_at: Expiry,
}

impl Claims {
    /// The claims of a stored token, to be signed with key `key_id`.
    pub fn for_token(token: &ActionToken, key_id: KeyId) -> Self {
        Claims {
            key_id,
            org: token.org(),
            token_id: token.id(),
            action: token.action(),
            expires_at: token.expires_at(),
        }
    }

    /// The claim bytes of format version 1 (without the signature).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(MAX_CLAIMS_LEN);
        out.push(FORMAT_VERSION);
        out.extend_from_slice(&self.key_id.get().to_be_bytes());
        out.extend_from_slice(&self.org.get().to_be_bytes());
        out.extend_from_slice(&self.token_id.get().to_be_bytes());
        out.extend_from_slice(&self.expires_at.as_seconds().to_be_bytes());
        match self.action {
            Action::PutInFleet(fleet) => {
                out.push(1);
                out.extend_from_slice(&fleet.get().to_be_bytes());
            }
            Action::PutInRepair => out.push(2),
            Action::PutInStock => out.push(3),
            Action::ResetCertificate => out.push(4),
        }
        out
    }
}

fn signed_message(claim_bytes: &[u8]) -> Vec<u8> {
    [SIGNING_CONTEXT, claim_bytes].concat()
}

/// An organisation's signing key (secret). The MDM keeps its seed sealed; clients only ever see [`OrgPublicKey`].
pub struct OrgSigningKey {
    key_id: KeyId,
    org: OrgId,
    key: SigningKey,
}

impl OrgSigningKey {
    /// The key with this 32-byte Ed25519 seed (RFC 8032 secret key).
    pub fn from_seed(key_id: KeyId, org: OrgId, seed: [u8; 32]) -> Self {
        OrgSigningKey {
            key_id,
            org,
            key: SigningKey::from_bytes(&seed),
        }
    }

    /// A new random key.
    pub fn generate<R: CryptoRng + ?Sized>(key_id: KeyId, org: OrgId, rng: &mut R) -> Self {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        Self::from_seed(key_id, org, seed)
    }

    /// The 32-byte seed, to be sealed before storing. Handle with care.
    pub fn seed(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// The key id.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The organisation.
    pub fn org(&self) -> OrgId {
        self.org
    }

    /// The public half, for the offline bundle.
    pub fn public_key(&self) -> OrgPublicKey {
        OrgPublicKey {
            key_id: self.key_id,
            org: self.org,
            key: self.key.verifying_key(),
        }
    }

    /// Signs a stored token with this key.
    pub fn sign_token(&self, token: &ActionToken) -> Result<SignedToken> {
        self.sign(Claims::for_token(token, self.key_id))
    }

    /// Signs claims; they must name this key and its organisation.
    pub fn sign(&self, claims: Claims) -> Result<SignedToken> {
        if claims.key_id != self.key_id || claims.org != self.org {
            return Err(Error::new(
                ErrorKind::OtherOrg,
                "these claims are not for this organisation's key",
            ));
        }
        let signature = self
            .key
            .sign(&signed_message(&claims.to_bytes()))
            .to_bytes();
        Ok(SignedToken { claims, signature })
    }
}

impl fmt::Debug for OrgSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrgSigningKey")
            .field("key_id", &self.key_id)
            .field("org", &self.org)
            .finish_non_exhaustive()
    }
}

/// An organisation's public key, as published in the offline bundle.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct OrgPublicKey {
    key_id: KeyId,
    org: OrgId,
    key: VerifyingKey,
}

impl OrgPublicKey {
    /// The public key from its 32 bytes; fails with `bad_format` if they are not a valid Ed25519 key.
    pub fn from_bytes(key_id: KeyId, org: OrgId, bytes: [u8; 32]) -> Result<Self> {
        let key = VerifyingKey::from_bytes(&bytes)
            .ok()
            .filter(|k| !k.is_weak())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::BadFormat,
                    format!("key {key_id} is not a valid Ed25519 public key"),
                )
            })?;
        Ok(OrgPublicKey { key_id, org, key })
    }

    /// The key id.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The organisation that owns the key.
    pub fn org(&self) -> OrgId {
        self.org
    }

    /// The 32 bytes of the key.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }
}

/// Public keys by key id: what a client needs to verify signed tokens offline.
#[derive(Clone, Default, PartialEq, Eq, Debug)]
pub struct KeyRing {
    keys: BTreeMap<KeyId, OrgPublicKey>,
}

impl KeyRing {
    /// An empty ring.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a key.
    pub fn insert(&mut self, key: OrgPublicKey) {
        self.keys.insert(key.key_id, key);
    }

    /// The key with this id.
    pub fn get(&self, key_id: KeyId) -> Option<&OrgPublicKey> {
        self.keys.get(&key_id)
    }

    /// All keys, by id.
    pub fn iter(&self) -> impl Iterator<Item = &OrgPublicKey> {
        self.keys.values()
    }
}

impl FromIterator<OrgPublicKey> for KeyRing {
    fn from_iter<I: IntoIterator<Item = OrgPublicKey>>(iter: I) -> Self {
        let mut ring = KeyRing::new();
        for key in iter {
            ring.insert(key);
        }
        ring
    }
}

/// A signed token as read from a QR code: claims and signature, not yet verified.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct SignedToken {
    claims: Claims,
    signature: [u8; SIGNATURE_LEN],
}

impl SignedToken {
    /// The claims (unverified until [`SignedToken::verify`] says so).
    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// The 64 signature bytes.
    pub fn signature(&self) -> &[u8; SIGNATURE_LEN] {
        &self.signature
    }

    /// Checks the signature with the key the claims name: `unknown_key` if the ring lacks it, `bad_signature` if the
    /// key belongs to another organisation or the signature does not match. Organisation and expiry are the
    /// caller's next checks (see [`crate::token::verify_token`]).
    pub fn verify(&self, keys: &KeyRing) -> Result<&Claims> {
        let key = keys.get(self.claims.key_id).ok_or_else(|| {
            Error::new(
                ErrorKind::UnknownKey,
                format!(
                    "this token is signed with key {} which this phone does not know yet: sync to refresh its keys",
                    self.claims.key_id
                ),
            )
        })?;
        if key.org != self.claims.org {
            return Err(Error::new(
                ErrorKind::BadSignature,
                "this token's key belongs to another organisation",
            ));
        }
        let signature = Signature::from_bytes(&self.signature);
        key.key
            .verify_strict(&signed_message(&self.claims.to_bytes()), &signature)
            .map_err(|_| {
                Error::new(
                    ErrorKind::BadSignature,
                    "this token's signature is not valid: it was altered or forged",
                )
            })?;
        Ok(&self.claims)
    }

    /// The binary form: claims then signature.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.claims.to_bytes();
        out.extend_from_slice(&self.signature);
        out
    }

    /// Reads the binary form; checks the version first, then the structure. Positions in errors are 1-based bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        check_version(bytes.first().copied())?;
        let need = |len: usize| {
            if bytes.len() < len {
                Err(Error::at(
                    ErrorKind::Truncated,
                    bytes.len() + 1,
                    format!(
                        "the token is cut short: it has {} bytes, this one needs {len}",
                        bytes.len()
                    ),
                ))
            } else {
                Ok(())
            }
        };
        need(CLAIMS_LEN)?;
        let u32_at = |at: usize| {
            u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        let id_at = |at: usize, what: &str| {
            let v = u32_at(at);
            if v == 0 {
                Err(Error::at(
                    ErrorKind::BadFormat,
                    at + 1,
                    format!("the token's {what} id is 0"),
                ))
            } else {
                Ok(v)
            }
        };
        let key_id = KeyId::new(id_at(1, "key")?)?;
        let org = OrgId::new(id_at(5, "organisation")?)?;
        let token_id = ActionTokenId::new(id_at(9, "token")?)?;
        let expires_at = Expiry::from_seconds(u32_at(13));
        let (action, claims_len) = match bytes[17] {
            1 => {
                need(MAX_CLAIMS_LEN)?;
                (
                    Action::PutInFleet(FleetId::new(id_at(18, "fleet")?)?),
                    MAX_CLAIMS_LEN,
                )
            }
            2 => (Action::PutInRepair, CLAIMS_LEN),
            3 => (Action::PutInStock, CLAIMS_LEN),
            4 => (Action::ResetCertificate, CLAIMS_LEN),
            other => {
                return Err(Error::at(
                    ErrorKind::BadFormat,
                    18,
                    format!("unknown action {other} in this token"),
                ));
            }
        };
        let total = claims_len + SIGNATURE_LEN;
        need(total)?;
        if bytes.len() > total {
            return Err(Error::at(
                ErrorKind::TrailingData,
                total + 1,
                format!("the token has {} bytes after its end", bytes.len() - total),
            ));
        }
        let mut signature = [0u8; SIGNATURE_LEN];
        signature.copy_from_slice(&bytes[claims_len..total]);
        Ok(SignedToken {
            claims: Claims {
                key_id,
                org,
                token_id,
                action,
                expires_at,
            },
            signature,
        })
    }

    /// The Base41 payload (no prefix), as it appears after `FT:` or `/T/`.
    pub fn payload(&self) -> String {
        base41::encode(&self.to_bytes())
    }

    /// The text form `FT:<payload>`.
    pub fn to_text(&self) -> String {
        format!("{TEXT_PREFIX}{}", self.payload())
    }

    /// The deep link `HTTPS://HOST/T/<payload>`, upper case so that the whole link is QR alphanumeric.
    pub fn to_deep_link(&self, base: &LinkBase) -> String {
        base.link(&self.payload()).to_ascii_uppercase()
    }

    /// Reads a Base41 payload. Positions in errors are 1-based characters of the payload.
    pub fn from_payload(payload: &str) -> Result<Self> {
        let text = payload.trim().as_bytes();
        if text.is_empty() {
            return Err(Error::new(ErrorKind::Empty, "no token given"));
        }
        // The version is read from the first group alone, so a newer format is never misread as a broken one.
        let head = base41::decode_prefix(text, 1)?;
        check_version(head.first().copied())?;
        if text.len() % 3 == 1 {
            // A lone last symbol: either the token is cut short (reported as such) or a symbol too many follows it.
            Self::from_bytes(&base41::decode(&text[..text.len() - 1])?)?;
            return Err(Error::at(
                ErrorKind::TrailingData,
                text.len(),
                "the token has a symbol too many at its end",
            ));
        }
        Self::from_bytes(&base41::decode(text)?)
    }

    /// Reads the text form `FT:<payload>` (prefix in any case).
    pub fn from_text(text: &str) -> Result<Self> {
        let text = text.trim();
        let payload = text
            .get(..TEXT_PREFIX.len())
            .filter(|p| p.eq_ignore_ascii_case(TEXT_PREFIX))
            .map(|_| &text[TEXT_PREFIX.len()..])
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::BadFormat,
                    "not a signed token: it must start with FT:",
                )
            })?;
        Self::from_payload(payload)
    }

    /// Reads a deep link `https://host/t/<payload>` (any case, any host allowed in links).
    pub fn from_deep_link(link: &str) -> Result<Self> {
        let (_, payload) = split_token_link(link)?;
        Self::from_payload(payload)
    }
}

fn check_version(version: Option<u8>) -> Result<()> {
    match version {
        None => Err(Error::new(ErrorKind::Empty, "no token given")),
        Some(0) => Err(Error::at(
            ErrorKind::BadFormat,
            1,
            "this is not a signed token (format version 0)",
        )),
        Some(FORMAT_VERSION) => Ok(()),
        Some(v) => Err(Error::new(
            ErrorKind::UnsupportedVersion,
            format!(
                "update required: this token uses format version {v} and this app reads up to version {FORMAT_VERSION}"
            ),
        )),
    }
}
