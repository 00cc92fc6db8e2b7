//! The walk over two versions of a spec: operations paired by operationId, then their
//! parameters, bodies and responses (media types and headers in [`content`], schemas in
//! [`schema`], composition members in [`members`]), security, servers and component names
//! ([`spec_wide`]), and the generator extensions of [`crate::GENERATOR_EXTENSIONS`].

mod content;
mod extensions;
mod members;
mod schema;
mod spec_wide;

use spec_wide::ServerSite;

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

impl<'a> Parameter<'a> {
    fn required(&self) -> bool {
        self.value.get("required").and_then(Value::as_bool) == Some(true)
    }

    /// How the value is written: `style`, `explode` and `allowReserved` with OpenAPI's
    /// defaults filled in, or the media type of `content`.
    fn serialization(&self) -> String {
        if let Some(content) = self.value.get("content").and_then(Value::as_object) {
            let types: Vec<&str> = content.keys().map(String::as_str).collect();
            return format!("content {}", types.join(", "));
        }
        let text = |key: &str| self.value.get(key).and_then(Value::as_str);
        let flag = |key: &str| self.value.get(key).and_then(Value::as_bool);
        let style = text("style").unwrap_or(match self.location {
            "query" | "cookie" => "form",
            _ => "simple",
        });
        let explode = flag("explode").unwrap_or(style == "form");
        let reserved = flag("allowReserved").unwrap_or(false);
        format!("style={style} explode={explode} allowReserved={reserved}")
    }

