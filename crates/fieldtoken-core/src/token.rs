//! Reading any token a phone may meet (a signed token as text or deep link, an old-format code as QR text, typed or
//! in a card's link), and the offline verdict against the offline bundle. The server reuses the same checks at sync.

use std::collections::{BTreeMap, BTreeSet};

use crate::action::Action;
use crate::code::TokenCode;
use crate::device::{Device, Fleet};
use crate::directory::CodeDirectory;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{ActionTokenId, DeviceId, Expiry, FleetId, KeyId, OrgId, Timestamp};
use crate::link::split_token_link;
use crate::signed::{KeyRing, SignedToken, TEXT_PREFIX};

/// The longest link tail read as a code: a code with separators is at most a few dozen characters, a signed payload
/// at least 123, so anything longer is read as a signed payload.
const MAX_CODE_TAIL: usize = 40;

/// A token as read, before any check against keys, directory or clock.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ParsedToken {
    /// A new-format signed token.
    Signed(SignedToken),
    /// An old-format token code.
    Code(TokenCode),
}

/// Which format a token came in.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum TokenFormat {
    /// The new, signed format.
    Signed,
    /// The old format: a code, checked against the code directory.
    Code,
}

impl TokenFormat {
    /// `signed` or `code`.
    pub const fn as_str(self) -> &'static str {
        match self {
            TokenFormat::Signed => "signed",
            TokenFormat::Code => "code",
        }
    }
}

impl ParsedToken {
    /// The format.
    pub fn format(&self) -> TokenFormat {
        match self {
            ParsedToken::Signed(_) => TokenFormat::Signed,
            ParsedToken::Code(_) => TokenFormat::Code,
        }
    }
}

/// Reads any token text: a deep link `https://host/t/...` (holding a signed payload or a code), the signed text form
/// `FT:...`, or a code (old-format QR text or typed by hand, with the tolerant code rules).
pub fn parse_token(text: &str) -> Result<ParsedToken> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::new(
            ErrorKind::Empty,
            "nothing to read: scan a token or type its code",
        ));
    }
    let lower = |p: &str| {
        text.get(..p.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(p))
    };
    if lower("https://") || lower("http://") {
        let (_, tail) = split_token_link(text)?;
        return if tail.chars().count() > MAX_CODE_TAIL {
            SignedToken::from_payload(tail).map(ParsedToken::Signed)
        } else {
            TokenCode::parse(tail).map(ParsedToken::Code)
        };
    }
    if lower(TEXT_PREFIX) {
        return SignedToken::from_text(text).map(ParsedToken::Signed);
    }
    TokenCode::parse(text).map(ParsedToken::Code)
}

/// What a phone holds to check tokens offline: the organisation's public keys, the code directory, deleted tokens,
/// fleets and devices. The MDM builds it; the wire form is the edge's business.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct OfflineBundle {
    /// The phone's organisation.
    pub org: OrgId,
    /// Public keys by key id.
    pub keys: KeyRing,
    /// Keyed hashes of the old-format codes.
    pub directory: CodeDirectory,
    /// Tokens deleted since they were issued (signed tokens stay verifiable otherwise).
    pub deleted: BTreeSet<ActionTokenId>,
    /// Fleets by id.
    pub fleets: BTreeMap<FleetId, Fleet>,
    /// Devices by id.
    pub devices: BTreeMap<DeviceId, Device>,
    /// Keys an admin retired. Their public keys are gone from `keys`, so without this list a QR signed with one
    /// would read as "a key this phone does not know yet, sync", when syncing can never make it valid.
    pub retired_keys: BTreeSet<KeyId>,
}

/// A token that passed the offline checks, with what it does.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct VerifiedToken {
    /// The token.
    pub token_id: ActionTokenId,
    /// Its organisation.
    pub org: OrgId,
    /// Its action.
    pub action: Action,
    /// Its expiry.
    pub expires_at: Expiry,
    /// The format it came in.
    pub format: TokenFormat,
}

