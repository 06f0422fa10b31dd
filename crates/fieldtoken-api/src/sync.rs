//! The upload of a phone's queue of redemptions and the MDM's answer for each.

use serde::{Deserialize, Serialize};

use crate::common::{RequestTime, Time};

/// `POST /api/v1/sync` body: at most 5000 redemptions (unknown fields are refused).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    /// The queued redemptions, in any order.
    #[cfg_attr(feature = "openapi", schema(max_items = 5000))]
    pub redemptions: Vec<SyncRedemption>,
    /// An enrolled device's signature of the batch, when the device uploads its own redemptions without a bearer
    /// token (see docs/FORMATS.md, "Device-signed sync"). Never together with `Authorization`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_signature: Option<DeviceSignature>,
}

/// An enrolled device's signature of the redemptions it uploads for itself.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeviceSignature {
    /// The signer: every redemption of the batch must act on this device.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 4294967295_i64))]
    pub device_id: i64,
    /// The Ed25519 signature (RFC 8032, 128 hex digits) of the batch's sync message by the device's enrolled key.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9a-fA-F]{128}$"))]
    pub signature: String,
}

/// One queued redemption.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SyncRedemption {
    /// The client-made idempotency key, unique within the organisation: 1 to 64 letters, digits, `-` and `_`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{1,64}$"))]
    pub id: String,
    /// The scanned text: a signed token, a deep link or a code (at most 512 characters).
    #[cfg_attr(feature = "openapi", schema(max_length = 512))]
    pub token: String,
    /// The device acted on.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 4294967295_i64))]
    pub device_id: i64,
    /// When it was scanned, by the phone's clock.
    pub scanned_at: RequestTime,
}

/// What became of a redemption.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SyncStatus {
    /// Applied to the device now.
    Applied,
    /// This id was received before (a retry); nothing changed.
    Duplicate,
    /// A later scan already acted on the device; recorded, not applied.
    Superseded,
    /// Refused, for the reason given.
    Rejected,
    /// A status this build does not know (a newer server's): a client keeps the redemption waiting. Never sent.
    #[serde(other, skip_serializing)]
    Unknown,
}

impl From<fieldtoken_core::SyncStatus> for SyncStatus {
    fn from(status: fieldtoken_core::SyncStatus) -> SyncStatus {
        match status {
            fieldtoken_core::SyncStatus::Applied => SyncStatus::Applied,
            fieldtoken_core::SyncStatus::Duplicate => SyncStatus::Duplicate,
            fieldtoken_core::SyncStatus::Superseded => SyncStatus::Superseded,
            fieldtoken_core::SyncStatus::Rejected => SyncStatus::Rejected,
        }
    }
}

/// Why a redemption was refused: a stable word.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// The token had expired when scanned.
    Expired,
    /// The token was deleted.
    Deleted,
    /// The token and the device belong to different organisations.
    OtherOrg,
    /// No such token, or the text is not a token.
    UnknownToken,
    /// No such device.
    UnknownDevice,
    /// The fleet of a `put_in_fleet` token no longer exists.
    UnknownFleet,
    /// The signed token does not verify (altered, forged, retired or unknown key, unsupported version).
    BadSignature,
    /// The scan time breaks the clock rules.
    Clock,
    /// A reason this build does not know (a newer server's). Never sent.
    #[serde(other, skip_serializing)]
    Unknown,
}

impl From<fieldtoken_core::RejectReason> for RejectReason {
    fn from(reason: fieldtoken_core::RejectReason) -> RejectReason {
        use fieldtoken_core::RejectReason as Core;
        match reason {
            Core::Expired => RejectReason::Expired,
            Core::Deleted => RejectReason::Deleted,
            Core::OtherOrg => RejectReason::OtherOrg,
            Core::UnknownToken => RejectReason::UnknownToken,
            Core::UnknownDevice => RejectReason::UnknownDevice,
            Core::UnknownFleet => RejectReason::UnknownFleet,
            Core::BadSignature => RejectReason::BadSignature,
            Core::Clock => RejectReason::Clock,
        }
    }
}

impl RejectReason {
    /// The stable word, as the core names it (`unknown` for a reason this build does not know).
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::Expired => "expired",
            RejectReason::Deleted => "deleted",
            RejectReason::OtherOrg => "other_org",
            RejectReason::UnknownToken => "unknown_token",
            RejectReason::UnknownDevice => "unknown_device",
            RejectReason::UnknownFleet => "unknown_fleet",
            RejectReason::BadSignature => "bad_signature",
            RejectReason::Clock => "clock",
            RejectReason::Unknown => "unknown",
        }
    }
}

/// The server's decision on one redemption.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncResult {
    /// The redemption id.
    pub id: String,
    /// What became of it.
    pub status: SyncStatus,
    /// For `rejected`: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<RejectReason>,
}

/// `POST /api/v1/sync` answer: one decision per redemption, in the order sent.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncResponse {
    /// The decisions.
    pub results: Vec<SyncResult>,
    /// The server's time, so a phone can correct its clock.
    pub server_time: Time,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_servers_words_read_as_unknown() {
        let result: SyncResult =
            serde_json::from_str(r#"{ "id": "a", "status": "later", "reason": "later_reason" }"#)
                .unwrap();
        assert_eq!(result.status, SyncStatus::Unknown);
        assert_eq!(result.reason, Some(RejectReason::Unknown));
        let known: SyncResult =
            serde_json::from_str(r#"{ "id": "b", "status": "rejected", "reason": "other_org" }"#)
                .unwrap();
        assert_eq!(known.status, SyncStatus::Rejected);
        assert_eq!(known.reason.map(RejectReason::as_str), Some("other_org"));
    }

    /// The wire words are the core's own: these enums mirror the core's (which carries no serde, by its
    /// invariant), and the `From` conversions' exhaustive matches plus this test keep the two one list.
    #[test]
    fn the_wire_words_are_the_cores() {
        use fieldtoken_core::{RejectReason as R, SyncStatus as S};
        for status in [S::Applied, S::Duplicate, S::Superseded, S::Rejected] {
            let wire = serde_json::to_value(SyncStatus::from(status)).unwrap();
            assert_eq!(wire, status.as_str());
        }
        for reason in [
            R::Expired,
            R::Deleted,
            R::OtherOrg,
            R::UnknownToken,
            R::UnknownDevice,
            R::UnknownFleet,
            R::BadSignature,
            R::Clock,
        ] {
            let wire = serde_json::to_value(RejectReason::from(reason)).unwrap();
            assert_eq!(wire, reason.as_str());
        }
    }
}
