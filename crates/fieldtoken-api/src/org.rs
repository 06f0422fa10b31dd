//! Roles, users and signing keys.
