//! The service worker as the app sees it, through the glue in `index.html` (`window.fieldtoken`): whether an
//! update waits, applying it, and asking for a Background Sync. Outside the operator's page (tests, the admin's
//! app) the glue is absent and every call does nothing.

use wasm_bindgen::JsValue;

/// The window event the glue fires when a new version is installed and waits.
pub const UPDATE_READY: &str = "fieldtoken:update-ready";
/// The window event the glue fires when the worker asks the open app to sync its queue.
pub const SYNC_REQUESTED: &str = "fieldtoken:sync";

fn glue() -> Option<JsValue> {
    let window = web_sys::window()?;
    js_sys::Reflect::get(&window, &JsValue::from_str("fieldtoken"))
        .ok()
        .filter(|g| g.is_object())
}

fn call(method: &str) {
    if let Some(glue) = glue()
        && let Ok(f) = js_sys::Reflect::get(&glue, &JsValue::from_str(method))
        && let Some(f) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Function>(&f)
    {
        let _ = f.call0(&glue);
    }
}

/// Whether a new version already waited before the app started listening for [`UPDATE_READY`].
pub fn update_ready() -> bool {
    glue()
        .and_then(|g| js_sys::Reflect::get(&g, &JsValue::from_str("updateReady")).ok())
        .is_some_and(|ready| ready.is_truthy())
}

/// Lets the waiting version take over; the page reloads into it.
pub fn apply_update() {
    call("applyUpdate");
}

/// Asks the browser to wake the worker when the network is back (where Background Sync exists).
pub fn request_background_sync() {
    call("requestBackgroundSync");
}
