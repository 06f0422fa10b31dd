//! The organisation pages' words and readings of the wire.

use wasm_bindgen_test::*;

use super::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn times_are_shown_to_the_minute() {
    assert_eq!(minute("2026-11-23T21:17:05Z"), "2026-11-23 21:17 UTC");
    assert_eq!(minute("soon"), "soon");
}

#[wasm_bindgen_test]
fn key_actions_say_what_they_did() {
    assert!(rotated_words(2).starts_with("Key 2 is now the current key"));
    assert!(rotated_words(2).contains("QR codes already printed keep working"));
    assert!(retired_words(1, 2).contains("stop working. 2 token(s) moved"));
}
