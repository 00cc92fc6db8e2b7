//! Loading and checking the workspace's OpenAPI 3.0.3 specs.
//!
//! Every tool in the workspace (code generation, conformance, the spec tests) reads specs through
//! [`load`], so a spec that does not parse is reported the same way everywhere: file, line and
//! column. [`Spec`] keeps both the typed [`openapiv3::OpenAPI`] document and the raw JSON tree, so
//! that any finding can be reported with a JSON pointer into the spec and the line it sits on.

mod check;
pub mod depth;
mod direction;
mod locate;
pub mod media_type;
mod operations;
pub mod pagination;
mod parameters;
pub mod redact;
pub mod refs;
pub mod routes;
pub mod shorten;
pub mod timestamps;
mod version;

use std::fmt;
use std::path::{Path, PathBuf};

pub use check::{check, Problem};
pub use direction::Direction;
pub use openapiv3;
pub use operations::{document_operations, operation_pointer, DocumentOperation, METHODS};
pub use pagination::Pagination;
pub use parameters::{document_parameters, BrokenParameter, ParameterRef};
pub use refs::{follow, follow_reference, Followed, RefError};
pub use routes::{url_path, PathTemplate, RouteMatch, Routes};
pub use timestamps::TimestampForm;
pub use version::{SpecVersion, VersionProblem};

/// One loaded spec file.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file the spec was read from.
    pub path: PathBuf,
    /// The API's short name: the file stem (`insightiq` for `spec/insightiq.yaml`).
    pub api: String,
    /// The typed document.
    pub openapi: openapiv3::OpenAPI,
    /// The same document as a JSON tree, for `$ref` resolution and JSON pointers.
    pub document: serde_json::Value,
    source: String,
    /// Each pointer's line, read from `source` the first time a message needs one.
    lines: std::sync::OnceLock<locate::Lines>,
}

/// Why a spec could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read.
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The file is not valid YAML, or not an OpenAPI document.
    Parse {
        path: PathBuf,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },
    /// The document is not OpenAPI 3.0.x (3.1 is not supported by the code generator); `found`
    /// is empty when the document has no `openapi` field at all.
    Version { path: PathBuf, found: String },
}

impl LoadError {
    /// The file, with `:line:column` when the parser gave them: the part of the message that
    /// says where.
    pub fn location(&self) -> String {
        match self {
            LoadError::Io { path, .. } | LoadError::Version { path, .. } => {
                path.display().to_string()
            }
            LoadError::Parse {
                path, line, column, ..
            } => {
                let mut location = path.display().to_string();
                if let Some(line) = line {
                    location.push_str(&format!(":{line}"));
                    if let Some(column) = column {
                        location.push_str(&format!(":{column}"));
                    }
                }
                location
            }
        }
    }

    /// What is wrong, without the location.
    pub fn reason(&self) -> String {
        match self {
            LoadError::Io { error, .. } => format!("cannot read: {error}"),
            LoadError::Parse { message, .. } => message.clone(),
            LoadError::Version { found, .. } if found.is_empty() => "not an OpenAPI document: it has no `openapi` field at the top level (specs must be OpenAPI 3.0.x, `openapi: 3.0.3`)".to_owned(),
            LoadError::Version { found, .. } => {
                format!("`openapi: {found}` is not supported; specs must be OpenAPI 3.0.x (3.0.3)")
            }
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.reason())
    }
}

impl std::error::Error for LoadError {}

/// Loads one spec file.
pub fn load(path: impl AsRef<Path>) -> Result<Spec, LoadError> {
    let path = path.as_ref();
    let source = std::fs::read_to_string(path).map_err(|error| LoadError::Io {
        path: path.to_owned(),
        error,
    })?;
    parse(path, source)
}

