//! The seeds: the documents' samples, read from the specs' own examples (the specs hold them
//! verbatim, or minimally repaired where the page's text is not JSON).

use serde_json::Value;

/// Parses a spec's YAML text. The specs are compiled in and checked by the test suite, so a
/// failure here is a build defect, not bad input.
pub fn spec(text: &str) -> Value {
    serde_yaml::from_str(text).expect("the spec compiled into the sandbox parses")
}

/// The value of the example at a JSON pointer of a spec.
pub fn example(spec: &Value, pointer: &str) -> Value {
    spec.pointer(pointer)
        .unwrap_or_else(|| panic!("the spec has an example at {pointer}"))
        .clone()
}

/// Deserializes a seed into a generated type.
pub fn typed<T: serde::de::DeserializeOwned>(value: Value, what: &str) -> T {
    serde_json::from_value(value)
        .unwrap_or_else(|error| panic!("the {what} seed fits its generated type: {error}"))
}
