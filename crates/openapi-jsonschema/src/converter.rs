//! The walk that converts one schema and the component schemas it reaches, keyword by
//! keyword (the table in the crate's docs).

use std::collections::{BTreeMap, HashSet};

use serde_json::{json, Map, Value};
use spec_model::{escape_pointer, follow, follow_reference, unescape_pointer, RefError, Spec};

use crate::error::ConvertError;
use crate::{Direction, DRAFT};

/// Converts the schema at `reference` and every component it reaches into one document, with
/// the map from its locations to the spec's pointers (see [`crate::convert_mapped`]).
pub(crate) fn convert_document(
    spec: &Spec,
    reference: &str,
    direction: Direction,
) -> Result<(Value, BTreeMap<String, String>), ConvertError> {
    let pointer = reference.strip_prefix('#').unwrap_or(reference).to_owned();
    let source = spec
        .document
        .pointer(&pointer)
        .ok_or_else(|| ConvertError {
            pointer: pointer.clone(),
            message: format!("no schema at `{reference}`"),
        })?;
    let mut converter = Converter {
        spec,
        direction,
        wanted: Vec::new(),
        wanted_set: HashSet::new(),
        inlining: Vec::new(),
        map: BTreeMap::new(),
    };
    let root = match component_name(&format!("#{pointer}")) {
        // A component is referred to, so that it can refer to itself.
        Some(_) => converter.schema(&json!({ "$ref": format!("#{pointer}") }), &pointer, "")?,
        None => converter.schema(source, &pointer, "")?,
    };
    // Convert every definition reached, including those reached from definitions.
    let mut defs: BTreeMap<String, Value> = BTreeMap::new();
    let mut next = 0;
    while next < converter.wanted.len() {
        let name = converter.wanted[next].clone();
        next += 1;
        let def_pointer = format!("/components/schemas/{}", escape_pointer(&name));
        // Wanted names come from references that resolved, so this only fails on a bug.
        let def_source = spec
            .document
            .pointer(&def_pointer)
            .ok_or_else(|| ConvertError {
                pointer: def_pointer.clone(),
                message: format!("no schema at `#{def_pointer}`"),
            })?;
        let out = format!("/$defs/{}", escape_pointer(&name));
        let converted = converter.schema(def_source, &def_pointer, &out)?;
        defs.insert(name, converted);
    }

    let mut document = Map::new();
    document.insert("$schema".into(), Value::String(DRAFT.into()));
    match root {
        Value::Object(map) => {
            for (key, value) in map {
                document.insert(key, value);
            }
        }
        // `true`/`false` schemas: the only non-object schemas; keep their meaning.
        Value::Bool(true) => {}
        Value::Bool(false) => {
            document.insert("not".into(), json!({}));
        }
        _ => {}
    }
    if !defs.is_empty() {
        // The spec's order, so that the output does not depend on the order of discovery.
        let order = spec
            .document
            .pointer("/components/schemas")
            .and_then(Value::as_object);
        let mut ordered = Map::new();
        for name in order.into_iter().flat_map(|m| m.keys()) {
            if let Some(def) = defs.remove(name) {
                ordered.insert(name.clone(), def);
            }
        }
        document.insert("$defs".into(), Value::Object(ordered));
    }
    Ok((Value::Object(document), converter.map))
}

struct Converter<'a> {
    spec: &'a Spec,
    direction: Direction,
    /// Component schemas referenced so far, in order of discovery.
    wanted: Vec<String>,
    wanted_set: HashSet<String>,
    /// Spec pointers of the non-component references being inlined (cycle guard).
    inlining: Vec<String>,
    map: BTreeMap<String, String>,
}

const COMPONENT_SCHEMAS: &str = "#/components/schemas/";

/// Keywords of OpenAPI 3.0 that hold one schema.
const SCHEMA_KEYWORDS: [&str; 3] = ["items", "additionalProperties", "not"];
/// Keywords that hold a list of schemas.
const SCHEMA_LIST_KEYWORDS: [&str; 3] = ["allOf", "anyOf", "oneOf"];
/// OpenAPI-only keywords with no meaning for validation.
const DROPPED: [&str; 5] = [
    "example",
    "discriminator",
    "xml",
    "externalDocs",
    "nullable",
];
/// OpenAPI formats that are not JSON Schema formats (int32/int64 become bounds).
const DROPPED_FORMATS: [&str; 5] = ["float", "double", "byte", "binary", "password"];

