//! The fieldtoken domain: action tokens, access tokens, token codes, both token formats, the NDEF layout,
//! and every rule the product enforces. This crate does no I/O: the browser, Node and the server all call
//! it, so a rule decided here is decided the same everywhere.

/// The version of the fieldtoken core, as shown by every client ("about" screens, `/api/v1/health`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
