//! Checking every example of a spec (bodies', parameters', headers' and schemas' own) against
//! its schema; each must conform unless the manifest's `spec_examples` lists it.

use openapi_jsonschema::Direction;
use serde_json::Value;
use spec_model::escape_pointer;

use super::manifest::ExampleException;
use super::{findings, is_ok, Expected, Group, Row};
use crate::index::BodyKind;
use crate::validate::Validator;

/// One example of a spec, and what it is checked against.
#[derive(Debug, Clone)]
pub struct SpecExample {
    /// JSON pointer of the example value.
    pub pointer: String,
    pub target: Target,
}

impl SpecExample {
    /// The example at a pointer checked against `target`, or one whose `$ref` is unresolved.
    fn new(value: Result<String, Unresolved>, target: Target) -> Self {
        match value {
            Ok(pointer) => SpecExample { pointer, target },
            Err((pointer, message)) => SpecExample {
                pointer,
                target: Target::Unresolved { message },
            },
        }
    }
}

#[derive(Debug, Clone)]
pub enum Target {
    /// A named example whose `$ref` cannot be followed (broken, external or an alias cycle):
    /// an error row, never a verdict on a value.
    Unresolved { message: String },
    /// A body of an operation (by its index in [`Validator::operations`]).
    Body {
        operation: usize,
        kind: BodyKind,
        /// The response key (`200`, `default`), for responses.
        response_key: Option<String>,
    },
    /// A schema anywhere in the spec (a parameter's, a header's, or the schema carrying the
    /// example).
    Schema {
        schema_pointer: String,
        what: &'static str,
    },
}

/// Every example of the spec, in document order: operations' bodies first, then parameters,
/// headers and schemas.
pub fn spec_examples(validator: &Validator<'_>) -> Vec<SpecExample> {
    let spec = validator.spec();
    let mut out = Vec::new();
    for (index, op) in validator.operations().iter().enumerate() {
        let mut bodies = Vec::new();
        if let Some(request) = &op.request {
            bodies.push((BodyKind::Request, None, request));
        }
        for response in &op.responses {
            let code = response.key.parse().unwrap_or_else(|_| {
                response
                    .key
                    .chars()
                    .next()
                    .and_then(|c| c.to_digit(10))
                    .map_or(0, |d| d as u16 * 100)
            });
            bodies.push((
                BodyKind::Response(code),
                Some(response.key.clone()),
                &response.body,
            ));
        }
        for (kind, response_key, body) in bodies {
            let Some(media_pointer) = &body.media_pointer else {
                continue;
            };
            for value in example_values(validator, media_pointer) {
                let target = Target::Body {
                    operation: index,
                    kind,
                    response_key: response_key.clone(),
                };
                out.push(SpecExample::new(value, target));
            }
        }
    }
    walk_schema_examples(validator, &spec.document, String::new(), &mut out);
    out
}

/// A named example whose `$ref` cannot be followed: the example's pointer and why.
type Unresolved = (String, String);

/// Pointers of the example values of an object with `example`/`examples` (named examples are
/// followed through `$ref`).
fn example_values(
    validator: &Validator<'_>,
    object_pointer: &str,
) -> Vec<Result<String, Unresolved>> {
    let spec = validator.spec();
    let mut out = Vec::new();
    let Some(object) = spec.document.pointer(object_pointer) else {
        return out;
    };
    if object.get("example").is_some() {
        out.push(Ok(format!("{object_pointer}/example")));
    }
    if let Some(examples) = object.get("examples").and_then(Value::as_object) {
        for (name, example) in examples {
            let pointer = format!("{object_pointer}/examples/{}", escape_pointer(name));
            match spec.follow(example) {
                Ok(followed) if followed.value.get("value").is_some() => {
                    out.push(Ok(format!("{}/value", followed.pointer_or(&pointer))));
                }
                Ok(_) => {}
                Err(error) => out.push(Err((pointer, error.to_string()))),
            }
        }
    }
    out
}

