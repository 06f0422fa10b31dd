//! The integration tests of fieldtoken-core: one binary, one module per area. Each table cites the seed line or the
//! DESIGN rule it comes from.

mod access;
mod directory;
mod fixtures;
mod ndef;
mod permissions;
mod props;
mod rules;
mod serials;
mod signed;
mod sync;
mod vectors;
