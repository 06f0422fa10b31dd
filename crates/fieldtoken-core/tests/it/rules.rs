//! Action tokens, devices and the offline redemption checks, from the seeds.

use fieldtoken_core::token::redeem_offline;
use fieldtoken_core::*;

use crate::fixtures::*;

#[test]
fn actions_have_stable_names_and_parts() {
    // seed 000: "Action Tokens can trigger 4 possible actions: Put in Fleet ... Put in Repair ... Put in Stock ...
    // Reset device certificate"
    let cases: [(&str, Option<u32>, Result<Action, &str>); 9] = [
        ("put_in_fleet", Some(3), Ok(Action::PutInFleet(fleet()))),
        ("put_in_repair", None, Ok(Action::PutInRepair)),
        ("put_in_stock", None, Ok(Action::PutInStock)),
        ("reset_certificate", None, Ok(Action::ResetCertificate)),
        ("put_in_fleet", None, Err("bad_format")),
        ("put_in_repair", Some(3), Err("bad_format")),
        ("put_in_stock", Some(3), Err("bad_format")),
        ("reset", None, Err("bad_format")),
        ("", None, Err("bad_format")),
    ];
    for (name, fleet, expected) in cases {
        let got =
            Action::from_parts(name, fleet.map(|f| FleetId::new(f).unwrap())).map_err(|e| e.code());
        assert_eq!(got, expected, "{name}");
        if let Ok(action) = got {
            assert_eq!(action.type_name(), name);
        }
    }
}

#[test]
fn status_is_derived_from_the_clock() {
    // seed 000: "Select an expiration date for the token, after which it will no longer function"
    let t = token();
    let expiry = Timestamp::from_millis(i64::from(EXPIRY_SECONDS) * 1000);
    for (at, status) in [
        (now(), "active"),
        (expiry.plus_millis(-1), "active"),
        (expiry, "expired"),
        (expiry.plus_millis(1), "expired"),
    ] {
        assert_eq!(t.status(at).as_str(), status, "{at}");
    }
    // A new token must expire in the future.
    let create = |expiry: i64| {
        let expiry = Expiry::from_millis(expiry).map_err(|e| e.code())?;
        ActionToken::create(
            ActionTokenId::new(1).unwrap(),
            org(),
            TokenName::new("x").unwrap(),
            Action::PutInStock,
            expiry,
            code(),
            now(),
        )
        .map(|_| ())
        .map_err(|e| e.code())
    };
    assert_eq!(create(NOW + 1000), Ok(()));
    assert_eq!(create(NOW), Err("bad_expiry"));
    assert_eq!(Expiry::from_millis(-1).unwrap_err().code(), "bad_expiry");
    assert_eq!(
        Expiry::from_millis(i64::from(u32::MAX) * 1000 + 1000)
            .unwrap_err()
            .code(),
        "bad_expiry"
    );
    assert_eq!(Expiry::from_millis(1999).unwrap().as_seconds(), 1);
}

#[test]
fn names_and_ids() {
    // seed 000: "Name your token in order to manage your multiple tokens"
    for (name, expected) in [
        ("Warehouse move", Ok("Warehouse move")),
        ("  padded  ", Ok("padded")),
        ("", Err("bad_name")),
        ("   ", Err("bad_name")),
        ("tab\there", Err("bad_name")),
    ] {
        assert_eq!(
            TokenName::new(name)
                .as_ref()
                .map(TokenName::as_str)
                .map_err(|e| e.code()),
            expected
        );
    }
    assert!(TokenName::new(&"é".repeat(100)).is_ok());
    assert_eq!(
        TokenName::new(&"é".repeat(101)).unwrap_err().code(),
        "bad_name"
    );
    assert_eq!(OrgId::new(0).unwrap_err().code(), "bad_id");
    assert_eq!(FleetId::from_i64(-5).unwrap_err().code(), "bad_id");
    assert_eq!(DeviceId::from_i64(1 << 32).unwrap_err().code(), "bad_id");
    assert_eq!(DeviceId::from_i64(42).unwrap().get(), 42);
}

