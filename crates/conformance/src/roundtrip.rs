//! Holding bodies to the generated Rust types: deserialize, serialize back, compare.
//!
//! [`TypedRoundTrip`] is the seam: [`GeneratedTypes`](crate::GeneratedTypes) implements it
//! over this workspace's three `<api>-types` crates (their generated `round_trip` functions),
//! and a test can implement it over anything else. A round trip and its comparison:
//!
//! ```
//! use conformance::{compare, BodyKind, GeneratedTypes, TypedRoundTrip};
//!
//! // Publica.la's documented deactivate response.
//! let sent = serde_json::json!({"CODE": "success", "data": []});
//! let back = GeneratedTypes
//!     .round_trip("publica", "deactivate_user", &BodyKind::Response(200), &sent)
//!     .expect("the operation has a typed 200 body")
//!     .expect("the body deserializes");
//! assert!(compare(&sent, &back).is_none(), "no data lost");
//! ```
//!
//! [`compare`] then reports any loss: a member dropped, one added, a value changed (each a
//! finding of class loss when the validator round-trips a body of an index operation). Only
//! the encoding may differ, never the data:
//! - object key order does not matter, and numbers are compared by value (`1` and `1.0`);
//! - an object member that is `null` or `[]` on one side and absent on the other is the same
//!   value (the generated types read a missing optional member as `None`/empty and leave it out
//!   when writing; the schema check still sees the body as sent);
//! - two date-times are the same value when they name the same instant, read in the spec's
//!   declared `x-timestamp-form` ([`compare_in`]; RFC 3339 for [`compare`]): `…26.9713Z` and
//!   `…26.971300Z`, insightIQ's `2016-01-01T00:00:00` and `2016-01-01T00:00:00.000000`.

use std::fmt::Write as _;

use serde_json::Value;
use similar::TextDiff;
use spec_model::escape_pointer;
use spec_model::shorten::{short_json, Cut};

use crate::findings::{Class, Outcome, Violation};
use crate::index::{BodyKind, Operation};

/// Deserializes a body into the generated type of an operation's request or response and
/// serializes it back.
pub trait TypedRoundTrip {
    /// `api` is the spec's name (`insightiq`), `operation_id` the operationId. Returns `None`
    /// when there is no type for that body, `Some(Err(message))` when the body does not
    /// deserialize, and `Some(Ok(value))` with the re-serialized body otherwise.
    fn round_trip(
        &self,
        api: &str,
        operation_id: &str,
        body: &BodyKind,
        value: &Value,
    ) -> Option<Result<Value, String>>;
}

/// What the round trip lost.
#[derive(Debug, Clone, PartialEq)]
pub struct Loss {
    pub differences: Vec<Difference>,
    /// Unified diff of the two documents, pretty-printed with sorted keys.
    pub diff: String,
}

/// One difference between a body and its round trip.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// JSON pointer into the body.
    pub pointer: String,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// The member is in the body, not in the round trip.
    Dropped(Value),
    /// The member is in the round trip only.
    Added(Value),
    /// The value differs.
    Changed { from: Value, to: Value },
}

impl Difference {
    /// `dropped`, `added "x"`, `changed 1 to 2`.
    pub fn describe(&self) -> String {
        match &self.change {
            Change::Dropped(value) => format!("{} dropped", short(value)),
            Change::Added(value) => format!("{} added", short(value)),
            Change::Changed { from, to } => format!("{} changed to {}", short(from), short(to)),
        }
    }
}

fn short(value: &Value) -> String {
    short_json(value, 60, Cut::DotsWithin)
}

/// Round-trips a body of `op` through the generated types, adding to `outcome` what they drop
/// or change as a finding of class loss, unless it is already reported at that pointer (an
/// undocumented member the types cannot hold, a value that breaks the schema).
pub(crate) fn add_losses(
    types: &dyn TypedRoundTrip,
    api: &str,
    form: timestamp_form::Form,
    op: &Operation,
    kind: BodyKind,
    body: &Value,
    outcome: &mut Outcome,
) {
    let Some(result) = types.round_trip(api, &op.name, &kind, body) else {
        return;
    };
    let explained = |pointer: &str| {
        outcome.violations.iter().any(|v| {
            pointer == v.pointer
                || (pointer.starts_with(&v.pointer)
                    && pointer.as_bytes().get(v.pointer.len()) == Some(&b'/'))
        })
    };
    match result {
        Ok(round_tripped) => {
            let Some(loss) = compare_in(form, body, &round_tripped) else {
                return;
            };
            let mut losses = Vec::new();
            for difference in &loss.differences {
                if explained(&difference.pointer) {
                    continue;
                }
                losses.push(Violation {
                    class: Class::Loss,
                    pointer: difference.pointer.clone(),
                    keyword: "round-trip".into(),
                    spec_pointer: None,
                    location: None,
                    message: format!(
                        "{} by the generated type's round trip",
                        difference.describe()
                    ),
                    value: None,
                });
            }
            if !losses.is_empty() {
                outcome.violations.extend(losses);
                outcome.diff = Some(loss.diff);
            }
        }
        // A body that breaks the schema need not fit the generated type.
        Err(_)
            if outcome
                .violations
                .iter()
                .any(|v| v.class == Class::Violation) => {}
        Err(message) => outcome.violations.push(Violation {
            class: Class::Loss,
            pointer: String::new(),
            keyword: "round-trip".into(),
            spec_pointer: None,
            location: None,
            message: format!("does not deserialize into the generated type: {message}"),
            value: None,
        }),
    }
}

