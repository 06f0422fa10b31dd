//! What the phone keeps across reloads and crashes, in IndexedDB: the offline bundle (the compact bundle's bytes,
//! a `Uint8Array`, under `compact` in `bundle`; phones of earlier versions kept its JSON text under `current`, read
//! until the first compact download replaces it), the session token under `session` for the service worker, and this phone's device key
//! under `device` once it enrolled: a JS object holding a WebCrypto `CryptoKeyPair`, or a JSON text holding a
//! seed, see `enrol.rs`) and the redemption
//! queue (`queue`, one JSON text per redemption, keyed by its id). `web/sw.js` reads and writes the same
//! layout for Background Sync: change both together.
//!
//! IndexedDB through `indexed_db_futures`, the crate issue 7 names for the queue: its builders and futures
//! replace hand-written request and transaction callbacks. It costs the first load 16,211 bytes gzipped
//! (measured on the release build: 328,647 -> 344,858 bytes, of which the wasm 309,986 -> 325,676): its own
//! code, its error types and their messages, and the `tokio` channels its futures wait on. It has no default
//! features and none of its optional ones are used: the stores keep JSON texts and JS values, so no `serde`
//! support is needed.
//! A write resolves only when its transaction *completes* (the data is committed), so a screen may say "saved"
//! after it.

use std::cell::RefCell;

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{Transaction, TransactionMode};
use js_sys::{Function, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

const DB_NAME: &str = "fieldtoken";
const DB_VERSION: u32 = 1;
/// The offline bundle store.
pub const BUNDLE: &str = "bundle";
/// The redemption queue store.
pub const QUEUE: &str = "queue";
const BUNDLE_KEY: &str = "current";
/// The compact offline bundle's bytes.
const COMPACT_KEY: &str = "compact";
/// The operator's session token, kept beside the bundle for the service worker's Background Sync.
const SESSION_KEY: &str = "session";
/// This phone as an enrolled device (`enrol::ThisDevice`), kept beside the bundle.
pub const DEVICE_KEY: &str = "device";
/// The enrolled device's organisation (a number), kept beside its key since the MDM says it at enrolment.
pub const DEVICE_ORG_KEY: &str = "device_org";

/// Why the phone's storage failed, in words for the operator.
#[derive(Clone, Debug, PartialEq)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn failed(what: &str) -> StoreError {
    StoreError(format!("this phone's storage failed ({what})"))
}

thread_local! {
    /// The open connection, opened once per page: every call after the first skips the open request.
    static DB: RefCell<Option<Database>> = const { RefCell::new(None) };
}

async fn database() -> Result<Database, StoreError> {
    if let Some(db) = DB.with(|db| db.borrow().clone()) {
        return Ok(db);
    }
    let db = Database::open(DB_NAME)
        .with_version(DB_VERSION)
        // Version 1 creates both stores; later versions add their own steps here.
        .with_on_upgrade_needed(|_, db| {
            for name in [BUNDLE, QUEUE] {
                if !db.object_store_names().any(|have| have == name) {
                    db.create_object_store(name).build()?;
                }
            }
            Ok(())
        })
        .await
        .map_err(|_| failed("open"))?;
    DB.with(|slot| *slot.borrow_mut() = Some(db.clone()));
    Ok(db)
}

/// A transaction on the one store `name`. The crate aborts a transaction that is dropped without `commit`:
/// writes must commit it, and reads may just drop it once their request is answered (aborting a read undoes
/// nothing).
fn transaction<'db>(
    db: &'db Database,
    name: &str,
    mode: TransactionMode,
) -> Result<Transaction<'db>, StoreError> {
    db.transaction(name)
        .with_mode(mode)
        .build()
        .map_err(|_| failed("transaction"))
}

/// Puts `(key, value)` pairs into `name`, then deletes `deletes` from it, in one transaction; resolves once it
/// has *committed*: `commit` resolves on the transaction's `complete` event and fails on `error` or `abort`,
/// and a failed request aborts its transaction, so success means every change is on disk. Every write goes
/// through here, with keys and values as JS values, so the crate's builders and futures are compiled once.
async fn write(
    name: &str,
    puts: &[(JsValue, JsValue)],
    deletes: &[JsValue],
) -> Result<(), StoreError> {
    let db = database().await?;
    let tx = transaction(&db, name, TransactionMode::Readwrite)?;
    let store = tx.object_store(name).map_err(|_| failed("store"))?;
    // A request goes out when it is built and its outcome is the transaction's, which `commit` reports. Not
    // awaiting each one keeps the transaction active until `commit` (nothing yields in between).
    for (key, value) in puts {
        store
            .put(value)
            .with_key(key)
            .without_key_type()
            .build()
            .map_err(|_| failed("put"))?;
    }
    for key in deletes {
        store.delete(key).build().map_err(|_| failed("delete"))?;
    }
    tx.commit().await.map_err(|_| failed("write not committed"))
}