impl Converter<'_> {
    fn error(&self, pointer: &str, message: String) -> ConvertError {
        ConvertError {
            pointer: pointer.to_owned(),
            message,
        }
    }

    /// Converts one schema found at `src` (spec pointer), to be placed at `out` (output pointer).
    fn schema(&mut self, value: &Value, src: &str, out: &str) -> Result<Value, ConvertError> {
        let Value::Object(schema) = value else {
            return match value {
                Value::Bool(_) => Ok(value.clone()),
                _ => Err(self.error(src, "a schema must be an object".into())),
            };
        };
        let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
        let has_type = schema.get("type").is_some_and(Value::is_string);
        let composed = schema.contains_key("$ref")
            || SCHEMA_LIST_KEYWORDS.iter().any(|k| schema.contains_key(*k))
            || schema.contains_key("not");
        let wrap = nullable && (!has_type || composed);
        let inner_out = if wrap {
            format!("{out}/anyOf/1")
        } else {
            out.to_owned()
        };
        self.map.insert(inner_out.clone(), src.to_owned());

        let converted = if let Some(reference) = schema.get("$ref") {
            self.reference(schema, reference, src, &inner_out)?
        } else {
            self.object(schema, src, &inner_out, nullable && !wrap)?
        };

        if wrap {
            self.map.insert(out.to_owned(), src.to_owned());
            self.map
                .insert(format!("{out}/anyOf/0"), format!("{src}/nullable"));
            Ok(json!({"anyOf": [{"type": "null"}, converted]}))
        } else {
            Ok(converted)
        }
    }

    fn reference(
        &mut self,
        schema: &Map<String, Value>,
        reference: &Value,
        src: &str,
        out: &str,
    ) -> Result<Value, ConvertError> {
        let ref_pointer = format!("{src}/$ref");
        let Some(target) = reference.as_str() else {
            return Err(self.error(&ref_pointer, RefError::NotAString.to_string()));
        };
        // The whole chain is followed, so that an alias cycle (`A: {$ref: B}`, `B: {$ref: A}`)
        // is refused here rather than converted into definitions no value can satisfy or fail.
        let followed = follow_reference(&self.spec.document, target)
            .map_err(|error| self.error(&ref_pointer, error.to_string()))?;
        let resolved = followed.value;
        let mut converted = match component_name(target) {
            Some(name) => {
                if self.wanted_set.insert(name.clone()) {
                    self.wanted.push(name.clone());
                }
                let mut map = Map::new();
                map.insert(
                    "$ref".into(),
                    Value::String(format!("#/$defs/{}", escape_pointer(&name))),
                );
                map
            }
            None => {
                let target_pointer = followed.pointer_or(&target[1..]);
                if self.inlining.contains(&target_pointer) {
                    return Err(self.error(
                        &ref_pointer,
                        format!("`{target}` refers to itself and is not under components/schemas"),
                    ));
                }
                self.inlining.push(target_pointer.clone());
                let inlined = self.schema(resolved, &target_pointer, out);
                self.inlining.pop();
                match inlined? {
                    Value::Object(map) => map,
                    other => return Ok(other),
                }
            }
        };
        // OpenAPI 3.0 ignores the siblings of `$ref`; these keep their meaning (nullable was
        // handled by the caller).
        for key in ["description", "readOnly", "writeOnly"] {
            if let Some(value) = schema.get(key) {
                converted.insert(key.into(), value.clone());
            }
        }
        Ok(Value::Object(converted))
    }

    fn object(
        &mut self,
        schema: &Map<String, Value>,
        src: &str,
        out: &str,
        nullable_type: bool,
    ) -> Result<Value, ConvertError> {
        let mut result = Map::new();
        for (key, value) in schema {
            if DROPPED.contains(&key.as_str()) || key.starts_with("x-") {
                continue;
            }
            let key_src = format!("{src}/{}", escape_pointer(key));
            let key_out = format!("{out}/{}", escape_pointer(key));
            match key.as_str() {
                "properties" => {
                    let Some(properties) = value.as_object() else {
                        return Err(self.error(&key_src, "`properties` is not an object".into()));
                    };
                    let mut converted = Map::new();
                    for (name, property) in properties {
                        let segment = escape_pointer(name);
                        let child = self.schema(
                            property,
                            &format!("{key_src}/{segment}"),
                            &format!("{key_out}/{segment}"),
                        )?;
                        converted.insert(name.clone(), child);
                    }
                    result.insert(key.clone(), Value::Object(converted));
                }
                k if SCHEMA_KEYWORDS.contains(&k) => {
                    let child = if value.is_object() {
                        self.schema(value, &key_src, &key_out)?
                    } else {
                        value.clone()
                    };
                    result.insert(key.clone(), child);
                }
                k if SCHEMA_LIST_KEYWORDS.contains(&k) => {
                    let Some(items) = value.as_array() else {
                        return Err(self.error(&key_src, format!("`{key}` is not a list")));
                    };
                    let mut converted = Vec::with_capacity(items.len());
                    for (index, item) in items.iter().enumerate() {
                        converted.push(self.schema(
                            item,
                            &format!("{key_src}/{index}"),
                            &format!("{key_out}/{index}"),
                        )?);
                    }
                    result.insert(key.clone(), Value::Array(converted));
                }
                "type" if nullable_type => {
                    let mut types = vec![value.clone()];
                    types.push(Value::String("null".into()));
                    result.insert(key.clone(), Value::Array(types));
                }
                "enum" if nullable_type => {
                    let mut values = value.as_array().cloned().unwrap_or_default();
                    if !values.contains(&Value::Null) {
                        values.push(Value::Null);
                    }
                    result.insert(key.clone(), Value::Array(values));
                }
                "exclusiveMinimum" | "exclusiveMaximum" => {
                    let bound = if key == "exclusiveMinimum" {
                        "minimum"
                    } else {
                        "maximum"
                    };
                    match value {
                        Value::Bool(true) => {
                            if let Some(limit) = schema.get(bound) {
                                result.insert(key.clone(), limit.clone());
                            }
                        }
                        Value::Bool(false) => {}
                        other => {
                            result.insert(key.clone(), other.clone());
                        }
                    }
                }
                "minimum" | "maximum" => {
                    let exclusive = if key == "minimum" {
                        "exclusiveMinimum"
                    } else {
                        "exclusiveMaximum"
                    };
                    // With `exclusive...: true` the bound moved into the exclusive keyword.
                    if schema.get(exclusive) != Some(&Value::Bool(true)) {
                        result.insert(key.clone(), value.clone());
                    }
                }
                "format" => match value.as_str() {
                    Some(format @ ("int32" | "int64")) => {
                        let (low, high): (i64, i64) = if format == "int32" {
                            (i32::MIN.into(), i32::MAX.into())
                        } else {
                            (i64::MIN, i64::MAX)
                        };
                        // The schema's own bound, if it has one, is kept as it is.
                        for (bound, exclusive, limit) in [
                            ("minimum", "exclusiveMinimum", low),
                            ("maximum", "exclusiveMaximum", high),
                        ] {
                            if !schema.contains_key(bound) && !schema.contains_key(exclusive) {
                                result.insert(bound.into(), json!(limit));
                                self.map
                                    .insert(format!("{out}/{bound}"), format!("{src}/format"));
                            }
                        }
                    }
                    Some(format) if DROPPED_FORMATS.contains(&format) => {}
                    _ => {
                        result.insert(key.clone(), value.clone());
                    }
                },
                "required" => {
                    let Some(names) = value.as_array() else {
                        return Err(self.error(&key_src, "`required` is not a list".into()));
                    };
                    let properties = schema.get("properties").and_then(Value::as_object);
                    let kept: Vec<Value> = names
                        .iter()
                        .filter(|name| {
                            let property = name
                                .as_str()
                                .and_then(|n| properties.and_then(|p| p.get(n)));
                            !property.is_some_and(|p| self.excluded(p))
                        })
                        .cloned()
                        .collect();
                    if !kept.is_empty() {
                        result.insert(key.clone(), Value::Array(kept));
                    }
                }
                _ => {
                    result.insert(key.clone(), value.clone());
                }
            }
        }
        Ok(Value::Object(result))
    }

    /// Whether a property is not required in this direction: `readOnly` in a request,
    /// `writeOnly` in a response (on the property, or on the schema it refers to).
    fn excluded(&self, property: &Value) -> bool {
        let keyword = match self.direction {
            Direction::Request => "readOnly",
            Direction::Response => "writeOnly",
        };
        let marked = |schema: &Value| schema.get(keyword).and_then(Value::as_bool) == Some(true);
        // On the property itself (a sibling of its `$ref`) or on the schema the chain ends at; a
        // broken chain is reported where the property is converted.
        marked(property)
            || follow(&self.spec.document, property).is_ok_and(|target| marked(target.value))
    }
}

/// The name of a `#/components/schemas/Name` reference (unescaped), if it is one.
fn component_name(reference: &str) -> Option<String> {
    let name = reference.strip_prefix(COMPONENT_SCHEMAS)?;
    if name.is_empty() || name.contains('/') {
        return None;
    }
    Some(unescape_pointer(name))
}
