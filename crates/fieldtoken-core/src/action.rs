//! Action tokens as the admin manages them: a name, one of four actions, an expiry and an organisation. Status is
//! derived from the clock, never stored.

use std::fmt;

use crate::code::TokenCode;
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{ActionTokenId, Expiry, FleetId, OrgId, Timestamp};

/// What a token does to the device it is redeemed on.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Action {
    /// Move the device from its current fleet to this existing one.
    PutInFleet(FleetId),
    /// Move the device to the "In repair" state.
    PutInRepair,
    /// Move the device to the "In stock" state.
    PutInStock,
    /// Clear the device's certificate on the MDM; the device must enrol again.
    ResetCertificate,
}

impl Action {
    /// The stable name of the action type: `put_in_fleet`, `put_in_repair`, `put_in_stock`, `reset_certificate`.
    pub const fn type_name(&self) -> &'static str {
        match self {
            Action::PutInFleet(_) => "put_in_fleet",
            Action::PutInRepair => "put_in_repair",
            Action::PutInStock => "put_in_stock",
            Action::ResetCertificate => "reset_certificate",
        }
    }

    /// The fleet of a `put_in_fleet` action.
    pub const fn fleet(&self) -> Option<FleetId> {
        match self {
            Action::PutInFleet(f) => Some(*f),
            _ => None,
        }
    }

    /// The action from its wire form: a type name and, for `put_in_fleet` only, a fleet id.
    pub fn from_parts(type_name: &str, fleet: Option<FleetId>) -> Result<Self> {
        let action = match (type_name, fleet) {
            ("put_in_fleet", Some(f)) => Action::PutInFleet(f),
            ("put_in_fleet", None) => {
                return Err(Error::new(
                    ErrorKind::BadFormat,
                    "put_in_fleet needs the fleet to put devices in",
                ));
            }
            ("put_in_repair", None) => Action::PutInRepair,
            ("put_in_stock", None) => Action::PutInStock,
            ("reset_certificate", None) => Action::ResetCertificate,
            ("put_in_repair" | "put_in_stock" | "reset_certificate", Some(_)) => {
                return Err(Error::new(
                    ErrorKind::BadFormat,
                    format!("{type_name} takes no fleet"),
                ));
            }
            (other, _) => {
                return Err(Error::new(
                    ErrorKind::BadFormat,
                    format!(
                        "unknown action '{other}': use put_in_fleet, put_in_repair, put_in_stock or reset_certificate"
                    ),
                ));
            }
        };
        Ok(action)
    }

    /// A label for people, as in the admin's action list.
    pub const fn label(&self) -> &'static str {
        match self {
            Action::PutInFleet(_) => "Put in Fleet",
            Action::PutInRepair => "Put in Repair",
            Action::PutInStock => "Put in Stock",
            Action::ResetCertificate => "Reset device certificate",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::PutInFleet(fleet) => write!(f, "put_in_fleet({fleet})"),
            other => f.write_str(other.type_name()),
        }
    }
}

/// The most characters a token name may have.
pub const MAX_NAME_CHARS: usize = 100;

/// A token's name, as the admin typed it: 1 to 100 characters without control characters (a tab or a line break
/// included, wherever it is), not only spaces; stored without the spaces around it. The limits apply to the name
/// as sent, so a client that checks the text it sends (as the OpenAPI document says) agrees with the server.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct TokenName(String);

impl TokenName {
    /// Checks a name and trims the spaces around it.
    pub fn new(name: &str) -> Result<Self> {
        if let Some(pos) = name.chars().position(char::is_control) {
            return Err(Error::at(
                ErrorKind::BadName,
                pos + 1,
                "the name holds a control character",
            ));
        }
        let chars = name.chars().count();
        if chars > MAX_NAME_CHARS {
            return Err(Error::new(
                ErrorKind::BadName,
                format!("the name has {chars} characters; at most {MAX_NAME_CHARS} are allowed"),
            ));
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::new(ErrorKind::BadName, "the token needs a name"));
        }
        Ok(TokenName(name.to_string()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TokenName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A token's status, derived from the clock: `active` before its expiry, `expired` from then on.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum TokenStatus {
    /// The token can be redeemed.
    Active,
    /// The token's expiry has passed; it no longer functions.
    Expired,
}

impl TokenStatus {
    /// The stable name: `active` or `expired`.
    pub const fn as_str(self) -> &'static str {
        match self {
            TokenStatus::Active => "active",
            TokenStatus::Expired => "expired",
        }
    }
}

/// An action token as the MDM holds it. Immutable once created; deleting it is the MDM's business.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ActionToken {
    id: ActionTokenId,
    org: OrgId,
    name: TokenName,
    action: Action,
    expires_at: Expiry,
    code: TokenCode,
}

impl ActionToken {
    /// A token as loaded from storage (no clock check: see [`ActionToken::create`] for new tokens).
    pub fn new(
        id: ActionTokenId,
        org: OrgId,
        name: TokenName,
        action: Action,
        expires_at: Expiry,
        code: TokenCode,
    ) -> Self {
        ActionToken {
            id,
            org,
            name,
            action,
            expires_at,
            code,
        }
    }

    /// A new token made at `now`: the expiry must lie in the future, or the token would be born expired.
    pub fn create(
        id: ActionTokenId,
        org: OrgId,
        name: TokenName,
        action: Action,
        expires_at: Expiry,
        code: TokenCode,
        now: Timestamp,
    ) -> Result<Self> {
        if expires_at.has_passed(now) {
            return Err(Error::new(
                ErrorKind::BadExpiry,
                "the expiration date must be in the future",
            ));
        }
        Ok(Self::new(id, org, name, action, expires_at, code))
    }

    /// The token's id.
    pub fn id(&self) -> ActionTokenId {
        self.id
    }
    /// The organisation the token belongs to; only its devices can be acted on.
    pub fn org(&self) -> OrgId {
        self.org
    }
    /// The name the admin gave it.
    pub fn name(&self) -> &TokenName {
        &self.name
    }
    /// What it does.
    pub fn action(&self) -> Action {
        self.action
    }
    /// When it stops working.
    pub fn expires_at(&self) -> Expiry {
        self.expires_at
    }
    /// Its unique code (the old format's identity).
    pub fn code(&self) -> TokenCode {
        self.code
    }
    /// Its status at `now`.
    pub fn status(&self, now: Timestamp) -> TokenStatus {
        if self.expires_at.has_passed(now) {
            TokenStatus::Expired
        } else {
            TokenStatus::Active
        }
    }
}
