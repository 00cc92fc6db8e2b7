//! Finding what a body carries that its schema allows but does not describe: object members
//! outside every `properties` that applies to the object, where additional members are allowed.
//!
//! The walk reads the converted JSON Schema (`openapi-jsonschema`'s output: `$ref`s into
//! `#/$defs/`, `allOf` for composition, `anyOf`/`oneOf` for nullable wrappers and unions). Every
//! schema that applies to a value is gathered first (its `$ref` target, `allOf` branches, and the
//! `anyOf`/`oneOf` branches whose type admits the value), so a member described by any of them is
//! documented. An object whose schemas declare no `properties` at all is free-form, not
//! undocumented; a member an `additionalProperties` schema describes is documented.

use std::fmt::Write as _;

use serde_json::Value;
use spec_model::escape_pointer;

/// One undocumented member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// JSON pointer of the member in the body.
    pub pointer: String,
    /// The member's name.
    pub name: String,
    /// Location in the converted schema of the object schema that does not describe it (the
    /// first of the applicable schemas declaring `properties`).
    pub schema_path: String,
    pub value: Value,
}

/// How deep `$ref`/`allOf` chains are followed without consuming the body (a guard: the
/// converter refuses alias cycles, so real schemas stay far below it).
const MAX_EXPANSION: usize = 32;

/// Every undocumented member of `value` under the converted schema `root`.
pub fn find(root: &Value, value: &Value) -> Vec<Member> {
    let mut out = Vec::new();
    walk(
        root,
        &[(root, String::new())],
        value,
        &mut String::new(),
        &mut out,
    );
    out
}

fn walk<'s>(
    root: &'s Value,
    schemas: &[(&'s Value, String)],
    value: &Value,
    pointer: &mut String,
    out: &mut Vec<Member>,
) {
    let mut group = Vec::new();
    for (schema, path) in schemas {
        expand(root, schema, path.clone(), value, 0, &mut group);
    }
    match value {
        Value::Object(members) => {
            let described_at = group
                .iter()
                .find(|(schema, _)| schema.get("properties").is_some())
                .map(|(_, path)| path.clone());
            let free = group.iter().any(|(schema, _)| {
                schema.get("patternProperties").is_some()
                    || schema.get("additionalProperties") == Some(&Value::Bool(false))
            });
            for (name, member) in members {
                let mut holders = Vec::new();
                for (schema, path) in &group {
                    if let Some(property) = schema.get("properties").and_then(|p| p.get(name)) {
                        holders.push((
                            property,
                            format!("{path}/properties/{}", escape_pointer(name)),
                        ));
                    }
                }
                if holders.is_empty() {
                    for (schema, path) in &group {
                        if let Some(additional) =
                            schema.get("additionalProperties").filter(|a| a.is_object())
                        {
                            holders.push((additional, format!("{path}/additionalProperties")));
                        }
                    }
                }
                let length = pointer.len();
                let _ = write!(pointer, "/{}", escape_pointer(name));
                if !holders.is_empty() {
                    walk(root, &holders, member, pointer, out);
                } else if let (Some(schema_path), false) = (&described_at, free) {
                    out.push(Member {
                        pointer: pointer.clone(),
                        name: name.clone(),
                        schema_path: schema_path.clone(),
                        value: member.clone(),
                    });
                }
                pointer.truncate(length);
            }
        }
        Value::Array(items) => {
            let item_schemas: Vec<(&Value, String)> = group
                .iter()
                .filter_map(|(schema, path)| {
                    let items = schema.get("items")?;
                    Some((items, format!("{path}/items")))
                })
                .collect();
            if item_schemas.is_empty() {
                return;
            }
            for (index, item) in items.iter().enumerate() {
                let length = pointer.len();
                let _ = write!(pointer, "/{index}");
                walk(root, &item_schemas, item, pointer, out);
                pointer.truncate(length);
            }
        }
        _ => {}
    }
}

/// Adds `schema` and every schema it brings along for `value` to `group`.
fn expand<'s>(
    root: &'s Value,
    schema: &'s Value,
    path: String,
    value: &Value,
    depth: usize,
    group: &mut Vec<(&'s Value, String)>,
) {
    if depth > MAX_EXPANSION || !schema.is_object() {
        return;
    }
    // The schema itself first: a suggestion names the object schema the member belongs to.
    group.push((schema, path.clone()));
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        if let Some(local) = target.strip_prefix('#') {
            if let Some(resolved) = root.pointer(local) {
                expand(root, resolved, local.to_owned(), value, depth + 1, group);
            }
        }
    }
    if let Some(branches) = schema.get("allOf").and_then(Value::as_array) {
        for (index, branch) in branches.iter().enumerate() {
            expand(
                root,
                branch,
                format!("{path}/allOf/{index}"),
                value,
                depth + 1,
                group,
            );
        }
    }
    for keyword in ["anyOf", "oneOf"] {
        if let Some(branches) = schema.get(keyword).and_then(Value::as_array) {
            for (index, branch) in branches.iter().enumerate() {
                if admits(root, branch, value, depth) {
                    let branch_path = format!("{path}/{keyword}/{index}");
                    expand(root, branch, branch_path, value, depth + 1, group);
                }
            }
        }
    }
}

