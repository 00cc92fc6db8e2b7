//! `x-timestamp-form` at `info`: how the API writes its date-times, declared once per spec.
//!
//! ```yaml
//! info:
//!   x-timestamp-form:
//!     offset: none              # none (UTC when absent) | Z
//!     fraction-digits: 6        # 0 to 9, or trimmed (trailing zeros dropped)
//!     patterned:                # optional: string schemas with a `pattern` instead of
//!       - '#/components/schemas/Timestamp'     # `format: date-time` that hold a timestamp
//!     unix-seconds:             # optional: integer members holding Unix seconds; their
//!       - '#/components/schemas/DateObject/properties/timestamp'  # object gets `instant()`
//! ```
//!
//! Every `format: date-time` string of the spec is a timestamp in this form; `patterned` names
//! those the vendor sends in a text RFC 3339 rejects (so the spec keeps a `pattern` and
//! validators accept the vendor's values).

use serde_json::Value;
use timestamp_form::{Form, Fraction, Offset};

use crate::{unescape_pointer, Spec};

/// The extension's name.
pub const EXTENSION: &str = "x-timestamp-form";

/// Where the extension sits.
pub const POINTER: &str = "/info/x-timestamp-form";

/// A validated `x-timestamp-form`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampForm {
    pub form: Form,
    /// JSON pointers (without `#`) of the string schemas listed under `patterned`.
    pub patterned: Vec<String>,
    pub unix_seconds: Vec<UnixSeconds>,
}

/// An integer member holding Unix seconds, under `components/schemas`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnixSeconds {
    /// The component schema's name (`DateObject`).
    pub schema: String,
    /// The member's name (`timestamp`).
    pub member: String,
    /// The member schema's pointer (without `#`).
    pub pointer: String,
}

/// A problem with the extension: the pointer at fault and what is wrong.
pub type TimestampFormError = (String, String);

/// Reads and validates the spec's `x-timestamp-form`; `Ok(None)` when it has none.
pub fn timestamp_form(spec: &Spec) -> Result<Option<TimestampForm>, TimestampFormError> {
    let Some(raw) = spec.document.pointer(POINTER) else {
        return Ok(None);
    };
    let fail = |at: String, message: String| Err((at, message));
    let Some(members) = raw.as_object() else {
        return fail(POINTER.into(), format!("`{EXTENSION}` must be an object"));
    };
    const MEMBERS: [&str; 4] = ["offset", "fraction-digits", "patterned", "unix-seconds"];
    if let Some(key) = members.keys().find(|k| !MEMBERS.contains(&k.as_str())) {
        return fail(
            format!("{POINTER}/{}", crate::escape_pointer(key)),
            format!(
                "unknown `{EXTENSION}` member `{key}` (expected {})",
                MEMBERS.join(", ")
            ),
        );
    }
    let offset = match members.get("offset") {
        Some(Value::String(s)) if s == "none" => Offset::None,
        Some(Value::String(s)) if s == "Z" => Offset::Z,
        None => return fail(POINTER.into(), format!("`{EXTENSION}` needs `offset`")),
        Some(other) => {
            return fail(
                format!("{POINTER}/offset"),
                format!("`{EXTENSION}.offset` must be `none` or `Z`, not {other}"),
            )
        }
    };
    let fraction = match members.get("fraction-digits") {
        Some(Value::String(s)) if s == "trimmed" => Fraction::Trimmed,
        Some(Value::Number(n)) if n.as_u64().is_some_and(|n| n <= 9) => {
            Fraction::Digits(n.as_u64().unwrap_or_default() as u8)
        }
        None => {
            return fail(
                POINTER.into(),
                format!("`{EXTENSION}` needs `fraction-digits`"),
            )
        }
        Some(other) => {
            return fail(
                format!("{POINTER}/fraction-digits"),
                format!(
                    "`{EXTENSION}.fraction-digits` must be an integer from 0 to 9 or `trimmed`, not {other}"
                ),
            )
        }
    };
    let patterned = pointers(spec, members, "patterned")?
        .into_iter()
        .map(|(at, pointer, schema)| {
            let is_string = schema.get("type").and_then(Value::as_str) == Some("string");
            if !is_string || schema.get("pattern").is_none() || schema.get("format").is_some() {
                return Err((
                    at,
                    format!(
                        "`{EXTENSION}.patterned` names `#{pointer}`, which is not a string schema with a `pattern` and no `format` (a `format: date-time` string is a timestamp already)"
                    ),
                ));
            }
            Ok(pointer)
        })
        .collect::<Result<_, _>>()?;
    let unix_seconds = pointers(spec, members, "unix-seconds")?
        .into_iter()
        .map(|(at, pointer, schema)| {
            let segments: Vec<String> = pointer.split('/').skip(1).map(unescape_pointer).collect();
            let is_integer = schema.get("type").and_then(Value::as_str) == Some("integer");
            match segments.as_slice() {
                [components, schemas, name, properties, member]
                    if components == "components"
                        && schemas == "schemas"
                        && properties == "properties"
                        && is_integer =>
                {
                    Ok(UnixSeconds {
                        schema: name.clone(),
                        member: member.clone(),
                        pointer,
                    })
                }
                _ => Err((
                    at,
                    format!(
                        "`{EXTENSION}.unix-seconds` names `#{pointer}`, which is not an integer property of a schema under components/schemas (`#/components/schemas/<name>/properties/<member>`)"
                    ),
                )),
            }
        })
        .collect::<Result<_, _>>()?;
    Ok(Some(TimestampForm {
        form: Form::new(offset, fraction),
        patterned,
        unix_seconds,
    }))
}

