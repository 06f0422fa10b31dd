//! The old format on NFC cards: the records, the raw NDEF bytes, the NTAG213 budget, and every malformed message.

use fieldtoken_core::ndef::*;
use fieldtoken_core::*;

use crate::fixtures::*;

/// Reads a card's memory and compares the code or the error code.
fn check(memory: &[u8], expected: Result<&str, &str>) {
    let got = token_from_tag_memory(memory)
        .map(|t| match t {
            ParsedToken::Code(c) => c.to_string(),
            ParsedToken::Signed(s) => s.to_text(),
        })
        .map_err(|e| e.code());
    assert_eq!(got.as_deref().map_err(|e| *e), expected, "{}", hex(memory));
}

#[test]
fn card_layout_opens_the_pwa_and_holds_the_code() {
    // seed 001: "Verify a NFC Card ... The Action Token code is displayed" - a Text record any reader shows; and a URI
    // record first, so that the phone's own NFC stack opens the PWA at the token.
    let records = card_records(&code(), &base());
    assert_eq!(records[0].record_type, "url");
    assert_eq!(
        records[0].data,
        b"https://mdm.example.com/t/0410-6105-0R3G-G28A-Z"
    );
    assert_eq!(records[1].record_type, "text");
    assert_eq!(records[1].data, b"0410-6105-0R3G-G28A-Z");
    let raw: Vec<NdefRecord> = records.iter().map(|r| r.to_raw().unwrap()).collect();
    assert_eq!(
        encode_message(&raw).unwrap(),
        card_message(&code(), &base())
    );
    let back: Vec<WebNfcRecord> = decode_message(&card_message(&code(), &base()))
        .unwrap()
        .iter()
        .map(|r| WebNfcRecord::from_raw(r).unwrap())
        .collect();
    assert_eq!(back, records);
    assert_eq!(token_from_ndef(&records), Ok(ParsedToken::Code(code())));
    check(&card_memory(&code(), &base()), Ok("0410-6105-0R3G-G28A-Z"));
}

#[test]
fn longest_card_fits_an_ntag213() {
    // DESIGN: "The whole NDEF message must fit an NTAG213 (144 bytes of user memory)."
    let host = format!("{}.example.com:65535", "m".repeat(link::MAX_HOST_LEN - 18));
    let base = LinkBase::https(&host).unwrap();
    let memory = card_memory(&code(), &base);
    println!(
        "longest card: message {} bytes, with TLV {} bytes of {NTAG213_USER_BYTES}",
        card_message(&code(), &base).len(),
        memory.len()
    );
    assert_eq!(memory.len(), 92);
    assert!(memory.len() <= NTAG213_USER_BYTES);
    // The fixture card: 72 bytes of message, 75 with TLV.
    assert_eq!(card_memory(&code(), &super::fixtures::base()).len(), 75);
}

#[test]
fn tag_memory_with_other_tlvs_and_padding() {
    let message = card_message(&code(), &base());
    let mut memory = vec![0x00, 0x01, 0x03, 0xA0, 0x0C, 0x44]; // NULL TLV, then a lock-control TLV
    memory.extend(wrap_tlv(&message).unwrap());
    memory.extend([0u8; 40]); // the rest of the card
    check(&memory, Ok("0410-6105-0R3G-G28A-Z"));
    let long = vec![0u8; 300];
    let wrapped = wrap_tlv(&long).unwrap();
    assert_eq!(&wrapped[..4], &[0x03, 0xFF, 0x01, 0x2C]);
    assert_eq!(unwrap_tlv(&wrapped), Ok(long.as_slice()));
}

