//! OpenAPI 3.0's integers for validators built on the `jsonschema` crate: the servers'
//! (`server-runtime`) and the conformance validator use it, so both read a body alike.
//!
//! OpenAPI 3.0 takes its `type` from JSON Schema draft 4/5, where an integer is "a JSON number
//! without a fraction or exponent part" (openapi-schema-validator reads it so): `1.0`, `1e2` and
//! `-0.0` are not integers, `-0` is. JSON Schema 2020-12, which `openapi-jsonschema` produces and
//! the `jsonschema` crate validates, calls every number with a zero fraction an integer, so a
//! body carrying `1.0` for an integer field would pass the schema and then fail in the generated
//! types with a message naming no field. [`with_oas30_integers`] puts the draft 4 rule back;
//! [`parse_json`] reads `-0` as the integer it is written as.
//!
//! With `serde_json` (no `arbitrary_precision`), a number parsed from text is a float exactly
//! when its text has a fraction or exponent, except `-0` (and integers beyond 64 bits): so the
//! rule is checked on the parsed value, once [`parse_json`] has turned `-0` into `0`.

use std::borrow::Cow;

use jsonschema::{Keyword, ValidationError, ValidationOptions};
use serde_json::{Map, Value};

/// `options` with the `type` keyword following OpenAPI 3.0's integer rule (see the module docs).
/// The messages are those of the `jsonschema` crate's own `type` keyword.
pub fn with_oas30_integers(options: ValidationOptions<'_>) -> ValidationOptions<'_> {
    options.with_keyword("type", compile_type)
}

/// Parses JSON text, reading a `-0` number as the integer `0` (serde_json makes it the float
/// `-0.0`, indistinguishable from the text `-0.0`). Errors are serde_json's, with the same line
/// and column as for the original text.
pub fn parse_json(text: &[u8]) -> serde_json::Result<Value> {
    serde_json::from_slice(&negative_zero_as_zero(text))
}

/// JSON text with its `-0` number tokens (outside strings) rewritten to ` 0`, which keeps every
/// offset: for parsing into a type of one's own, as [`parse_json`] does into a [`Value`].
pub fn negative_zero_as_zero(text: &[u8]) -> Cow<'_, [u8]> {
    // Jumps between the bytes that matter (memchr): outside a string `"` and `-`, inside one
    // `"` and `\\`. A body is mostly string content, so this skips most of it; the byte-by-byte
    // scan it replaces was an eighth of `traffic`'s time.
    let mut positions = Vec::new();
    let mut index = 0;
    while let Some(offset) = text
        .get(index..)
        .and_then(|rest| memchr::memchr2(b'"', b'-', rest))
    {
        let at = index + offset;
        if text[at] == b'-' {
            // Outside a string, `-` can only start a number.
            if text.get(at + 1) == Some(&b'0')
                && !matches!(text.get(at + 2), Some(b'.' | b'e' | b'E' | b'0'..=b'9'))
            {
                positions.push(at);
            }
            index = at + 1;
            continue;
        }
        // A string: its end is the first `"` not escaped (an unterminated one ends the text,
        // and the parser reports it).
        let mut cursor = at + 1;
        index = text.len();
        while let Some(offset) = text
            .get(cursor..)
            .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
        {
            let at = cursor + offset;
            if text[at] == b'\\' {
                cursor = at + 2;
            } else {
                index = at + 1;
                break;
            }
        }
    }
    if positions.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut owned = text.to_vec();
    for index in positions {
        owned[index] = b' ';
    }
    Cow::Owned(owned)
}

/// The JSON types a `type` keyword allows.
struct TypeKeyword {
    /// As written in the schema (one name, or a list).
    types: Vec<String>,
}

fn compile_type<'a>(
    _parent: &'a Map<String, Value>,
    value: &'a Value,
    _location: jsonschema::paths::Location,
) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
    let types = match value {
        Value::String(name) => vec![name.clone()],
        Value::Array(names) => names
            .iter()
            .map(|name| {
                name.as_str().map(str::to_owned).ok_or_else(|| {
                    ValidationError::custom("`type` lists a name that is not a string")
                })
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(ValidationError::custom(
                "`type` is neither a type name nor a list of them",
            ))
        }
    };
    if let Some(unknown) = types.iter().find(|name| {
        !matches!(
            name.as_str(),
            "array" | "boolean" | "integer" | "null" | "number" | "object" | "string"
        )
    }) {
        return Err(ValidationError::custom(format!(
            "`{unknown}` is not a JSON Schema type"
        )));
    }
    Ok(Box::new(TypeKeyword { types }))
}

/// Whether `value` is of the JSON Schema type `name`, integers as OpenAPI 3.0 reads them.
fn is_of_type(value: &Value, name: &str) -> bool {
    match (name, value) {
        ("null", Value::Null)
        | ("boolean", Value::Bool(_))
        | ("string", Value::String(_))
        | ("array", Value::Array(_))
        | ("object", Value::Object(_))
        | ("number", Value::Number(_)) => true,
        ("integer", Value::Number(number)) => number.is_i64() || number.is_u64(),
        _ => false,
    }
}

