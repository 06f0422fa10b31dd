//! Reading a device import (a CSV file of serials) and checking each row, without I/O: the HTTP layer reads the
//! fleets and the serials already taken from the store, and this module says, row by row, what would happen. The
//! serial rule itself is the core's ([`Serial`]); this module only reads the file and applies it.
//!
//! The file: UTF-8 (a byte-order mark is skipped), one device a row, separated by commas (or semicolons, as
//! spreadsheets of some locales write, when the first row has a semicolon and no comma), fields optionally in
//! double quotes (`""` is a quote inside one). Column 1 is the serial, column 2 (optional) a fleet's name or a
//! state (`in_stock`, `in_repair`; empty: in stock). A first row whose first cell is `serial` is a header. Blank
//! rows are skipped.

use std::collections::{BTreeMap, HashMap, HashSet};

use fieldtoken_api::inventory::{ImportDestination, ImportProblem, ImportReport, RowOutcome};
use fieldtoken_core::{DeviceState, Fleet, FleetId, Serial};

/// The most data rows one import takes.
pub const MAX_ROWS: usize = 100_000;

/// One data row as read: its line number, and what it names or why it is not a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The line the row starts on (the header, when there is one, is line 1).
    pub line: u32,
    /// The serial as the file has it (trimmed), for the report.
    pub raw_serial: String,
    /// The serial, or why it is not one.
    pub serial: Result<Serial, String>,
    /// Where the device goes, or the fleet name that names no fleet.
    pub destination: Result<DeviceState, String>,
    /// Why the row is not a row at all (too many columns, an unclosed quote).
    pub broken: Option<String>,
}

/// Splits the text into rows of fields, each with the line it starts on. An unclosed quote is reported on the
/// row it opened, which takes the rest of the file.
fn split(text: &str) -> Vec<(u32, Vec<String>, bool)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or_default();
    let separator = if first_line.contains(';') && !first_line.contains(',') {
        ';'
    } else {
        ','
    };
    let mut rows = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut line = 1_u32;
    let mut row_line = 1_u32;
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            c if c == separator => fields.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                rows.push((row_line, std::mem::take(&mut fields), false));
                line += 1;
                row_line = line;
            }
            _ => field.push(c),
        }
    }
    if quoted || !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        rows.push((row_line, fields, quoted));
    }
    rows
}

/// Where a second column sends a device: a fleet by its name (exactly, else ignoring case), else a state's name.
fn destination(cell: &str, fleets: &Fleets) -> Result<DeviceState, String> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(DeviceState::InStock);
    }
    if let Some(&id) = fleets.exact.get(cell) {
        return Ok(DeviceState::InFleet(id));
    }
    if let Some(&id) = fleets.folded.get(&cell.to_lowercase()) {
        return Ok(DeviceState::InFleet(id));
    }
    match cell.to_lowercase().replace([' ', '-'], "_").as_str() {
        "in_stock" | "stock" => Ok(DeviceState::InStock),
        "in_repair" | "repair" => Ok(DeviceState::InRepair),
        _ => Err(cell.to_owned()),
    }
}

/// The organisation's fleets by name, as rows name them.
pub struct Fleets {
    exact: HashMap<String, FleetId>,
    folded: HashMap<String, FleetId>,
}

impl Fleets {
    /// The fleets' names.
    pub fn new(fleets: &[Fleet]) -> Fleets {
        let mut folded = HashMap::new();
        for fleet in fleets {
            // Two fleets whose names differ only in case: neither is found by a name in another case.
            folded
                .entry(fleet.name.to_lowercase())
                .and_modify(|id: &mut Option<FleetId>| *id = None)
                .or_insert(Some(fleet.id));
        }
        Fleets {
            exact: fleets.iter().map(|f| (f.name.clone(), f.id)).collect(),
            folded: folded
                .into_iter()
                .filter_map(|(name, id)| Some((name, id?)))
                .collect(),
        }
    }
}

