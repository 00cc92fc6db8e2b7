//! The model of one API: every fact the emitters need, built once from the loaded spec and from
//! one reading of progenitor's output (the [`adapter`](crate::adapter)).
//!
//! Emitters (`crate::emit`) take an [`ApiModel`] and nothing else: they never read the spec's
//! JSON, and never look at generated text. A fact two emitters share (a parameter's Rust type,
//! the base path, whether an operation pages) is therefore decided once, here.

pub(crate) mod constraints;
mod pagination;
pub(crate) mod security;
pub(crate) mod servers;
mod shapes;
pub(crate) mod status;
pub(crate) mod timestamps;

use serde_json::Value;

use crate::naming::ApiNames;

pub use constraints::{BodyBound, Constraints};
pub use pagination::{HasMore, Pagination};
pub use security::{Scheme, SchemeKind, Security};
pub use servers::{EnvironmentServer, ServerVariable, Servers, TemplatedServer};
pub use shapes::{Shape, ShapeField};
pub use timestamps::{Instant, Timestamps};

/// One API, ready to be emitted.
pub struct ApiModel {
    /// The spec file, for messages.
    pub file: String,
    /// The spec's file stem (`insightiq`).
    pub api: String,
    pub names: ApiNames,
    /// `info.title`.
    pub title: String,
    /// `info.version`: the generated crates' version.
    pub version: String,
    pub servers: Servers,
    /// The path part of the first server URL (`/v1`), where the operations are routed.
    pub base_path: String,
    pub security: Security,
    pub operations: Vec<Operation>,
    /// Response headers the spec declares on every response of every operation.
    pub universal_headers: Vec<Header>,
    /// The universal header carrying the request id, if there is one.
    pub request_id_header: Option<String>,
    /// The Error schema's `x-error-template`, as JSON text.
    pub error_template: String,
    /// Whether the template has a place for the request id (`{request_id}`).
    pub error_template_has_request_id: bool,
    /// The types crate's schema types and open enums, by Rust name.
    pub type_names: Vec<String>,
    pub open_enums: Vec<String>,
    /// The constrained string newtypes (`maxLength`, `pattern`), built from plain text with
    /// `From`; the client checks their bounds before sending.
    pub plain_newtypes: std::collections::BTreeSet<String>,
    /// The types crate's record structs (`#[non_exhaustive]`, built through constructors).
    pub shapes: Vec<Shape>,
    /// progenitor's code, post-processed by the adapter, for the emitters to place.
    pub code: ProgenitorCode,
    /// What each crate's code needs beyond serde.
    pub dependencies: Dependencies,
    /// The declared timestamp form (`info.x-timestamp-form`) and where it applies; `None`:
    /// chrono's serde.
    pub timestamps: Option<Timestamps>,
    /// The structs that get `instant()` (Unix seconds to a date-time).
    pub instants: Vec<Instant>,
}

/// progenitor's output after the adapter's post-processing.
pub struct ProgenitorCode {
    /// The schema types (typify), open enums and tolerant nullable fields applied.
    pub types: Vec<syn::Item>,
    /// The positional client (`Client`, one method per operation).
    pub client: Vec<syn::Item>,
}

/// External crates generated code refers to, by crate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dependencies {
    pub types: ExternalCrates,
    pub client: ExternalCrates,
    pub server: ExternalCrates,
}

/// Crates a piece of generated code names (`::chrono::...`, `::uuid::...`, `::regress::...`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExternalCrates {
    pub chrono: bool,
    pub uuid: bool,
    pub regress: bool,
    /// The workspace's `timestamp-form` crate (the declared form's reader and writer).
    pub timestamp_form: bool,
}

impl ExternalCrates {
    pub fn union(self, other: ExternalCrates) -> ExternalCrates {
        ExternalCrates {
            chrono: self.chrono || other.chrono,
            uuid: self.uuid || other.uuid,
            regress: self.regress || other.regress,
            timestamp_form: self.timestamp_form || other.timestamp_form,
        }
    }
}

