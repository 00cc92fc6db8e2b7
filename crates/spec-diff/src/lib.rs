//! Spec changes, classified for the two kinds of teams that depend on our generated crates.
//!
//! A client (the generated `<api>-client`) sends requests and reads responses; a server (an
//! implementation of the generated `<api>-server` trait) reads requests and builds responses.
//! A change breaks them differently: a new required request field breaks clients (they must
//! now send it), a new required response field breaks servers (they must now fill it). Each
//! [`Change`] names the operation, the JSON pointer in the spec (the new version's, or the old
//! one's for a removal) and its [`Impact`] on both, and on the Rust API of the generated
//! crates, which can break where the wire does not (a new optional property is a new field
//! of an exhaustive struct). The extensions the generator reads (`x-pagination`...) are
//! classified from one table, [`GENERATOR_EXTENSIONS`].
//!
//! [`diff`] works on the specs' JSON documents (`spec_model::Spec::document`), following
//! `$ref`s with spec-model's follower. [`required_bump`] and [`check_version`] turn the
//! changes into the version rule that `cargo xtask codegen` enforces.
//!
//! Modules: `model` (kinds, severities, impacts, bumps), `rules` (the classification),
//! `oasdiff` (oasdiff's rule ids per kind and direction),
//! `extensions` (the generator extensions' table), `walk` (the comparison of two documents),
//! `version` (the version rule), `output` (text and JSON).

mod error;
mod extensions;
mod model;
mod oasdiff;
mod output;
mod rules;
mod version;
mod walk;

use serde_json::Value;

pub use error::{DiffError, Side};
pub use extensions::{generator_extension, GeneratorExtension, Site, GENERATOR_EXTENSIONS};
pub use model::{Bump, Change, Combinator, Direction, Impact, Kind, Severity};
pub use oasdiff::{change_rules, oasdiff_rules};
pub use output::to_json;
pub use rules::{generated_api_impact, impact};
pub use version::{bumped, check_version, required_bump, Version, VersionError, VersionShortfall};

/// Compares two versions of one spec (their JSON documents). Changes come in a stable order:
/// by operation, then by pointer. A `$ref` that does not resolve, or an alias cycle, in either
/// document is an error naming the document and the pointer.
pub fn diff(old: &Value, new: &Value) -> Result<Vec<Change>, DiffError> {
    let mut changes = walk::Differ::new(old, new).run()?;
    changes.sort_by(|a, b| {
        (&a.operation, &a.pointer, a.kind, &a.message).cmp(&(
            &b.operation,
            &b.pointer,
            b.kind,
            &b.message,
        ))
    });
    changes.dedup();
    Ok(changes)
}
