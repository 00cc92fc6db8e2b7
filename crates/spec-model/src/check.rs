//! The invariants every spec of the workspace holds (see `spec/README.md`).

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde_json::Value;

use crate::{escape_pointer, Spec};

/// What to write when security is missing, and which schemes the generators support.
const SECURITY_HELP: &str = "add a top-level `security: [{<scheme>: []}]` naming a scheme of \
    `components/securitySchemes`; the generators support `type: http, scheme: basic` and \
    `type: apiKey, in: header` (see spec/README.md, \"What the generators support\")";

/// One broken invariant, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    /// JSON pointer into the spec.
    pub pointer: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}: {}", self.pointer, self.message)
    }
}

/// Checks a loaded spec: every `$ref` resolves, operationIds are present and unique, every
/// operation has security and exactly one success and one error body schema, and every success
/// body has an example.
pub fn check(spec: &Spec) -> Vec<Problem> {
    let mut findings: Vec<(String, String)> = Vec::new();
    check_refs(spec, &spec.document, String::new(), &mut findings);
    check_operations(spec, &mut findings);
    if let Err(problem) = crate::timestamps::timestamp_form(spec) {
        findings.push(problem);
    }
    findings
        .into_iter()
        .map(|(pointer, message)| Problem {
            file: spec.path.clone(),
            line: spec.line_of(&pointer),
            pointer,
            message,
        })
        .collect()
}

fn check_refs(spec: &Spec, value: &Value, pointer: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let child_pointer = format!("{pointer}/{}", escape_pointer(key));
                if key == "$ref" {
                    if let Err(error) = crate::follow(&spec.document, value) {
                        out.push((child_pointer, error.to_string()));
                    }
                } else {
                    check_refs(spec, child, child_pointer, out);
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                check_refs(spec, child, format!("{pointer}/{index}"), out);
            }
        }
        _ => {}
    }
}

fn check_operations(spec: &Spec, out: &mut Vec<(String, String)>) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let schemes = spec
        .document
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object);
    // In the order of the text, so that the duplicate reported is the later definition (the
    // typed model lists a path's methods in a fixed order, not the file's).
    let mut operations = spec.operations();
    operations.sort_by_key(|op| spec.line_of(&op.pointer()).unwrap_or(usize::MAX));
    // A spec that states no security at all is told so once, not once per operation.
    let global_security_missing_everywhere = spec.document.get("security").is_none()
        && !operations.is_empty()
        && operations
            .iter()
            .all(|op| op.value.get("security").is_none());
    if global_security_missing_everywhere {
        out.push((
            "/info".into(),
            format!("the spec states no security requirement; {SECURITY_HELP}"),
        ));
    }
    for op in operations {
        let pointer = op.pointer();
        let raw = op.value;

        match &op.operation.operation_id {
            None => out.push((
                pointer.clone(),
                "operation has no operationId: add `operationId: <verb_noun>` in snake_case (it \
                 names the generated methods)"
                    .into(),
            )),
            Some(id) => match seen.get(id) {
                Some(first) => out.push((
                    format!("{pointer}/operationId"),
                    format!(
                        "duplicate operationId `{id}`: first defined at {first} ({})",
                        spec.location(&format!("{first}/operationId"))
                    ),
                )),
                None => {
                    seen.insert(id.clone(), pointer.clone());
                }
            },
        }

        let security = raw
            .get("security")
            .or_else(|| spec.document.get("security"));
        match security.and_then(Value::as_array) {
            Some(requirements) if !requirements.is_empty() => {
                for requirement in requirements {
                    for name in requirement.as_object().into_iter().flat_map(|m| m.keys()) {
                        if !schemes.is_some_and(|s| s.contains_key(name)) {
                            out.push((
                                format!("{pointer}/security"),
                                format!("security scheme `{name}` is not defined in components/securitySchemes"),
                            ));
                        }
                    }
                }
            }
            _ if !global_security_missing_everywhere => out.push((
                pointer.clone(),
                format!(
                    "operation `{}` has no security requirement: public operations are not \
                     generated; {SECURITY_HELP}",
                    op.name()
                ),
            )),
            _ => {}
        }

        check_responses(spec, &op.name(), &pointer, raw, out);

        if let Err(problem) = crate::pagination::pagination(spec, &op) {
            out.push(problem);
        }
    }
}

fn check_responses(
    spec: &Spec,
    name: &str,
    pointer: &str,
    raw: &Value,
    out: &mut Vec<(String, String)>,
) {
    let Some(responses) = raw.get("responses").and_then(Value::as_object) else {
        out.push((
            pointer.into(),
            format!("operation `{name}` has no responses"),
        ));
        return;
    };
    let mut success_schemas: Vec<(String, &Value)> = Vec::new();
    let mut error_schemas: Vec<(String, &Value)> = Vec::new();
    let mut has_success = false;
    for (status, response) in responses {
        let here = format!("{pointer}/responses/{}", escape_pointer(status));
        // A shared response (`$ref`) is reported where it is written.
        let (response_pointer, response) = match spec.follow(response) {
            Ok(followed) => (followed.pointer_or(&here), followed.value),
            Err(_) => (here, response),
        };
        let is_success = status.starts_with('2');
        // Informational and redirect answers carry neither (the generator conventions refuse
        // them, with the reason).
        let is_error = status.starts_with('4') || status.starts_with('5') || status == "default";
        has_success |= is_success;
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            continue;
        };
        for (media_type, media) in content {
            let media_pointer =
                format!("{response_pointer}/content/{}", escape_pointer(media_type));
            if let Some(schema) = media.get("schema") {
                if is_success {
                    success_schemas.push((media_pointer.clone(), schema));
                } else if is_error {
                    error_schemas.push((media_pointer.clone(), schema));
                }
            }
            let has_example = media.get("example").is_some()
                || media
                    .get("examples")
                    .and_then(Value::as_object)
                    .is_some_and(|e| !e.is_empty());
            if is_success && !has_example {
                out.push((
                    media_pointer,
                    format!(
                        "success body of `{name}` ({status}) has no example: add `example:` (or \
                         named `examples:`) beside its `schema`, with a body the API sends"
                    ),
                ));
            }
        }
    }
    if !has_success {
        out.push((
            format!("{pointer}/responses"),
            format!(
                "operation `{name}` documents no 2xx response: add the status it answers on \
                 success (e.g. `'200'` with its body, or `'204'`)"
            ),
        ));
    }
    for (kind, schemas) in [("success", success_schemas), ("error", error_schemas)] {
        if let Some((first_pointer, first)) = schemas.first() {
            for (other_pointer, other) in &schemas[1..] {
                if other != first {
                    out.push((
                        other_pointer.clone(),
                        format!(
                            "operation `{name}` has more than one {kind} body schema (also {first_pointer}); the client generator takes exactly one"
                        ),
                    ));
                }
            }
        }
    }
}
