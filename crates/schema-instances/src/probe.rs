//! Probe pairs of a schema without the generator: every constraint a schema states, turned into
//! a pair of whole instances of its root (one that satisfies the schema, one that breaks exactly
//! that constraint, or one a constraint only allows). A `$ref` inside a schema is not walked:
//! its target is probed as its own root, so each constraint has one probe per place it is stated.

use serde_json::{json, Value};
use spec_model::shorten::{short_json, Cut};
use spec_model::{escape_pointer, Spec};

use crate::instance::{self, Direction};

/// A step into an instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// One constraint as a pair of whole instances of the root schema.
#[derive(Debug, Clone)]
pub struct Probe {
    /// JSON pointer of the schema node stating the constraint.
    pub pointer: String,
    pub constraint: String,
    pub valid: Value,
    /// `None` for a constraint that only allows (`nullable`, an enum's value).
    pub invalid: Option<Value>,
    /// What the breaking (or allowing) edit put in, for messages.
    pub shown: String,
}

/// Options of a walk: parameters are scalars on the wire, never null and always text.
#[derive(Debug, Clone, Copy)]
pub struct Walk {
    pub direction: Direction,
    pub parameter: bool,
}

/// Every probe of the schema at `root` (a JSON pointer of the spec); `Err` when the probe
/// cannot build an instance of it.
pub fn probes(spec: &Spec, root: &str, walk: Walk) -> Result<Vec<Probe>, String> {
    walk_root(spec, root, walk, false)
}

/// Per bound a schema states (`minimum`, `maximum`, `minLength`, `maxLength`, `minItems`,
/// `maxItems`), a whole instance of its root with that value exactly at the bound: what a
/// server must accept. Each is a [`Probe`] that only allows (`invalid` is `None`), its
/// constraint `boundary(<keyword>)`; like [`probes`], judge it with [`crate::Validator`] before
/// use (another constraint at the same place may refuse it).
pub fn boundaries(spec: &Spec, root: &str, walk: Walk) -> Result<Vec<Probe>, String> {
    let mut probes = walk_root(spec, root, walk, true)?;
    probes.retain(|probe| probe.constraint.starts_with("boundary("));
    Ok(probes)
}

/// The walk both entry points share: a valid instance of the schema at `root`, then every
/// place under it visited, in the mode `boundaries` says.
fn walk_root(spec: &Spec, root: &str, walk: Walk, boundaries: bool) -> Result<Vec<Probe>, String> {
    let node = spec
        .document
        .pointer(root)
        .ok_or_else(|| format!("no schema at {root}"))?;
    let base = instance::valid(spec, node, walk.direction).ok_or_else(|| {
        "the probe cannot build an instance that satisfies this schema".to_owned()
    })?;
    let mut walker = Walker {
        spec,
        walk,
        base,
        probes: Vec::new(),
        boundaries,
    };
    walker.visit(root.to_owned(), Vec::new(), Place::Root);
    Ok(walker.probes)
}

/// Items an array boundary instance holds at most (a `maxItems` beyond it is not probed).
const MAX_BOUNDARY_ITEMS: u64 = 1000;
/// Characters a string boundary instance holds at most.
const MAX_BOUNDARY_LENGTH: u64 = 64 * 1024;

/// Where a visited node sits: an optional member's `Option<T>` reads `null` as absent, which is a
/// different finding (`optional-not-nullable`) from a required member that takes `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Root,
    Required,
    Optional,
}

struct Walker<'a> {
    spec: &'a Spec,
    walk: Walk,
    base: Value,
    probes: Vec<Probe>,
    /// Also push the instances at each bound ([`boundaries`]).
    boundaries: bool,
}

