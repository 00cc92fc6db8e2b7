//! Conventions of each operation: its name, statuses, media types, parameters and bodies.

use heck::ToSnakeCase;
use serde_json::{Map, Value};
use spec_model::{escape_pointer, OperationRef, ParameterRef, Spec};

use super::Findings;
use crate::model::status;

/// The only media type of request and response bodies the generators read and write.
const JSON: &str = "application/json";

/// Names the generated server's handler and trait method already use for their own inputs: a
/// path parameter (an argument of both) named so would collide with them in Rust.
const RESERVED_PARAMETER_NAMES: &[&str] = &[
    "authenticate",
    "body",
    "credentials",
    "ctx",
    "endpoint",
    "input",
    "query",
    "request",
    "response",
    "shared",
];

/// More inputs than this makes a generated method `clippy::too_many_arguments`.
const MAX_PARAMETERS: usize = 7;

pub(super) fn check(spec: &Spec, found: &mut Findings) {
    for op in spec.operations() {
        let pointer = op.pointer();
        operation_id(&op, &pointer, found);
        extensions(&op, &pointer, found);
        parameters(spec, &op, &pointer, found);
        request_body(spec, &op, &pointer, found);
        responses(spec, &op, &pointer, found);
    }
}

fn operation_id(op: &OperationRef<'_>, pointer: &str, found: &mut Findings) {
    // A missing operationId is reported by `spec_model::check`.
    let Some(id) = &op.operation.operation_id else {
        return;
    };
    let snake = id.to_snake_case();
    let is_snake_case = !id.is_empty()
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !id.contains("__")
        && !id.ends_with('_');
    if !is_snake_case {
        found.push(
            format!("{pointer}/operationId"),
            format!(
                "operationId `{id}` is not snake_case: write `{snake}` (it names the client \
                 method, the server trait method and the handler)"
            ),
        );
    }
}

/// progenitor's dropshot extensions change what it generates (pagination streams, websocket
/// upgrades) in ways our emitters do not follow.
fn extensions(op: &OperationRef<'_>, pointer: &str, found: &mut Findings) {
    let Some(members) = op.value.as_object() else {
        return;
    };
    for name in members.keys().filter(|k| k.starts_with("x-dropshot-")) {
        let instead = if name == "x-dropshot-pagination" {
            "; state how the operation pages in `x-pagination` (offset, limit and items)"
        } else {
            ""
        };
        found.push(
            format!("{pointer}/{}", escape_pointer(name)),
            format!("`{name}` is not read by the generators: remove it{instead}"),
        );
    }
}

/// The operation's parameters with the path item's, the operation's own taking precedence.
fn parameters(spec: &Spec, op: &OperationRef<'_>, pointer: &str, found: &mut Findings) {
    // A broken `$ref` is reported by `spec_model::check`.
    let listed: Vec<_> = spec.parameters(pointer).into_iter().flatten().collect();
    for param in &listed {
        parameter(spec, op, param, found);
    }
    if listed.len() > MAX_PARAMETERS {
        found.push(
            format!("{pointer}/parameters"),
            format!(
                "operation `{}` takes {} parameters; the generators take at most {MAX_PARAMETERS} \
                 (group the others into a request body, or split the operation)",
                op.name(),
                listed.len()
            ),
        );
    }
}

