//! The vendor's error body: what a server answers when it refuses a request itself, filled from
//! the spec's `x-error-template`, one pass over the template so client text is never expanded.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value};

use crate::response::json_response;

/// What a generated server tells the runtime about its API.
#[derive(Debug)]
pub struct ApiDescription {
    /// The spec's `x-error-template` (JSON text): the body of errors the server raises itself.
    pub error_template: &'static str,
    /// The response header carrying the request id on every response, if the spec has one.
    pub request_id_header: Option<&'static str>,
}

/// An error the server raises before (or instead of) calling the implementation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub status: StatusCode,
    /// Machine-readable reason (`invalid_parameter`, `unauthorized`, `not_found`...).
    pub code: &'static str,
    pub message: String,
    /// The parameter or body field at fault.
    pub field: Option<String>,
}

impl Rejection {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Rejection {
            status,
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

/// The error body of `api` for a status, filled from its `x-error-template`.
pub fn error_body(
    api: &ApiDescription,
    status: u16,
    code: &str,
    message: &str,
    field: Option<&str>,
    request_id: &str,
) -> Value {
    let template: Value = serde_json::from_str(api.error_template).unwrap_or(Value::Null);
    let category = match status {
        401 | 403 => "authentication_error",
        500..=599 => "api_error",
        _ => "invalid_request_error",
    };
    // The reason phrase as one word (`BadRequest`, `PayloadTooLarge`): Instabot's style.
    let reason: String = StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error")
        .split(' ')
        .collect();
    let status_text = status.to_string();
    let fill = |text: &str| {
        substitute_once(text, |name| match name {
            "code" => Some(code),
            "reason" => Some(&reason),
            "message" => Some(message),
            "request_id" => Some(request_id),
            "category" => Some(category),
            "status" => Some(&status_text),
            "field" => Some(field.unwrap_or_default()),
            _ => None,
        })
    };
    fn walk(
        value: Value,
        status: u16,
        field: Option<&str>,
        fill: &dyn Fn(&str) -> String,
    ) -> Value {
        match value {
            Value::String(s) if s == "{status}" => Value::from(status),
            Value::String(s) => Value::String(fill(&s)),
            Value::Array(items) => Value::Array(
                items
                    .into_iter()
                    .map(|v| walk(v, status, field, fill))
                    .collect(),
            ),
            Value::Object(map) => {
                let mut out = Map::new();
                for (key, value) in map {
                    let key = if key == "{field}" {
                        match field {
                            Some(field) => field.to_owned(),
                            None => continue,
                        }
                    } else {
                        key
                    };
                    let value = walk(value, status, field, fill);
                    // An object left empty by a missing field is dropped with it.
                    if value.as_object().is_some_and(Map::is_empty) {
                        continue;
                    }
                    out.insert(key, value);
                }
                Value::Object(out)
            }
            other => other,
        }
    }
    walk(template, status, field, &fill)
}

/// Replaces each `{name}` of `template` that `value_of` knows, in one pass: the values put in
/// are never scanned again, so a message quoting client input such as `{category}` stays as
/// sent. Unknown placeholders are left as they are.
fn substitute_once<'v>(template: &str, value_of: impl Fn(&str) -> Option<&'v str>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let known = after
            .find('}')
            .and_then(|close| value_of(&after[..close]).map(|value| (close, value)));
        match known {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The response for a [`Rejection`].
pub fn rejection_response(
    api: &ApiDescription,
    rejection: &Rejection,
    request_id: &str,
) -> Response {
    let body = error_body(
        api,
        rejection.status.as_u16(),
        rejection.code,
        &rejection.message,
        rejection.field.as_deref(),
        request_id,
    );
    json_response(rejection.status, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LARAVEL: ApiDescription = ApiDescription {
        error_template: r#"{"message": "{message}", "errors": {"{field}": ["{message}"]}}"#,
        request_id_header: None,
    };

    #[test]
    fn error_template_fills_placeholders_and_drops_field_free_members() {
        assert_eq!(
            error_body(&LARAVEL, 422, "invalid_body", "bad", Some("email"), "r"),
            serde_json::json!({"message": "bad", "errors": {"email": ["bad"]}})
        );
        assert_eq!(
            error_body(&LARAVEL, 401, "unauthorized", "no", None, "r"),
            serde_json::json!({"message": "no"})
        );
        let api = ApiDescription {
            error_template: r#"{"error": {"status_code": "{status}", "type": "{category}", "request_id": "{request_id}"}}"#,
            request_id_header: Some("request-id"),
        };
        assert_eq!(
            error_body(&api, 401, "x", "m", None, "abc"),
            serde_json::json!({"error": {"status_code": 401, "type": "authentication_error", "request_id": "abc"}})
        );
        let instabot = ApiDescription {
            error_template: r#"{"apiStatusCode": "{reason}", "message": "{message}"}"#,
            request_id_header: None,
        };
        for (status, reason) in [
            (400, "BadRequest"),
            (404, "NotFound"),
            (413, "PayloadTooLarge"),
            (500, "InternalServerError"),
        ] {
            assert_eq!(
                error_body(&instabot, status, "x", "m", None, "r"),
                serde_json::json!({"apiStatusCode": reason, "message": "m"})
            );
        }
    }

    #[test]
    fn values_are_substituted_once_never_expanded() {
        let api = ApiDescription {
            error_template: r#"{"type": "{category}", "message": "{message}", "f": "{field}"}"#,
            request_id_header: None,
        };
        let message = r#"No user with external_id "{category}" {status} {request_id} {unknown"#;
        assert_eq!(
            error_body(&api, 404, "x", message, Some("{message}"), "r"),
            serde_json::json!({"type": "invalid_request_error", "message": message, "f": "{message}"})
        );
        assert_eq!(
            substitute_once("{a}{b}{", |n| (n == "a").then_some("{b}")),
            "{b}{b}{"
        );
    }
}
