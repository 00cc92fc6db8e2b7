//! Validating one JSON body against the schema of an operation's request or response.
//!
//! A [`Validator`] owns one loaded spec and its [`SpecIndex`]. The JSON Schema of each body (request, or response by
//! status) is converted with `openapi-jsonschema` and compiled the first time it is needed, then
//! reused: operations that share a schema (`#/components/schemas/Error`...) share one compiled
//! validator. Validation takes the fast `is_valid` path and collects errors only for a body that
//! fails it.

use std::fmt;
use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use jsonschema::ValidationError;
use openapi_jsonschema::{Direction, Mapped};
use serde_json::Value;
use spec_model::shorten::{short_json, Cut};
use spec_model::Spec;

use crate::findings::Class;
pub use crate::findings::{Outcome, Violation};
pub use crate::index::routing::{self, Match};
pub use crate::index::{BodyKind, BodySpec, Operation, ResponseSpec, SpecIndex};
use crate::roundtrip::{self, TypedRoundTrip};
use crate::undocumented;

/// Why a body could not be checked at all (a usage error, not a violation).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// No operation has this operationId or `METHOD /path`.
    #[error("unknown operation `{0}`: give an operationId or \"METHOD /path/template\"")]
    UnknownOperation(String),
    /// The operation documents no response with this status (nor a matching range or default).
    #[error("operation `{operation}` documents no response with status {status}")]
    UnknownStatus { operation: String, status: String },
    /// The operation takes no request body.
    #[error("operation `{operation}` takes no request body")]
    NoRequestBody { operation: String },
    /// The spec's schema could not be converted or compiled.
    #[error("{0}")]
    Schema(String),
}

struct Compiled {
    validator: jsonschema::Validator,
    mapped: Mapped,
    /// The schema read for the undocumented-member walk, on the first body that needs it.
    shapes: OnceLock<undocumented::Shapes>,
}

/// Validates bodies against one spec.
pub struct Validator<'t> {
    spec: Spec,
    /// The spec's operations, bodies and routes, read once.
    index: SpecIndex,
    /// Per schema slot of the index: its compiled schema, on first use.
    compiled: Vec<OnceLock<Result<Compiled, String>>>,
    types: Option<&'t dyn TypedRoundTrip>,
    /// The spec's `x-timestamp-form` (RFC 3339 when it declares none): two texts it reads as
    /// one instant are the same data in the round trip.
    timestamp_form: timestamp_form::Form,
}

impl fmt::Debug for Validator<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validator")
            .field("spec", &self.spec.path)
            .field("operations", &self.index.operations().len())
            .field("types", &self.types.is_some())
            .finish()
    }
}

impl Validator<'static> {
    /// Prepares a validator for a loaded spec. Schemas are compiled when first used.
    pub fn new(spec: Spec) -> Self {
        let index = SpecIndex::new(&spec);
        // A malformed extension is spec-model's finding (`check`); here it falls back to RFC 3339.
        let timestamp_form = spec_model::timestamps::timestamp_form(&spec)
            .ok()
            .flatten()
            .map_or(timestamp_form::DEFAULT, |declared| declared.form);
        let compiled = index.slots().iter().map(|_| OnceLock::new()).collect();
        Validator {
            spec,
            index,
            compiled,
            types: None,
            timestamp_form,
        }
    }
}