fn parameter(spec: &Spec, op: &OperationRef<'_>, param: &ParameterRef<'_>, found: &mut Findings) {
    let (pointer, name, location) = (param.pointer.as_str(), param.name, param.location);
    if !matches!(location, "path" | "query") {
        found.push(
            format!("{pointer}/in"),
            format!(
                "parameter `{name}` of `{}` is in `{location}`: the generators read only `path` \
                 and `query` parameters (a header the API needs on every request is a security \
                 scheme)",
                op.name()
            ),
        );
    }
    let rust_name = name.to_snake_case();
    let builder_methods = crate::emit::operations::RESERVED;
    if builder_methods.contains(&rust_name.as_str()) {
        found.push(
            format!("{pointer}/name"),
            format!(
                "parameter `{name}` of `{}` has the Rust name `{rust_name}`, which the client's \
                 request builder uses for a method of its own ({}): the generators cannot \
                 rename it yet",
                op.name(),
                builder_methods.join(", ")
            ),
        );
    }
    // Query parameters are members of a struct of their own; path parameters are arguments.
    else if location == "path" && RESERVED_PARAMETER_NAMES.contains(&rust_name.as_str()) {
        found.push(
            format!("{pointer}/name"),
            format!(
                "parameter `{name}` of `{}` has the Rust name `{rust_name}`, which the generated \
                 server uses for its own input: the generators cannot rename it yet",
                op.name()
            ),
        );
    }
    let schema = param
        .value
        .get("schema")
        .and_then(|s| spec.follow(s).ok())
        .map(|f| f.value);
    if let Some(schema) = schema {
        let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
        let minimum = schema.get("minimum").and_then(Value::as_f64);
        let exclusive = schema.get("exclusiveMinimum").and_then(Value::as_bool) == Some(true);
        let non_zero = minimum.is_some_and(|m| m >= 1.0 || (exclusive && m >= 0.0));
        if format.starts_with("uint") && non_zero {
            found.push(
                format!("{pointer}/schema"),
                format!(
                    "parameter `{name}` of `{}` is a `{format}` with a minimum of at least 1, \
                     which becomes `NonZero` in Rust and is not read by the generated server yet: \
                     write `format: int64` (the minimum stays)",
                    op.name()
                ),
            );
        }
    }
}

fn request_body(spec: &Spec, op: &OperationRef<'_>, pointer: &str, found: &mut Findings) {
    let here = format!("{pointer}/requestBody");
    let Some(raw) = op.value.get("requestBody") else {
        return;
    };
    let Ok(followed) = spec.follow(raw) else {
        return;
    };
    let body_pointer = followed.pointer_or(&here);
    let body = followed.value;
    if body.get("required").and_then(Value::as_bool) != Some(true) {
        found.push(
            body_pointer.clone(),
            format!(
                "the request body of `{}` is optional: the generators take a request body only \
                 as required; add `required: true` (or split the operation)",
                op.name()
            ),
        );
    }
    if let Some(content) = body.get("content").and_then(Value::as_object) {
        media_types(
            spec,
            content,
            &format!("{body_pointer}/content"),
            "request body",
            found,
        );
    }
}

fn responses(spec: &Spec, op: &OperationRef<'_>, pointer: &str, found: &mut Findings) {
    // A missing `responses` is reported by `spec_model::check`.
    let Some(responses) = op.value.get("responses").and_then(Value::as_object) else {
        return;
    };
    let mut has_error_body = false;
    for (status, raw) in responses {
        let status_pointer = format!("{pointer}/responses/{}", escape_pointer(status));
        let followed = spec.follow(raw).ok();
        let response_pointer = followed
            .as_ref()
            .map_or(status_pointer.clone(), |f| f.pointer_or(&status_pointer));
        let response = followed.map_or(raw, |f| f.value);
        let content = response.get("content").and_then(Value::as_object);
        let has_json_body = content.is_some_and(|c| c.contains_key(JSON));
        match status_code(status) {
            Ok(code) => has_error_body |= code >= 400 && has_json_body,
            Err(reason) => {
                // A `4XX` or `default` with a body is refused for its key alone.
                has_error_body |= !status.starts_with(['1', '2', '3']) && has_json_body;
                found.push(status_pointer.clone(), reason);
            }
        }
        if let Some(content) = content {
            media_types(
                spec,
                content,
                &format!("{response_pointer}/content"),
                &format!("`{status}` response body"),
                found,
            );
        }
    }
    if !has_error_body {
        found.push(
            format!("{pointer}/responses"),
            format!(
                "operation `{}` documents no error response with a body: add the statuses it \
                 answers on failure (at least one 4xx) with `content: {{{JSON}: {{schema: {{$ref: \
                 '#/components/schemas/Error'}}}}}}`; the client's error type carries that body",
                op.name()
            ),
        );
    }
}