impl Walker<'_> {
    fn visit(&mut self, pointer: String, path: Vec<Step>, place: Place) {
        let root = place == Place::Root;
        let Some(raw) = self.spec.document.pointer(&pointer) else {
            return;
        };
        let (pointer, node) = if raw.get("$ref").is_some() {
            if !root {
                return;
            }
            match self.spec.follow(raw) {
                Ok(followed) => (followed.pointer.unwrap_or(pointer), followed.value),
                Err(_) => return,
            }
        } else {
            (pointer, raw)
        };
        let Some(current) = value_at(&self.base, &path).cloned() else {
            return;
        };
        let kind = node.get("type").and_then(Value::as_str);
        let flag = |name: &str| node.get(name).and_then(Value::as_bool) == Some(true);

        if !self.walk.parameter {
            if flag("nullable") {
                self.allows(&pointer, "nullable", &path, Value::Null);
            } else if kind.is_some() {
                let constraint = if place == Place::Optional {
                    "optional-not-nullable"
                } else {
                    "not-nullable"
                };
                self.breaks(&pointer, constraint, &path, Value::Null);
            }
        }
        if let Some(kind) = kind {
            if !(self.walk.parameter && kind == "string") {
                self.breaks(&pointer, "type", &path, wrong_type(kind));
            }
        }
        if let Some(values) = node.get("enum").and_then(Value::as_array) {
            for value in values.iter().filter(|v| !v.is_null()) {
                self.allows(
                    &pointer,
                    &format!("enum-value({})", short(value)),
                    &path,
                    value.clone(),
                );
            }
            if let Some(outside) = outside_enum(values, kind) {
                self.breaks(&pointer, "enum", &path, outside);
            }
        }
        if let Some(format) = node.get("format").and_then(Value::as_str) {
            if let Some(bad) = bad_format(format) {
                self.breaks(&pointer, &format!("format({format})"), &path, bad);
            }
        }
        let integer = kind == Some("integer");
        let step = if integer { 1.0 } else { 0.5 };
        if self.boundaries {
            self.bound_instances(node, &pointer, &path, &current, integer, step);
        }
        if let Some(min) = node.get("minimum").and_then(Value::as_f64) {
            let bad = if flag("exclusiveMinimum") {
                min
            } else {
                min - step
            };
            self.breaks(
                &pointer,
                "minimum",
                &path,
                instance::as_json_number(bad, integer),
            );
        }
        if let Some(max) = node.get("maximum").and_then(Value::as_f64) {
            let bad = if flag("exclusiveMaximum") {
                max
            } else {
                max + step
            };
            self.breaks(
                &pointer,
                "maximum",
                &path,
                instance::as_json_number(bad, integer),
            );
        }
        if let Value::String(text) = &current {
            if let Some(min) = node
                .get("minLength")
                .and_then(Value::as_u64)
                .filter(|m| *m > 0)
            {
                let short: String = text.chars().take(min as usize - 1).collect();
                self.breaks(&pointer, "minLength", &path, json!(short));
            }
            if let Some(max) = node.get("maxLength").and_then(Value::as_u64) {
                let mut long: String = text.chars().take(max as usize).collect();
                while long.chars().count() <= max as usize {
                    long.push('x');
                }
                self.breaks(&pointer, "maxLength", &path, json!(long));
            }
            if let Some(pattern) = node.get("pattern").and_then(Value::as_str) {
                let format = node.get("format").and_then(Value::as_str);
                if let Some(bad) = not_matching(pattern, format, text) {
                    self.breaks(&pointer, "pattern", &path, json!(bad));
                }
            }
        }
        if let Value::Array(items) = &current {
            if let Some(min) = node
                .get("minItems")
                .and_then(Value::as_u64)
                .filter(|m| *m > 0)
            {
                let fewer: Vec<Value> = items.iter().take(min as usize - 1).cloned().collect();
                self.breaks(&pointer, "minItems", &path, Value::Array(fewer));
            }
            if let (Some(max), Some(first)) =
                (node.get("maxItems").and_then(Value::as_u64), items.first())
            {
                self.breaks(
                    &pointer,
                    "maxItems",
                    &path,
                    Value::Array(vec![first.clone(); max as usize + 1]),
                );
            }
            if !items.is_empty() {
                let mut item_path = path.clone();
                item_path.push(Step::Index(0));
                self.visit(format!("{pointer}/items"), item_path, Place::Required);
            }
        }
        if let Value::Object(members) = &current {
            for name in node
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let Some(name) = name.as_str() else { continue };
                if members.contains_key(name) {
                    if let Some(edited) = removed(&self.base, &path, name) {
                        self.push(
                            &pointer,
                            &format!("required({name})"),
                            edited,
                            true,
                            format!("no `{name}`"),
                        );
                    }
                }
            }
            if node.get("additionalProperties") == Some(&Value::Bool(false)) {
                let mut extra = path.clone();
                extra.push(Step::Key("unexpected_member".to_owned()));
                self.breaks(&pointer, "additionalProperties", &extra, json!(1));
            }
            if let Some(properties) = node.get("properties").and_then(Value::as_object) {
                let required: Vec<&str> = node
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                for name in properties.keys() {
                    if members.contains_key(name) {
                        let mut member = path.clone();
                        member.push(Step::Key(name.clone()));
                        let place = if required.contains(&name.as_str()) {
                            Place::Required
                        } else {
                            Place::Optional
                        };
                        self.visit(
                            format!("{pointer}/properties/{}", escape_pointer(name)),
                            member,
                            place,
                        );
                    }
                }
            }
        }
        if let Some(parts) = node.get("allOf").and_then(Value::as_array) {
            for index in 0..parts.len() {
                let part = if root { Place::Required } else { place };
                self.visit(format!("{pointer}/allOf/{index}"), path.clone(), part);
            }
        }
    }

    /// The instances exactly at each bound of `node` (the value at `path` is `current`).
    fn bound_instances(
        &mut self,
        node: &Value,
        pointer: &str,
        path: &[Step],
        current: &Value,
        integer: bool,
        step: f64,
    ) {
        let flag = |name: &str| node.get(name).and_then(Value::as_bool) == Some(true);
        let number = |keyword: &str, exclusive: &str, inward: f64| {
            let bound = node.get(keyword).and_then(Value::as_f64)?;
            let at = if flag(exclusive) {
                bound + inward
            } else {
                bound
            };
            Some(instance::as_json_number(at, integer))
        };
        if let Some(at) = number("minimum", "exclusiveMinimum", step) {
            self.allows(pointer, "boundary(minimum)", path, at);
        }
        if let Some(at) = number("maximum", "exclusiveMaximum", -step) {
            self.allows(pointer, "boundary(maximum)", path, at);
        }
        let count = |keyword: &str, cap: u64| {
            node.get(keyword)
                .and_then(Value::as_u64)
                .filter(|n| *n <= cap)
        };
        if let Value::String(text) = current {
            let seed = text.chars().next().unwrap_or('x');
            for keyword in ["minLength", "maxLength"] {
                if let Some(length) = count(keyword, MAX_BOUNDARY_LENGTH) {
                    let mut exact: String = text.chars().take(length as usize).collect();
                    while exact.chars().count() < length as usize {
                        exact.push(seed);
                    }
                    self.allows(pointer, &format!("boundary({keyword})"), path, json!(exact));
                }
            }
        }
        if let (Value::Array(items), Some(first)) = (current, current.get(0)) {
            for keyword in ["minItems", "maxItems"] {
                if let Some(length) = count(keyword, MAX_BOUNDARY_ITEMS) {
                    let exact: Vec<Value> = items
                        .iter()
                        .cloned()
                        .chain(std::iter::repeat(first.clone()))
                        .take(length as usize)
                        .collect();
                    self.allows(
                        pointer,
                        &format!("boundary({keyword})"),
                        path,
                        Value::Array(exact),
                    );
                }
            }
        }
    }

    fn breaks(&mut self, pointer: &str, constraint: &str, path: &[Step], value: Value) {
        let shown = short(&value);
        if let Some(edited) = with_value(&self.base, path, value) {
            self.push(pointer, constraint, edited, true, shown);
        }
    }

    fn allows(&mut self, pointer: &str, constraint: &str, path: &[Step], value: Value) {
        let shown = short(&value);
        if let Some(edited) = with_value(&self.base, path, value) {
            self.push(pointer, constraint, edited, false, shown);
        }
    }

    fn push(
        &mut self,
        pointer: &str,
        constraint: &str,
        edited: Value,
        breaking: bool,
        shown: String,
    ) {
        let (valid, invalid) = if breaking {
            (self.base.clone(), Some(edited))
        } else {
            (edited, None)
        };
        self.probes.push(Probe {
            pointer: format!("#{pointer}"),
            constraint: constraint.to_owned(),
            valid,
            invalid,
            shown,
        });
    }
}

