//! The runtime every generated server crate (`crates/<api>-server`) shares.
//!
//! Generated code describes *what* an API accepts (per-parameter and per-body JSON Schemas
//! converted from the spec, the error-body template, the security scheme); this crate does the
//! *how*: coercing query and path strings into JSON values, validating them and JSON bodies with
//! the `jsonschema` crate, shaping the vendor's error body, bounding request bodies, adding the
//! request id, and turning a panicking implementation into a 500 without taking the server down.
//! It has no HTTP-client dependency. [`serve`] serves a router with the connection-level bounds
//! (header-read timeout, connection cap, bounded shutdown) every server of this project uses.

pub mod serve;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::OnceLock;

mod body;
mod handler;
mod routing;

pub use axum;
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
pub use body::{
    is_timeout, read_body, Limits, DEFAULT_BODY_IDLE_TIMEOUT, DEFAULT_BODY_READ_TIMEOUT,
};
use futures_util::FutureExt;
pub use handler::{handle, Endpoint, Input, Reply};
pub use routing::{method_not_allowed, not_found};
pub use serde_json;
use serde_json::{Map, Value};

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

/// A JSON response.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"null".to_vec());
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A JSON response from a typed body (a body that cannot be serialized gives a 500).
pub fn typed_json<T: serde::Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_value(body) {
        Ok(value) => json_response(status, &value),
        Err(_) => {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            response
        }
    }
}

/// An empty response.
pub fn empty_response(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
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

/// The type of the generated servers' request ids (`Context::request_id`).
pub use uuid::Uuid;

/// A fresh request id (uuid v4).
pub fn new_request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Adds the request-id header (when the API has one and the response lacks it) and the headers
/// the implementation asked for.
pub fn finish(
    api: &ApiDescription,
    mut response: Response,
    request_id: &str,
    extra_headers: &[(String, String)],
) -> Response {
    for (name, value) in extra_headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    if let Some(header) = api.request_id_header {
        if !response.headers().contains_key(header) {
            if let Ok(value) = HeaderValue::try_from(request_id) {
                response
                    .headers_mut()
                    .insert(HeaderName::from_static(header), value);
            }
        }
    }
    response
}

/// Runs an implementation's future; a panic becomes `Err` (the caller answers 500) and the
/// server keeps serving.
pub async fn catch_panic<F: Future>(future: F) -> Result<F::Output, Rejection> {
    AssertUnwindSafe(future).catch_unwind().await.map_err(|_| {
        Rejection::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "the server failed while handling the request",
        )
    })
}

/// Constant-time comparison of two secrets.
pub fn secrets_equal(presented: &str, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    // Lengths are not secret enough to hide; contents are compared in constant time.
    presented.len() == expected.len() && bool::from(presented.as_bytes().ct_eq(expected.as_bytes()))
}

/// A JSON Schema compiled on first use, from JSON text embedded by the generator.
pub struct LazySchema {
    text: &'static str,
    compiled: OnceLock<jsonschema::Validator>,
}

impl LazySchema {
    pub const fn new(text: &'static str) -> Self {
        LazySchema {
            text,
            compiled: OnceLock::new(),
        }
    }

    fn validator(&self) -> &jsonschema::Validator {
        self.compiled.get_or_init(|| {
            let schema: Value =
                serde_json::from_str(self.text).expect("generated schemas are valid JSON");
            jsonschema_oas30::with_oas30_integers(jsonschema::options())
                .should_validate_formats(true)
                .build(&schema)
                .expect("generated schemas compile")
        })
    }

    /// The first violation of `value`: (JSON pointer into the value, message).
    pub fn first_error(&self, value: &Value) -> Option<(String, String)> {
        let validator = self.validator();
        if validator.is_valid(value) {
            return None;
        }
        validator
            .iter_errors(value)
            .next()
            .map(|e| (e.instance_path().as_str().to_owned(), e.to_string()))
    }
}

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