/// The status a response key names, or why the generators cannot answer it.
fn status_code(key: &str) -> Result<u16, String> {
    if key == "default" {
        return Err(
            "a `default` response is not supported by the generators: list each status \
                    the operation answers (e.g. `'400'`, `'404'`, `'500'`) with its body"
                .into(),
        );
    }
    if key.len() == 3 && key.ends_with("XX") {
        return Err(format!(
            "the status range `{key}` is not supported by the generators: list each status the \
             operation answers instead"
        ));
    }
    let code: u16 = key
        .parse()
        .map_err(|_| format!("`{key}` is not an HTTP status"))?;
    match code {
        200..=299 | 400..=599 if status::names(code).is_some() => Ok(code),
        100..=199 | 300..=399 => Err(format!(
            "status {code} is not supported by the generators (informational and redirect \
             answers are not generated): only 2xx, 4xx and 5xx statuses"
        )),
        _ => Err(format!(
            "status {code} has no standard name: the generators answer only the standard 2xx, \
             4xx and 5xx statuses"
        )),
    }
}

fn media_types(
    spec: &Spec,
    content: &Map<String, Value>,
    pointer: &str,
    what: &str,
    found: &mut Findings,
) {
    for (media_type, media) in content {
        let here = format!("{pointer}/{}", escape_pointer(media_type));
        if media_type != JSON {
            let advice = if spec_model::media_type::essence(media_type) == JSON {
                format!("write `{JSON}` without parameters")
            } else {
                format!("only `{JSON}` bodies are generated")
            };
            found.push(
                here.clone(),
                format!("{what} under `{media_type}` is not supported: {advice}"),
            );
            continue;
        }
        if media.get("schema").is_none() {
            found.push(
                here.clone(),
                format!("the {what} under `{JSON}` has no schema: add `schema:` describing it"),
            );
        }
        let schema = media.get("schema").and_then(|s| spec.follow(s).ok());
        if let Some(schema) = schema {
            if is_free_form(schema.value) {
                found.push(
                    schema.pointer_or(&format!("{here}/schema")),
                    format!(
                        "the {what} is free-form (no properties, items or type): the generators \
                         need its shape; describe its members under `properties`"
                    ),
                );
            }
        }
    }
}

/// A schema that says nothing of its shape: `{}`, or an object whose members are open (an
/// object closed to every member, `maxProperties: 0` or `additionalProperties: false`, is an
/// empty struct).
fn is_free_form(schema: &Value) -> bool {
    const SHAPED: &[&str] = &[
        "properties",
        "items",
        "allOf",
        "oneOf",
        "anyOf",
        "enum",
        "$ref",
    ];
    if SHAPED.iter().any(|key| schema.get(key).is_some()) {
        return false;
    }
    let closed = schema.get("maxProperties").and_then(Value::as_u64) == Some(0)
        || schema.get("additionalProperties") == Some(&Value::Bool(false));
    if closed {
        return false;
    }
    matches!(
        schema.get("type").and_then(Value::as_str),
        None | Some("object")
    )
}

#[cfg(test)]
mod tests {
    use super::{is_free_form, status_code};
    use serde_json::json;

    #[test]
    fn statuses_the_generators_answer() {
        assert_eq!(status_code("201"), Ok(201));
        assert_eq!(status_code("404"), Ok(404));
        assert!(status_code("default").unwrap_err().contains("`default`"));
        assert!(status_code("2XX").unwrap_err().contains("range"));
        assert!(status_code("302").unwrap_err().contains("redirect"));
        assert!(status_code("101").unwrap_err().contains("informational"));
        assert!(status_code("ok")
            .unwrap_err()
            .contains("not an HTTP status"));
    }

    #[test]
    fn free_form_schemas() {
        assert!(is_free_form(&json!({})));
        assert!(is_free_form(
            &json!({"type": "object", "additionalProperties": true})
        ));
        assert!(!is_free_form(
            &json!({"type": "object", "properties": {"a": {}}})
        ));
        assert!(!is_free_form(&json!({"type": "array", "items": {}})));
        assert!(!is_free_form(&json!({"type": "string"})));
        assert!(!is_free_form(
            &json!({"type": "object", "maxProperties": 0})
        ));
        assert!(!is_free_form(
            &json!({"type": "object", "additionalProperties": false})
        ));
    }
}
