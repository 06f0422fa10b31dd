//! Device serials (issue 19): what a registration or an import may name, and the one form it is stored in.

use fieldtoken_core::{ErrorKind, Serial};

#[test]
fn serials_are_read_trimmed_and_in_upper_case() {
    for (typed, stored) in [
        ("FT-001-0001", "FT-001-0001"),
        ("  ab-12  ", "AB-12"),
        ("c02xk0xxjg5h", "C02XK0XXJG5H"),
        ("356938035643809", "356938035643809"),
        ("rack.1/slot:2_a", "RACK.1/SLOT:2_A"),
        (&"X".repeat(64), &"X".repeat(64)),
    ] {
        assert_eq!(Serial::parse(typed).unwrap().as_str(), stored, "{typed:?}");
    }
}

#[test]
fn a_bad_serial_is_refused_with_bad_serial() {
    for (typed, position) in [
        ("", None),
        ("   ", None),
        ("AB 12", Some(3)),
        ("AB,12", Some(3)),
        ("é1", Some(1)),
        ("A\tB", Some(2)),
        ("=cmd()", Some(1)),
        (&"X".repeat(65), None),
    ] {
        let error = Serial::parse(typed).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::BadSerial, "{typed:?}");
        assert_eq!(error.position(), position, "{typed:?}: {error}");
    }
}
