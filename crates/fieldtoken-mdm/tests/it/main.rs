//! The MDM over real HTTP on loopback, against a real SQLite file.

mod api;
mod serve;
mod support;
mod sync;
