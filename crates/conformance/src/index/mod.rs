//! The spec index: every operation of a loaded spec with its bodies, responses and routes,
//! built once ([`SpecIndex::new`]) and read by every consumer — validation, the traffic check,
//! the samples, drift, the proxy and verify — the way progenitor builds its `OperationMethod`s
//! once for every emitter.
//!
//! The index is data only: which schema describes each body (a [`SchemaSlot`], shared by the
//! bodies that reference one schema in one direction), never the compiled schema, which the
//! [`Validator`](crate::Validator) compiles on first use.

pub mod routing;

use std::collections::HashMap;
use std::fmt;

use openapi_jsonschema::Direction;
use serde_json::Value;
use spec_model::{escape_pointer, Spec};

use self::routing::{Match, OperationRoutes};

/// Which body of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyKind {
    /// The request body.
    Request,
    /// The response body with this HTTP status code.
    Response(u16),
}

impl BodyKind {
    /// The status code of a response (`None` for the request), as the generated types'
    /// `round_trip(operation, status, body)` takes it.
    pub fn status(&self) -> Option<u16> {
        match self {
            BodyKind::Request => None,
            BodyKind::Response(status) => Some(*status),
        }
    }
}

impl fmt::Display for BodyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyKind::Request => f.write_str("request"),
            BodyKind::Response(status) => write!(f, "response {status}"),
        }
    }
}

/// Where a body of an operation is described.
#[derive(Debug, Clone)]
pub struct BodySpec {
    /// The body is required (request bodies only).
    pub required: bool,
    /// The compiled-schema slot; `None` when the body is not JSON or has no schema.
    pub(crate) slot: Option<usize>,
    /// The spec declares a body at all (`content` present).
    pub has_content: bool,
    /// JSON pointer of the JSON media type object (after following `$ref`s), if there is one.
    pub media_pointer: Option<String>,
    /// The documented media types (the keys of `content`).
    pub content_types: Vec<String>,
    /// JSON pointer of the `content` map (or of the body, when it has none).
    pub content_pointer: String,
    /// Why the body's description cannot be read (a `$ref` that does not resolve or never
    /// reaches content): checking the body is then an input error, never a verdict.
    pub(crate) problem: Option<String>,
}

/// One documented response of an operation.
#[derive(Debug, Clone)]
pub struct ResponseSpec {
    /// The key under `responses`: `200`, `2XX`, `default`.
    pub key: String,
    pub body: BodySpec,
}

/// One operation of the spec, ready for matching and validation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The operationId, or `METHOD /path` when there is none.
    pub name: String,
    pub method: &'static str,
    /// The path template as written under `paths`.
    pub path: String,
    /// JSON pointer of the operation in the spec.
    pub pointer: String,
    pub request: Option<BodySpec>,
    pub responses: Vec<ResponseSpec>,
}

impl Operation {
    /// The response documented for a status code: the exact code, else its range (`2XX`), else
    /// `default`.
    pub fn response(&self, status: u16) -> Option<&ResponseSpec> {
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        self.responses
            .iter()
            .find(|r| r.key == exact)
            .or_else(|| {
                self.responses
                    .iter()
                    .find(|r| r.key.eq_ignore_ascii_case(&range))
            })
            .or_else(|| self.responses.iter().find(|r| r.key == "default"))
    }
}

/// The schema one or more bodies are validated against: a `$ref` target or an inline schema,
/// in one direction (request or response).
#[derive(Debug, Clone)]
pub struct SchemaSlot {
    /// Spec pointer of the media type's `schema`.
    pub schema_pointer: String,
    /// What is converted: a `$ref` target or the schema pointer itself.
    pub reference: String,
    pub direction: Direction,
}

/// Every operation of one spec, its bodies' schema slots and its routes.
#[derive(Debug, Clone)]
pub struct SpecIndex {
    operations: Vec<Operation>,
    slots: Vec<SchemaSlot>,
    routes: OperationRoutes,
}

