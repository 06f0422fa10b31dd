//! The JavaScript API of fieldtoken, as the `fieldtoken` npm package (`pkg/`).
//!
//! This crate only translates between JavaScript values and `fieldtoken-core`: every rule is decided in the
//! core, so a verdict in the browser is the verdict on the server.

use wasm_bindgen::prelude::*;

/// The version of the fieldtoken core inside this package.
#[wasm_bindgen]
pub fn version() -> String {
    fieldtoken_core::VERSION.to_owned()
}
