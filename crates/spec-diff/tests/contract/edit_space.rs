//! The edit space, shared by the coverage test and the oracle: the documents edited (the three
//! specs and the codegen fixtures that load) and every single edit that applies to each of
//! their schema nodes, bodies, responses and parameters.

use std::path::PathBuf;

use serde_json::{json, Map, Value};
use spec_model::{escape_pointer, Spec};

/// What an edit changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// A schema node, edited in place (a keyword, a property, a member).
    Schema,
    /// A body's media types, a response's headers, a parameter's serialization or `required`.
    Message,
}

/// One generated edit: what, where, and the edited document.
pub struct Edit {
    pub keyword: &'static str,
    pub change: &'static str,
    /// JSON pointer of the node edited.
    pub pointer: String,
    /// What was edited: a schema node in place, or a body, response or parameter around it.
    pub part: Part,
    pub new: Value,
}

/// Where a node sits, for the table: the part of the document its pointer is in.
pub fn location(pointer: &str) -> &'static str {
    if pointer.starts_with("/components/schemas") {
        "schema component"
    } else if pointer.contains("/parameters/") || pointer.starts_with("/components/parameters") {
        "parameter"
    } else if pointer.contains("/headers/") || pointer.starts_with("/components/headers") {
        "response header"
    } else if pointer.contains("/requestBody") || pointer.starts_with("/components/requestBodies") {
        "request body"
    } else if pointer.contains("/responses/") || pointer.starts_with("/components/responses") {
        "response"
    } else if pointer.starts_with("/servers") || pointer.contains("/servers") {
        "servers"
    } else {
        "other"
    }
}

/// The documents the edits are made on, loaded: the three specs and the codegen fixtures
/// (named by their path from the workspace root).
pub fn documents() -> Vec<(String, Spec)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["spec", "crates/codegen/tests/fixtures"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        found.sort();
        files.extend(found);
    }
    files
        .into_iter()
        .filter_map(|path| {
            let name = path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .display()
                .to_string();
            // A fixture the loader refuses (a deliberately bad one) is not an edit site.
            spec_model::load(&path).ok().map(|spec| (name, spec))
        })
        .collect()
}

/// Every schema node below `value` (which is a schema at `pointer`), not following `$ref`s.
fn schema_nodes(value: &Value, pointer: String, out: &mut Vec<String>) {
    if !value.is_object() || value.get("$ref").is_some() {
        return;
    }
    out.push(pointer.clone());
    if let Some(properties) = value.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            let at = format!("{pointer}/properties/{}", escape_pointer(name));
            schema_nodes(property, at, out);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(inner) = value.get(key) {
            schema_nodes(inner, format!("{pointer}/{key}"), out);
        }
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for (index, member) in value
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            schema_nodes(member, format!("{pointer}/{key}/{index}"), out);
        }
    }
}

/// The schema roots of a document: components, and the schemas of parameters, bodies and
/// headers wherever they are written inline.
fn schema_roots(document: &Value) -> Vec<String> {
    let mut out = Vec::new();
    fn visit(value: &Value, pointer: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    let at = format!("{pointer}/{}", escape_pointer(key));
                    if key == "schema" {
                        schema_nodes(inner, at, out);
                    } else if !key.starts_with("x-") && key != "examples" && key != "example" {
                        visit(inner, at, out);
                    }
                }
            }
            Value::Array(items) => {
                for (index, inner) in items.iter().enumerate() {
                    visit(inner, format!("{pointer}/{index}"), out);
                }
            }
            _ => {}
        }
    }
    if let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            schema_nodes(
                schema,
                format!("/components/schemas/{}", escape_pointer(name)),
                &mut out,
            );
        }
    }
    visit(
        document.get("paths").unwrap_or(&Value::Null),
        "/paths".into(),
        &mut out,
    );
    for part in ["parameters", "headers", "responses", "requestBodies"] {
        let pointer = format!("/components/{part}");
        if let Some(value) = document.pointer(&pointer) {
            visit(value, pointer, &mut out);
        }
    }
    out
}

