//! Shapes every resource shares: lists, pages, times.

use serde::{Deserialize, Serialize};

/// `{ "items": [...] }`: a whole list.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Items<T> {
    /// The items.
    pub items: Vec<T>,
}

impl<T> Items<T> {
    /// A list answer.
    pub fn of(items: Vec<T>) -> Items<T> {
        Items { items }
    }
}

/// `{ "items": [...], "next": "..." }`: one page of a list; `next` is the cursor of the following page, absent on
/// the last.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The cursor of the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// A time as answers carry it: RFC 3339 in UTC, e.g. `2026-12-31T23:59:59Z` (milliseconds when not whole).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = DateTime))]
#[serde(transparent)]
pub struct Time(pub String);
