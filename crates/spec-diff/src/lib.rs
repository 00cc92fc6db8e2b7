//! Spec changes, classified for the two kinds of teams that depend on our generated crates.
//!
//! A client (the generated `<api>-client`) sends requests and reads responses; a server (an
//! implementation of the generated `<api>-server` trait) reads requests and builds responses.
//! A change breaks them differently: a new required request field breaks clients (they must
//! now send it), a new required response field breaks servers (they must now fill it). Each
//! [`Change`] names the operation, the JSON pointer in the spec (the new version's, or the old
//! one's for a removal) and its [`Impact`] on both, and on the Rust API of the generated
//! crates, which can break where the wire does not (a new optional property is a new field
//! of an exhaustive struct).
//!
//! [`diff`] works on the specs' JSON documents (`spec_model::Spec::document`), following local
//! `$ref`s. [`required_bump`] and [`check_version`] turn the changes into the version rule that
//! `cargo xtask codegen` enforces.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::{json, Map, Value};

/// Whether a change breaks one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Compatible,
    Breaking,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Compatible => "compatible",
            Severity::Breaking => "breaking",
        }
    }
}

/// What a change does to clients and to servers on the wire, and to the Rust API of the
/// generated crates (which both kinds of team compile against).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Impact {
    pub client: Severity,
    pub server: Severity,
    /// The generated crates' Rust API: a change can be compatible on the wire and still stop
    /// code compiling (a new optional property is a new field of an exhaustive struct, so
    /// every struct literal of it breaks). cargo-semver-checks agrees: `cargo xtask semver`.
    pub rust: Severity,
}

impl Impact {
    const fn new(client: Severity, server: Severity) -> Self {
        Impact {
            client,
            server,
            rust: Severity::Compatible,
        }
    }
    /// Breaking on the wire for either side, or for the generated Rust API.
    pub fn is_breaking(self) -> bool {
        self.client == Severity::Breaking
            || self.server == Severity::Breaking
            || self.rust == Severity::Breaking
    }
}

/// What a kind of change does to the generated Rust API. Additions to exhaustive items
/// (struct fields, method parameters, trait methods) and every removal or type change break
/// it, and so, cautiously, do bounds (typify picks the type from them: `maxLength` or
/// `pattern` make a `String` a newtype, `minimum: 1` a `NonZeroU64`) and security schemes
/// (they shape `auth::Credentials`). Compatible: what no Rust signature carries (paths,
/// methods), a new enum value (open enums are `#[non_exhaustive]`) and a new status (the
/// server crates' response enums are `#[non_exhaustive]`).
pub fn generated_api_impact(kind: Kind) -> Severity {
    match kind {
        Kind::PathChanged | Kind::MethodChanged | Kind::StatusAdded | Kind::EnumValueAdded => C,
        Kind::BoundTightened | Kind::BoundLoosened | Kind::SecurityChanged => B,
        Kind::OperationAdded
        | Kind::OperationRemoved
        | Kind::ParameterAdded
        | Kind::ParameterRemoved
        | Kind::ParameterMadeRequired
        | Kind::ParameterMadeOptional
        | Kind::RequestBodyAdded
        | Kind::RequestBodyRemoved
        | Kind::RequestBodyMadeRequired
        | Kind::RequestBodyMadeOptional
        | Kind::StatusRemoved
        | Kind::PropertyAdded
        | Kind::PropertyRemoved
        | Kind::PropertyMadeRequired
        | Kind::PropertyMadeOptional
        | Kind::TypeChanged
        | Kind::FormatChanged
        | Kind::EnumValueRemoved
        | Kind::NullableAdded
        | Kind::NullableRemoved => B,
    }
}

use Severity::{Breaking as B, Compatible as C};

/// The kinds of change. Schema changes carry the direction they were found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    OperationAdded,
    OperationRemoved,
    PathChanged,
    MethodChanged,
    ParameterAdded,
    ParameterRemoved,
    ParameterMadeRequired,
    ParameterMadeOptional,
    RequestBodyAdded,
    RequestBodyRemoved,
    RequestBodyMadeRequired,
    RequestBodyMadeOptional,
    StatusAdded,
    StatusRemoved,
    PropertyAdded,
    PropertyRemoved,
    PropertyMadeRequired,
    PropertyMadeOptional,
    TypeChanged,
    FormatChanged,
    EnumValueAdded,
    EnumValueRemoved,
    BoundTightened,
    BoundLoosened,
    NullableAdded,
    NullableRemoved,
    SecurityChanged,
}

