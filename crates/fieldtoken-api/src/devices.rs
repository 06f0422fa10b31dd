//! Fleets, devices, API tokens and the caller itself.

use serde::{Deserialize, Serialize};

/// A fleet.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fleet {
    /// Its id.
    pub id: u32,
    /// Its name, for people.
    pub name: String,
}

/// Where a device is.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeviceState {
    /// In service, in the fleet `fleet_id` names.
    InFleet,
    /// In repair.
    InRepair,
    /// In stock.
    InStock,
}

impl From<fieldtoken_core::DeviceState> for DeviceState {
    fn from(state: fieldtoken_core::DeviceState) -> DeviceState {
        match state {
            fieldtoken_core::DeviceState::InFleet(_) => DeviceState::InFleet,
            fieldtoken_core::DeviceState::InRepair => DeviceState::InRepair,
            fieldtoken_core::DeviceState::InStock => DeviceState::InStock,
        }
    }
}

/// A device: where it is and whether it is enrolled (has a certificate).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Device {
    /// Its id.
    pub id: u32,
    /// The serial printed on it.
    pub serial: String,
    /// Where it is.
    pub state: DeviceState,
    /// Its fleet; present exactly when `in_fleet`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fleet_id: Option<u32>,
    /// Whether it holds a certificate (an enrolled public key); after a reset it must enrol again.
    #[serde(default)]
    pub enrolled: bool,
}
