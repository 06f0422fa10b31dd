//! What happened, as admins read it afterwards: the redemption history (every redemption the MDM received, with
//! its outcome and who carried it) and the audit log (who changed what).

use serde::{Deserialize, Serialize};

use crate::common::Time;
use crate::sync::{RejectReason, SyncStatus};

/// Who carried a redemption to the MDM.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CarrierKind {
    /// An operator's session; the id is the number of the access token the operator signed in with.
    Operator,
    /// An API token holding `fms.actiontoken.redeem`; the id is the API token's.
    ApiToken,
    /// An enrolled device that signed the batch for itself; the id is the device's.
    Device,
    /// A kind this build does not know (a newer server's). Never sent.
    #[serde(other, skip_serializing)]
    Unknown,
}

/// The carrier of a redemption, with a name for people.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Carrier {
    /// What kind of credential carried it.
    pub kind: CarrierKind,
    /// Its id within its kind (filter with `carrier=KIND:ID`).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 4294967295_i64))]
    pub id: u32,
    /// The operator's identifier, the API token's name or the device's serial; `operator 7`, `API token 3` or
    /// `device 12` when the caller may not read it or it is gone.
    pub name: String,
}

/// An action token as a history entry names it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenRef {
    /// The action token's id.
    pub id: u32,
    /// Its name (a deleted token keeps it).
    pub name: String,
}

/// A device as a history entry names it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceRef {
    /// The device id the redemption named.
    pub id: u32,
    /// Its serial; absent for a device the organisation does not have, or for a caller without
    /// `fms.device.read`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
}

/// One redemption the MDM received.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RedemptionEntry {
    /// The history entry's id: each receipt has its own (a retry of a redemption too).
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub entry: u64,
    /// The redemption id the phone made (its idempotency key).
    pub id: String,
    /// What the MDM decided.
    pub outcome: SyncStatus,
    /// Why, when `rejected`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<RejectReason>,
    /// When the phone scanned it, by the phone's clock.
    pub scanned_at: Time,
    /// When the MDM received it.
    pub received_at: Time,
    /// Who carried it.
    pub carrier: Carrier,
    /// The action token scanned; absent when the text named no token of this organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<TokenRef>,
    /// The device acted on.
    pub device: DeviceRef,
}

/// One entry of the audit log.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Its id (entries are numbered in the order they were written).
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub id: u64,
    /// When.
    pub at: Time,
    /// Who, by name (an API token's, an operator session's, `device 12`, or the server's own).
    pub actor: String,
    /// What kind of change, e.g. `action_token.create`, `redemption.apply`.
    pub action: String,
    /// What it changed, e.g. `action_token/3`, `device/12`.
    pub target: String,
    /// The change's details.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub detail: serde_json::Value,
    /// The client's address, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote: Option<String>,
}