/// Writes `(key, text)` pairs into `name` in one transaction; resolves once it is committed.
pub async fn put_all(name: &str, entries: &[(String, String)]) -> Result<(), StoreError> {
    let puts: Vec<_> = entries
        .iter()
        .map(|(key, text)| (JsValue::from_str(key), JsValue::from_str(text)))
        .collect();
    write(name, &puts, &[]).await
}

/// Every text in `name`, in key order.
pub async fn get_all(name: &str) -> Result<Vec<String>, StoreError> {
    let db = database().await?;
    let tx = transaction(&db, name, TransactionMode::Readonly)?;
    let store = tx.object_store(name).map_err(|_| failed("store"))?;
    let all = store
        .get_all::<JsValue>()
        .await
        .map_err(|_| failed("read"))?;
    // Anything that is not a text (written by some other version) is skipped, not fatal.
    Ok(all.filter_map(|value| value.ok()?.as_string()).collect())
}

/// The value kept under `key` beside the bundle, as stored (`undefined` if none).
pub async fn load_value(key: &str) -> Result<JsValue, StoreError> {
    let db = database().await?;
    let tx = transaction(&db, BUNDLE, TransactionMode::Readonly)?;
    let store = tx.object_store(BUNDLE).map_err(|_| failed("store"))?;
    let value: Option<JsValue> = store
        .get(&JsValue::from_str(key))
        .await
        .map_err(|_| failed("read"))?;
    Ok(value.unwrap_or(JsValue::UNDEFINED))
}

/// Keeps `value` under `key` beside the bundle; resolves once it is committed. IndexedDB keeps a structured
/// clone, so `value` may hold what JSON cannot, such as a `CryptoKey`.
pub async fn save_value(key: &str, value: &JsValue) -> Result<(), StoreError> {
    write(BUNDLE, &[(JsValue::from_str(key), value.clone())], &[]).await
}

/// The text kept under `key` beside the bundle, if any.
pub async fn load(key: &str) -> Result<Option<String>, StoreError> {
    Ok(load_value(key).await?.as_string())
}

/// The offline bundle's JSON as last downloaded, if any.
pub async fn load_bundle() -> Result<Option<String>, StoreError> {
    load(BUNDLE_KEY).await
}

/// The compact offline bundle's bytes as last refreshed, if any.
pub async fn load_compact() -> Result<Option<Vec<u8>>, StoreError> {
    Ok(load_value(COMPACT_KEY)
        .await?
        .dyn_into::<js_sys::Uint8Array>()
        .ok()
        .map(|bytes| bytes.to_vec()))
}

/// Replaces the offline bundle with these compact bytes, and forgets the JSON bundle of earlier versions, in one
/// transaction; resolves once it is committed.
pub async fn save_compact(bytes: &[u8]) -> Result<(), StoreError> {
    let value = js_sys::Uint8Array::from(bytes);
    write(
        BUNDLE,
        &[(JsValue::from_str(COMPACT_KEY), value.into())],
        &[JsValue::from_str(BUNDLE_KEY)],
    )
    .await
}

/// Deletes the texts under `keys` from `name` in one transaction; resolves once it is committed.
pub async fn delete_all(name: &str, keys: &[String]) -> Result<(), StoreError> {
    let keys: Vec<_> = keys.iter().map(|key| JsValue::from_str(key)).collect();
    write(name, &[], &keys).await
}

/// Keeps the session token for the service worker (or forgets it when signed out).
pub async fn save_session(token: Option<&str>) -> Result<(), StoreError> {
    match token {
        Some(token) => put_all(BUNDLE, &[(SESSION_KEY.to_owned(), token.to_owned())]).await,
        None => delete_all(BUNDLE, &[SESSION_KEY.to_owned()]).await,
    }
}

/// The Web Lock that the page and the service worker (`web/sw.js`) both hold while they send the queue.
const QUEUE_LOCK: &str = "fieldtoken-queue";

/// Runs `work` holding the queue's Web Lock, so the page and the service worker never send the queue at the same
/// time. Without Web Locks (old browsers) it just runs `work`: the MDM's idempotency still applies each
/// redemption once, at worst showing a resend as "duplicate".
pub async fn with_queue_lock(work: impl std::future::Future<Output = ()> + 'static) {
    let locks = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("locks")).ok())
        .filter(|l| l.is_object());
    let request = locks.as_ref().and_then(|l| {
        js_sys::Reflect::get(l, &JsValue::from_str("request"))
            .ok()?
            .dyn_into::<Function>()
            .ok()
    });
    let (Some(locks), Some(request)) = (locks, request) else {
        return work.await;
    };
    let work = RefCell::new(Some(work));
    // The lock is held until the promise the callback returns settles, i.e. until `work` is done.
    let callback = Closure::once_into_js(move || {
        let work = work.borrow_mut().take();
        wasm_bindgen_futures::future_to_promise(async move {
            if let Some(work) = work {
                work.await;
            }
            Ok(JsValue::UNDEFINED)
        })
    });
    if let Ok(held) = request.call2(&locks, &JsValue::from_str(QUEUE_LOCK), &callback) {
        let _ = JsFuture::from(Promise::resolve(&held)).await;
    }
}

#[cfg(test)]
mod tests;
