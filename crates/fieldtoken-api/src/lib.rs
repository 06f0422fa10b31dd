//! The wire types of fieldtoken's HTTP API (`/api/v1`): every request and answer body declared once, used by the
//! MDM that serves them and the PWA that reads them.
//!
//! Types here are plain serde shapes; they hold no rule (the core decides) and no storage (the MDM's store does).
//! With the `openapi` feature (only the MDM turns it on) each type also derives its OpenAPI schema, so the
//! document at `/api/openapi.json` describes exactly what the handlers send and take. Enumerations whose values
//! the core owns (permissions, error codes) take their schema from the core's own lists, never a copy.

pub mod access;
pub mod action_tokens;
pub mod bundle;
pub mod common;
pub mod devices;
pub mod enrolment;
pub mod error;
pub mod history;
pub mod inventory;
pub mod operator;
pub mod org;
pub mod server;
pub mod signing_keys;
pub mod sync;

pub use common::{Items, Page, Permission, RequestTime, Time};
pub use error::{ErrorBody, ErrorCode, ErrorDetail, Refusal, ServerCode};
pub use server::Health;