/// Whether a union branch could describe `value`, judged by its JSON type alone (`type`, or an
/// `enum`/`const` of one type), after its `$ref`.
fn admits(root: &Value, branch: &Value, value: &Value, depth: usize) -> bool {
    if depth > MAX_EXPANSION {
        return false;
    }
    if let Some(local) = branch
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|t| t.strip_prefix('#'))
    {
        if let Some(resolved) = root.pointer(local) {
            if !admits(root, resolved, value, depth + 1) {
                return false;
            }
        }
    }
    if let Some(options) = branch.get("enum").and_then(Value::as_array) {
        return options.iter().any(|option| same_type(option, value));
    }
    match branch.get("type") {
        Some(Value::String(name)) => type_admits(name, value),
        Some(Value::Array(names)) => names
            .iter()
            .filter_map(Value::as_str)
            .any(|name| type_admits(name, value)),
        _ => true,
    }
}

fn type_admits(name: &str, value: &Value) -> bool {
    matches!(
        (name, value),
        ("object", Value::Object(_))
            | ("array", Value::Array(_))
            | ("string", Value::String(_))
            | ("boolean", Value::Bool(_))
            | ("null", Value::Null)
            | ("number" | "integer", Value::Number(_))
    )
}

fn same_type(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn members_outside_properties_are_found_through_refs_all_of_and_nullable_wrappers() {
        let schema = json!({
            "$defs": {
                "File": {"type": "object", "properties": {"url": {"type": "string"}}},
                "Base": {"type": "object", "properties": {"id": {"type": "string"}}},
            },
            "type": "object",
            "allOf": [{"$ref": "#/$defs/Base"}],
            "properties": {
                "photo": {"oneOf": [{"$ref": "#/$defs/File"}, {"enum": [null]}]},
                "tags": {"type": "object", "additionalProperties": {"type": "string"}},
                "free": {"type": "object"},
                "list": {"type": "array", "items": {"$ref": "#/$defs/File"}},
            },
        });
        let body = json!({
            "id": "1", "extra": 2,
            "photo": {"url": "u", "size": 3},
            "tags": {"any": "x"},
            "free": {"anything": true},
            "list": [{"url": "a"}, {"url": "b", "alt": "c"}],
        });
        let found: Vec<(String, String)> = find(&schema, &body)
            .into_iter()
            .map(|m| (m.pointer, m.schema_path))
            .collect();
        assert_eq!(
            found,
            [
                ("/extra".to_owned(), String::new()),
                ("/photo/size".to_owned(), "/$defs/File".to_owned()),
                ("/list/1/alt".to_owned(), "/$defs/File".to_owned()),
            ]
        );
        // A null photo takes the null branch: nothing to describe.
        assert!(find(&schema, &json!({"photo": null})).is_empty());
    }

    #[test]
    fn closed_objects_are_left_to_the_validator() {
        let schema =
            json!({"type": "object", "properties": {"a": {}}, "additionalProperties": false});
        assert!(find(&schema, &json!({"a": 1, "b": 2})).is_empty());
    }
}