#[test]
fn applying_actions_to_devices() {
    // seed 000: "Put in Fleet: this action triggers a device move from its current fleet to another existing one";
    // "Reset device certificate: this action clears the certificate of the device on the MDM"
    let d = device(50, org());
    let cases = [
        (
            Action::PutInFleet(fleet()),
            DeviceState::InFleet(fleet()),
            true,
        ),
        (Action::PutInRepair, DeviceState::InRepair, true),
        (Action::PutInStock, DeviceState::InStock, true),
        (Action::ResetCertificate, DeviceState::InStock, false),
    ];
    for (action, state, has_certificate) in cases {
        let after = d.apply(action);
        assert_eq!(
            (after.state, after.certificate.is_some()),
            (state, has_certificate),
            "{action}"
        );
    }
    let reset = d.apply(Action::ResetCertificate);
    assert!(reset.needs_enrolment());
    let enrolled = reset.enrol(Certificate::from_bytes([1; 32]));
    assert!(!enrolled.needs_enrolment());
    assert_eq!(DeviceState::InFleet(fleet()).to_string(), "in_fleet(3)");
}

#[test]
fn offline_redemption_checks() {
    // seed 001: "The target device must be within the same MDM organization as the Action Token you're using."
    let link = key().sign_token(&token()).unwrap().to_deep_link(&base());
    let mut no_fleet = bundle();
    no_fleet.fleets.clear();
    let repair = key()
        .sign_token(&token_with(
            5,
            org(),
            Action::PutInRepair,
            EXPIRY_SECONDS,
            code(),
        ))
        .unwrap()
        .to_text();
    let cases: Vec<(&str, u32, &OfflineBundle, Result<DeviceState, &str>)> = vec![
        (&link, 50, bundle_ref(), Ok(DeviceState::InFleet(fleet()))),
        (&repair, 50, bundle_ref(), Ok(DeviceState::InRepair)),
        (&link, 60, bundle_ref(), Err("other_org")),
        (&link, 70, bundle_ref(), Err("unknown_device")),
        (&link, 50, &no_fleet, Err("unknown_fleet")),
    ];
    for (text, device_id, b, expected) in cases {
        let got = redeem_offline(text, DeviceId::new(device_id).unwrap(), b, now())
            .map(|(_, d)| d.state)
            .map_err(|e| e.code());
        assert_eq!(got, expected, "device {device_id}");
    }
}

#[test]
fn enrolment_needs_a_valid_key_and_its_signature_of_the_code() {
    let device = DeviceKey::from_seed(DEVICE_SEED);
    let certificate = Certificate::parse(device.certificate().to_bytes()).unwrap();
    let proof = device.enrolment_proof(&code());
    certificate.verify_enrolment(&code(), &proof).unwrap();
    assert_eq!(
        enrolment_message(&code()),
        b"fieldtoken/enrolment/v1:0410-6105-0R3G-G28A-Z".to_vec()
    );

    // Small-order ("weak") keys and bytes that are no curve point are refused.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let not_a_point = (2u8..=255)
        .map(|y| {
            let mut bytes = [0u8; 32];
            bytes[0] = y;
            bytes
        })
        .find(|bytes| ed25519_is_not_a_point(*bytes))
        .expect("about half of all y are not on the curve");
    for bytes in [[0u8; 32], identity, not_a_point] {
        assert_eq!(
            Certificate::parse(bytes).unwrap_err().code(),
            "bad_format",
            "{}",
            hex(&bytes)
        );
    }

    // Another key's proof, a proof of another code, a changed proof: bad_signature.
    let other = DeviceKey::from_seed(SEED);
    let other_code = TokenCode::from_bytes([9; 10]);
    let mut altered = proof;
    altered[0] ^= 1;
    for bad in [
        other.enrolment_proof(&code()),
        device.enrolment_proof(&other_code),
        altered,
        [0; 64],
    ] {
        assert_eq!(
            certificate
                .verify_enrolment(&code(), &bad)
                .unwrap_err()
                .code(),
            "bad_signature"
        );
    }
}

/// Whether the bytes fail to decode as a point, judged by parsing them as a signed token's key too.
fn ed25519_is_not_a_point(bytes: [u8; 32]) -> bool {
    OrgPublicKey::from_bytes(KeyId::new(1).unwrap(), OrgId::new(1).unwrap(), bytes).is_err()
        && bytes != [0u8; 32]
}
