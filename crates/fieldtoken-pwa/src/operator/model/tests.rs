//! The operator's plain data in a real browser: feedback on typed codes, the bundle's wire form mapped to the core's
//! bundle (checked by verifying real signed tokens and codes against it), and the queue's states in words.

use fieldtoken_core::token::redeem_offline;
use fieldtoken_core::{
    Action, ActionToken, ActionTokenId, DeviceState, DirectoryKey, Expiry, FleetId, KeyId,
    LinkBase, OrgId, OrgSigningKey, Timestamp, TokenCode, TokenName, verify_token,
};
use wasm_bindgen_test::*;

use super::*;

wasm_bindgen_test_configure!(run_in_browser);

const CODE: &str = "0410-6105-0R3G-G28A-Z";

#[wasm_bindgen_test]
fn feedback_names_the_mistake_and_its_position() {
    let check =
        |input: &str, expected: Feedback| assert_eq!(code_feedback(input), expected, "{input}");
    check(
        "",
        Feedback::Hint(
            "Type the 17 symbols of the code (XXXX-XXXX-XXXX-XXXX-C) or paste a token link.".into(),
        ),
    );
    check(
        "0410-6105-0",
        Feedback::Hint("9 of 17 symbols typed.".into()),
    );
    check(
        "0410 6105 0r3g g28a z",
        Feedback::Readable(format!("Code {CODE}: the check symbol matches.")),
    );
    check(
        "0410-6105-0R3G-G2A8-Z",
        Feedback::Mistake(
            "The check symbol does not match: a symbol is mistyped or two neighbours are swapped."
                .into(),
        ),
    );
    check(
        "0410-6105-0R3G-G28A-ZZ",
        Feedback::Mistake("The code is too long: a code has 17 symbols.".into()),
    );
    let Feedback::Mistake(text) = code_feedback("0410-6U05-0R3G-G28A-Z") else {
        panic!("a mistake")
    };
    assert!(
        text.starts_with("Symbol 6 is not a code character ("),
        "{text}"
    );
}

fn wire_of(json: serde_json::Value) -> BundleWire {
    serde_json::from_value(json).expect("the MDM's wire form")
}

#[wasm_bindgen_test]
fn the_wire_bundle_checks_tokens_as_the_core_does() {
    let org = OrgId::new(7).unwrap();
    let key = OrgSigningKey::from_seed(KeyId::new(1).unwrap(), org, [42; 32]);
    let directory_key = DirectoryKey::from_bytes([9; 32]);
    let now = Timestamp::from_millis(1_767_225_600_000);
    let token = ActionToken::create(
        ActionTokenId::new(1001).unwrap(),
        org,
        TokenName::new("Move to Warehouse").unwrap(),
        Action::PutInFleet(FleetId::new(3).unwrap()),
        Expiry::from_millis(now.as_millis() + 86_400_000).unwrap(),
        TokenCode::parse(CODE).unwrap(),
        now,
    )
    .unwrap();
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let wire = wire_of(serde_json::json!({
        "version": 4, "org": 7, "generated_at": "2026-01-01T00:00:00Z",
        "keys": [{ "key_id": 1, "org": 7, "public_key": hex(&key.public_key().to_bytes()) }],
        "directory": { "key": hex(&[9; 32]), "entries": [{
            "hash": directory_key.hash(&token.code()).to_hex(), "token_id": 1001, "org": 7,
            "action": { "type": "put_in_fleet", "fleet_id": 3 }, "expires_at": "2026-01-02T00:00:00Z",
        }] },
        "deleted": [1002],
        "fleets": [{ "id": 3, "name": "Warehouse" }],
        "names": [{ "id": 1001, "name": "Move to Warehouse" }],
        "devices": [
            { "id": 11, "serial": "FT-001-0001", "state": "in_stock", "enrolled": true },
            { "id": 12, "serial": "FT-001-0002", "state": "in_fleet", "fleet_id": 3, "enrolled": false },
        ],
    }));
    let bundle = to_bundle(&wire).unwrap();

    let link = key
        .sign_token(&token)
        .unwrap()
        .to_deep_link(&LinkBase::https("mdm.example.com").unwrap());
    assert_eq!(
        verify_token(&link, &bundle.core, now).unwrap().token_id,
        token.id()
    );
    assert_eq!(
        verify_token("0410 6105 0r3g g28a z", &bundle.core, now)
            .unwrap()
            .token_id,
        token.id()
    );
    assert_eq!(
        verify_token(
            CODE,
            &bundle.core,
            Timestamp::from_millis(1_767_312_000_000)
        )
        .unwrap_err()
        .code(),
        "expired"
    );

    let device = bundle.device_by_serial(" ft-001-0001 ").unwrap();
    let (_, after) = redeem_offline(&link, device, &bundle.core, now).unwrap();
    assert_eq!(bundle.state_words(after.state), "in fleet “Warehouse”");
    assert_eq!(
        bundle.action_words(Action::PutInFleet(FleetId::new(3).unwrap())),
        "Put in Fleet “Warehouse”"
    );
    assert_eq!(bundle.core.devices[&device].state, DeviceState::InStock);
    assert!(bundle.core.devices.values().any(|d| d.needs_enrolment()));
    assert_eq!(bundle.device_by_serial("FT-404"), None);

    // Names for people; a retired key is refused as the MDM refuses it, an unknown one as one to download.
    assert_eq!(
        bundle.names.get(&1001).map(String::as_str),
        Some("Move to Warehouse")
    );
    let other = OrgSigningKey::from_seed(KeyId::new(2).unwrap(), org, [43; 32]);
    let other_link = other
        .sign_token(&token)
        .unwrap()
        .to_deep_link(&LinkBase::https("mdm.example.com").unwrap());
    assert_eq!(
        bundle.verify(&other_link, now).unwrap_err().code(),
        "unknown_key"
    );
    let mut retiring = wire.clone();
    retiring.retired_keys = vec![2];
    let retired = to_bundle(&retiring).unwrap();
    let refused = retired.verify(&other_link, now).unwrap_err();
    assert_eq!(refused.code(), "bad_signature");
    assert!(
        refused.message().contains("retired"),
        "{}",
        refused.message()
    );
    assert_eq!(retired.verify(&link, now).unwrap().token_id, token.id());

    let mut bad = wire.clone();
    bad.keys[0].public_key = "zz".into();
    assert_eq!(to_bundle(&bad).unwrap_err().code(), "bad_format");
}

