//! What the phone keeps across reloads and crashes, in IndexedDB: the offline bundle (one JSON text under
//! `current` in `bundle`, the session token under `session` for the service worker, and this phone's device key
//! under `device` once it enrolled: a JS object holding a WebCrypto `CryptoKeyPair`, or a JSON text holding a
//! seed, see `enrol.rs`) and the redemption
//! queue (`queue`, one JSON text per redemption, keyed by its id). `web/sw.js` reads and writes the same
//! layout for Background Sync: change both together.
//!
//! Raw `web-sys` IndexedDB behind a few futures: four calls do not justify a wrapper crate in the first-load
//! budget. A write resolves only when its transaction *completes* (the data is committed), so a screen may
//! say "saved" after it.

use std::cell::RefCell;

use js_sys::{Array, Function, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode};

const DB_NAME: &str = "fieldtoken";
const DB_VERSION: u32 = 1;
/// The offline bundle store.
pub const BUNDLE: &str = "bundle";
/// The redemption queue store.
pub const QUEUE: &str = "queue";
const BUNDLE_KEY: &str = "current";
/// The operator's session token, kept beside the bundle for the service worker's Background Sync.
const SESSION_KEY: &str = "session";
/// This phone as an enrolled device (`enrol::ThisDevice`), kept beside the bundle.
pub const DEVICE_KEY: &str = "device";

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
    static DB: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
}

/// A promise settled by `target`'s `on{ok}` / `onerror` (and `onabort`) handlers.
fn settle(set: impl FnOnce(&Function, &Function)) -> JsFuture {
    let mut set = Some(set);
    JsFuture::from(Promise::new(&mut |resolve, reject| {
        if let Some(set) = set.take() {
            set(&resolve, &reject);
        }
    }))
}

async fn request(request: &IdbRequest) -> Result<JsValue, StoreError> {
    let done = settle(|resolve, reject| {
        let (req, resolve) = (request.clone(), resolve.clone());
        let ok = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &req.result().unwrap_or(JsValue::UNDEFINED));
        });
        let reject = reject.clone();
        let err = Closure::once_into_js(move || {
            let _ = reject.call0(&JsValue::NULL);
        });
        request.set_onsuccess(Some(ok.unchecked_ref()));
        request.set_onerror(Some(err.unchecked_ref()));
    });
    done.await.map_err(|_| failed("request"))
}

async fn committed(tx: &IdbTransaction) -> Result<(), StoreError> {
    let done = settle(|resolve, reject| {
        let resolve = resolve.clone();
        let ok = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let reject = reject.clone();
        let err = Closure::<dyn Fn()>::new(move || {
            let _ = reject.call0(&JsValue::NULL);
        });
        tx.set_oncomplete(Some(ok.unchecked_ref()));
        tx.set_onerror(Some(err.as_ref().unchecked_ref()));
        tx.set_onabort(Some(err.as_ref().unchecked_ref()));
        err.forget();
    });
    done.await
        .map(drop)
        .map_err(|_| failed("write not committed"))
}

async fn database() -> Result<IdbDatabase, StoreError> {
    if let Some(db) = DB.with(|db| db.borrow().clone()) {
        return Ok(db);
    }
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(|| failed("IndexedDB is not available"))?;
    let open = factory
        .open_with_u32(DB_NAME, DB_VERSION)
        .map_err(|_| failed("open"))?;
    let req = open.clone();
    // Version 1 creates both stores; later versions add their own steps here.
    let upgrade = Closure::once_into_js(move || {
        if let Ok(db) = req.result().and_then(|db| db.dyn_into::<IdbDatabase>()) {
            for name in [BUNDLE, QUEUE] {
                if !db.object_store_names().contains(name) {
                    let _ = db.create_object_store(name);
                }
            }
        }
    });
    open.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let db: IdbDatabase = request(&open)
        .await?
        .dyn_into()
        .map_err(|_| failed("open"))?;
    DB.with(|slot| *slot.borrow_mut() = Some(db.clone()));
    Ok(db)
}

fn store(
    db: &IdbDatabase,
    name: &str,
    mode: IdbTransactionMode,
) -> Result<(IdbTransaction, IdbObjectStore), StoreError> {
    let tx = db
        .transaction_with_str_and_mode(name, mode)
        .map_err(|_| failed("transaction"))?;
    let store = tx.object_store(name).map_err(|_| failed("store"))?;
    Ok((tx, store))
}

/// Writes `(key, text)` pairs into `name` in one transaction; resolves once it is committed.
pub async fn put_all(name: &str, entries: &[(String, String)]) -> Result<(), StoreError> {
    let db = database().await?;
    let (tx, store) = store(&db, name, IdbTransactionMode::Readwrite)?;
    for (key, text) in entries {
        store
            .put_with_key(&JsValue::from_str(text), &JsValue::from_str(key))
            .map_err(|_| failed("put"))?;
    }
    committed(&tx).await
}

/// Every text in `name`, in key order.
pub async fn get_all(name: &str) -> Result<Vec<String>, StoreError> {
    let db = database().await?;
    let (_tx, store) = store(&db, name, IdbTransactionMode::Readonly)?;
    let all = request(&store.get_all().map_err(|_| failed("read"))?).await?;
    Ok(Array::from(&all)
        .iter()
        .filter_map(|v| v.as_string())
        .collect())
}

/// The value kept under `key` beside the bundle, as stored (`undefined` if none).
pub async fn load_value(key: &str) -> Result<JsValue, StoreError> {
    let db = database().await?;
    let (_tx, store) = store(&db, BUNDLE, IdbTransactionMode::Readonly)?;
    request(
        &store
            .get(&JsValue::from_str(key))
            .map_err(|_| failed("read"))?,
    )
    .await
}

/// Keeps `value` under `key` beside the bundle; resolves once it is committed. IndexedDB keeps a structured
/// clone, so `value` may hold what JSON cannot, such as a `CryptoKey`.
pub async fn save_value(key: &str, value: &JsValue) -> Result<(), StoreError> {
    let db = database().await?;
    let (tx, store) = store(&db, BUNDLE, IdbTransactionMode::Readwrite)?;
    store
        .put_with_key(value, &JsValue::from_str(key))
        .map_err(|_| failed("put"))?;
    committed(&tx).await
}

/// The text kept under `key` beside the bundle, if any.
pub async fn load(key: &str) -> Result<Option<String>, StoreError> {
    Ok(load_value(key).await?.as_string())
}

/// Keeps `text` under `key` beside the bundle; resolves once it is committed.
pub async fn save(key: &str, text: &str) -> Result<(), StoreError> {
    save_value(key, &JsValue::from_str(text)).await
}

/// The offline bundle's JSON as last downloaded, if any.
pub async fn load_bundle() -> Result<Option<String>, StoreError> {
    load(BUNDLE_KEY).await
}

/// Replaces the offline bundle.
pub async fn save_bundle(json: &str) -> Result<(), StoreError> {
    save(BUNDLE_KEY, json).await
}

/// Deletes the texts under `keys` from `name` in one transaction; resolves once it is committed.
pub async fn delete_all(name: &str, keys: &[String]) -> Result<(), StoreError> {
    let db = database().await?;
    let (tx, store) = store(&db, name, IdbTransactionMode::Readwrite)?;
    for key in keys {
        store
            .delete(&JsValue::from_str(key))
            .map_err(|_| failed("delete"))?;
    }
    committed(&tx).await
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
