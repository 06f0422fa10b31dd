//! The MDM over real HTTP on loopback, against a real SQLite file, or a real PostgreSQL database when
//! `FIELDTOKEN_TEST_POSTGRES` names a cluster (see support.rs).

mod access;
mod api;
mod batch;
mod bundle;
mod carriers;
mod credentials;
mod devices;
mod edge;
mod enrolment;
mod fleets;
mod history;
mod keys;
mod limits;
mod openapi;
mod replicas;
mod roles;
mod search;
mod serve;
mod support;
mod sync;
mod trust;