/// The offline verdict on a token text: parsed, then the signature (or the code directory), deletion, organisation
/// and expiry at `now`, in that order. Errors: any parse error, `unknown_key`, `bad_signature` (also for a key the
/// bundle lists as retired, as the MDM refuses it at sync), `unknown_token`, `deleted`, `other_org`, `expired`.
pub fn verify_token(text: &str, bundle: &OfflineBundle, now: Timestamp) -> Result<VerifiedToken> {
    let token = match parse_token(text)? {
        ParsedToken::Signed(signed) => {
            if bundle.retired_keys.contains(&signed.claims().key_id) {
                return Err(Error::new(
                    ErrorKind::BadSignature,
                    "this QR code was signed with a key the MDM has retired: ask the admin to show the token again for a new one",
                ));
            }
            let c = signed.verify(&bundle.keys)?;
            VerifiedToken {
                token_id: c.token_id,
                org: c.org,
                action: c.action,
                expires_at: c.expires_at,
                format: TokenFormat::Signed,
            }
        }
        ParsedToken::Code(code) => {
            let e = bundle.directory.lookup(&code).ok_or_else(|| {
                Error::new(
                    ErrorKind::UnknownToken,
                    "this code is not a known token: it may be from another organisation, deleted, or newer than this phone's last sync",
                )
            })?;
            VerifiedToken {
                token_id: e.token_id,
                org: e.org,
                action: e.action,
                expires_at: e.expires_at,
                format: TokenFormat::Code,
            }
        }
    };
    if bundle.deleted.contains(&token.token_id) {
        return Err(deleted());
    }
    check_org(token.org, bundle.org)?;
    check_expiry(token.expires_at, now)?;
    Ok(token)
}

pub(crate) fn deleted() -> Error {
    Error::new(
        ErrorKind::Deleted,
        "this token was deleted by an administrator",
    )
}

/// seed 000: "Each Action Token has a unique code and is only compatible with devices in your organization."
pub(crate) fn check_org(token_org: OrgId, org: OrgId) -> Result<()> {
    if token_org != org {
        return Err(Error::new(
            ErrorKind::OtherOrg,
            "this token belongs to another organisation",
        ));
    }
    Ok(())
}

/// seed 000: "Select an expiration date for the token, after which it will no longer function".
pub(crate) fn check_expiry(expires_at: Expiry, at: Timestamp) -> Result<()> {
    if expires_at.has_passed(at) {
        return Err(Error::new(ErrorKind::Expired, "this token has expired"));
    }
    Ok(())
}

/// Whether a verified token may act on `device` at `at`: the device must be known and of the token's organisation,
/// the token not expired at `at`, and a `put_in_fleet` fleet must exist in that organisation.
pub fn check_redemption(
    token: &VerifiedToken,
    device: Option<&Device>,
    fleets: &BTreeMap<FleetId, Fleet>,
    at: Timestamp,
) -> Result<()> {
    let device = device.ok_or_else(|| {
        Error::new(
            ErrorKind::UnknownDevice,
            "this device is not known to the MDM",
        )
    })?;
    if device.org != token.org {
        return Err(Error::new(
            ErrorKind::OtherOrg,
            "this token belongs to another organisation than the device",
        ));
    }
    check_expiry(token.expires_at, at)?;
    if let Action::PutInFleet(fleet) = token.action
        && fleets.get(&fleet).is_none_or(|f| f.org != token.org)
    {
        return Err(Error::new(
            ErrorKind::UnknownFleet,
            format!("fleet {fleet} of this token no longer exists"),
        ));
    }
    Ok(())
}

/// The offline verdict for redeeming a token text on a device of the bundle at `now`: [`verify_token`] then
/// [`check_redemption`]. Returns the verified token and the device as it will be after the action.
pub fn redeem_offline(
    text: &str,
    device_id: DeviceId,
    bundle: &OfflineBundle,
    now: Timestamp,
) -> Result<(VerifiedToken, Device)> {
    let token = verify_token(text, bundle, now)?;
    let device = bundle.devices.get(&device_id);
    check_redemption(&token, device, &bundle.fleets, now)?;
    let device =
        device.ok_or_else(|| Error::new(ErrorKind::UnknownDevice, "this device is not known"))?;
    Ok((token, device.apply(token.action)))
}
