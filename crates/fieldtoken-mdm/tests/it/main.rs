//! The MDM over real HTTP on loopback, against a real SQLite file.

mod access;
mod api;
mod limits;
mod serve;
mod support;
mod sync;
