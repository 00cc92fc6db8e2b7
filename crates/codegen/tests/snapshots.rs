//! One small spec per generator feature (`tests/fixtures/*.yaml`), in the manner of typify's and
//! progenitor's test suites: each fixture's three crates are committed under
//! `tests/snapshots/<fixture>/` and compared here, with a unified diff on a mismatch. The
//! snapshot crates are workspace members, so the workspace build compiles them (sharing its
//! target directory, no extra cold build) and clippy lints them.
//!
//! After a deliberate generator change: `SNAPSHOTS=overwrite cargo test -p codegen --test
//! snapshots`, then review the diff. A new generator feature gets a fixture first.

use std::path::{Path, PathBuf};

use codegen::{compare, generate_into, write_changed, FileState, Layout};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let files = spec_model::spec_files(&dir).unwrap();
    assert!(files.len() >= 10, "one fixture per generator feature");
    files
}

#[test]
fn every_fixture_generates_its_committed_snapshot() {
    let overwrite = std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite");
    let mut stale = Vec::new();
    for file in fixtures() {
        let spec = spec_model::load(&file).unwrap_or_else(|e| panic!("{e}"));
        let problems = spec_model::check(&spec);
        assert!(
            problems.is_empty(),
            "fixtures are valid specs: {problems:?}"
        );
        let layout = Layout {
            crates_dir: PathBuf::from("crates/codegen/tests/snapshots").join(&spec.api),
            runtime_dir: PathBuf::from("crates/server-runtime"),
        };
        let output = generate_into(&spec, &layout).unwrap_or_else(|e| panic!("{e}"));
        let reports = if overwrite {
            write_changed(&root(), &output.files).unwrap()
        } else {
            compare(&root(), &output.files).unwrap()
        };
        for report in reports {
            match report.state {
                FileState::Stale { diff } if !overwrite => stale.push(diff),
                FileState::New if !overwrite => {
                    stale.push(format!("{} is missing", report.path.display()))
                }
                _ => {}
            }
        }
    }
    assert!(
        stale.is_empty(),
        "snapshots differ from the generator's output (SNAPSHOTS=overwrite to accept):\n{}",
        stale.join("\n")
    );
}

#[test]
fn every_snapshot_crate_is_a_workspace_member() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("\"crates/codegen/tests/snapshots/*/*\""),
        "the snapshots are compiled as workspace members"
    );
    for file in fixtures() {
        let api = file
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace('_', "-");
        for kind in ["types", "client", "server"] {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/snapshots")
                .join(file.file_stem().unwrap())
                .join(format!("{api}-{kind}"));
            assert!(dir.join("Cargo.toml").is_file(), "{}", dir.display());
        }
    }
}
