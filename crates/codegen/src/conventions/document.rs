//! Conventions of the document as a whole: its version, servers, security and error schema.

use serde_json::Value;
use spec_model::{Spec, SpecVersion, VersionProblem};

use super::Findings;
use crate::model::security;

pub(super) fn check(spec: &Spec, found: &mut Findings) {
    version(spec, found);
    servers(spec, found);
    // Without a global requirement every operation is reported by `spec_model::check` ("has no
    // security requirement"), with the schemes the generators support.
    if spec.document.get("security").is_some() {
        if let Err(error) = security::security(spec) {
            let pointer = error.pointer.unwrap_or_default();
            // A public operation (`security: []`) is reported by `spec_model::check`.
            let public = spec
                .document
                .pointer(&format!("{pointer}/security"))
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty);
            if !public {
                found.push(pointer, error.message);
            }
        }
    }
    error_schema(spec, found);
}

/// `info.version` becomes the generated crates' `version` in `Cargo.toml`: a text cargo cannot
/// read would stop cargo from loading the workspace at all, `cargo xtask codegen` included. The
/// version gate reads it with the same rule (`spec_model::SpecVersion`).
fn version(spec: &Spec, found: &mut Findings) {
    let version = &spec.openapi.info.version;
    let suggested = SpecVersion::suggested(version);
    match SpecVersion::parse(version) {
        Ok(_) => {}
        Err(VersionProblem::NotSemantic) => found.push(
            "/info/version",
            format!(
                "info.version `{version}` is not a semantic version (MAJOR.MINOR.PATCH, e.g. `{suggested}`): \
                 it becomes the generated crates' version in Cargo.toml"
            ),
        ),
        Err(VersionProblem::Suffix) => found.push(
            "/info/version",
            format!(
                "info.version `{version}` has a pre-release or build suffix: write `{suggested}`; \
                 the version gate (`cargo xtask semver`) orders releases by MAJOR.MINOR.PATCH only"
            ),
        ),
    }
}

fn servers(spec: &Spec, found: &mut Findings) {
    if spec.openapi.servers.is_empty() {
        let pointer = if spec.document.get("servers").is_some() {
            "/servers"
        } else {
            "/info"
        };
        found.push(
            pointer,
            "the spec lists no server: add a top-level `servers:` list (e.g. \
             `servers: [{url: 'https://api.example.com/v1'}]`); the clients' base URLs and the \
             servers' base path come from it",
        );
    }
}

fn error_schema(spec: &Spec, found: &mut Findings) {
    const TEMPLATE_HELP: &str = "an `x-error-template:` object giving the body the generated \
        servers send for the errors they raise themselves (validation, authentication, 404, 405, \
        413), e.g. `{code: '{code}', message: '{message}'}`";
    match spec.document.pointer("/components/schemas/Error") {
        None => {
            let pointer = ["/components/schemas", "/components"]
                .into_iter()
                .find(|p| spec.document.pointer(p).is_some())
                .unwrap_or("/info");
            found.push(
                pointer,
                format!(
                    "the spec has no `components/schemas/Error`: add the API's error body schema \
                     under that name, with {TEMPLATE_HELP}"
                ),
            );
        }
        Some(schema) if schema.get("x-error-template").is_none_or(Value::is_null) => {
            found.push(
                "/components/schemas/Error",
                format!("the Error schema has no `x-error-template`: add {TEMPLATE_HELP}"),
            );
        }
        Some(_) => {}
    }
}