impl<'t> Validator<'t> {
    /// Also round-trips every body through the generated types (see [`TypedRoundTrip`]).
    pub fn with_types<'u>(self, types: Option<&'u dyn TypedRoundTrip>) -> Validator<'u> {
        Validator {
            spec: self.spec,
            index: self.index,
            compiled: self.compiled,
            types,
            timestamp_form: self.timestamp_form,
        }
    }

    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// The spec's operations, bodies and routes.
    pub fn index(&self) -> &SpecIndex {
        &self.index
    }

    /// The base paths of the spec's servers, longest first (see [`Spec::base_paths`]).
    pub fn base_paths(&self) -> &[String] {
        self.index.base_paths()
    }

    pub fn operations(&self) -> &[Operation] {
        self.index.operations()
    }

    /// Whether bodies are also round-tripped through generated types.
    pub fn has_types(&self) -> bool {
        self.types.is_some()
    }

    /// Finds an operation by operationId or by `"METHOD /path/template"`.
    pub fn operation(&self, name: &str) -> Result<&Operation, Error> {
        self.index
            .operation(name)
            .ok_or_else(|| Error::UnknownOperation(name.trim().to_owned()))
    }

    /// Compiles every body schema now (otherwise each is compiled when first used), reporting
    /// the first that fails.
    pub fn compile_all(&self) -> Result<(), Error> {
        if let Some(problem) = self.index.bodies().find_map(|body| body.problem.as_ref()) {
            return Err(Error::Schema(problem.clone()));
        }
        for index in 0..self.compiled.len() {
            self.compiled(index)?;
        }
        Ok(())
    }

    /// Checks a body of an operation, found by name, with a status given as the user wrote it
    /// (`200`, or a response key such as `2XX` or `default`).
    pub fn validate(
        &self,
        operation: &str,
        kind: BodyKindArg<'_>,
        body: &Value,
    ) -> Result<(&Operation, BodyKind, Outcome), Error> {
        let op = self.operation(operation)?;
        let (kind, spec) = match kind {
            BodyKindArg::Request => match &op.request {
                Some(spec) => (BodyKind::Request, spec),
                None => {
                    return Err(Error::NoRequestBody {
                        operation: op.name.clone(),
                    })
                }
            },
            BodyKindArg::Status(status) => {
                let unknown = || Error::UnknownStatus {
                    operation: op.name.clone(),
                    status: status.to_owned(),
                };
                let response = match status.parse::<u16>() {
                    Ok(code) if (100..=599).contains(&code) => op.response(code),
                    _ => op
                        .responses
                        .iter()
                        .find(|r| r.key.eq_ignore_ascii_case(status)),
                }
                .ok_or_else(unknown)?;
                let code = status
                    .parse::<u16>()
                    .ok()
                    .or_else(|| response.key.parse().ok())
                    .or_else(|| {
                        let hundreds = response.key.chars().next()?.to_digit(10)?;
                        Some(hundreds as u16 * 100)
                    })
                    .unwrap_or(0);
                (BodyKind::Response(code), &response.body)
            }
        };
        let outcome = self.check(op, kind, spec, Some(body))?;
        Ok((op, kind, outcome))
    }

    /// Checks a body (or its absence) against what the spec says of it.
    pub fn check(
        &self,
        op: &Operation,
        kind: BodyKind,
        spec: &BodySpec,
        body: Option<&Value>,
    ) -> Result<Outcome, Error> {
        if let Some(problem) = &spec.problem {
            return Err(Error::Schema(problem.clone()));
        }
        let mut outcome = Outcome::default();
        let Some(body) = body else {
            if spec.required {
                outcome.violations.push(
                    Violation::schema_finding(
                        "",
                        "body",
                        format!("the {kind} body is required but there is none"),
                    )
                    .at_spec(format!("{}/requestBody/required", op.pointer), None),
                );
            }
            return Ok(outcome);
        };
        if !spec.has_content {
            outcome.violations.push(
                Violation::schema_finding(
                    "",
                    "body",
                    format!("the spec documents no {kind} body, but there is one"),
                )
                .at_spec(op.pointer.clone(), self.location(&op.pointer)),
            );
            return Ok(outcome);
        }
        if let Some(slot) = spec.slot {
            let compiled = self.compiled(slot)?;
            if !compiled.validator.is_valid(body) {
                for error in compiled.validator.iter_errors(body) {
                    self.collect(compiled, &error, &mut outcome.violations);
                }
            }
            self.undocumented(compiled, body, &mut outcome.violations);
        }
        if let Some(types) = self.types {
            let api = &self.spec.api;
            roundtrip::add_losses(
                types,
                api,
                self.timestamp_form,
                op,
                kind,
                body,
                &mut outcome,
            );
        }
        Ok(outcome)
    }

    /// Adds a finding of class undocumented per member the schema allows but does not describe.
    fn undocumented(&self, compiled: &Compiled, body: &Value, out: &mut Vec<Violation>) {
        let shapes = compiled
            .shapes
            .get_or_init(|| undocumented::Shapes::new(&compiled.mapped.schema));
        for member in shapes.find(body) {
            let spec_pointer = compiled.mapped.source_map.spec_pointer(&member.schema_path);
            let location = spec_pointer.as_deref().and_then(|p| self.location(p));
            out.push(Violation {
                class: Class::Undocumented,
                pointer: member.pointer,
                keyword: "undocumented".into(),
                spec_pointer,
                location,
                message: format!(
                    "member `{}` is not described by the schema (additional members are allowed): {}",
                    member.name,
                    short_value(&member.value)
                ),
                value: Some(member.value),
            });
        }
    }

    /// The compiled validator of a slot.
    fn compiled(&self, index: usize) -> Result<&Compiled, Error> {
        let slot = &self.index.slots()[index];
        self.compiled[index]
            .get_or_init(|| {
                self.compile(&slot.reference, &slot.schema_pointer, slot.direction)
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|message| Error::Schema(message.clone()))
    }

    /// Checks a value against the schema at any pointer of the spec (a parameter's or a
    /// property's), compiling it for this one call. Used for the spec's own examples.
    pub fn check_schema_at(
        &self,
        schema_pointer: &str,
        direction: Direction,
        value: &Value,
    ) -> Result<Outcome, Error> {
        let compiled = self.compile(schema_pointer, schema_pointer, direction)?;
        let mut outcome = Outcome::default();
        if !compiled.validator.is_valid(value) {
            for error in compiled.validator.iter_errors(value) {
                self.collect(&compiled, &error, &mut outcome.violations);
            }
        }
        Ok(outcome)
    }

    fn compile(
        &self,
        reference: &str,
        schema_pointer: &str,
        direction: Direction,
    ) -> Result<Compiled, Error> {
        let mapped =
            openapi_jsonschema::convert_mapped(&self.spec, reference, direction).map_err(|e| {
                Error::Schema(format!(
                    "{}: {}: {} (converting the schema at {schema_pointer})",
                    self.spec.location(&e.pointer),
                    e.pointer,
                    e.message
                ))
            })?;
        let validator = validation_options()
            .should_validate_formats(true)
            .build(&mapped.schema)
            .map_err(|e| {
                Error::Schema(format!(
                    "{}: {schema_pointer}: the schema does not compile: {e}",
                    self.spec.location(schema_pointer)
                ))
            })?;
        Ok(Compiled {
            validator,
            mapped,
            shapes: OnceLock::new(),
        })
    }

    /// The schema of a body as JSON Schema, as validated (for tools and debugging).
    pub fn json_schema(&self, spec: &BodySpec) -> Result<Option<&Value>, Error> {
        if let Some(problem) = &spec.problem {
            return Err(Error::Schema(problem.clone()));
        }
        match spec.slot {
            Some(slot) => Ok(Some(&self.compiled(slot)?.mapped.schema)),
            None => Ok(None),
        }
    }

    /// `file:line` of a spec pointer.
    pub fn location_of(&self, pointer: &str) -> Option<String> {
        self.location(pointer)
    }

    fn location(&self, pointer: &str) -> Option<String> {
        self.spec
            .line_of(pointer)
            .map(|line| format!("{}:{line}", self.spec.path.display()))
    }

    fn collect(&self, compiled: &Compiled, error: &ValidationError<'_>, out: &mut Vec<Violation>) {
        let schema_path = error.schema_path().as_str();
        // A nullable wrapper (`anyOf: [{type: null}, S]` from `nullable`, or the specs'
        // nullable reference `oneOf: [S, {enum: [null]}]`) failed on a value that is not null:
        // report why it fails S, which is what the reader wants to know.
        if let ValidationErrorKind::AnyOf { context }
        | ValidationErrorKind::OneOfNotValid { context } = error.kind()
        {
            let other_branch = compiled
                .mapped
                .schema
                .pointer(schema_path)
                .and_then(Value::as_array)
                .and_then(|branches| non_null_branch(branches));
            if let Some(index) = other_branch {
                if context.len() == 2 && !context[index].is_empty() {
                    for inner in &context[index] {
                        self.collect(compiled, inner, out);
                    }
                    return;
                }
            }
        }
        let spec_pointer = compiled.mapped.source_map.spec_pointer(schema_path);
        let location = spec_pointer.as_deref().and_then(|p| self.location(p));
        let mut text = message(error);
        if matches!(error.kind(), ValidationErrorKind::Enum { .. }) {
            // Closed in the spec, open in Rust: say so, since a client built on our types
            // would not notice.
            text.push_str(" (the enum is closed in the spec; the generated open enums accept the value as `Unknown`)");
        }
        let violation = Violation {
            class: Class::Violation,
            pointer: error.instance_path().as_str().to_owned(),
            keyword: error.kind().keyword().to_owned(),
            spec_pointer,
            location,
            message: text,
            value: None,
        };
        if !out.contains(&violation) {
            out.push(violation);
        }
    }

    /// Matches a concrete request path and method to an operation (see [`routing`]).
    pub fn match_request(&self, method: &str, path: &str) -> Match<'_> {
        self.index.match_request(method, path)
    }
}

