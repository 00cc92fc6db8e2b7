//! Shared helpers of the workspace-level tests.

use std::path::PathBuf;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_owned()
}

/// The spec directory, `spec/`.
pub fn spec_dir() -> PathBuf {
    workspace_root().join("spec")
}
