//! Reading a JSON body into a wire type by the rules the OpenAPI document states, where serde's own reading is
//! looser or stricter than JSON Schema:
//!
//! - an object is an object: serde reads a struct from an array too (`[null, null]` would make a `NewRole` of
//!   defaults), which the document calls the wrong type;
//! - an integer is a number without a fraction, however written: JSON Schema counts `1.0` as the integer 1, and a
//!   client generated from the document may send it so; serde refuses it.
//!
//! [`Strict`] wraps a parsed [`serde_json::Value`] and hands out the same wrapper for every nested value, so the
//! rules hold at any depth. Everything else is serde_json's own reading.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use serde_json::{Number, Value};

type Error = serde_json::Error;

/// A JSON value read by the document's rules (see the module's documentation).
pub struct Strict<'a>(pub &'a Value);

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(_) => Unexpected::Other("a number"),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// The integer a number stands for, if it has no fraction: `3`, `3.0` and `3e0` are all 3.
fn integral(number: &Number) -> Option<Value> {
    if number.is_i64() || number.is_u64() {
        return Some(Value::Number(number.clone()));
    }
    let float = number.as_f64()?;
    // Only where a float holds every integer exactly (|x| <= 2^53): beyond, `-9223372036854775809` would round to
    // i64::MIN and be read as a number it is not. Larger integers must be written as integers.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if !float.is_finite() || float.fract() != 0.0 || float.abs() > EXACT {
        return None;
    }
    Some(if float >= 0.0 {
        Value::from(float as u64)
    } else {
        Value::from(float as i64)
    })
}

macro_rules! integers {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.0 {
                Value::Number(number) => match integral(number) {
                    Some(value) => value.$method(visitor),
                    None => self.0.$method(visitor),
                },
                other => other.$method(visitor),
            }
        }
    )*};
}

macro_rules! as_serde_json {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.0.$method(visitor)
        }
    )*};
}

impl<'de> Deserializer<'de> for Strict<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Items(items.iter())),
            Value::Object(map) => visitor.visit_map(Fields {
                entries: map.iter(),
                value: None,
            }),
            // A type that reads "any" value (a time as text or milliseconds) sees `-703.0` as the integer it is.
            Value::Number(number) => match integral(number) {
                Some(value) => value.deserialize_any(visitor),
                None => self.0.deserialize_any(visitor),
            },
            other => other.deserialize_any(visitor),
        }
    }

    integers! {
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
    }

    as_serde_json! {
        deserialize_bool deserialize_f32 deserialize_f64 deserialize_char deserialize_str deserialize_string
        deserialize_bytes deserialize_byte_buf deserialize_unit deserialize_identifier
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Items(items.iter())),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(map) => visitor.visit_map(Fields {
                entries: map.iter(),
                value: None,
            }),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

struct Items<'a>(std::slice::Iter<'a, Value>);

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|item| seed.deserialize(Strict(item)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Fields<'a> {
    entries: serde_json::map::Iter<'a>,
    value: Option<&'a Value>,
}

impl<'de> MapAccess<'de> for Fields<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(de::value::BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value = self
            .value
            .take()
            .ok_or_else(|| <Error as de::Error>::custom("a value without its key"))?;
        seed.deserialize(Strict(value))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// Reads `value` as a `T` by the document's rules; the error names where in the body it went wrong.
pub fn from_value<'a, T: serde::Deserialize<'a>>(value: &'a Value) -> Result<T, String> {
    serde_path_to_error::deserialize(Strict(value)).map_err(|error| {
        let path = error.path().to_string();
        if path == "." {
            error.inner().to_string()
        } else {
            format!("{path}: {}", error.inner())
        }
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::from_value;

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        count: u8,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        id: Option<u32>,
        #[serde(default)]
        inner: Option<Inner>,
        #[serde(default)]
        list: Vec<Inner>,
    }

    #[test]
    fn an_object_is_never_read_from_an_array() {
        assert!(from_value::<Outer>(&json!([null, null])).is_err());
        let nested = from_value::<Outer>(&json!({ "inner": [1] })).unwrap_err();
        assert!(nested.starts_with("inner"), "{nested}");
        let deep = from_value::<Outer>(&json!({ "list": [{ "count": 1 }, [2]] })).unwrap_err();
        assert!(deep.starts_with("list[1]"), "{deep}");
    }

    #[test]
    fn integers_may_be_written_with_a_zero_fraction() {
        let read = from_value::<Outer>(&json!({ "id": 1.0, "inner": { "count": 2e0 } })).unwrap();
        assert_eq!(read.id, Some(1));
        assert_eq!(read.inner, Some(Inner { count: 2 }));
        assert!(from_value::<Outer>(&json!({ "id": 1.5 })).is_err());
        assert!(from_value::<Outer>(&json!({ "id": -1.0 })).is_err());
        assert!(from_value::<Outer>(&json!({ "inner": { "count": 256.0 } })).is_err());
        let beyond: serde_json::Value =
            serde_json::from_str(r#"{ "at": -9223372036854775809 }"#).unwrap();
        assert!(from_value::<std::collections::BTreeMap<String, i64>>(&beyond).is_err());
        // Through `deserialize_any` too, as an untagged or hand-read type asks.
        let any = from_value::<serde_json::Value>(&json!({ "at": -703.0 })).unwrap();
        assert_eq!(any["at"], json!(-703));
    }

    #[test]
    fn the_rest_reads_as_serde_json_reads_it() {
        let read = from_value::<Outer>(&json!({ "name": "x", "list": [{ "count": 3 }] })).unwrap();
        assert_eq!(read.name.as_deref(), Some("x"));
        assert_eq!(read.list, vec![Inner { count: 3 }]);
        assert!(from_value::<Outer>(&json!({ "nope": 1 })).is_err());
        assert!(from_value::<Outer>(&json!({ "name": 3 })).is_err());
    }
}
