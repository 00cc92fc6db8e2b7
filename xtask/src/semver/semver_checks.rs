//! The cargo-semver-checks wrapper: runs it on an API's three generated crates and reads the
//! failed lints from its report.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

/// Fails unless `cargo semver-checks` runs.
pub(super) fn ensure_installed() -> Result<()> {
    let output = Command::new("cargo")
        .args(["semver-checks", "--version"])
        .output()
        .context("cannot run cargo")?;
    if !output.status.success() {
        bail!("cargo-semver-checks is not installed: `cargo install cargo-semver-checks --locked`");
    }
    Ok(())
}

/// Runs `cargo semver-checks check-release` on `api`'s three crates of the workspace at
/// `manifest` with `baseline` (the arguments naming the baseline and the release type),
/// building in `target_dir`, and returns its failures (`crate: lint: item`), empty when it
/// finds the release compatible.
pub(super) fn semver_checks(
    target_dir: &Path,
    api: &str,
    manifest: &Path,
    baseline: &[&str],
) -> Result<Vec<String>> {
    let mut command = Command::new("cargo");
    command
        .args(["semver-checks", "check-release"])
        .args(baseline)
        .arg("--manifest-path")
        .arg(manifest)
        // One target directory for every run: the dependencies build once.
        .env("CARGO_TARGET_DIR", target_dir);
    for kind in ["types", "client", "server"] {
        command.args(["--package", &format!("{api}-{kind}")]);
    }
    let what = format!("{} on {}", baseline.join(" "), manifest.display());
    run(command, api, &what, |path| crate_in(path).to_owned())
}

/// Runs `cargo semver-checks check-release` on one crate's rustdoc JSON files (built by
/// [`super::rustdoc`]) and returns its failures (`crate: lint: item`).
pub(super) fn check_rustdoc(name: &str, baseline: &Path, current: &Path) -> Result<Vec<String>> {
    let mut command = Command::new("cargo");
    command
        .args(["semver-checks", "check-release", "--release-type", "minor"])
        .arg("--baseline-rustdoc")
        .arg(baseline)
        .arg("--current-rustdoc")
        .arg(current);
    let what = format!("{} against {}", current.display(), baseline.display());
    run(command, name, &what, |_| name.to_owned())
}

/// Runs `command`, a `cargo semver-checks` run about `subject`, and reads its failures, naming
/// each item's crate with `crate_of` (given the item's source path).
fn run(
    mut command: Command,
    subject: &str,
    what: &str,
    crate_of: impl Fn(&str) -> String,
) -> Result<Vec<String>> {
    let started = Instant::now();
    let output = command
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .context("cannot run cargo semver-checks")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let failures: Vec<String> = failed_lints(&stdout)
        .into_iter()
        .map(|failure| {
            format!(
                "{}: {}: {}",
                crate_of(&failure.path),
                failure.lint,
                failure.item
            )
        })
        .collect();
    if !output.status.success() && failures.is_empty() {
        bail!(
            "cargo semver-checks {what} failed without a verdict:\n{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    eprintln!(
        "  ({subject}: cargo semver-checks in {:.1}s)",
        started.elapsed().as_secs_f64()
    );
    Ok(failures)
}

/// One item listed under a failed lint.
#[derive(Debug, PartialEq, Eq)]
struct FailedLint {
    lint: String,
    item: String,
    /// The item's source file as the report gives it (absolute, or relative to the workspace
    /// the rustdoc was built in).
    path: String,
}

/// Each item listed under a `--- failure LINT: ... ---` block of cargo-semver-checks' report
/// (warnings are not failures).
fn failed_lints(report: &str) -> Vec<FailedLint> {
    let mut lint: Option<String> = None;
    let mut failures = Vec::new();
    for line in report.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("--- failure ") {
            lint = Some(rest.split(':').next().unwrap_or(rest).trim().to_owned());
        } else if line.starts_with("--- ") {
            // `--- warning ...`, or any other block: its items are not failures.
            lint = None;
        } else if let Some(lint) = &lint {
            // `ITEM in PATH:LINE`, `ITEM, previously in file PATH:LINE`, `ITEM, previously at
            // PATH:LINE`, possibly followed by where it is now: the item ends before the first
            // source location (absolute, or relative when read from rustdoc JSON).
            let Some((at, path)) = line
                .match_indices(' ')
                .map(|(at, _)| (at, line[at + 1..].split([' ', ',']).next().unwrap_or("")))
                .find(|(_, token)| is_source_location(token))
            else {
                continue; // prose of the block, not an item
            };
            let item = &line[..at];
            let item = [", previously in file", ", previously at", " in file", " in"]
                .iter()
                .find_map(|suffix| item.strip_suffix(suffix))
                .unwrap_or(item);
            failures.push(FailedLint {
                lint: lint.clone(),
                item: item.to_owned(),
                path: path.to_owned(),
            });
        }
    }
    failures
}

/// `FILE.rs:LINE`, as the report locates an item.
fn is_source_location(token: &str) -> bool {
    token.rsplit_once(':').is_some_and(|(file, line)| {
        file.ends_with(".rs") && !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit())
    })
}

/// The crate of a source path: the directory under `crates/`.
fn crate_in(path: &str) -> &str {
    path.split("crates/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_lints_name_the_crate_lint_and_item() {
        let report = "--- failure enum_variant_added: enum variant added on exhaustive enum ---\n\
            \nDescription:\nA publicly-visible enum without #[non_exhaustive] has a new variant.\n\
            Failed in:\n  variant DeactivateUserResponse:Conflict in /w/t/new/crates/publica-server/src/generated.rs:172\n\
            \n--- failure constructible_struct_adds_field: externally-constructible struct adds field ---\n\
            Failed in:\n  field UserCreated.nickname in /w/t/new/crates/publica-types/src/generated.rs:9\n\
            \n--- failure trait_method_missing: pub trait method removed or renamed ---\n\
            Failed in:\n  method force_logout_user of trait PublicaApi, previously in file /w/t/old/crates/publica-server/src/generated.rs:411\n\
            \n--- warning partial_ord_enum_variants_reordered: enum variants reordered ---\n\
            Failed in:\n  ListUsersQuery::Unknown moved from position 3 to 2, in /w/t/new/crates/publica-types/src/generated.rs:170\n";
        let named: Vec<String> = failed_lints(report)
            .iter()
            .map(|f| format!("{}: {}: {}", crate_in(&f.path), f.lint, f.item))
            .collect();
        assert_eq!(
            named,
            [
                "publica-server: enum_variant_added: variant DeactivateUserResponse:Conflict",
                "publica-types: constructible_struct_adds_field: field UserCreated.nickname",
                "publica-server: trait_method_missing: method force_logout_user of trait PublicaApi"
            ]
        );
        // Read from rustdoc JSON, paths are relative to the workspace the rustdoc was built in.
        let relative = "--- failure method_parameter_count_changed: pub method parameter count changed ---\n\
            Failed in:\n  publica_types::UserCreateRequest::new takes 2 parameters in crates/publica-types/src/generated.rs:888, but now takes 3 parameters in crates/publica-types/src/generated.rs:890\n";
        assert_eq!(
            failed_lints(relative),
            [FailedLint {
                lint: "method_parameter_count_changed".into(),
                item: "publica_types::UserCreateRequest::new takes 2 parameters".into(),
                path: "crates/publica-types/src/generated.rs:888".into(),
            }]
        );
        assert!(failed_lints("     Summary no semver update required\n").is_empty());
    }
}
