//! `cargo xtask semver`: spec-diff's version rule against cargo-semver-checks' verdict on the
//! generated Rust API.
//!
//! spec-diff classifies a spec change on the wire; cargo-semver-checks classifies the change
//! the same spec edit makes to the generated crates. Both sides of one comparison are generated
//! by the *current* generator (old spec and new spec, each into a scratch workspace under
//! `target/semver/`), so only the spec edit differs. The two must agree in one direction: a
//! change that breaks the generated Rust API must never pass as a minor version. The other
//! direction is allowed and reported as "wire only": a tightened bound or a new security
//! scheme breaks clients on the wire while no Rust signature changes.
//!
//! Two sources of spec edits: the git base (`--base REF`, as `cargo xtask diff`), and a fixed
//! set of scenarios (`--scenarios`), one per kind of change, each with the verdicts it must get.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use serde_json::{json, Value};
use spec_diff::{Bump, Severity};

/// What cargo-semver-checks said about one API's generated crates.
struct RustVerdict {
    /// `crate: lint: item` for every failed major-level lint.
    failures: Vec<String>,
}

impl RustVerdict {
    fn is_major(&self) -> bool {
        !self.failures.is_empty()
    }
}

/// spec-diff's view of one spec edit.
struct SpecVerdict {
    bump: Bump,
    /// The worst `Impact::rust` among the changes: does the edit break the generated Rust API?
    rust: Severity,
}

/// How spec-diff's Rust column relates to cargo-semver-checks' verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Agreement {
    /// Both call the Rust API broken, or both call it compatible.
    Agree,
    /// spec-diff calls the Rust API broken, cargo-semver-checks finds no failing lint: a change
    /// it has no lint for (a struct field's type, as of 0.51), or one where spec-diff is
    /// cautious (a `maximum` leaves the type alone). The version is major anyway.
    SemverChecksBlind,
    /// cargo-semver-checks finds a break spec-diff does not know of: a bug in spec-diff's rule
    /// or in the generator. Fails the run.
    Disagree,
}

impl fmt::Display for Agreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Agreement::Agree => "agree",
            Agreement::SemverChecksBlind => {
                "agree on the version; cargo-semver-checks finds no break where spec-diff assumes one"
            }
            Agreement::Disagree => "DISAGREE: the Rust API breaks where spec-diff says it does not",
        })
    }
}

fn agreement(spec: &SpecVerdict, rust_major: bool) -> Agreement {
    match (spec.rust == Severity::Breaking, rust_major) {
        (true, true) | (false, false) => Agreement::Agree,
        (true, false) => Agreement::SemverChecksBlind,
        // A Rust break under a minor version is the case the check exists for; a Rust break
        // spec-diff misses under a major one is still a bug in its Rust column.
        (false, true) => Agreement::Disagree,
    }
}

/// The release cargo-semver-checks asks for.
fn release(major: bool) -> &'static str {
    if major {
        "major"
    } else {
        "minor"
    }
}

/// One spec edit with the verdicts it must get.
struct Scenario {
    name: &'static str,
    api: &'static str,
    /// The edit, on the spec's JSON document; `Err` names what it did not find.
    edit: fn(&mut Value) -> Result<(), String>,
    bump: Bump,
    /// cargo-semver-checks fails a minor release of the generated crates.
    semver_checks_major: bool,
}

/// The member at `pointer`, or an error naming it (a spec edited since the scenario was
/// written).
fn at<'a>(doc: &'a mut Value, pointer: &str) -> Result<&'a mut Value, String> {
    doc.pointer_mut(pointer)
        .ok_or_else(|| format!("the spec has no {pointer}"))
}

/// The array at `pointer`.
fn array_at<'a>(doc: &'a mut Value, pointer: &str) -> Result<&'a mut Vec<Value>, String> {
    at(doc, pointer)?
        .as_array_mut()
        .ok_or_else(|| format!("{pointer} is not an array"))
}

/// Sets `name` in the object at `pointer`.
fn set(doc: &mut Value, pointer: &str, name: &str, value: Value) -> Result<(), String> {
    at(doc, pointer)?
        .as_object_mut()
        .ok_or_else(|| format!("{pointer} is not an object"))?
        .insert(name.to_owned(), value);
    Ok(())
}

const PUBLICA_USERS: &str = "/paths/~1integration-api~1v1~1dashboard~1users";
const PUBLICA_USER: &str = "/paths/~1integration-api~1v1~1dashboard~1users~1{user_id}";
const PUBLICA_LOGOUT_PATH: &str = "/integration-api/v1/users/{user_id}/force-logout";
const PUBLICA_LOGOUT: &str = "/paths/~1integration-api~1v1~1users~1{user_id}~1force-logout";

fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario {
            name: "response property added (optional)",
            api: "publica",
            edit: |doc| {
                let nickname = json!({"type": "string", "nullable": true});
                set(
                    doc,
                    "/components/schemas/UserCreated/properties",
                    "nickname",
                    nickname,
                )
            },
            bump: Bump::Major,
            semver_checks_major: true,
        },
        Scenario {
            name: "request property added (optional)",
            api: "publica",
            edit: |doc| {
                let properties = "/components/schemas/UserCreateRequest/properties";
                set(doc, properties, "locale", json!({"type": "string"}))
            },
            bump: Bump::Major,
            semver_checks_major: true,
        },
        Scenario {
            name: "request property added (required)",
            api: "publica",
            edit: |doc| {
                let properties = "/components/schemas/UserCreateRequest/properties";
                set(doc, properties, "locale", json!({"type": "string"}))?;
                array_at(doc, "/components/schemas/UserCreateRequest/required")?
                    .push(json!("locale"));
                Ok(())
            },
            bump: Bump::Major,
            semver_checks_major: true,
        },
        Scenario {
            name: "response enum value added",
            api: "publica",
            edit: |doc| {
                array_at(doc, "/components/schemas/SuccessCode/enum")?.push(json!("partial"));
                Ok(())
            },
            bump: Bump::Minor,
            semver_checks_major: false,
        },
        Scenario {
            name: "request enum value removed",
            api: "publica",
            edit: |doc| {
                let query = format!("{PUBLICA_USERS}/get/parameters/1/schema/enum");
                array_at(doc, &query)?.pop();
                Ok(())
            },
            bump: Bump::Major,
            semver_checks_major: true,
        },
        Scenario {
            // `maximum` alone leaves the Rust type as it is; spec-diff's Rust column is the
            // cautious one (other bounds can change the type typify picks).
            name: "request bound tightened",
            api: "publica",
            edit: |doc| {
                let properties = "/components/schemas/UserCreateRequest/properties";
                set(
                    doc,
                    &format!("{properties}/sessions_limit"),
                    "maximum",
                    json!(1000),
                )
            },
            bump: Bump::Major,
            semver_checks_major: false,
        },
        Scenario {
            name: "optional query parameter added",
            api: "publica",
            edit: |doc| {
                array_at(doc, &format!("{PUBLICA_USERS}/get/parameters"))?.push(json!({
                    "name": "page", "in": "query", "required": false,
                    "schema": {"type": "integer", "format": "int64"}
                }));
                Ok(())
            },
            bump: Bump::Major,
            semver_checks_major: true,
        },
        Scenario {
            name: "operation removed",
            api: "publica",
            edit: |doc| {
                at(doc, "/paths")?
                    .as_object_mut()
                    .and_then(|paths| paths.remove(PUBLICA_LOGOUT_PATH))
                    .map(drop)
                    .ok_or_else(|| format!("the spec has no path {PUBLICA_LOGOUT_PATH}"))
            },
            bump: Bump::Major,
            semver_checks_major: true,
        },
        Scenario {
            name: "operation added",
            api: "publica",
            edit: |doc| {
                let mut operation = at(doc, &format!("{PUBLICA_LOGOUT}/post"))?.clone();
                operation["operationId"] = json!("force_logout_user_everywhere");
                let path = "/integration-api/v1/users/{user_id}/force-logout-all";
                set(doc, "/paths", path, json!({"post": operation}))
            },
            bump: Bump::Major,
            semver_checks_major: true,
        },
        Scenario {
            name: "status code added",
            api: "publica",
            edit: |doc| {
                let not_found = at(doc, &format!("{PUBLICA_USER}/delete/responses/404"))?.clone();
                set(
                    doc,
                    &format!("{PUBLICA_USER}/delete/responses"),
                    "409",
                    not_found,
                )
            },
            bump: Bump::Minor,
            semver_checks_major: false,
        },
        Scenario {
            // cargo-semver-checks 0.51 has no lint for a field's type.
            name: "response property type changed",
            api: "publica",
            edit: |doc| {
                let properties = "/components/schemas/UserCreated/properties";
                let picture = json!({"type": "integer", "format": "int64"});
                set(doc, properties, "picture", picture)
            },
            bump: Bump::Major,
            semver_checks_major: false,
        },
        Scenario {
            // A renamed header keeps every signature; spec-diff's Rust column is cautious
            // (adding or removing a scheme changes `auth::Credentials`).
            name: "security scheme changed",
            api: "publica",
            edit: |doc| {
                let scheme = "/components/securitySchemes/userToken";
                set(doc, scheme, "name", json!("X-Api-Token"))
            },
            bump: Bump::Major,
            semver_checks_major: false,
        },
    ]
}