impl Kind {
    /// `operation-added`, `enum-value-removed`...
    pub fn name(self) -> &'static str {
        match self {
            Kind::OperationAdded => "operation-added",
            Kind::OperationRemoved => "operation-removed",
            Kind::PathChanged => "path-changed",
            Kind::MethodChanged => "method-changed",
            Kind::ParameterAdded => "parameter-added",
            Kind::ParameterRemoved => "parameter-removed",
            Kind::ParameterMadeRequired => "parameter-made-required",
            Kind::ParameterMadeOptional => "parameter-made-optional",
            Kind::RequestBodyAdded => "request-body-added",
            Kind::RequestBodyRemoved => "request-body-removed",
            Kind::RequestBodyMadeRequired => "request-body-made-required",
            Kind::RequestBodyMadeOptional => "request-body-made-optional",
            Kind::StatusAdded => "status-added",
            Kind::StatusRemoved => "status-removed",
            Kind::PropertyAdded => "property-added",
            Kind::PropertyRemoved => "property-removed",
            Kind::PropertyMadeRequired => "property-made-required",
            Kind::PropertyMadeOptional => "property-made-optional",
            Kind::TypeChanged => "type-changed",
            Kind::FormatChanged => "format-changed",
            Kind::EnumValueAdded => "enum-value-added",
            Kind::EnumValueRemoved => "enum-value-removed",
            Kind::BoundTightened => "bound-tightened",
            Kind::BoundLoosened => "bound-loosened",
            Kind::NullableAdded => "nullable-added",
            Kind::NullableRemoved => "nullable-removed",
            Kind::SecurityChanged => "security-changed",
        }
    }
}

/// Where a schema change was found: in what the client sends, or in what the server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    Request,
    Response,
}

/// One change between two versions of a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: Kind,
    /// The operationId, or `None` for spec-wide changes (security schemes).
    pub operation: Option<String>,
    /// JSON pointer into the new spec (into the old one for removals).
    pub pointer: String,
    pub message: String,
    pub impact: Impact,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "client: {:<10} server: {:<10} rust: {:<10} {:<24} {} #{} {}",
            self.impact.client.as_str(),
            self.impact.server.as_str(),
            self.impact.rust.as_str(),
            self.kind.name(),
            self.operation.as_deref().unwrap_or("-"),
            self.pointer,
            self.message
        )
    }
}

/// The impact of a kind of change in a direction. The rules, and why:
/// - what a client sends (request): adding a requirement, removing an accepted value or
///   narrowing a bound breaks clients; accepting more breaks servers, which must now handle it;
/// - what a server answers (response): the mirror image; a new enum value in a response is
///   compatible for our clients (their enums are open: `Unknown(String)`).
/// - removing anything that exists in the generated Rust types (an operation, a parameter, a
///   property, a status variant) breaks the code that uses it.
pub fn impact(kind: Kind, direction: Direction) -> Impact {
    use Direction::{Request as Rq, Response as Rs};
    match (kind, direction) {
        (Kind::OperationAdded, _) => Impact::new(C, B),
        (Kind::OperationRemoved | Kind::PathChanged | Kind::MethodChanged, _) => Impact::new(B, B),
        (Kind::ParameterAdded | Kind::RequestBodyAdded, _) => Impact::new(B, C),
        (Kind::ParameterRemoved | Kind::RequestBodyRemoved, _) => Impact::new(B, B),
        (Kind::ParameterMadeRequired | Kind::RequestBodyMadeRequired, _) => Impact::new(B, C),
        (Kind::ParameterMadeOptional | Kind::RequestBodyMadeOptional, _) => Impact::new(C, B),
        (Kind::StatusAdded, _) => Impact::new(C, C),
        (Kind::StatusRemoved, _) => Impact::new(C, B),
        (Kind::PropertyAdded, Rq) => Impact::new(B, C),
        (Kind::PropertyAdded, Rs) => Impact::new(C, B),
        (Kind::PropertyRemoved, _) => Impact::new(B, B),
        (Kind::PropertyMadeRequired, Rq) => Impact::new(B, C),
        (Kind::PropertyMadeRequired, Rs) => Impact::new(C, B),
        (Kind::PropertyMadeOptional, Rq) => Impact::new(C, B),
        (Kind::PropertyMadeOptional, Rs) => Impact::new(B, C),
        (Kind::TypeChanged | Kind::FormatChanged, _) => Impact::new(B, B),
        (Kind::EnumValueAdded, Rq) => Impact::new(C, B),
        (Kind::EnumValueAdded, Rs) => Impact::new(C, C),
        (Kind::EnumValueRemoved, Rq) => Impact::new(B, C),
        (Kind::EnumValueRemoved, Rs) => Impact::new(C, B),
        (Kind::BoundTightened, Rq) => Impact::new(B, C),
        (Kind::BoundTightened, Rs) => Impact::new(C, B),
        (Kind::BoundLoosened, Rq) => Impact::new(C, B),
        (Kind::BoundLoosened, Rs) => Impact::new(B, C),
        (Kind::NullableAdded, Rq) => Impact::new(C, B),
        (Kind::NullableAdded, Rs) => Impact::new(B, C),
        (Kind::NullableRemoved, Rq) => Impact::new(B, C),
        (Kind::NullableRemoved, Rs) => Impact::new(C, B),
        (Kind::SecurityChanged, _) => Impact::new(B, B),
    }
}