/// One operation.
pub struct Operation {
    /// The operationId: the Rust method name on client and server.
    pub id: String,
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// The path template as written under `paths`.
    pub path: String,
    /// `base_path` + `path`: where the server routes it.
    pub route: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// JSON pointer of the operation object.
    pub pointer: String,
    /// Path and query parameters, in the spec's order.
    pub parameters: Vec<Parameter>,
    pub body: Option<RequestBody>,
    /// Documented responses, by status.
    pub responses: Vec<Response>,
    /// The status invalid input gets: the documented 422, else 400, as its `StatusCode`
    /// constant.
    pub invalid_input_status: syn::Ident,
    pub pagination: Option<Pagination>,
    /// The positional client method's arguments after `&self`, in its order.
    pub client_arguments: Vec<ClientArgument>,
    /// The client method's error body type (`Error<E>`), as progenitor names it.
    pub error_type: syn::Type,
    /// The success body type (`ResponseValue<S>`), as progenitor names it (`()` for none).
    pub success_type: syn::Type,
}

impl Operation {
    pub fn path_parameters(&self) -> impl Iterator<Item = &Parameter> {
        self.parameters
            .iter()
            .filter(|p| p.location == Location::Path)
    }

    pub fn query_parameters(&self) -> impl Iterator<Item = &Parameter> {
        self.parameters
            .iter()
            .filter(|p| p.location == Location::Query)
    }

    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }

    /// The summary, description and `METHOD /path`, as one doc text.
    pub fn doc(&self) -> String {
        let mut parts = Vec::new();
        if let Some(summary) = self.summary.as_deref().filter(|s| !s.trim().is_empty()) {
            parts.push(summary.trim().to_owned());
        }
        if let Some(text) = self.description.as_deref().filter(|s| !s.trim().is_empty()) {
            parts.push(text.trim().to_owned());
        }
        parts.push(format!("`{} {}`", self.method, self.path));
        parts.join("\n\n")
    }
}

/// One argument of a positional client method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientArgument {
    /// `parameters[index]`.
    Parameter(usize),
    Body,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
}

impl Location {
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
        }
    }
}

/// How a parameter's text is read as JSON before validation (`server_runtime::ParamKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    String,
    Integer,
    Number,
    Boolean,
}

/// One path or query parameter.
pub struct Parameter {
    /// The name in the spec (and on the wire).
    pub name: String,
    pub location: Location,
    /// The Rust name progenitor gives the client argument (`type_` for `type`).
    pub ident: syn::Ident,
    /// The client argument's type (`&'a str`, `Option<::std::num::NonZeroU64>`).
    pub client_type: syn::Type,
    /// What the client argument holds, for emitters that adapt it.
    pub client_arg: ClientArg,
    /// The owned type the server hands the implementation (`String` for `&'a str`).
    pub owned_type: syn::Type,
    pub required: bool,
    /// The schema's `default`.
    pub default: Option<Value>,
    /// The parameter's own description.
    pub description: Option<String>,
    pub kind: ParamKind,
    /// The schema's bounds, checked by the client before sending.
    pub constraints: Constraints,
    /// The parameter's (or its schema's) example, for doc examples.
    pub example: Option<Value>,
    /// The parameter's schema as self-contained JSON Schema (request direction).
    pub schema: Value,
    /// JSON pointer of the parameter object (where it is defined, for shared parameters).
    pub pointer: String,
    /// A timestamp (`x-timestamp-form`'s `patterned`): the client takes a
    /// `DateTime<Utc>` (`client_type`) and writes it in the API's form
    /// (`types::timestamp::text`); the server keeps the pattern string (`owned_type`).
    pub timestamp: bool,
}

/// What the client's request builder checks on a parameter's value before it sends.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientCheck {
    /// `minimum`/`maximum` (the argument is a number).
    Number(Constraints),
    /// Lengths and `pattern` (the argument is text).
    Text(Constraints),
}