/// The `#/...` pointers listed under `key`, each with its own pointer, its target's pointer and
/// the target.
fn pointers<'a>(
    spec: &'a Spec,
    members: &serde_json::Map<String, Value>,
    key: &str,
) -> Result<Vec<(String, String, &'a Value)>, TimestampFormError> {
    let list_pointer = format!("{POINTER}/{key}");
    let list = match members.get(key) {
        None => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => {
            return Err((
                list_pointer,
                format!("`{EXTENSION}.{key}` must be a list of `#/...` pointers"),
            ))
        }
    };
    let mut out = Vec::new();
    for (index, item) in list.iter().enumerate() {
        let at = format!("{list_pointer}/{index}");
        let target = item
            .as_str()
            .and_then(|text| text.strip_prefix('#'))
            .filter(|pointer| pointer.starts_with('/'));
        let Some(pointer) = target else {
            return Err((
                at,
                format!("`{EXTENSION}.{key}` items are `#/...` pointers, not {item}"),
            ));
        };
        let Some(schema) = spec.document.pointer(pointer) else {
            return Err((
                at,
                format!("`{EXTENSION}.{key}` names `#{pointer}`, which does not exist"),
            ));
        };
        out.push((at, pointer.to_owned(), schema));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "openapi: 3.0.3\ninfo:\n  title: t\n  version: 1.0.0\n  x-timestamp-form:\nEXT\npaths: {}\ncomponents:\n  schemas:\n    Stamp:\n      type: string\n      pattern: '^x$'\n    Dated:\n      type: string\n      format: date-time\n    Object:\n      type: object\n      properties:\n        seconds:\n          type: integer\n";

    fn read(extension: &str) -> Result<Option<TimestampForm>, String> {
        let text = BASE.replace("EXT", extension);
        let spec = crate::parse("fx.yaml", text).expect("the test spec parses");
        timestamp_form(&spec).map_err(|(pointer, message)| {
            format!("{}: {pointer}: {message}", spec.location(&pointer))
        })
    }

    #[test]
    fn a_declared_form_reads_with_its_lists() {
        let declared = read("    offset: none\n    fraction-digits: 6\n    patterned: ['#/components/schemas/Stamp']\n    unix-seconds:\n      - '#/components/schemas/Object/properties/seconds'").unwrap().unwrap();
        assert_eq!(declared.form, Form::new(Offset::None, Fraction::Digits(6)));
        assert_eq!(declared.patterned, ["/components/schemas/Stamp"]);
        assert_eq!(declared.unix_seconds[0].schema, "Object");
        assert_eq!(declared.unix_seconds[0].member, "seconds");
        let trimmed = read("    offset: Z\n    fraction-digits: trimmed")
            .unwrap()
            .unwrap();
        assert_eq!(trimmed.form, Form::new(Offset::Z, Fraction::Trimmed));
    }

    #[test]
    fn bad_values_are_located() {
        let cases = [
            ("    offset: local\n    fraction-digits: 6", "fx.yaml:6: /info/x-timestamp-form/offset: `x-timestamp-form.offset` must be `none` or `Z`, not \"local\""),
            ("    offset: Z\n    fraction-digits: 10", "fx.yaml:7: /info/x-timestamp-form/fraction-digits: `x-timestamp-form.fraction-digits` must be an integer from 0 to 9 or `trimmed`, not 10"),
            ("    offset: Z", "fx.yaml:5: /info/x-timestamp-form: `x-timestamp-form` needs `fraction-digits`"),
            ("    offset: Z\n    fraction-digits: 3\n    digits: 3", "fx.yaml:8: /info/x-timestamp-form/digits: unknown `x-timestamp-form` member `digits` (expected offset, fraction-digits, patterned, unix-seconds)"),
            ("    offset: Z\n    fraction-digits: 3\n    patterned:\n      - '#/components/schemas/Dated'", "fx.yaml:9: /info/x-timestamp-form/patterned/0: `x-timestamp-form.patterned` names `#/components/schemas/Dated`, which is not a string schema with a `pattern` and no `format` (a `format: date-time` string is a timestamp already)"),
            ("    offset: Z\n    fraction-digits: 3\n    patterned:\n      - '#/components/schemas/Gone'", "fx.yaml:9: /info/x-timestamp-form/patterned/0: `x-timestamp-form.patterned` names `#/components/schemas/Gone`, which does not exist"),
            ("    offset: Z\n    fraction-digits: 3\n    unix-seconds:\n      - '#/components/schemas/Stamp'", "fx.yaml:9: /info/x-timestamp-form/unix-seconds/0: `x-timestamp-form.unix-seconds` names `#/components/schemas/Stamp`, which is not an integer property of a schema under components/schemas (`#/components/schemas/<name>/properties/<member>`)"),
            ("    offset: Z\n    fraction-digits: 3\n    unix-seconds: components", "fx.yaml:8: /info/x-timestamp-form/unix-seconds: `x-timestamp-form.unix-seconds` must be a list of `#/...` pointers"),
        ];
        for (extension, expected) in cases {
            assert_eq!(read(extension).unwrap_err(), expected, "{extension}");
        }
    }
}
