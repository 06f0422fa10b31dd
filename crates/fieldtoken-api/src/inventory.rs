//! Managing the organisation's inventory (issue 19): creating, renaming and deleting fleets; registering,
//! importing, moving and retiring devices. The shapes read by `/api/v1/fleets` and `/api/v1/devices` are in
//! [`crate::devices`].

use serde::{Deserialize, Serialize};

use crate::action_tokens::Action;
use crate::devices::DeviceState;

/// `POST /api/v1/fleets` and `PATCH /api/v1/fleets/{id}` body (unknown fields are refused).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FleetName {
    /// 1 to 100 characters, without control characters; unique in the organisation.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::common::name_schema))]
    pub name: String,
}

/// `POST /api/v1/devices` body: a serial and where the device starts (unknown fields are refused).
///
/// `fleet_id` alone puts it in that fleet; `state` alone in repair or stock; neither: in stock.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDevice {
    /// 1 to 64 letters, digits and `- _ . / :` (spaces around them are trimmed); stored in upper case, unique in
    /// the organisation.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^\\s*[A-Za-z0-9._/:-]{1,64}\\s*$")
    )]
    pub serial: String,
    /// Where it starts; `in_fleet` needs `fleet_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<DeviceState>,
    /// The fleet it starts in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fleet_id: Option<u32>,
}

/// `POST /api/v1/devices/{id}/move` body: what to do to the device, by the same rule a redemption of a token with
/// this action follows (unknown fields are refused).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeviceMove {
    /// `put_in_fleet` (with `fleet_id`), `put_in_repair`, `put_in_stock` or `reset_certificate`.
    pub action: Action,
}

/// `POST /api/v1/devices/import` and `.../import/preview` body (unknown fields are refused).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeviceImport {
    /// The CSV file's text (UTF-8, comma or semicolon separated, quotes allowed): one device a row, columns
    /// `serial` and, optionally, a fleet's name or a state (`in_stock`, `in_repair`; empty: in stock). A first row
    /// whose first cell is `serial` is a header. At most 100,000 rows.
    pub csv: String,
}

/// What a row of an import does, or why it cannot.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    /// The device will be (or was) registered.
    Ok,
    /// An earlier row of the file has the same serial.
    DuplicateInFile,
    /// The organisation has a device with this serial (a retired one included).
    AlreadyRegistered,
    /// The second column is neither a fleet of the organisation nor a state.
    UnknownFleet,
    /// The serial breaks the serial rule.
    BadSerial,
    /// The row has more columns than serial and fleet, or an unclosed quote.
    BadRow,
}

/// One row of an import that cannot be registered.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportProblem {
    /// The row's line number in the file (the header, when there is one, is row 1).
    pub row: u32,
    /// The serial as the row has it.
    pub serial: String,
    /// Why it cannot be registered.
    pub outcome: RowOutcome,
    /// The same, for a person.
    pub message: String,
}

/// How many devices an import puts in one place.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportDestination {
    /// Where they go.
    pub state: DeviceState,
    /// The fleet, for `in_fleet`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fleet_id: Option<u32>,
    /// How many.
    pub devices: u32,
}

/// The report on an import: every row is counted by outcome, and every row that is not `ok` is listed with its
/// row number. `applied` tells whether the devices were registered (never some of them: all or none).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// Whether the devices were registered: `false` for a preview, and for a file with any problem.
    pub applied: bool,
    /// Data rows read (blank lines and the header left out).
    pub rows: u32,
    /// Rows that are `ok`.
    pub ok: u32,
    /// Where the `ok` rows go.
    pub destinations: Vec<ImportDestination>,
    /// Every row that is not `ok`, in file order.
    pub problems: Vec<ImportProblem>,
}
