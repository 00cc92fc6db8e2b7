//! The set of APIs is the set of `spec/*.yaml` files. A fourth spec added to a scratch copy of
//! the workspace gets its three crates and its registry entry from `cargo xtask codegen`, builds,
//! and has its examples checked by `cargo xtask conformance`, with no hand edit anywhere; and
//! the corpus specs written by others that pass the checks (`corpus.rs`) give crates that pass
//! clippy.
//!
//! The scratch copy shares the workspace's build directory (`CARGO_BUILD_BUILD_DIR`), so only
//! the copy's own crates are compiled, while its binaries go to a target directory of its own
//! (the workspace's `target/debug/xtask` is never replaced).
//!
//! Ignored in `cargo test --workspace`: the copy's crates have the workspace's build hashes, so
//! its build replaces their artifacts with ones compiled from other paths, and doctests
//! compiled later in the same run fail to link (E0460, "found possibly newer version of
//! crate"). `.ci/run` runs it last, alone:
//! `cargo test -p xtask --test fourth_api -- --ignored`.
//!
//! The replaced artifacts' fingerprints name the copy's sources (they sit under the target
//! directory, so cargo records them relative to it), and a later build of the workspace took
//! them as fresh: the workspace's own `xtask` ran on the copy's specs and git history. So the
//! test deletes the copy when it passes, which makes every such fingerprint stale; a failed run
//! leaves it for inspection, and the next build after `rm -r target/fourth-api` is clean.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{git, GENERATE_WHEN_FIXED};

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

fn build_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"))
}

/// A copy of every file git tracks in the workspace, committed on `main`, at a fixed place in
/// the build directory (so that its crates keep their build hashes from run to run).
/// The tests of this file share one scratch copy (and the build directory's artifacts of the
/// copy's crates): they take turns.
static ALONE: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn scratch_workspace() -> PathBuf {
    let listed = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(workspace())
        .output()
        .unwrap();
    assert!(listed.status.success());
    let scratch = build_dir().join("fourth-api");
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch).unwrap();
    }
    for name in listed.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name = std::str::from_utf8(name).unwrap();
        let from = workspace().join(name);
        if !from.is_file() {
            continue; // deleted in the working tree
        }
        let to = scratch.join(name);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to).unwrap();
    }
    git(&scratch, &["init", "-q", "-b", "main"]);
    git(&scratch, &["add", "."]);
    git(&scratch, &["commit", "-q", "-m", "base"]);
    scratch
}

/// `cargo ARGS` in `dir`, sharing the workspace's build directory; fails the test after
/// `limit` rather than hanging. Both pipes are drained by threads while the child runs: a
/// child whose output outgrows the pipe buffer would otherwise block forever on its write.
fn cargo(dir: &Path, args: &[&str], limit: Duration) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_BUILD_BUILD_DIR", build_dir())
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("XTASK_ROOT")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("`cargo {}` took more than {limit:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    (
        status.success(),
        stdout.join().unwrap(),
        stderr.join().unwrap(),
    )
}

/// Reads a pipe to its end on a thread of its own.
fn drain(mut pipe: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

#[test]
#[ignore = "shares the build directory; run alone after the workspace's tests (see the module docs)"]
fn a_fourth_spec_is_generated_built_and_checked_without_a_hand_edit() {
    let _alone = ALONE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let scratch = scratch_workspace();
    let root = scratch.as_path();
    std::fs::copy(
        workspace().join("crates/codegen/tests/fixtures/fx_shared_component.yaml"),
        root.join("spec/acme.yaml"),
    )
    .unwrap();
    let limit = Duration::from_secs(900);

    let (ok, stdout, stderr) = cargo(root, &["xtask", "codegen"], limit);
    assert!(ok, "codegen:\n{stdout}\n{stderr}");
    assert!(stdout.contains("acme: 2 operations"), "{stdout}");
    for krate in ["acme-types", "acme-client", "acme-server"] {
        assert!(
            root.join("crates")
                .join(krate)
                .join("src/generated.rs")
                .is_file(),
            "{krate}"
        );
    }
    let registry =
        std::fs::read_to_string(root.join("crates/api-registry/src/generated.rs")).unwrap();
    assert!(
        registry.contains(r#"&["acme", "insightiq", "instabot", "publica"]"#),
        "{registry}"
    );

    let (ok, stdout, stderr) = cargo(
        root,
        &[
            "build",
            "-p",
            "acme-types",
            "-p",
            "acme-client",
            "-p",
            "acme-server",
        ],
        limit,
    );
    assert!(ok, "build:\n{stdout}\n{stderr}");

    let (ok, stdout, stderr) = cargo(root, &["xtask", "conformance"], limit);
    assert!(ok, "conformance:\n{stdout}\n{stderr}");
    let acme_rows = stdout.lines().filter(|l| l.contains("acme")).count();
    assert!(acme_rows >= 3, "the acme examples are checked:\n{stdout}");

    // The artifacts built from the copy must not pass for the workspace's own (module docs).
    std::fs::remove_dir_all(root).unwrap();
}

/// The corpus specs that generate (see `corpus.rs`) give crates that build and pass clippy, all
/// targets, warnings denied: a spec that passes the checks never yields code that does not
/// compile.
#[test]
#[ignore = "shares the build directory; run alone after the workspace's tests (see the module docs)"]
fn the_corpus_generates_crates_that_pass_clippy() {
    let _alone = ALONE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let scratch = scratch_workspace();
    let root = scratch.as_path();
    for name in GENERATE_WHEN_FIXED {
        std::fs::copy(
            workspace().join(format!("xtask/tests/corpus/fixed/{name}.yaml")),
            root.join(format!("spec/{name}.yaml")),
        )
        .unwrap();
    }
    let limit = Duration::from_secs(1200);
    let (ok, stdout, stderr) = cargo(root, &["xtask", "codegen"], limit);
    assert!(ok, "codegen:\n{stdout}\n{stderr}");

    let mut args = vec!["clippy".to_owned(), "--all-targets".to_owned()];
    for name in GENERATE_WHEN_FIXED {
        for kind in ["types", "client", "server"] {
            args.push("-p".into());
            args.push(format!("{}-{kind}", name.replace('_', "-")));
        }
    }
    args.extend(["--".into(), "-D".into(), "warnings".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (ok, stdout, stderr) = cargo(root, &args, limit);
    assert!(ok, "clippy:\n{stdout}\n{stderr}");

    std::fs::remove_dir_all(root).unwrap();
}