/// Parses a spec from its text; `path` is used for error messages and the API name.
pub fn parse(path: impl AsRef<Path>, source: String) -> Result<Spec, LoadError> {
    let path = path.as_ref();
    let parse_error = |error: serde_yaml::Error| {
        let location = error.location();
        LoadError::Parse {
            path: path.to_owned(),
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
            message: error.to_string(),
        }
    };
    // Before serde_yaml, whose parse of deep nesting is quadratic (see `depth`).
    if let Err((line, depth)) = depth::check(&source, depth::MAX_DEPTH) {
        return Err(LoadError::Parse {
            path: path.to_owned(),
            line: Some(line),
            column: None,
            message: format!(
                "nested {depth} levels deep here; a spec may nest at most {} levels",
                depth::MAX_DEPTH
            ),
        });
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str(&source).map_err(parse_error)?;
    let version = match yaml.get("openapi") {
        None => String::new(),
        Some(serde_yaml::Value::String(version)) => version.clone(),
        // `openapi: 3.0` is read as a number: show it as written.
        Some(other) => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim_end()
            .to_owned(),
    };
    if !version.starts_with("3.0.") {
        return Err(LoadError::Version {
            path: path.to_owned(),
            found: version,
        });
    }
    // Parse the text again into the typed model: serde_yaml only reports locations when it
    // deserializes from text.
    let openapi: openapiv3::OpenAPI = serde_yaml::from_str(&source).map_err(parse_error)?;
    let document = yaml_to_json(yaml).map_err(|message| LoadError::Parse {
        path: path.to_owned(),
        line: None,
        column: None,
        message,
    })?;
    let api = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Spec {
        path: path.to_owned(),
        api,
        openapi,
        document,
        source,
        lines: std::sync::OnceLock::new(),
    })
}

/// Loads every `*.yaml` file of a directory, sorted by file name.
pub fn load_dir(dir: impl AsRef<Path>) -> Result<Vec<Spec>, LoadError> {
    spec_files(dir)?.iter().map(load).collect()
}

/// The `*.yaml` files of a directory, sorted by file name.
pub fn spec_files(dir: impl AsRef<Path>) -> Result<Vec<PathBuf>, LoadError> {
    let dir = dir.as_ref();
    let io = |error| LoadError::Io {
        path: dir.to_owned(),
        error,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_some_and(|e| e == "yaml") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// An operation of a spec, with where it sits.
#[derive(Debug, Clone, Copy)]
pub struct OperationRef<'a> {
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// The path template, as written under `paths`.
    pub path: &'a str,
    pub operation: &'a openapiv3::Operation,
    /// The same operation object in the JSON document.
    pub value: &'a serde_json::Value,
}

impl OperationRef<'_> {
    /// The operationId, or `METHOD /path` when the operation has none.
    pub fn name(&self) -> String {
        match &self.operation.operation_id {
            Some(id) => id.clone(),
            None => format!("{} {}", self.method, self.path),
        }
    }

    /// JSON pointer of the operation object in the spec.
    pub fn pointer(&self) -> String {
        operation_pointer(self.path, self.method)
    }
}

