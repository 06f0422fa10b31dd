//! Property tests: encode/decode round trips, and that no input makes a decoder panic.

use fieldtoken_core::ndef::{self, NdefRecord, Tnf};
use fieldtoken_core::*;
use proptest::prelude::*;

use crate::fixtures::*;

fn id() -> impl Strategy<Value = u32> {
    1..=u32::MAX
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        id().prop_map(|f| Action::PutInFleet(FleetId::new(f).unwrap())),
        Just(Action::PutInRepair),
        Just(Action::PutInStock),
        Just(Action::ResetCertificate),
    ]
}

fn tnf() -> impl Strategy<Value = Tnf> {
    prop_oneof![
        Just(Tnf::WellKnown),
        Just(Tnf::Media),
        Just(Tnf::AbsoluteUri),
        Just(Tnf::External),
        Just(Tnf::Unknown)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn codes_round_trip(bytes in any::<[u8; 10]>()) {
        let code = TokenCode::from_bytes(bytes);
        prop_assert_eq!(TokenCode::parse(&code.to_string()), Ok(code));
        prop_assert_eq!(TokenCode::parse(&code.compact().to_lowercase()), Ok(code));
    }

    #[test]
    fn ndef_messages_round_trip(records in prop::collection::vec((tnf(), prop::collection::vec(any::<u8>(), 1..8), prop::collection::vec(any::<u8>(), 0..4), prop::collection::vec(any::<u8>(), 0..300)), 1..4)) {
        let records: Vec<NdefRecord> = records.into_iter().map(|(tnf, record_type, id, payload)| NdefRecord {
            tnf,
            record_type: if tnf == Tnf::Unknown { Vec::new() } else { record_type },
            id,
            payload,
        }).collect();
        let bytes = ndef::encode_message(&records).unwrap();
        prop_assert_eq!(ndef::decode_message(&bytes), Ok(records));
        let memory = ndef::wrap_tlv(&bytes).unwrap();
        prop_assert_eq!(ndef::unwrap_tlv(&memory), Ok(bytes.as_slice()));
    }

    #[test]
    fn cards_round_trip(bytes in any::<[u8; 10]>(), host in "[a-z]{1,10}(\\.[a-z0-9]{1,8}){0,2}") {
        let code = TokenCode::from_bytes(bytes);
        let base = LinkBase::https(&host).unwrap();
        prop_assert_eq!(ndef::token_from_tag_memory(&ndef::card_memory(&code, &base)), Ok(ParsedToken::Code(code)));
        prop_assert_eq!(token_from_ndef(&ndef::card_records(&code, &base)), Ok(ParsedToken::Code(code)));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_token(&text);
        let _ = verify_token(&text, bundle_ref(), now());
        let _ = TokenCode::parse(&text);
        let _ = SignedToken::from_bytes(&bytes);
        let _ = SignedToken::from_payload(&text);
        let _ = base41::decode(&bytes);
        let _ = ndef::decode_message(&bytes);
        let _ = ndef::token_from_tag_memory(&bytes);
        let _ = ndef::token_from_ndef_message(&bytes);
        let _ = link::split_token_link(&text);
        let _ = LinkBase::parse(&text);
        let _ = CompactBundle::decode(&bytes);
        let _ = compact::offline_bundle(&bytes);
        let mut compact_like = b"FTB\x01".to_vec();
        compact_like.extend_from_slice(&bytes);
        let _ = CompactBundle::decode(&compact_like);
        let _ = compact::offline_bundle(&compact_like);
    }

    #[test]
    fn compact_bundles_round_trip(
        org in id(),
        version in any::<u64>(),
        since in prop::option::of(any::<u64>()),
        at in 0..i64::MAX,
        entries in prop::collection::btree_map(id(), (any::<[u8; 16]>(), action(), any::<u32>()), 0..20),
        names in prop::collection::btree_map(id(), "\\PC{0,12}", 0..10),
        devices in prop::collection::btree_map(id(), ("[A-Z0-9-]{1,12}", 0..3u8, id(), any::<bool>()), 0..10),
        removed in prop::collection::btree_set(id(), 0..5),
    ) {
        let mut b = CompactBundle::new(OrgId::new(org).unwrap(), version, Timestamp::from_millis(at), DirectoryKey::from_bytes([7; 32]));
        b.since = since;
        // Keys are of the bundle's organisation (the layout does not repeat it).
        let signer = OrgSigningKey::from_seed(KeyId::new(1).unwrap(), OrgId::new(org).unwrap(), SEED);
        b.keys.insert(KeyId::new(1).unwrap(), signer.public_key());
        for (id, (hash, action, expiry)) in entries {
            b.entries.insert(ActionTokenId::new(id).unwrap(), CompactEntry { hash: CodeHash::from_bytes(hash), action, expires_at: Expiry::from_seconds(expiry) });
        }
        for (id, name) in names {
            b.names.insert(ActionTokenId::new(id).unwrap(), name);
        }
        for (id, (serial, state, fleet, enrolled)) in devices {
            let state = match state { 0 => DeviceState::InFleet(FleetId::new(fleet).unwrap()), 1 => DeviceState::InRepair, _ => DeviceState::InStock };
            b.devices.insert(DeviceId::new(id).unwrap(), CompactDevice { serial, state, enrolled });
        }
        if b.is_changes() {
            b.removed_devices = removed.iter().map(|&d| DeviceId::new(d).unwrap()).collect();
            b.removed_tokens = removed.iter().map(|&t| ActionTokenId::new(t).unwrap()).collect();
        }
        b.deleted = removed.iter().map(|&t| ActionTokenId::new(t).unwrap()).collect();
        let bytes = b.encode();
        prop_assert_eq!(CompactBundle::decode(&bytes), Ok(b.clone()));
        if !b.is_changes() {
            prop_assert_eq!(compact::offline_bundle(&bytes), Ok(b.to_offline_bundle()));
        }
        // Every cut is an error, never a panic.
        for end in 0..bytes.len() {
            prop_assert!(CompactBundle::decode(&bytes[..end]).is_err());
        }
    }

    #[test]
    fn token_like_texts_never_panic(tail in "[0-9A-Z$*.:/ -]{0,200}", prefix in prop_oneof![Just("FT:"), Just("HTTPS://H/T/"), Just("")]) {
        let text = format!("{prefix}{tail}");
        let _ = verify_token(&text, bundle_ref(), now());
    }

    #[test]
    fn every_valid_signed_prefix_is_refused_typed(cut in 0usize..129) {
        // Any cut of a valid payload is an error with a code, never a different token.
        let payload = key().sign_token(&token()).unwrap().payload();
        let err = SignedToken::from_payload(&payload[..cut]).unwrap_err();
        prop_assert!(["truncated", "empty"].contains(&err.code()), "{}: {:?}", cut, err);
    }
}

proptest! {
    // Signing and verifying cost ~50 ms each in debug builds: fewer cases.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn signed_tokens_round_trip(org in id(), token_id in id(), key_id in id(), expiry in any::<u32>(), action in action(), seed in any::<[u8; 32]>()) {
        let key = OrgSigningKey::from_seed(KeyId::new(key_id).unwrap(), OrgId::new(org).unwrap(), seed);
        let claims = Claims { key_id: key.key_id(), org: key.org(), token_id: ActionTokenId::new(token_id).unwrap(), action, expires_at: Expiry::from_seconds(expiry) };
        let signed = key.sign(claims).unwrap();
        let keys: KeyRing = [key.public_key()].into_iter().collect();
        for text in [signed.to_text(), signed.to_deep_link(&base())] {
            let parsed = parse_token(&text).unwrap();
            prop_assert_eq!(parsed, ParsedToken::Signed(signed));
            prop_assert_eq!(signed.verify(&keys).copied(), Ok(claims));
        }
        prop_assert_eq!(SignedToken::from_bytes(&signed.to_bytes()), Ok(signed));
    }
}
