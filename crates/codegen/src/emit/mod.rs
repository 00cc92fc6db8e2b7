//! The emitters: each reads the [`ApiModel`] and nothing else.
//!
//! - `types_crate`: the schema types (progenitor's, post-processed by the adapter), the `auth`
//!   module, the `timestamp` module and `instant()`s (`timestamps`) and `round_trip`;
//! - `client`: progenitor's client plus environments, credentials, universal response headers
//!   and `*_stream` pagination (`streams`);
//! - `server`: the trait, per-operation response enums, query structs, embedded schemas,
//!   handlers and `router` (`server::*`), and the crate's doc example;
//! - `manifest`: each crate's `Cargo.toml`.

mod auth;
mod bounds;
mod client;
mod constructors;
mod held;
mod manifest;
mod operation_docs;
pub(crate) mod operations;
mod schema_types;
mod server;
mod streams;
mod timestamps;
mod types_crate;
mod typestate;

use std::path::Path;

use crate::model::ApiModel;
use crate::{docs, render, CodegenError, GeneratedFile};

/// Everything generated for one API.
pub struct Emitted {
    pub files: Vec<GeneratedFile>,
}

/// Emits the three crates of `model` under `out_dir` (a directory relative to the workspace
/// root, `crates` for the workspace's own APIs); `runtime_dir` is where `server-runtime` is.
pub fn emit(model: &ApiModel, out_dir: &Path, runtime_dir: &Path) -> Result<Emitted, CodegenError> {
    let mut files = Vec::new();
    let crates = [
        (&model.names.types_crate, types_crate::emit(model)?),
        (&model.names.client_crate, client::emit(model)?),
        (&model.names.server_crate, server::emit(model)?),
    ];
    for (name, krate) in crates {
        let dir = out_dir.join(name);
        let mut items = render::items(krate.code).map_err(|e| model.error(name, e))?;
        docs::autolink_items(&mut items);
        let unexplained = crate::adapter::unexplained_allows(&items);
        if !unexplained.is_empty() {
            return Err(model.error(
                name,
                format!(
                    "generated code has an `#[allow]` without `reason` ({}): give it one in crates/codegen/src/adapter/allows.rs",
                    unexplained.join("; ")
                ),
            ));
        }
        let code = render::format_items(items);
        let manifest = manifest::manifest(model, krate.kind, &dir, runtime_dir);
        files.extend(render::crate_files(
            &dir,
            &model.api,
            manifest,
            &krate.docs,
            &code,
        ));
    }
    Ok(Emitted { files })
}

/// One crate's code and docs, before rendering.
pub struct CrateCode {
    pub kind: CrateKind,
    pub code: proc_macro2::TokenStream,
    /// The crate docs (Markdown; `lib.rs` turns them into `//!` lines).
    pub docs: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrateKind {
    Types,
    Client,
    Server,
}

impl ApiModel {
    pub(crate) fn error(&self, krate: &str, message: impl Into<String>) -> CodegenError {
        CodegenError::in_file(&self.file, message).about(krate.to_owned())
    }
}
