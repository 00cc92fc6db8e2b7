//! Finding what a body carries that its schema allows but does not describe: object members
//! outside every `properties` that applies to the object, where additional members are allowed.
//!
//! The walk reads the converted JSON Schema (`openapi-jsonschema`'s output: `$ref`s into
//! `#/$defs/`, `allOf` for composition, `anyOf`/`oneOf` for nullable wrappers and unions). Every
//! schema that applies to a value is gathered first (its `$ref` target, `allOf` branches, and the
//! `anyOf`/`oneOf` branches whose type admits the value), so a member described by any of them is
//! documented. An object whose schemas declare no `properties` at all is free-form, not
//! undocumented; a member an `additionalProperties` schema describes is documented.

// foldhash (already built for hashbrown): the walk is a map lookup per member, and SipHash was
// most of it.
use foldhash::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

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

/// Every undocumented member of `value` under the converted schema `root`. Reads the schema
/// for this one call: for many bodies, build [`Shapes`] once and call [`Shapes::find`].
pub fn find(root: &Value, value: &Value) -> Vec<Member> {
    Shapes::new(root).find(value)
}

/// A converted schema read once for the walk: every schema location reachable from the root
/// (by `properties`, `additionalProperties`, `items`, `$ref`, `allOf`, `anyOf`, `oneOf`), with
/// the schemas that apply to an object or an array there already gathered. Which union branches
/// apply depends only on the JSON type of the value, so the walk of a body is map lookups; the
/// schema is never re-read per body (resolving `$ref`s and formatting schema paths per member
/// made the walk cost ten times the validation).
#[derive(Debug, Clone)]
pub struct Shapes {
    nodes: Vec<Node>,
    /// Per node: what applies to an object value there.
    objects: Vec<ObjectGroup>,
    /// Per node: the `items` schemas that apply to an array value there.
    arrays: Vec<Vec<usize>>,
    /// What applies to an object under several schemas at once (a member whose schema is an
    /// `allOf` of others, say), gathered the first time a body meets that set.
    merged: MergedGroups,
}

/// A cache of [`Shapes::object_group`] by set of holders; a clone starts empty.
#[derive(Debug, Default)]
struct MergedGroups(Mutex<HashMap<Vec<usize>, Arc<ObjectGroup>>>);

impl Clone for MergedGroups {
    fn clone(&self) -> Self {
        MergedGroups::default()
    }
}

/// One schema location.
#[derive(Debug, Clone, Default)]
struct Node {
    /// Its path in the converted schema (a `$ref` target's is the reference as written).
    path: String,
    /// The schema is an object (anything else describes nothing).
    is_object: bool,
    /// `properties` is present (of any shape).
    has_properties: bool,
    properties: HashMap<String, usize>,
    /// An `additionalProperties` that is a schema object.
    additional: Option<usize>,
    /// `patternProperties` present, or `additionalProperties: false`: left to the validator.
    closes_members: bool,
    items: Option<usize>,
    /// The resolved `$ref` target, if it resolves.
    reference: Option<usize>,
    all_of: Vec<usize>,
    /// `anyOf` then `oneOf` branches.
    unions: Vec<usize>,
    /// The JSON types an `enum` admits (`None`: no `enum`).
    enum_kinds: Option<Kinds>,
    /// The JSON types `type` admits (`None`: no `type`, or one of another shape).
    type_kinds: Option<Kinds>,
}

/// What applies to an object value at one node (or a set of nodes).
#[derive(Debug, Clone, Default)]
struct ObjectGroup {
    /// The first applicable schema declaring `properties`.
    described_at: Option<usize>,
    closes_members: bool,
    /// Member name to the schemas describing it, in the group's order.
    properties: HashMap<String, Vec<usize>>,
    /// The `additionalProperties` schemas, for members no `properties` describes.
    additional: Vec<usize>,
}

/// A set of JSON types, one bit per [`kind`].
type Kinds = u8;

const OBJECT: Kinds = 1 << 5;
const ARRAY: Kinds = 1 << 4;

fn kind(value: &Value) -> Kinds {
    match value {
        Value::Null => 1,
        Value::Bool(_) => 1 << 1,
        Value::Number(_) => 1 << 2,
        Value::String(_) => 1 << 3,
        Value::Array(_) => ARRAY,
        Value::Object(_) => OBJECT,
    }
}

fn type_kinds(name: &str) -> Kinds {
    match name {
        "null" => 1,
        "boolean" => 1 << 1,
        "number" | "integer" => 1 << 2,
        "string" => 1 << 3,
        "array" => ARRAY,
        "object" => OBJECT,
        _ => 0,
    }
}

impl Shapes {
    /// Reads the converted schema `root` (its root is node 0).
    pub fn new(root: &Value) -> Shapes {
        let mut builder = Builder {
            root,
            nodes: Vec::new(),
            by_path: HashMap::default(),
        };
        builder.node(root, String::new());
        let nodes = builder.nodes;
        let mut shapes = Shapes {
            objects: Vec::with_capacity(nodes.len()),
            arrays: Vec::with_capacity(nodes.len()),
            merged: MergedGroups::default(),
            nodes,
        };
        for index in 0..shapes.nodes.len() {
            let object = shapes.object_group(&[index]);
            let mut items = Vec::new();
            for member in shapes.group(&[index], ARRAY) {
                if let Some(item) = shapes.nodes[member].items {
                    push_once(&mut items, item);
                }
            }
            shapes.objects.push(object);
            shapes.arrays.push(items);
        }
        shapes
    }