fn value_at<'v>(value: &'v Value, path: &[Step]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get(k),
        Step::Index(i) => v.get(i),
    })
}

fn slot<'v>(value: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get_mut(k),
        Step::Index(i) => v.get_mut(*i),
    })
}

/// `base` with `value` at `path` (a new member when the last step names one that is absent).
fn with_value(base: &Value, path: &[Step], value: Value) -> Option<Value> {
    let mut edited = base.clone();
    match path.split_last() {
        None => return Some(value),
        Some((Step::Key(k), parent)) => {
            slot(&mut edited, parent)?
                .as_object_mut()?
                .insert(k.clone(), value);
        }
        Some((Step::Index(_), _)) => *slot(&mut edited, path)? = value,
    }
    Some(edited)
}

fn removed(base: &Value, path: &[Step], member: &str) -> Option<Value> {
    let mut edited = base.clone();
    slot(&mut edited, path)?.as_object_mut()?.remove(member)?;
    Some(edited)
}

fn wrong_type(kind: &str) -> Value {
    match kind {
        "string" => json!(12345),
        _ => json!("text"),
    }
}

fn outside_enum(values: &[Value], kind: Option<&str>) -> Option<Value> {
    if values.iter().all(Value::is_string) || kind == Some("string") {
        return Some(json!("NOT_A_VALUE_THE_SPEC_LISTS"));
    }
    let max = values.iter().filter_map(Value::as_i64).max()?;
    Some(json!(max + 1))
}

