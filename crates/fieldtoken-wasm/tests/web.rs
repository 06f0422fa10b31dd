//! The package's API as a browser sees it, run in headless Chromium by `wasm-bindgen-test-runner`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn version_is_the_core_version() {
    assert_eq!(fieldtoken_wasm::version(), fieldtoken_core::VERSION);
}
