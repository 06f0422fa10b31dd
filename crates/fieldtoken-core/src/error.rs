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
    /// An access token that is 'Not Effective' was used to sign in: only 'Effective' tokens authenticate.
    AccessTokenNotEffective,
    /// An access token still 'Pending Verification' was used to sign in: it must be verified first.
    AccessTokenPendingVerification,
    /// An access token can be deleted only in the 'Not Effective' life cycle state.
    DeleteNeedsNotEffective,
    /// An access token can be deleted only when no accounts receivable or rewards participant is linked to it.
    DeleteNeedsUnassociated,
    /// An access token linked to a rewards participant that is not terminated cannot be set 'Not Effective'.
    ParticipantNotTerminated,
    /// The accounts receivable or rewards participant of an access token cannot be changed once set (from the access token).
    AssociationLocked,
    /// The classification of an access token is set only when creating it.
    ClassificationLocked,
    /// The rewards participant does not belong to the accounts receivable of the access token.
    ParticipantOtherAccount,
    /// A 'Pending Verification' access token cannot be switched to 'Effective' or 'Not Effective' by hand.
    PendingVerificationLocked,
    /// Only an 'Effective' access token can be set 'Not Effective'.
    SetNotEffectiveNeedsEffective,
    /// Only a 'Not Effective' access token can be set 'Effective'.
    SetEffectiveNeedsNotEffective,
    /// The pass code of an access token can be reset only while it is 'Effective'.
    ResetPassCodeNeedsEffective,
    /// The verification code of an access token can be reset only while it is 'Pending Verification'.
    ResetVerificationNeedsPending,
    /// Only a 'Pending Verification' access token can be verified.
    VerifyNeedsPending,
    /// The verification code does not match the access token's.
    WrongVerificationCode,
    /// The accounts receivable or rewards participant named is not the one linked to the access token.
    NotAssociated,
    /// The access token is already linked to an accounts receivable (or a rewards participant).
    AlreadyAssociated,
    /// The accounts receivable is terminated: it takes no new access tokens or rewards participants.
    AccountsReceivableTerminated,
    /// The rewards participant is terminated: it takes no new access tokens.
    RewardsParticipantTerminated,
    /// The classification given is not the access token's.
    ClassificationMismatch,
    /// The access token needs an identifier (the definition makes it mandatory, or a pass code was given).
    IdentifierRequired,
    /// The access token needs a pass code (the definition makes it mandatory, or it has an identifier).
    PassCodeRequired,
    /// The access token needs an authentication code.
    AuthenticationCodeRequired,
    /// An identifier that breaks the format rules of the definition or classification.
    BadIdentifier,
    /// A pass code that breaks the format rules of the definition or classification.
    BadPassCode,
    /// An authentication code that breaks the format rules of the definition or classification.
    BadAuthenticationCode,
    /// A value was given for a field the system generates (read-only).
    ReadOnlyField,
    /// Access token definition or classification settings that contradict each other.
    BadDefinition,
    /// No access token definition is active.
    NoActiveDefinition,
    /// More than one access token definition is active; only one may be.
    SeveralActiveDefinitions,
    /// The name of who made a change is empty, too long or holds control characters.
    BadActor,
    /// A device serial that is empty, too long, or holds a character serials do not have.
    BadSerial,
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
            ErrorKind::AccessTokenNotEffective => "access_token_not_effective",
            ErrorKind::AccessTokenPendingVerification => "access_token_pending_verification",
            ErrorKind::DeleteNeedsNotEffective => "delete_needs_not_effective",
            ErrorKind::DeleteNeedsUnassociated => "delete_needs_unassociated",
            ErrorKind::ParticipantNotTerminated => "participant_not_terminated",
            ErrorKind::AssociationLocked => "association_locked",
            ErrorKind::ClassificationLocked => "classification_locked",
            ErrorKind::ParticipantOtherAccount => "participant_other_account",
            ErrorKind::PendingVerificationLocked => "pending_verification_locked",
            ErrorKind::SetNotEffectiveNeedsEffective => "set_not_effective_needs_effective",
            ErrorKind::SetEffectiveNeedsNotEffective => "set_effective_needs_not_effective",
            ErrorKind::ResetPassCodeNeedsEffective => "reset_pass_code_needs_effective",
            ErrorKind::ResetVerificationNeedsPending => "reset_verification_needs_pending",
            ErrorKind::VerifyNeedsPending => "verify_needs_pending",
            ErrorKind::WrongVerificationCode => "wrong_verification_code",
            ErrorKind::NotAssociated => "not_associated",
            ErrorKind::AlreadyAssociated => "already_associated",
            ErrorKind::AccountsReceivableTerminated => "accounts_receivable_terminated",
            ErrorKind::RewardsParticipantTerminated => "rewards_participant_terminated",
            ErrorKind::ClassificationMismatch => "classification_mismatch",
            ErrorKind::IdentifierRequired => "identifier_required",
            ErrorKind::PassCodeRequired => "pass_code_required",
            ErrorKind::AuthenticationCodeRequired => "authentication_code_required",
            ErrorKind::BadIdentifier => "bad_identifier",
            ErrorKind::BadPassCode => "bad_pass_code",
            ErrorKind::BadAuthenticationCode => "bad_authentication_code",
            ErrorKind::ReadOnlyField => "read_only_field",
            ErrorKind::BadDefinition => "bad_definition",
            ErrorKind::NoActiveDefinition => "no_active_definition",
            ErrorKind::SeveralActiveDefinitions => "several_active_definitions",
            ErrorKind::BadActor => "bad_actor",
            ErrorKind::BadSerial => "bad_serial",
        }
    }

    /// The class of this kind: what sort of refusal it is, whatever the transport. The MDM turns a class into
    /// its HTTP status in one place, so one meaning has one status on every route.
    pub const fn class(self) -> ErrorClass {
        use ErrorKind as K;
        match self {
            // The text or bytes themselves are not of the format: a typo, a torn QR, a cut NFC record.
            K::Empty
            | K::BadLength
            | K::BadSymbol
            | K::BadCheckSymbol
            | K::Truncated
            | K::TrailingData
            | K::UnsupportedVersion
            | K::BadFormat
            | K::BadLink
            | K::BadHost
            | K::BadNdef
            | K::NdefMismatch
            | K::NoToken
            | K::BadId => ErrorClass::Malformed,
            // Well formed, but a value breaks a rule of its own, or names something that does not exist.
            K::BadName
            | K::BadExpiry
            | K::UnknownPermission
            | K::QrTooLong
            | K::BadSignature
            | K::UnknownKey
            | K::OtherOrg
            | K::UnknownToken
            | K::UnknownDevice
            | K::UnknownFleet
            | K::WrongVerificationCode
            | K::IdentifierRequired
            | K::PassCodeRequired
            | K::AuthenticationCodeRequired
            | K::BadIdentifier
            | K::BadPassCode
            | K::BadAuthenticationCode
            | K::ReadOnlyField
            | K::BadDefinition
            | K::BadActor
            | K::BadSerial => ErrorClass::Invalid,
            // The caller may not do this.
            K::Forbidden | K::AccessTokenNotEffective | K::AccessTokenPendingVerification => {
                ErrorClass::Forbidden
            }
            // The request is right, but the state of what it acts on refuses it now.
            K::Expired
            | K::Deleted
            | K::Clock
            | K::DeleteNeedsNotEffective
            | K::DeleteNeedsUnassociated
            | K::ParticipantNotTerminated
            | K::AssociationLocked
            | K::ClassificationLocked
            | K::ParticipantOtherAccount
            | K::PendingVerificationLocked
            | K::SetNotEffectiveNeedsEffective
            | K::SetEffectiveNeedsNotEffective
            | K::ResetPassCodeNeedsEffective
            | K::ResetVerificationNeedsPending
            | K::VerifyNeedsPending
            | K::NotAssociated
            | K::AlreadyAssociated
            | K::AccountsReceivableTerminated
            | K::RewardsParticipantTerminated
            | K::ClassificationMismatch
            | K::NoActiveDefinition
            | K::SeveralActiveDefinitions => ErrorClass::Conflict,
        }
    }

    /// Every kind, for tables and documentation.
    pub const ALL: [ErrorKind; 60] = [
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
        ErrorKind::AccessTokenNotEffective,
        ErrorKind::AccessTokenPendingVerification,
        ErrorKind::DeleteNeedsNotEffective,
        ErrorKind::DeleteNeedsUnassociated,
        ErrorKind::ParticipantNotTerminated,
        ErrorKind::AssociationLocked,
        ErrorKind::ClassificationLocked,
        ErrorKind::ParticipantOtherAccount,
        ErrorKind::PendingVerificationLocked,
        ErrorKind::SetNotEffectiveNeedsEffective,
        ErrorKind::SetEffectiveNeedsNotEffective,
        ErrorKind::ResetPassCodeNeedsEffective,
        ErrorKind::ResetVerificationNeedsPending,
        ErrorKind::VerifyNeedsPending,
        ErrorKind::WrongVerificationCode,
        ErrorKind::NotAssociated,
        ErrorKind::AlreadyAssociated,
        ErrorKind::AccountsReceivableTerminated,
        ErrorKind::RewardsParticipantTerminated,
        ErrorKind::ClassificationMismatch,
        ErrorKind::IdentifierRequired,
        ErrorKind::PassCodeRequired,
        ErrorKind::AuthenticationCodeRequired,
        ErrorKind::BadIdentifier,
        ErrorKind::BadPassCode,
        ErrorKind::BadAuthenticationCode,
        ErrorKind::ReadOnlyField,
        ErrorKind::BadDefinition,
        ErrorKind::NoActiveDefinition,
        ErrorKind::SeveralActiveDefinitions,
        ErrorKind::BadActor,
        ErrorKind::BadSerial,
    ];
}

/// What sort of refusal an error is, independent of any transport: the MDM maps each class to one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// The input is not of the format at all (HTTP 400).
    Malformed,
    /// The input is well formed but a value breaks a rule, or names something that does not exist (HTTP 422).
    Invalid,
    /// The caller may not do this (HTTP 403).
    Forbidden,
    /// Nothing of this kind with this id is there for the caller (HTTP 404).
    NotFound,
    /// The request is right, but the current state refuses it (HTTP 409).
    Conflict,
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
