//! Spec errors reach `cargo xtask specs` and `cargo xtask codegen` as located spec errors
//! (`file:line: pointer: message`), before any version advice and with nothing written: a
//! typo'd `$ref`, a duplicate operationId, and an alias cycle (`A: {$ref: B}`, `B: {$ref: A}`)
//! used by an operation's body. Runs the xtask binary against a scratch copy of `spec/`.

mod common;

use common::{edit, line_of, scratch_repository, xtask};

/// `codegen` refuses with exactly these spec errors, says nothing of versions, writes nothing.
fn assert_refused_before_the_version_gate(root: &std::path::Path, expected: &[String]) {
    let (ok, stdout, stderr) = xtask(root, &["codegen"]);
    assert!(!ok, "codegen must refuse:\n{stdout}\n{stderr}");
    for error in expected {
        assert!(stderr.contains(&format!("error: {error}\n")), "{stderr}");
    }
    assert!(
        !stderr.contains("info.version"),
        "no version advice: {stderr}"
    );
    assert!(!stderr.contains("breaking"), "no version advice: {stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!root.join("crates").exists(), "nothing may be written");
}

#[test]
fn a_typo_in_a_ref_is_a_located_spec_error() {
    let scratch = scratch_repository();
    let root = scratch.path();
    let text = edit(
        root,
        "publica",
        "$ref: '#/components/schemas/UserCreateRequest'",
        "$ref: '#/components/schemas/UserCreateRequst'",
    );
    let line = line_of(&text, "UserCreateRequst");
    let error = format!(
        "spec/publica.yaml:{line}: /paths/~1integration-api~1v1~1dashboard~1users/post/requestBody/content/application~1json/schema/$ref: \
         broken reference `#/components/schemas/UserCreateRequst`: nothing at that pointer"
    );
    assert_refused_before_the_version_gate(root, &[error]);
}

#[test]
fn a_duplicate_operation_id_is_a_located_spec_error() {
    let scratch = scratch_repository();
    let root = scratch.path();
    let text = edit(
        root,
        "publica",
        // At the operation's own indentation: the spec's links name operations too.
        "\n      operationId: reactivate_user",
        "\n      operationId: deactivate_user",
    );
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "      operationId: deactivate_user")
        .map(|(index, _)| index + 1)
        .collect();
    let (first, line) = (lines[0], lines[1]);
    let error = format!(
        "spec/publica.yaml:{line}: /paths/~1integration-api~1v1~1dashboard~1users~1{{user_id}}~1re-activate/put/operationId: \
         duplicate operationId `deactivate_user`: first defined at /paths/~1integration-api~1v1~1dashboard~1users~1{{user_id}}/delete (spec/publica.yaml:{first})"
    );
    assert_refused_before_the_version_gate(root, &[error]);
}

#[test]
fn an_alias_cycle_is_refused_by_specs_and_codegen_with_its_chain() {
    let scratch = scratch_repository();
    let root = scratch.path();
    edit(
        root,
        "publica",
        "  schemas:\n",
        "  schemas:\n    LoopA:\n      $ref: '#/components/schemas/LoopB'\n    LoopB:\n      $ref: '#/components/schemas/LoopA'\n",
    );
    let text = edit(
        root,
        "publica",
        "$ref: '#/components/schemas/UserCreateRequest'",
        "$ref: '#/components/schemas/LoopA'",
    );
    let body_line = text
        .lines()
        .position(|l| l.trim() == "$ref: '#/components/schemas/LoopA'")
        .unwrap()
        + 1;
    let chain =
        "/components/schemas/LoopA -> /components/schemas/LoopB -> /components/schemas/LoopA";
    let error = format!(
        "spec/publica.yaml:{body_line}: /paths/~1integration-api~1v1~1dashboard~1users/post/requestBody/content/application~1json/schema/$ref: \
         `$ref` cycle that never reaches a schema: {chain}"
    );
    let (ok, _, stderr) = xtask(root, &["specs"]);
    assert!(!ok, "specs must refuse: {stderr}");
    assert!(stderr.contains(&format!("error: {error}\n")), "{stderr}");
    assert_refused_before_the_version_gate(root, &[error]);
}

/// A version cargo cannot read would be written into the generated `Cargo.toml`, and cargo
/// could then not load the workspace at all (`cargo xtask codegen` included): it is a located
/// spec error, with the version to write, and nothing is written.
#[test]
fn a_version_that_is_not_semver_is_refused_before_anything_is_written() {
    let scratch = scratch_repository();
    let root = scratch.path();
    // Whatever version the spec is at: a major bump must not break this test.
    let spec = std::fs::read_to_string(root.join("spec/publica.yaml")).unwrap();
    let current = spec
        .lines()
        .find_map(|l| l.strip_prefix("  version: "))
        .unwrap()
        .to_owned();
    let text = edit(
        root,
        "publica",
        &format!("  version: {current}"),
        "  version: '5.1'",
    );
    let line = line_of(&text, "version: '5.1'");
    let (ok, stdout, stderr) = xtask(root, &["codegen"]);
    assert!(!ok, "codegen must refuse:\n{stdout}\n{stderr}");
    let error = format!(
        "error: spec/publica.yaml:{line}: /info/version: info.version `5.1` is not a semantic version (MAJOR.MINOR.PATCH, e.g. `5.1.0`)"
    );
    assert!(stderr.contains(&error), "{stderr}");
    assert_eq!(stderr.matches("error: ").count(), 1, "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!root.join("crates").exists(), "nothing may be written");
}
