//! Scratch workspaces for cargo-semver-checks: an API's crates generated from one version of
//! its spec, with a copy of the workspace crates it depends on by path (the runtimes,
//! `timestamp-form`) and the crates they depend on, under `target/semver/`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;

/// A workspace at `dir` holding `api`'s crates generated from `document`, and copies of the
/// workspace crates they depend on by path.
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
    // The workspace crates the generated crates depend on by path (the runtimes,
    // `timestamp-form`), and the crates those depend on themselves.
    let manifests: Vec<&Path> = output
        .files
        .iter()
        .map(|file| file.path.as_path())
        .filter(|path| path.ends_with("Cargo.toml"))
        .collect();
    let generated: Vec<String> = manifests
        .iter()
        .filter_map(|path| path.parent()?.file_name()?.to_str().map(str::to_owned))
        .collect();
    let mut pending = Vec::new();
    for manifest in &manifests {
        pending.extend(path_dependencies(&dir.join(manifest))?);
    }
    pending.retain(|krate| !generated.contains(krate));
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
pub(super) fn path_dependencies(manifest: &Path) -> Result<Vec<String>> {
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