/// Walks the document for parameters and headers (objects with `schema` and an example, not
/// under `content`) and schemas with an `example`.
fn walk_schema_examples(
    validator: &Validator<'_>,
    value: &Value,
    pointer: String,
    out: &mut Vec<SpecExample>,
) {
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            for (index, item) in items.iter().enumerate() {
                walk_schema_examples(validator, item, format!("{pointer}/{index}"), out);
            }
        }
        return;
    };
    let parent_is_content = pointer
        .rsplit('/')
        .nth(1)
        .is_some_and(|segment| segment == "content");
    let has_example = map.contains_key("example") || map.contains_key("examples");
    if has_example && !parent_is_content {
        if map.contains_key("schema") {
            let what = if pointer.contains("/headers/") {
                "header"
            } else {
                "parameter"
            };
            for value in example_values(validator, &pointer) {
                let target = Target::Schema {
                    schema_pointer: format!("{pointer}/schema"),
                    what,
                };
                out.push(SpecExample::new(value, target));
            }
        } else if map.contains_key("example") {
            out.push(SpecExample {
                pointer: format!("{pointer}/example"),
                target: Target::Schema {
                    schema_pointer: pointer.clone(),
                    what: "schema",
                },
            });
        }
    }
    for (key, child) in map {
        if matches!(key.as_str(), "example" | "examples" | "default" | "enum")
            || key.starts_with("x-")
        {
            continue;
        }
        walk_schema_examples(
            validator,
            child,
            format!("{pointer}/{}", escape_pointer(key)),
            out,
        );
    }
}

/// Checks every example of a spec against its manifest expectation.
pub fn check_spec_examples(validator: &Validator<'_>, exceptions: &[ExampleException]) -> Vec<Row> {
    let spec = validator.spec();
    let mut rows = Vec::new();
    for example in spec_examples(validator) {
        let value = spec
            .document
            .pointer(&example.pointer)
            .cloned()
            .unwrap_or(Value::Null);
        let (operation, body, result) = match &example.target {
            Target::Body {
                operation,
                kind,
                response_key,
            } => {
                let op = &validator.operations()[*operation];
                let spec_body = match response_key {
                    None => op.request.as_ref(),
                    Some(key) => op.responses.iter().find(|r| &r.key == key).map(|r| &r.body),
                };
                let body = match response_key {
                    Some(key) => format!("response {key}"),
                    None => kind.to_string(),
                };
                let result = match spec_body {
                    Some(spec_body) => validator
                        .check(op, *kind, spec_body, Some(&value))
                        .map_err(|e| e.to_string()),
                    None => Err("no body".into()),
                };
                (op.name.clone(), body, result)
            }
            Target::Schema {
                schema_pointer,
                what,
            } => {
                let direction = if *what == "header" {
                    Direction::Response
                } else if *what == "parameter" {
                    Direction::Request
                } else {
                    // A schema's example shows the object as the API returns it.
                    Direction::Response
                };
                let result = validator
                    .check_schema_at(schema_pointer, direction, &value)
                    .map_err(|e| e.to_string());
                ("-".to_owned(), (*what).to_owned(), result)
            }
            Target::Unresolved { message } => (
                "-".to_owned(),
                "example".to_owned(),
                Err(format!(
                    "{}: {}/$ref: {message}",
                    spec.location(&example.pointer),
                    example.pointer
                )),
            ),
        };
        let exception = exceptions
            .iter()
            .find(|e| e.api == spec.api && e.pointer == example.pointer);
        let expected = match exception {
            Some(e) => {
                let mut findings = e.expect.clone();
                findings.sort();
                findings.dedup();
                Expected::Deviation {
                    name: e.deviation.clone(),
                    reason: e.reason.clone(),
                    findings,
                }
            }
            None => Expected::Conforms,
        };
        let (found, details) = match result {
            Ok(outcome) => (
                findings(&outcome),
                outcome.violations.iter().map(|v| v.to_string()).collect(),
            ),
            Err(message) => (vec![format!("error: {message}")], vec![message]),
        };
        rows.push(Row {
            group: Group::SpecExample,
            api: spec.api.clone(),
            operation,
            body,
            subject: format!("#{}", example.pointer),
            source: spec.line_of(&example.pointer).map(|line| {
                format!(
                    "{}:{line}",
                    spec.path.file_name().unwrap_or_default().to_string_lossy()
                )
            }),
            ok: is_ok(&expected, &found),
            expected,
            findings: found,
            details,
        });
    }
    // An exception that matches no example is stale.
    for exception in exceptions.iter().filter(|e| e.api == spec.api) {
        if !rows
            .iter()
            .any(|r| r.subject == format!("#{}", exception.pointer))
        {
            rows.push(Row {
                group: Group::SpecExample,
                api: spec.api.clone(),
                operation: "-".into(),
                body: "-".into(),
                subject: format!("#{}", exception.pointer),
                source: None,
                expected: Expected::Deviation {
                    name: exception.deviation.clone(),
                    reason: exception.reason.clone(),
                    findings: exception.expect.clone(),
                },
                findings: vec!["error: no example at this pointer".into()],
                details: vec!["the manifest's spec_examples entry names no example".into()],
                ok: false,
            });
        }
    }
    rows
}
