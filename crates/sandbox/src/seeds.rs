//! The seeds: the documents' samples, read from the specs' own examples (the specs hold them
//! verbatim, or minimally repaired where the page's text is not JSON).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

/// Loads a spec's text through spec-model, once per process: every sandbox started seeds itself
/// from it, and the stub checks and scenario imports convert its schemas, so loading is most of
/// what a start would cost (a `TestSandbox` per test). The specs are compiled in and checked by
/// the test suite, so a failure here is a build defect, not bad input.
pub fn spec(text: &'static str) -> Arc<spec_model::Spec> {
    type Loaded = HashMap<usize, Arc<spec_model::Spec>>;
    static LOADED: OnceLock<Mutex<Loaded>> = OnceLock::new();
    let mut loaded = LOADED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    // Keyed by address: the texts are the compiled-in statics.
    let spec = loaded.entry(text.as_ptr() as usize).or_insert_with(|| {
        let spec = spec_model::parse("spec.yaml", text.to_owned())
            .expect("the spec compiled into the sandbox parses");
        Arc::new(spec)
    });
    Arc::clone(spec)
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
