//! The fieldtoken PWA: the shell every screen lives in, and the screens.
//!
//! Screens only show and ask: every rule comes from `fieldtoken-core`, compiled into this same wasm module,
//! so the phone's offline verdict is the server's verdict.

mod admin;
mod api;
mod operator;
mod session;
mod shell;

pub use shell::App;