/// How the user names a body: `--request` or `--status CODE`.
#[derive(Debug, Clone, Copy)]
pub enum BodyKindArg<'a> {
    Request,
    /// A status code (`200`) or a response key (`2XX`, `default`).
    Status(&'a str),
}

/// The index of the other branch when `branches` is a two-branch choice between a schema and
/// "only null" (`{type: null}` or `{enum: [null]}`).
fn non_null_branch(branches: &[Value]) -> Option<usize> {
    let only_null = |branch: &Value| {
        *branch == serde_json::json!({"type": "null"})
            || *branch == serde_json::json!({"enum": [null]})
    };
    match branches {
        [first, second] if only_null(first) && !only_null(second) => Some(1),
        [first, second] if only_null(second) && !only_null(first) => Some(0),
        _ => None,
    }
}

/// A value for a message: JSON, cut at 80 characters.
pub fn short_value(value: &Value) -> String {
    short_json(value, 80, Cut::DotsWithin)
}

/// A plain message for an error, with the offending value when it is short.
fn message(error: &ValidationError<'_>) -> String {
    let instance = error.instance();
    let rendered = serde_json::to_string(instance.as_ref()).unwrap_or_default();
    let mut text = if rendered.chars().count() <= 80 {
        error.to_string()
    } else {
        let placeholder = match instance.as_ref() {
            Value::Object(_) => "the object".to_owned(),
            Value::Array(items) => format!("the array of {} items", items.len()),
            Value::String(s) => {
                let head: String = s.chars().take(40).collect();
                format!("\"{head}...\"")
            }
            _ => "the value".to_owned(),
        };
        error.masked_with(placeholder).to_string()
    };
    // Say which branch of a oneOf/anyOf failed how.
    if let ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } =
        error.kind()
    {
        let reasons: Vec<String> = context
            .iter()
            .enumerate()
            .filter_map(|(index, branch)| {
                let first = branch.first()?;
                Some(format!("#{index}: {}", message(first)))
            })
            .collect();
        if !reasons.is_empty() {
            text.push_str(&format!(" ({})", reasons.join("; ")));
        }
    }
    text
}

/// The `jsonschema` options every body schema is compiled with: `type: integer` read as OpenAPI
/// 3.0 reads it (`1.0` is not an integer), as the servers do.
fn validation_options() -> jsonschema::ValidationOptions<'static> {
    jsonschema_oas30::with_oas30_integers(jsonschema::options())
}
