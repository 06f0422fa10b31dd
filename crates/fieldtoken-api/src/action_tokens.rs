//! Action tokens: what a scan does to a device, and their QR texts.

use serde::{Deserialize, Serialize};

use crate::common::{RequestTime, Time};

/// The four things a token does, by their stable names.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActionType {
    /// Move the device into the fleet `fleet_id`.
    PutInFleet,
    /// Move the device into repair.
    PutInRepair,
    /// Move the device into stock.
    PutInStock,
    /// Clear the device's certificate: it must enrol again.
    ResetCertificate,
}

impl ActionType {
    /// Every type, in the seed's order.
    pub const ALL: [ActionType; 4] = [
        ActionType::PutInFleet,
        ActionType::PutInRepair,
        ActionType::PutInStock,
        ActionType::ResetCertificate,
    ];

    /// The stable name, as the core names it.
    pub const fn as_str(self) -> &'static str {
        match self {
            ActionType::PutInFleet => "put_in_fleet",
            ActionType::PutInRepair => "put_in_repair",
            ActionType::PutInStock => "put_in_stock",
            ActionType::ResetCertificate => "reset_certificate",
        }
    }

    /// The type of a core action.
    pub const fn of(action: fieldtoken_core::Action) -> ActionType {
        match action {
            fieldtoken_core::Action::PutInFleet(_) => ActionType::PutInFleet,
            fieldtoken_core::Action::PutInRepair => ActionType::PutInRepair,
            fieldtoken_core::Action::PutInStock => ActionType::PutInStock,
            fieldtoken_core::Action::ResetCertificate => ActionType::ResetCertificate,
        }
    }
}

/// What a token does: `{ "type": "put_in_fleet", "fleet_id": 3 }`; `fleet_id` for `put_in_fleet` only. Its schema
/// says so as a `oneOf` (see the `PartialSchema` impl), which a derive of this struct could not.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// What it does.
    #[serde(rename = "type")]
    pub kind: ActionType,
    /// The fleet of `put_in_fleet`; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fleet_id: Option<u32>,
}

impl From<fieldtoken_core::Action> for Action {
    fn from(action: fieldtoken_core::Action) -> Action {
        Action {
            kind: ActionType::of(action),
            fleet_id: action.fleet().map(fieldtoken_core::FleetId::get),
        }
    }
}

impl Action {
    /// The core's action; the core refuses a fleet where none belongs, or none where one does.
    pub fn to_core(self) -> fieldtoken_core::Result<fieldtoken_core::Action> {
        let fleet = self
            .fleet_id
            .map(fieldtoken_core::FleetId::new)
            .transpose()?;
        fieldtoken_core::Action::from_parts(self.kind.as_str(), fleet)
    }
}

/// Whether a token works now.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenStatus {
    /// Redeemable until its expiry.
    Active,
    /// Past its expiry.
    Expired,
}

impl From<fieldtoken_core::TokenStatus> for TokenStatus {
    fn from(status: fieldtoken_core::TokenStatus) -> TokenStatus {
        match status {
            fieldtoken_core::TokenStatus::Active => TokenStatus::Active,
            fieldtoken_core::TokenStatus::Expired => TokenStatus::Expired,
        }
    }
}

/// Both QR texts of a token.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QrTexts {
    /// The new format: the signed deep link (`HTTPS://HOST/T/...`), verifiable offline.
    pub new: String,
    /// The old format: the code, for the Activator and NFC cards.
    pub old: String,
}

/// An action token as the API shows it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionToken {
    /// Its id.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub id: u32,
    /// The admin's name for it.
    pub name: String,
    /// What it does.
    pub action: Action,
    /// When it stops working (whole seconds).
    pub expires_at: Time,
    /// `active` or `expired`, now.
    pub status: TokenStatus,
    /// The code, `XXXX-XXXX-XXXX-XXXX-C`.
    pub code: String,
    /// The texts of its two QR formats.
    pub qr: QrTexts,
    /// When it was created.
    pub created_at: Time,
}

/// `POST /api/v1/action-tokens` body (unknown fields are refused).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewActionToken {
    /// 1 to 100 characters after trimming, no control characters.
    pub name: String,
    /// What it does.
    pub action: Action,
    /// When it stops working; must be in the future.
    pub expires_at: RequestTime,
}

/// A page of action tokens, newest first (`{ "items", "next"? }`).
pub type ActionTokenPage = crate::Page<ActionToken>;

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Action {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, OneOfBuilder, Type};
        let kind = |names: &[&str]| {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(names.iter().copied()))
        };
        let with_fleet = ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("type", kind(&["put_in_fleet"]))
            .required("type")
            .property(
                "fleet_id",
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(1))
                    .maximum(Some(4_294_967_295_u32))
                    .description(Some("The fleet the device is put in.")),
            )
            .required("fleet_id")
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        let others: Vec<&str> = ActionType::ALL
            .iter()
            .filter(|kind| **kind != ActionType::PutInFleet)
            .map(|kind| kind.as_str())
            .collect();
        let without_fleet = ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("type", kind(&others))
            .required("type")
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        OneOfBuilder::new()
            .item(with_fleet)
            .item(without_fleet)
            .description(Some(
                "What the token does; `fleet_id` only, and always, for `put_in_fleet`.",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Action {}

/// The most tokens one `POST /api/v1/action-tokens/batch` creates. One batch is one transaction, which holds the
/// database's only write lock while every token is signed and stored, and one answer, which carries every token's
/// QR texts; 500 keeps both short (measured on the 2-core dev machine, release build: about 90 ms and 190 KB)
/// and is about 56 print sheets of 9 tokens. Larger runs are several batches.
pub const MAX_BATCH: usize = 500;

/// `POST /api/v1/action-tokens/batch` body: the tokens to create, all or none (unknown fields are refused).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewActionTokens {
    /// 1 to 500 tokens, each as `POST /api/v1/action-tokens` takes it.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 500))]
    pub items: Vec<NewActionToken>,
}

/// `POST /api/v1/action-tokens/{id}/duplicate` body: the copy's expiry, and optionally another name (unknown
/// fields are refused).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DuplicateActionToken {
    /// When the copy stops working; must be in the future.
    pub expires_at: RequestTime,
    /// The copy's name; the original's when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}
