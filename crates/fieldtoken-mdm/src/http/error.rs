//! Errors as the API reports them: a status and `{ "error": { "code", "message" } }`, where `code` is one of
//! the closed list of `fieldtoken_api::ErrorCode` (the core's codes and the server's [`ServerCode`]s) and
//! `message` is for a person. Every extractor rejection, core error and storage failure becomes this shape, so no
//! request ever gets axum's plain-text answers or a bare 500.
//!
//! A code's [`Refusal`] decides its status, in [`status_of`] and nowhere else: one meaning, one status, on every
//! route.

use axum::Json;
use axum::extract::OriginalUri;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fieldtoken_api::{ErrorBody, ErrorCode, ErrorDetail, Refusal, ServerCode};
use fieldtoken_core::ErrorKind;

use crate::seal::SealError;
use crate::store::StoreError;

/// The HTTP status of each kind of refusal: the one place statuses are chosen.
pub fn status_of(refusal: Refusal) -> StatusCode {
    match refusal {
        Refusal::Malformed => StatusCode::BAD_REQUEST,
        Refusal::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        Refusal::Unauthenticated => StatusCode::UNAUTHORIZED,
        Refusal::Forbidden => StatusCode::FORBIDDEN,
        Refusal::NotFound => StatusCode::NOT_FOUND,
        Refusal::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        Refusal::Conflict => StatusCode::CONFLICT,
        Refusal::Gone => StatusCode::GONE,
        Refusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Refusal::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Refusal::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        Refusal::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// An error's code: a rule of the core or the server's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// A core rule or format.
    Core(ErrorKind),
    /// The server's own.
    Server(ServerCode),
}

impl Code {
    /// The stable code on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Core(kind) => kind.code(),
            Code::Server(code) => code.code(),
        }
    }

    /// What sort of refusal it is.
    pub fn refusal(self) -> Refusal {
        match self {
            Code::Core(kind) => kind.class().into(),
            Code::Server(code) => code.refusal(),
        }
    }

    #[cfg(test)]
    fn parse(text: &str) -> Option<Code> {
        ErrorKind::ALL
            .iter()
            .find(|kind| kind.code() == text)
            .map(|&kind| Code::Core(kind))
            .or_else(|| {
                ServerCode::ALL
                    .iter()
                    .find(|code| code.code() == text)
                    .map(|&code| Code::Server(code))
            })
    }
}

/// An error answer of the API.
#[derive(Debug)]
pub struct ApiError {
    code: Code,
    message: String,
    retry_after: Option<u64>,
}

impl ApiError {
    /// An error with one of the server's own codes; the code decides the status.
    pub fn server(code: ServerCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code: Code::Server(code),
            message: message.into(),
            retry_after: None,
        }
    }

    /// An error with a core code and a message of the server's (a rule checked at the edge, such as a name).
    pub fn core(kind: ErrorKind, message: impl Into<String>) -> ApiError {
        ApiError {
            code: Code::Core(kind),
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

    /// 404: nothing of this kind with this id in the caller's organisation.
    pub fn not_found(what: &str) -> ApiError {
        ApiError::server(ServerCode::NotFound, format!("no such {what}"))
    }

    /// 401: no credentials, or credentials that are not (or no longer) valid.
    pub fn unauthenticated(message: impl Into<String>) -> ApiError {
        ApiError::server(ServerCode::Unauthenticated, message)
    }

    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        self.code.as_str()
    }

    /// The message for people.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        status_of(self.code.refusal())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = ErrorBody {
            error: ErrorDetail {
                code: ErrorCode(self.code().to_owned()),
                message: self.message,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
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

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        match error {
            StoreError::Unavailable(error) => {
                tracing::error!(%error, "database error");
                ApiError::server(
                    ServerCode::DatabaseUnavailable,
                    "the database is not available right now; nothing was changed, try again",
                )
                .with_retry_after(1)
            }
            StoreError::Damaged(what) => {
                tracing::error!(%what, "damaged row");
                ApiError::server(
                    ServerCode::DamagedRow,
                    "a stored record is damaged; nothing was changed. The server's operator must look at it",
                )
            }
            StoreError::Sealed(error) => error.into(),
            // The writers' queue is full: a moment later it has room. Same code as any unavailability, so clients
            // need not tell the two apart; `Retry-After` says when to come back.
            StoreError::Busy => ApiError::server(
                ServerCode::DatabaseUnavailable,
                "the server has too many changes waiting; nothing was changed, try again in a moment",
            )
            .with_retry_after(1),
            StoreError::Duplicate => ApiError::server(
                ServerCode::NameTaken,
                "a record with this name or value already exists",
            ),
        }
    }
}

impl From<SealError> for ApiError {
    fn from(error: SealError) -> ApiError {
        // A value that does not open means a wrong master key or an altered database: the operator must act.
        tracing::error!(%error, "sealed value");
        ApiError::server(
            ServerCode::SealedValue,
            "a stored key or code cannot be opened with this server's master key",
        )
    }
}

/// A rule or format error from the core: its own stable code, the status of its class.
impl From<fieldtoken_core::Error> for ApiError {
    fn from(error: fieldtoken_core::Error) -> ApiError {
        ApiError::core(error.kind(), error.to_string())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        let code = match &rejection {
            JsonRejection::JsonDataError(_) => ServerCode::InvalidBody,
            JsonRejection::JsonSyntaxError(_) => ServerCode::MalformedJson,
            JsonRejection::MissingJsonContentType(_) => ServerCode::UnsupportedMediaType,
            _ if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => ServerCode::BodyTooLarge,
            _ => ServerCode::BadRequest,
        };
        ApiError::server(code, rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::server(ServerCode::BadQuery, rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
        ApiError::core(ErrorKind::BadId, rejection.body_text())
    }
}

/// Any path under `/api` that no endpoint answers.
pub async fn unknown_endpoint(OriginalUri(uri): OriginalUri) -> ApiError {
    // The original URI: inside the nested `/api` router the path has lost its prefix.
    ApiError::server(
        ServerCode::NotFound,
        format!("no API endpoint at {}", uri.path()),
    )
}

/// A known path with a method it does not answer.
pub async fn method_not_allowed() -> ApiError {
    ApiError::server(
        ServerCode::MethodNotAllowed,
        "this endpoint does not answer this method",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_one_status_and_the_list_has_no_stray_code() {
        for kind in ErrorKind::ALL {
            let error = ApiError::core(kind, "x");
            assert!(error.status().is_client_error(), "{kind}");
            assert_eq!(Code::parse(kind.code()), Some(Code::Core(kind)));
        }
        for &code in ServerCode::ALL {
            assert_eq!(Code::parse(code.code()), Some(Code::Server(code)));
        }
    }
}
