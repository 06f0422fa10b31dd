//! The app shell mounted in a real page, run in headless Chromium by `wasm-bindgen-test-runner`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn mount<F, N>(app: F) -> web_sys::HtmlElement
where
    F: FnOnce() -> N + 'static,
    N: leptos::prelude::IntoView + 'static,
{
    let document = web_sys::window().unwrap().document().unwrap();
    let root: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    leptos::mount::mount_to(root.clone(), app).forget();
    root
}

/// Lets the browser run a task: the router renders the matched route after mounting, not during it.
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Waits up to about two seconds for `selector` to match inside `root`.
async fn wait_for(root: &web_sys::HtmlElement, selector: &str) -> web_sys::Element {
    for _ in 0..200 {
        if let Some(element) = root.query_selector(selector).unwrap() {
            return element;
        }
        next_task().await;
    }
    panic!("`{selector}` never appeared in: {}", root.inner_html());
}

#[wasm_bindgen_test]
async fn shell_has_the_landmarks_a_screen_reader_navigates_by() {
    landmarks(mount(fieldtoken_pwa::OperatorApp)).await;
}

#[wasm_bindgen_test]
async fn admin_shell_has_the_same_landmarks() {
    landmarks(mount(fieldtoken_pwa::AdminApp)).await;
}

async fn landmarks(root: web_sys::HtmlElement) {
    wait_for(&root, "a.skip-link[href='#main']").await;
    wait_for(&root, "header nav[aria-label='Main']").await;
    let status = wait_for(&root, "[role='status'][aria-live='polite']").await;
    let status = status.text_content().unwrap();
    assert!(
        status.starts_with("Online") || status.starts_with("Offline"),
        "{status}"
    );
    let heading = wait_for(&root, "main#main h1").await;
    assert!(!heading.text_content().unwrap().is_empty());
}
