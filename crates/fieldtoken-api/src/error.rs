//! The one error shape, `{ "error": { "code", "message" } }`, and the one closed list of codes: the core's
//! [`ErrorKind`] codes and the server's own [`ServerCode`]s. Each code has a [`Refusal`], and the MDM maps a
//! refusal to its HTTP status in one place.

use fieldtoken_core::{ErrorClass, ErrorKind};
use serde::{Deserialize, Serialize};

/// What sort of refusal an error is; the MDM turns each into one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// Not of the format at all (400).
    Malformed,
    /// Well formed, but a value breaks a rule or names what does not exist (422).
    Invalid,
    /// No credentials, or credentials that are not valid (401).
    Unauthenticated,
    /// The caller may not do this (403).
    Forbidden,
    /// Nothing of this kind with this id for the caller (404).
    NotFound,
    /// The endpoint does not answer this method (405).
    MethodNotAllowed,
    /// The current state refuses the request (409).
    Conflict,
    /// What the request names was good once and is no longer (410).
    Gone,
    /// The body is larger than the server reads (413).
    TooLarge,
    /// The body is not JSON (415).
    UnsupportedMediaType,
    /// Too many requests or failed guesses from this client: try again after `Retry-After` (429).
    RateLimited,
    /// The server cannot answer now; nothing was changed (503).
    Unavailable,
}

impl From<ErrorClass> for Refusal {
    fn from(class: ErrorClass) -> Refusal {
        match class {
            ErrorClass::Malformed => Refusal::Malformed,
            ErrorClass::Invalid => Refusal::Invalid,
            ErrorClass::Forbidden => Refusal::Forbidden,
            ErrorClass::NotFound => Refusal::NotFound,
            ErrorClass::Conflict => Refusal::Conflict,
        }
    }
}

