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
        (
            "sync message",
            hex(&sync_message(org(), sync_device(), &sync_batch())),
        ),
        (
            "sync signature",
            hex(&device.sign_sync(org(), sync_device(), &sync_batch())),
        ),
        ("request message", hex(&request_message(&bundle_request()))),
        (
            "request signature",
            hex(&device.sign_request(&bundle_request())),
        ),
        ("compact bundle", hex(&compact_bundle().encode())),
        ("compact changes", hex(&compact_changes().encode())),
    ]
}

/// The compact bundle vector: organisation 7 at version 5, built 2026-01-01T00:00:00Z, with the vectors' key
/// (id 1), the token's code (1001, "Move to Warehouse"), token 1000 deleted, fleet 3 "Warehouse", and device 42
/// (serial "FT-0042", enrolled, in fleet 3).
fn compact_bundle() -> CompactBundle {
    let mut b = CompactBundle::new(org(), 5, now(), DirectoryKey::from_bytes(DIRECTORY_KEY));
    b.keys.insert(KeyId::new(1).unwrap(), key().public_key());
    b.entries.insert(
        token().id(),
        CompactEntry {
            hash: b.directory_key.hash(&code()),
            action: token().action(),
            expires_at: token().expires_at(),
        },
    );
    b.names.insert(token().id(), "Move to Warehouse".into());
    b.deleted.insert(ActionTokenId::new(1000).unwrap());
    b.fleets.insert(fleet(), "Warehouse".into());
    b.devices.insert(
        DeviceId::new(42).unwrap(),
        CompactDevice {
            serial: "FT-0042".into(),
            state: DeviceState::InFleet(fleet()),
            enrolled: true,
        },
    );
    b
}

/// The changes vector: from version 5 to 6, a minute later, token 1001 deleted.
fn compact_changes() -> CompactBundle {
    let mut c = CompactBundle::new(
        org(),
        6,
        now().plus_millis(60_000),
        DirectoryKey::from_bytes(DIRECTORY_KEY),
    );
    c.since = Some(5);
    c.removed_tokens.insert(token().id());
    c.deleted.insert(token().id());
    c
}

#[test]
fn compact_vectors_apply_as_a_phone_would() {
    let mut phone = CompactBundle::decode(&compact_bundle().encode()).unwrap();
    let at = now();
    assert_eq!(
        verify_token(&code().to_string(), &phone.to_offline_bundle(), at)
            .unwrap()
            .token_id,
        token().id()
    );
    phone
        .apply(&CompactBundle::decode(&compact_changes().encode()).unwrap())
        .unwrap();
    let signed = key().sign_token(&token()).unwrap().to_text();
    assert_eq!(
        verify_token(&signed, &phone.to_offline_bundle(), at)
            .unwrap_err()
            .code(),
        "deleted"
    );
}

/// The request of the device-signed request vector: device 42 of organisation 7 fetches its offline bundle at
/// 2026-12-31T23:00:00Z.
fn bundle_request() -> SignedRequest<'static> {
    SignedRequest {
        method: "GET",
        path: "/api/v1/offline-bundle",
        org: org(),
        device: sync_device(),
        at: Timestamp::from_millis(1_798_758_000_000),
    }
}

