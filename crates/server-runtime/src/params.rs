//! Query and path parameters: the query string decoded strictly, each declared parameter
//! coerced from its text to JSON and validated against its schema.

use axum::http::StatusCode;
use serde_json::{Map, Value};

use crate::error_body::Rejection;
use crate::schema::LazySchema;

/// How a parameter's text is read as JSON before validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    String,
    Integer,
    Number,
    Boolean,
}

/// One declared parameter, as the generator describes it.
pub struct ParamSpec {
    pub name: &'static str,
    pub kind: ParamKind,
    pub required: bool,
    /// The schema's `default`, as JSON text.
    pub default: Option<&'static str>,
    pub schema: &'static LazySchema,
}

/// Reads, coerces and validates declared parameters from name/value pairs, into a JSON object
/// keyed by parameter name (defaults filled in). `location` is `query` or `path`. A query
/// parameter the operation does not declare is refused: it is almost always a misspelling
/// (`offest`) that would otherwise be silently ignored.
pub fn read_params(
    pairs: &[(String, String)],
    specs: &[ParamSpec],
    location: &str,
    status: StatusCode,
) -> Result<Map<String, Value>, Rejection> {
    if location == "query" {
        if let Some((unknown, _)) = pairs
            .iter()
            .find(|(name, _)| !specs.iter().any(|spec| spec.name == name))
        {
            let declared: Vec<&str> = specs.iter().map(|spec| spec.name).collect();
            return Err(Rejection::new(
                status,
                "unknown_parameter",
                format!(
                    "the query parameter `{unknown}` is not one of this operation's ({})",
                    declared.join(", ")
                ),
            )
            .with_field(unknown));
        }
    }
    let mut out = Map::new();
    for spec in specs {
        let invalid = |message: String| {
            Rejection::new(status, "invalid_parameter", message).with_field(spec.name)
        };
        let mut values = pairs.iter().filter(|(name, _)| name == spec.name);
        let raw = values.next().map(|(_, v)| v);
        // Every parameter is a scalar: a second value would go unvalidated or shadow the first.
        if values.next().is_some() {
            return Err(invalid(format!(
                "the {location} parameter `{}` is given more than once; it takes one value",
                spec.name
            )));
        }
        let Some(raw) = raw else {
            if spec.required {
                return Err(invalid(format!(
                    "the {location} parameter `{}` is required",
                    spec.name
                )));
            }
            if let Some(default) = spec.default {
                if let Ok(value) = serde_json::from_str(default) {
                    out.insert(spec.name.to_owned(), value);
                }
            }
            continue;
        };
        let value = match spec.kind {
            ParamKind::String => Value::String(raw.clone()),
            ParamKind::Integer => raw.parse::<i64>().map(Value::from).map_err(|_| {
                invalid(format!(
                    "the {location} parameter `{}` must be an integer, got `{raw}`",
                    spec.name
                ))
            })?,
            ParamKind::Number => raw
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .ok_or_else(|| {
                    invalid(format!(
                        "the {location} parameter `{}` must be a number, got `{raw}`",
                        spec.name
                    ))
                })?,
            ParamKind::Boolean => match raw.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => {
                    return Err(invalid(format!(
                        "the {location} parameter `{}` must be true or false, got `{raw}`",
                        spec.name
                    )))
                }
            },
        };
        if let Some((_, message)) = spec.schema.first_error(&value) {
            return Err(invalid(format!(
                "the {location} parameter `{}` is invalid: {message}",
                spec.name
            )));
        }
        out.insert(spec.name.to_owned(), value);
    }
    Ok(out)
}

/// The query string as name/value pairs, decoded as a form (`+` is a space, `%XX` a byte).
/// A name or value whose bytes are not UTF-8 is refused, as in a path: replacing them with
/// U+FFFD would validate text the client did not send.
pub fn query_pairs(
    query: Option<&str>,
    status: StatusCode,
) -> Result<Vec<(String, String)>, Rejection> {
    let mut pairs = Vec::new();
    for piece in query.unwrap_or_default().split('&') {
        if piece.is_empty() {
            continue;
        }
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        let name = decode_query_text(name).map_err(|_| {
            Rejection::new(
                status,
                "invalid_query",
                format!("the query string is malformed: the parameter name `{name}` is not UTF-8 once percent-decoded"),
            )
        })?;
        let value = decode_query_text(value).map_err(|_| {
            Rejection::new(
                status,
                "invalid_query",
                format!(
                    "the query parameter `{name}` is not UTF-8 once percent-decoded (`{value}`)"
                ),
            )
            .with_field(name.as_str())
        })?;
        pairs.push((name, value));
    }
    Ok(pairs)
}

/// One name or value of a form-encoded query, strictly UTF-8.
fn decode_query_text(text: &str) -> Result<String, std::string::FromUtf8Error> {
    let spaced = text.replace('+', " ");
    String::from_utf8(percent_encoding::percent_decode_str(&spaced).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    static LIMIT: LazySchema =
        LazySchema::new(r#"{"type": "integer", "minimum": 1, "maximum": 100}"#);

    #[test]
    fn params_are_coerced_validated_and_defaulted() {
        let specs = [ParamSpec {
            name: "limit",
            kind: ParamKind::Integer,
            required: false,
            default: Some("10"),
            schema: &LIMIT,
        }];
        let status = StatusCode::BAD_REQUEST;
        let ok = read_params(&[("limit".into(), "5".into())], &specs, "query", status).unwrap();
        assert_eq!(ok["limit"], 5);
        let defaulted = read_params(&[], &specs, "query", status).unwrap();
        assert_eq!(defaulted["limit"], 10);
        let too_big =
            read_params(&[("limit".into(), "101".into())], &specs, "query", status).unwrap_err();
        assert_eq!(too_big.field.as_deref(), Some("limit"));
        let not_int =
            read_params(&[("limit".into(), "x".into())], &specs, "query", status).unwrap_err();
        assert!(
            not_int.message.contains("must be an integer"),
            "{}",
            not_int.message
        );
    }

    #[test]
    fn query_values_are_strict_utf8_and_scalars_single() {
        let status = StatusCode::BAD_REQUEST;
        assert_eq!(
            query_pairs(Some("a=x+y%21&&b&c=%E2%82%AC"), status).unwrap(),
            [
                ("a".into(), "x y!".into()),
                ("b".into(), String::new()),
                ("c".into(), "€".into())
            ]
        );
        let bad = query_pairs(Some("name=%ff"), status).unwrap_err();
        assert_eq!(
            (bad.code, bad.message.as_str(), bad.field.as_deref()),
            (
                "invalid_query",
                "the query parameter `name` is not UTF-8 once percent-decoded (`%ff`)",
                Some("name")
            )
        );
        let specs = [ParamSpec {
            name: "limit",
            kind: ParamKind::Integer,
            required: false,
            default: None,
            schema: &LIMIT,
        }];
        let pairs = query_pairs(Some("limit=1&limit=abc"), status).unwrap();
        let repeated = read_params(&pairs, &specs, "query", status).unwrap_err();
        assert_eq!(
            repeated.message,
            "the query parameter `limit` is given more than once; it takes one value"
        );
        assert_eq!(repeated.field.as_deref(), Some("limit"));
    }
}