impl ApiModel {
    /// Whether component `name` (the spec's name) is a date-time the declared
    /// `x-timestamp-form` replaces by `chrono::DateTime<Utc>`: it has no type of its own, and
    /// its constraints hold where members use it.
    pub fn is_timestamp_component(&self, name: &str) -> bool {
        let rust = heck::ToUpperCamelCase::to_upper_camel_case(name);
        self.timestamps
            .as_ref()
            .is_some_and(|t| t.replaced.iter().any(|(replaced, _)| *replaced == rust))
    }
}

impl Parameter {
    /// The check the client runs on this parameter, if its constraints give it one: numeric
    /// bounds on a number argument, lengths and pattern on a text argument. Other argument
    /// types (UUIDs, enums, timestamps) enforce their own form when they are built.
    pub fn client_check(&self) -> Option<ClientCheck> {
        let c = &self.constraints;
        let numeric = matches!(self.client_arg.value, ArgValue::Integer(_))
            || (self.client_arg.value == ArgValue::Other && self.kind == ParamKind::Number);
        if numeric && (c.minimum.is_some() || c.maximum.is_some()) {
            return Some(ClientCheck::Number(c.clone()));
        }
        // A types value with a length or pattern is a constrained string built from plain text.
        let text = self.client_arg.value == ArgValue::Str
            || (self.client_arg.value == ArgValue::TypesValue && self.kind == ParamKind::String);
        if text && (c.min_length.is_some() || c.max_length.is_some() || c.pattern.is_some()) {
            return Some(ClientCheck::Text(c.clone()));
        }
        None
    }
}

/// The shape of a client argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientArg {
    /// `Option<..>` (an optional parameter).
    pub optional: bool,
    /// The value is passed by reference (`&'a T`, `&'a str`).
    pub by_reference: bool,
    pub value: ArgValue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgValue {
    /// `&str`.
    Str,
    /// An integer type.
    Integer(IntegerRepr),
    /// An owned value of the types crate (an open enum, a newtype): not `Copy`.
    TypesValue,
    /// Anything else (a `Copy` value such as `bool` or a uuid).
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntegerRepr {
    U64,
    NonZeroU64,
    /// Another integer type (`i64`, `u32`, ...).
    Other,
}

/// A request body.
pub struct RequestBody {
    /// The body type (`types::CreateUserRequest`).
    pub owned_type: syn::Type,
    pub required: bool,
    /// The body's schema as self-contained JSON Schema (request direction).
    pub schema: Value,
    pub pointer: String,
    /// The client method takes the body by reference (`&types::X`).
    pub client_by_reference: bool,
    /// The first example of the JSON request body, for doc examples.
    pub example: Option<Value>,
    /// The bounds inside the body, checked by the client before sending.
    pub bounds: Vec<BodyBound>,
}

/// One documented response.
pub struct Response {
    pub status: u16,
    /// The variant of the server's response enum (`Created`, `NotFound`).
    pub variant: syn::Ident,
    /// The `http::StatusCode` constant (`CREATED`).
    pub status_const: syn::Ident,
    pub description: String,
    /// The body type, when the response has content.
    pub body: Option<syn::Type>,
    /// Whether `body` is the API's error body (every non-2xx body is).
    pub is_error: bool,
}

/// A response header.
#[derive(Debug, Clone)]
pub struct Header {
    /// Lower-case name.
    pub name: String,
    pub description: String,
}

impl ApiModel {
    /// The paged operations' streams (`list_profiles().stream()`).
    pub fn streams(&self) -> Vec<String> {
        self.operations
            .iter()
            .filter(|op| op.pagination.is_some())
            .map(|op| format!("{}().stream()", op.id))
            .collect()
    }

    /// The arguments of `Credentials::new` in doc examples: one placeholder per secret.
    pub fn credentials_placeholders(&self) -> String {
        self.security
            .schemes
            .iter()
            .flat_map(|s| match s.kind {
                SchemeKind::Basic => {
                    vec!["\"client-id\"".to_owned(), "\"client-secret\"".to_owned()]
                }
                SchemeKind::ApiKeyHeader { .. } => {
                    vec![format!("\"{}\"", s.field.replace('_', "-"))]
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `T` of `Option<T>` (a model type such as a field's or a parameter's).
pub fn option_inner(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}
