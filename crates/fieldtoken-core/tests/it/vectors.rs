//! The test vectors of docs/FORMATS.md, defined once here and checked twice: against the implementation, and
//! against the document (which must contain each of them literally).

use fieldtoken_core::*;

use crate::fixtures::*;

const FORMATS_MD: &str = include_str!("../../../../docs/FORMATS.md");

/// Each vector: a name and its exact text as it appears in FORMATS.md.
fn vectors() -> Vec<(&'static str, String)> {
    let signed = key().sign_token(&token()).unwrap();
    let repair = key().sign_token(&token_with(1002, org(), Action::PutInRepair, EXPIRY_SECONDS, code())).unwrap();
    let directory_key = DirectoryKey::from_bytes(DIRECTORY_KEY);
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
    ]
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
        assert!(squashed.contains(&value), "FORMATS.md lacks the {name} vector {value}");
    }
}

#[test]
fn fixed_key_is_rfc8032_test_1() {
    assert_eq!(key().public_key().to_bytes(), PUBLIC);
}