/// `wire` with the generated Rust API's severity of `kind`.
fn with_rust(kind: Kind, wire: Impact) -> Impact {
    Impact {
        rust: generated_api_impact(kind),
        ..wire
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Escapes one JSON pointer segment.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

struct Operation<'a> {
    id: String,
    path: String,
    method: &'static str,
    pointer: String,
    value: &'a Value,
    /// Parameters declared on the path item, which apply to every operation of it.
    path_parameters: &'a [Value],
}

fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let path_parameters = item
            .get("parameters")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let id = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("{} {path}", method.to_uppercase()));
                out.push(Operation {
                    id,
                    path: path.clone(),
                    method,
                    pointer: format!("/paths/{}/{method}", escape(path)),
                    value: op,
                    path_parameters,
                });
            }
        }
    }
    out
}

/// Compares two versions of one spec (their JSON documents). Changes come in a stable order:
/// by operation, then by pointer.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let mut differ = Differ {
        old,
        new,
        changes: Vec::new(),
    };
    differ.run();
    let mut changes = differ.changes;
    changes.sort_by(|a, b| {
        (&a.operation, &a.pointer, a.kind, &a.message).cmp(&(
            &b.operation,
            &b.pointer,
            b.kind,
            &b.message,
        ))
    });
    changes.dedup();
    changes
}

struct Differ<'a> {
    old: &'a Value,
    new: &'a Value,
    changes: Vec<Change>,
}

impl<'a> Differ<'a> {
    fn push(
        &mut self,
        kind: Kind,
        direction: Direction,
        operation: Option<&str>,
        pointer: String,
        message: String,
    ) {
        self.changes.push(Change {
            kind,
            operation: operation.map(str::to_owned),
            pointer,
            message,
            impact: with_rust(kind, impact(kind, direction)),
        });
    }

    fn run(&mut self) {
        let old_ops = operations(self.old);
        let new_ops = operations(self.new);
        for new_op in &new_ops {
            match old_ops.iter().find(|o| o.id == new_op.id) {
                None => self.push(
                    Kind::OperationAdded,
                    Direction::Request,
                    Some(&new_op.id),
                    new_op.pointer.clone(),
                    format!(
                        "new operation {} {}",
                        new_op.method.to_uppercase(),
                        new_op.path
                    ),
                ),
                Some(old_op) => self.operation(old_op, new_op),
            }
        }
        for old_op in &old_ops {
            if !new_ops.iter().any(|o| o.id == old_op.id) {
                self.push(
                    Kind::OperationRemoved,
                    Direction::Request,
                    Some(&old_op.id),
                    old_op.pointer.clone(),
                    format!(
                        "operation {} {} removed",
                        old_op.method.to_uppercase(),
                        old_op.path
                    ),
                );
            }
        }
        self.security();
    }

    fn operation(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
        let id = Some(new.id.as_str());
        if old.path != new.path {
            self.push(
                Kind::PathChanged,
                Direction::Request,
                id,
                new.pointer.clone(),
                format!("path {} -> {}", old.path, new.path),
            );
        }
        if old.method != new.method {
            self.push(
                Kind::MethodChanged,
                Direction::Request,
                id,
                new.pointer.clone(),
                format!(
                    "method {} -> {}",
                    old.method.to_uppercase(),
                    new.method.to_uppercase()
                ),
            );
        }
        self.parameters(old, new);
        self.request_body(old, new);
        self.responses(old, new);
        // Operation-level security.
        let (old_sec, new_sec) = (old.value.get("security"), new.value.get("security"));
        if old_sec != new_sec {
            self.push(
                Kind::SecurityChanged,
                Direction::Request,
                id,
                format!("{}/security", new.pointer),
                format!("security {} -> {}", compact(old_sec), compact(new_sec)),
            );
        }
    }

