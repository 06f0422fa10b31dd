//! The phone's storage in a real browser's IndexedDB: what a write promised is there for another connection
//! (the service worker's, opened by plain JavaScript as `web/sw.js` does), in the layout that file reads.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

use super::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Reads `key` from `store` over a connection of its own, the way `web/sw.js` does.
async fn read_as_the_service_worker(store: &str, key: &str) -> JsValue {
    let read = Function::new_with_args(
        "store, key",
        "return new Promise((resolve, reject) => {
            const open = indexedDB.open('fieldtoken', 1);
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const db = open.result;
                const get = db.transaction(store).objectStore(store).get(key);
                get.onsuccess = () => { resolve(get.result); db.close(); };
                get.onerror = () => reject(get.error);
            };
        })",
    );
    let promise: Promise = read
        .call2(&JsValue::NULL, &store.into(), &key.into())
        .expect("the reader runs")
        .unchecked_into();
    JsFuture::from(promise).await.expect("the read succeeds")
}

#[wasm_bindgen_test]
async fn a_committed_redemption_is_there_for_the_service_worker_as_the_text_written() {
    let text = r#"{"id":"store-test-1","state":"waiting"}"#;
    put_all(QUEUE, &[("store-test-1".into(), text.into())])
        .await
        .expect("the write commits");
    assert_eq!(
        read_as_the_service_worker(QUEUE, "store-test-1")
            .await
            .as_string()
            .as_deref(),
        Some(text)
    );
}

#[wasm_bindgen_test]
async fn the_queue_reads_back_in_key_order_and_deletes_exactly_what_it_is_told() {
    let entries: Vec<(String, String)> = ["store-b", "store-a", "store-c"]
        .iter()
        .map(|key| (key.to_string(), format!("text of {key}")))
        .collect();
    put_all(QUEUE, &entries).await.expect("the write commits");
    let mine = |all: Vec<String>| -> Vec<String> {
        all.into_iter()
            .filter(|text| text.starts_with("text of store-"))
            .collect()
    };
    assert_eq!(
        mine(get_all(QUEUE).await.expect("the queue reads")),
        ["text of store-a", "text of store-b", "text of store-c"]
    );
    // Deleting a key that is not there is no error: an item acknowledged twice is simply gone.
    delete_all(
        QUEUE,
        &["store-a".into(), "store-c".into(), "store-none".into()],
    )
    .await
    .expect("the delete commits");
    assert_eq!(
        mine(get_all(QUEUE).await.expect("the queue reads")),
        ["text of store-b"]
    );
    assert!(
        read_as_the_service_worker(QUEUE, "store-a")
            .await
            .is_undefined()
    );
}

#[wasm_bindgen_test]
async fn values_beside_the_bundle_keep_what_json_cannot_and_the_session_can_be_forgotten() {
    // A structured clone keeps typed arrays (and CryptoKeys, which the enrolment e2e covers).
    let value = js_sys::Object::new();
    let bytes = js_sys::Uint8Array::from(&[1u8, 2, 3][..]);
    Reflect::set(&value, &"bytes".into(), &bytes).unwrap();
    save_value("store-test-value", &value)
        .await
        .expect("the write commits");
    let kept = load_value("store-test-value").await.expect("it reads");
    let kept_bytes: js_sys::Uint8Array = Reflect::get(&kept, &"bytes".into())
        .unwrap()
        .dyn_into()
        .expect("still a Uint8Array, not JSON");
    assert_eq!(kept_bytes.to_vec(), [1, 2, 3]);
    assert_eq!(load("store-test-missing").await, Ok(None));

    save_session(Some("session-token")).await.expect("kept");
    assert_eq!(
        read_as_the_service_worker(BUNDLE, SESSION_KEY)
            .await
            .as_string()
            .as_deref(),
        Some("session-token")
    );
    save_session(None).await.expect("forgotten");
    assert_eq!(load(SESSION_KEY).await, Ok(None));
}

#[wasm_bindgen_test]
async fn the_compact_bundle_is_kept_as_bytes_and_replaces_the_json_of_earlier_versions() {
    // A phone updated from a version that kept the JSON bundle.
    put_all(BUNDLE, &[(BUNDLE_KEY.into(), r#"{"org":7}"#.into())])
        .await
        .expect("the write commits");
    assert_eq!(load_bundle().await, Ok(Some(r#"{"org":7}"#.into())));
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    save_compact(&bytes).await.expect("the write commits");
    assert_eq!(load_compact().await, Ok(Some(bytes.clone())));
    // Stored as a Uint8Array (a structured clone, not a text), and the JSON is gone in the same write.
    let kept = read_as_the_service_worker(BUNDLE, COMPACT_KEY).await;
    assert!(kept.is_instance_of::<js_sys::Uint8Array>());
    assert_eq!(load_bundle().await, Ok(None));
}
