//! Extractors whose rejections are API errors (`{ "error": { "code", "message" } }`) instead of axum's plain text,
//! and the check of the names that bodies carry.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use fieldtoken_core::ErrorKind;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// A JSON body. Malformed JSON is 400 `malformed_json`, wrong types or unknown fields 422 `invalid_body`, a body over
/// the limit 413 `body_too_large`, a missing JSON content type 415.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(value) = axum::Json::<T>::from_request(request, state).await?;
        Ok(Body(value))
    }
}

/// Query parameters; bad ones are 400 `bad_query`.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Query(value) =
            axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(Query(value))
    }
}

/// The caller's address, when the server knows it (in-process calls have none).
pub struct Peer(pub Option<SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| *addr),
        ))
    }
}

/// A row id in the path (`/things/{id}`): 1 to 4294967295, else 400 `bad_id`.
pub struct IdPath(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state).await?;
        raw.parse::<u32>()
            .ok()
            .filter(|&id| id != 0)
            .map(|id| IdPath(i64::from(id)))
            .ok_or_else(|| {
                ApiError::core(
                    ErrorKind::BadId,
                    format!("'{raw}' is not an id (1 to 4294967295)"),
                )
            })
    }
}

/// A name from a body, trimmed: 1 to 100 characters without control characters, else 422 `bad_name` saying what
/// `what` (a role, a user, an accounts receivable, ...) needs.
pub fn checked_name(name: &str, what: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::core(
            ErrorKind::BadName,
            format!("{what} needs a name of 1 to 100 characters, without control characters"),
        ));
    }
    Ok(name.to_owned())
}
