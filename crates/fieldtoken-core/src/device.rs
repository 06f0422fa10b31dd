//! Devices and fleets as the rules see them: where a device is (a fleet, repair or stock) and its certificate, the
//! enrolled device key that `reset_certificate` clears.

use std::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rand_core::CryptoRng;

use crate::action::Action;
use crate::code::TokenCode;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{DeviceId, FleetId, OrgId, Timestamp};
use crate::sync::Redemption;

/// Where a device is.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum DeviceState {
    /// In service, in this fleet.
    InFleet(FleetId),
    /// In repair.
    InRepair,
    /// In stock.
    InStock,
}

impl DeviceState {
    /// The stable name: `in_fleet`, `in_repair` or `in_stock`.
    pub const fn as_str(self) -> &'static str {
        match self {
            DeviceState::InFleet(_) => "in_fleet",
            DeviceState::InRepair => "in_repair",
            DeviceState::InStock => "in_stock",
        }
    }

    /// The fleet, when in one.
    pub const fn fleet(self) -> Option<FleetId> {
        match self {
            DeviceState::InFleet(f) => Some(f),
            _ => None,
        }
    }
}

impl fmt::Display for DeviceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceState::InFleet(fleet) => write!(f, "in_fleet({fleet})"),
            other => f.write_str(other.as_str()),
        }
    }
}

/// The most characters a serial may have.
pub const MAX_SERIAL_CHARS: usize = 64;

/// A device's serial, as printed on it: 1 to 64 ASCII letters, digits and `-` `_` `.` `/` `:`. Read without the
/// spaces around it and in upper case, so that `ab-12` typed by hand and `AB-12` from a spreadsheet are one device
/// (serials are printed in one case; a second case would only let duplicates in).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Serial(String);

impl Serial {
    /// Reads a serial; `bad_serial` saying what is wrong otherwise.
    pub fn parse(text: &str) -> Result<Serial> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::new(ErrorKind::BadSerial, "the serial is empty"));
        }
        if let Some((pos, c)) = text
            .chars()
            .enumerate()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || "-_./:".contains(c)))
        {
            return Err(Error::at(
                ErrorKind::BadSerial,
                pos + 1,
                format!(
                    "a serial holds only letters A-Z, digits and - _ . / : (not {c:?} at position {})",
                    pos + 1
                ),
            ));
        }
        if text.len() > MAX_SERIAL_CHARS {
            return Err(Error::new(
                ErrorKind::BadSerial,
                format!(
                    "a serial has at most {MAX_SERIAL_CHARS} characters, not {}",
                    text.len()
                ),
            ));
        }
        Ok(Serial(text.to_ascii_uppercase()))
    }

    /// The serial, in upper case.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A device's certificate: the public key it enrolled with, which it uses to talk to the MDM securely.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Certificate([u8; 32]);

impl Certificate {
    /// The certificate of this enrolled public key, as stored (checked when it was enrolled, see
    /// [`Certificate::parse`]).
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Certificate(bytes)
    }

    /// A device's public key offered at enrolment: `bad_format` unless it is the RFC 8032 encoding of a curve point
    /// of large order (a small-order "weak" key would accept signatures its holder never made).
    pub fn parse(bytes: [u8; 32]) -> Result<Self> {
        verifying_key(bytes)?;
        Ok(Certificate(bytes))
    }

    /// The key bytes.
    pub const fn to_bytes(&self) -> [u8; 32] {
        self.0
    }

    /// Checks the device's proof that it holds this key's secret half: an Ed25519 signature, verified strictly, of
    /// [`enrolment_message`] for the code it enrols with. `bad_signature` otherwise.
    pub fn verify_enrolment(&self, code: &TokenCode, proof: &[u8; 64]) -> Result<()> {
        verifying_key(self.0)?
            .verify_strict(&enrolment_message(code), &Signature::from_bytes(proof))
            .map_err(|_| {
                Error::new(
                    ErrorKind::BadSignature,
                    "the proof is not this key's signature of this enrolment code",
                )
            })
    }

    /// Checks an enrolled device's signature of the redemptions it uploads for itself: an Ed25519 signature,
    /// verified strictly, of [`sync_message`] for `org`, `device` and `batch`. `forbidden` when a redemption acts on
    /// another device (a device signs only for itself), `bad_signature` when the signature is not this key's of
    /// exactly this batch.
    pub fn verify_sync(
        &self,
        org: OrgId,
        device: DeviceId,
        batch: &[Redemption],
        signature: &[u8; 64],
    ) -> Result<()> {
        if let Some((i, r)) = batch
            .iter()
            .enumerate()
            .find(|(_, r)| r.device_id != device)
        {
            return Err(Error::new(
                ErrorKind::Forbidden,
                format!(
                    "redemption {} acts on device {}: device {device} signs only for itself",
                    i + 1,
                    r.device_id
                ),
            ));
        }
        verifying_key(self.0)?
            .verify_strict(
                &sync_message(org, device, batch),
                &Signature::from_bytes(signature),
            )
            .map_err(|_| {
                Error::new(
                    ErrorKind::BadSignature,
                    format!("the signature is not device {device}'s current key's signature of this batch"),
                )
            })
    }

    /// Checks an enrolled device's signature of a request it makes as itself (see [`request_message`]): an
    /// Ed25519 signature, verified strictly, of exactly this method, path, organisation, device and time, which
    /// [`request_time_fresh`] bounds. `bad_signature` otherwise.
    pub fn verify_request(&self, request: &SignedRequest<'_>, signature: &[u8; 64]) -> Result<()> {
        verifying_key(self.0)?
            .verify_strict(&request_message(request), &Signature::from_bytes(signature))
            .map_err(|_| {
                Error::new(
                    ErrorKind::BadSignature,
                    format!(
                        "the signature is not device {}'s current key's signature of this request",
                        request.device
                    ),
                )
            })
    }
}

