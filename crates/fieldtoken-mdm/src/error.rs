//! Errors as the API reports them: a status and `{ "error": { "code", "message" } }`, where `code` is a
//! stable word a client can branch on and `message` is for a person.

use axum::Json;
use axum::extract::OriginalUri;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answer of the API.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    /// An error with its HTTP status, stable code and human message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// The database could not answer: the request may be retried, nothing was written.
    pub fn database(error: sqlx::Error) -> ApiError {
        tracing::error!(%error, "database error");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "database_unavailable",
            "the database is not available right now; nothing was changed, try again",
        )
    }

    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        self.code
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message } });
        (self.status, Json(body)).into_response()
    }
}

/// Any path under `/api` that no endpoint answers.
pub async fn unknown_endpoint(OriginalUri(uri): OriginalUri) -> ApiError {
    // The original URI: inside the nested `/api` router the path has lost its prefix.
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no API endpoint at {}", uri.path()),
    )
}
