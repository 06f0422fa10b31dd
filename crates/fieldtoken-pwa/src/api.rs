//! Talking to the MDM that served the PWA (same origin, so no configuration and no CORS).

use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// `GET /api/v1/health`, as the shell shows it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Health {
    /// The MDM's core version.
    pub version: String,
}

/// Asks the MDM whether it is there; `Err` carries a sentence for the operator.
pub async fn health() -> Result<Health, String> {
    let text = get_text("/api/v1/health").await?;
    serde_json::from_str(&text).map_err(|e| format!("the MDM answered in an unexpected way: {e}"))
}

async fn get_text(path: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no browser window")?;
    let unreachable = |_| "the MDM cannot be reached".to_owned();
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(path))
        .await
        .map_err(unreachable)?
        .dyn_into()
        .map_err(unreachable)?;
    if !response.ok() {
        return Err(format!("the MDM answered {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(unreachable)?)
        .await
        .map_err(unreachable)?;
    text.as_string()
        .ok_or_else(|| "the MDM sent no text".to_owned())
}
