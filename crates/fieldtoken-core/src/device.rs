//! Devices and fleets as the rules see them: where a device is (a fleet, repair or stock) and its certificate, the
//! enrolled device key that `reset_certificate` clears.

use std::fmt;

use crate::action::Action;
use crate::ids::{DeviceId, FleetId, OrgId};

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

/// A device's certificate: the public key it enrolled with, which it uses to talk to the MDM securely.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Certificate([u8; 32]);

impl Certificate {
    /// The certificate of this enrolled public key.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Certificate(bytes)
    }

    /// The key bytes.
    pub const fn to_bytes(&self) -> [u8; 32] {
        self.0
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
