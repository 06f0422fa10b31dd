//! The code directory: offline redemption of old-format tokens from keyed hashes, never codes.

use fieldtoken_core::*;

use crate::fixtures::*;

fn check(typed: &str, expected: Result<u32, &str>) {
    let got = verify_token(typed, &bundle(), now())
        .map(|t| t.token_id.get())
        .map_err(|e| e.code());
    assert_eq!(got, expected, "{typed}");
}

#[test]
fn typed_and_scanned_codes_are_found() {
    // seed 001: "An alternative method is to enter the unique code on the app, by typing it manually"
    for typed in [
        "0410-6105-0R3G-G28A-Z",
        "0410 6105 0r3g g28a z",
        "041061050R3GG28AZ",
        "O4IO-6IO5-OR3G-G28A-Z",
    ] {
        check(typed, Ok(1001));
    }
    check(&format!("https://mdm.example.com/t/{}", code()), Ok(1001));
    // A well-formed code of no token, and typos, are refused offline.
    check(
        &TokenCode::from_bytes([7; 10]).to_string(),
        Err("unknown_token"),
    );
    check("0410-6105-0R3G-G28B-Z", Err("bad_check_symbol"));
    check("0410-6105-0R3G-G28A", Err("bad_length"));
}

#[test]
fn the_directory_never_holds_a_code() {
    // DESIGN: "the code directory (keyed hashes of codes, never the codes)".
    let b = bundle();
    let dump = format!("{:?}", b.directory);
    assert!(!dump.contains(&code().to_string()) && !dump.contains(&code().compact()));
    assert!(!dump.contains(&hex(&code().to_bytes())));
    let (hash, entry) = b.directory.entries().next().unwrap();
    assert_eq!(hash.to_bytes().len(), directory::CODE_HASH_LEN);
    assert_eq!(entry.token_id.get(), 1001);
    // Another key gives unrelated hashes.
    let other = DirectoryKey::from_bytes([0x12; 32]);
    assert_ne!(
        other.hash(&code()),
        DirectoryKey::from_bytes(DIRECTORY_KEY).hash(&code())
    );
    assert_eq!(CodeHash::from_hex(&hash.to_hex().to_uppercase()), Ok(*hash));
    assert_eq!(CodeHash::from_hex("zz").unwrap_err().code(), "bad_length");
    assert_eq!(
        CodeHash::from_hex(&"g".repeat(32)).unwrap_err().code(),
        "bad_symbol"
    );
}

#[test]
fn expired_deleted_and_foreign_codes() {
    let expired = token_with(
        1,
        org(),
        Action::PutInStock,
        (NOW / 1000) as u32,
        TokenCode::from_bytes([1; 10]),
    );
    let foreign = token_with(
        2,
        other_org(),
        Action::PutInStock,
        EXPIRY_SECONDS,
        TokenCode::from_bytes([2; 10]),
    );
    let deleted = token_with(
        3,
        org(),
        Action::PutInStock,
        EXPIRY_SECONDS,
        TokenCode::from_bytes([3; 10]),
    );
    let mut b = bundle();
    for t in [&expired, &foreign, &deleted] {
        b.directory.add(t);
    }
    b.deleted.insert(deleted.id());
    let verdict =
        |t: &ActionToken| verify_token(&t.code().to_string(), &b, now()).map_err(|e| e.code());
    assert_eq!(verdict(&expired).unwrap_err(), "expired");
    assert_eq!(verdict(&foreign).unwrap_err(), "other_org");
    assert_eq!(verdict(&deleted).unwrap_err(), "deleted");
}