#[test]
fn malformed_cards_are_typed() {
    let message = card_message(&code(), &base());
    let memory = wrap_tlv(&message).unwrap();
    let with = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut m = message.clone();
        f(&mut m);
        wrap_tlv(&m).unwrap()
    };
    let second = 4 + usize::from(message[2]); // offset of the second record's header
    let other_code = TokenCode::from_bytes([9; 10]);
    let mismatch = memory_of(&[
        NdefRecord::uri(&base().link(&code().to_string())),
        NdefRecord::text(&other_code.to_string(), "en"),
    ]);
    let only_text = memory_of(&[NdefRecord::text(&code().to_string(), "en")]);
    let only_url = memory_of(&[NdefRecord::uri(&base().link(&code().to_string()))]);
    let unrelated = memory_of(&[
        NdefRecord::uri("https://famoco.com/"),
        NdefRecord {
            tnf: Tnf::Media,
            record_type: b"text/plain".to_vec(),
            id: vec![],
            payload: b"hi".to_vec(),
        },
    ]);
    let typo = memory_of(&[NdefRecord::text("0410-6105-0R3G-G2A8-Z", "en")]);
    let cases: Vec<(Vec<u8>, Result<&str, &str>)> = vec![
        (only_text, Ok("0410-6105-0R3G-G28A-Z")),
        (only_url, Ok("0410-6105-0R3G-G28A-Z")),
        (mismatch, Err("ndef_mismatch")),
        (unrelated, Err("no_token")),
        (typo, Err("bad_check_symbol")),
        (vec![], Err("no_token")),
        (vec![0u8; 144], Err("no_token")),
        (vec![0x03, 0x00, 0xFE], Err("no_token")),
        (vec![0xFE, 0x03, 0x05], Err("no_token")),
        (memory[..memory.len() - 10].to_vec(), Err("truncated")),
        (vec![0x03], Err("truncated")),
        (vec![0x03, 0xFF, 0x01], Err("truncated")),
        (vec![0x42, 0x01, 0x00], Err("bad_ndef")),
        // Record-level damage.
        (with(&|m| m[0] &= !0x80), Err("bad_ndef")), // no message-begin flag
        (with(&|m| m[second] |= 0x80), Err("bad_ndef")), // a second message-begin
        (with(&|m| m[0] |= 0x20), Err("bad_ndef")),  // chunked
        (with(&|m| m[0] = (m[0] & !0x07) | 0x07), Err("bad_ndef")), // reserved TNF
        (with(&|m| m[0] = (m[0] & !0x07) | 0x06), Err("bad_ndef")), // unchanged TNF
        (with(&|m| m[0] &= !0x07), Err("bad_ndef")), // empty TNF with lengths
        (with(&|m| m[1] = 0), Err("bad_ndef")),      // well-known without a type
        (with(&|m| m[2] = 0xF0), Err("truncated")),  // payload longer than the message
        (with(&|m| m[second] &= !0x40), Err("truncated")), // last record without message-end
        (with(&|m| m[0] |= 0x40), Err("trailing_data")), // message-end on the first record
        (with(&|m| m[4] = 0x40), Err("bad_ndef")),   // unknown URI prefix code
        (with(&|m| m[second + 4] = 0x42), Err("bad_ndef")), // text status with the reserved bit
        (with(&|m| m[second + 4] = 0x3F), Err("bad_ndef")), // language longer than the payload
        (with(&|m| m.truncate(m.len() - 1)), Err("truncated")),
    ];
    for (memory, expected) in cases {
        check(&memory, expected);
    }
}

#[test]
fn web_nfc_records_round_trip_through_raw() {
    let records = vec![
        WebNfcRecord {
            record_type: "url".into(),
            data: b"https://www.example.com/x".to_vec(),
            ..Default::default()
        },
        WebNfcRecord {
            record_type: "url".into(),
            data: b"mailto:a@b.c".to_vec(),
            ..Default::default()
        },
        WebNfcRecord {
            record_type: "url".into(),
            data: b"custom:thing".to_vec(),
            ..Default::default()
        },
        WebNfcRecord {
            record_type: "text".into(),
            encoding: Some("utf-8".into()),
            lang: Some("fr".into()),
            data: "Carte d'action é".as_bytes().to_vec(),
            id: Some("t1".into()),
            ..Default::default()
        },
        WebNfcRecord {
            record_type: "mime".into(),
            media_type: Some("application/json".into()),
            data: b"{}".to_vec(),
            ..Default::default()
        },
        WebNfcRecord {
            record_type: "absolute-url".into(),
            data: b"https://a.b/".to_vec(),
            ..Default::default()
        },
        WebNfcRecord {
            record_type: "example.com:token".into(),
            data: vec![1, 2, 3],
            ..Default::default()
        },
        WebNfcRecord {
            record_type: ":act".into(),
            data: vec![4],
            ..Default::default()
        },
        WebNfcRecord {
            record_type: "unknown".into(),
            data: vec![5; 300],
            ..Default::default()
        },
        WebNfcRecord {
            record_type: "empty".into(),
            ..Default::default()
        },
    ];
    let raw: Vec<NdefRecord> = records.iter().map(|r| r.to_raw().unwrap()).collect();
    let bytes = encode_message(&raw).unwrap();
    let back: Vec<WebNfcRecord> = decode_message(&bytes)
        .unwrap()
        .iter()
        .map(|r| WebNfcRecord::from_raw(r).unwrap())
        .collect();
    assert_eq!(back, records);
    // The URI prefix byte abbreviates the longest known prefix.
    assert_eq!(raw[0].payload[0], 0x02);
    assert_eq!(raw[1].payload[0], 0x06);
    assert_eq!(raw[2].payload[0], 0x00);
    let bad = WebNfcRecord {
        record_type: "nonsense".into(),
        ..Default::default()
    };
    assert_eq!(bad.to_raw().unwrap_err().code(), "bad_ndef");
}

