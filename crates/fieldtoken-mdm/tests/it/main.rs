//! The MDM over real HTTP on loopback, against a real SQLite file.

mod access;
mod api;
mod carriers;
mod credentials;
mod edge;
mod enrolment;
mod history;
mod keys;
mod limits;
mod openapi;
mod roles;
mod serve;
mod support;
mod sync;
mod trust;
