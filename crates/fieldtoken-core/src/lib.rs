//! The fieldtoken domain: action tokens, token codes, both token formats, the NDEF layout, and every rule the product
//! enforces. This crate does no I/O and reads no clock or randomness of its own (time and random generators are
//! parameters): the browser, Node and the server all call it, so a rule decided here is decided the same everywhere.
//!
//! ```
//! use fieldtoken_core::*;
//!
//! // The MDM creates a token and signs it with the organisation's key.
//! let org = OrgId::new(7)?;
//! let key = OrgSigningKey::from_seed(KeyId::new(1)?, org, [42; 32]);
//! let now = Timestamp::from_millis(1_767_225_600_000); // 2026-01-01T00:00:00Z
//! let token = ActionToken::create(
//!     ActionTokenId::new(1001)?,
//!     org,
//!     TokenName::new("Move to Warehouse")?,
//!     Action::PutInFleet(FleetId::new(3)?),
//!     Expiry::from_millis(now.as_millis() + 86_400_000)?,
//!     TokenCode::from_bytes([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
//!     now,
//! )?;
//! let link = key.sign_token(&token)?.to_deep_link(&LinkBase::https("mdm.example.com")?);
//! assert!(link.starts_with("HTTPS://MDM.EXAMPLE.COM/T/"));
//!
//! // A phone checks it offline with the public keys of its bundle.
//! let bundle = OfflineBundle {
//!     org,
//!     keys: [key.public_key()].into_iter().collect(),
//!     directory: CodeDirectory::of_tokens(DirectoryKey::from_bytes([9; 32]), [&token]),
//!     deleted: Default::default(),
//!     fleets: Default::default(),
//!     devices: Default::default(),
//!     retired_keys: Default::default(),
//! };
//! let verified = verify_token(&link, &bundle, now)?;
//! assert_eq!(verified.action, Action::PutInFleet(FleetId::new(3)?));
//!
//! // The old format: the code, typed by hand with a mistake, is refused with a stable error code.
//! assert_eq!(token.code().to_string(), "0410-6105-0R3G-G28A-Z");
//! let typo = verify_token("0410-6105-0R3G-G2A8-Z", &bundle, now).unwrap_err();
//! assert_eq!(typo.code(), "bad_check_symbol");
//! assert_eq!(verify_token("0410 6105 0r3g g28a z", &bundle, now)?.token_id, token.id());
//! # Ok::<(), fieldtoken_core::Error>(())
//! ```
//!
//! Module map: [`code`] (token codes), [`signed`] (the new format), [`ndef`] (NFC cards), [`directory`] (the code
//! directory), [`token`] (reading any token, offline verdicts), [`sync`] (the server's decision on queued
//! redemptions), [`permission`], [`action`], [`device`], [`link`], [`qr`], [`hex`] (the one strict hex decoder). Errors: [`Error`] with a stable
//! [`Error::code`]. The byte-exact formats are in `docs/FORMATS.md`.

#![deny(missing_docs)]

pub mod access;
pub mod action;
pub mod base41;
pub mod code;
pub mod compact;
pub mod device;
pub mod directory;
pub mod error;
pub mod hex;
pub mod ids;
pub mod link;
pub mod ndef;
pub mod permission;
pub mod qr;
pub mod signed;
pub mod sync;
pub mod token;

pub use access::{AccessToken, AccessTokenDefinition, Actor, LifeCycleState};
pub use action::{Action, ActionToken, TokenName, TokenStatus};
pub use code::{TokenCode, normalize_code};
pub use compact::{CompactBundle, CompactDevice, CompactEntry};
pub use device::{
    Certificate, Device, DeviceKey, DeviceState, Fleet, REQUEST_WINDOW_MS, Serial, SignedRequest,
    enrolment_message, request_message, request_time_fresh, sync_message,
};
pub use directory::{CodeDirectory, CodeHash, DirectoryEntry, DirectoryKey};
pub use error::{Error, ErrorClass, ErrorKind, Result};
pub use ids::{ActionTokenId, DeviceId, Expiry, FleetId, KeyId, OrgId, Timestamp};
pub use link::LinkBase;
pub use ndef::{WebNfcRecord, card_code, token_from_ndef};
pub use permission::{Permission, PermissionSet};
pub use qr::{Ecc, QrMatrix};
pub use signed::{Claims, KeyRing, OrgPublicKey, OrgSigningKey, SignedToken};
pub use sync::{
    Redemption, RedemptionId, RedemptionResult, RejectReason, SyncStatus, decide_batch,
};
pub use token::{
    OfflineBundle, ParsedToken, TokenFormat, VerifiedToken, parse_token, verify_token,
};

/// The random generator traits the `generate` functions take (re-exported so callers use the same version).
pub use rand_core;

/// The version of the fieldtoken core, as shown by every client ("about" screens, `/api/v1/health`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