macro_rules! server_codes {
    ($($(#[$doc:meta])* $name:ident = $code:literal => $refusal:ident,)*) => {
        /// The server's own error codes: those that are not a rule of the core (transport, storage, the state of
        /// server-side records). Together with [`ErrorKind`]'s codes they are the closed list an answer may carry.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ServerCode {
            $($(#[$doc])* $name,)*
        }

        impl ServerCode {
            /// Every server code.
            pub const ALL: &[ServerCode] = &[$(ServerCode::$name,)*];

            /// The stable code on the wire.
            pub const fn code(self) -> &'static str {
                match self {
                    $(ServerCode::$name => $code,)*
                }
            }

            /// What sort of refusal it is.
            pub const fn refusal(self) -> Refusal {
                match self {
                    $(ServerCode::$name => Refusal::$refusal,)*
                }
            }
        }
    };
}

server_codes! {
    /// The body is not JSON.
    MalformedJson = "malformed_json" => Malformed,
    /// A query parameter is not of its type.
    BadQuery = "bad_query" => Malformed,
    /// A paging cursor that this server did not hand out.
    BadCursor = "bad_cursor" => Malformed,
    /// A request that is malformed in a way no other code names.
    BadRequest = "bad_request" => Malformed,
    /// The body is JSON but not of the shape the endpoint takes (a missing field, a wrong type, an unknown field).
    InvalidBody = "invalid_body" => Invalid,
    /// A role id that the organisation does not have.
    UnknownRole = "unknown_role" => Invalid,
    /// An enrolment code that is not known.
    UnknownCode = "unknown_code" => Invalid,
    /// A device public key that is not an Ed25519 key.
    BadPublicKey = "bad_public_key" => Invalid,
    /// A device's proof that does not verify against the key it enrols.
    BadProof = "bad_proof" => Invalid,
    /// A sign-in body that does not name one access token.
    BadSignIn = "bad_sign_in" => Invalid,
    /// More items in one batch request than the server takes (redemptions in a sync, tokens in a batch create).
    BatchTooLarge = "batch_too_large" => Invalid,
    /// A device import with a row that cannot be registered: nothing was registered (preview the file for the
    /// report of every row).
    ImportRefused = "import_refused" => Invalid,
    /// A device import with more rows than one import takes.
    ImportTooLarge = "import_too_large" => Invalid,
    /// No credentials, or a token that is not (or no longer) valid.
    Unauthenticated = "unauthenticated" => Unauthenticated,
    /// A device-signed sync from a device whose certificate was reset (or that never enrolled): its key is no
    /// credential any more, and it must enrol again. Unauthenticated, not a conflict: what is missing is a valid
    /// credential, and the remedy is the one for every 401 (get a new one, here by enrolling), not a change of state.
    CertificateReset = "certificate_reset" => Unauthenticated,
    /// An operator's credentials that do not open a session.
    BadCredentials = "bad_credentials" => Unauthenticated,
    /// The server holds several organisations and an operator's sign-in names none: it must send `org`.
    OrgRequired = "org_required" => Conflict,
    /// An operator-only endpoint called with another kind of credential.
    NotAnOperatorSession = "not_an_operator_session" => Forbidden,
    /// Nothing of this kind with this id in the caller's organisation, or no endpoint at this path.
    NotFound = "not_found" => NotFound,
    /// The endpoint does not answer this method.
    MethodNotAllowed = "method_not_allowed" => MethodNotAllowed,
    /// The name is already used by another record of this kind in the organisation.
    NameTaken = "name_taken" => Conflict,
    /// The access token identifier is already used.
    IdentifierTaken = "identifier_taken" => Conflict,
    /// The access token authentication code is already used.
    AuthenticationCodeTaken = "authentication_code_taken" => Conflict,
    /// Too many wrong verification codes: the access token's verification code must be reset.
    VerificationLocked = "verification_locked" => Conflict,
    /// The role is still given to users.
    RoleInUse = "role_in_use" => Conflict,
    /// The fleet still holds devices: move them out before deleting it.
    FleetNotEmpty = "fleet_not_empty" => Conflict,
    /// Live action tokens put devices in the fleet: delete them before deleting it.
    FleetInUse = "fleet_in_use" => Conflict,
    /// The organisation has a device with this serial (a retired one included).
    SerialTaken = "serial_taken" => Conflict,
    /// An API token cannot revoke itself nor a token it was created by: it would lock its holder out.
    OwnToken = "own_token" => Conflict,
    /// An organisation of this name exists.
    OrgExists = "org_exists" => Conflict,
    /// The current signing key cannot be retired: rotate first.
    KeyIsCurrent = "key_is_current" => Conflict,
    /// The signing key is retired already.
    AlreadyRetired = "already_retired" => Conflict,
    /// The party is terminated already.
    AlreadyTerminated = "already_terminated" => Conflict,
    /// The device is enrolled already.
    AlreadyEnrolled = "already_enrolled" => Conflict,
    /// The enrolment code was used already.
    CodeUsed = "code_used" => Conflict,
    /// A redemption id that was used for another redemption.
    IdempotencyConflict = "idempotency_conflict" => Conflict,
    /// The enrolment code expired.
    CodeExpired = "code_expired" => Gone,
    /// The body is larger than the server reads.
    BodyTooLarge = "body_too_large" => TooLarge,
    /// The body is not sent as `application/json`.
    UnsupportedMediaType = "unsupported_media_type" => UnsupportedMediaType,
    /// Too many requests or failed guesses from this client.
    RateLimited = "rate_limited" => RateLimited,
    /// The database cannot answer now; nothing was changed.
    DatabaseUnavailable = "database_unavailable" => Unavailable,
    /// A stored key or code does not open with this server's master key.
    SealedValue = "sealed_value" => Unavailable,
    /// A stored row is not what this server wrote (an altered or damaged database).
    DamagedRow = "damaged_row" => Unavailable,
    /// A pass code could not be hashed now; nothing was changed.
    HashingUnavailable = "hashing_unavailable" => Unavailable,
}

/// An error code on the wire: one of the core's codes or a [`ServerCode`]. Kept as text when read, so a client
/// built before a code was added still reads the answer; its schema is the closed list.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Hash)]
#[serde(transparent)]
pub struct ErrorCode(pub String);

impl ErrorCode {
    /// Every code an answer may carry: the core's, then the server's.
    pub fn all() -> impl Iterator<Item = &'static str> {
        ErrorKind::ALL
            .iter()
            .map(|kind| kind.code())
            .chain(ServerCode::ALL.iter().map(|code| code.code()))
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ErrorCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "A stable code a client may branch on; the list is closed.",
            ))
            .enum_values(Some(ErrorCode::all()))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ErrorCode {}

/// `{ "code", "message" }`
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// The stable code.
    pub code: ErrorCode,
    /// What happened, for a person.
    pub message: String,
}

/// `{ "error": { "code", "message" } }`: every refusal of the API.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_one_closed_list_without_repeats() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::all() {
            assert!(seen.insert(code), "'{code}' is listed twice");
            assert!(
                code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "'{code}' is not snake_case"
            );
        }
    }
}