/// The compact form of the same bundle (what the phone now downloads and keeps) gives the screens the same bundle:
/// the same checks, serials, names and time.
#[wasm_bindgen_test]
fn the_compact_bundle_gives_the_screens_what_the_wire_bundle_gives() {
    let org = OrgId::new(7).unwrap();
    let key = OrgSigningKey::from_seed(KeyId::new(1).unwrap(), org, [42; 32]);
    let directory_key = DirectoryKey::from_bytes([9; 32]);
    let code = TokenCode::parse(CODE).unwrap();
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let wire = wire_of(serde_json::json!({
        "version": 4, "org": 7, "generated_at": "2026-01-01T00:00:00Z",
        "keys": [{ "key_id": 1, "org": 7, "public_key": hex(&key.public_key().to_bytes()) }],
        "directory": { "key": hex(&[9; 32]), "entries": [{
            "hash": directory_key.hash(&code).to_hex(), "token_id": 1001, "org": 7,
            "action": { "type": "put_in_fleet", "fleet_id": 3 }, "expires_at": "2026-01-02T00:00:00Z",
        }] },
        "deleted": [1002],
        "fleets": [{ "id": 3, "name": "Warehouse" }],
        "names": [{ "id": 1001, "name": "Move to Warehouse" }],
        "devices": [
            { "id": 11, "serial": "FT-001-0001", "state": "in_stock", "enrolled": true },
            { "id": 12, "serial": "FT-001-0002", "state": "in_fleet", "fleet_id": 3, "enrolled": false },
        ],
    }));
    let mut compact = CompactBundle::new(
        org,
        4,
        Timestamp::from_millis(1_767_225_600_000),
        directory_key.clone(),
    );
    compact
        .keys
        .insert(KeyId::new(1).unwrap(), key.public_key());
    let token = ActionTokenId::new(1001).unwrap();
    compact.entries.insert(
        token,
        fieldtoken_core::CompactEntry {
            hash: directory_key.hash(&code),
            action: Action::PutInFleet(FleetId::new(3).unwrap()),
            expires_at: Expiry::from_seconds(1_767_312_000),
        },
    );
    compact.names.insert(token, "Move to Warehouse".into());
    compact.deleted.insert(ActionTokenId::new(1002).unwrap());
    compact
        .fleets
        .insert(FleetId::new(3).unwrap(), "Warehouse".into());
    for (id, serial, state, enrolled) in [
        (11, "FT-001-0001", DeviceState::InStock, true),
        (
            12,
            "FT-001-0002",
            DeviceState::InFleet(FleetId::new(3).unwrap()),
            false,
        ),
    ] {
        compact.devices.insert(
            fieldtoken_core::DeviceId::new(id).unwrap(),
            fieldtoken_core::CompactDevice {
                serial: serial.into(),
                state,
                enrolled,
            },
        );
    }
    // Through the bytes, as IndexedDB keeps them.
    let kept = CompactBundle::decode(&compact.encode()).unwrap();
    let from_bytes = from_compact(&kept);
    let from_json = to_bundle(&wire).unwrap();
    assert_eq!(from_bytes.core, from_json.core);
    assert_eq!(from_bytes.names, from_json.names);
    let sorted = |b: &Bundle| {
        let mut s = b.serials.clone();
        s.sort();
        s
    };
    assert_eq!(sorted(&from_bytes), sorted(&from_json));
    assert_eq!(
        js_sys::Date::parse(&from_bytes.generated_at),
        js_sys::Date::parse(&from_json.generated_at)
    );
    assert_eq!(
        from_bytes.device_by_serial("ft-001-0002"),
        fieldtoken_core::DeviceId::new(12).ok()
    );
}

