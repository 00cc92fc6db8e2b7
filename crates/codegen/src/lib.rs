//! Code generation from the workspace's specs (`cargo xtask codegen`).
//!
//! For every `spec/<api>.yaml`: a types crate (`crates/<api>-types`, typify through progenitor,
//! post-processed), a client crate (`crates/<api>-client`, progenitor plus auth, environments,
//! documented headers and pagination). See `ARCHITECTURE.md`.

mod allows;
mod api;
mod auth_types;
mod client_extras;
mod crates;
mod docs;
mod enums;
pub mod files;
mod guard;
pub mod naming;
mod progenitor_run;
mod security;
mod server;
mod server_example;

use std::fmt;
use std::path::Path;

pub use api::{generate, ApiOutput};
pub use files::{compare, unified_diff, write_changed, FileReport, FileState, GeneratedFile};

/// Why code could not be generated from a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodegenError {
    /// The spec file.
    pub file: String,
    /// The operation, schema or JSON pointer at fault, when known.
    pub location: Option<String>,
    pub message: String,
}

impl CodegenError {
    pub(crate) fn new(file: &str, location: Option<String>, message: impl Into<String>) -> Self {
        CodegenError {
            file: file.to_owned(),
            location,
            message: message.into(),
        }
    }
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(location) = &self.location {
            write!(f, ": {location}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for CodegenError {}

/// Generates every API of `spec_dir`; paths in the result are relative to the workspace root.
pub fn generate_dir(spec_dir: &Path) -> Result<Vec<ApiOutput>, CodegenError> {
    let files = spec_model::spec_files(spec_dir)
        .map_err(|e| CodegenError::new(&spec_dir.display().to_string(), None, e.to_string()))?;
    let mut out = Vec::new();
    for file in files {
        let spec = spec_model::load(&file).map_err(load_error)?;
        out.push(generate(&spec)?);
    }
    Ok(out)
}

/// A spec that cannot be loaded, as a codegen error whose `file` carries `:line:column`.
fn load_error(error: spec_model::LoadError) -> CodegenError {
    CodegenError::new(&error.location(), None, error.reason())
}
