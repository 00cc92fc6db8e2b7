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
/// `manifest` with `baseline` (the arguments naming the baseline and the release type) and
/// returns its failures (`crate: lint: item`), empty when it finds the release compatible.
pub(super) fn semver_checks(
    root: &Path,
    api: &str,
    manifest: &Path,
    baseline: &[&str],
) -> Result<Vec<String>> {
    let started = Instant::now();
    let mut command = Command::new("cargo");
    command
        .args(["semver-checks", "check-release"])
        .args(baseline)
        .arg("--manifest-path")
        .arg(manifest)
        .env("CARGO_TERM_COLOR", "never")
        // One target directory for every run: the dependencies build once.
        .env("CARGO_TARGET_DIR", root.join("target/semver/target"));
    for kind in ["types", "client", "server"] {
        command.args(["--package", &format!("{api}-{kind}")]);
    }
    let output = command.output().context("cannot run cargo semver-checks")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let failures = failed_lints(&stdout);
    if !output.status.success() && failures.is_empty() {
        bail!(
            "cargo semver-checks {} on {} failed without a verdict:\n{stdout}{}",
            baseline.join(" "),
            manifest.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    eprintln!(
        "  ({api}: cargo semver-checks in {:.1}s)",
        started.elapsed().as_secs_f64()
    );
    Ok(failures)
}

/// `crate: lint: item` for each item listed under a `--- failure LINT: ... ---` block of
/// cargo-semver-checks' report (warnings are not failures), the crate read from the item's
/// path (`.../crates/NAME/src/..`).
fn failed_lints(report: &str) -> Vec<String> {
    let mut lint: Option<String> = None;
    let mut failures = Vec::new();
    for line in report.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("--- failure ") {
            lint = Some(rest.split(':').next().unwrap_or(rest).trim().to_owned());
        } else if line.starts_with("--- ") {
            // `--- warning ...`, or any other block: its items are not failures.
            lint = None;
        } else if let (Some(lint), Some(at)) = (&lint, line.find(" /")) {
            // `ITEM in /path`, `ITEM, previously in file /path`, `ITEM, previously at /path`.
            let (item, path) = line.split_at(at);
            let item = [", previously in file", ", previously at", " in file", " in"]
                .iter()
                .find_map(|suffix| item.strip_suffix(suffix))
                .unwrap_or(item);
            let krate = path
                .split("/crates/")
                .nth(1)
                .and_then(|rest| rest.split('/').next())
                .unwrap_or("?");
            failures.push(format!("{krate}: {lint}: {item}"));
        }
    }
    failures
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
        assert_eq!(
            failed_lints(report),
            [
                "publica-server: enum_variant_added: variant DeactivateUserResponse:Conflict",
                "publica-types: constructible_struct_adds_field: field UserCreated.nickname",
                "publica-server: trait_method_missing: method force_logout_user of trait PublicaApi"
            ]
        );
        assert!(failed_lints("     Summary no semver update required\n").is_empty());
    }
}
