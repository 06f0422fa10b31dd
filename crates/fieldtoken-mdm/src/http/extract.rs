//! Extractors whose rejections are API errors (`{ "error": { "code", "message" } }`) instead of axum's plain text,
//! and the check of the names that bodies carry.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use fieldtoken_api::{Page, ServerCode};
use fieldtoken_core::{ErrorKind, OrgId};
use serde::de::DeserializeOwned;

use crate::http::error::ApiError;
use crate::store::{self, Conn, Named};

/// A JSON body, read by the document's rules (see [`super::strict`]). Malformed JSON is 400 `malformed_json`, wrong
/// types or unknown fields 422 `invalid_body`, a body over the limit 413 `body_too_large`, a missing JSON content
/// type 415.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(value) =
            axum::Json::<serde_json::Value>::from_request(request, state).await?;
        super::strict::from_value(&value)
            .map(Body)
            .map_err(|message| {
                ApiError::server(
                    ServerCode::InvalidBody,
                    format!("the body is not of the documented shape: {message}"),
                )
            })
    }
}

/// Query parameters; bad ones are 400 `bad_query`.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        // No search text, filter or cursor holds a NUL character, and PostgreSQL's text cannot hold one: said here,
        // as the client's mistake, rather than failing in the database.
        if parts
            .uri
            .query()
            .is_some_and(|query| query.to_ascii_lowercase().contains("%00"))
        {
            return Err(ApiError::server(
                ServerCode::BadQuery,
                "a query parameter may not hold the NUL character (%00)",
            ));
        }
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
        Ok(Peer::of(parts))
    }
}

impl Peer {
    /// The caller's address, for code that holds the request's parts rather than extracting (authentication).
    pub fn of(parts: &Parts) -> Peer {
        Peer(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| *addr),
        )
    }

    /// The address as the audit log records it: the IP alone, since the port changes with every connection.
    pub fn ip(&self) -> Option<String> {
        self.0.map(|addr| addr.ip().to_string())
    }
}

/// The most items one page of a list holds.
pub const MAX_PAGE: u32 = 200;
/// The items a page holds when the query names no `limit`.
const DEFAULT_PAGE: u32 = 50;

/// A page's size from the query's `limit`: [`DEFAULT_PAGE`] when absent, else 1 to [`MAX_PAGE`] or 400 `bad_query`.
pub fn page_limit(limit: Option<u32>) -> Result<u32, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::server(
            ServerCode::BadQuery,
            format!("limit is 1 to {MAX_PAGE}, not {limit}"),
        ));
    }
    Ok(limit)
}

/// A page of a list that read one row more than `limit` (the extra row says a next page exists): at most
/// `limit` rows as `wire` answers them, and `next`, the `cursor` of the last one shown, when more follow.
pub fn page<R, T>(
    mut rows: Vec<R>,
    limit: u32,
    wire: impl FnMut(R) -> T,
    cursor: impl FnOnce(&T) -> Option<String>,
) -> Page<T> {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let items: Vec<T> = rows.into_iter().map(wire).collect();
    let next = if more {
        items.last().and_then(cursor)
    } else {
        None
    };
    Page { items, next }
}

/// A page's cursor from the query: none or empty is the first page, else the positive number a `next` gave, or
/// 400 `bad_cursor`.
pub fn page_cursor(cursor: Option<&str>) -> Result<Option<i64>, ApiError> {
    match cursor {
        None | Some("") => Ok(None),
        Some(c) => c
            .parse::<i64>()
            .ok()
            .filter(|&c| c > 0)
            .map(Some)
            .ok_or_else(|| {
                ApiError::server(ServerCode::BadCursor, "this cursor is not one the API gave")
            }),
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

/// A name from a body: as sent, 1 to 100 characters without control characters (a tab or a line break included) and
/// not only spaces, the rule the document states; kept without the spaces around it. Else 422 `bad_name` saying
/// what `what` (a role, a user, an accounts receivable, ...) needs.
pub fn checked_name(name: &str, what: &str) -> Result<String, ApiError> {
    if name.trim().is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::core(
            ErrorKind::BadName,
            format!("{what} needs a name of 1 to 100 characters, without control characters"),
        ));
    }
    Ok(name.trim().to_owned())
}

/// 409 `name_taken` when another record of this kind in the organisation (any but the row `except`) has this
/// name.
pub async fn ensure_name_free(
    conn: &mut Conn,
    named: Named,
    org: OrgId,
    name: &str,
    except: Option<i64>,
) -> Result<(), ApiError> {
    if !store::name_taken(conn, named, org, name, except).await? {
        return Ok(());
    }
    // Two wordings, each as its routes have always answered, so that no message changes.
    let message = match named {
        Named::Role => format!("this organisation already has a role named '{name}'"),
        Named::User => format!("this organisation already has a user named '{name}'"),
        Named::Definition => format!("a definition named '{name}' already exists"),
        Named::Classification => format!("a classification named '{name}' already exists"),
        Named::Fleet => format!("this organisation already has a fleet named '{name}'"),
    };
    Err(ApiError::server(ServerCode::NameTaken, message))
}