impl SpecIndex {
    /// Reads every operation of `spec` once. A body whose description cannot be read (a `$ref`
    /// that does not resolve) is kept with its problem, reported when the body is checked.
    pub fn new(spec: &Spec) -> SpecIndex {
        let mut slots: Vec<SchemaSlot> = Vec::new();
        let mut slot_index: HashMap<(String, Direction), usize> = HashMap::new();
        let mut operations = Vec::new();
        for op in spec.operations() {
            let pointer = op.pointer();
            let raw = op.value;
            let mut body = |container: &Value, container_pointer: String, direction| {
                let (container, container_pointer) = match spec.follow(container) {
                    Ok(followed) => {
                        let pointer = followed.pointer_or(&container_pointer);
                        (followed.value, pointer)
                    }
                    Err(error) => {
                        return BodySpec {
                            required: false,
                            slot: None,
                            has_content: false,
                            media_pointer: None,
                            content_types: Vec::new(),
                            content_pointer: container_pointer.clone(),
                            problem: Some(located(
                                spec,
                                &format!("{container_pointer}/$ref"),
                                &error,
                            )),
                        }
                    }
                };
                let content = container.get("content").and_then(Value::as_object);
                let required = container.get("required").and_then(Value::as_bool) == Some(true);
                let has_content = content.is_some_and(|c| !c.is_empty());
                let media_pointer =
                    content
                        .and_then(spec_model::media_type::json_key)
                        .map(|media_type| {
                            format!("{container_pointer}/content/{}", escape_pointer(media_type))
                        });
                let slot = content.and_then(|content| {
                    let media_type = spec_model::media_type::json_key(content)?;
                    let schema_pointer = format!(
                        "{container_pointer}/content/{}/schema",
                        escape_pointer(media_type)
                    );
                    let schema = content[media_type].get("schema")?;
                    let reference =
                        match spec_model::refs::reference_of(schema).and_then(Result::ok) {
                            Some(target) if schema.as_object().is_some_and(|m| m.len() == 1) => {
                                target.to_owned()
                            }
                            _ => schema_pointer.clone(),
                        };
                    let index = *slot_index
                        .entry((reference.clone(), direction))
                        .or_insert_with(|| {
                            slots.push(SchemaSlot {
                                schema_pointer,
                                reference,
                                direction,
                            });
                            slots.len() - 1
                        });
                    Some(index)
                });
                BodySpec {
                    required,
                    slot,
                    has_content,
                    media_pointer,
                    content_types: content
                        .map(|c| c.keys().cloned().collect())
                        .unwrap_or_default(),
                    content_pointer: format!("{container_pointer}/content"),
                    problem: None,
                }
            };
            let request = raw.get("requestBody").map(|request| {
                body(
                    request,
                    format!("{pointer}/requestBody"),
                    Direction::Request,
                )
            });
            let mut responses = Vec::new();
            if let Some(map) = raw.get("responses").and_then(Value::as_object) {
                for (key, response) in map {
                    responses.push(ResponseSpec {
                        key: key.clone(),
                        body: body(
                            response,
                            format!("{pointer}/responses/{}", escape_pointer(key)),
                            Direction::Response,
                        ),
                    });
                }
            }
            operations.push(Operation {
                name: op.name(),
                method: op.method,
                path: op.path.to_owned(),
                pointer,
                request,
                responses,
            });
        }
        let routes = OperationRoutes::new(spec.base_paths(), &operations);
        SpecIndex {
            operations,
            slots,
            routes,
        }
    }

    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The schema slots, indexed by [`BodySpec`]'s slot.
    pub fn slots(&self) -> &[SchemaSlot] {
        &self.slots
    }

    /// The base paths of the spec's servers, longest first (see [`Spec::base_paths`]).
    pub fn base_paths(&self) -> &[String] {
        self.routes.base_paths()
    }

    /// Finds an operation by operationId or by `"METHOD /path/template"`.
    pub fn operation(&self, name: &str) -> Option<&Operation> {
        let name = name.trim();
        self.operations
            .iter()
            .find(|op| op.name == name)
            .or_else(|| {
                let (method, path) = name.split_once(char::is_whitespace)?;
                let path = path.trim();
                self.operations
                    .iter()
                    .find(|op| op.method.eq_ignore_ascii_case(method) && op.path == path)
            })
    }

    /// Every body of every operation: requests, then responses, operation by operation.
    pub fn bodies(&self) -> impl Iterator<Item = &BodySpec> {
        self.operations.iter().flat_map(|op| {
            op.request
                .iter()
                .chain(op.responses.iter().map(|response| &response.body))
        })
    }

    /// Matches a concrete request path and method to an operation (see [`routing`]).
    pub fn match_request(&self, method: &str, path: &str) -> Match<'_> {
        self.routes.route(&self.operations, method, path)
    }
}

/// `file:line: pointer: message` for a reference that cannot be followed.
fn located(spec: &Spec, pointer: &str, error: &spec_model::RefError) -> String {
    format!("{}: {pointer}: {error}", spec.location(pointer))
}