    fn parameter_list(
        &self,
        doc: &'a Value,
        op: &Operation<'a>,
    ) -> Vec<(String, String, Value, String)> {
        // (location, name, resolved parameter, pointer)
        let mut out: Vec<(String, String, Value, String)> = Vec::new();
        let own = op
            .value
            .get("parameters")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let path_pointer = op
            .pointer
            .rsplit_once('/')
            .map(|(p, _)| p.to_owned())
            .unwrap_or_default();
        let all = op
            .path_parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, format!("{path_pointer}/parameters/{i}")))
            .chain(
                own.iter()
                    .enumerate()
                    .map(|(i, p)| (p, format!("{}/parameters/{i}", op.pointer))),
            );
        for (param, pointer) in all {
            // A shared parameter is reported where it is defined.
            let pointer = match param
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
            {
                Some(target) => target.to_owned(),
                None => pointer,
            };
            let resolved = resolve(doc, param).clone();
            let location = resolved
                .get("in")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let name = resolved
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            out.retain(|(l, n, _, _)| !(l == &location && n == &name));
            out.push((location, name, resolved, pointer));
        }
        out
    }

    fn parameters(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
        let id = Some(new.id.as_str());
        let old_params = self.parameter_list(self.old, old);
        let new_params = self.parameter_list(self.new, new);
        for (location, name, param, pointer) in &new_params {
            let required = param
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            match old_params
                .iter()
                .find(|(l, n, _, _)| l == location && n == name)
            {
                None => {
                    // A required parameter breaks clients, which must now send it; an
                    // optional one is additive on the wire (not in Rust: a new argument).
                    let (impact, message) = if required {
                        (
                            Impact::new(B, C),
                            format!("new required {location} parameter `{name}`"),
                        )
                    } else {
                        (
                            Impact::new(C, C),
                            format!("new optional {location} parameter `{name}`"),
                        )
                    };
                    self.changes.push(Change {
                        kind: Kind::ParameterAdded,
                        operation: id.map(str::to_owned),
                        pointer: pointer.clone(),
                        message,
                        impact: with_rust(Kind::ParameterAdded, impact),
                    });
                }
                Some((_, _, old_param, _)) => {
                    let was = old_param
                        .get("required")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    if required && !was {
                        self.push(
                            Kind::ParameterMadeRequired,
                            Direction::Request,
                            id,
                            format!("{pointer}/required"),
                            format!("{location} parameter `{name}` is now required"),
                        );
                    } else if !required && was {
                        self.push(
                            Kind::ParameterMadeOptional,
                            Direction::Request,
                            id,
                            format!("{pointer}/required"),
                            format!("{location} parameter `{name}` is now optional"),
                        );
                    }
                    if let (Some(old_schema), Some(new_schema)) =
                        (old_param.get("schema"), param.get("schema"))
                    {
                        self.schema(
                            old_schema,
                            new_schema,
                            Direction::Request,
                            id,
                            &format!("{pointer}/schema"),
                            &format!("{location} parameter `{name}`"),
                            &mut BTreeSet::new(),
                        );
                    }
                }
            }
        }
        for (location, name, _, pointer) in &old_params {
            if !new_params
                .iter()
                .any(|(l, n, _, _)| l == location && n == name)
            {
                self.push(
                    Kind::ParameterRemoved,
                    Direction::Request,
                    id,
                    pointer.clone(),
                    format!("{location} parameter `{name}` removed"),
                );
            }
        }
    }

    fn request_body(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
        let id = Some(new.id.as_str());
        let pointer = format!("{}/requestBody", new.pointer);
        let old_body = old.value.get("requestBody").map(|b| resolve(self.old, b));
        let new_body = new.value.get("requestBody").map(|b| resolve(self.new, b));
        let required = |b: &Value| b.get("required").and_then(Value::as_bool).unwrap_or(false);
        match (old_body, new_body) {
            (None, None) => {}
            (None, Some(_)) => self.push(
                Kind::RequestBodyAdded,
                Direction::Request,
                id,
                pointer,
                "new request body".into(),
            ),
            (Some(_), None) => self.push(
                Kind::RequestBodyRemoved,
                Direction::Request,
                id,
                format!("{}/requestBody", old.pointer),
                "request body removed".into(),
            ),
            (Some(o), Some(n)) => {
                if required(n) && !required(o) {
                    self.push(
                        Kind::RequestBodyMadeRequired,
                        Direction::Request,
                        id,
                        format!("{pointer}/required"),
                        "the request body is now required".into(),
                    );
                } else if !required(n) && required(o) {
                    self.push(
                        Kind::RequestBodyMadeOptional,
                        Direction::Request,
                        id,
                        format!("{pointer}/required"),
                        "the request body is now optional".into(),
                    );
                }
                if let (Some(os), Some(ns)) = (json_schema(o), json_schema(n)) {
                    self.schema(
                        os,
                        ns,
                        Direction::Request,
                        id,
                        &format!("{pointer}/content/application~1json/schema"),
                        "request body",
                        &mut BTreeSet::new(),
                    );
                }
            }
        }
    }

    fn responses(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
        let id = Some(new.id.as_str());
        let empty = Map::new();
        let old_responses = old
            .value
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let new_responses = new
            .value
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for (status, response) in new_responses {
            let pointer = format!("{}/responses/{}", new.pointer, escape(status));
            match old_responses.get(status) {
                None => self.push(
                    Kind::StatusAdded,
                    Direction::Response,
                    id,
                    pointer,
                    format!("new response status {status}"),
                ),
                Some(old_response) => {
                    let (o, n) = (resolve(self.old, old_response), resolve(self.new, response));
                    if let (Some(os), Some(ns)) = (json_schema(o), json_schema(n)) {
                        self.schema(
                            os,
                            ns,
                            Direction::Response,
                            id,
                            &format!("{pointer}/content/application~1json/schema"),
                            &format!("response {status}"),
                            &mut BTreeSet::new(),
                        );
                    }
                }
            }
        }
        for status in old_responses.keys() {
            if !new_responses.contains_key(status) {
                self.push(
                    Kind::StatusRemoved,
                    Direction::Response,
                    id,
                    format!("{}/responses/{}", old.pointer, escape(status)),
                    format!("response status {status} removed"),
                );
            }
        }
    }

    fn security(&mut self) {
        let old_schemes = self.old.pointer("/components/securitySchemes");
        let new_schemes = self.new.pointer("/components/securitySchemes");
        if old_schemes != new_schemes {
            self.push(
                Kind::SecurityChanged,
                Direction::Request,
                None,
                "/components/securitySchemes".into(),
                "security schemes changed".into(),
            );
        }
        if self.old.get("security") != self.new.get("security") {
            self.push(
                Kind::SecurityChanged,
                Direction::Request,
                None,
                "/security".into(),
                format!(
                    "global security {} -> {}",
                    compact(self.old.get("security")),
                    compact(self.new.get("security"))
                ),
            );
        }
    }

    /// Compares two schemas found at the same place. `pointer` is where the new schema is
    /// (the `$ref`'s target once followed, so that a change to a shared component is reported
    /// where it was made); `what` names it for messages.
    #[allow(
        clippy::too_many_arguments,
        reason = "one recursive walk carrying its context"
    )]
    fn schema(
        &mut self,
        old: &Value,
        new: &Value,
        direction: Direction,
        operation: Option<&str>,
        pointer: &str,
        what: &str,
        seen: &mut BTreeSet<(String, String)>,
    ) {
        let mut pointer = pointer.to_owned();
        let old_ref = old.get("$ref").and_then(Value::as_str);
        let new_ref = new.get("$ref").and_then(Value::as_str);
        if old_ref.is_some() || new_ref.is_some() {
            let key = (
                old_ref.unwrap_or_default().to_owned(),
                new_ref.unwrap_or_default().to_owned(),
            );
            if !seen.insert(key) {
                return; // a cycle, or a schema already compared on this path
            }
            if let Some(target) = new_ref.and_then(|r| r.strip_prefix('#')) {
                pointer = target.to_owned();
            }
        }
        let old = resolve(self.old, old);
        let new = resolve(self.new, new);
        // allOf with a single $ref (a described reference): compare the referenced schema.
        let (old, new) = (unwrap_all_of(self.old, old), unwrap_all_of(self.new, new));

        let text = |v: &Value, key: &str| v.get(key).map(|x| x.to_string());
        if text(old, "type") != text(new, "type") {
            self.push(
                Kind::TypeChanged,
                direction,
                operation,
                format!("{pointer}/type"),
                format!(
                    "{what}: type {} -> {}",
                    compact(old.get("type")),
                    compact(new.get("type"))
                ),
            );
            return;
        }
        if text(old, "format") != text(new, "format") {
            self.push(
                Kind::FormatChanged,
                direction,
                operation,
                format!("{pointer}/format"),
                format!(
                    "{what}: format {} -> {}",
                    compact(old.get("format")),
                    compact(new.get("format"))
                ),
            );
        }
        let nullable = |v: &Value| v.get("nullable").and_then(Value::as_bool).unwrap_or(false);
        match (nullable(old), nullable(new)) {
            (false, true) => self.push(
                Kind::NullableAdded,
                direction,
                operation,
                format!("{pointer}/nullable"),
                format!("{what} may now be null"),
            ),
            (true, false) => self.push(
                Kind::NullableRemoved,
                direction,
                operation,
                format!("{pointer}/nullable"),
                format!("{what} may no longer be null"),
            ),
            _ => {}
        }
        self.enums(old, new, direction, operation, &pointer, what);
        self.bounds(old, new, direction, operation, &pointer, what);
        self.properties(old, new, direction, operation, &pointer, what, seen);
        if let (Some(o), Some(n)) = (old.get("items"), new.get("items")) {
            self.schema(
                o,
                n,
                direction,
                operation,
                &format!("{pointer}/items"),
                &format!("{what}[]"),
                seen,
            );
        }
        for combinator in ["oneOf", "anyOf", "allOf"] {
            if let (Some(o), Some(n)) = (
                old.get(combinator).and_then(Value::as_array),
                new.get(combinator).and_then(Value::as_array),
            ) {
                for (index, (o, n)) in o.iter().zip(n).enumerate() {
                    self.schema(
                        o,
                        n,
                        direction,
                        operation,
                        &format!("{pointer}/{combinator}/{index}"),
                        what,
                        seen,
                    );
                }
            }
        }
    }

    fn enums(
        &mut self,
        old: &Value,
        new: &Value,
        direction: Direction,
        operation: Option<&str>,
        pointer: &str,
        what: &str,
    ) {
        let values = |v: &Value| v.get("enum").and_then(Value::as_array).cloned();
        let (Some(old_values), Some(new_values)) = (values(old), values(new)) else {
            if values(old).is_none() && values(new).is_some() {
                self.push(
                    Kind::BoundTightened,
                    direction,
                    operation,
                    format!("{pointer}/enum"),
                    format!("{what}: now limited to an enum"),
                );
            } else if values(old).is_some() && values(new).is_none() {
                self.push(
                    Kind::BoundLoosened,
                    direction,
                    operation,
                    format!("{pointer}/enum"),
                    format!("{what}: no longer limited to an enum"),
                );
            }
            return;
        };
        for value in &new_values {
            if !old_values.contains(value) {
                let note = if direction == Direction::Response {
                    " (our clients read it as Unknown; clients without an open-enum fallback break)"
                } else {
                    ""
                };
                self.push(
                    Kind::EnumValueAdded,
                    direction,
                    operation,
                    format!("{pointer}/enum"),
                    format!("{what}: new value {value}{note}"),
                );
            }
        }
        for value in &old_values {
            if !new_values.contains(value) {
                self.push(
                    Kind::EnumValueRemoved,
                    direction,
                    operation,
                    format!("{pointer}/enum"),
                    format!("{what}: value {value} removed"),
                );
            }
        }
    }

    /// A change of one schema keyword, reported at the keyword with both values.
    #[allow(
        clippy::too_many_arguments,
        reason = "the walk's context plus the keyword"
    )]
    fn keyword_changed(
        &mut self,
        kind: Kind,
        direction: Direction,
        operation: Option<&str>,
        pointer: &str,
        what: &str,
        keyword: &str,
        old: &Value,
        new: &Value,
    ) {
        self.push(
            kind,
            direction,
            operation,
            format!("{pointer}/{keyword}"),
            format!(
                "{what}: {keyword} {} -> {}",
                compact(old.get(keyword)),
                compact(new.get(keyword))
            ),
        );
    }

    fn bounds(
        &mut self,
        old: &Value,
        new: &Value,
        direction: Direction,
        operation: Option<&str>,
        pointer: &str,
        what: &str,
    ) {
        // (keyword, whether a larger value is looser)
        for (keyword, larger_is_looser) in [
            ("maxLength", true),
            ("maximum", true),
            ("maxItems", true),
            ("maxProperties", true),
            ("minLength", false),
            ("minimum", false),
            ("minItems", false),
            ("minProperties", false),
        ] {
            let (o, n) = (
                old.get(keyword).and_then(Value::as_f64),
                new.get(keyword).and_then(Value::as_f64),
            );
            let tightened = match (o, n) {
                (None, None) => continue,
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(o), Some(n)) if o == n => continue,
                (Some(o), Some(n)) => (n < o) == larger_is_looser,
            };
            let kind = if tightened {
                Kind::BoundTightened
            } else {
                Kind::BoundLoosened
            };
            self.keyword_changed(kind, direction, operation, pointer, what, keyword, old, new);
        }
        for keyword in [
            "pattern",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ] {
            if old.get(keyword) != new.get(keyword) {
                // A pattern cannot be compared: any change is treated as tightening.
                let kind = if new.get(keyword).is_none() {
                    Kind::BoundLoosened
                } else {
                    Kind::BoundTightened
                };
                self.keyword_changed(kind, direction, operation, pointer, what, keyword, old, new);
            }
        }
        if old.get("additionalProperties") != new.get("additionalProperties") {
            let closed = |v: &Value| v.get("additionalProperties") == Some(&Value::Bool(false));
            let kind = match (closed(old), closed(new)) {
                (false, true) => Some(Kind::BoundTightened),
                (true, false) => Some(Kind::BoundLoosened),
                _ => None,
            };
            if let Some(kind) = kind {
                self.push(
                    kind,
                    direction,
                    operation,
                    format!("{pointer}/additionalProperties"),
                    format!(
                        "{what}: additionalProperties {} -> {}",
                        compact(old.get("additionalProperties")),
                        compact(new.get("additionalProperties"))
                    ),
                );
            }
        }
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "one recursive walk carrying its context"
    )]
    fn properties(
        &mut self,
        old: &Value,
        new: &Value,
        direction: Direction,
        operation: Option<&str>,
        pointer: &str,
        what: &str,
        seen: &mut BTreeSet<(String, String)>,
    ) {
        let empty = Map::new();
        let old_props = old
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let new_props = new
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required = |v: &Value| -> BTreeSet<String> {
            v.get("required")
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let (old_required, new_required) = (required(old), required(new));
        for (name, schema) in new_props {
            let at = format!("{pointer}/properties/{}", escape(name));
            let member = format!("{what}.{name}");
            match old_props.get(name) {
                None => {
                    // An optional property is additive on the wire (not in Rust: a new
                    // field of an exhaustive struct).
                    let is_required = new_required.contains(name);
                    let impact = if is_required {
                        impact(Kind::PropertyAdded, direction)
                    } else {
                        Impact::new(C, C)
                    };
                    self.changes.push(Change {
                        kind: Kind::PropertyAdded,
                        operation: operation.map(str::to_owned),
                        pointer: at,
                        message: format!(
                            "new {} property {member}",
                            if is_required { "required" } else { "optional" }
                        ),
                        impact: with_rust(Kind::PropertyAdded, impact),
                    });
                }
                Some(old_schema) => {
                    match (old_required.contains(name), new_required.contains(name)) {
                        (false, true) => self.push(
                            Kind::PropertyMadeRequired,
                            direction,
                            operation,
                            format!("{pointer}/required"),
                            format!("{member} is now required"),
                        ),
                        (true, false) => self.push(
                            Kind::PropertyMadeOptional,
                            direction,
                            operation,
                            format!("{pointer}/required"),
                            format!("{member} is now optional"),
                        ),
                        _ => {}
                    }
                    self.schema(old_schema, schema, direction, operation, &at, &member, seen);
                }
            }
        }
        for name in old_props.keys() {
            if !new_props.contains_key(name) {
                self.push(
                    Kind::PropertyRemoved,
                    direction,
                    operation,
                    format!("{pointer}/properties/{}", escape(name)),
                    format!("property {what}.{name} removed"),
                );
            }
        }
    }
}

