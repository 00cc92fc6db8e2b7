//! OpenAPI 3.0 schemas to JSON Schema (draft 2020-12).
//!
//! An OpenAPI 3.0 Schema Object is not JSON Schema: `nullable`, boolean `exclusiveMinimum`,
//! `int32`/`int64` formats, `readOnly`/`writeOnly` semantics and a handful of OpenAPI-only
//! keywords mean that a JSON Schema validator reads it wrongly. [`convert`] turns the schema at a
//! pointer of a loaded [`Spec`] into one self-contained JSON Schema document:
//!
//! - `"$schema": "https://json-schema.org/draft/2020-12/schema"` at the root;
//! - every `components/schemas` entry the schema reaches (directly or through other entries) is
//!   converted into `$defs`, in the spec's order, and `#/components/schemas/Name` references are
//!   rewritten to `#/$defs/Name`; any other local reference is inlined;
//! - the output is deterministic: the same spec gives the same bytes (keys keep the spec's order,
//!   synthesised keywords are placed where the source keyword was).
//!
//! The rules, those of Schemathesis and `openapi-schema-to-json-schema`:
//!
//! | OpenAPI 3.0 | JSON Schema 2020-12 |
//! |---|---|
//! | `type: T, nullable: true` | `type: [T, "null"]`, and `null` appended to `enum` if there is one |
//! | `nullable: true` without `type`, or next to `allOf`/`anyOf`/`oneOf`/`not`/`$ref` | `anyOf: [{type: "null"}, <the schema>]` |
//! | `nullable: false` | dropped |
//! | `$ref` with siblings | siblings are ignored (OpenAPI 3.0), except `nullable`, `readOnly`, `writeOnly`, `description` |
//! | `exclusiveMinimum: true` + `minimum: n` | `exclusiveMinimum: n` (same for maximum); `false` is dropped |
//! | `format: int32` / `int64` | `minimum`/`maximum` of the type's range unless the schema has its own bound; format dropped |
//! | `format: float`, `double`, `byte`, `binary`, `password` | dropped (not JSON Schema formats) |
//! | `example`, `discriminator`, `xml`, `externalDocs`, `x-*` | dropped |
//! | `readOnly` property, [`Direction::Request`] | removed from `required` |
//! | `writeOnly` property, [`Direction::Response`] | removed from `required` |
//!
//! Everything else (`description`, `default`, `readOnly`, `format: date-time`, `pattern`, ...)
//! is copied as it is. A read-only property sent in a request (or a write-only one returned in a
//! response) is still validated against its schema: OpenAPI says such properties SHOULD NOT be
//! sent, not MUST NOT.
//!
//! [`convert_mapped`] also returns a [`SourceMap`], which maps a location in the produced schema
//! (a validator's keyword location) back to the JSON pointer of the spec it came from.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use serde_json::{json, Map, Value};
use spec_model::{escape_pointer, follow, follow_reference, unescape_pointer, RefError, Spec};

/// The `$schema` of every produced document.
pub const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Which side of an exchange the schema validates (spec-model's, the one definition).
pub use spec_model::Direction;

/// Why a schema could not be converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertError {
    /// JSON pointer of the spec where the problem is.
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

impl std::error::Error for ConvertError {}

/// A converted schema and where each part of it came from.
#[derive(Debug, Clone)]
pub struct Mapped {
    /// The self-contained JSON Schema document.
    pub schema: Value,
    /// Locations in `schema` mapped to JSON pointers of the spec.
    pub source_map: SourceMap,
}

/// Maps JSON pointers of a produced schema to JSON pointers of the spec.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    /// Schema node (or synthesised keyword) pointer in the output -> spec pointer.
    entries: BTreeMap<String, String>,
}

impl SourceMap {
    /// The spec pointer a location of the produced schema comes from: `location` is a JSON
    /// pointer into the produced document (a validator's keyword location, with or without a
    /// leading `#`), e.g. `/$defs/Profile/properties/id/format` gives
    /// `/components/schemas/Profile/properties/id/format`. Keywords the conversion synthesised
    /// point at what they were made from (`minimum` from `format: int32` points at `format`, the
    /// `null` branch of a nullable wrapper at `nullable`).
    pub fn spec_pointer(&self, location: &str) -> Option<String> {
        let location = location.strip_prefix('#').unwrap_or(location);
        let mut prefix = location;
        loop {
            if let Some(source) = self.entries.get(prefix) {
                let rest = &location[prefix.len()..];
                return Some(format!("{source}{rest}"));
            }
            match prefix.rfind('/') {
                Some(index) => prefix = &prefix[..index],
                None => return None,
            }
        }
    }
}

