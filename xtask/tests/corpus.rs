//! Specs written by others (`tests/corpus/`, sources in its README), each dropped alone into a
//! scratch repository as `spec/<name>.yaml`, then `cargo xtask codegen`:
//!
//! - as published, every problem is reported in the first run, each as
//!   `spec/<name>.yaml:<line>: <pointer>: …`, nothing is written, and the messages are those of
//!   `tests/corpus/first-run/<name>.txt` (`UPDATE_CORPUS=1` rewrites them);
//! - after applying what those messages ask and nothing else (`tests/corpus/fixed/`, made by
//!   `apply_messages.py`), the spec generates, or is refused only for what the first run already
//!   said (constructs the generators cannot express yet): no problem hid behind another.
//!
//! That the generated crates then build and pass clippy is `fourth_api.rs`'s ignored test
//! `the_corpus_generates_crates_that_pass_clippy`, run alone by `.ci/run`.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{git, xtask, GENERATE_WHEN_FIXED};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// Every spec of the corpus, by name.
fn names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus().join("published"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `cargo xtask codegen` on a scratch repository holding `spec/<name>.yaml` alone.
fn codegen_alone(name: &str, text: &str) -> (bool, String, String, tempfile::TempDir) {
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path();
    std::fs::create_dir(root.join("spec")).unwrap();
    std::fs::write(root.join(format!("spec/{name}.yaml")), text).unwrap();
    git(root, &["init", "-q", "-b", "main"]);
    let (ok, stdout, stderr) = xtask(root, &["codegen"]);
    (ok, stdout, stderr, scratch)
}

fn errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect()
}

/// An error without its line, and with the names it quotes masked (a fix renames operations
/// and moves lines; the problem stays the same one).
fn problem_class(error: &str) -> String {
    let without_line = match error.split_once(": spec/") {
        Some((_, rest)) => rest.split_once(": ").map_or(rest, |(_, r)| r).to_owned(),
        None => error.to_owned(),
    };
    let mut masked = String::new();
    for (index, part) in without_line.split('`').enumerate() {
        masked.push_str(if index % 2 == 1 { "…" } else { part });
    }
    masked
}

#[test]
fn a_published_spec_gets_every_problem_in_the_first_run_with_its_line() {
    let update = std::env::var_os("UPDATE_CORPUS").is_some();
    let mut mismatched = Vec::new();
    for name in names() {
        let text =
            std::fs::read_to_string(corpus().join(format!("published/{name}.yaml"))).unwrap();
        let (ok, stdout, stderr, scratch) = codegen_alone(&name, &text);
        assert!(!ok, "{name} as published must be refused:\n{stdout}");
        assert!(stderr.contains("nothing was written"), "{name}: {stderr}");
        assert!(
            !scratch.path().join("crates").exists(),
            "{name}: nothing may be written"
        );
        let errors = errors(&stderr);
        let prefix = format!("error: spec/{name}.yaml:");
        for error in &errors {
            let located = error
                .strip_prefix(&prefix)
                .and_then(|rest| rest.split_once(": /"))
                .is_some_and(|(line, _)| line.parse::<usize>().is_ok());
            assert!(
                located,
                "{name}: every message has a relative path, a line and a pointer: {error}"
            );
        }
        let snapshot = corpus().join(format!("first-run/{name}.txt"));
        let actual = errors.join("\n") + "\n";
        if update {
            std::fs::write(&snapshot, &actual).unwrap();
        } else if std::fs::read_to_string(&snapshot).ok().as_deref() != Some(actual.as_str()) {
            mismatched.push(name);
        }
    }
    assert!(
        mismatched.is_empty(),
        "first-run messages differ from tests/corpus/first-run/ for {mismatched:?} (UPDATE_CORPUS=1 to accept)"
    );
}

#[test]
fn applying_what_the_messages_ask_leaves_no_hidden_problem() {
    let mut generated = BTreeSet::new();
    for name in names() {
        let published =
            std::fs::read_to_string(corpus().join(format!("first-run/{name}.txt"))).unwrap();
        let first_run: BTreeSet<String> = published.lines().map(problem_class).collect();
        let text = std::fs::read_to_string(corpus().join(format!("fixed/{name}.yaml"))).unwrap();
        let (ok, stdout, stderr, _scratch) = codegen_alone(&name, &text);
        if ok {
            assert!(stdout.contains("file(s) written"), "{name}: {stdout}");
            generated.insert(name);
            continue;
        }
        for error in errors(&stderr) {
            assert!(
                first_run.contains(&problem_class(error)),
                "{name}: a problem the first run did not report: {error}"
            );
        }
    }
    let expected: BTreeSet<String> = GENERATE_WHEN_FIXED.iter().map(|s| s.to_string()).collect();
    assert_eq!(generated, expected);
}

#[test]
fn problem_classes_ignore_lines_and_quoted_names() {
    assert_eq!(
        problem_class("error: spec/a.yaml:12: /paths/~1x/get: operation `key.get` is bad"),
        "/paths/~1x/get: operation … is bad"
    );
}
