//! What an operation takes, read from the spec (its parameters, its JSON request body, its
//! examples, its security), and the requests a server must accept: every example, and one
//! request per bound, enum value and `nullable` of each parameter and of the body, built by
//! `schema_instances` and kept only when the project's validator accepts it.

use std::collections::BTreeMap;

use serde_json::Value;
use spec_model::Spec;

use super::auth::{self, Auth};
use super::request::{wire_text, Expect, Planned, Purpose};
use crate::index::{BodyKind, Operation};
use crate::validate::Validator;

/// One parameter of an operation.
#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    /// `path`, `query`, `header` or `cookie`.
    pub location: String,
    pub required: bool,
    /// Spec pointer of the parameter object.
    pub pointer: String,
    /// Spec pointer of its schema.
    pub schema: String,
    /// Its examples (`example`, `examples`, the schema's `example`), in that order.
    pub examples: Vec<(String, Value)>,
}

/// An operation as `verify` reads it.
#[derive(Debug, Clone)]
pub struct OperationPlan<'v> {
    pub op: &'v Operation,
    pub params: Vec<Param>,
    pub requirements: Vec<Vec<String>>,
    /// Spec pointer of the JSON request body's schema.
    pub body_schema: Option<String>,
    pub body_required: bool,
    /// Named request body examples.
    pub body_examples: Vec<(String, Value)>,
    /// Deletes, deactivates, disconnects or logs out: sent only with `allow_destructive`.
    pub destructive: bool,
}

/// Words of an operationId that make it destructive (besides the method DELETE).
const DESTRUCTIVE_WORDS: &[&str] = &[
    "delete",
    "deactivate",
    "disconnect",
    "logout",
    "revoke",
    "remove",
];

