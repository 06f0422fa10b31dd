//! The fieldtoken PWA: the shells every screen lives in, and the screens. Two apps are built from this
//! library: the operator's (`src/main.rs`, the installable offline PWA) and the admin's
//! (`src/bin/fieldtoken-admin.rs`, served under `/admin/`), so that neither carries the other's screens.
//!
//! Screens only show and ask: every rule comes from `fieldtoken-core`, compiled into this same wasm module,
//! so the phone's offline verdict is the server's verdict.

mod admin;
mod api;
mod operator;
mod session;
mod shell;
mod worker;

pub use shell::{AdminApp, OperatorApp};