impl<'i> Keyword<'i> for TypeKeyword {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        if self.is_valid(instance) {
            return Ok(());
        }
        let quoted: Vec<String> = self.types.iter().map(|t| format!("\"{t}\"")).collect();
        let mut message = if quoted.len() == 1 {
            format!("{instance} is not of type {}", quoted[0])
        } else {
            format!("{instance} is not of types {}", quoted.join(", "))
        };
        if instance.is_f64() && self.types.iter().any(|t| t == "integer") {
            message
                .push_str(" (OpenAPI 3.0: an integer is written without a fraction or exponent)");
        }
        Err(ValidationError::custom(message))
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        self.types.iter().any(|name| is_of_type(instance, name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn validator(schema: Value) -> jsonschema::Validator {
        with_oas30_integers(jsonschema::options())
            .build(&schema)
            .expect("schema compiles")
    }

    #[test]
    fn integers_are_written_without_fraction_or_exponent() {
        let integer = validator(json!({"type": "integer"}));
        for text in ["1", "-0", "0", "-7", "18446744073709551615"] {
            assert!(
                integer.is_valid(&parse_json(text.as_bytes()).unwrap()),
                "{text}"
            );
        }
        for text in ["1.0", "1e2", "-0.0", "0.5", "1E0"] {
            let value = parse_json(text.as_bytes()).unwrap();
            assert!(!integer.is_valid(&value), "{text}");
            let error = integer.iter_errors(&value).next().unwrap().to_string();
            assert!(
                error.ends_with(
                    "is not of type \"integer\" (OpenAPI 3.0: an integer is written without a fraction or exponent)"
                ),
                "{text}: {error}"
            );
        }
        let number = validator(json!({"type": "number"}));
        assert!(number.is_valid(&json!(1.0)));
        assert!(number.is_valid(&json!(1)));
    }

    #[test]
    fn other_types_keep_the_crates_messages() {
        let nullable = validator(json!({"type": ["integer", "null"]}));
        assert!(nullable.is_valid(&Value::Null));
        assert_eq!(
            nullable
                .iter_errors(&json!("x"))
                .next()
                .unwrap()
                .to_string(),
            r#""x" is not of types "integer", "null""#
        );
        let object = validator(json!({"properties": {"n": {"type": "integer"}}}));
        let body = json!({"n": 2.0});
        let error = object.iter_errors(&body).next().unwrap();
        assert_eq!(error.instance_path().as_str(), "/n");
        assert!(
            validator(json!({"type": "array", "items": {"type": "integer"}}))
                .iter_errors(&json!([1, 1e2]))
                .next()
                .is_some_and(|e| e.instance_path().as_str() == "/1")
        );
    }

    #[test]
    fn negative_zero_is_rewritten_only_as_a_number() {
        assert_eq!(parse_json(b"[-0, -0.0, \"-0\", -01]").ok(), None);
        assert_eq!(
            parse_json(br#"{"a": -0, "b": "x\"-0", "c": -0.0, "d": -0e1}"#).unwrap(),
            json!({"a": 0, "b": "x\"-0", "c": -0.0, "d": -0.0})
        );
        assert!(parse_json(b"-0").unwrap().is_u64());
        let error = parse_json(b"{\"a\": -0,}").unwrap_err();
        assert_eq!((error.line(), error.column()), (1, 10));
    }

    /// The byte-by-byte scan `negative_zero_as_zero` replaced, kept as the oracle.
    fn negative_zeros_byte_by_byte(text: &[u8]) -> Vec<usize> {
        let (mut positions, mut in_string, mut escaped) = (Vec::new(), false, false);
        for (index, &byte) in text.iter().enumerate() {
            if in_string {
                match (escaped, byte) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_string = false,
                    _ => {}
                }
                continue;
            }
            match byte {
                b'"' => in_string = true,
                b'-' if text.get(index + 1) == Some(&b'0')
                    && !matches!(text.get(index + 2), Some(b'.' | b'e' | b'E' | b'0'..=b'9')) =>
                {
                    positions.push(index)
                }
                _ => {}
            }
        }
        positions
    }

    #[test]
    fn the_scan_finds_what_a_byte_by_byte_scan_finds() {
        let cases: &[&[u8]] = &[
            b"",
            b"-0",
            b"-",
            b"\"",
            b"\"\\",
            b"\"\\\"-0",
            b"\"a\\\\\"-0",
            br#"{"a":"\\"," b":-0,"c":"\"-0\"","d":[-0,-0.5,-00,-0e1,-0]}"#,
            br#"["2024-01-05T10:00:00-03:00", -0, "-0", "\u0022-0", -0]"#,
            br#"{"unterminated": "-0 -0"#,
            b"-0-0 -0\"-0\" -0\\ -0",
        ];
        for text in cases {
            let rewritten = negative_zero_as_zero(text);
            let expected = negative_zeros_byte_by_byte(text);
            let changed: Vec<usize> = (0..text.len())
                .filter(|&i| rewritten[i] != text[i])
                .collect();
            assert_eq!(changed, expected, "{}", String::from_utf8_lossy(text));
            assert!(changed.iter().all(|&i| rewritten[i] == b' '));
        }
    }
}
