//! The documented bodies the client tests serve: the spec's success examples, the response
//! samples of `spec/samples/manifest.yaml` whose text is JSON, and the spec's operations, plus
//! a comparison of a body with what came back through the generated types.
//!
//! Included by the client test files with `#[path = "support/documented.rs"] mod documented;`
//! (it needs `serde_yaml`, a dev-dependency, so it cannot live in the `workspace-tests` lib).

use serde_json::Value;
use workspace_tests::{sample, spec_json, workspace_root};

/// One documented response body.
#[derive(Debug, Clone)]
pub struct Documented {
    /// Where it comes from: a sample file or the JSON pointer of a spec example.
    pub source: String,
    pub operation: String,
    pub status: u16,
    pub body: Value,
}

/// The spec's operations as `(operation_id, METHOD, path template)`, in document order.
pub fn operations(api: &str) -> Vec<(String, String, String)> {
    let spec = spec_json(api);
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if let Some(id) = operation.get("operationId").and_then(Value::as_str) {
                out.push((id.to_owned(), method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// Every named example of every 2xx JSON response of the spec.
pub fn spec_success_examples(api: &str) -> Vec<Documented> {
    let spec = spec_json(api);
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            for (status, response) in operation["responses"].as_object().unwrap() {
                if !status.starts_with('2') {
                    continue;
                }
                let examples = response
                    .pointer("/content/application~1json/examples")
                    .and_then(Value::as_object);
                for (name, example) in examples.into_iter().flatten() {
                    out.push(Documented {
                        source: format!("{api} {method} {path} {status} example {name}"),
                        operation: id.to_owned(),
                        status: status.parse().unwrap(),
                        body: example["value"].clone(),
                    });
                }
            }
        }
    }
    out
}

/// The manifest's response samples of `api` whose text is JSON: verdict `conforms`, or a
/// deviation other than `invalid-json` (such as a mangled e-mail address, still a string).
pub fn manifest_response_samples(api: &str) -> Vec<Documented> {
    let text = std::fs::read_to_string(workspace_root().join("spec/samples/manifest.yaml"))
        .expect("spec/samples/manifest.yaml");
    let manifest: Value = serde_yaml::from_str(&text).expect("the manifest is YAML");
    manifest["samples"]
        .as_array()
        .expect("samples")
        .iter()
        .filter(|s| s["api"] == api && s["kind"] == "response")
        .filter(|s| {
            s["verdict"] == "conforms"
                || !s["deviation"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("invalid-json")
        })
        .map(|s| {
            let file = s["file"].as_str().unwrap();
            Documented {
                source: file.to_owned(),
                operation: s["operation"].as_str().unwrap().to_owned(),
                status: s["status"].as_u64().unwrap() as u16,
                body: sample(file),
            }
        })
        .collect()
}

/// Asserts that `back` (a body deserialized into the generated types and serialized again)
/// carries the data of `original`: every member with a value is there with the same value,
/// a `null` or `[]` member may be left out (or added), numbers compare by value, and two spellings of one
/// date-time instant are the same.
pub fn assert_same_data(source: &str, original: &Value, back: &Value) {
    compare(source, "", original, back);
}

fn is_empty(value: &Value) -> bool {
    value.is_null() || value.as_array().is_some_and(Vec::is_empty)
}

fn compare(source: &str, pointer: &str, original: &Value, back: &Value) {
    if is_empty(original) && is_empty(back) {
        return;
    }
    match (original, back) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let here = format!("{pointer}/{key}");
                match b.get(key) {
                    Some(other) => compare(source, &here, value, other),
                    None => assert!(is_empty(value), "{source}: {here} was lost"),
                }
            }
            for (key, value) in b {
                assert!(
                    a.contains_key(key) || is_empty(value),
                    "{source}: {pointer}/{key} = {value} appeared"
                );
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{source}: {pointer} length");
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare(source, &format!("{pointer}/{i}"), x, y);
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            assert_eq!(a.as_f64(), b.as_f64(), "{source}: {pointer}");
        }
        (Value::String(a), Value::String(b)) if a != b => {
            // Two texts of one instant, in any vendor's form (an offset-less reader reads
            // RFC 3339 too).
            let lenient = timestamp_form::Form::new(
                timestamp_form::Offset::None,
                timestamp_form::Fraction::Trimmed,
            );
            let instant = |s: &str| lenient.read(s).ok();
            assert!(
                instant(a).is_some() && instant(a) == instant(b),
                "{source}: {pointer} was {a:?}, came back {b:?}"
            );
        }
        _ => assert_eq!(original, back, "{source}: {pointer}"),
    }
}

/// Whether `path` is an instance of the spec's path `template` (spec-model's routing:
/// `{name}` matches one non-empty segment).
pub fn matches_template(template: &str, path: &str) -> bool {
    spec_model::PathTemplate::parse(template).matches(path)
}
