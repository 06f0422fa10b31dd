//! The package's API as a browser sees it, run in headless Chromium by `wasm-bindgen-test-runner`: every
//! function with JS values in and out, the thrown errors' shape and codes, QR rendering round trips through an
//! independent PNG decoder and the scanner, and a real photo.
#![cfg(target_arch = "wasm32")]

use fieldtoken_wasm::*;
use js_sys::{Array, JSON, Reflect, Uint8Array, Uint8ClampedArray};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CODE: &str = "0410-6105-0R3G-G28A-Z";
/// The FORMATS.md deep link: token 1001 of organisation 7, put_in_fleet 3, expiring 2026-12-31T23:59:59Z.
const LINK: &str = "HTTPS://MDM.EXAMPLE.COM/T/A60000A60000T21300IMZ-E80EJ000300AIYB.DO9EQB11TC0JK7L5X58218CJ1QJN*BCQ3TC4ZLJSN:U1JD*0KL$DMVVQYXOASTI8*:CU74F.L8TXV6HRGO4RPZ1DKJL";
const PUBLIC_KEY: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const BEFORE_EXPIRY: f64 = 1_767_225_600_000.0;
const AT_EXPIRY: f64 = 1_798_761_599_000.0;

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).expect("an object")
}

fn json(value: &JsValue) -> String {
    JSON::stringify(value).expect("JSON").into()
}

fn bundle(org: u32) -> JsValue {
    JSON::parse(&format!(
        r#"{{"org":{org},"keys":[{{"key_id":1,"org":7,"public_key":"{PUBLIC_KEY}"}}],"directory":{{"key":"{}","entries":[]}}}}"#,
        "11".repeat(32)
    ))
    .expect("JSON")
}

/// Checks a thrown value: an `Error` named `FieldTokenError` with `code` and a message.
fn check_error(error: JsValue, code: &str) -> JsValue {
    assert!(error.is_instance_of::<js_sys::Error>(), "an Error");
    assert_eq!(get(&error, "name"), "FieldTokenError");
    assert_eq!(get(&error, "code"), code, "{:?}", get(&error, "message"));
    assert!(
        get(&error, "message")
            .as_string()
            .is_some_and(|m| !m.is_empty())
    );
    error
}

#[wasm_bindgen_test]
fn version_is_the_core_version() {
    assert_eq!(version(), fieldtoken_core::VERSION);
}

