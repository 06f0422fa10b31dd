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

/// A time as requests may carry it: an RFC 3339 string with any offset (`2026-12-31T23:59:59+01:00`), or
/// milliseconds since 1970 as a number. Read as sent; the MDM converts it, and refuses a string that is not RFC 3339
/// as a body of the wrong shape (422 `invalid_body`).
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum RequestTime {
    /// RFC 3339, any offset.
    Text(String),
    /// Milliseconds since 1970-01-01T00:00:00Z.
    Millis(i64),
}

/// Read by hand rather than as an untagged enum, so that a value of another type is refused with words a person
/// can act on.
impl<'de> Deserialize<'de> for RequestTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = RequestTime;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "an RFC 3339 time such as \"2026-12-31T23:59:59Z\", or milliseconds since 1970",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RequestTime, E> {
                Ok(RequestTime::Text(v.to_owned()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<RequestTime, E> {
                Ok(RequestTime::Millis(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<RequestTime, E> {
                i64::try_from(v)
                    .map(RequestTime::Millis)
                    .map_err(|_| E::custom("the time is out of range"))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}
