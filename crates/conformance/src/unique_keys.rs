//! JSON text to a [`Value`], refusing an object that names a member twice.
//!
//! `serde_json` keeps the last of two equal keys without a word (and has no option to refuse),
//! while the generated serde types refuse a duplicate field: a body such as
//! `{"data":"x","data":[]}` would pass validation and fail every client. This is serde_json's
//! own `Value` visitor but for the check in its `visit_map`; the check is the lookup the map's
//! insert does anyway, so it costs one branch per member.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

/// Parses `text` as [`jsonschema_oas30::parse_json`] does (`-0` read as the integer `0`),
/// refusing duplicate keys: the error names the key and, as every serde_json error, the line
/// and column where its object ends.
pub fn parse(text: &[u8]) -> serde_json::Result<Value> {
    let text = jsonschema_oas30::negative_zero_as_zero(text);
    let mut deserializer = serde_json::Deserializer::from_slice(&text);
    let value = UniqueKeys.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// The seed that reads one value with unique keys (nested values too).
#[derive(Clone, Copy)]
struct UniqueKeys;

impl<'de> DeserializeSeed<'de> for UniqueKeys {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(UniqueKeysVisitor)
    }
}

struct UniqueKeysVisitor;

impl<'de> Visitor<'de> for UniqueKeysVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        UniqueKeys.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(UniqueKeys)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(UniqueKeys)?;
            // One lookup, as a plain `insert` would do: an occupied entry is the duplicate.
            match members.entry(key) {
                Entry::Vacant(entry) => {
                    entry.insert(value);
                }
                Entry::Occupied(entry) => {
                    return Err(de::Error::custom(format_args!(
                        "the member `{}` appears twice in one object (a client keeps one of them or refuses the body)",
                        entry.key()
                    )));
                }
            }
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::parse;
    use serde_json::json;

    #[test]
    fn a_duplicate_key_is_refused_at_any_depth() {
        let error = parse(br#"{"data":"x","data":[]}"#).unwrap_err();
        assert!(
            error.to_string().contains("`data` appears twice"),
            "{error}"
        );
        let error = parse(br#"{"a":[{"b":1,"c":2,"b":3}]}"#).unwrap_err();
        assert!(error.to_string().contains("`b` appears twice"), "{error}");
    }

    #[test]
    fn values_read_as_serde_json_reads_them() {
        let text = br#"{"a":-0,"b":[1.5,-2,18446744073709551615,null,true,"\u00e9"],"c":{}}"#;
        assert_eq!(
            parse(text).unwrap(),
            json!({"a":0,"b":[1.5,-2,18446744073709551615u64,null,true,"é"],"c":{}})
        );
        assert!(parse(b"{} x").is_err());
        assert!(parse(b"[1,]").is_err());
    }
}
