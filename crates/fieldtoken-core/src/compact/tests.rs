//! The compact bundle: what goes in comes out, changes bring a phone's bundle to the MDM's, and no byte string
//! makes the reader panic or accept a broken layout.

use super::*;
use crate::code::TokenCode;
use crate::signed::OrgSigningKey;
use crate::token::verify_token;

fn org() -> OrgId {
    OrgId::new(7).unwrap()
}

fn code(n: u8) -> TokenCode {
    TokenCode::from_bytes([n; 10])
}

/// A full bundle at version 5: one key, two codes (token 1 in fleet 3, token 2 to repair), token 9 deleted,
/// one fleet, two devices.
fn full() -> CompactBundle {
    let key = DirectoryKey::from_bytes([0x11; 32]);
    let mut b = CompactBundle::new(
        org(),
        5,
        Timestamp::from_millis(1_767_225_600_000),
        key.clone(),
    );
    let signer = OrgSigningKey::from_seed(KeyId::new(1).unwrap(), org(), [9; 32]);
    b.keys.insert(KeyId::new(1).unwrap(), signer.public_key());
    b.retired_keys.insert(KeyId::new(4).unwrap());
    for (id, n, action) in [
        (1, 1, Action::PutInFleet(FleetId::new(3).unwrap())),
        (2, 2, Action::PutInRepair),
    ] {
        let id = ActionTokenId::new(id).unwrap();
        b.entries.insert(
            id,
            CompactEntry {
                hash: key.hash(&code(n)),
                action,
                expires_at: Expiry::from_seconds(1_798_761_599),
            },
        );
        b.names.insert(id, format!("Token {n} é"));
    }
    b.deleted.insert(ActionTokenId::new(9).unwrap());
    b.fleets
        .insert(FleetId::new(3).unwrap(), "Warehouse".into());
    b.devices.insert(
        DeviceId::new(42).unwrap(),
        CompactDevice {
            serial: "FT-0042".into(),
            state: DeviceState::InFleet(FleetId::new(3).unwrap()),
            enrolled: true,
        },
    );
    b.devices.insert(
        DeviceId::new(300).unwrap(),
        CompactDevice {
            serial: "FT-0300".into(),
            state: DeviceState::InStock,
            enrolled: false,
        },
    );
    b
}

/// Version 5 to 6: token 1 deleted, token 3 created, device 300 retired, fleet 4 created.
fn changes() -> CompactBundle {
    let mut c = CompactBundle::new(
        org(),
        6,
        Timestamp::from_millis(1_767_225_660_000),
        DirectoryKey::from_bytes([0x11; 32]),
    );
    c.since = Some(5);
    let one = ActionTokenId::new(1).unwrap();
    c.removed_tokens.insert(one);
    c.deleted.insert(one);
    let three = ActionTokenId::new(3).unwrap();
    c.entries.insert(
        three,
        CompactEntry {
            hash: c.directory_key.hash(&code(3)),
            action: Action::PutInStock,
            expires_at: Expiry::from_seconds(1_798_000_000),
        },
    );
    c.names.insert(three, "New".into());
    c.removed_devices.insert(DeviceId::new(300).unwrap());
    c.fleets.insert(FleetId::new(4).unwrap(), "Dock".into());
    c
}

#[test]
fn full_bundles_and_changes_read_back_as_written() {
    for b in [full(), changes()] {
        let bytes = b.encode();
        assert_eq!(CompactBundle::decode(&bytes), Ok(b));
    }
}

#[test]
fn a_phone_that_applies_changes_verifies_as_the_mdm_does() {
    let now = Timestamp::from_millis(1_767_225_700_000);
    let mut phone = CompactBundle::decode(&full().encode()).unwrap();
    let before = phone.to_offline_bundle();
    assert_eq!(
        verify_token(&code(1).to_string(), &before, now)
            .unwrap()
            .token_id
            .get(),
        1
    );
    assert_eq!(
        verify_token(&code(3).to_string(), &before, now)
            .unwrap_err()
            .code(),
        "unknown_token"
    );

    phone
        .apply(&CompactBundle::decode(&changes().encode()).unwrap())
        .unwrap();
    assert_eq!(phone.version, 6);
    let after = phone.to_offline_bundle();
    // The deleted token's entry left; a signed QR of it is refused as deleted by the deleted list.
    assert_eq!(
        verify_token(&code(1).to_string(), &after, now)
            .unwrap_err()
            .code(),
        "unknown_token"
    );
    assert!(after.deleted.contains(&ActionTokenId::new(1).unwrap()));
    let three = verify_token(&code(3).to_string(), &after, now).unwrap();
    assert_eq!(
        (three.token_id.get(), three.action),
        (3, Action::PutInStock)
    );
    assert_eq!(
        verify_token(&code(2).to_string(), &after, now)
            .unwrap()
            .action,
        Action::PutInRepair
    );
    assert!(!after.devices.contains_key(&DeviceId::new(300).unwrap()));
    assert!(
        after.devices[&DeviceId::new(42).unwrap()]
            .certificate
            .is_some()
    );
    assert_eq!(after.fleets.len(), 2);
    assert!(!phone.names.contains_key(&ActionTokenId::new(1).unwrap()));
    assert_eq!(phone.names[&ActionTokenId::new(3).unwrap()], "New");
    // Changes are a full bundle's content again once applied: re-encoding the phone's bundle round-trips.
    assert_eq!(CompactBundle::decode(&phone.encode()), Ok(phone));
}

