//! Code generation from the workspace's specs (`cargo xtask codegen`).
//!
//! For every `spec/<api>.yaml`: a types crate (`crates/<api>-types`), a client crate
//! (`crates/<api>-client`) and a server crate (`crates/<api>-server`). The pipeline is
//!
//! ```text
//! spec ──> adapter (progenitor, read once) ──> model::ApiModel ──> emit::* ──> render ──> files
//! ```
//!
//! Every emitter reads the [`model::ApiModel`] and nothing else; see `ARCHITECTURE.md`.

mod adapter;
mod build;
pub use build::build_model;
pub mod conventions;
mod docs;
mod emit;
pub mod files;
pub mod model;
pub mod naming;
mod registry;
mod render;

use std::fmt;
use std::path::Path;

use spec_model::Spec;

pub use files::{compare, unified_diff, write_changed, FileReport, FileState, GeneratedFile};
pub use registry::{registry, REGISTRY_DIR};

/// Why code could not be generated from a spec: where (file, line, JSON pointer, the operation
/// or crate concerned) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodegenError {
    /// The spec file.
    pub file: String,
    /// The spec line of `pointer`, when known.
    pub line: Option<usize>,
    /// The JSON pointer at fault, when known.
    pub pointer: Option<String>,
    /// The operation, schema or generated crate concerned, in words.
    pub subject: Option<String>,
    pub message: String,
}

impl CodegenError {
    /// An error at `pointer` of `spec` (`""`: the spec as a whole).
    pub(crate) fn at(spec: &Spec, pointer: &str, message: impl Into<String>) -> Self {
        let pointer = (!pointer.is_empty()).then(|| pointer.to_owned());
        CodegenError {
            file: spec.path.display().to_string(),
            line: pointer.as_deref().and_then(|p| spec.line_of(p)),
            pointer,
            subject: None,
            message: message.into(),
        }
    }

    /// An error about a whole file.
    pub(crate) fn in_file(file: &str, message: impl Into<String>) -> Self {
        CodegenError {
            file: file.to_owned(),
            line: None,
            pointer: None,
            subject: None,
            message: message.into(),
        }
    }

    pub(crate) fn about(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(pointer) = &self.pointer {
            write!(f, ": {pointer}")?;
        }
        if let Some(subject) = &self.subject {
            write!(f, ": {subject}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for CodegenError {}

/// What was generated for one API, for the summary `cargo xtask codegen` prints.
#[derive(Debug, Clone, Default)]
pub struct ApiOutput {
    pub api: String,
    pub files: Vec<GeneratedFile>,
    pub operations: Vec<String>,
    pub types: Vec<String>,
    pub open_enums: Vec<String>,
    pub streams: Vec<String>,
}

/// Where generated crates go, relative to the workspace root.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The directory holding each API's crates (`crates`).
    pub crates_dir: std::path::PathBuf,
    /// The directory of the `server-runtime` crate (`crates/server-runtime`).
    pub runtime_dir: std::path::PathBuf,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            crates_dir: "crates".into(),
            runtime_dir: "crates/server-runtime".into(),
        }
    }
}

/// Generates one API's crates into the workspace's layout.
pub fn generate(spec: &Spec) -> Result<ApiOutput, CodegenError> {
    generate_into(spec, &Layout::default())
}

/// Generates one API's crates into `layout`.
pub fn generate_into(spec: &Spec, layout: &Layout) -> Result<ApiOutput, CodegenError> {
    let model = build_model(spec)?;
    let emitted = emit::emit(&model, &layout.crates_dir, &layout.runtime_dir)?;
    Ok(ApiOutput {
        api: model.api.clone(),
        files: emitted.files,
        operations: model.operations.iter().map(|op| op.id.clone()).collect(),
        streams: model.streams(),
        types: model.type_names,
        open_enums: model.open_enums,
    })
}

/// Generates every API of `spec_dir`; paths in the result are relative to the workspace root.
pub fn generate_dir(spec_dir: &Path) -> Result<Vec<ApiOutput>, CodegenError> {
    let files = spec_model::spec_files(spec_dir)
        .map_err(|e| CodegenError::in_file(&spec_dir.display().to_string(), e.to_string()))?;
    let mut out = Vec::new();
    for file in files {
        let spec = spec_model::load(&file).map_err(load_error)?;
        out.push(generate(&spec)?);
    }
    Ok(out)
}

/// A spec that cannot be loaded, as a codegen error at its file, line and column.
fn load_error(error: spec_model::LoadError) -> CodegenError {
    CodegenError::in_file(&error.location(), error.reason())
}
