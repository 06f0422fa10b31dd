//! The app shell mounted in a real page, run in headless Chromium by `wasm-bindgen-test-runner`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn mount() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    leptos::mount::mount_to(root.clone(), fieldtoken_pwa::App).forget();
    root
}

#[wasm_bindgen_test]
fn shell_has_the_landmarks_a_screen_reader_navigates_by() {
    let root = mount();
    let has = |selector: &str| root.query_selector(selector).unwrap().is_some();
    assert!(has("a.skip-link[href='#main']"), "skip link first");
    assert!(
        has("header nav[aria-label='Main']"),
        "labelled main navigation"
    );
    assert!(has("main#main h1"), "a main region with a heading");
    let status = root
        .query_selector("[role='status']")
        .unwrap()
        .expect("connection status");
    assert!(
        status.text_content().unwrap().starts_with("Online")
            || status.text_content().unwrap().starts_with("Offline")
    );
}