/// Reads the file's data rows (header and blank rows left out); `Err` with the count when there are more than
/// [`MAX_ROWS`].
pub fn read(text: &str, fleets: &Fleets) -> Result<Vec<Row>, usize> {
    let mut rows = Vec::new();
    let mut first = true;
    for (line, cells, unclosed) in split(text) {
        if cells.iter().all(|c| c.trim().is_empty()) && !unclosed {
            continue;
        }
        if std::mem::take(&mut first) && cells[0].trim().eq_ignore_ascii_case("serial") {
            continue;
        }
        let raw_serial = cells[0].trim().to_owned();
        let broken = if unclosed {
            Some("a quote opened on this row is never closed".to_owned())
        } else if cells.len() > 2 && cells[2..].iter().any(|c| !c.trim().is_empty()) {
            Some(format!(
                "the row has {} columns: only serial and fleet (or state) are read",
                cells.len()
            ))
        } else {
            None
        };
        rows.push(Row {
            line,
            serial: Serial::parse(&raw_serial).map_err(|e| e.message().to_owned()),
            destination: destination(cells.get(1).map_or("", String::as_str), fleets),
            raw_serial,
            broken,
        });
        if rows.len() > MAX_ROWS {
            return Err(rows.len());
        }
    }
    Ok(rows)
}

/// The serials of the rows whose serial is good: those to ask the store about.
pub fn serials(rows: &[Row]) -> Vec<&str> {
    rows.iter()
        .filter_map(|r| r.serial.as_ref().ok().map(Serial::as_str))
        .collect()
}

/// The report on `rows` given the serials the organisation has already, and the devices to register when every
/// row is `ok`. One outcome per row, the first that applies: a broken row, a bad serial, a serial an earlier row
/// has, a serial already registered, a fleet that does not exist.
pub fn check(rows: &[Row], taken: &HashSet<String>) -> (ImportReport, Vec<(String, DeviceState)>) {
    let mut first_row: HashMap<&str, u32> = HashMap::new();
    let mut problems = Vec::new();
    let mut devices = Vec::new();
    let mut destinations: BTreeMap<(u8, u32), u32> = BTreeMap::new();
    for row in rows {
        let problem = |outcome, message: String| ImportProblem {
            row: row.line,
            serial: row.raw_serial.clone(),
            outcome,
            message,
        };
        if let Some(why) = &row.broken {
            problems.push(problem(RowOutcome::BadRow, why.clone()));
            continue;
        }
        let serial = match &row.serial {
            Ok(serial) => serial,
            Err(why) => {
                problems.push(problem(RowOutcome::BadSerial, why.clone()));
                continue;
            }
        };
        if let Some(first) = first_row.get(serial.as_str()) {
            problems.push(problem(
                RowOutcome::DuplicateInFile,
                format!("row {first} has the serial {serial} too"),
            ));
            continue;
        }
        first_row.insert(serial.as_str(), row.line);
        if taken.contains(serial.as_str()) {
            problems.push(problem(
                RowOutcome::AlreadyRegistered,
                format!("a device with the serial {serial} is registered already"),
            ));
            continue;
        }
        match row.destination {
            Ok(state) => {
                let key = match state {
                    DeviceState::InFleet(fleet) => (0, fleet.get()),
                    DeviceState::InRepair => (1, 0),
                    DeviceState::InStock => (2, 0),
                };
                *destinations.entry(key).or_default() += 1;
                devices.push((serial.as_str().to_owned(), state));
            }
            Err(ref name) => problems.push(problem(
                RowOutcome::UnknownFleet,
                format!("there is no fleet named '{name}' (nor is it in_stock or in_repair)"),
            )),
        }
    }
    let report = ImportReport {
        applied: false,
        rows: u32::try_from(rows.len()).unwrap_or(u32::MAX),
        ok: u32::try_from(devices.len()).unwrap_or(u32::MAX),
        destinations: destinations
            .into_iter()
            .map(|((kind, fleet), devices)| ImportDestination {
                state: match kind {
                    0 => fieldtoken_api::devices::DeviceState::InFleet,
                    1 => fieldtoken_api::devices::DeviceState::InRepair,
                    _ => fieldtoken_api::devices::DeviceState::InStock,
                },
                fleet_id: (kind == 0).then_some(fleet),
                devices,
            })
            .collect(),
        problems,
    };
    (report, devices)
}

#[cfg(test)]
mod tests;