/// What `cargo xtask semver` compares.
pub enum Mode {
    /// Each spec at a git base (default: as `cargo xtask diff`) against the working tree, both
    /// generated by the current generator.
    Base(Option<String>),
    /// The built-in scenarios.
    Scenarios,
    /// The committed crates against the commit that released their current version: whatever
    /// changed since (the spec or the generator) must not break the Rust API unannounced.
    SinceRelease,
}

/// `cargo xtask semver`.
pub fn run(root: &Path, mode: Mode) -> ExitCode {
    if let Err(error) = ensure_semver_checks() {
        eprintln!("error: {error}");
        return ExitCode::from(2);
    }
    let scratch = root.join("target/semver");
    let mut failed = false;
    let outcome = match mode {
        Mode::Scenarios => run_scenarios(root, &scratch, &mut failed),
        Mode::SinceRelease => run_since_release(root, &mut failed),
        Mode::Base(base) => run_base(root, base.as_deref(), &scratch, &mut failed),
    };
    match outcome {
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
        Ok(()) if failed => ExitCode::FAILURE,
        Ok(()) => ExitCode::SUCCESS,
    }
}

fn ensure_semver_checks() -> Result<(), String> {
    let output = Command::new("cargo")
        .args(["semver-checks", "--version"])
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err("cargo-semver-checks is not installed: \
                    `cargo install cargo-semver-checks --locked`"
            .into());
    }
    Ok(())
}

fn run_scenarios(root: &Path, scratch: &Path, failed: &mut bool) -> Result<(), String> {
    let list = scenarios();
    println!(
        "{} scenarios, each generated by the current generator before and after the edit",
        list.len()
    );
    println!(
        "{:<38} {:<9} {:<11} {:<14} verdict",
        "scenario", "bump", "rust", "semver-checks"
    );
    let mut specs = std::collections::BTreeMap::new();
    for (index, scenario) in list.iter().enumerate() {
        if !specs.contains_key(scenario.api) {
            let path = root.join(format!("spec/{}.yaml", scenario.api));
            let document = spec_model::load(path).map_err(|e| e.to_string())?.document;
            specs.insert(scenario.api, document);
        }
        let old = &specs[scenario.api];
        let mut new = old.clone();
        (scenario.edit)(&mut new).map_err(|e| format!("scenario `{}`: {e}", scenario.name))?;
        let dir = scratch.join(format!("scenario-{index:02}"));
        let (spec, rust) = compare(root, &dir, scenario.api, old, &new)?;
        let verdict = agreement(&spec, rust.is_major());
        let expected =
            spec.bump == scenario.bump && rust.is_major() == scenario.semver_checks_major;
        *failed |= verdict == Agreement::Disagree || !expected;
        println!(
            "{:<38} {:<9} {:<11} {:<14} {verdict}{}",
            scenario.name,
            spec.bump.as_str(),
            spec.rust.as_str(),
            release(rust.is_major()),
            if expected {
                String::new()
            } else {
                format!(
                    " (MOVED: expected bump {}, semver-checks {})",
                    scenario.bump.as_str(),
                    release(scenario.semver_checks_major)
                )
            }
        );
        for failure in &rust.failures {
            println!("    {failure}");
        }
    }
    Ok(())
}

fn run_since_release(root: &Path, failed: &mut bool) -> Result<(), String> {
    // A shallow clone lists only its newest commits: HEAD would pass for every release.
    if crate::diff::git(root, &["rev-parse", "--is-shallow-repository"])?.trim() == "true" {
        return Err(
            "this is a shallow clone: the commits that released the current versions \
                    may be missing; fetch the whole history (`git fetch --unshallow`)"
                .into(),
        );
    }
    for file in spec_model::spec_files(root.join("spec")).map_err(|e| e.to_string())? {
        let api = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let relative = format!("spec/{api}.yaml");
        let current = spec_model::load(&file).map_err(|e| e.to_string())?.document;
        let version = info_version(&current);
        let Some(release) = release_commit(root, &relative, &version)? else {
            println!("{relative}: {version} is not committed yet, nothing released to check");
            continue;
        };
        let short = &release[..release.len().min(10)];
        let failures = semver_checks(
            root,
            &api,
            &root.join("Cargo.toml"),
            &["--baseline-rev", &release, "--release-type", "minor"],
        )?;
        if failures.is_empty() {
            println!(
                "{relative}: {version} (released at {short}): no cargo-semver-checks lint \
                 fails (it does not see a field's type change)"
            );
            continue;
        }
        *failed = true;
        // Tell the spec's share from the generator's: spec-diff sees only the spec.
        let old_spec = crate::diff::spec_at(root, &release, &relative)?;
        let spec_breaks = spec_diff::diff(&old_spec, &current)
            .iter()
            .any(|c| c.impact.is_breaking());
        println!(
            "{relative}: {version} (released at {short}): the generated Rust API broke since, \
             without a version bump ({}):",
            if spec_breaks {
                "spec-diff sees breaking spec changes too"
            } else {
                "the spec did not break it: a generator change did"
            }
        );
        for failure in &failures {
            println!("    {failure}");
        }
        println!(
            "  edit {relative}: info.version: {version} -> {}, then `cargo xtask codegen`",
            spec_diff::Version::parse(&version)
                .map(|v| v.bumped(Bump::Major).to_string())
                .unwrap_or_else(|| "the next major version".into())
        );
    }
    Ok(())
}