impl Spec {
    /// The spec's operations in document order (see [`document_operations`]).
    pub fn operations(&self) -> Vec<OperationRef<'_>> {
        document_operations(&self.document)
            .into_iter()
            .filter_map(|op| {
                let item = self.openapi.paths.paths.get(op.path)?.as_item()?;
                let (_, operation) = item
                    .iter()
                    .find(|(method, _)| method.eq_ignore_ascii_case(op.method))?;
                Some(OperationRef {
                    method: op.method,
                    path: op.path,
                    operation,
                    value: op.value,
                })
            })
            .collect()
    }

    /// Finds an operation by operationId or by `"METHOD /path/template"`.
    pub fn operation(&self, name: &str) -> Option<OperationRef<'_>> {
        self.operations().into_iter().find(|op| {
            op.operation.operation_id.as_deref() == Some(name)
                || format!("{} {}", op.method, op.path).eq_ignore_ascii_case(name)
        })
    }

    /// Resolves a local `$ref` (`#/components/...`) against the document, following a chain of
    /// references to the value with content. `None` for a broken, external or cyclic reference
    /// (which [`check`] reports); use [`follow_reference`] for the reason.
    pub fn resolve(&self, reference: &str) -> Option<&serde_json::Value> {
        follow_reference(&self.document, reference)
            .ok()
            .map(|followed| followed.value)
    }

    /// Follows `value`'s `$ref`s through this spec's document (see [`follow`]).
    pub fn follow<'a>(&'a self, value: &'a serde_json::Value) -> Result<Followed<'a>, RefError> {
        follow(&self.document, value)
    }

    /// The 1-based line of the spec text a JSON pointer points at (a member's key, a sequence's
    /// item); `None` for the root and for a pointer into nothing.
    pub fn line_of(&self, pointer: &str) -> Option<usize> {
        self.lines
            .get_or_init(|| locate::Lines::of(&self.source))
            .line_of(pointer)
    }

    /// `file:line` (or just `file`) for a JSON pointer, for messages.
    pub fn location(&self, pointer: &str) -> String {
        match self.line_of(pointer) {
            Some(line) => format!("{}:{line}", self.path.display()),
            None => self.path.display().to_string(),
        }
    }

    /// The spec text as read.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Counts of what the spec defines, for summaries.
    pub fn summary(&self) -> Summary {
        let operations = self.operations().len();
        let schemas = self
            .openapi
            .components
            .as_ref()
            .map_or(0, |c| c.schemas.len());
        let mut examples = 0;
        count_examples(&self.document, &mut examples);
        Summary {
            operations,
            schemas,
            examples,
        }
    }
}

/// What a spec defines, in numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub operations: usize,
    pub schemas: usize,
    /// Named examples (`examples` maps) of media types.
    pub examples: usize,
}

fn count_examples(value: &serde_json::Value, count: &mut usize) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                if key == "examples" {
                    if let Some(named) = child.as_object() {
                        *count += named.len();
                    }
                }
                count_examples(child, count);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| count_examples(v, count)),
        _ => {}
    }
}

/// Escapes one JSON-pointer segment (RFC 6901).
pub fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Unescapes one JSON-pointer segment (RFC 6901): the inverse of [`escape_pointer`].
pub fn unescape_pointer(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Converts YAML to JSON, turning scalar mapping keys (`200:`) into strings as OpenAPI means them.
fn yaml_to_json(value: serde_yaml::Value) -> Result<serde_json::Value, String> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => serde_json::Value::Null,
        Y::Bool(b) => serde_json::Value::Bool(b),
        Y::Number(n) => serde_json::to_value(&n).map_err(|e| e.to_string())?,
        Y::String(s) => serde_json::Value::String(s),
        Y::Sequence(items) => serde_json::Value::Array(
            items
                .into_iter()
                .map(yaml_to_json)
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::new();
            for (key, value) in map {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => return Err(format!("unsupported mapping key {other:?}")),
                };
                out.insert(key, yaml_to_json(value)?);
            }
            serde_json::Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_load_error_says_where_and_what_apart() {
        let version = parse("spec/x.yaml", "openapi: 3.1.0\n".into()).unwrap_err();
        assert_eq!(version.location(), "spec/x.yaml");
        assert_eq!(
            version.reason(),
            "`openapi: 3.1.0` is not supported; specs must be OpenAPI 3.0.x (3.0.3)"
        );
        assert_eq!(
            version.to_string(),
            format!("{}: {}", version.location(), version.reason())
        );
        let syntax = parse("spec/x.yaml", "openapi: 3.0.3\ninfo: [\n".into()).unwrap_err();
        assert!(
            syntax.location().starts_with("spec/x.yaml:"),
            "{}",
            syntax.location()
        );
        assert!(!syntax.reason().starts_with("spec/x.yaml"), "{syntax}");
    }
}