    /// Every undocumented member of `value`.
    pub fn find(&self, value: &Value) -> Vec<Member> {
        let mut out = Vec::new();
        self.walk(&[0], value, &mut String::new(), &mut out);
        out
    }

    fn walk(&self, holders: &[usize], value: &Value, pointer: &mut String, out: &mut Vec<Member>) {
        match value {
            Value::Object(members) => {
                let merged;
                let group = match holders {
                    [one] => &self.objects[*one],
                    _ => {
                        merged = self.merged_group(holders);
                        &*merged
                    }
                };
                for (name, member) in members {
                    let holders = match group.properties.get(name) {
                        Some(holders) => holders.as_slice(),
                        None => group.additional.as_slice(),
                    };
                    if holders.is_empty() && (group.described_at.is_none() || group.closes_members)
                    {
                        continue;
                    }
                    // A described member with a scalar value has nothing under it to find.
                    if !holders.is_empty() && !matches!(member, Value::Object(_) | Value::Array(_))
                    {
                        continue;
                    }
                    let length = pointer.len();
                    pointer.push('/');
                    push_escaped(pointer, name);
                    if !holders.is_empty() {
                        self.walk(holders, member, pointer, out);
                    } else if let Some(described_at) = group.described_at {
                        out.push(Member {
                            pointer: pointer.clone(),
                            name: name.clone(),
                            schema_path: self.nodes[described_at].path.clone(),
                            value: member.clone(),
                        });
                    }
                    pointer.truncate(length);
                }
            }
            Value::Array(items) => {
                let merged;
                let item_schemas = match holders {
                    [one] => &self.arrays[*one],
                    _ => {
                        merged = self
                            .group(holders, ARRAY)
                            .into_iter()
                            .filter_map(|member| self.nodes[member].items)
                            .fold(Vec::new(), |mut items, item| {
                                push_once(&mut items, item);
                                items
                            });
                        &merged
                    }
                };
                if item_schemas.is_empty() {
                    return;
                }
                for (index, item) in items.iter().enumerate() {
                    let length = pointer.len();
                    let _ = write!(pointer, "/{index}");
                    self.walk(item_schemas, item, pointer, out);
                    pointer.truncate(length);
                }
            }
            _ => {}
        }
    }

    /// [`Shapes::object_group`] of several holders, from the cache.
    fn merged_group(&self, holders: &[usize]) -> Arc<ObjectGroup> {
        let mut cache = self.merged.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(group) = cache.get(holders) {
            return Arc::clone(group);
        }
        let group = Arc::new(self.object_group(holders));
        cache.insert(holders.to_vec(), Arc::clone(&group));
        group
    }

    /// What applies to an object value under `holders`.
    fn object_group(&self, holders: &[usize]) -> ObjectGroup {
        let members = self.group(holders, OBJECT);
        let mut group = ObjectGroup {
            described_at: members
                .iter()
                .copied()
                .find(|&member| self.nodes[member].has_properties),
            closes_members: members
                .iter()
                .any(|&member| self.nodes[member].closes_members),
            ..ObjectGroup::default()
        };
        for &member in &members {
            let node = &self.nodes[member];
            for (name, &property) in &node.properties {
                push_once(group.properties.entry(name.clone()).or_default(), property);
            }
            if let Some(additional) = node.additional {
                push_once(&mut group.additional, additional);
            }
        }
        group
    }

    /// Every schema that applies to a value of type `kind` under `holders`, each once, in the
    /// order the walk meets them.
    fn group(&self, holders: &[usize], kind: Kinds) -> Vec<usize> {
        let mut group = Vec::new();
        for &holder in holders {
            self.expand(holder, kind, 0, &mut group);
        }
        group
    }

    /// Adds `index` and every schema it brings along for a value of type `kind`.
    fn expand(&self, index: usize, kind: Kinds, depth: usize, group: &mut Vec<usize>) {
        let node = &self.nodes[index];
        if depth > MAX_EXPANSION || !node.is_object {
            return;
        }
        // The schema itself first: a suggestion names the object schema the member belongs to.
        push_once(group, index);
        if let Some(target) = node.reference {
            self.expand(target, kind, depth + 1, group);
        }
        for &branch in &node.all_of {
            self.expand(branch, kind, depth + 1, group);
        }
        for &branch in &node.unions {
            if self.admits(branch, kind, depth) {
                self.expand(branch, kind, depth + 1, group);
            }
        }
    }