/// Converts the schema at `reference` of `spec` into a self-contained JSON Schema document.
///
/// `reference` is a JSON pointer into the spec (`/paths/~1users/post/requestBody/content/application~1json/schema`)
/// or a local `$ref` (`#/components/schemas/User`).
pub fn convert(spec: &Spec, reference: &str, direction: Direction) -> Result<Value, ConvertError> {
    convert_mapped(spec, reference, direction).map(|mapped| mapped.schema)
}

/// [`convert`], also returning the [`SourceMap`] of the produced schema.
pub fn convert_mapped(
    spec: &Spec,
    reference: &str,
    direction: Direction,
) -> Result<Mapped, ConvertError> {
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
    Ok(Mapped {
        schema: Value::Object(document),
        source_map: SourceMap {
            entries: converter.map,
        },
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(components: &str) -> Spec {
        let source = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{components}"
        );
        spec_model::parse("test.yaml", source).expect("test spec parses")
    }

    #[test]
    fn nullable_type_and_enum() {
        let spec = spec(
            "    G:\n      type: string\n      nullable: true\n      enum: [A, B]\n      example: A\n      x-doc-defect: hi\n",
        );
        let schema = convert(&spec, "#/components/schemas/G", Direction::Response).unwrap();
        assert_eq!(
            schema,
            json!({
                "$schema": DRAFT,
                "$ref": "#/$defs/G",
                "$defs": {"G": {"type": ["string", "null"], "enum": ["A", "B", null]}},
            })
        );
    }

    #[test]
    fn nullable_ref_and_all_of_are_wrapped() {
        let spec = spec(concat!(
            "    F:\n      type: object\n      properties:\n        url: {type: string}\n",
            "    U:\n      type: object\n      properties:\n",
            "        a:\n          nullable: true\n          allOf:\n            - $ref: '#/components/schemas/F'\n",
            "        b:\n          $ref: '#/components/schemas/F'\n          nullable: true\n          maxLength: 3\n",
            "        c:\n          nullable: true\n",
        ));
        let missing = convert_mapped(&spec, "/components/schemas/U/nothing", Direction::Response);
        assert_eq!(
            missing.unwrap_err().pointer,
            "/components/schemas/U/nothing"
        );
        let mapped = convert_mapped(&spec, "/components/schemas/U", Direction::Response).unwrap();
        assert_eq!(
            mapped.schema,
            json!({
                "$schema": DRAFT,
                "$ref": "#/$defs/U",
                "$defs": {"U": {
                "type": "object",
                "properties": {
                    "a": {"anyOf": [{"type": "null"}, {"allOf": [{"$ref": "#/$defs/F"}]}]},
                    "b": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/F"}]},
                    "c": {"anyOf": [{"type": "null"}, {}]},
                }},
                "F": {"type": "object", "properties": {"url": {"type": "string"}}}},
            })
        );
        let map = &mapped.source_map;
        assert_eq!(
            map.spec_pointer("/$defs/U/properties/a/anyOf/1/allOf/0")
                .as_deref(),
            Some("/components/schemas/U/properties/a/allOf/0")
        );
        assert_eq!(
            map.spec_pointer("/$defs/U/properties/a/anyOf/0/type")
                .as_deref(),
            Some("/components/schemas/U/properties/a/nullable/type")
        );
        assert_eq!(
            map.spec_pointer("#/$defs/F/properties/url/type").as_deref(),
            Some("/components/schemas/F/properties/url/type")
        );
    }

    #[test]
    fn bounds_and_formats() {
        let spec = spec(concat!(
            "    N:\n      type: object\n      properties:\n",
            "        a: {type: integer, format: int32}\n",
            "        b: {type: integer, format: int64, minimum: 0}\n",
            "        c: {type: number, minimum: 0, exclusiveMinimum: true, maximum: 10, exclusiveMaximum: false}\n",
            "        d: {type: number, format: double}\n",
            "        e: {type: string, format: uuid}\n",
        ));
        let mapped = convert_mapped(&spec, "#/components/schemas/N", Direction::Request).unwrap();
        assert_eq!(
            mapped.schema["$defs"]["N"]["properties"],
            json!({
                "a": {"type": "integer", "minimum": -2147483648i64, "maximum": 2147483647},
                "b": {"type": "integer", "minimum": 0, "maximum": i64::MAX},
                "c": {"type": "number", "exclusiveMinimum": 0, "maximum": 10},
                "d": {"type": "number"},
                "e": {"type": "string", "format": "uuid"},
            })
        );
        assert_eq!(
            mapped
                .source_map
                .spec_pointer("/$defs/N/properties/a/maximum")
                .as_deref(),
            Some("/components/schemas/N/properties/a/format")
        );
    }

    #[test]
    fn read_only_and_write_only_by_direction() {
        let spec = spec(concat!(
            "    Id:\n      type: integer\n      readOnly: true\n",
            "    U:\n      type: object\n      required: [id, name, password]\n      properties:\n",
            "        id: {$ref: '#/components/schemas/Id'}\n",
            "        name: {type: string}\n",
            "        password: {type: string, writeOnly: true}\n",
        ));
        let request = convert(&spec, "#/components/schemas/U", Direction::Request).unwrap();
        assert_eq!(
            request["$defs"]["U"]["required"],
            json!(["name", "password"])
        );
        let response = convert(&spec, "#/components/schemas/U", Direction::Response).unwrap();
        assert_eq!(response["$defs"]["U"]["required"], json!(["id", "name"]));
        // A pointer that is not a component is converted in place.
        let inline = convert(
            &spec,
            "/components/schemas/U/properties/name",
            Direction::Request,
        );
        assert_eq!(inline.unwrap(), json!({"$schema": DRAFT, "type": "string"}));
    }

    #[test]
    fn recursive_components_and_errors() {
        let spec = spec(concat!(
            "    Node:\n      type: object\n      properties:\n",
            "        next: {$ref: '#/components/schemas/Node'}\n",
            "        broken: {$ref: '#/components/schemas/Missing'}\n",
        ));
        let error = convert(&spec, "#/components/schemas/Node", Direction::Response).unwrap_err();
        assert_eq!(
            error.pointer,
            "/components/schemas/Node/properties/broken/$ref"
        );
        assert!(convert(&spec, "#/components/schemas/Nope", Direction::Response).is_err());
    }

    #[test]
    fn an_alias_cycle_is_refused_with_its_chain() {
        let spec = spec(concat!(
            "    A: {$ref: '#/components/schemas/B'}\n",
            "    B: {$ref: '#/components/schemas/A'}\n",
            "    Holder:\n      type: object\n      properties:\n",
            "        a: {$ref: '#/components/schemas/A'}\n",
        ));
        let error = convert(&spec, "#/components/schemas/A", Direction::Request).unwrap_err();
        assert_eq!(error.pointer, "/components/schemas/A/$ref");
        assert_eq!(
            error.message,
            "`$ref` cycle that never reaches a schema: /components/schemas/A -> /components/schemas/B -> /components/schemas/A"
        );
        // Met through a property, the cycle is refused where the property refers to it.
        let error = convert(&spec, "#/components/schemas/Holder", Direction::Request).unwrap_err();
        assert_eq!(
            error.pointer,
            "/components/schemas/Holder/properties/a/$ref"
        );
        assert!(error.message.contains("cycle"), "{error}");
    }

    #[test]
    fn a_tree_through_properties_and_items_converts() {
        let spec = spec(concat!(
            "    Tree:\n      type: object\n      required: [name]\n      properties:\n",
            "        name: {type: string}\n",
            "        parent: {$ref: '#/components/schemas/Tree'}\n",
            "        children:\n          type: array\n          items: {$ref: '#/components/schemas/Tree'}\n",
        ));
        let schema = convert(&spec, "#/components/schemas/Tree", Direction::Response).unwrap();
        assert_eq!(
            schema["$defs"]["Tree"]["properties"]["children"],
            json!({"type": "array", "items": {"$ref": "#/$defs/Tree"}})
        );
        assert_eq!(
            schema["$defs"]["Tree"]["properties"]["parent"],
            json!({"$ref": "#/$defs/Tree"})
        );
    }

    #[test]
    fn output_is_deterministic_and_in_spec_order() {
        let spec = spec(concat!(
            "    A:\n      type: object\n      properties:\n        z: {$ref: '#/components/schemas/C'}\n        y: {$ref: '#/components/schemas/B'}\n",
            "    B: {type: string}\n",
            "    C: {type: integer}\n",
        ));
        let first = convert(&spec, "#/components/schemas/A", Direction::Response).unwrap();
        let keys: Vec<&String> = first["$defs"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["A", "B", "C"]);
        let second = convert(&spec, "#/components/schemas/A", Direction::Response).unwrap();
        assert_eq!(first.to_string(), second.to_string());
    }
}
