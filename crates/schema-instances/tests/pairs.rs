//! The instances of one small schema: the satisfying one leaves out what its direction does
//! not send, and each probe pair is one instance the validator accepts and one it refuses.

use schema_instances::{probes, valid, Direction, Validator, Walk};
use serde_json::json;

const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: 1.0.0}
paths: {}
components:
  schemas:
    Thing:
      type: object
      required: [id, name]
      properties:
        id: {type: integer, minimum: 1, readOnly: true}
        name: {type: string, maxLength: 5}
"#;

const ROOT: &str = "/components/schemas/Thing";

fn spec() -> spec_model::Spec {
    spec_model::parse("spec/t.yaml", SPEC.to_owned()).unwrap()
}

#[test]
fn a_request_instance_leaves_out_read_only_members() {
    let spec = spec();
    let node = spec.document.pointer(ROOT).unwrap();
    assert_eq!(
        valid(&spec, node, Direction::Request),
        Some(json!({"name": "text"}))
    );
    assert_eq!(
        valid(&spec, node, Direction::Response),
        Some(json!({"id": 1, "name": "text"}))
    );
}

#[test]
fn each_breaking_probe_is_refused_and_its_base_accepted() {
    let spec = spec();
    let walk = Walk {
        direction: Direction::Response,
        parameter: false,
    };
    let pairs = probes(&spec, ROOT, walk).unwrap();
    let validator = Validator::convert(&spec, ROOT, Direction::Response);
    let broken: Vec<&str> = pairs
        .iter()
        .filter(|p| p.invalid.is_some())
        .map(|p| p.constraint.as_str())
        .collect();
    for constraint in ["minimum", "maxLength", "required(id)", "required(name)"] {
        assert!(
            broken.contains(&constraint),
            "no {constraint} probe: {broken:?}"
        );
    }
    for pair in &pairs {
        assert_eq!(
            validator.satisfied(&pair.valid),
            Ok(true),
            "{}",
            pair.constraint
        );
        if let Some(invalid) = &pair.invalid {
            assert_eq!(
                validator.satisfied(invalid),
                Ok(false),
                "{}",
                pair.constraint
            );
        }
    }
}

#[test]
fn boundary_instances_sit_exactly_at_each_bound_and_satisfy_the_schema() {
    let spec = spec();
    let walk = Walk {
        direction: Direction::Response,
        parameter: false,
    };
    let found = schema_instances::boundaries(&spec, ROOT, walk).unwrap();
    let shown: Vec<(&str, &serde_json::Value)> = found
        .iter()
        .map(|probe| (probe.constraint.as_str(), &probe.valid))
        .collect();
    assert_eq!(
        shown,
        vec![
            ("boundary(minimum)", &json!({"id": 1, "name": "text"})),
            ("boundary(maxLength)", &json!({"id": 1, "name": "textt"})),
        ]
    );
    let validator = Validator::convert(&spec, ROOT, Direction::Response);
    for probe in &found {
        assert!(probe.invalid.is_none());
        assert_eq!(validator.satisfied(&probe.valid), Ok(true), "{probe:?}");
    }
    // The plain probes are unchanged: no boundary among them.
    assert!(probes(&spec, ROOT, walk)
        .unwrap()
        .iter()
        .all(|probe| !probe.constraint.starts_with("boundary(")));
}
