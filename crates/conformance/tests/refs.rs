//! `$ref`s through the command line: an alias cycle (`A: {$ref: B}`, `B: {$ref: A}`) is an
//! input error naming the chain, for any body; recursion through members (a tree) validates.

mod common;

fn validate(spec: &str, body: &str) -> (i32, String, String) {
    let spec = common::fixture(spec).display().to_string();
    common::cli(
        &["validate", "--spec", &spec, "--op", &op(&spec), "--request"],
        body,
    )
}

fn op(spec: &str) -> String {
    if spec.ends_with("tree.yaml") {
        "plant_tree".into()
    } else {
        "make_thing".into()
    }
}

#[test]
fn an_alias_cycle_is_an_input_error_with_the_chain_for_any_body() {
    for body in ["5", "\"x\"", "null", "{}"] {
        let (code, out, err) = validate("alias-cycle.yaml", body);
        assert_eq!(
            code,
            conformance::cli::EXIT_USAGE,
            "body {body}: {out}{err}"
        );
        assert!(!out.contains("conforms"), "body {body}: {out}");
        assert!(
            err.contains(
                "`$ref` cycle that never reaches a schema: /components/schemas/A -> /components/schemas/B -> /components/schemas/A"
            ),
            "body {body}: {err}"
        );
        // Located: file and line of the `$ref` at fault, and its pointer.
        assert!(
            err.contains("alias-cycle.yaml:21: /components/schemas/A/$ref:"),
            "body {body}: {err}"
        );
        // The spec path is said once.
        assert_eq!(
            err.matches("alias-cycle.yaml").count(),
            1,
            "body {body}: {err}"
        );
    }
}

#[test]
fn a_tree_through_properties_and_items_validates() {
    let tree = r#"{"name": "root", "children": [{"name": "leaf", "parent": {"name": "root"}}]}"#;
    let (code, out, err) = validate("tree.yaml", tree);
    assert_eq!(code, conformance::cli::EXIT_OK, "{out}{err}");
    assert!(out.starts_with("conforms: "), "{out}");

    let nameless_leaf = r#"{"name": "root", "children": [{"children": []}]}"#;
    let (code, out, err) = validate("tree.yaml", nameless_leaf);
    assert_eq!(code, conformance::cli::EXIT_VIOLATION, "{out}{err}");
    assert!(out.contains("/children/0: "), "{out}");
    assert!(out.contains("\"name\" is a required property"), "{out}");
}
