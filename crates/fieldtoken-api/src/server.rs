//! The server itself: health.

use serde::{Deserialize, Serialize};

/// `GET /api/v1/health`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// The core's version.
    pub version: String,
    /// `ok` when the database answers.
    pub database: String,
}
