//! The device key in a real browser: both kinds of key make proofs that the core's strict check (the MDM's)
//! accepts, a WebCrypto key stays non-extractable, and every format kept under `device` loads.

use fieldtoken_core::Certificate;
use wasm_bindgen_test::*;

use super::*;

wasm_bindgen_test_configure!(run_in_browser);

const CODE: &str = "0410-6105-0R3G-G28A-Z";

fn check_proof(key: &NewKey, code: &TokenCode) {
    let certificate = Certificate::parse(key.public_key).expect("a valid public key");
    assert_eq!(certificate.verify_enrolment(code, &key.proof), Ok(()));
}

#[wasm_bindgen_test]
async fn a_web_crypto_key_proves_the_enrolment_and_keeps_its_secret_half() {
    let code = TokenCode::parse(CODE).unwrap();
    let key = web_crypto_key(&enrolment_message(&code))
        .await
        .expect("no error")
        .expect("this Chromium has Ed25519 in WebCrypto");
    check_proof(&key, &code);
    let Secret::WebCrypto(keys) = &key.secret else {
        panic!("a WebCrypto key keeps a CryptoKeyPair");
    };
    assert!(!keys.get_private_key().extractable());
    let public_key = hex(&key.public_key);
    assert_eq!(
        ThisDevice::from_kept(&web_crypto_record(7, &public_key, keys)),
        Some(ThisDevice {
            id: 7,
            public_key,
            key: KeyKind::WebCrypto
        })
    );
}

#[wasm_bindgen_test]
fn a_software_key_proves_the_enrolment() {
    let code = TokenCode::parse(CODE).unwrap();
    check_proof(&software_key(&code).unwrap(), &code);
}

#[wasm_bindgen_test]
fn every_kept_format_loads_and_anything_else_is_not_enrolled() {
    // As every phone enrolled before WebCrypto keys kept it (the FORMATS.md device key).
    let old = r#"{"id":3,"public_key":"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c","seed":"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"}"#;
    assert_eq!(
        ThisDevice::from_kept(&JsValue::from_str(old)),
        Some(ThisDevice {
            id: 3,
            public_key: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c".into(),
            key: KeyKind::Software
        })
    );
    let without_crypto_key = js_sys::JSON::parse(
        r#"{"id":3,"public_key":"00","keys":{"privateKey":{},"publicKey":{}}}"#,
    )
    .unwrap();
    for nothing in [
        JsValue::UNDEFINED,
        JsValue::from_str("not JSON"),
        Object::new().into(),
        without_crypto_key,
    ] {
        assert_eq!(ThisDevice::from_kept(&nothing), None, "{nothing:?}");
    }
}
