//! Rustdoc JSON of the scratch workspaces' crates, built once per distinct crate.
//!
//! Every scenario of an API compares against the same baseline (the committed spec), and most
//! edits leave one or two of its three crates as they were. Asking cargo-semver-checks for a
//! whole workspace each time rebuilt all six rustdocs per scenario; here each crate's rustdoc is
//! keyed by a hash of its sources and those of the crates it depends on by path, built once per
//! key, and a crate whose key did not change between baseline and current is not checked at all
//! (identical sources give identical rustdoc, so no lint can fail).

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// The flags cargo-semver-checks itself passes to rustdoc, so that its lints see the same
/// items (hidden and private ones included) as when it builds the rustdoc.
const RUSTDOC_FLAGS: &str = "-Z unstable-options --document-private-items \
    --document-hidden-items --output-format=json --cap-lints=allow";

/// Where the rustdoc JSON files are kept, and the target directory they are built in.
pub(super) struct RustdocCache {
    dir: PathBuf,
    target_dir: PathBuf,
    /// `rustc -V`: a toolchain update changes the rustdoc format.
    toolchain: String,
}

/// A crate of a scratch workspace and the key of everything its rustdoc is built from.
pub(super) struct CrateSources {
    pub(super) name: String,
    pub(super) key: u64,
}

impl RustdocCache {
    pub(super) fn new(scratch: &Path, target_dir: &Path) -> Result<Self> {
        let output = Command::new("rustc")
            .arg("-V")
            .output()
            .context("cannot run rustc")?;
        Ok(Self {
            dir: scratch.join("rustdoc"),
            target_dir: target_dir.to_owned(),
            toolchain: String::from_utf8_lossy(&output.stdout).trim().to_owned(),
        })
    }

    /// The crate `name` of the workspace at `workspace` with the key of its sources: its own
    /// files, those of the crates it depends on by path (transitively), and the toolchain.
    pub(super) fn sources(&self, workspace: &Path, name: &str) -> Result<CrateSources> {
        let mut hasher = DefaultHasher::new();
        hasher.write(self.toolchain.as_bytes());
        let mut pending = vec![name.to_owned()];
        let mut seen = Vec::new();
        while let Some(krate) = pending.pop() {
            if seen.contains(&krate) {
                continue;
            }
            let dir = workspace.join("crates").join(&krate);
            for (relative, contents) in files(&dir)? {
                hasher.write(krate.as_bytes());
                hasher.write(relative.as_bytes());
                hasher.write_usize(contents.len());
                hasher.write(&contents);
            }
            pending.extend(super::scratch::path_dependencies(&dir.join("Cargo.toml"))?);
            seen.push(krate);
        }
        Ok(CrateSources {
            name: name.to_owned(),
            key: hasher.finish(),
        })
    }

    /// The rustdoc JSON of `krate` in the workspace at `workspace`, built unless a file with
    /// its key is already there.
    pub(super) fn json(&self, workspace: &Path, krate: &CrateSources) -> Result<PathBuf> {
        let cached = self
            .dir
            .join(format!("{}-{:016x}.json", krate.name, krate.key));
        if cached.is_file() {
            return Ok(cached);
        }
        // All features, as cargo-semver-checks' default picks for these crates (none is named
        // like an unstable one).
        let output = Command::new("cargo")
            .args([
                "doc",
                "--no-deps",
                "--all-features",
                "--package",
                &krate.name,
            ])
            .arg("--manifest-path")
            .arg(workspace.join("Cargo.toml"))
            .env("RUSTC_BOOTSTRAP", "1")
            .env("RUSTDOCFLAGS", RUSTDOC_FLAGS)
            .env("CARGO_TARGET_DIR", &self.target_dir)
            .env("CARGO_TERM_COLOR", "never")
            .output()
            .context("cannot run cargo doc")?;
        if !output.status.success() {
            bail!(
                "cargo doc (rustdoc JSON) of {} in {} failed:\n{}",
                krate.name,
                workspace.display(),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let built = self
            .target_dir
            .join("doc")
            .join(format!("{}.json", krate.name.replace('-', "_")));
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create {}", self.dir.display()))?;
        std::fs::copy(&built, &cached)
            .with_context(|| format!("cannot copy {} to the cache", built.display()))?;
        Ok(cached)
    }
}

/// Every file under `dir` by its path relative to `dir` (sorted), skipping build output.
fn files(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(current) = pending.pop() {
        let entries = std::fs::read_dir(&current)
            .with_context(|| format!("cannot read {}", current.display()))?;
        for entry in entries {
            let path = entry
                .with_context(|| format!("cannot read {}", current.display()))?
                .path();
            if path.is_dir() {
                if path.file_name().is_some_and(|name| name != "target") {
                    pending.push(path);
                }
                continue;
            }
            let relative = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .into_owned();
            let contents =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            found.insert(relative, contents);
        }
    }
    Ok(found)
}