/// Checks the content type, parses and validates a JSON request body.
pub fn json_body(
    headers: &HeaderMap,
    bytes: &[u8],
    schema: &LazySchema,
    required: bool,
    status: StatusCode,
) -> Result<Option<Value>, Rejection> {
    if bytes.is_empty() && !required {
        return Ok(None);
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(Rejection::new(
            status,
            "unsupported_content_type",
            format!(
                "the request body must be application/json, got `{}`",
                if content_type.is_empty() {
                    "nothing"
                } else {
                    content_type
                }
            ),
        ));
    }
    let value: Value = jsonschema_oas30::parse_json(bytes).map_err(|e| {
        Rejection::new(
            status,
            "malformed_json",
            format!(
                "the request body is not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    if let Some((pointer, message)) = schema.first_error(&value) {
        let field = pointer
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        // A missing required property is reported at its parent: name the property.
        let field = if field.is_empty() {
            missing_property(&message).unwrap_or_default()
        } else {
            field
        };
        let mut rejection = Rejection::new(
            status,
            "invalid_body",
            format!(
                "the request body is invalid at `{}`: {message}",
                if pointer.is_empty() { "/" } else { &pointer }
            ),
        );
        if !field.is_empty() {
            rejection = rejection.with_field(field);
        }
        return Err(rejection);
    }
    Ok(Some(value))
}

/// `"name" is a required property` -> `name`.
fn missing_property(message: &str) -> Option<String> {
    let rest = message.strip_prefix('"')?;
    let end = rest.find('"')?;
    message
        .contains("required property")
        .then(|| rest[..end].to_owned())
}

/// Deserializes validated JSON into the generated type (a mismatch here is a generator bug,
/// reported as a 400 rather than a panic).
pub fn from_json<T: serde::de::DeserializeOwned>(
    value: Value,
    status: StatusCode,
) -> Result<T, Rejection> {
    serde_json::from_value(value).map_err(|e| {
        Rejection::new(
            status,
            "invalid_request",
            format!("the request does not match its type: {e}"),
        )
    })
}

/// A 404 or 405 for paths and methods the spec does not have.
pub fn not_routed(
    api: &ApiDescription,
    status: StatusCode,
    allow: Option<&'static str>,
    path: &str,
) -> Response {
    let request_id = new_request_id();
    let rejection = if status == StatusCode::METHOD_NOT_ALLOWED {
        Rejection::new(
            status,
            "method_not_allowed",
            format!(
                "`{path}` does not support this method (allowed: {})",
                allow.unwrap_or("none")
            ),
        )
    } else {
        Rejection::new(status, "not_found", format!("no operation at `{path}`"))
    };
    let mut response = rejection_response(api, &rejection, &request_id);
    if let Some(allow) = allow {
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(allow));
    }
    finish(api, response, &request_id, &[])
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
    fn secrets_compare_by_content() {
        assert!(secrets_equal("demo-token", "demo-token"));
        assert!(!secrets_equal("demo-token", "demo-tokex"));
        assert!(!secrets_equal("demo", "demo-token"));
    }

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

    static COUNT: LazySchema =
        LazySchema::new(r#"{"type": "object", "properties": {"count": {"type": "integer"}}}"#);

    #[test]
    fn integer_fields_refuse_fractions_and_exponents_by_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let status = StatusCode::BAD_REQUEST;
        for text in [
            r#"{"count": 1.0}"#,
            r#"{"count": 1e2}"#,
            r#"{"count": -0.0}"#,
        ] {
            let refused = json_body(&headers, text.as_bytes(), &COUNT, true, status).unwrap_err();
            assert_eq!(refused.field.as_deref(), Some("count"), "{text}");
            assert!(
                refused.message.starts_with("the request body is invalid at `/count`: ")
                    && refused.message.ends_with(
                        "is not of type \"integer\" (OpenAPI 3.0: an integer is written without a fraction or exponent)"
                    ),
                "{text}: {}",
                refused.message
            );
        }
        let zero = json_body(&headers, br#"{"count": -0}"#, &COUNT, true, status).unwrap();
        assert_eq!(zero, Some(serde_json::json!({"count": 0})));
    }
}
