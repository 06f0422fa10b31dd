//! The one error type of the core: a kind with a stable code for programs, an optional symbol position, and a
//! message written for a person in the field.

use std::fmt;

/// What went wrong, as a closed list. Each kind has a stable [`ErrorKind::code`] that clients may match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Nothing was given where a token, code or value was expected.
    Empty,
    /// A token code has the wrong number of symbols, or a field has the wrong size.
    BadLength,
    /// A character that the format's alphabet does not contain (the position says where).
    BadSymbol,
    /// The check symbol of a token code does not match: a symbol is mistyped or two neighbours are swapped.
    BadCheckSymbol,
    /// The input stops before the format says it ends.
    Truncated,
    /// The input goes on after the format says it ends.
    TrailingData,
    /// A signed token of a newer format version than this client supports: the app must be updated.
    UnsupportedVersion,
    /// The input is structurally invalid (an unknown action, a field out of range, a non-canonical encoding).
    BadFormat,
    /// The signature does not match the claims and the key, or the key belongs to another organisation.
    BadSignature,
    /// The token was signed with a key that the offline bundle does not hold.
    UnknownKey,
    /// The token belongs to another organisation.
    OtherOrg,
    /// The token's expiry has passed.
    Expired,
    /// The token was deleted by an administrator.
    Deleted,
    /// No token with this code or id is known.
    UnknownToken,
    /// The device is not known (to the MDM, or to the phone's offline bundle).
    UnknownDevice,
    /// The fleet a `put_in_fleet` token names does not exist (any more) in the token's organisation.
    UnknownFleet,
    /// A scan time that breaks the clock rules: before the client's previous sync, or too far in the future.
    Clock,
    /// A link that is not a fieldtoken link (`https://host/t/...`).
    BadLink,
    /// A host name that is not allowed in links (characters, length).
    BadHost,
    /// An NDEF message or record that is malformed (flags, TNF, lengths, TLV framing).
    BadNdef,
    /// The records of an NDEF message name different tokens.
    NdefMismatch,
    /// An NDEF message without any record that holds a token.
    NoToken,
    /// An identifier that is zero or out of range.
    BadId,
    /// A token name that is empty, too long or holds control characters.
    BadName,
    /// An expiry that is out of range, or already past when the token is created.
    BadExpiry,
    /// A permission name that is not known.
    UnknownPermission,
    /// The caller lacks the permission this operation needs.
    Forbidden,
    /// A text that cannot be drawn as a QR code (too long for the largest symbol).
    QrTooLong,
}

impl ErrorKind {
    /// The stable, machine-readable code of this kind (`snake_case`, never changes once published).
    pub const fn code(self) -> &'static str {
        match self {
            ErrorKind::Empty => "empty",
            ErrorKind::BadLength => "bad_length",
            ErrorKind::BadSymbol => "bad_symbol",
            ErrorKind::BadCheckSymbol => "bad_check_symbol",
            ErrorKind::Truncated => "truncated",
            ErrorKind::TrailingData => "trailing_data",
            ErrorKind::UnsupportedVersion => "unsupported_version",
            ErrorKind::BadFormat => "bad_format",
            ErrorKind::BadSignature => "bad_signature",
            ErrorKind::UnknownKey => "unknown_key",
            ErrorKind::OtherOrg => "other_org",
            ErrorKind::Expired => "expired",
            ErrorKind::Deleted => "deleted",
            ErrorKind::UnknownToken => "unknown_token",
            ErrorKind::UnknownDevice => "unknown_device",
            ErrorKind::UnknownFleet => "unknown_fleet",
            ErrorKind::Clock => "clock",
            ErrorKind::BadLink => "bad_link",
            ErrorKind::BadHost => "bad_host",
            ErrorKind::BadNdef => "bad_ndef",
            ErrorKind::NdefMismatch => "ndef_mismatch",
            ErrorKind::NoToken => "no_token",
            ErrorKind::BadId => "bad_id",
            ErrorKind::BadName => "bad_name",
            ErrorKind::BadExpiry => "bad_expiry",
            ErrorKind::UnknownPermission => "unknown_permission",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::QrTooLong => "qr_too_long",
        }
    }

    /// Every kind, for tables and documentation.
    pub const ALL: [ErrorKind; 28] = [
        ErrorKind::Empty,
        ErrorKind::BadLength,
        ErrorKind::BadSymbol,
        ErrorKind::BadCheckSymbol,
        ErrorKind::Truncated,
        ErrorKind::TrailingData,
        ErrorKind::UnsupportedVersion,
        ErrorKind::BadFormat,
        ErrorKind::BadSignature,
        ErrorKind::UnknownKey,
        ErrorKind::OtherOrg,
        ErrorKind::Expired,
        ErrorKind::Deleted,
        ErrorKind::UnknownToken,
        ErrorKind::UnknownDevice,
        ErrorKind::UnknownFleet,
        ErrorKind::Clock,
        ErrorKind::BadLink,
        ErrorKind::BadHost,
        ErrorKind::BadNdef,
        ErrorKind::NdefMismatch,
        ErrorKind::NoToken,
        ErrorKind::BadId,
        ErrorKind::BadName,
        ErrorKind::BadExpiry,
        ErrorKind::UnknownPermission,
        ErrorKind::Forbidden,
        ErrorKind::QrTooLong,
    ];
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An error of the core: see [`ErrorKind`] for the list, [`Error::code`] for the stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    position: Option<usize>,
    message: String,
}

impl Error {
    /// An error of `kind` with a message for a person.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            position: None,
            message: message.into(),
        }
    }

    /// An error of `kind` at a 1-based position (a symbol of a code, a character of a text, a byte of a message).
    pub fn at(kind: ErrorKind, position: usize, message: impl Into<String>) -> Self {
        Error {
            kind,
            position: Some(position),
            message: message.into(),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The stable code of the kind, e.g. `bad_check_symbol`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The 1-based position the error points at, when there is one (see each decoder for what it counts).
    pub fn position(&self) -> Option<usize> {
        self.position
    }

    /// The message for a person.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The result type of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;
