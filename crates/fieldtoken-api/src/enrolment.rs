//! Device enrolment: one-time codes and the device's proof of its key.

use serde::{Deserialize, Serialize};

use crate::common::Time;
use crate::devices::DeviceState;

/// A new enrolment code, shown this once; valid for 24 hours and for one enrolment.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolmentCode {
    /// The device it enrols.
    pub device_id: u32,
    /// `XXXX-XXXX-XXXX-XXXX-C`.
    pub code: String,
    /// When it stops working.
    pub expires_at: Time,
    /// The code as a QR.
    pub qr: EnrolmentQr,
}

/// The enrolment code as a QR.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolmentQr {
    /// The QR's text: the code without hyphens (QR alphanumeric mode).
    pub text: String,
    /// An SVG of the symbol (ECC M).
    pub svg: String,
}

/// `POST /api/v1/enrol` body (unknown fields are refused).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    /// The enrolment code (case, spaces and hyphens are ignored).
    pub code: String,
    /// The device's Ed25519 public key, 64 hex digits: its certificate. A valid curve point of large order.
    pub public_key: String,
    /// The device's Ed25519 signature (RFC 8032, 128 hex digits) of the ASCII bytes `fieldtoken/enrolment/v1:`
    /// followed by the code in its canonical form `XXXX-XXXX-XXXX-XXXX-C` (`docs/FORMATS.md`, "Enrolment proof").
    pub proof: String,
}

/// The device after enrolment.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolledDevice {
    /// The device.
    pub id: u32,
    /// Where it is.
    pub state: DeviceState,
    /// `true`: it holds a certificate now.
    pub enrolled: bool,
    /// Its organisation, which the device names in what it signs (0 from an MDM older than this field).
    #[serde(default)]
    pub org: u32,
}