#[wasm_bindgen_test]
fn queue_states_read_as_words_and_survive_storage() {
    // As the MDM's answer reads them: a status or reason this build does not know reads as `unknown`.
    let state = |status: &str, reason: Option<&str>| {
        let result: fieldtoken_api::sync::SyncResult = serde_json::from_value(
            serde_json::json!({ "id": "x", "status": status, "reason": reason }),
        )
        .unwrap();
        ItemState::from_result(result.status, result.reason)
    };
    assert_eq!(state("applied", None).unwrap().words(), "applied");
    assert_eq!(
        state("duplicate", None).unwrap().words(),
        "duplicate: the MDM already had it"
    );
    assert_eq!(
        state("superseded", None).unwrap().words(),
        "superseded: a later scan acted on this device"
    );
    assert_eq!(
        state("rejected", Some("deleted")).unwrap().words(),
        "rejected: the token was deleted"
    );
    assert_eq!(
        state("rejected", Some("clock")).unwrap().words(),
        "rejected: the phone's clock was wrong when it was scanned"
    );
    assert_eq!(
        state("later_status", None),
        None,
        "an unknown status keeps the item waiting"
    );

    let item = QueueItem {
        id: new_redemption_id().unwrap(),
        token: CODE.into(),
        device_id: 11,
        scanned_at: rfc3339(Timestamp::from_millis(1_767_225_600_123)),
        scanned_at_ms: 1_767_225_600_123,
        serial: "FT-001-0001".into(),
        action: "Put in Repair".into(),
        state: ItemState::Rejected {
            reason: Some("expired".into()),
        },
    };
    assert_eq!(item.id.len(), 32);
    assert_eq!(item.scanned_at, "2026-01-01T00:00:00.123Z");
    let stored = serde_json::to_string(&item).unwrap();
    assert_eq!(serde_json::from_str::<QueueItem>(&stored).unwrap(), item);
    assert_eq!(
        serde_json::to_value(item.to_wire()).unwrap(),
        serde_json::json!({ "id": item.id, "token": CODE, "device_id": 11, "scanned_at": "2026-01-01T00:00:00.123Z" })
    );
}

#[wasm_bindgen_test]
fn a_failed_sync_backs_off_honours_retry_after_and_stops_on_refusals() {
    // No network: 5 s, doubling, capped at five minutes.
    assert_eq!(after_failure(0, None, 1), AfterFailure::RetryIn(5));
    assert_eq!(after_failure(0, None, 2), AfterFailure::RetryIn(10));
    assert_eq!(after_failure(502, None, 4), AfterFailure::RetryIn(40));
    assert_eq!(after_failure(0, None, 30), AfterFailure::RetryIn(300));
    // Rate limited: never sooner than the MDM asked, even when that is longer than the back-off cap.
    assert_eq!(after_failure(429, Some(42), 1), AfterFailure::RetryIn(42));
    assert_eq!(after_failure(429, Some(900), 1), AfterFailure::RetryIn(900));
    assert_eq!(after_failure(503, Some(1), 3), AfterFailure::RetryIn(20));
    // A refusal a resend cannot change waits for the operator.
    for status in [400, 401, 403, 413, 422] {
        assert_eq!(
            after_failure(status, None, 1),
            AfterFailure::WaitForOperator,
            "{status}"
        );
    }
}
