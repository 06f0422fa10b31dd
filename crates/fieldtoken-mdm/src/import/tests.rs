//! The reading and checking of device imports, row by row.

use std::collections::HashSet;

use fieldtoken_api::inventory::RowOutcome;
use fieldtoken_core::{DeviceState, Fleet, FleetId, OrgId};

use super::{Fleets, check, read};

fn fleets() -> Fleets {
    let org = OrgId::new(1).unwrap();
    Fleets::new(&[
        Fleet {
            id: FleetId::new(3).unwrap(),
            org,
            name: "North".into(),
        },
        Fleet {
            id: FleetId::new(4).unwrap(),
            org,
            name: "South, coast".into(),
        },
    ])
}

/// Each problem row's line and outcome.
type Problems = Vec<(u32, RowOutcome)>;

/// The outcome of each problem row, by line, and the devices of an all-good file.
fn outcomes(csv: &str, taken: &[&str]) -> (Problems, Vec<(String, DeviceState)>) {
    let rows = read(csv, &fleets()).unwrap();
    let taken: HashSet<String> = taken.iter().map(|s| (*s).to_owned()).collect();
    let (report, devices) = check(&rows, &taken);
    assert_eq!(report.rows as usize, rows.len());
    assert_eq!(report.ok as usize + report.problems.len(), rows.len());
    (
        report.problems.iter().map(|p| (p.row, p.outcome)).collect(),
        devices,
    )
}

#[test]
fn a_good_file_names_each_device_and_where_it_goes() {
    let north = DeviceState::InFleet(FleetId::new(3).unwrap());
    let coast = DeviceState::InFleet(FleetId::new(4).unwrap());
    let (problems, devices) = outcomes(
        "\u{feff}Serial,Fleet\r\nab-1,North\r\n\r\nAB-2,north\n\"AB-3\",\"South, coast\"\nAB-4,in_repair\nAB-5\nAB-6,\nAB-7,In stock",
        &[],
    );
    assert_eq!(problems, vec![]);
    assert_eq!(
        devices,
        vec![
            ("AB-1".to_owned(), north),
            ("AB-2".to_owned(), north),
            ("AB-3".to_owned(), coast),
            ("AB-4".to_owned(), DeviceState::InRepair),
            ("AB-5".to_owned(), DeviceState::InStock),
            ("AB-6".to_owned(), DeviceState::InStock),
            ("AB-7".to_owned(), DeviceState::InStock),
        ]
    );
}

#[test]
fn every_bad_row_is_reported_with_its_line() {
    let (problems, _) = outcomes(
        "serial,fleet\nA-1,North\na-1,North\nA-2,Nowhere\nA 3,North\nA-4,North,extra\nA-5,North\nA-6,\"North",
        &["A-5"],
    );
    assert_eq!(
        problems,
        vec![
            (3, RowOutcome::DuplicateInFile),
            (4, RowOutcome::UnknownFleet),
            (5, RowOutcome::BadSerial),
            (6, RowOutcome::BadRow),
            (7, RowOutcome::AlreadyRegistered),
            (8, RowOutcome::BadRow),
        ]
    );
}

#[test]
fn semicolons_separate_when_the_first_row_has_no_comma() {
    let (problems, devices) = outcomes("serial;fleet\nX-1;South, coast\n", &[]);
    assert_eq!(problems, vec![]);
    assert_eq!(
        devices,
        vec![(
            "X-1".to_owned(),
            DeviceState::InFleet(FleetId::new(4).unwrap())
        )]
    );
}

#[test]
fn a_quoted_field_may_hold_a_line_break_and_the_lines_still_count() {
    let (problems, _) = outcomes("A-1,\"North\nSide\"\nA 2\n", &[]);
    // The second row starts on line 3, after the quoted line break.
    assert_eq!(
        problems,
        vec![(1, RowOutcome::UnknownFleet), (3, RowOutcome::BadSerial)]
    );
}

#[test]
fn more_rows_than_one_import_takes_are_refused_whole() {
    let csv: String = (0..=super::MAX_ROWS).map(|n| format!("S-{n}\n")).collect();
    assert_eq!(read(&csv, &fleets()), Err(super::MAX_ROWS + 1));
}