fn verifying_key(bytes: [u8; 32]) -> Result<VerifyingKey> {
    VerifyingKey::from_bytes(&bytes)
        .ok()
        .filter(|k| !k.is_weak())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::BadFormat,
                "this is not a valid Ed25519 public key (not a curve point, or of small order)",
            )
        })
}

/// What a device signs to enrol: the ASCII bytes of `fieldtoken/enrolment/v1:` followed by the enrolment code in
/// its canonical form `XXXX-XXXX-XXXX-XXXX-C` (45 bytes in all; see `docs/FORMATS.md`, "Enrolment proof").
pub fn enrolment_message(code: &TokenCode) -> Vec<u8> {
    format!("{ENROLMENT_CONTEXT}{code}").into_bytes()
}

/// The context that opens every [`enrolment_message`], so an enrolment proof is never a valid signature of
/// anything else.
pub const ENROLMENT_CONTEXT: &str = "fieldtoken/enrolment/v1:";

/// What an enrolled device signs to upload redemptions for itself (see `docs/FORMATS.md`, "Device-signed sync"):
/// the ASCII bytes of [`SYNC_CONTEXT`], then its organisation, its id and the number of redemptions (each 4 bytes,
/// big-endian), then each redemption in the order sent: its id's length (1 byte) and ASCII bytes, its token text's
/// length (4 bytes, big-endian) and UTF-8 bytes, its device id (4 bytes) and its scan time in milliseconds since
/// 1970 (8 bytes, signed, big-endian). Every field of every redemption is covered, so a signature is good for this
/// exact batch only, and the redemption ids (random, and the idempotency keys) make a replay a `duplicate`.
pub fn sync_message(org: OrgId, device: DeviceId, batch: &[Redemption]) -> Vec<u8> {
    let mut message = Vec::with_capacity(SYNC_CONTEXT.len() + 12 + batch.len() * 100);
    message.extend_from_slice(SYNC_CONTEXT.as_bytes());
    message.extend_from_slice(&org.get().to_be_bytes());
    message.extend_from_slice(&device.get().to_be_bytes());
    message.extend_from_slice(&count_u32(batch.len()).to_be_bytes());
    for r in batch {
        let id = r.id.as_str().as_bytes();
        // A redemption id is at most 64 ASCII characters (`RedemptionId::new`).
        message.push(u8::try_from(id.len()).unwrap_or(u8::MAX));
        message.extend_from_slice(id);
        message.extend_from_slice(&count_u32(r.token.len()).to_be_bytes());
        message.extend_from_slice(r.token.as_bytes());
        message.extend_from_slice(&r.device_id.get().to_be_bytes());
        message.extend_from_slice(&r.scanned_at.as_millis().to_be_bytes());
    }
    message
}

fn count_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The context that opens every [`sync_message`]: no signature of it is a valid enrolment proof, nor the reverse.
pub const SYNC_CONTEXT: &str = "fieldtoken/sync/v1:";

/// A request an enrolled device makes as itself, with no operator signed in (docs/FORMATS.md, "Device-signed
/// requests"): what its signature covers.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SignedRequest<'a> {
    /// The HTTP method, upper-case ASCII (`GET`).
    pub method: &'a str,
    /// The request's path without its query (`/api/v1/offline-bundle`).
    pub path: &'a str,
    /// The device's organisation.
    pub org: OrgId,
    /// The signer.
    pub device: DeviceId,
    /// When the device signed it, by the server's time as the device knows it.
    pub at: Timestamp,
}

/// The context that opens every [`request_message`]: no signature of it is a sync signature or an enrolment proof.
pub const REQUEST_CONTEXT: &str = "fieldtoken/request/v1:";

/// How far a signed request's time may be from the server's, either way: a copied request is refused once this
/// has passed.
pub const REQUEST_WINDOW_MS: i64 = 5 * 60 * 1000;

