//! `cargo xtask diff` and the version gate of `cargo xtask codegen`: each spec against its
//! version at a git base (default: the merge base with `main`, or `HEAD` on `main`).

use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};
use serde_json::Value;

/// The base revision: `explicit`, else the merge base with `main`, else `HEAD`.
pub fn base_ref(root: &Path, explicit: Option<&str>) -> Result<String> {
    if let Some(base) = explicit {
        // A typo must not read as "every spec is new since the base".
        let commit = format!("{base}^{{commit}}");
        git(root, &["rev-parse", "--verify", "--quiet", &commit])
            .with_context(|| format!("--base {base}: no such commit in this repository"))?;
        return Ok(base.to_owned());
    }
    let branch = git(root, &["rev-parse", "--abbrev-ref", "HEAD"])?;
    if branch.trim() == "main" {
        return Ok("HEAD".into());
    }
    match git(root, &["merge-base", "HEAD", "main"]) {
        Ok(base) => Ok(base.trim().to_owned()),
        Err(_) => Ok("HEAD".into()),
    }
}

/// Runs git in `root` and returns its standard output.
pub fn git(root: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .context("cannot run git")?;
    if !output.status.success() {
        bail!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// `spec` (a path relative to the root) as committed at `commit`.
pub fn spec_at(root: &Path, commit: &str, spec: &str) -> Result<Value> {
    let text = git(root, &["show", &format!("{commit}:{spec}")])?;
    Ok(spec_model::parse(format!("{commit}:{spec}"), text)?.document)
}

/// One spec at the base and now. `old` is `None` when the spec is new since the base.
pub struct SpecPair {
    pub relative: String,
    pub old: Option<Value>,
    pub new: Value,
}

/// Every `spec/*.yaml` now, with its version at `base`.
pub fn spec_pairs(root: &Path, base: &str) -> Result<Vec<SpecPair>> {
    let mut pairs = Vec::new();
    for file in spec_model::spec_files(root.join("spec"))? {
        let relative = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .to_string_lossy()
            .into_owned();
        let new = spec_model::load(&file)?.document;
        // A spec git does not know at the base is new since then.
        let old = match git(root, &["show", &format!("{base}:{relative}")]) {
            Ok(text) => Some(spec_model::parse(format!("{base}:{relative}"), text)?.document),
            Err(_) => None,
        };
        pairs.push(SpecPair { relative, old, new });
    }
    Ok(pairs)
}

/// `cargo xtask diff`: exit 1 with `fail_on_breaking` when a change breaks anything.
pub fn run(
    root: &Path,
    base: Option<&str>,
    json: bool,
    fail_on_breaking: bool,
) -> Result<ExitCode> {
    let base = base_ref(root, base)?;
    let pairs = spec_pairs(root, &base)?;
    let mut breaking = false;
    let mut report = serde_json::Map::new();
    let empty = serde_json::json!({"openapi": "3.0.3", "info": {"version": "0.0.0"}, "paths": {}});
    for pair in &pairs {
        let changes = spec_diff::diff(pair.old.as_ref().unwrap_or(&empty), &pair.new)
            .with_context(|| format!("{}: cannot compare with {base}", pair.relative))?;
        breaking |= changes.iter().any(|c| c.impact.is_breaking());
        if json {
            let mut entry = spec_diff::to_json(&changes);
            entry["new_spec"] = Value::Bool(pair.old.is_none());
            report.insert(pair.relative.clone(), entry);
        } else {
            let note = if pair.old.is_none() {
                " (new since the base)"
            } else {
                ""
            };
            println!(
                "{}: {} change(s) since {base}{note}",
                pair.relative,
                changes.len()
            );
            for change in &changes {
                println!("  {change}");
            }
        }
    }
    if json {
        let document = serde_json::json!({"base": base, "specs": report});
        println!("{}", serde_json::to_string_pretty(&document)?);
    }
    Ok(if breaking && fail_on_breaking {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// What the version gate found.
#[derive(Default)]
pub struct Gate {
    /// Specs whose version did not move as far as their changes require.
    pub refusals: Vec<spec_diff::VersionError>,
    /// Checks skipped, and why.
    pub notes: Vec<String>,
}

/// The version gate: every spec's `info.version` moved as far as its changes since the base
/// require. Without git (or a base), the checks are skipped with a note.
pub fn version_gate(root: &Path) -> Gate {
    let mut gate = Gate::default();
    let pairs = base_ref(root, None).and_then(|base| Ok((spec_pairs(root, &base)?, base)));
    let (pairs, base) = match pairs {
        Ok(found) => found,
        Err(error) => {
            gate.notes.push(format!("version check skipped: {error:#}"));
            return gate;
        }
    };
    for pair in pairs {
        match &pair.old {
            None => gate.notes.push(format!(
                "{}: new since {base}, no version check",
                pair.relative
            )),
            Some(old) => {
                if let Err(refusal) = spec_diff::check_version(&pair.relative, old, &pair.new) {
                    gate.refusals.push(refusal);
                }
            }
        }
    }
    gate
}