/// The edits of one schema node, each a (keyword, change, new node).
fn schema_edits(
    node: &Map<String, Value>,
) -> Vec<(&'static str, &'static str, Map<String, Value>)> {
    let mut edits = Vec::new();
    let mut edit = |keyword, change, f: &dyn Fn(&mut Map<String, Value>)| {
        let mut new = node.clone();
        f(&mut new);
        if new != *node {
            edits.push((keyword, change, new));
        }
    };
    let number = |key: &str| node.get(key).and_then(Value::as_f64);
    let kind = node.get("type").and_then(Value::as_str).unwrap_or("");
    let mut numeric_keyword = |keyword: &'static str, fresh: f64| match number(keyword) {
        None => edit(keyword, "added", &|n| {
            n.insert(keyword.into(), json!(fresh));
        }),
        Some(value) => {
            edit(keyword, "increased", &|n| {
                n.insert(keyword.into(), json!(value + 1.0));
            });
            if value >= 1.0 {
                edit(keyword, "decreased", &|n| {
                    n.insert(keyword.into(), json!(value - 1.0));
                });
            }
            edit(keyword, "removed", &|n| {
                n.remove(keyword);
            });
        }
    };
    match kind {
        "string" => {
            numeric_keyword("maxLength", 64.0);
            numeric_keyword("minLength", 1.0);
        }
        "integer" | "number" => {
            numeric_keyword("maximum", 1000.0);
            numeric_keyword("minimum", 0.0);
        }
        "array" => {
            numeric_keyword("maxItems", 10.0);
            numeric_keyword("minItems", 1.0);
        }
        _ => {}
    }
    let flag = |node: &Map<String, Value>, key: &str| node.get(key) == Some(&Value::Bool(true));
    let mut toggle = |keyword: &'static str| {
        let set = flag(node, keyword);
        edit(keyword, if set { "removed" } else { "added" }, &|n| {
            if set {
                n.remove(keyword);
            } else {
                n.insert(keyword.into(), Value::Bool(true));
            }
        });
    };
    toggle("nullable");
    toggle("deprecated");
    toggle("readOnly");
    toggle("writeOnly");
    if kind == "array" {
        toggle("uniqueItems");
    }
    if kind == "integer" || kind == "number" {
        toggle("exclusiveMinimum");
    }
    if kind == "string" {
        match node.get("pattern") {
            None => edit("pattern", "added", &|n| {
                n.insert("pattern".into(), json!("^[a-z]*$"));
            }),
            Some(_) => {
                edit("pattern", "changed", &|n| {
                    n.insert("pattern".into(), json!("^[a-z]*$"));
                });
                edit("pattern", "removed", &|n| {
                    n.remove("pattern");
                });
            }
        }
        match node.get("format") {
            None => edit("format", "added", &|n| {
                n.insert("format".into(), json!("email"));
            }),
            Some(_) => edit("format", "removed", &|n| {
                n.remove("format");
            }),
        }
    }
    if let Some(values) = node.get("enum").and_then(Value::as_array) {
        edit("enum", "value added", &|n| {
            let mut values = values.clone();
            values.push(json!("zz_new_value"));
            n.insert("enum".into(), Value::Array(values));
        });
        if values.len() > 1 {
            edit("enum", "value removed", &|n| {
                n.insert("enum".into(), Value::Array(values[1..].to_vec()));
            });
        }
    }
    if !kind.is_empty() {
        let other = if kind == "string" {
            "integer"
        } else {
            "string"
        };
        edit("type", "changed", &|n| {
            n.insert("type".into(), json!(other));
        });
    }
    match node.get("default") {
        None if kind == "string" => edit("default", "added", &|n| {
            n.insert("default".into(), json!("zz"));
        }),
        Some(_) => edit("default", "removed", &|n| {
            n.remove("default");
        }),
        None => {}
    }
    edit("description", "changed", &|n| {
        n.insert("description".into(), json!("Edited."));
    });
    edit("example", "changed", &|n| {
        n.insert("example".into(), json!("zz_example"));
    });
    edit("title", "changed", &|n| {
        n.insert("title".into(), json!("Edited"));
    });
    if let Some(properties) = node.get("properties").and_then(Value::as_object) {
        edit("properties", "optional property added", &|n| {
            let mut p = properties.clone();
            p.insert("zz_new".into(), json!({"type": "string"}));
            n.insert("properties".into(), Value::Object(p));
        });
        edit("properties", "required property added", &|n| {
            let mut p = properties.clone();
            p.insert("zz_new".into(), json!({"type": "string"}));
            n.insert("properties".into(), Value::Object(p));
            let mut required = n.get("required").cloned().unwrap_or(json!([]));
            required.as_array_mut().unwrap().push(json!("zz_new"));
            n.insert("required".into(), required);
        });
        for name in properties.keys() {
            edit("properties", "property removed", &|n| {
                let mut p = properties.clone();
                p.shift_remove(name);
                n.insert("properties".into(), Value::Object(p));
            });
            let required = node
                .get("required")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let is_required = required.contains(&json!(name));
            edit(
                "required",
                if is_required { "removed" } else { "added" },
                &|n| {
                    let mut list = required.clone();
                    if is_required {
                        list.retain(|v| v != &json!(name));
                    } else {
                        list.push(json!(name));
                    }
                    n.insert("required".into(), Value::Array(list));
                },
            );
        }
        match node.get("additionalProperties") {
            Some(Value::Bool(false)) => edit("additionalProperties", "loosened", &|n| {
                n.remove("additionalProperties");
            }),
            _ => edit("additionalProperties", "tightened", &|n| {
                n.insert("additionalProperties".into(), Value::Bool(false));
            }),
        }
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        let Some(members) = node.get(combinator).and_then(Value::as_array) else {
            continue;
        };
        edit("oneOf/anyOf/allOf", "member added", &|n| {
            let mut m = members.clone();
            m.push(json!({"type": "string", "maxLength": 3}));
            n.insert(combinator.into(), Value::Array(m));
        });
        if members.len() > 1 {
            for index in 0..members.len() {
                edit("oneOf/anyOf/allOf", "member removed", &|n| {
                    let mut m = members.clone();
                    m.remove(index);
                    n.insert(combinator.into(), Value::Array(m));
                });
            }
            edit("oneOf/anyOf/allOf", "reordered", &|n| {
                let mut m = members.clone();
                m.reverse();
                n.insert(combinator.into(), Value::Array(m));
            });
        }
    }
    edits
}

