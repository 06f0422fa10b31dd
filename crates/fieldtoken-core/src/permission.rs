//! Permissions: the names custom roles and API tokens carry, and what each allows. The three action-token
//! permissions are exactly the seed's; the others follow the same `fms.<section>.<verb>` scheme.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, ErrorKind, Result};

/// One permission. [`Permission::as_str`] is its stable name.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Permission {
    /// seed 000: "Read (fms.actiontoken.read) – Allows users to access the existing Action Tokens."
    ActionTokenRead,
    /// seed 000: "Create (fms.actiontoken.create) – Allows users to create new Action Tokens."
    ActionTokenCreate,
    /// seed 000: "Delete (fms.actiontoken.delete) – Allows users to delete existing Action Tokens."
    ActionTokenDelete,
    /// See devices and their state.
    DeviceRead,
    /// Change devices (state, fleet, certificate) outside action tokens.
    DeviceWrite,
    /// See fleets.
    FleetRead,
    /// Create, rename and delete fleets.
    FleetWrite,
    /// See access tokens (operators' credentials).
    AccessTokenRead,
    /// Create access tokens.
    AccessTokenCreate,
    /// Change access tokens: associations, pass code and verification code resets, status.
    AccessTokenUpdate,
    /// Delete access tokens.
    AccessTokenDelete,
    /// Administer the organisation: API tokens, custom roles, signing keys.
    Admin,
    /// Redeem action tokens: carry operators' or devices' redemptions to the MDM (sync) and read the offline bundle
    /// that checks them. Declared last because a variant's position is its bit; [`Permission::ALL`] sets the order.
    ActionTokenRedeem,
}

impl Permission {
    /// Every permission, in display order.
    pub const ALL: [Permission; 13] = [
        Permission::ActionTokenRead,
        Permission::ActionTokenCreate,
        Permission::ActionTokenDelete,
        Permission::ActionTokenRedeem,
        Permission::DeviceRead,
        Permission::DeviceWrite,
        Permission::FleetRead,
        Permission::FleetWrite,
        Permission::AccessTokenRead,
        Permission::AccessTokenCreate,
        Permission::AccessTokenUpdate,
        Permission::AccessTokenDelete,
        Permission::Admin,
    ];

    /// The stable name, e.g. `fms.actiontoken.read`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Permission::ActionTokenRead => "fms.actiontoken.read",
            Permission::ActionTokenCreate => "fms.actiontoken.create",
            Permission::ActionTokenDelete => "fms.actiontoken.delete",
            Permission::ActionTokenRedeem => "fms.actiontoken.redeem",
            Permission::DeviceRead => "fms.device.read",
            Permission::DeviceWrite => "fms.device.write",
            Permission::FleetRead => "fms.fleet.read",
            Permission::FleetWrite => "fms.fleet.write",
            Permission::AccessTokenRead => "fms.accesstoken.read",
            Permission::AccessTokenCreate => "fms.accesstoken.create",
            Permission::AccessTokenUpdate => "fms.accesstoken.update",
            Permission::AccessTokenDelete => "fms.accesstoken.delete",
            Permission::Admin => "fms.admin",
        }
    }

    /// Reads a name; `unknown_permission` otherwise.
    pub fn parse(name: &str) -> Result<Self> {
        let name = name.trim();
        Permission::ALL
            .into_iter()
            .find(|p| p.as_str() == name)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::UnknownPermission,
                    format!("'{name}' is not a permission"),
                )
            })
    }

    const fn bit(self) -> u16 {
        1 << self as u16
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Permission {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Permission::parse(s)
    }
}

/// Any subset of permissions, as a custom role or an API token carries.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PermissionSet(u16);

impl PermissionSet {
    /// No permission.
    pub const fn empty() -> Self {
        PermissionSet(0)
    }

    /// Every permission.
    pub fn all() -> Self {
        Permission::ALL.into_iter().collect()
    }

    /// Reads a list of names; the first unknown one fails the whole list.
    pub fn parse<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self> {
        names.into_iter().map(Permission::parse).collect()
    }

    /// Whether it holds `p`.
    pub const fn contains(self, p: Permission) -> bool {
        self.0 & p.bit() != 0
    }

    /// The set with `p` added.
    pub const fn with(self, p: Permission) -> Self {
        PermissionSet(self.0 | p.bit())
    }

    /// The permissions held, in display order.
    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL
            .into_iter()
            .filter(move |&p| self.contains(p))
    }

    /// The names held, in display order.
    pub fn names(self) -> Vec<&'static str> {
        self.iter().map(Permission::as_str).collect()
    }

    /// `Ok` if `p` is held, else `forbidden` naming the missing permission (the API answers 403).
    pub fn require(self, p: Permission) -> Result<()> {
        if self.contains(p) {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::Forbidden,
                format!("this needs the permission {p}"),
            ))
        }
    }

    /// Whether a set may be granted by someone holding `self`: nobody grants what they lack.
    pub const fn can_grant(self, other: PermissionSet) -> bool {
        other.0 & !self.0 == 0
    }

    /// Whether someone holding `self` may change a set (a custom role, a user's role) from `before` to `after`:
    /// only the permissions they hold may be added or taken away, so nobody narrows what they cannot judge.
    pub const fn can_change(self, before: PermissionSet, after: PermissionSet) -> bool {
        self.can_grant(PermissionSet(after.0 ^ before.0))
    }

    /// The permissions both sets hold. An API token issued for a user acts with `token.intersection(role)`, its own
    /// subset within its user's role as the role is at the time of each request.
    pub const fn intersection(self, other: PermissionSet) -> Self {
        PermissionSet(self.0 & other.0)
    }

    /// Whether a holder may download the offline bundle (every live token's name, action and expiry, every
    /// device's serial): only who reads action tokens or redeems them.
    pub const fn reads_offline_bundle(self) -> bool {
        self.contains(Permission::ActionTokenRead) || self.contains(Permission::ActionTokenRedeem)
    }

    /// What the Action Tokens screen shows to a holder of this set.
    pub const fn action_token_screen(self) -> ActionTokenScreen {
        ActionTokenScreen {
            page: self.contains(Permission::ActionTokenRead),
            new_button: self.contains(Permission::ActionTokenRead)
                && self.contains(Permission::ActionTokenCreate),
            delete_button: self.contains(Permission::ActionTokenRead)
                && self.contains(Permission::ActionTokenDelete),
        }
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        iter.into_iter()
            .fold(PermissionSet::empty(), PermissionSet::with)
    }
}

impl fmt::Debug for PermissionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.iter().map(Permission::as_str))
            .finish()
    }
}

/// What the Action Tokens screen shows, per the seed: without read no page; without create no "+ New"; without
/// delete no delete button. (The page itself needs read, so create and delete show only with read.)
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ActionTokenScreen {
    /// The Action Tokens page can be opened.
    pub page: bool,
    /// The "+ New" button is shown.
    pub new_button: bool,
    /// The delete buttons are shown.
    pub delete_button: bool,
}
