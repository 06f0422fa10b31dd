//! The MDM over real HTTP on loopback, against a real SQLite file.

mod serve;
mod support;