/// What an enrolled device signs to make `request` as itself: the ASCII bytes of [`REQUEST_CONTEXT`], its
/// organisation and id (4 bytes each, big-endian), the time (8 bytes, signed, big-endian, milliseconds since 1970),
/// the method's length (1 byte) and ASCII bytes, and the path's length (2 bytes, big-endian) and bytes. Method and
/// path longer than their length field are cut (no real request has them).
pub fn request_message(request: &SignedRequest<'_>) -> Vec<u8> {
    let method = &request.method.as_bytes()[..request.method.len().min(usize::from(u8::MAX))];
    let path = &request.path.as_bytes()[..request.path.len().min(usize::from(u16::MAX))];
    let mut message = Vec::with_capacity(REQUEST_CONTEXT.len() + 19 + method.len() + path.len());
    message.extend_from_slice(REQUEST_CONTEXT.as_bytes());
    message.extend_from_slice(&request.org.get().to_be_bytes());
    message.extend_from_slice(&request.device.get().to_be_bytes());
    message.extend_from_slice(&request.at.as_millis().to_be_bytes());
    message.push(u8::try_from(method.len()).unwrap_or(u8::MAX));
    message.extend_from_slice(method);
    message.extend_from_slice(&u16::try_from(path.len()).unwrap_or(u16::MAX).to_be_bytes());
    message.extend_from_slice(path);
    message
}

/// `clock` unless a signed request's time `at` is within [`REQUEST_WINDOW_MS`] of the server's `now`: a request
/// signed long ago (a copy replayed later) or dated far ahead (made to be replayed later) is refused.
pub fn request_time_fresh(at: Timestamp, now: Timestamp) -> Result<()> {
    let apart = at.as_millis().abs_diff(now.as_millis());
    if apart > REQUEST_WINDOW_MS.unsigned_abs() {
        let minutes = apart.div_ceil(60_000);
        return Err(Error::new(
            ErrorKind::Clock,
            format!(
                "the request was signed {minutes} minute(s) away from the server's time (at most {} allowed): set the phone's date and time right",
                REQUEST_WINDOW_MS / 60_000
            ),
        ));
    }
    Ok(())
}

/// A device's own Ed25519 key, as the device keeps it: it enrols with the public half ([`DeviceKey::certificate`])
/// and proves that it holds the secret half by signing the enrolment code ([`DeviceKey::enrolment_proof`]).
pub struct DeviceKey(SigningKey);

impl DeviceKey {
    /// The key with this 32-byte Ed25519 seed (RFC 8032 secret key).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        DeviceKey(SigningKey::from_bytes(&seed))
    }

    /// A new random key.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        Self::from_seed(seed)
    }

    /// The 32-byte seed, for the device to keep. Handle with care.
    pub fn seed(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The public half, as the certificate the device enrols with.
    pub fn certificate(&self) -> Certificate {
        Certificate(self.0.verifying_key().to_bytes())
    }

    /// The proof of possession sent with the enrolment: the signature of [`enrolment_message`] for `code`.
    pub fn enrolment_proof(&self, code: &TokenCode) -> [u8; 64] {
        self.0.sign(&enrolment_message(code)).to_bytes()
    }

    /// The signature that carries `batch` to the MDM as this device's own (`org` and `device` being its
    /// organisation and id): the signature of [`sync_message`].
    pub fn sign_sync(&self, org: OrgId, device: DeviceId, batch: &[Redemption]) -> [u8; 64] {
        self.0.sign(&sync_message(org, device, batch)).to_bytes()
    }

    /// The signature that makes `request` as this device: the signature of [`request_message`].
    pub fn sign_request(&self, request: &SignedRequest<'_>) -> [u8; 64] {
        self.0.sign(&request_message(request)).to_bytes()
    }
}

impl fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceKey")
            .field("certificate", &self.certificate())
            .finish_non_exhaustive()
    }
}

/// A device managed by the MDM.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Device {
    /// Its id.
    pub id: DeviceId,
    /// Its organisation: only tokens of the same organisation act on it.
    pub org: OrgId,
    /// Where it is.
    pub state: DeviceState,
    /// Its certificate; `None` once reset, until it enrols again.
    pub certificate: Option<Certificate>,
}

impl Device {
    /// The device after `action`: fleet, repair and stock replace the state; `reset_certificate` clears the
    /// certificate and leaves the state.
    pub fn apply(&self, action: Action) -> Device {
        let mut next = self.clone();
        match action {
            Action::PutInFleet(fleet) => next.state = DeviceState::InFleet(fleet),
            Action::PutInRepair => next.state = DeviceState::InRepair,
            Action::PutInStock => next.state = DeviceState::InStock,
            Action::ResetCertificate => next.certificate = None,
        }
        next
    }

    /// The device enrolled (again) with a new certificate.
    pub fn enrol(&self, certificate: Certificate) -> Device {
        Device {
            certificate: Some(certificate),
            ..self.clone()
        }
    }

    /// Whether it must enrol before it can talk to the MDM.
    pub fn needs_enrolment(&self) -> bool {
        self.certificate.is_none()
    }
}

/// A fleet of an organisation.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Fleet {
    /// Its id.
    pub id: FleetId,
    /// Its organisation.
    pub org: OrgId,
    /// Its name, for people.
    pub name: String,
}
