//! The walk over two versions of a spec: operations paired by operationId, then their
//! parameters, bodies and responses (schemas in [`schema`]), security, and the generator
//! extensions of [`crate::GENERATOR_EXTENSIONS`].

mod extensions;
mod schema;

use std::collections::BTreeSet;

use serde_json::{Map, Value};
use spec_model::{document_operations, escape_pointer, DocumentOperation, Followed};

use crate::error::{DiffError, Side};
use crate::model::{Change, Direction, Impact, Kind};
use crate::rules::{impact, optional_addition};

/// Where a comparison is: which way the data flows, under which operation, at which pointer of
/// the new spec (the old one's for removals), and how messages name it.
#[derive(Debug, Clone)]
struct Place<'o> {
    direction: Direction,
    operation: Option<&'o str>,
    pointer: String,
    what: String,
}

impl<'o> Place<'o> {
    /// A place of the request side of an operation (or of the spec, for `None`).
    fn request(operation: Option<&'o str>, pointer: String) -> Self {
        Place {
            direction: Direction::Request,
            operation,
            pointer,
            what: String::new(),
        }
    }

    /// Another place of the same side and operation.
    fn at(&self, pointer: String, what: impl Into<String>) -> Self {
        Place {
            pointer,
            what: what.into(),
            ..self.clone()
        }
    }
}

/// Compares two documents, collecting [`Change`]s.
pub(crate) struct Differ<'a> {
    old: &'a Value,
    new: &'a Value,
    changes: Vec<Change>,
    /// `$ref` pairs already compared in the current body or parameter schema (a recursive
    /// schema is compared once).
    seen: BTreeSet<(String, String)>,
}

/// A parameter of an operation, its `$ref` followed.
struct Parameter<'a> {
    location: &'a str,
    name: &'a str,
    value: &'a Value,
    /// Where it is defined: a shared parameter is reported at its component.
    pointer: String,
}

impl Parameter<'_> {
    fn required(&self) -> bool {
        self.value.get("required").and_then(Value::as_bool) == Some(true)
    }
}

impl<'a> Differ<'a> {
    pub(crate) fn new(old: &'a Value, new: &'a Value) -> Self {
        Differ {
            old,
            new,
            changes: Vec::new(),
            seen: BTreeSet::new(),
        }
    }

    /// Runs the walk; the changes in the order found.
    pub(crate) fn run(mut self) -> Result<Vec<Change>, DiffError> {
        let old_ops = document_operations(self.old);
        let new_ops = document_operations(self.new);
        for new_op in &new_ops {
            let id = new_op.name();
            match old_ops.iter().find(|o| o.name() == id) {
                None => self.push(
                    Kind::OperationAdded,
                    &Place::request(Some(&id), new_op.pointer()),
                    new_op.pointer(),
                    format!("new operation {} {}", new_op.method, new_op.path),
                ),
                Some(old_op) => self.operation(old_op, new_op, &id)?,
            }
        }
        for old_op in &old_ops {
            let id = old_op.name();
            if !new_ops.iter().any(|o| o.name() == id) {
                self.push(
                    Kind::OperationRemoved,
                    &Place::request(Some(&id), old_op.pointer()),
                    old_op.pointer(),
                    format!("operation {} {} removed", old_op.method, old_op.path),
                );
            }
        }
        self.security();
        self.spec_extensions();
        Ok(self.changes)
    }

    /// Records a change with the impact the rules give its kind in the place's direction.
    fn push(&mut self, kind: Kind, place: &Place<'_>, pointer: String, message: String) {
        let impact = impact(kind, place.direction);
        self.push_impact(kind, place, pointer, message, impact);
    }

    /// Records a change with an impact the caller decided.
    fn push_impact(
        &mut self,
        kind: Kind,
        place: &Place<'_>,
        pointer: String,
        message: String,
        impact: Impact,
    ) {
        self.changes.push(Change {
            kind,
            operation: place.operation.map(str::to_owned),
            pointer,
            message,
            impact,
        });
    }

