//! Hostile spec files: refused early with file, line and a message that says what is wrong.

use std::time::{Duration, Instant};

const MINIMAL: &str = "openapi: 3.0.3\ninfo: {title: t, version: 1.0.0}\n";

#[test]
fn deep_nesting_is_refused_before_parsing_in_linear_time() {
    // 200 KB nested 100,000 deep: serde_yaml needs ~28 s to refuse it.
    let deep = format!(
        "{MINIMAL}paths: {{}}\nx-deep: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let started = Instant::now();
    let error = spec_model::parse("spec/deep.yaml", deep).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        error.to_string(),
        "spec/deep.yaml:4: nested 100001 levels deep here; a spec may nest at most 100 levels"
    );
    let block: String = (0..150)
        .map(|depth| format!("{}k{depth}:\n", " ".repeat(depth * 2)))
        .collect();
    let error = spec_model::parse("spec/block.yaml", format!("{MINIMAL}{block}")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "spec/block.yaml:103: nested 101 levels deep here; a spec may nest at most 100 levels"
    );
}

#[test]
fn a_document_without_openapi_says_so() {
    let error = spec_model::parse("spec/x.yaml", "swagger: '2.0'\n".to_owned()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "spec/x.yaml: not an OpenAPI document: it has no `openapi` field at the top level (specs must be OpenAPI 3.0.x, `openapi: 3.0.3`)"
    );
    let error = spec_model::parse("spec/x.yaml", "openapi: 3.0\n".to_owned()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "spec/x.yaml: `openapi: 3.0` is not supported; specs must be OpenAPI 3.0.x (3.0.3)"
    );
}

#[test]
fn a_duplicate_operation_id_is_reported_at_the_duplicate() {
    // `post` comes first in the text; the typed model lists `get` first.
    let text = format!(
        "{MINIMAL}paths:\n  /a:\n    post:\n      operationId: same\n      responses: {{}}\n    get:\n      operationId: same\n      responses: {{}}\n"
    );
    let spec = spec_model::parse("spec/dup.yaml", text).unwrap();
    let problems = spec_model::check(&spec);
    let duplicate = problems
        .iter()
        .find(|p| p.message.starts_with("duplicate operationId"))
        .unwrap_or_else(|| panic!("{problems:?}"));
    assert_eq!(
        duplicate.to_string(),
        "spec/dup.yaml:9: /paths/~1a/get/operationId: duplicate operationId `same`: first defined at /paths/~1a/post (spec/dup.yaml:6)"
    );
}