/// Follows local `$ref`s (a bounded number of hops).
fn resolve<'v>(doc: &'v Value, mut value: &'v Value) -> &'v Value {
    for _ in 0..32 {
        match value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            Some(target) => match doc.pointer(target) {
                Some(next) => value = next,
                None => return value,
            },
            None => return value,
        }
    }
    value
}

fn unwrap_all_of<'v>(doc: &'v Value, value: &'v Value) -> &'v Value {
    match value.get("allOf").and_then(Value::as_array) {
        Some(parts) if parts.len() == 1 && value.get("properties").is_none() => {
            resolve(doc, &parts[0])
        }
        _ => value,
    }
}

fn json_schema(body: &Value) -> Option<&Value> {
    body.pointer("/content/application~1json/schema")
}

fn compact(value: Option<&Value>) -> String {
    value.map_or_else(|| "(none)".to_owned(), Value::to_string)
}

/// A semantic version `MAJOR.MINOR.PATCH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Version {
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = text.trim().split('.').map(|p| p.parse::<u64>().ok());
        let version = Version {
            major: parts.next()??,
            minor: parts.next()??,
            patch: parts.next()??,
        };
        parts.next().is_none().then_some(version)
    }

    /// The smallest version after `self` that a bump allows.
    pub fn bumped(self, bump: Bump) -> Version {
        match bump {
            // Before 1.0, a breaking change bumps the minor version (Cargo's rule).
            Bump::Major if self.major == 0 => Version {
                major: 0,
                minor: self.minor + 1,
                patch: 0,
            },
            Bump::Major => Version {
                major: self.major + 1,
                minor: 0,
                patch: 0,
            },
            Bump::Minor if self.major == 0 => Version {
                patch: self.patch + 1,
                ..self
            },
            Bump::Minor => Version {
                major: self.major,
                minor: self.minor + 1,
                patch: 0,
            },
            Bump::None => self,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The version bump a set of changes requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    None,
    Minor,
    Major,
}

impl Bump {
    /// `none`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

pub fn required_bump(changes: &[Change]) -> Bump {
    if changes.iter().any(|c| c.impact.is_breaking()) {
        Bump::Major
    } else if changes.is_empty() {
        Bump::None
    } else {
        Bump::Minor
    }
}

/// Why a spec's new version is not enough for its changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError {
    pub spec: String,
    pub old: Version,
    pub new: Version,
    pub required: Version,
    pub bump: Bump,
    /// The changes that require the bump (the breaking ones when the bump is major).
    pub reasons: Vec<Change>,
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.bump == Bump::Major {
            "breaking"
        } else {
            "additive"
        };
        writeln!(
            f,
            "{}: {} {what} change(s) need info.version {} or later (it is {}):",
            self.spec,
            self.reasons.len(),
            self.required,
            self.new
        )?;
        for change in &self.reasons {
            writeln!(f, "  {change}")?;
        }
        write!(
            f,
            "edit {}: info.version: {} -> {}",
            self.spec, self.new, self.required
        )
    }
}

