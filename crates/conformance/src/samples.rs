//! The documents' samples (`spec/samples/`) and the specs' own examples, each with the verdict
//! it is expected to get.
//!
//! # The manifest
//!
//! `spec/samples/manifest.yaml` lists every sample file under `spec/samples/<api>/`, with the
//! operation, the body (request, or response and status), where the text is on the vendor's
//! page, and the expected verdict:
//!
//! - `verdict: conforms`: the text is JSON and the body validates;
//! - `verdict: deviation`, with a `deviation` name, a `reason`, and `expect`: the exact list of
//!   findings the check produces, each `POINTER KEYWORD` (`/data/email format`) or
//!   `invalid-json at LINE:COLUMN`.
//!
//! A check fails when its findings differ from the manifest in any way, so a spec edit that
//! breaks a documented sample, or silently fixes a documented deviation, is caught.
//!
//! # The specs' examples
//!
//! Every example of every spec is checked too: media type `example` and `examples` (named
//! component examples through their `$ref`) for each operation's request and responses,
//! parameter and header `example`/`examples` against their schema, and each schema's own
//! `example` against that schema. Each must conform. `x-doc-defect` on an example does not
//! exempt it: by the spec's convention it marks an example that is the *minimal repair* of a
//! broken sample, which must itself conform. The only exemptions are the entries of the
//! manifest's `spec_examples` list (api, JSON pointer of the example value, and the same
//! `deviation`/`reason`/`expect` fields as a sample).

use std::fmt;
use std::path::{Path, PathBuf};

use openapi_jsonschema::Direction;
use serde::Deserialize;
use serde_json::Value;
use spec_model::escape_pointer;

use crate::findings::Outcome;
use crate::index::BodyKind;
use crate::validate::Validator;

/// `spec/samples/manifest.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub samples: Vec<SampleEntry>,
    /// Spec examples that are expected not to conform (none by default).
    #[serde(default)]
    pub spec_examples: Vec<ExampleException>,
}

/// Request or response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Request,
    Response,
}

/// The expected verdict's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VerdictKind {
    Conforms,
    Deviation,
}

/// One sample file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleEntry {
    /// Path relative to `spec/samples/`.
    pub file: String,
    pub api: String,
    pub operation: String,
    pub kind: Kind,
    /// Responses only.
    #[serde(default)]
    pub status: Option<u16>,
    /// `seed-file.txt:FIRST-LAST`: the lines of the page the text was copied from.
    pub source: String,
    pub verdict: VerdictKind,
    #[serde(default)]
    pub deviation: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub expect: Vec<String>,
}

/// A spec example expected not to conform.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleException {
    pub api: String,
    /// JSON pointer of the example value in the spec.
    pub pointer: String,
    pub deviation: String,
    pub reason: String,
    pub expect: Vec<String>,
}

/// What a check expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    Conforms,
    Deviation {
        name: String,
        reason: String,
        findings: Vec<String>,
    },
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Conforms => f.write_str("conforms"),
            Expected::Deviation { name, findings, .. } => {
                write!(f, "deviation {name} ({})", findings.join(", "))
            }
        }
    }
}

/// Sample (a file under `spec/samples/`) or spec example.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Sample,
    SpecExample,
}

/// One checked sample or example.
#[derive(Debug, Clone)]
pub struct Row {
    pub group: Group,
    pub api: String,
    /// operationId, or `-` for a schema or parameter example.
    pub operation: String,
    /// `request`, `response 200`, `schema`, `parameter`.
    pub body: String,
    /// The sample file (relative to `spec/samples/`) or `#/json/pointer` of the example.
    pub subject: String,
    /// Where the text is on the vendor's page (samples).
    pub source: Option<String>,
    pub expected: Expected,
    /// What the check found (empty: conforms).
    pub findings: Vec<String>,
    /// The violations in full, for people.
    pub details: Vec<String>,
    /// Whether `findings` is what `expected` says.
    pub ok: bool,
}

impl Row {
    /// The verdict found, in words.
    pub fn verdict(&self) -> String {
        if self.findings.is_empty() {
            return "conforms".into();
        }
        match &self.expected {
            Expected::Deviation { name, findings, .. } if *findings == self.findings => {
                format!("deviation {name}")
            }
            _ => format!("violates ({})", self.findings.join(", ")),
        }
    }
}

/// The findings of a checked body: violations as `POINTER KEYWORD`, sorted.
pub fn findings(outcome: &Outcome) -> Vec<String> {
    let mut found: Vec<String> = outcome.violations.iter().map(|v| v.finding()).collect();
    found.sort();
    found.dedup();
    found
}