    /// Follows `value`'s `$ref`s through the document of `side`; `pointer` says where `value`
    /// is, for the error.
    fn follow<'v>(
        &self,
        side: Side,
        value: &'v Value,
        pointer: &str,
    ) -> Result<Followed<'v>, DiffError>
    where
        'a: 'v,
    {
        let document = match side {
            Side::Old => self.old,
            Side::New => self.new,
        };
        spec_model::follow(document, value).map_err(|error| DiffError::Reference {
            side,
            pointer: pointer.to_owned(),
            error,
        })
    }

    fn operation(
        &mut self,
        old: &DocumentOperation<'a>,
        new: &DocumentOperation<'a>,
        id: &str,
    ) -> Result<(), DiffError> {
        let place = Place::request(Some(id), new.pointer());
        if old.path != new.path {
            self.push(
                Kind::PathChanged,
                &place,
                new.pointer(),
                format!("path {} -> {}", old.path, new.path),
            );
        }
        if old.method != new.method {
            self.push(
                Kind::MethodChanged,
                &place,
                new.pointer(),
                format!("method {} -> {}", old.method, new.method),
            );
        }
        self.parameters(old, new, &place)?;
        self.request_body(old, new, &place)?;
        self.responses(old, new, &place)?;
        let (old_sec, new_sec) = (old.value.get("security"), new.value.get("security"));
        if old_sec != new_sec {
            self.push(
                Kind::SecurityChanged,
                &place,
                format!("{}/security", new.pointer()),
                format!("security {} -> {}", compact(old_sec), compact(new_sec)),
            );
        }
        self.extensions(
            crate::Site::Operation,
            Some(old.value),
            Some(new.value),
            &place,
        );
        Ok(())
    }

    /// The parameters of an operation, path-level ones first, an operation's own overriding
    /// a path-level one of the same location and name.
    fn parameter_list(
        &self,
        side: Side,
        op: &DocumentOperation<'a>,
    ) -> Result<Vec<Parameter<'a>>, DiffError> {
        let list = |holder: &'a Value, pointer: String| {
            holder
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
                .map(move |(index, param)| (param, format!("{pointer}/parameters/{index}")))
        };
        let all = list(op.path_item, op.path_item_pointer()).chain(list(op.value, op.pointer()));
        let mut out: Vec<Parameter<'a>> = Vec::new();
        for (param, pointer) in all {
            let followed = self.follow(side, param, &pointer)?;
            let text = |key: &str| followed.value.get(key).and_then(Value::as_str);
            let (location, name) = (
                text("in").unwrap_or_default(),
                text("name").unwrap_or_default(),
            );
            out.retain(|p| !(p.location == location && p.name == name));
            out.push(Parameter {
                location,
                name,
                value: followed.value,
                pointer: followed.pointer_or(&pointer),
            });
        }
        Ok(out)
    }

    fn parameters(
        &mut self,
        old: &DocumentOperation<'a>,
        new: &DocumentOperation<'a>,
        place: &Place<'_>,
    ) -> Result<(), DiffError> {
        let old_params = self.parameter_list(Side::Old, old)?;
        let new_params = self.parameter_list(Side::New, new)?;
        let same =
            |a: &Parameter<'_>, b: &Parameter<'_>| a.location == b.location && a.name == b.name;
        for param in &new_params {
            let (location, name) = (param.location, param.name);
            let Some(old_param) = old_params.iter().find(|o| same(o, param)) else {
                // A required parameter breaks clients, which must now send it; an optional one
                // is additive on the wire (not in Rust: a new argument).
                let (impact, message) = if param.required() {
                    (
                        impact(Kind::ParameterAdded, Direction::Request),
                        format!("new required {location} parameter `{name}`"),
                    )
                } else {
                    (
                        optional_addition(Kind::ParameterAdded),
                        format!("new optional {location} parameter `{name}`"),
                    )
                };
                self.push_impact(
                    Kind::ParameterAdded,
                    place,
                    param.pointer.clone(),
                    message,
                    impact,
                );
                continue;
            };
            let required_pointer = format!("{}/required", param.pointer);
            match (old_param.required(), param.required()) {
                (false, true) => self.push(
                    Kind::ParameterMadeRequired,
                    place,
                    required_pointer,
                    format!("{location} parameter `{name}` is now required"),
                ),
                (true, false) => self.push(
                    Kind::ParameterMadeOptional,
                    place,
                    required_pointer,
                    format!("{location} parameter `{name}` is now optional"),
                ),
                _ => {}
            }
            if let (Some(old_schema), Some(new_schema)) =
                (old_param.value.get("schema"), param.value.get("schema"))
            {
                let at = place.at(
                    format!("{}/schema", param.pointer),
                    format!("{location} parameter `{name}`"),
                );
                self.top_schema(old_schema, new_schema, &at)?;
            }
        }
        for param in &old_params {
            if !new_params.iter().any(|n| same(n, param)) {
                self.push(
                    Kind::ParameterRemoved,
                    place,
                    param.pointer.clone(),
                    format!("{} parameter `{}` removed", param.location, param.name),
                );
            }
        }
        Ok(())
    }

    fn request_body(
        &mut self,
        old: &DocumentOperation<'a>,
        new: &DocumentOperation<'a>,
        place: &Place<'_>,
    ) -> Result<(), DiffError> {
        let pointer = format!("{}/requestBody", new.pointer());
        let old_pointer = format!("{}/requestBody", old.pointer());
        let old_body = match old.value.get("requestBody") {
            Some(body) => Some(self.follow(Side::Old, body, &old_pointer)?.value),
            None => None,
        };
        let new_body = match new.value.get("requestBody") {
            Some(body) => Some(self.follow(Side::New, body, &pointer)?.value),
            None => None,
        };
        let required = |b: &Value| b.get("required").and_then(Value::as_bool) == Some(true);
        match (old_body, new_body) {
            (None, None) => {}
            (None, Some(_)) => self.push(
                Kind::RequestBodyAdded,
                place,
                pointer,
                "new request body".into(),
            ),
            (Some(_), None) => self.push(
                Kind::RequestBodyRemoved,
                place,
                old_pointer,
                "request body removed".into(),
            ),
            (Some(o), Some(n)) => {
                if required(n) && !required(o) {
                    self.push(
                        Kind::RequestBodyMadeRequired,
                        place,
                        format!("{pointer}/required"),
                        "the request body is now required".into(),
                    );
                } else if !required(n) && required(o) {
                    self.push(
                        Kind::RequestBodyMadeOptional,
                        place,
                        format!("{pointer}/required"),
                        "the request body is now optional".into(),
                    );
                }
                if let (Some(os), Some(ns)) = (json_schema(o), json_schema(n)) {
                    let at = place.at(
                        format!("{pointer}/content/application~1json/schema"),
                        "request body",
                    );
                    self.top_schema(os, ns, &at)?;
                }
            }
        }
        Ok(())
    }

    fn responses(
        &mut self,
        old: &DocumentOperation<'a>,
        new: &DocumentOperation<'a>,
        place: &Place<'_>,
    ) -> Result<(), DiffError> {
        let empty = Map::new();
        let responses = |op: &DocumentOperation<'a>| {
            op.value
                .get("responses")
                .and_then(Value::as_object)
                .unwrap_or(&empty)
        };
        let (old_responses, new_responses) = (responses(old), responses(new));
        let place = Place {
            direction: Direction::Response,
            ..place.clone()
        };
        for (status, response) in new_responses {
            let pointer = format!("{}/responses/{}", new.pointer(), escape_pointer(status));
            let Some(old_response) = old_responses.get(status) else {
                self.push(
                    Kind::StatusAdded,
                    &place,
                    pointer,
                    format!("new response status {status}"),
                );
                continue;
            };
            let old_pointer = format!("{}/responses/{}", old.pointer(), escape_pointer(status));
            let o = self.follow(Side::Old, old_response, &old_pointer)?.value;
            let n = self.follow(Side::New, response, &pointer)?.value;
            if let (Some(os), Some(ns)) = (json_schema(o), json_schema(n)) {
                let at = place.at(
                    format!("{pointer}/content/application~1json/schema"),
                    format!("response {status}"),
                );
                self.top_schema(os, ns, &at)?;
            }
        }
        for status in old_responses.keys() {
            if !new_responses.contains_key(status) {
                self.push(
                    Kind::StatusRemoved,
                    &place,
                    format!("{}/responses/{}", old.pointer(), escape_pointer(status)),
                    format!("response status {status} removed"),
                );
            }
        }
        Ok(())
    }

    /// Spec-wide security: the schemes (their generator extensions are compared on their own)
    /// and the global requirement.
    fn security(&mut self) {
        let spec_wide = Place::request(None, String::new());
        let schemes = |doc: &Value| {
            doc.pointer("/components/securitySchemes")
                .map(extensions::without_generator_extensions)
        };
        if schemes(self.old) != schemes(self.new) {
            self.push(
                Kind::SecurityChanged,
                &spec_wide,
                "/components/securitySchemes".into(),
                "security schemes changed".into(),
            );
        }
        if self.old.get("security") != self.new.get("security") {
            self.push(
                Kind::SecurityChanged,
                &spec_wide,
                "/security".into(),
                format!(
                    "global security {} -> {}",
                    compact(self.old.get("security")),
                    compact(self.new.get("security"))
                ),
            );
        }
    }
}

/// The JSON schema of a request body or response.
fn json_schema(body: &Value) -> Option<&Value> {
    body.pointer("/content/application~1json/schema")
}

/// A value for messages; `(none)` when absent.
fn compact(value: Option<&Value>) -> String {
    value.map_or_else(|| "(none)".to_owned(), Value::to_string)
}
