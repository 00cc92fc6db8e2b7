//! The constraint probe: the generated types held to the spec, one constraint at a time.
//!
//! For every schema the generated types cover (each component, each inline request or response
//! body, each path and query parameter) and every constraint the spec states on it, the probe
//! builds one JSON instance that satisfies the spec and one that breaks exactly that constraint
//! (both built by `schema-instances` and checked against the project's own OpenAPI-to-JSON-Schema
//! conversion, so a probe never rests on a wrong instance), and asks the generated code whether
//! it accepts each:
//!
//! - schemas and bodies: deserialization into the generated type ([`Types`]);
//! - parameters, client side: whether the client argument's Rust type can hold the value
//!   (`params::client_accepts`); server side: the generated servers' extractor,
//!   `server_runtime::read_params`, with the parameter's embedded schema.
//!
//! A constraint is *enforced* when the first instance is accepted and the second refused. Each
//! one that is not is either fixed in the generator or listed with its reason in
//! `accepted.yaml` ([`accepted`]); [`Report`] counts what is neither, and stale entries.

pub mod accepted;
mod params;
mod report;
pub mod structure;
mod walk;

use serde_json::Value;
use spec_model::Spec;

pub use accepted::{Accepted, AcceptedEntry};
pub use report::{Counts, Report, Verdict};

/// Which generated code answered a probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    /// Deserialization into the generated type (client responses, server bodies).
    Types,
    /// The client argument's Rust type.
    Client,
    /// The generated server's parameter extractor.
    Server,
    /// The JSON Schema schemars derives for the type, against the spec's (structure only).
    Schemars,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Types => "types",
            Side::Client => "client",
            Side::Server => "server",
            Side::Schemars => "schemars",
        }
    }
}

/// What one probe found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Enforced,
    /// Not enforced: what the generated code did (accepted the breaking instance, or refused
    /// the satisfying one).
    Unenforced(String),
    /// The probe could not build a fair pair of instances (why).
    NotProbed(String),
}

/// One constraint of one schema, as asked of one side.
#[derive(Debug, Clone)]
pub struct Row {
    pub api: String,
    /// The Rust type, `operation request|status` for an inline body, or `operation(param)`.
    pub subject: String,
    /// JSON pointer of the schema node that states the constraint.
    pub pointer: String,
    pub line: Option<usize>,
    /// `maximum`, `format(uri)`, `required(id)`, `enum-value(2)`, ...
    pub constraint: String,
    pub side: Side,
    pub outcome: Outcome,
}

/// The generated types the probe asks (the real APIs through `api-registry`, a fixture's
/// types crate in tests).
pub trait Types {
    /// Deserializes `value` as the schema type named `type_name`; `None` for an unknown name.
    fn deserialize(&self, type_name: &str, value: &Value) -> Option<Result<(), String>>;
    /// Deserializes `body` as `operation`'s request (`None`) or response `status` body.
    fn body(
        &self,
        operation: &str,
        status: Option<u16>,
        body: &Value,
    ) -> Option<Result<(), String>>;
}

/// One API of the workspace, through `api-registry`.
pub struct RegistryTypes<'a>(pub &'a str);

impl Types for RegistryTypes<'_> {
    fn deserialize(&self, type_name: &str, value: &Value) -> Option<Result<(), String>> {
        api_registry::deserialize(self.0, type_name, value)
    }

    fn body(
        &self,
        operation: &str,
        status: Option<u16>,
        body: &Value,
    ) -> Option<Result<(), String>> {
        api_registry::round_trip(self.0, operation, status, body).map(|r| r.map(|_| ()))
    }
}

/// Why a spec could not be probed at all.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("{0}")]
    Model(String),
}

/// Probes every schema, body and parameter of `spec` against `types`.
pub fn probe(spec: &Spec, types: &dyn Types) -> Result<Vec<Row>, ProbeError> {
    let model = codegen::build_model(spec).map_err(|e| ProbeError::Model(e.to_string()))?;
    let mut rows = walk::schemas(spec, &model, types);
    rows.extend(walk::bodies(spec, types));
    rows.extend(params::parameters(spec, &model, types));
    Ok(rows)
}

/// Every spec under `spec_dir`, probed through `api-registry`.
pub fn probe_workspace(spec_dir: &std::path::Path) -> Result<Vec<Row>, String> {
    let specs = spec_model::load_dir(spec_dir).map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    for spec in &specs {
        let types = RegistryTypes(&spec.api);
        rows.extend(probe(spec, &types).map_err(|e| format!("{}: {e}", spec.path.display()))?);
    }
    Ok(rows)
}
