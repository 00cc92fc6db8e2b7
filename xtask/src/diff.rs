//! `cargo xtask diff` and the version gate of `cargo xtask codegen`: each spec against its
//! version at a git base (default: the merge base with `main`, or `HEAD` on `main`).

use std::path::Path;
use std::process::{Command, ExitCode};

use serde_json::Value;

/// The base revision: `explicit`, else the merge base with `main`, else `HEAD`.
pub fn base_ref(root: &Path, explicit: Option<&str>) -> Result<String, String> {
    if let Some(base) = explicit {
        // A typo must not read as "every spec is new since the base".
        git(
            root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{base}^{{commit}}"),
            ],
        )
        .map_err(|_| format!("--base {base}: no such commit in this repository"))?;
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

pub fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// `spec` (a path relative to the root) as committed at `commit`.
pub fn spec_at(root: &Path, commit: &str, spec: &str) -> Result<Value, String> {
    let text = git(root, &["show", &format!("{commit}:{spec}")])?;
    Ok(spec_model::parse(format!("{commit}:{spec}"), text)
        .map_err(|e| e.to_string())?
        .document)
}

/// One spec at the base and now. `old` is `None` when the spec is new since the base.
pub struct SpecPair {
    pub relative: String,
    pub old: Option<Value>,
    pub new: Value,
}

/// Every `spec/*.yaml` now, with its version at `base`.
pub fn spec_pairs(root: &Path, base: &str) -> Result<Vec<SpecPair>, String> {
    let files = spec_model::spec_files(root.join("spec")).map_err(|e| e.to_string())?;
    let mut pairs = Vec::new();
    for file in files {
        let relative = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .to_string_lossy()
            .into_owned();
        let new = spec_model::load(&file).map_err(|e| e.to_string())?.document;
        let old = match git(root, &["show", &format!("{base}:{relative}")]) {
            Ok(text) => Some(
                spec_model::parse(format!("{base}:{relative}"), text)
                    .map_err(|e| e.to_string())?
                    .document,
            ),
            Err(_) => None,
        };
        pairs.push(SpecPair { relative, old, new });
    }
    Ok(pairs)
}

/// `cargo xtask diff`.
pub fn run(root: &Path, base: Option<&str>, json: bool, fail_on_breaking: bool) -> ExitCode {
    let outcome = base_ref(root, base).and_then(|base| Ok((spec_pairs(root, &base)?, base)));
    let (pairs, base) = match outcome {
        Ok(found) => found,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let mut breaking = false;
    let mut report = serde_json::Map::new();
    for pair in &pairs {
        let empty =
            serde_json::json!({"openapi": "3.0.3", "info": {"version": "0.0.0"}, "paths": {}});
        let changes = spec_diff::diff(pair.old.as_ref().unwrap_or(&empty), &pair.new);
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
        println!(
            "{}",
            serde_json::to_string_pretty(&document).unwrap_or_default()
        );
    }
    if breaking && fail_on_breaking {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The version gate: every spec's `info.version` moved as far as its changes since the base
/// require. Returns the refusals (empty: go ahead) and notes (checks skipped).
pub fn version_gate(root: &Path) -> (Vec<String>, Vec<String>) {
    let (mut refusals, mut notes) = (Vec::new(), Vec::new());
    let base = match base_ref(root, None) {
        Ok(base) => base,
        Err(error) => {
            notes.push(format!("version check skipped: {error}"));
            return (refusals, notes);
        }
    };
    let pairs = match spec_pairs(root, &base) {
        Ok(pairs) => pairs,
        Err(error) => {
            notes.push(format!("version check skipped: {error}"));
            return (refusals, notes);
        }
    };
    for pair in pairs {
        match &pair.old {
            None => notes.push(format!(
                "{}: new since {base}, no version check",
                pair.relative
            )),
            Some(old) => {
                if let Err(refusal) = spec_diff::check_version(&pair.relative, old, &pair.new) {
                    refusals.push(refusal);
                }
            }
        }
    }
    (refusals, notes)
}
