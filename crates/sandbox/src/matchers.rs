//! What expectations and stubs match a request on, beyond its operation: query parameters,
//! headers and a partial JSON body (every member given is in the body with that value; the
//! body may have more). They see the request as [`crate::TestSandbox::received`] shows it, so a
//! credential or a `writeOnly` member reads as `[redacted]` and cannot be matched on.

use serde_json::Value;

use crate::received::ReceivedRequest;

/// One condition on a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Matcher {
    /// The query parameter `name` has `value` (one of its values, if repeated).
    Query { name: String, value: String },
    /// The header `name` (any case) has `value`.
    Header { name: String, value: String },
    /// The JSON body contains this value: objects by subset, arrays element by element (same
    /// length), anything else equal.
    BodyPartial(Value),
}

/// The query parameter `name` is `value`.
pub fn query(name: impl Into<String>, value: impl Into<String>) -> Matcher {
    Matcher::Query {
        name: name.into(),
        value: value.into(),
    }
}

/// The header `name` (any case) is `value`.
pub fn header(name: impl Into<String>, value: impl Into<String>) -> Matcher {
    Matcher::Header {
        name: name.into().to_ascii_lowercase(),
        value: value.into(),
    }
}

/// The JSON body contains `value` (a subset match: members not named are not looked at).
pub fn body_partial(value: Value) -> Matcher {
    Matcher::BodyPartial(value)
}

impl Matcher {
    /// Whether `request` satisfies it; otherwise what differs.
    pub fn check(&self, request: &ReceivedRequest) -> Result<(), String> {
        match self {
            Matcher::Query { name, value } => one_of("query", &request.query, name, value),
            Matcher::Header { name, value } => one_of("header", &request.headers, name, value),
            Matcher::BodyPartial(expected) => match &request.body {
                None => Err("body: expected JSON, there was none".to_owned()),
                Some(actual) => contains(actual, expected, "")
                    .map_err(|(pointer, why)| format!("body at `{pointer}`: {why}")),
            },
        }
    }

    /// The condition in words, for reports.
    pub fn describe(&self) -> String {
        match self {
            Matcher::Query { name, value } => format!("query {name}={value}"),
            Matcher::Header { name, value } => format!("header {name}: {value}"),
            Matcher::BodyPartial(value) => format!("body contains {value}"),
        }
    }
}

/// Whether one of the `pairs` named `name` (a query parameter or a header may come more than
/// once) has `value`; otherwise what was there, `what` naming the list.
fn one_of(what: &str, pairs: &[(String, String)], name: &str, value: &str) -> Result<(), String> {
    let values: Vec<&str> = pairs
        .iter()
        .filter(|(key, _)| key == name)
        .map(|(_, v)| v.as_str())
        .collect();
    if values.contains(&value) {
        Ok(())
    } else if values.is_empty() {
        Err(format!(
            "{what} `{name}`: expected {value:?}, it was absent"
        ))
    } else {
        Err(format!(
            "{what} `{name}`: expected {value:?}, got {values:?}"
        ))
    }
}

/// Whether `actual` contains `expected` at `pointer`; otherwise the first pointer that differs
/// and how.
fn contains(actual: &Value, expected: &Value, pointer: &str) -> Result<(), (String, String)> {
    match (actual, expected) {
        (Value::Object(actual), Value::Object(expected)) => {
            for (name, wanted) in expected {
                let at = format!("{pointer}/{}", spec_model::escape_pointer(name));
                match actual.get(name) {
                    Some(found) => contains(found, wanted, &at)?,
                    None => return Err((at, format!("expected {wanted}, the member is absent"))),
                }
            }
            Ok(())
        }
        (Value::Array(actual), Value::Array(expected)) if actual.len() == expected.len() => {
            for (index, (found, wanted)) in actual.iter().zip(expected).enumerate() {
                contains(found, wanted, &format!("{pointer}/{index}"))?;
            }
            Ok(())
        }
        _ if actual == expected => Ok(()),
        _ => Err((
            if pointer.is_empty() { "/" } else { pointer }.to_owned(),
            format!("expected {expected}, got {actual}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn with_body(body: Value) -> ReceivedRequest {
        ReceivedRequest {
            sequence: 1,
            operation: Some("create_user"),
            method: "POST".into(),
            path: "/v1/users".into(),
            query: vec![("limit".into(), "5".into())],
            headers: vec![("x-trace".into(), "abc".into())],
            body: Some(body),
            body_bytes: 0,
            status: 201,
            valid: true,
            findings: vec![],
            stubbed: false,
        }
    }

    #[test]
    fn a_partial_body_matches_a_subset_and_names_the_first_difference() {
        let request = with_body(json!({"name": "Ada", "tags": [1, {"a": 2, "b": 3}]}));
        assert_eq!(body_partial(json!({"name": "Ada"})).check(&request), Ok(()));
        assert_eq!(
            body_partial(json!({"tags": [1, {"a": 2}]})).check(&request),
            Ok(())
        );
        assert_eq!(
            body_partial(json!({"tags": [1, {"a": 5}]})).check(&request),
            Err("body at `/tags/1/a`: expected 5, got 2".to_owned())
        );
        assert_eq!(
            body_partial(json!({"email": "a@b"})).check(&request),
            Err("body at `/email`: expected \"a@b\", the member is absent".to_owned())
        );
    }

    #[test]
    fn query_and_header_matchers_say_what_they_found() {
        let request = with_body(json!({}));
        assert_eq!(query("limit", "5").check(&request), Ok(()));
        assert_eq!(
            query("limit", "6").check(&request),
            Err("query `limit`: expected \"6\", got [\"5\"]".to_owned())
        );
        assert_eq!(header("X-Trace", "abc").check(&request), Ok(()));
        assert_eq!(
            header("x-other", "1").check(&request),
            Err("header `x-other`: expected \"1\", it was absent".to_owned())
        );
    }
}
