//! The spec's bounds on values (numeric bounds, lengths, item counts, patterns), read from the
//! schemas for the client's checks before sending.
//!
//! typify carries some of these in types (`minimum: 1` makes a `NonZeroU64`, `maxLength` a
//! newtype) and drops the rest (`maximum`), and where it carries them its error does not name
//! the parameter or the bound. The model keeps every bound, so the client can refuse a value
//! with the parameter (or body pointer) and the bound in the message.

use serde_json::Value;
use spec_model::Spec;

/// The bounds one schema puts on its value. Every member is `None` (or `false`) when the schema
/// says nothing about it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    pub minimum: Option<f64>,
    /// OpenAPI 3.0's boolean `exclusiveMinimum`: the minimum itself is out of bounds.
    pub exclusive_minimum: bool,
    pub maximum: Option<f64>,
    pub exclusive_maximum: bool,
    /// In characters (Unicode scalar values), as JSON Schema counts.
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// An ECMA 262 regular expression (the types crate's `regress` dialect).
    pub pattern: Option<String>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
}

impl Constraints {
    /// The bounds a schema object states itself (no `$ref` following).
    pub fn of(schema: &Value) -> Constraints {
        let number = |key: &str| schema.get(key).and_then(Value::as_f64);
        let count = |key: &str| schema.get(key).and_then(Value::as_u64);
        let flag = |key: &str| schema.get(key).and_then(Value::as_bool).unwrap_or(false);
        Constraints {
            minimum: number("minimum"),
            exclusive_minimum: flag("exclusiveMinimum"),
            maximum: number("maximum"),
            exclusive_maximum: flag("exclusiveMaximum"),
            min_length: count("minLength"),
            max_length: count("maxLength"),
            pattern: schema
                .get("pattern")
                .and_then(Value::as_str)
                .map(str::to_owned),
            min_items: count("minItems"),
            max_items: count("maxItems"),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// Bounds on one place inside a request body.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyBound {
    /// Property names from the body's root; `*` stands for every item of an array.
    pub path: Vec<String>,
    pub constraints: Constraints,
}

impl BodyBound {
    /// The place as a JSON pointer (`/sessions_limit`, `/items/*/name`), for messages.
    pub fn pointer(&self) -> String {
        self.path
            .iter()
            .map(|segment| format!("/{}", spec_model::escape_pointer(segment)))
            .collect()
    }
}

/// Schemas deeper than this are not searched for bounds (recursive schemas end here).
const MAX_DEPTH: usize = 16;

/// Every bounded place of a body schema: properties (and `allOf` members) followed through
/// `$ref`s, array items as `*`. Patterns included: the types crate's constrained strings are
/// built from plain text (`From`), so the client checks them before sending.
pub fn body_bounds(spec: &Spec, schema: &Value) -> Vec<BodyBound> {
    let mut out = Vec::new();
    collect(spec, schema, &mut Vec::new(), &mut out, 0);
    out
}

fn collect(
    spec: &Spec,
    schema: &Value,
    path: &mut Vec<String>,
    out: &mut Vec<BodyBound>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(followed) = spec.follow(schema) else {
        return; // spec-model's check reports a broken or cyclic reference.
    };
    let schema = followed.value;
    let constraints = Constraints::of(schema);
    if !constraints.is_empty() {
        out.push(BodyBound {
            path: path.clone(),
            constraints,
        });
    }
    for member in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        collect(spec, member, path, out, depth + 1);
    }
    for (name, property) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        path.push(name.clone());
        collect(spec, property, path, out, depth + 1);
        path.pop();
    }
    if let Some(items) = schema.get("items") {
        path.push("*".to_owned());
        collect(spec, items, path, out, depth + 1);
        path.pop();
    }
}
