//! The test vectors of docs/FORMATS.md, defined once here and checked twice: against the implementation, and
//! against the document (which must contain each of them literally).

use fieldtoken_core::*;

use crate::fixtures::*;

const FORMATS_MD: &str = include_str!("../../../../docs/FORMATS.md");

/// Each vector: a name and its exact text as it appears in FORMATS.md.
fn vectors() -> Vec<(&'static str, String)> {
    let signed = key().sign_token(&token()).unwrap();
    let repair = key()
        .sign_token(&token_with(
            1002,
            org(),
            Action::PutInRepair,
            EXPIRY_SECONDS,
            code(),
        ))
        .unwrap();
    let directory_key = DirectoryKey::from_bytes(DIRECTORY_KEY);
    let device = DeviceKey::from_seed(DEVICE_SEED);
    vec![
        ("public key", hex(&key().public_key().to_bytes())),
        ("code", code().to_string()),
        ("claims", hex(&signed.claims().to_bytes())),
        ("signed bytes", hex(&signed.to_bytes())),
        ("text", signed.to_text()),
        ("deep link", signed.to_deep_link(&base())),
        ("repair text", repair.to_text()),
        ("code hash", directory_key.hash(&code()).to_hex()),
        ("ndef message", hex(&ndef::card_message(&code(), &base()))),
        ("ndef memory", hex(&ndef::card_memory(&code(), &base()))),
        ("device public key", hex(&device.certificate().to_bytes())),
        ("enrolment message", hex(&enrolment_message(&code()))),
        ("enrolment proof", hex(&device.enrolment_proof(&code()))),
    ]
}

/// The code table of FORMATS.md: bytes and canonical code, as a table row.
const CODE_TABLE: [(&str, &str); 8] = [
    ("00000000000000000000", "0000-0000-0000-0000-0"),
    ("0102030405060708090a", "0410-6105-0R3G-G28A-Z"),
    ("00000000000000000020", "0000-0000-0000-0010-*"),
    ("00000000000000000021", "0000-0000-0000-0011-~"),
    ("00000000000000000022", "0000-0000-0000-0012-$"),
    ("00000000000000000023", "0000-0000-0000-0013-="),
    ("00000000000000000024", "0000-0000-0000-0014-U"),
    ("ffffffffffffffffffff", "ZZZZ-ZZZZ-ZZZZ-ZZZZ-~"),
];

#[test]
fn code_table() {
    for (bytes, text) in CODE_TABLE {
        let raw: [u8; 10] = fieldtoken_core::hex::decode_array(bytes).unwrap();
        assert_eq!(TokenCode::from_bytes(raw).to_string(), text);
        assert!(
            FORMATS_MD.contains(&format!("| `{bytes}` | `{text}` |")),
            "FORMATS.md lacks the row for {bytes}"
        );
    }
    // The worked example's typos and tolerant readings.
    for (typed, expected) in [
        ("0410-6105-0R3G-G2A8-Z", Err("bad_check_symbol")),
        ("0410-6105-0R3G-G28B-Z", Err("bad_check_symbol")),
        ("0410 6105 0r3g g28a z", Ok(code())),
        ("O4IO-6IO5-OR3G-G28A-Z", Ok(code())),
    ] {
        assert_eq!(
            TokenCode::parse(typed).map_err(|e| e.code()),
            expected,
            "{typed}"
        );
        assert!(FORMATS_MD.contains(typed), "{typed}");
    }
}

#[test]
fn vector_qr_versions() {
    let signed = key().sign_token(&token()).unwrap();
    assert_eq!(
        QrMatrix::encode(&signed.to_deep_link(&base()), Ecc::M)
            .unwrap()
            .version(),
        7
    );
    assert_eq!(
        QrMatrix::encode(&signed.to_text(), Ecc::M)
            .unwrap()
            .version(),
        6
    );
    assert_eq!(
        QrMatrix::encode(&code().to_string(), Ecc::M)
            .unwrap()
            .version(),
        2
    );
}

#[test]
fn print_vectors() {
    for (name, value) in vectors() {
        println!("{name}: {value}");
    }
}

#[test]
fn formats_md_holds_every_vector() {
    // FORMATS.md wraps long hex at 64 characters per line; compare without whitespace in hex blocks.
    let squashed: String = FORMATS_MD.chars().filter(|c| !c.is_whitespace()).collect();
    for (name, value) in vectors() {
        assert!(
            squashed.contains(&value),
            "FORMATS.md lacks the {name} vector {value}"
        );
    }
}

#[test]
fn fixed_key_is_rfc8032_test_1() {
    assert_eq!(key().public_key().to_bytes(), PUBLIC);
}