/// Checks that a spec's `info.version` moved as far as its changes require. `spec` names the
/// file for the message. An unreadable version is an error naming it.
pub fn check_version(spec: &str, old: &Value, new: &Value) -> Result<Vec<Change>, String> {
    let version = |doc: &Value, which: &str| {
        let text = doc
            .pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or_default();
        Version::parse(text).ok_or_else(|| {
            format!("{spec}: {which} info.version {text:?} is not MAJOR.MINOR.PATCH")
        })
    };
    let (old_version, new_version) = (version(old, "the base's")?, version(new, "the")?);
    let changes = diff(old, new);
    let bump = required_bump(&changes);
    let required = old_version.bumped(bump);
    if new_version < required {
        let reasons = changes
            .iter()
            .filter(|c| bump != Bump::Major || c.impact.is_breaking())
            .cloned()
            .collect();
        return Err(VersionError {
            spec: spec.to_owned(),
            old: old_version,
            new: new_version,
            required,
            bump,
            reasons,
        }
        .to_string());
    }
    Ok(changes)
}

/// The changes as JSON: `{"changes": [{"kind", "operation", "pointer", "message", "client",
/// "server", "rust"}], "breaking": {"client": n, "server": n, "rust": n}, "required_bump":
/// "major|minor|none"}`.
pub fn to_json(changes: &[Change]) -> Value {
    let count = |side: fn(&Change) -> Severity| changes.iter().filter(|c| side(c) == B).count();
    json!({
        "changes": changes.iter().map(|c| json!({
            "kind": c.kind.name(),
            "operation": c.operation,
            "pointer": c.pointer,
            "message": c.message,
            "client": c.impact.client.as_str(),
            "server": c.impact.server.as_str(),
            "rust": c.impact.rust.as_str(),
        })).collect::<Vec<_>>(),
        "breaking": {
            "client": count(|c| c.impact.client),
            "server": count(|c| c.impact.server),
            "rust": count(|c| c.impact.rust),
        },
        "required_bump": required_bump(changes).as_str(),
    })
}
