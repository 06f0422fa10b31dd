//! The built PWA, served from the API's origin so the service worker and the session share one origin.
//!
//! Caching follows the build: Trunk's hashed files never change under their name, so browsers may keep them
//! for a year; everything else (index.html, sw.js, the manifest, icons) is revalidated on every load, which is
//! how a new release reaches phones.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use tower_http::services::ServeDir;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// Static files from `dir`, with client-side routes (paths without a file extension) answered by
/// `index.html`: the admin's app (`admin/index.html`) under `/admin`, the operator's everywhere else.
pub fn router(dir: &Path) -> Router {
    let dir_owned = dir.to_path_buf();
    let spa = move |uri: Uri| {
        let index = if is_admin(uri.path()) {
            dir_owned.join("admin/index.html")
        } else {
            dir_owned.join("index.html")
        };
        app_shell(index, uri)
    };
    Router::new()
        .fallback_service(ServeDir::new(dir).fallback(axum::routing::get(spa)))
        .layer(middleware::from_fn(cache_headers))
}

async fn app_shell(index: PathBuf, uri: Uri) -> Response {
    let last = uri.path().rsplit('/').next().unwrap_or_default();
    if last.contains('.') {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    match tokio::fs::read_to_string(&index).await {
        Ok(html) => Html(html).into_response(),
        Err(_) => (
            StatusCode::NOT_FOUND,
            Html("<!doctype html><title>fieldtoken</title><p>The PWA is not built: run <code>cargo xtask run</code>.</p>"),
        )
            .into_response(),
    }
}

async fn cache_headers(request: Request<Body>, next: Next) -> Response {
    let policy = if is_hashed(request.uri().path()) {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let mut response = next.run(request).await;
    if response.status().is_success() {
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// The Content-Security-Policy of every answer. Scripts come from this origin, plus the inline scripts of the two
/// shells by their hashes (Trunk's loader, whose file names change with every build, and the service worker's
/// glue), read from `dir` once at start: restart the server after a new build. `'wasm-unsafe-eval'` lets the apps
/// and the scan worker compile their wasm; nothing allows `eval`. Images may also be `data:` and `blob:` URLs (drawn
/// QR codes; an image runs no script). The camera and NFC need no source.
pub fn content_security_policy(dir: &Path) -> String {
    let mut scripts = String::from("'self' 'wasm-unsafe-eval'");
    for shell in ["index.html", "admin/index.html"] {
        if let Ok(html) = std::fs::read_to_string(dir.join(shell)) {
            for script in inline_scripts(&html) {
                scripts.push_str(&format!(" 'sha256-{}'", script_hash(script)));
            }
        }
    }
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; \
         worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The texts of the `<script>` elements without a `src`, as the browser hashes them (between the tags, as is).
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let attributes = &after[..open_end];
        let body = &after[open_end + 1..];
        let Some(close) = body.find("</script") else {
            break;
        };
        if !attributes.contains("src=") {
            scripts.push(&body[..close]);
        }
        rest = &body[close..];
    }
    scripts
}

fn script_hash(script: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script.as_bytes()))
}

/// Whether a path is one of the admin app's client routes (`/admin`, `/admin/...`).
fn is_admin(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/")
}

/// Whether a path names one of Trunk's content-hashed files (`name-<16 hex digits>.ext`).
fn is_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default();
    // wasm-bindgen names the module after the script: `name-<hash>_bg.wasm`.
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::{inline_scripts, is_admin, is_hashed};

    #[test]
    fn inline_scripts_are_those_without_src() {
        let html = "<script type=\"module\">\nimport a;\n</script><script src=\"/x.js\"></script>\
                    <SCRIPT>ignored</SCRIPT><script>b()</script>";
        assert_eq!(inline_scripts(html), ["\nimport a;\n", "b()"]);
    }

    #[test]
    fn admin_routes_get_the_admin_app() {
        assert!(is_admin("/admin"));
        assert!(is_admin("/admin/devices"));
        assert!(!is_admin("/administrator"));
        assert!(!is_admin("/t/ABC"));
    }

    #[test]
    fn only_trunk_hashed_names_are_immutable() {
        let check = |path: &str, want: bool| assert_eq!(is_hashed(path), want, "{path}");
        check("/fieldtoken-pwa-4f1c2b9a0d3e5f67_bg.wasm", true);
        check("/fieldtoken-pwa-4f1c2b9a0d3e5f67.js", true);
        check("/app-0123456789abcdef.css", true);
        check("/index.html", false);
        check("/sw.js", false);
        check("/icons/icon-192.png", false);
        check("/admin", false);
        check("/admin/fieldtoken-admin-4f1c2b9a0d3e5f67_bg.wasm", true);
    }
}
