//! The structural comparison: the JSON Schema schemars derives for each component's Rust type
//! against the spec's (after the project's conversion, the one validation uses). Only what the
//! derive can tell the truth about: members, required members, each member's nullability and
//! enum values. Constraints (bounds, formats, patterns) are the probe's.

use std::collections::BTreeSet;

use serde_json::Value;
use spec_model::{escape_pointer, Spec};

use codegen::model::ApiModel;

use crate::{Outcome, Row, Side};

/// Compares every component of `spec` with its type's derived schema; `derived(type_name)`
/// gives that schema as JSON (`api_registry::json_schema`, serialized), `None` when the types
/// crate has no such type.
pub fn compare(spec: &Spec, model: &ApiModel, derived: &dyn Fn(&str) -> Option<Value>) -> Vec<Row> {
    let mut rows = Vec::new();
    let Some(components) = spec
        .document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return rows;
    };
    // A date-time component has no type of its own: members that use it are compared.
    for name in components
        .keys()
        .filter(|n| !model.is_timestamp_component(n))
    {
        let pointer = format!("#/components/schemas/{}", escape_pointer(name));
        let mut push = |pointer: String, constraint: &str, outcome: Outcome| {
            rows.push(Row {
                api: spec.api.clone(),
                subject: name.clone(),
                line: spec.line_of(pointer.trim_start_matches('#')),
                pointer,
                constraint: format!("schemars:{constraint}"),
                side: Side::Schemars,
                outcome,
            });
        };
        let type_name = crate::walk::rust_name(&model.type_names, name);
        let Some(derived) = type_name.and_then(derived) else {
            push(
                pointer,
                "schema",
                Outcome::NotProbed(format!("no derived schema for `{name}`")),
            );
            continue;
        };
        let direction = crate::walk::component_direction(&components[name]);
        let converted = match openapi_jsonschema::convert(spec, &pointer, direction) {
            Ok(schema) => schema,
            Err(e) => {
                push(
                    pointer,
                    "schema",
                    Outcome::NotProbed(format!("the spec's schema does not convert: {e}")),
                );
                continue;
            }
        };
        let ours = Shape::of(&converted, &converted);
        let theirs = Shape::of(&derived, &derived);
        let unknown: BTreeSet<String> = [String::from("Unknown")].into();
        if ours.members.is_empty() && !ours.enum_values.is_empty() && theirs.members == unknown {
            // schemars 0.8 ignores a variant's `#[serde(untagged)]`: the open enum's
            // `Unknown(String)` comes out as an object `{"Unknown": string}`.
            let found = "the listed values, and `Unknown` described as an object member instead of any string";
            push(
                pointer.clone(),
                "open-enum",
                Outcome::Unenforced(found.to_owned()),
            );
        } else {
            push(
                pointer.clone(),
                "members",
                agree(&ours.members, &theirs.members),
            );
            push(
                pointer.clone(),
                "required",
                agree(&ours.required, &theirs.required),
            );
        }
        push(
            pointer.clone(),
            "enum",
            agree(&ours.enum_values, &theirs.enum_values),
        );
        for member in ours.members.intersection(&theirs.members) {
            let place = format!("{pointer}/properties/{}", escape_pointer(member));
            let spec_member = Shape::member(&converted, &converted, member);
            let rust_member = Shape::member(&derived, &derived, member);
            let (Some(a), Some(b)) = (spec_member, rust_member) else {
                continue;
            };
            let nullable = if a.nullable == b.nullable {
                Outcome::Enforced
            } else {
                Outcome::Unenforced(format!(
                    "the spec says nullable: {}, the Rust type's schema {}",
                    a.nullable, b.nullable
                ))
            };
            // An optional member is `Option<T>`, which schemars describes as nullable: a
            // finding of its own, apart from a required member's nullability.
            let optional = !ours.required.contains(member) && !a.nullable && b.nullable;
            push(
                place.clone(),
                if optional {
                    "optional-nullable"
                } else {
                    "nullable"
                },
                nullable,
            );
            if !a.enum_values.is_empty() || !b.enum_values.is_empty() {
                push(place, "enum", agree(&a.enum_values, &b.enum_values));
            }
        }
    }
    rows
}

fn agree(spec: &BTreeSet<String>, rust: &BTreeSet<String>) -> Outcome {
    if spec == rust {
        return Outcome::Enforced;
    }
    let only = |a: &BTreeSet<String>, b: &BTreeSet<String>| {
        a.difference(b).cloned().collect::<Vec<_>>().join(", ")
    };
    Outcome::Unenforced(format!(
        "only in the spec: [{}]; only in the Rust type: [{}]",
        only(spec, rust),
        only(rust, spec)
    ))
}

/// What the comparison reads of one schema node.
#[derive(Debug, Default)]
struct Shape {
    nullable: bool,
    members: BTreeSet<String>,
    required: BTreeSet<String>,
    enum_values: BTreeSet<String>,
}

impl Shape {
    fn of(document: &Value, node: &Value) -> Shape {
        let mut shape = Shape::default();
        shape.read(document, node, 0);
        shape
    }

    fn member(document: &Value, node: &Value, name: &str) -> Option<Shape> {
        let core = follow(document, node);
        let from_parts = ["allOf", "anyOf", "oneOf"].iter().find_map(|key| {
            core.get(*key)?
                .as_array()?
                .iter()
                .find_map(|part| follow(document, part).get("properties")?.get(name))
        });
        let member = core
            .get("properties")
            .and_then(|p| p.get(name))
            .or(from_parts)?;
        Some(Shape::of(document, member))
    }

    fn read(&mut self, document: &Value, node: &Value, depth: usize) {
        if depth > 8 {
            return;
        }
        let node = follow(document, node);
        match node.get("type") {
            Some(Value::String(t)) if t == "null" => self.nullable = true,
            Some(Value::Array(types)) if types.iter().any(|t| t == "null") => self.nullable = true,
            _ => {}
        }
        if node.get("nullable") == Some(&Value::Bool(true)) {
            self.nullable = true;
        }
        for value in node
            .get("enum")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if value.is_null() {
                self.nullable = true;
            } else {
                self.enum_values.insert(value.to_string());
            }
        }
        if let Some(value) = node.get("const") {
            self.enum_values.insert(value.to_string());
        }
        if let Some(properties) = node.get("properties").and_then(Value::as_object) {
            self.members.extend(properties.keys().cloned());
        }
        for name in node
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(name) = name.as_str() {
                self.required.insert(name.to_owned());
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            for part in node
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                self.read(document, part, depth + 1);
            }
        }
    }
}

/// `node` with its `$ref`s followed inside `document` (`#/definitions/X`, `#/$defs/X`).
fn follow<'a>(document: &'a Value, node: &'a Value) -> &'a Value {
    let mut current = node;
    for _ in 0..16 {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
            break;
        };
        match reference
            .strip_prefix('#')
            .and_then(|p| document.pointer(p))
        {
            Some(target) => current = target,
            None => break,
        }
    }
    current
}