#[test]
fn changes_that_do_not_start_at_the_phones_version_are_refused_untouched() {
    let mut phone = full();
    let mut late = changes();
    late.since = Some(4);
    assert_eq!(phone.apply(&late).unwrap_err().code(), "bad_format");
    let mut other = changes();
    other.org = OrgId::new(8).unwrap();
    assert_eq!(phone.apply(&other).unwrap_err().code(), "bad_format");
    assert_eq!(phone.apply(&full()).unwrap_err().code(), "bad_format");
    assert_eq!(phone, full());
}

#[test]
fn every_cut_of_a_bundle_is_truncated_never_a_panic() {
    let bytes = full().encode();
    for end in 0..bytes.len() {
        let e = CompactBundle::decode(&bytes[..end]).unwrap_err();
        assert!(
            ["truncated", "bad_format"].contains(&e.code()),
            "cut at {end}: {}",
            e.code()
        );
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(
        CompactBundle::decode(&longer).unwrap_err().code(),
        "trailing_data"
    );
}

#[test]
fn forged_bytes_get_a_clear_error_never_a_panic() {
    let bytes = full().encode();
    // Every single-byte change either still reads as a bundle or is an error of the reader's kinds.
    for i in 0..bytes.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut forged = bytes.clone();
            forged[i] ^= flip;
            if let Err(e) = CompactBundle::decode(&forged) {
                assert!(
                    [
                        "truncated",
                        "trailing_data",
                        "bad_format",
                        "unsupported_version"
                    ]
                    .contains(&e.code()),
                    "byte {i}: {}",
                    e.code()
                );
            }
        }
    }
    let code = |b: &[u8]| CompactBundle::decode(b).unwrap_err().code();
    assert_eq!(code(b"PNG\x01"), "bad_format");
    assert_eq!(code(b"FTB\x02\x00"), "unsupported_version");
    assert_eq!(code(b""), "truncated");
    // A count of 2^62 keys in a short input is refused before any memory is reserved.
    let mut huge = b"FTB\x01\x00\x07\x05\x00".to_vec();
    huge.extend_from_slice(&[0x11; 32]);
    huge.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3f]);
    assert_eq!(code(&huge), "truncated");
    // Overlong numbers (a trailing zero group) and a zero organisation are bad.
    assert_eq!(code(b"FTB\x01\x00\x87\x00"), "bad_format");
    assert_eq!(code(b"FTB\x01\x00\x00"), "bad_format");
    assert_eq!(code(b"FTB\x01\x02\x07"), "bad_format");
}

#[test]
fn ids_out_of_order_texts_not_utf8_and_bad_keys_are_refused() {
    let b = full();
    let bytes = b.encode();
    // The first name's length byte, then its text: make the text invalid UTF-8.
    let name = b"Token 1 \xc3\xa9";
    let at = bytes.windows(name.len()).position(|w| w == name).unwrap();
    let mut forged = bytes.clone();
    forged[at + 8] = 0xff;
    let e = CompactBundle::decode(&forged).unwrap_err();
    assert_eq!((e.code(), e.position()), ("bad_format", Some(at + 1)));
    // The second device's id step set to 0: ids must ascend strictly.
    let serial = b"FT-0300";
    let at = bytes
        .windows(serial.len())
        .position(|w| w == serial)
        .unwrap();
    // Before the serial: its length (1 byte) and the id step (2 bytes: 258 = 0x82 0x02).
    assert_eq!(&bytes[at - 3..at], &[0x82, 0x02, 7]);
    let mut forged = bytes.clone();
    forged[at - 3] = 0x00;
    forged.remove(at - 2);
    assert_eq!(
        CompactBundle::decode(&forged).unwrap_err().code(),
        "bad_format"
    );
    // A public key that is not a curve point.
    let key = b.keys.values().next().unwrap().to_bytes();
    let at = bytes.windows(32).position(|w| w == key).unwrap();
    let mut forged = bytes.clone();
    let not_a_point = (0..=255u8)
        .map(|n| [n; 32])
        .find(|b| OrgPublicKey::from_bytes(KeyId::new(1).unwrap(), org(), *b).is_err())
        .unwrap();
    forged[at..at + 32].copy_from_slice(&not_a_point);
    let e = CompactBundle::decode(&forged).unwrap_err();
    assert_eq!(e.code(), "bad_format");
}

#[test]
fn the_verifiers_one_pass_reader_checks_what_decode_checks() {
    let bytes = full().encode();
    assert_eq!(offline_bundle(&bytes), Ok(full().to_offline_bundle()));
    assert_eq!(
        offline_bundle(&changes().encode()).unwrap_err().code(),
        "bad_format"
    );
    for end in 0..bytes.len() {
        assert_eq!(
            offline_bundle(&bytes[..end])
                .map(drop)
                .map_err(|e| e.code()),
            CompactBundle::decode(&bytes[..end])
                .map(drop)
                .map_err(|e| e.code()),
            "cut at {end}"
        );
    }
    for i in 0..bytes.len() {
        let mut forged = bytes.clone();
        forged[i] ^= 0x80;
        let decoded = CompactBundle::decode(&forged);
        assert_eq!(
            offline_bundle(&forged).map_err(|e| e.code()),
            decoded
                .map_err(|e| e.code())
                .and_then(|b| if b.is_changes() {
                    Err("bad_format")
                } else {
                    Ok(b.to_offline_bundle())
                }),
            "byte {i}"
        );
    }
}

#[test]
fn a_full_bundle_that_removes_something_is_refused() {
    let mut b = full();
    b.removed_devices.insert(DeviceId::new(5).unwrap());
    assert_eq!(
        CompactBundle::decode(&b.encode()).unwrap_err().code(),
        "bad_format"
    );
}