/// The edits of bodies and responses (media types, headers) and of parameters, each a
/// (keyword, change, pointer of the edited object, new object).
fn message_edits(document: &Value) -> Vec<(&'static str, &'static str, String, Value)> {
    let mut edits = Vec::new();
    for op in spec_model::document_operations(document) {
        let mut holders: Vec<(String, &Value)> = Vec::new();
        if let Some(body) = op.value.get("requestBody") {
            holders.push((format!("{}/requestBody", op.pointer()), body));
        }
        for (status, response) in op
            .value
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            holders.push((
                format!("{}/responses/{}", op.pointer(), escape_pointer(status)),
                response,
            ));
        }
        for (pointer, holder) in holders {
            if holder.get("$ref").is_some() {
                continue;
            }
            let content = holder.get("content").and_then(Value::as_object);
            let mut added = holder.clone();
            let map = added.as_object_mut().unwrap();
            let mut content_added = content.cloned().unwrap_or_default();
            content_added.insert("text/plain".into(), json!({"schema": {"type": "string"}}));
            map.insert("content".into(), Value::Object(content_added));
            edits.push(("content", "media type added", pointer.clone(), added));
            for media_type in content.into_iter().flatten().map(|(k, _)| k) {
                let mut removed = holder.clone();
                removed["content"]
                    .as_object_mut()
                    .unwrap()
                    .shift_remove(media_type);
                edits.push(("content", "media type removed", pointer.clone(), removed));
            }
            if pointer.contains("/responses/") {
                let headers = holder.get("headers").and_then(Value::as_object);
                let mut added = holder.clone();
                let mut with = headers.cloned().unwrap_or_default();
                with.insert("x-zz-new".into(), json!({"schema": {"type": "string"}}));
                added
                    .as_object_mut()
                    .unwrap()
                    .insert("headers".into(), Value::Object(with));
                edits.push(("headers", "header added", pointer.clone(), added));
                for name in headers.into_iter().flatten().map(|(k, _)| k) {
                    let mut removed = holder.clone();
                    removed["headers"]
                        .as_object_mut()
                        .unwrap()
                        .shift_remove(name);
                    edits.push(("headers", "header removed", pointer.clone(), removed));
                }
            }
        }
        for (index, parameter) in op
            .value
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if parameter.get("$ref").is_some() {
                continue;
            }
            let pointer = format!("{}/parameters/{index}", op.pointer());
            let mut styled = parameter.clone();
            let explode = parameter.get("explode").and_then(Value::as_bool);
            styled["explode"] = Value::Bool(!explode.unwrap_or(parameter["in"] == "query"));
            edits.push(("explode", "changed", pointer.clone(), styled));
            let mut flipped = parameter.clone();
            let required = parameter.get("required") == Some(&Value::Bool(true));
            if parameter["in"] != "path" {
                flipped["required"] = Value::Bool(!required);
                edits.push((
                    "required",
                    if required { "removed" } else { "added" },
                    pointer.clone(),
                    flipped,
                ));
            }
        }
    }
    edits
}

/// Every edit of one document.
pub fn edits_of(document: &Value) -> Vec<Edit> {
    let mut edits = Vec::new();
    for pointer in schema_roots(document) {
        let node = document
            .pointer(&pointer)
            .and_then(Value::as_object)
            .unwrap();
        for (keyword, change, new_node) in schema_edits(node) {
            let mut new = document.clone();
            *new.pointer_mut(&pointer).unwrap() = Value::Object(new_node);
            edits.push(Edit {
                keyword,
                change,
                pointer: pointer.clone(),
                part: Part::Schema,
                new,
            });
        }
    }
    for (keyword, change, pointer, new_object) in message_edits(document) {
        let mut new = document.clone();
        *new.pointer_mut(&pointer).unwrap() = new_object;
        edits.push(Edit {
            keyword,
            change,
            pointer,
            part: Part::Message,
            new,
        });
    }
    edits
}
