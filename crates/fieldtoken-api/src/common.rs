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

/// A permission's stable name on the wire, e.g. `fms.actiontoken.read`. Kept as text when read, so a client built
/// before a permission was added still reads the answer and the server refuses an unknown name with its own code
/// (`unknown_permission`); its schema is the core's closed list.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(transparent)]
pub struct Permission(pub String);

impl Permission {
    /// The names of every permission of a set, in the core's display order.
    pub fn list(set: fieldtoken_core::PermissionSet) -> Vec<Permission> {
        set.names()
            .into_iter()
            .map(|name| Permission(name.to_owned()))
            .collect()
    }

    /// The set these names make, ignoring names this build does not know (a newer server may send more).
    pub fn known_set(names: &[Permission]) -> fieldtoken_core::PermissionSet {
        names
            .iter()
            .filter_map(|name| fieldtoken_core::Permission::parse(&name.0).ok())
            .collect()
    }

    /// The set these names make; a name this build does not know is the core's `unknown_permission` error.
    pub fn parse_set(
        names: &[Permission],
    ) -> fieldtoken_core::Result<fieldtoken_core::PermissionSet> {
        fieldtoken_core::PermissionSet::parse(names.iter().map(|name| name.0.as_str()))
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Permission {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("A permission's stable name."))
            .enum_values(Some(
                fieldtoken_core::Permission::ALL.map(fieldtoken_core::Permission::as_str),
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Permission {}

/// The schema of a name a body gives (a role's, a user's, an API token's): 1 to 100 characters once trimmed,
/// without control characters, as the MDM checks it.
#[cfg(feature = "openapi")]
pub fn name_schema() -> utoipa::openapi::Object {
    name_schema_of(utoipa::openapi::schema::Type::String.into())
}

/// [`name_schema`] for a field that may be left out or `null` (an edit that keeps the name).
#[cfg(feature = "openapi")]
pub fn optional_name_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{SchemaType, Type};
    name_schema_of(SchemaType::from_iter([Type::String, Type::Null]))
}

#[cfg(feature = "openapi")]
fn name_schema_of(schema_type: utoipa::openapi::schema::SchemaType) -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(schema_type)
        .min_length(Some(1))
        .max_length(Some(100))
        .pattern(Some(
            "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$",
        ))
        .description(Some(
            "1 to 100 characters without control characters; spaces around it are trimmed.",
        ))
        .build()
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_names_read_back_as_the_set_they_list() {
        let set = fieldtoken_core::PermissionSet::all();
        assert_eq!(Permission::known_set(&Permission::list(set)), set);
        assert_eq!(Permission::parse_set(&Permission::list(set)), Ok(set));
    }

    #[test]
    fn unknown_permission_names_are_ignored_when_read_and_refused_when_asked_for() {
        let names = [
            Permission("fms.device.read".to_owned()),
            Permission("fms.future".to_owned()),
        ];
        assert_eq!(Permission::known_set(&names).names(), ["fms.device.read"]);
        assert_eq!(
            Permission::parse_set(&names).map_err(|e| e.kind()),
            Err(fieldtoken_core::ErrorKind::UnknownPermission)
        );
    }
}