/// Compares a body with its round trip; `None` when nothing was lost. Date-times are read as
/// RFC 3339.
pub fn compare(original: &Value, round_tripped: &Value) -> Option<Loss> {
    compare_in(timestamp_form::DEFAULT, original, round_tripped)
}

/// [`compare`], reading date-times in the API's declared form.
pub fn compare_in(
    form: timestamp_form::Form,
    original: &Value,
    round_tripped: &Value,
) -> Option<Loss> {
    let mut differences = Vec::new();
    walk(
        form,
        original,
        round_tripped,
        &mut String::new(),
        &mut differences,
    );
    if differences.is_empty() {
        return None;
    }
    let before = canonical_text(original);
    let after = canonical_text(round_tripped);
    let diff = TextDiff::from_lines(&before, &after)
        .unified_diff()
        .context_radius(3)
        .header("body", "round trip")
        .to_string();
    Some(Loss { differences, diff })
}

fn walk(
    form: timestamp_form::Form,
    a: &Value,
    b: &Value,
    pointer: &mut String,
    out: &mut Vec<Difference>,
) {
    match (a, b) {
        (Value::Object(left), Value::Object(right)) => {
            for (key, value) in left {
                let length = pointer.len();
                pointer.push('/');
                if key.contains(['~', '/']) {
                    pointer.push_str(&escape_pointer(key));
                } else {
                    pointer.push_str(key);
                }
                match right.get(key) {
                    Some(other) => walk(form, value, other, pointer, out),
                    None if absent_equivalent(value) => {}
                    None => out.push(Difference {
                        pointer: pointer.clone(),
                        change: Change::Dropped(value.clone()),
                    }),
                }
                pointer.truncate(length);
            }
            for (key, value) in right {
                if !left.contains_key(key) && !absent_equivalent(value) {
                    out.push(Difference {
                        pointer: format!("{pointer}/{}", escape_pointer(key)),
                        change: Change::Added(value.clone()),
                    });
                }
            }
        }
        (Value::Array(left), Value::Array(right)) if left.len() == right.len() => {
            for (index, (x, y)) in left.iter().zip(right).enumerate() {
                let length = pointer.len();
                let _ = write!(pointer, "/{index}");
                walk(form, x, y, pointer, out);
                pointer.truncate(length);
            }
        }
        (Value::Number(x), Value::Number(y)) if numbers_equal(x, y) => {}
        // Equal text first: parsing every string pair as a date-time cost more than the walk.
        (Value::String(x), Value::String(y)) if x == y || same_instant(form, x, y) => {}
        _ if a == b => {}
        _ => out.push(Difference {
            pointer: pointer.clone(),
            change: Change::Changed {
                from: a.clone(),
                to: b.clone(),
            },
        }),
    }
}

/// A member value that means the same as the member's absence.
fn absent_equivalent(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// Both strings are date-times `form` reads, naming the same instant.
fn same_instant(form: timestamp_form::Form, x: &str, y: &str) -> bool {
    match (form.read(x), form.read(y)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn numbers_equal(x: &serde_json::Number, y: &serde_json::Number) -> bool {
    if x == y {
        return true;
    }
    match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
        (Some(a), Some(b), _, _) => a == b,
        (_, _, Some(a), Some(b)) => a == b,
        _ => x.as_f64() == y.as_f64(),
    }
}

/// Pretty JSON with sorted keys and integral floats written as integers, so that the diff shows
/// only real differences.
fn canonical_text(value: &Value) -> String {
    fn canonical(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                // Members that mean the same as their absence are left out of the diff too.
                let mut keys: Vec<&String> = map
                    .iter()
                    .filter(|(_, v)| !absent_equivalent(v))
                    .map(|(k, _)| k)
                    .collect();
                keys.sort();
                let mut out = serde_json::Map::new();
                for key in keys {
                    out.insert(key.clone(), canonical(&map[key]));
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
            Value::Number(n) => match n.as_f64() {
                Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15 => {
                    Value::from(f as i64)
                }
                _ => value.clone(),
            },
            other => other.clone(),
        }
    }
    let mut text = serde_json::to_string_pretty(&canonical(value)).unwrap_or_default();
    text.push('\n');
    text
}