impl<'v> OperationPlan<'v> {
    pub fn read(spec: &Spec, op: &'v Operation) -> OperationPlan<'v> {
        let raw = spec.document.pointer(&op.pointer).unwrap_or(&Value::Null);
        // A broken `$ref` is reported by `spec_model::check`.
        let params: Vec<Param> = spec
            .parameters(&op.pointer)
            .into_iter()
            .flatten()
            .filter_map(|param| read_param(param.value, &param.pointer))
            .collect();
        let (body_schema, body_required, body_examples) = match &op.request {
            Some(body) => match &body.media_pointer {
                Some(media) => (
                    Some(format!("{media}/schema")),
                    body.required,
                    named_examples(spec, spec.document.pointer(media)),
                ),
                None => (None, body.required, Vec::new()),
            },
            None => (None, false, Vec::new()),
        };
        let lower = op.name.to_ascii_lowercase();
        OperationPlan {
            op,
            params,
            requirements: auth::requirements(spec, raw),
            body_schema,
            body_required,
            body_examples,
            destructive: op.method.eq_ignore_ascii_case("delete")
                || DESTRUCTIVE_WORDS.iter().any(|word| lower.contains(word)),
        }
    }

    /// The statuses among `candidates` the operation documents.
    pub fn documented(&self, candidates: &[u16]) -> Vec<u16> {
        candidates
            .iter()
            .copied()
            .filter(|status| {
                self.op
                    .responses
                    .iter()
                    .any(|r| r.key == status.to_string())
            })
            .collect()
    }

    /// Values for the required parameters (their first example, else an instance of their
    /// schema); `None` when one has neither.
    pub fn base_values(&self, spec: &Spec) -> Option<BTreeMap<String, Value>> {
        let mut values = BTreeMap::new();
        for param in self.params.iter().filter(|p| p.required) {
            values.insert(param.name.clone(), first_value(spec, param)?);
        }
        Some(values)
    }

    /// A request with parameter `values` and `body`.
    pub fn request(
        &self,
        values: &BTreeMap<String, Value>,
        body: Option<Value>,
        auth: Auth,
        purpose: Purpose,
        expect: Expect,
    ) -> Planned {
        let mut path_values = BTreeMap::new();
        let mut query = Vec::new();
        for param in &self.params {
            let Some(value) = values.get(&param.name) else {
                continue;
            };
            match param.location.as_str() {
                "path" => {
                    path_values.insert(param.name.clone(), wire_text(value));
                }
                "query" => query.push((param.name.clone(), wire_text(value))),
                _ => {}
            }
        }
        Planned {
            operation: self.op.name.clone(),
            method: self.op.method,
            path_values,
            query,
            body,
            auth,
            purpose,
            expect,
        }
    }

    /// The body a request of this operation sends by default: its first example, else an
    /// instance of its schema (`None`: the operation takes no JSON body).
    pub fn base_body(&self, spec: &Spec) -> Option<Value> {
        let pointer = self.body_schema.as_ref()?;
        if let Some((_, example)) = self.body_examples.first() {
            return Some(example.clone());
        }
        let node = spec.document.pointer(pointer)?;
        schema_instances::valid(spec, node, schema_instances::Direction::Request)
    }
}

/// Every request of `plan` a server must accept (examples, bounds, enum values, `nullable`).
pub fn accepted(spec: &Spec, validator: &Validator<'_>, plan: &OperationPlan<'_>) -> Vec<Planned> {
    let mut out = Vec::new();
    let Some(values) = plan.base_values(spec) else {
        return out;
    };
    let body = plan.base_body(spec);
    // A read has no state to refuse valid input for; a write may (a taken e-mail address).
    let expect = if plan.op.method.eq_ignore_ascii_case("get") {
        Expect::InputAccepted
    } else {
        Expect::Accepted
    };
    if plan.body_examples.is_empty() {
        out.push(plan.request(
            &values,
            body.clone(),
            Auth::Valid,
            Purpose::Example("parameters".into()),
            expect.clone(),
        ));
    }
    for (name, example) in &plan.body_examples {
        out.push(plan.request(
            &values,
            Some(example.clone()),
            Auth::Valid,
            Purpose::Example(name.clone()),
            expect.clone(),
        ));
    }
    for param in &plan.params {
        let judge = schema_instances::Validator::convert(
            spec,
            &param.schema,
            schema_instances::Direction::Request,
        );
        let mut candidates: Vec<(Purpose, Value)> = param
            .examples
            .iter()
            .skip(usize::from(param.required))
            .map(|(name, value)| {
                (
                    Purpose::Example(format!("{} {name}", param.name)),
                    value.clone(),
                )
            })
            .collect();
        let walk = schema_instances::Walk {
            direction: schema_instances::Direction::Request,
            parameter: true,
        };
        candidates.extend(allowing(spec, &param.schema, walk));
        for (purpose, value) in candidates {
            if judge.satisfied(&value) != Ok(true) {
                continue;
            }
            let mut with = values.clone();
            with.insert(param.name.clone(), value);
            out.push(plan.request(&with, body.clone(), Auth::Valid, purpose, expect.clone()));
        }
    }
    if let (Some(schema), Some(spec_body)) = (&plan.body_schema, &plan.op.request) {
        let walk = schema_instances::Walk {
            direction: schema_instances::Direction::Request,
            parameter: false,
        };
        for (purpose, instance) in allowing(spec, schema, walk) {
            let clean = validator
                .check(plan.op, BodyKind::Request, spec_body, Some(&instance))
                .is_ok_and(|outcome| outcome.conforms());
            if clean {
                out.push(plan.request(
                    &values,
                    Some(instance),
                    Auth::Valid,
                    purpose,
                    expect.clone(),
                ));
            }
        }
    }
    out
}

/// The instances of the schema at `pointer` that a constraint allows: at each bound, each
/// enum value, `null` where `nullable`.
fn allowing(spec: &Spec, pointer: &str, walk: schema_instances::Walk) -> Vec<(Purpose, Value)> {
    let bounds = schema_instances::boundaries(spec, pointer, walk).unwrap_or_default();
    let allowed = schema_instances::probes(spec, pointer, walk)
        .unwrap_or_default()
        .into_iter()
        .filter(|probe| probe.invalid.is_none());
    bounds
        .into_iter()
        .chain(allowed)
        .map(|probe| {
            (
                Purpose::Boundary {
                    pointer: probe.pointer,
                    constraint: probe.constraint,
                },
                probe.valid,
            )
        })
        .collect()
}

fn read_param(param: &Value, pointer: &str) -> Option<Param> {
    let name = param.get("name")?.as_str()?.to_owned();
    let location = param.get("in")?.as_str()?.to_owned();
    let schema = param.get("schema")?;
    let mut examples = Vec::new();
    if let Some(example) = param.get("example") {
        examples.push(("example".to_owned(), example.clone()));
    }
    if let Some(map) = param.get("examples").and_then(Value::as_object) {
        for (key, example) in map {
            if let Some(value) = example.get("value") {
                examples.push((key.clone(), value.clone()));
            }
        }
    }
    if let Some(example) = schema.get("example") {
        examples.push(("schema example".to_owned(), example.clone()));
    }
    Some(Param {
        required: location == "path"
            || param.get("required").and_then(Value::as_bool) == Some(true),
        name,
        location,
        pointer: pointer.to_owned(),
        schema: format!("{pointer}/schema"),
        examples,
    })
}

/// A parameter's first example, else an instance of its schema.
pub fn first_value(spec: &Spec, param: &Param) -> Option<Value> {
    if let Some((_, value)) = param.examples.first() {
        return Some(value.clone());
    }
    let node = spec.document.pointer(&param.schema)?;
    schema_instances::valid(spec, node, schema_instances::Direction::Request)
}

/// The named examples of a media type object (`examples`, `$ref`s followed, then `example`).
fn named_examples(spec: &Spec, media: Option<&Value>) -> Vec<(String, Value)> {
    let Some(media) = media else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(map) = media.get("examples").and_then(Value::as_object) {
        for (name, example) in map {
            let example = spec.follow(example).map(|f| f.value).unwrap_or(example);
            if let Some(value) = example.get("value") {
                out.push((name.clone(), value.clone()));
            }
        }
    }
    if let Some(example) = media.get("example") {
        out.push(("example".to_owned(), example.clone()));
    }
    out
}
