//! Instances that satisfy a schema: the probe's starting point. Each is checked against the
//! project's JSON Schema conversion before use ([`crate::Validator`]), so a guess here that is
//! wrong shows up as a row that was not probed, never as a false verdict.

use serde_json::{json, Map, Value};
use spec_model::Spec;

/// How deep a generated instance goes before it stops (recursive schemas).
const MAX_DEPTH: usize = 12;

pub use spec_model::Direction;

/// The schema `node` stands for, `$ref`s followed (itself when it has none or they break).
pub fn resolved<'a>(spec: &'a Spec, node: &'a Value) -> &'a Value {
    spec.follow(node).map(|f| f.value).unwrap_or(node)
}

/// A value that satisfies `node`.
pub fn valid(spec: &Spec, node: &Value, direction: Direction) -> Option<Value> {
    generate(spec, node, direction, 0)
}

fn generate(spec: &Spec, node: &Value, direction: Direction, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    let node = resolved(spec, node);
    if let Some(values) = node.get("enum").and_then(Value::as_array) {
        return values.iter().find(|v| !v.is_null()).cloned();
    }
    if let Some(parts) = node.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            match generate(spec, part, direction, depth + 1)? {
                Value::Object(members) => merged.extend(members),
                other if parts.len() == 1 => return Some(other),
                _ => return None,
            }
        }
        return Some(Value::Object(merged));
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alternatives) = node.get(key).and_then(Value::as_array) {
            return alternatives
                .iter()
                .filter_map(|a| generate(spec, a, direction, depth + 1))
                .find(|v| !v.is_null());
        }
    }
    let kind = node.get("type").and_then(Value::as_str);
    match kind {
        Some("string") => string(node),
        Some("integer") => Some(number(node, true)),
        Some("number") => Some(number(node, false)),
        Some("boolean") => Some(json!(true)),
        Some("array") => {
            let item = generate(
                spec,
                node.get("items").unwrap_or(&json!({})),
                direction,
                depth + 1,
            )?;
            let min = node.get("minItems").and_then(Value::as_u64).unwrap_or(1);
            let count = match node.get("maxItems").and_then(Value::as_u64) {
                Some(max) => min.max(1).min(max),
                None => min.max(1),
            };
            Some(Value::Array(vec![item; count as usize]))
        }
        Some("object") | None if node.get("properties").is_some() || kind.is_some() => {
            let mut members = Map::new();
            if let Some(properties) = node.get("properties").and_then(Value::as_object) {
                for (name, member) in properties {
                    if !direction.keeps(resolved(spec, member)) && !direction.keeps(member) {
                        continue;
                    }
                    members.insert(name.clone(), generate(spec, member, direction, depth + 1)?);
                }
            }
            Some(Value::Object(members))
        }
        _ => Some(json!("text")),
    }
}

/// Strings a pattern is tried against, after the schema's own `example` and `default`.
const PATTERN_CANDIDATES: &[&str] = &[
    "2024-01-02T03:04:05Z",
    "2024-01-02",
    "2024-01-02 03:04:05",
    "ABC",
    "abc",
    "text",
    "1",
    "",
];

fn string(node: &Value) -> Option<Value> {
    if let Some(pattern) = node.get("pattern").and_then(Value::as_str) {
        let regex = regress::Regex::new(pattern).ok()?;
        let own = ["example", "default"]
            .iter()
            .filter_map(|k| node.get(*k).and_then(Value::as_str).map(str::to_owned));
        let fixed = PATTERN_CANDIDATES.iter().map(|s| (*s).to_owned());
        return own
            .chain(fixed)
            .find(|s| regex.find(s).is_some() && fits_lengths(node, s))
            .map(Value::String);
    }
    let base = match node.get("format").and_then(Value::as_str) {
        Some("date-time") => "2024-01-02T03:04:05Z",
        Some("date") => "2024-01-02",
        Some("uuid") => "9bd39495-ad21-40f7-a8a6-9c8cf9d6a822",
        Some("email") => "user@example.com",
        Some("uri") => "https://example.com/x",
        _ => "text",
    };
    let mut text = base.to_owned();
    let min = node.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    while text.chars().count() < min {
        text.push('x');
    }
    if let Some(max) = node.get("maxLength").and_then(Value::as_u64) {
        text = text.chars().take(max as usize).collect();
    }
    Some(Value::String(text))
}

fn fits_lengths(node: &Value, text: &str) -> bool {
    let length = text.chars().count() as u64;
    let min = node.get("minLength").and_then(Value::as_u64).unwrap_or(0);
    let max = node
        .get("maxLength")
        .and_then(Value::as_u64)
        .unwrap_or(u64::MAX);
    (min..=max).contains(&length)
}

fn number(node: &Value, integer: bool) -> Value {
    let exclusive = |name: &str| node.get(name).and_then(Value::as_bool) == Some(true);
    let step = if integer { 1.0 } else { 0.5 };
    let value = if let Some(min) = node.get("minimum").and_then(Value::as_f64) {
        if exclusive("exclusiveMinimum") {
            min + step
        } else {
            min
        }
    } else if let Some(max) = node.get("maximum").and_then(Value::as_f64) {
        let max = if exclusive("exclusiveMaximum") {
            max - step
        } else {
            max
        };
        max.min(1.0)
    } else {
        1.0
    };
    as_json_number(value, integer)
}

/// `value` as JSON, an integer when it is one (so `i64` fields read it).
pub fn as_json_number(value: f64, integer: bool) -> Value {
    if (integer || value.fract() == 0.0) && value.abs() < 9.0e15 {
        json!(value as i64)
    } else {
        json!(value)
    }
}