fn expected_of(
    verdict: VerdictKind,
    deviation: &Option<String>,
    reason: &Option<String>,
    expect: &[String],
) -> Result<Expected, String> {
    match verdict {
        VerdictKind::Conforms => {
            if deviation.is_some() || !expect.is_empty() {
                return Err("`verdict: conforms` takes no `deviation` or `expect`".into());
            }
            Ok(Expected::Conforms)
        }
        VerdictKind::Deviation => {
            let name = deviation
                .clone()
                .ok_or("`verdict: deviation` needs a `deviation` name")?;
            let reason = reason
                .clone()
                .ok_or("`verdict: deviation` needs a `reason`")?;
            if expect.is_empty() {
                return Err("`verdict: deviation` needs the `expect`ed findings".into());
            }
            let mut findings = expect.to_vec();
            findings.sort();
            findings.dedup();
            Ok(Expected::Deviation {
                name,
                reason,
                findings,
            })
        }
    }
}

fn is_ok(expected: &Expected, findings: &[String]) -> bool {
    match expected {
        Expected::Conforms => findings.is_empty(),
        Expected::Deviation { findings: want, .. } => want == findings,
    }
}

/// Loads the manifest.
pub fn load_manifest(path: &Path) -> Result<Manifest, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Checks one text as a body of an operation: findings and detail lines.
pub fn check_text(
    validator: &Validator<'_>,
    operation: &str,
    kind: BodyKind,
    text: &str,
) -> Result<(Vec<String>, Vec<String>), String> {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            return Ok((
                vec![format!(
                    "invalid-json at {}:{}",
                    error.line(),
                    error.column()
                )],
                vec![format!("not JSON: {error}")],
            ))
        }
    };
    let op = validator.operation(operation).map_err(|e| e.to_string())?;
    let spec = match kind {
        BodyKind::Request => op.request.as_ref(),
        BodyKind::Response(status) => op.response(status).map(|r| &r.body),
    }
    .ok_or_else(|| format!("operation `{operation}` documents no {kind} body"))?;
    let outcome = validator
        .check(op, kind, spec, Some(&value))
        .map_err(|e| e.to_string())?;
    Ok((
        findings(&outcome),
        outcome.violations.iter().map(|v| v.to_string()).collect(),
    ))
}

/// Checks every sample of the manifest; `validators` holds one validator per API.
pub fn check_samples(
    samples_dir: &Path,
    manifest: &Manifest,
    validators: &[Validator<'_>],
) -> Vec<Row> {
    let mut rows = Vec::new();
    for entry in &manifest.samples {
        let kind = match (entry.kind, entry.status) {
            (Kind::Request, None) => Ok(BodyKind::Request),
            (Kind::Response, Some(status)) => Ok(BodyKind::Response(status)),
            (Kind::Request, Some(_)) => Err("a request sample takes no `status`".to_owned()),
            (Kind::Response, None) => Err("a response sample needs a `status`".to_owned()),
        };
        let mut row = Row {
            group: Group::Sample,
            api: entry.api.clone(),
            operation: entry.operation.clone(),
            body: kind.as_ref().map_or_else(|_| "?".into(), |k| k.to_string()),
            subject: entry.file.clone(),
            source: Some(entry.source.clone()),
            expected: Expected::Conforms,
            findings: Vec::new(),
            details: Vec::new(),
            ok: false,
        };
        let result = (|| -> Result<(), String> {
            let kind = kind?;
            row.expected = expected_of(
                entry.verdict,
                &entry.deviation,
                &entry.reason,
                &entry.expect,
            )?;
            let validator = validators
                .iter()
                .find(|v| v.spec().api == entry.api)
                .ok_or_else(|| format!("no spec for api `{}`", entry.api))?;
            let path = samples_dir.join(&entry.file);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
            let (found, details) = check_text(validator, &entry.operation, kind, &text)?;
            row.ok = is_ok(&row.expected, &found);
            row.findings = found;
            row.details = details;
            Ok(())
        })();
        if let Err(message) = result {
            row.findings = vec![format!("error: {message}")];
            row.details = vec![message];
            row.ok = false;
        }
        rows.push(row);
    }
    // Every sample file must be in the manifest.
    let listed: Vec<PathBuf> = manifest
        .samples
        .iter()
        .map(|e| samples_dir.join(&e.file))
        .collect();
    for file in sample_files(samples_dir) {
        if !listed.contains(&file) {
            let relative = file
                .strip_prefix(samples_dir)
                .unwrap_or(&file)
                .display()
                .to_string();
            rows.push(Row {
                group: Group::Sample,
                api: relative.split('/').next().unwrap_or_default().to_owned(),
                operation: "-".into(),
                body: "-".into(),
                subject: relative,
                source: None,
                expected: Expected::Conforms,
                findings: vec!["error: not in the manifest".into()],
                details: vec!["the file is not listed in spec/samples/manifest.yaml".into()],
                ok: false,
            });
        }
    }
    rows
}

/// The `*.json` files under `dir/<api>/`, sorted.
fn sample_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(apis) = std::fs::read_dir(dir) else {
        return files;
    };
    for api in apis.flatten() {
        if !api.path().is_dir() {
            continue;
        }
        if let Ok(entries) = std::fs::read_dir(api.path()) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "json") {
                    files.push(path);
                }
            }
        }
    }
    files.sort();
    files
}

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