/// A value that breaks `format`; `None` for formats JSON Schema does not check.
fn bad_format(format: &str) -> Option<Value> {
    Some(match format {
        "uuid" => json!("not-a-uuid"),
        "date-time" => json!("not a date-time"),
        "date" => json!("2024-13-45"),
        "email" => json!("not an e-mail address"),
        "uri" => json!("not a uri"),
        "int32" => json!(2_147_483_648_i64),
        "int64" => json!(9_223_372_036_854_775_808_u64),
        _ => return None,
    })
}

/// A string near `text` that `pattern` does not match, one of the same `format` first (so
/// that the pattern alone is broken where a format's other spellings allow it).
fn not_matching(pattern: &str, format: Option<&str>, text: &str) -> Option<String> {
    let regex = regress::Regex::new(pattern).ok()?;
    let same_format: &[&str] = match format {
        Some("date-time") => &[
            "2024-01-02T03:04:05+01:00",
            "2024-01-02T03:04:05.5Z",
            "2024-01-02T03:04:05Z",
        ],
        Some("date") => &["2024-01-02"],
        Some("email") => &["user@example.com", "USER@EXAMPLE.ORG"],
        Some("uri") => &["https://example.com/x", "urn:example:x"],
        _ => &[],
    };
    let near = [
        format!("{text}!"),
        format!("!{text}"),
        "!".to_owned(),
        String::new(),
        "text".to_owned(),
    ];
    same_format
        .iter()
        .map(|s| (*s).to_owned())
        .chain(near)
        .find(|c| regex.find(c).is_none())
}

/// A value for messages, cut to a readable length.
pub fn short(value: &Value) -> String {
    short_json(value, 40, Cut::EllipsisAfter)
}
