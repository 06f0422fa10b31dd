//! Talking to the MDM that served the PWA (same origin, so no configuration and no CORS).
//!
//! Every call returns [`ApiError`] on failure, keeping the MDM's stable error code, so a screen can tell
//! "not signed in" (401) from "not allowed" (403) from "no network", and say so in words.

use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

use crate::session;

/// Why a call to the MDM failed.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// The HTTP status, or 0 when the MDM could not be reached.
    pub status: u16,
    /// The MDM's stable code (`forbidden`, `unauthenticated`, ...), or `network` / `bad_response`.
    pub code: String,
    /// A sentence for the person using the app.
    pub message: String,
    /// The MDM's `Retry-After`, in seconds, when it asked the client to slow down (429, 503).
    pub retry_after: Option<u32>,
}

impl ApiError {
    /// The MDM could not be reached (or the request could not be made).
    pub(crate) fn network() -> ApiError {
        ApiError {
            status: 0,
            code: "network".into(),
            message: "the MDM cannot be reached; check the network".into(),
            retry_after: None,
        }
    }

    fn bad_response(detail: impl std::fmt::Display) -> ApiError {
        ApiError {
            status: 0,
            code: "bad_response".into(),
            message: format!("the MDM answered in an unexpected way ({detail})"),
            retry_after: None,
        }
    }

    /// Whether the session is missing or no longer valid: the screen should ask to sign in again.
    pub fn is_unauthenticated(&self) -> bool {
        self.status == 401
    }

    /// Whether the signed-in user lacks the permission for this.
    pub fn is_forbidden(&self) -> bool {
        self.status == 403
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

use fieldtoken_api::ErrorBody;
pub use fieldtoken_api::Health;

/// Asks the MDM whether it is there.
pub async fn health() -> Result<Health, ApiError> {
    get("/api/v1/health").await
}

/// `GET path`, decoded from JSON.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let text = send("GET", path, None).await?;
    serde_json::from_str(&text).map_err(ApiError::bad_response)
}

/// `POST path` with a JSON body, decoded from JSON.
pub async fn post<T: DeserializeOwned>(
    path: &str,
    body: &serde_json::Value,
) -> Result<T, ApiError> {
    let text = send("POST", path, Some(body.to_string())).await?;
    serde_json::from_str(&text).map_err(ApiError::bad_response)
}

/// `method path` with an optional JSON body, decoded from JSON; an empty answer (204) reads as `null`.
pub async fn request<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<&serde_json::Value>,
) -> Result<T, ApiError> {
    let text = send(method, path, body.map(ToString::to_string)).await?;
    let text = if text.is_empty() { "null" } else { &text };
    serde_json::from_str(text).map_err(ApiError::bad_response)
}

/// `GET path`, the answer's text undecoded (for callers that decode it once for several types).
pub async fn get_text(path: &str) -> Result<String, ApiError> {
    send("GET", path, None).await
}

/// `DELETE path`.
pub async fn delete(path: &str) -> Result<(), ApiError> {
    send("DELETE", path, None).await.map(drop)
}

/// `DELETE path` as `token` rather than the running session (sign-out, once the session is forgotten here).
pub async fn delete_as(path: &str, token: Option<&str>) -> Result<(), ApiError> {
    send_as("DELETE", path, None, token.map(str::to_owned))
        .await
        .map(drop)
}

/// `GET path` answered as bytes (the compact offline bundle, `accept` its media type): as the running session, or,
/// with `device_headers`, with no session as a device signing the request itself.
pub async fn get_bytes(
    path: &str,
    accept: &str,
    device_headers: Option<&[(&str, String)]>,
) -> Result<Vec<u8>, ApiError> {
    let (token, extra) = match device_headers {
        Some(headers) => (None, headers),
        None => (session::token(), &[][..]),
    };
    let response = respond("GET", path, None, token, extra, accept).await?;
    let buffer = match response.array_buffer() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .map_err(|_| ApiError::network())?,
        Err(_) => return Err(ApiError::network()),
    };
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