fn info_version(document: &Value) -> String {
    document
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The oldest commit of the newest run of commits whose `spec` carries `version`: where that
/// version was released. `None` when HEAD's spec has another version (a bump not committed).
/// Follows the first parent only (the history of the branch itself), and reads no more of
/// each old spec than its `info.version`.
fn release_commit(root: &Path, spec: &str, version: &str) -> Result<Option<String>, String> {
    let log = crate::diff::git(root, &["log", "--first-parent", "--format=%H", "--", spec])?;
    let mut release = None;
    for commit in log.lines() {
        let text = crate::diff::git(root, &["show", &format!("{commit}:{spec}")])?;
        let document: Value =
            serde_yaml::from_str(&text).map_err(|e| format!("{commit}:{spec}: not YAML: {e}"))?;
        if info_version(&document) != version {
            break;
        }
        release = Some(commit.to_owned());
    }
    Ok(release)
}

fn run_base(
    root: &Path,
    base: Option<&str>,
    scratch: &Path,
    failed: &mut bool,
) -> Result<(), String> {
    let base = crate::diff::base_ref(root, base)?;
    for pair in crate::diff::spec_pairs(root, &base)? {
        let api = Path::new(&pair.relative)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(old) = &pair.old else {
            println!("{}: new since {base}, nothing to compare", pair.relative);
            continue;
        };
        // Skip only an unchanged document: a change spec-diff does not list (a renamed
        // component, followed through its `$ref`s) can still rename a Rust type.
        let unversioned = |doc: &Value| {
            let mut doc = doc.clone();
            doc["info"]["version"] = Value::Null;
            doc
        };
        if unversioned(old) == unversioned(&pair.new) {
            println!("{}: no change since {base}", pair.relative);
            continue;
        }
        let (spec, rust) = compare(root, &scratch.join(&api), &api, old, &pair.new)?;
        let verdict = agreement(&spec, rust.is_major());
        *failed |= verdict == Agreement::Disagree;
        println!(
            "{} since {base}: bump {}, rust {}, semver-checks {}: {verdict}",
            pair.relative,
            spec.bump.as_str(),
            spec.rust.as_str(),
            release(rust.is_major()),
        );
        for failure in &rust.failures {
            println!("    {failure}");
        }
    }
    Ok(())
}

/// Generates `api` from both documents into `dir/{old,new}` and runs cargo-semver-checks on
/// its three crates, the old ones as the baseline.
fn compare(
    root: &Path,
    dir: &Path,
    api: &str,
    old: &Value,
    new: &Value,
) -> Result<(SpecVerdict, RustVerdict), String> {
    let changes = spec_diff::diff(old, new);
    let spec = SpecVerdict {
        bump: spec_diff::required_bump(&changes),
        rust: changes
            .iter()
            .map(|c| c.impact.rust)
            .max()
            .unwrap_or(Severity::Compatible),
    };
    // Same version on both sides: cargo-semver-checks is asked whether a minor release is
    // enough, which is the question the version rule answers.
    let mut new = new.clone();
    new["info"]["version"] = old["info"]["version"].clone();
    let (old_dir, new_dir) = (dir.join("old"), dir.join("new"));
    scratch_workspace(root, &old_dir, api, old)?;
    scratch_workspace(root, &new_dir, api, &new)?;
    let baseline = old_dir.display().to_string();
    let failures = semver_checks(
        root,
        api,
        &new_dir.join("Cargo.toml"),
        &["--release-type", "minor", "--baseline-root", &baseline],
    )?;
    Ok((spec, RustVerdict { failures }))
}

/// Runs `cargo semver-checks check-release` on `api`'s three crates of the workspace at
/// `manifest` with `baseline` (the arguments naming the baseline and the release type) and
/// returns its failures (`crate: lint: item`), empty when it finds the release compatible.
fn semver_checks(
    root: &Path,
    api: &str,
    manifest: &Path,
    baseline: &[&str],
) -> Result<Vec<String>, String> {
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
    let output = command
        .output()
        .map_err(|e| format!("cannot run cargo semver-checks: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let failures = failed_lints(&stdout);
    if !output.status.success() && failures.is_empty() {
        return Err(format!(
            "cargo semver-checks {} on {} failed without a verdict:\n{stdout}{}",
            baseline.join(" "),
            manifest.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
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

/// A workspace holding `api`'s generated crates and a copy of `server-runtime`.
fn scratch_workspace(root: &Path, dir: &Path, api: &str, document: &Value) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let spec_path = PathBuf::from(format!("spec/{api}.yaml"));
    let text = serde_json::to_string_pretty(document).map_err(|e| e.to_string())?;
    let spec = spec_model::parse(&spec_path, text).map_err(|e| e.to_string())?;
    let output = codegen::generate(&spec).map_err(|e| e.to_string())?;
    for file in &output.files {
        write(&dir.join(&file.path), &file.contents)?;
    }
    copy_dir(
        &root.join("crates/server-runtime"),
        &dir.join("crates/server-runtime"),
    )?;
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| e.to_string())?;
    write(&dir.join("Cargo.lock"), &lock)?;
    let manifest = format!(
        r#"[workspace]
resolver = "2"
members = ["crates/{api}-types", "crates/{api}-client", "crates/{api}-server"]

[workspace.package]
edition = "2021"
license = "MIT OR Apache-2.0"
publish = false

[workspace.dependencies]
serde_json = {{ version = "1", features = ["preserve_order"] }}
"#
    );
    write(&dir.join("Cargo.toml"), &manifest)
}

fn write(path: &Path, contents: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, contents).map_err(|e| format!("{}: {e}", path.display()))
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            let contents = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            std::fs::write(&target, contents).map_err(|e| format!("{}: {e}", target.display()))?;
        }
    }
    Ok(())
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

    #[test]
    fn only_a_break_spec_diff_misses_disagrees() {
        let spec = |rust| SpecVerdict {
            bump: Bump::Major,
            rust,
        };
        let (breaking, compatible) = (Severity::Breaking, Severity::Compatible);
        assert_eq!(agreement(&spec(breaking), true), Agreement::Agree);
        assert_eq!(agreement(&spec(compatible), false), Agreement::Agree);
        assert_eq!(
            agreement(&spec(breaking), false),
            Agreement::SemverChecksBlind
        );
        assert_eq!(agreement(&spec(compatible), true), Agreement::Disagree);
    }

    #[test]
    fn the_release_commit_is_where_the_current_version_first_appeared() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let git = |args: &[&str]| {
            let out = Command::new("git")
                .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
                .args(args)
                .current_dir(root)
                .output()
                .unwrap();
            assert!(out.status.success(), "{out:?}");
            String::from_utf8(out.stdout).unwrap().trim().to_owned()
        };
        let commit = |version: &str, title: &str| {
            let spec = format!(
                "openapi: 3.0.3\ninfo: {{title: {title}, version: {version}}}\npaths: {{}}\n"
            );
            std::fs::write(root.join("spec/t.yaml"), spec).unwrap();
            git(&["add", "spec"]);
            git(&["commit", "-q", "-m", title]);
            git(&["rev-parse", "HEAD"])
        };
        std::fs::create_dir(root.join("spec")).unwrap();
        git(&["init", "-q", "-b", "main"]);
        commit("1.0.0", "a");
        let released = commit("2.0.0", "b");
        commit("2.0.0", "c");
        assert_eq!(
            release_commit(root, "spec/t.yaml", "2.0.0").unwrap(),
            Some(released)
        );
        // A bump not committed yet has no release.
        assert_eq!(release_commit(root, "spec/t.yaml", "3.0.0").unwrap(), None);
    }

    #[test]
    fn every_scenario_edit_applies_and_changes_the_spec() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        for scenario in scenarios() {
            let old = spec_model::load(root.join(format!("spec/{}.yaml", scenario.api)))
                .unwrap()
                .document;
            let mut new = old.clone();
            (scenario.edit)(&mut new).unwrap();
            let bump = spec_diff::required_bump(&spec_diff::diff(&old, &new));
            assert_eq!(bump, scenario.bump, "{}", scenario.name);
        }
    }
}