#[wasm_bindgen_test]
fn parse_token_gives_token_info() {
    let info = parse_token_js(LINK).expect("the vector parses");
    assert_eq!(
        json(&info),
        r#"{"format":"signed","key_id":1,"org":7,"token_id":1001,"action":{"type":"put_in_fleet","fleet_id":3},"expires_at":1798761599000}"#
    );
    let info = parse_token_js("0410 6105 0r3g g28a z").expect("a typed code parses");
    assert_eq!(
        json(&info),
        format!(r#"{{"format":"code","code":"{CODE}"}}"#)
    );
    let error = check_error(
        parse_token_js("0410-6105-0R3G-G2A8-Z").unwrap_err(),
        "bad_check_symbol",
    );
    assert_eq!(get(&error, "position"), 17);
    check_error(parse_token_js(&LINK[..100]).unwrap_err(), "truncated");
}

#[wasm_bindgen_test]
fn verify_token_gives_the_verdict_or_the_failed_check() {
    let verdict = verify_token_js(LINK, bundle(7), BEFORE_EXPIRY).expect("valid");
    assert_eq!(get(&verdict, "token_id"), 1001);
    assert_eq!(get(&verdict, "format"), "signed");
    check_error(
        verify_token_js(LINK, bundle(7), AT_EXPIRY).unwrap_err(),
        "expired",
    );
    check_error(
        verify_token_js(LINK, bundle(8), BEFORE_EXPIRY).unwrap_err(),
        "other_org",
    );
    // One symbol of the signature changed within its Base41 group's range: same length, altered signature.
    let tampered = LINK.replacen("DKJL", "DKJM", 1);
    check_error(
        verify_token_js(&tampered, bundle(7), BEFORE_EXPIRY).unwrap_err(),
        "bad_signature",
    );
    check_error(
        verify_token_js(CODE, bundle(7), BEFORE_EXPIRY).unwrap_err(),
        "unknown_token",
    );
    check_error(
        verify_token_js(LINK, JsValue::NULL, BEFORE_EXPIRY).unwrap_err(),
        "bad_format",
    );
    check_error(
        verify_token_js(LINK, bundle(7), f64::NAN).unwrap_err(),
        "bad_format",
    );
}

#[wasm_bindgen_test]
fn a_verifier_gives_the_same_verdicts() {
    let verifier = Verifier::new(bundle(7)).expect("a valid bundle");
    let verdict = verifier.verify_token(LINK, BEFORE_EXPIRY).expect("valid");
    assert_eq!(
        json(&verdict),
        json(&verify_token_js(LINK, bundle(7), BEFORE_EXPIRY).expect("valid"))
    );
    check_error(
        verifier.verify_token(LINK, AT_EXPIRY).unwrap_err(),
        "expired",
    );
    check_error(
        Verifier::new(JsValue::from_str("{}"))
            .err()
            .expect("no org"),
        "bad_format",
    );
}

#[wasm_bindgen_test]
fn a_bundle_with_a_signed_hex_digit_is_refused() {
    // `u8::from_str_radix("+f", 16)` is 15: a sign in a key's hex once passed for a digit.
    let with = |key: &str, directory_key: &str| {
        JSON::parse(&format!(
            r#"{{"org":7,"keys":[{{"key_id":1,"org":7,"public_key":"{key}"}}],"directory":{{"key":"{directory_key}","entries":[]}}}}"#
        ))
        .expect("JSON")
    };
    let good = "11".repeat(32);
    assert!(Verifier::new(with(PUBLIC_KEY, &good)).is_ok());
    let signed = format!("+f{}", &good[2..]);
    let error = check_error(
        Verifier::new(with(PUBLIC_KEY, &signed))
            .err()
            .expect("refused"),
        "bad_format",
    );
    assert!(
        get(&error, "message")
            .as_string()
            .is_some_and(|m| m.contains("bundle.directory.key")),
        "{:?}",
        get(&error, "message")
    );
    let key = format!("-{}", &PUBLIC_KEY[1..]);
    check_error(
        Verifier::new(with(&key, &good)).err().expect("refused"),
        "bad_format",
    );
}

#[wasm_bindgen_test]
fn normalize_code_gives_the_canonical_form_or_the_position() {
    assert_eq!(
        normalize_code("o4io 6io5 or3g g28a z").expect("valid"),
        CODE
    );
    let error = check_error(
        normalize_code("04U0-6105-0R3G-G28A-Z").unwrap_err(),
        "bad_symbol",
    );
    assert_eq!(get(&error, "position"), 3);
}

fn options(text: &str) -> JsValue {
    JSON::parse(text).expect("JSON")
}

/// Decodes a PNG with the `png` crate into RGBA.
fn decode_png(png: &[u8]) -> (Vec<u8>, u32, u32) {
    let mut decoder = ::png::Decoder::new(std::io::Cursor::new(png));
    decoder.set_transformations(::png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("PNG header");
    let mut pixels = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut pixels).expect("PNG data");
    pixels.truncate(info.buffer_size());
    let channels = info.color_type.samples();
    let rgba = pixels
        .chunks_exact(channels)
        .flat_map(|p| match *p {
            [l] => [l, l, l, 255],
            [l, a] => [l, l, l, a],
            [r, g, b] => [r, g, b, 255],
            [r, g, b, a] => [r, g, b, a],
            _ => [0; 4],
        })
        .collect();
    (rgba, info.width, info.height)
}

#[wasm_bindgen_test]
fn qr_png_round_trips_through_the_scanner() {
    for (text, opts) in [
        (LINK, JsValue::UNDEFINED),
        (CODE, options(r#"{"ecc":"H","scale":3,"margin":2}"#)),
    ] {
        let png = qr_png(text, opts).expect("encodable");
        let (rgba, width, height) = decode_png(&png);
        // As a canvas gives it: a Uint8ClampedArray.
        let pixels: JsValue = Uint8ClampedArray::from(rgba.as_slice()).into();
        assert_eq!(scan_rgba(pixels, width, height), vec![text.to_owned()]);
    }
    check_error(
        qr_png(CODE, options(r#"{"scale":100}"#)).unwrap_err(),
        "bad_format",
    );
    check_error(
        qr_png(&"x".repeat(3000), JsValue::UNDEFINED).unwrap_err(),
        "qr_too_long",
    );
}

#[wasm_bindgen_test]
fn qr_svg_draws_with_the_options() {
    let svg = qr_svg(CODE, options(r#"{"scale":2,"margin":0}"#)).expect("encodable");
    assert!(
        svg.contains(r#"width="50" height="50" viewBox="0 0 25 25""#),
        "{svg}"
    );
    check_error(
        qr_svg(CODE, options(r#"{"ecc":"Z"}"#)).unwrap_err(),
        "bad_format",
    );
}

#[wasm_bindgen_test]
fn ndef_records_and_token_from_ndef_agree() {
    let records = ndef_records(CODE, Some("https://mdm.example.com".into())).expect("a card");
    assert_eq!(
        json(&records),
        format!(
            r#"[{{"recordType":"url","data":"https://mdm.example.com/t/{CODE}"}},{{"recordType":"text","encoding":"utf-8","lang":"en","data":"{CODE}"}}]"#
        )
    );
    let info = token_from_ndef_js(records.clone()).expect("the card reads back");
    assert_eq!(get(&info, "code"), CODE);
    // As NDEFReader delivers them: `data` is a DataView.
    let read: Array = records.unchecked_into::<Array>().iter().collect();
    for record in read.iter() {
        let bytes = Uint8Array::from(get(&record, "data").as_string().expect("text").as_bytes());
        let view = js_sys::DataView::new(&bytes.buffer(), 0, bytes.length() as usize);
        Reflect::set(&record, &"data".into(), &view).expect("set");
    }
    let info = token_from_ndef_js(read.into()).expect("DataView records read");
    assert_eq!(get(&info, "code"), CODE);
    check_error(ndef_records(CODE, None).unwrap_err(), "bad_link");
    // A message cut inside its first record.
    let cut: JsValue = Uint8Array::from(&[0x91u8, 0x01, 0x20, b'U', 0x04, b'm'][..]).into();
    check_error(token_from_ndef_js(cut).unwrap_err(), "truncated");
    check_error(
        token_from_ndef_js(Array::new().into()).unwrap_err(),
        "no_token",
    );
}

#[wasm_bindgen_test]
fn scan_rgba_never_throws() {
    for (data, width, height) in [
        (JsValue::NULL, 10, 10),
        (JsValue::from_str("pixels"), 30, 30),
        (Uint8Array::new_with_length(0).into(), 0, 0),
        (Uint8Array::new_with_length(100).into(), u32::MAX, u32::MAX),
        (Uint8Array::new_with_length(40 * 40 * 4 + 4).into(), 40, 40),
    ] {
        assert!(scan_rgba(data, width, height).is_empty());
    }
}

#[wasm_bindgen_test]
fn scan_rgba_reads_a_real_photo() {
    let (rgba, width, height) = decode_png(include_bytes!(
        "../../../../shared/qr-samples/qrcode-1/13.png"
    ));
    let pixels: JsValue = Uint8Array::from(rgba.as_slice()).into();
    assert_eq!(
        scan_rgba(pixels, width, height),
        vec![include_str!("../../../../shared/qr-samples/qrcode-1/13.txt").to_owned()]
    );
}