async fn send(method: &str, path: &str, body: Option<String>) -> Result<String, ApiError> {
    send_as(method, path, body, session::token()).await
}

async fn send_as(
    method: &str,
    path: &str,
    body: Option<String>,
    token: Option<String>,
) -> Result<String, ApiError> {
    send_with(method, path, body, token, &[]).await
}

async fn send_with(
    method: &str,
    path: &str,
    body: Option<String>,
    token: Option<String>,
    extra: &[(&str, String)],
) -> Result<String, ApiError> {
    let response = respond(method, path, body, token, extra, "application/json").await?;
    Ok(read_text(&response).await)
}

async fn read_text(response: &Response) -> String {
    match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|text| text.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// The MDM's answer when it is a success; its refusal (read from its body) otherwise.
async fn respond(
    method: &str,
    path: &str,
    body: Option<String>,
    token: Option<String>,
    extra: &[(&str, String)],
    accept: &str,
) -> Result<Response, ApiError> {
    let window = web_sys::window().ok_or_else(ApiError::network)?;
    let headers = Headers::new().map_err(|_| ApiError::network())?;
    headers
        .set("Accept", accept)
        .map_err(|_| ApiError::network())?;
    if let Some(token) = token {
        headers
            .set("Authorization", &format!("Bearer {token}"))
            .map_err(|_| ApiError::network())?;
    }
    for (name, value) in extra {
        headers.set(name, value).map_err(|_| ApiError::network())?;
    }
    let init = RequestInit::new();
    init.set_method(method);
    init.set_headers(&headers);
    if let Some(body) = &body {
        headers
            .set("Content-Type", "application/json")
            .map_err(|_| ApiError::network())?;
        init.set_body(&JsValue::from_str(body));
    }
    let request = Request::new_with_str_and_init(path, &init).map_err(|_| ApiError::network())?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| ApiError::network())?
        .dyn_into()
        .map_err(|_| ApiError::network())?;
    if response.ok() {
        return Ok(response);
    }
    let text = read_text(&response).await;
    let status = response.status();
    // Only the delay-seconds form: the MDM sends it so, and a date would need the phone's clock anyway.
    let retry_after = response
        .headers()
        .get("Retry-After")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse().ok());
    Err(ApiError::refused(status, &text, retry_after))
}

impl ApiError {
    /// The MDM's refusal: its `{ "error": { "code", "message" } }` body, or `bad_response` when the body is not one.
    pub(crate) fn refused(status: u16, text: &str, retry_after: Option<u32>) -> ApiError {
        match serde_json::from_str::<ErrorBody>(text) {
            Ok(body) => ApiError {
                status,
                code: body.error.code.0,
                message: body.error.message,
                retry_after,
            },
            Err(_) => ApiError {
                status,
                code: "bad_response".into(),
                message: format!("the MDM answered {status}"),
                retry_after,
            },
        }
    }
}

/// Every item of a paged list: `path`'s pages one after another, following `next` (a cursor given twice ends the
/// list rather than looping). For lists that are short in practice (fleets) but paged like any other.
pub async fn get_all<T: DeserializeOwned>(path: &str) -> Result<Vec<T>, ApiError> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page: fieldtoken_api::Page<T> = get(&page_path(path, cursor.as_deref())).await?;
        items.extend(page.items);
        match page.next {
            Some(next) if cursor.as_deref() != Some(next.as_str()) => cursor = Some(next),
            _ => return Ok(items),
        }
    }
}

/// `path` asking for the page after `cursor` (a list's `next`), or `path` itself for the first page.
pub fn page_path(path: &str, cursor: Option<&str>) -> String {
    match cursor {
        None => path.to_owned(),
        Some(c) => format!(
            "{path}{}cursor={}",
            if path.contains('?') { '&' } else { '?' },
            js_sys::encode_uri_component(c)
        ),
    }
}