    /// The parameter's schema and its pointer below the parameter: `schema`, or the schema of
    /// its one `content` media type.
    fn schema(&self) -> Option<(&'a Value, String)> {
        if let Some(schema) = self.value.get("schema") {
            return Some((schema, "schema".into()));
        }
        let (media_type, body) = self.value.get("content")?.as_object()?.iter().next()?;
        let schema = body.get("schema")?;
        Some((
            schema,
            format!("content/{}/schema", escape_pointer(media_type)),
        ))
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
                // Removing a deprecated operation still breaks; the deprecation announced it.
                let (kind, note) = if deprecated(old_op.value) {
                    (Kind::DeprecatedOperationRemoved, " (deprecated before)")
                } else {
                    (Kind::OperationRemoved, "")
                };
                self.push(
                    kind,
                    &Place::request(Some(&id), old_op.pointer()),
                    old_op.pointer(),
                    format!("operation {} {} removed{note}", old_op.method, old_op.path),
                );
            }
        }
        self.security_schemes();
        self.servers_at(
            ServerSite::Global,
            self.old.get("servers"),
            self.new.get("servers"),
            &Place::request(None, "/servers".into()),
        );
        self.component_names();
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
            direction: place.direction,
            message,
            impact,
        });
    }

    /// `deprecated` set or cleared on an operation, parameter or schema (`place.pointer` is
    /// the object's): informational.
    fn deprecation(&mut self, old: &Value, new: &Value, place: &Place<'_>) {
        let pointer = format!("{}/deprecated", place.pointer);
        match (deprecated(old), deprecated(new)) {
            (false, true) => {
                let message = format!("{} is now deprecated", place.what);
                self.push(Kind::DeprecationAdded, place, pointer, message);
            }
            (true, false) => {
                let message = format!("{} is no longer deprecated", place.what);
                self.push(Kind::DeprecationRemoved, place, pointer, message);
            }
            _ => {}
        }
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
        if path_shape(old.path) != path_shape(new.path) {
            self.push(
                Kind::PathChanged,
                &place,
                new.pointer(),
                format!("path {} -> {}", old.path, new.path),
            );
        } else if old.path != new.path {
            // The same URLs: only the template's parameter names differ.
            self.push(
                Kind::PathParameterRenamed,
                &place,
                new.pointer(),
                format!("path {} -> {} (same URLs)", old.path, new.path),
            );
        }
        self.deprecation(old.value, new.value, &place.at(new.pointer(), "operation"));
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
        self.security_requirements(old, new, &place);
        self.servers_at(
            ServerSite::PathOrOperation,
            old.path_item.get("servers"),
            new.path_item.get("servers"),
            &place.at(format!("{}/servers", new.path_item_pointer()), ""),
        );
        self.servers_at(
            ServerSite::PathOrOperation,
            old.value.get("servers"),
            new.value.get("servers"),
            &place.at(format!("{}/servers", new.pointer()), ""),
        );
        self.extensions(
            crate::Site::Operation,
            Some(old.value),
            Some(new.value),
            &place,
        );
        Ok(())
    }

    /// The parameters of an operation (spec-model's list: its own, then its path item's that
    /// it does not hide); a `$ref` that cannot be followed stops the comparison.
    fn parameter_list(
        &self,
        side: Side,
        op: &DocumentOperation<'a>,
    ) -> Result<Vec<Parameter<'a>>, DiffError> {
        let document = match side {
            Side::Old => self.old,
            Side::New => self.new,
        };
        spec_model::document_parameters(document, &op.pointer())
            .into_iter()
            .map(|listed| match listed {
                Ok(parameter) => Ok(Parameter {
                    location: parameter.location,
                    name: parameter.name,
                    value: parameter.value,
                    pointer: parameter.pointer,
                }),
                Err(broken) => Err(DiffError::Reference {
                    side,
                    pointer: broken.pointer,
                    error: broken.error,
                }),
            })
            .collect()
    }

    fn parameters(
        &mut self,
        old: &DocumentOperation<'a>,
        new: &DocumentOperation<'a>,
        place: &Place<'_>,
    ) -> Result<(), DiffError> {
        let old_params = self.parameter_list(Side::Old, old)?;
        let new_params = self.parameter_list(Side::New, new)?;
        // A path parameter is its position in the template: renamed in both places, it is the
        // same parameter on the wire.
        let renamed = path_parameter_renames(old.path, new.path);
        let same = |a: &Parameter<'_>, b: &Parameter<'_>| {
            a.location == b.location
                && (a.name == b.name
                    || (a.location == "path"
                        && renamed.iter().any(|(o, n)| *o == a.name && *n == b.name)))
        };
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
            let what = format!("{location} parameter `{name}`");
            let at = place.at(param.pointer.clone(), what.clone());
            self.deprecation(old_param.value, param.value, &at);
            let (old_style, new_style) = (old_param.serialization(), param.serialization());
            if old_style != new_style {
                self.push(
                    Kind::ParameterSerializationChanged,
                    place,
                    param.pointer.clone(),
                    format!("{what}: written as {old_style} -> {new_style}"),
                );
            }
            if let (Some((old_schema, _)), Some((new_schema, new_at))) =
                (old_param.schema(), param.schema())
            {
                let at = place.at(format!("{}/{new_at}", param.pointer), what);
                self.top_schema(old_schema, new_schema, &at)?;
            }
        }
        for param in &old_params {
            if !new_params.iter().any(|n| same(param, n)) {
                // Still breaking when deprecated before; the deprecation announced it.
                let (kind, note) = if deprecated(param.value) {
                    (Kind::DeprecatedParameterRemoved, " (deprecated before)")
                } else {
                    (Kind::ParameterRemoved, "")
                };
                self.push(
                    kind,
                    place,
                    param.pointer.clone(),
                    format!(
                        "{} parameter `{}` removed{note}",
                        param.location, param.name
                    ),
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
                self.content(o, n, &place.at(pointer, "request body"))?;
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
            let at = place.at(pointer, format!("response {status}"));
            self.content(o, n, &at)?;
            self.headers(o, n, &at)?;
        }
        for status in old_responses.keys() {
            if !new_responses.contains_key(status) {
                let kind = if status.starts_with('2') {
                    Kind::SuccessStatusRemoved
                } else {
                    Kind::StatusRemoved
                };
                self.push(
                    kind,
                    &place,
                    format!("{}/responses/{}", old.pointer(), escape_pointer(status)),
                    format!("response status {status} removed"),
                );
            }
        }
        Ok(())
    }
}

/// Whether an operation, parameter or schema says `deprecated: true`.
fn deprecated(value: &Value) -> bool {
    value.get("deprecated").and_then(Value::as_bool) == Some(true)
}

/// A path template with its parameter names left out: `/users/{}/posts`.
fn path_shape(path: &str) -> String {
    let mut shape = String::with_capacity(path.len());
    let mut in_name = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_name = true;
                shape.push('{');
            }
            '}' => {
                in_name = false;
                shape.push('}');
            }
            _ if in_name => {}
            _ => shape.push(c),
        }
    }
    shape
}

/// The parameter names of a path template, in order.
fn path_parameters(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
}

/// (old name, new name) of each path parameter whose name changed between two templates of
/// the same shape.
fn path_parameter_renames<'p>(old: &'p str, new: &'p str) -> Vec<(&'p str, &'p str)> {
    if path_shape(old) != path_shape(new) {
        return Vec::new();
    }
    path_parameters(old)
        .zip(path_parameters(new))
        .filter(|(o, n)| o != n)
        .collect()
}

/// A value for messages; `(none)` when absent.
fn compact(value: Option<&Value>) -> String {
    value.map_or_else(|| "(none)".to_owned(), Value::to_string)
}