#[test]
fn request_signature_binds_method_path_org_device_and_time() {
    let device = DeviceKey::from_seed(DEVICE_SEED);
    let certificate = device.certificate();
    let request = bundle_request();
    let signature = device.sign_request(&request);
    assert_eq!(certificate.verify_request(&request, &signature), Ok(()));
    let changed: [(&str, SignedRequest<'static>); 5] = [
        (
            "another method",
            SignedRequest {
                method: "POST",
                ..request
            },
        ),
        (
            "another path",
            SignedRequest {
                path: "/api/v1/sync",
                ..request
            },
        ),
        (
            "another organisation",
            SignedRequest {
                org: other_org(),
                ..request
            },
        ),
        (
            "another device",
            SignedRequest {
                device: DeviceId::new(43).unwrap(),
                ..request
            },
        ),
        (
            "another time",
            SignedRequest {
                at: request.at.plus_millis(1),
                ..request
            },
        ),
    ];
    for (what, other) in changed {
        assert_eq!(
            certificate
                .verify_request(&other, &signature)
                .map_err(|e| e.code()),
            Err("bad_signature"),
            "{what}"
        );
    }
    // Neither a sync signature nor an enrolment proof is ever a request signature.
    assert_ne!(
        request_message(&request),
        sync_message(org(), sync_device(), &[])
    );
    assert!(request_message(&request).starts_with(b"fieldtoken/request/v1:"));
}

#[test]
fn a_signed_request_is_good_only_within_five_minutes_of_the_server_time() {
    let now = Timestamp::from_millis(1_798_758_000_000);
    let cases = [
        ("now", 0, Ok(())),
        ("five minutes ago", -REQUEST_WINDOW_MS, Ok(())),
        ("five minutes ahead", REQUEST_WINDOW_MS, Ok(())),
        (
            "a copy replayed later",
            -REQUEST_WINDOW_MS - 1,
            Err("clock"),
        ),
        (
            "dated ahead to be replayed",
            REQUEST_WINDOW_MS + 1,
            Err("clock"),
        ),
    ];
    for (what, offset, expected) in cases {
        assert_eq!(
            request_time_fresh(now.plus_millis(offset), now).map_err(|e| e.code()),
            expected,
            "{what}"
        );
    }
}

/// The device of the sync vector: 42, of organisation 7.
fn sync_device() -> DeviceId {
    DeviceId::new(42).unwrap()
}

/// The batch of the sync vector: the token's code, scanned by device 42 at 2026-12-31T23:00:00Z.
fn sync_batch() -> Vec<Redemption> {
    vec![Redemption {
        id: RedemptionId::new("r-1").unwrap(),
        token: code().to_string(),
        device_id: sync_device(),
        scanned_at: Timestamp::from_millis(1_798_758_000_000),
    }]
}

#[test]
fn sync_signature_binds_the_batch_and_the_device() {
    let device = DeviceKey::from_seed(DEVICE_SEED);
    let certificate = device.certificate();
    let batch = sync_batch();
    let signature = device.sign_sync(org(), sync_device(), &batch);
    assert_eq!(
        certificate.verify_sync(org(), sync_device(), &batch, &signature),
        Ok(())
    );
    let mut later = batch.clone();
    later[0].scanned_at = later[0].scanned_at.plus_millis(1);
    let mut other_token = batch.clone();
    other_token[0].token.push('0');
    let mut other_id = batch.clone();
    other_id[0].id = RedemptionId::new("r-2").unwrap();
    let mut longer = batch.clone();
    longer.push(batch[0].clone());
    let other_device = DeviceId::new(43).unwrap();
    let mut for_other = batch.clone();
    for_other[0].device_id = other_device;
    let cases: [(&str, OrgId, DeviceId, &Vec<Redemption>, &str); 7] = [
        (
            "another scan time",
            org(),
            sync_device(),
            &later,
            "bad_signature",
        ),
        (
            "another token",
            org(),
            sync_device(),
            &other_token,
            "bad_signature",
        ),
        (
            "another id",
            org(),
            sync_device(),
            &other_id,
            "bad_signature",
        ),
        (
            "one more redemption",
            org(),
            sync_device(),
            &longer,
            "bad_signature",
        ),
        (
            "another organisation",
            other_org(),
            sync_device(),
            &batch,
            "bad_signature",
        ),
        (
            "another signer",
            org(),
            other_device,
            &for_other,
            "bad_signature",
        ),
        (
            "a redemption for another device",
            org(),
            sync_device(),
            &for_other,
            "forbidden",
        ),
    ];
    for (what, org, signer, batch, code) in cases {
        assert_eq!(
            certificate
                .verify_sync(org, signer, batch, &signature)
                .map_err(|e| e.code()),
            Err(code),
            "{what}"
        );
    }
    // An enrolment proof is never a sync signature, whatever the batch.
    let proof = device.enrolment_proof(&code());
    assert!(
        certificate
            .verify_sync(org(), sync_device(), &batch, &proof)
            .is_err()
    );
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
