//! Errors as the API reports them: a status and `{ "error": { "code", "message" } }`, where `code` is a
//! stable word a client can branch on and `message` is for a person. Every extractor rejection, core error and
//! storage failure is turned into this shape, so no request ever gets axum's plain-text answers or a bare 500.

use axum::Json;
use axum::extract::OriginalUri;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fieldtoken_core::ErrorKind;
use serde_json::json;

use crate::seal::SealError;

/// An error answer of the API.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    retry_after: Option<u64>,
}

impl ApiError {
    /// An error with its HTTP status, stable code and human message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// The same error with a `Retry-After` header of this many seconds (429, 503).
    pub fn with_retry_after(mut self, seconds: u64) -> ApiError {
        self.retry_after = Some(seconds);
        self
    }

    /// The `Retry-After` seconds, if any.
    pub fn retry_after(&self) -> Option<u64> {
        self.retry_after
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

    /// 400 with a stable code.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404: nothing of this kind with this id in the caller's organisation.
    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no such {what}"),
        )
    }

    /// 401: no credentials, or credentials that are not (or no longer) valid.
    pub fn unauthenticated(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", message)
    }

    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The message for people.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message } });
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> ApiError {
        ApiError::database(error)
    }
}

impl From<SealError> for ApiError {
    fn from(error: SealError) -> ApiError {
        // A value that does not open means a wrong master key or an altered database: the operator must act.
        tracing::error!(%error, "sealed value");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "sealed_value",
            "a stored key or code cannot be opened with this server's master key",
        )
    }
}

/// A rule or format error from the core: its own stable code, 403 for `forbidden`, 400 otherwise.
impl From<fieldtoken_core::Error> for ApiError {
    fn from(error: fieldtoken_core::Error) -> ApiError {
        let status = match error.kind() {
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            _ => StatusCode::BAD_REQUEST,
        };
        ApiError::new(status, error.kind().code(), error.to_string())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        let (code, status) = match &rejection {
            JsonRejection::JsonDataError(_) => ("invalid_body", StatusCode::UNPROCESSABLE_ENTITY),
            JsonRejection::JsonSyntaxError(_) => ("malformed_json", StatusCode::BAD_REQUEST),
            JsonRejection::MissingJsonContentType(_) => {
                ("unsupported_media_type", StatusCode::UNSUPPORTED_MEDIA_TYPE)
            }
            _ if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ("body_too_large", StatusCode::PAYLOAD_TOO_LARGE)
            }
            _ => ("bad_request", StatusCode::BAD_REQUEST),
        };
        ApiError::new(status, code, rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::bad_request("bad_query", rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
        ApiError::bad_request("bad_id", rejection.body_text())
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

/// A known path with a method it does not answer.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not answer this method",
    )
}
