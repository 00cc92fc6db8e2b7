//! Scratch workspaces for cargo-semver-checks: an API's crates generated from one version of
//! its spec, with a copy of the runtimes (`server-runtime`, `client-runtime`) and the crates
//! they depend on, under
//! `target/semver/`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;

/// A workspace at `dir` holding `api`'s crates generated from `document`, and copies of the
/// runtimes.
pub(super) fn workspace(root: &Path, dir: &Path, api: &str, document: &Value) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    let spec_path = PathBuf::from(format!("spec/{api}.yaml"));
    let text = serde_json::to_string_pretty(document)?;
    let spec = spec_model::parse(&spec_path, text)?;
    let output = codegen::generate(&spec)?;
    for file in &output.files {
        write(&dir.join(&file.path), &file.contents)?;
    }
    // The generated crates' runtimes, and the workspace crates they depend on themselves.
    let mut pending = vec!["server-runtime".to_owned(), "client-runtime".to_owned()];
    let mut copied = Vec::new();
    while let Some(krate) = pending.pop() {
        if copied.contains(&krate) {
            continue;
        }
        let from = root.join("crates").join(&krate);
        copy_dir(&from, &dir.join("crates").join(&krate))?;
        pending.extend(path_dependencies(&from.join("Cargo.toml"))?);
        copied.push(krate);
    }
    let lock = root.join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock)
        .with_context(|| format!("cannot read {}", lock.display()))?;
    write(&dir.join("Cargo.lock"), &lock)?;
    let manifest = format!(
        r#"[workspace]
resolver = "2"
members = ["crates/{api}-types", "crates/{api}-client", "crates/{api}-server"]

[workspace.package]
edition = "2021"
license = "MIT OR Apache-2.0"
publish = false
rust-version = "1.85"

[workspace.dependencies]
serde_json = {{ version = "1", features = ["preserve_order"] }}
"#
    );
    write(&dir.join("Cargo.toml"), &manifest)
}

/// The sibling crates a manifest depends on by path (`path = "../<name>"`).
fn path_dependencies(manifest: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(manifest)
        .with_context(|| format!("cannot read {}", manifest.display()))?;
    Ok(text
        .lines()
        .filter_map(|line| line.split_once("path = \"../")?.1.split_once('"'))
        .map(|(name, _)| name.to_owned())
        .collect())
}

fn write(path: &Path, contents: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    let entries =
        std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?;
    for entry in entries {
        let path = entry
            .with_context(|| format!("cannot read {}", from.display()))?
            .path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            let contents =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
            std::fs::write(&target, contents)
                .with_context(|| format!("cannot write {}", target.display()))?;
        }
    }
    Ok(())
}