    /// Whether a union branch could describe a value of type `kind`, judged by its JSON type
    /// alone (`type`, or an `enum`/`const` of one type), after its `$ref`.
    fn admits(&self, index: usize, kind: Kinds, depth: usize) -> bool {
        if depth > MAX_EXPANSION {
            return false;
        }
        let node = &self.nodes[index];
        if let Some(target) = node.reference {
            if !self.admits(target, kind, depth + 1) {
                return false;
            }
        }
        if let Some(kinds) = node.enum_kinds {
            return kinds & kind != 0;
        }
        node.type_kinds.is_none_or(|kinds| kinds & kind != 0)
    }
}

/// Reads schema locations into nodes, one per path.
struct Builder<'s> {
    root: &'s Value,
    nodes: Vec<Node>,
    by_path: HashMap<String, usize>,
}

impl Builder<'_> {
    fn node(&mut self, schema: &Value, path: String) -> usize {
        if let Some(&index) = self.by_path.get(&path) {
            return index;
        }
        let index = self.nodes.len();
        self.nodes.push(Node {
            path: path.clone(),
            ..Node::default()
        });
        self.by_path.insert(path.clone(), index);
        let Some(object) = schema.as_object() else {
            return index;
        };
        let mut node = Node {
            path: path.clone(),
            is_object: true,
            has_properties: object.contains_key("properties"),
            closes_members: object.contains_key("patternProperties")
                || object.get("additionalProperties") == Some(&Value::Bool(false)),
            ..Node::default()
        };
        if let Some(properties) = object.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                let child = self.node(
                    property,
                    format!("{path}/properties/{}", escape_pointer(name)),
                );
                node.properties.insert(name.clone(), child);
            }
        }
        if let Some(additional) = object.get("additionalProperties").filter(|a| a.is_object()) {
            node.additional = Some(self.node(additional, format!("{path}/additionalProperties")));
        }
        if let Some(items) = object.get("items") {
            node.items = Some(self.node(items, format!("{path}/items")));
        }
        if let Some(local) = object
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|target| target.strip_prefix('#'))
        {
            if let Some(resolved) = self.root.pointer(local) {
                node.reference = Some(self.node(resolved, local.to_owned()));
            }
        }
        if let Some(branches) = object.get("allOf").and_then(Value::as_array) {
            for (position, branch) in branches.iter().enumerate() {
                let child = self.node(branch, format!("{path}/allOf/{position}"));
                node.all_of.push(child);
            }
        }
        for keyword in ["anyOf", "oneOf"] {
            if let Some(branches) = object.get(keyword).and_then(Value::as_array) {
                for (position, branch) in branches.iter().enumerate() {
                    let child = self.node(branch, format!("{path}/{keyword}/{position}"));
                    node.unions.push(child);
                }
            }
        }
        node.enum_kinds = object
            .get("enum")
            .and_then(Value::as_array)
            .map(|options| options.iter().fold(0, |kinds, option| kinds | kind(option)));
        node.type_kinds = match object.get("type") {
            Some(Value::String(name)) => Some(type_kinds(name)),
            Some(Value::Array(names)) => Some(
                names
                    .iter()
                    .filter_map(Value::as_str)
                    .fold(0, |kinds, name| kinds | type_kinds(name)),
            ),
            _ => None,
        };
        self.nodes[index] = node;
        index
    }
}

fn push_once(list: &mut Vec<usize>, index: usize) {
    if !list.contains(&index) {
        list.push(index);
    }
}

/// Appends one JSON-pointer segment (RFC 6901), allocating only when it needs escaping.
fn push_escaped(pointer: &mut String, segment: &str) {
    if segment.contains(['~', '/']) {
        pointer.push_str(&escape_pointer(segment));
    } else {
        pointer.push_str(segment);
    }
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

    #[test]
    fn one_reading_serves_many_bodies_and_merges_schemas_describing_one_member() {
        // `pet` is described by both allOf branches (one object each): a member either
        // describes is documented; the array's items and a recursive `$ref` are followed.
        let schema = json!({
            "$defs": {
                "Tree": {"type": "object", "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/Tree"}},
                }},
            },
            "allOf": [
                {"properties": {"pet": {"type": "object", "properties": {"a": {}}}}},
                {"properties": {"pet": {"type": "object", "properties": {"b": {}}}}},
            ],
            "properties": {"tree": {"$ref": "#/$defs/Tree"}},
        });
        let shapes = Shapes::new(&schema);
        let pointers = |body: &Value| -> Vec<(String, String)> {
            shapes
                .find(body)
                .into_iter()
                .map(|m| (m.pointer, m.schema_path))
                .collect()
        };
        assert_eq!(
            pointers(&json!({"pet": {"a": 1, "b": 2, "c": 3}})),
            [("/pet/c".to_owned(), "/allOf/0/properties/pet".to_owned())]
        );
        assert_eq!(
            pointers(&json!({"tree": {"name": "r", "children": [{"children": [{"x/y": 1}]}]}})),
            [(
                "/tree/children/0/children/0/x~1y".to_owned(),
                "/$defs/Tree".to_owned()
            )]
        );
        assert_eq!(pointers(&json!({"pet": {"a": 1}})), []);
        assert_eq!(
            find(&schema, &json!({"z": 1})),
            shapes.find(&json!({"z": 1}))
        );
    }
}