#[test]
fn utf16_text_records_are_read() {
    let mut payload = vec![0x82, b'e', b'n'];
    for unit in "0410-6105-0R3G-G28A-Z".encode_utf16() {
        payload.extend(unit.to_be_bytes());
    }
    let message = encode_message(&[NdefRecord {
        tnf: Tnf::WellKnown,
        record_type: b"T".to_vec(),
        id: vec![],
        payload,
    }])
    .unwrap();
    assert_eq!(
        token_from_ndef_message(&message),
        Ok(ParsedToken::Code(code()))
    );
}

#[test]
fn a_signed_deep_link_on_a_card_is_read_too() {
    let link = key().sign_token(&token()).unwrap().to_deep_link(&base());
    let record = WebNfcRecord {
        record_type: "url".into(),
        data: link.into_bytes(),
        ..Default::default()
    };
    assert!(matches!(
        token_from_ndef(&[record]),
        Ok(ParsedToken::Signed(_))
    ));
}

#[test]
fn encoding_refuses_what_no_reader_could_decode() {
    let record = |tnf, record_type: &[u8], payload: &[u8]| NdefRecord {
        tnf,
        record_type: record_type.to_vec(),
        id: vec![],
        payload: payload.to_vec(),
    };
    for (records, expected) in [
        (vec![], "bad_ndef"),
        (vec![record(Tnf::WellKnown, &[b'x'; 256], b"")], "bad_ndef"),
        (vec![record(Tnf::WellKnown, b"", b"x")], "bad_ndef"),
        (vec![record(Tnf::Empty, b"", b"x")], "bad_ndef"),
        (vec![record(Tnf::Unknown, b"x", b"")], "bad_ndef"),
    ] {
        assert_eq!(
            encode_message(&records).unwrap_err().code(),
            expected,
            "{records:?}"
        );
    }
    assert_eq!(wrap_tlv(&vec![0; 0xFFFF]).unwrap_err().code(), "bad_ndef");
    assert_eq!(wrap_tlv(&vec![0; 0xFFFE]).unwrap().len(), 0xFFFE + 5);
    // A language tag is cut at 63 bytes, on a character boundary.
    let text = NdefRecord::text("x", &"é".repeat(40));
    assert_eq!(text.payload[0], 62);
}

/// Tag memory holding these records.
fn memory_of(records: &[NdefRecord]) -> Vec<u8> {
    wrap_tlv(&encode_message(records).unwrap()).unwrap()
}

#[test]
fn a_card_holds_codes_and_refuses_signed_tokens() {
    let code = code();
    // Typed loosely, as an old-format QR's text, or as a code link: the same code.
    assert_eq!(
        fieldtoken_core::card_code(&code.to_string().to_lowercase()).unwrap(),
        code
    );
    assert_eq!(
        fieldtoken_core::card_code(&base().link(&code.to_string())).unwrap(),
        code
    );
    // A signed token never goes on a card.
    let signed = key().sign_token(&token()).unwrap().to_deep_link(&base());
    let refused = fieldtoken_core::card_code(&signed).unwrap_err();
    assert_eq!(refused.code(), "bad_format");
    assert!(
        refused.message().contains("QR code"),
        "{}",
        refused.message()
    );
    assert_eq!(fieldtoken_core::card_code("").unwrap_err().code(), "empty");
}
