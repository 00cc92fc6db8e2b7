//! Comparing two schemas found at the same place: type, format, nullability, enums, bounds,
//! properties, items and combinators, following `$ref`s (a shared component is reported where
//! it is defined, once per operation using it).

use std::collections::BTreeSet;

use serde_json::{Map, Value};
use spec_model::escape_pointer;
use spec_model::refs::reference_of;

use super::{compact, Differ, Place};
use crate::error::{DiffError, Side};
use crate::model::{Direction, Kind};
use crate::rules::{impact, optional_addition};

impl<'a> Differ<'a> {
    /// Compares the schemas of one body or parameter (a fresh walk: recursion guard reset).
    pub(super) fn top_schema<'v>(
        &mut self,
        old: &'v Value,
        new: &'v Value,
        place: &Place<'_>,
    ) -> Result<(), DiffError>
    where
        'a: 'v,
    {
        self.seen.clear();
        self.schema(old, new, place)
    }

    /// Compares two schemas found at the same place. `place.pointer` is where the new schema
    /// is (the `$ref`'s target once followed, so that a change to a shared component is
    /// reported where it was made).
    fn schema<'v>(
        &mut self,
        old: &'v Value,
        new: &'v Value,
        place: &Place<'_>,
    ) -> Result<(), DiffError>
    where
        'a: 'v,
    {
        let mut place = place.clone();
        let reference = |v: &Value| reference_of(v).and_then(Result::ok).map(str::to_owned);
        let (old_ref, new_ref) = (reference(old), reference(new));
        if old_ref.is_some() || new_ref.is_some() {
            let key = (old_ref.unwrap_or_default(), new_ref.unwrap_or_default());
            if !self.seen.insert(key) {
                return Ok(()); // recursion, or a schema already compared on this path
            }
        }
        let old = self.follow(Side::Old, old, &place.pointer)?.value;
        let followed = self.follow(Side::New, new, &place.pointer)?;
        place.pointer = followed.pointer_or(&place.pointer);
        // allOf with a single $ref (a described reference): compare the referenced schema.
        let old = self.unwrap_all_of(Side::Old, old, &place.pointer)?;
        let new = self.unwrap_all_of(Side::New, followed.value, &place.pointer)?;

        let text = |v: &Value, key: &str| v.get(key).map(|x| x.to_string());
        if text(old, "type") != text(new, "type") {
            self.keyword_changed(Kind::TypeChanged, &place, "type", old, new);
            return Ok(());
        }
        if text(old, "format") != text(new, "format") {
            self.keyword_changed(Kind::FormatChanged, &place, "format", old, new);
        }
        let nullable = |v: &Value| v.get("nullable").and_then(Value::as_bool).unwrap_or(false);
        let what = &place.what;
        match (nullable(old), nullable(new)) {
            (false, true) => self.push(
                Kind::NullableAdded,
                &place,
                format!("{}/nullable", place.pointer),
                format!("{what} may now be null"),
            ),
            (true, false) => self.push(
                Kind::NullableRemoved,
                &place,
                format!("{}/nullable", place.pointer),
                format!("{what} may no longer be null"),
            ),
            _ => {}
        }
        self.enums(old, new, &place);
        self.bounds(old, new, &place);
        self.properties(old, new, &place)?;
        if let (Some(o), Some(n)) = (old.get("items"), new.get("items")) {
            let items = place.at(format!("{}/items", place.pointer), format!("{what}[]"));
            self.schema(o, n, &items)?;
        }
        for combinator in ["oneOf", "anyOf", "allOf"] {
            if let (Some(o), Some(n)) = (
                old.get(combinator).and_then(Value::as_array),
                new.get(combinator).and_then(Value::as_array),
            ) {
                for (index, (o, n)) in o.iter().zip(n).enumerate() {
                    let part = place.at(
                        format!("{}/{combinator}/{index}", place.pointer),
                        what.clone(),
                    );
                    self.schema(o, n, &part)?;
                }
            }
        }
        Ok(())
    }

    /// The referenced schema of an `allOf` holding one `$ref` and nothing else.
    fn unwrap_all_of<'v>(
        &self,
        side: Side,
        value: &'v Value,
        pointer: &str,
    ) -> Result<&'v Value, DiffError>
    where
        'a: 'v,
    {
        match value.get("allOf").and_then(Value::as_array) {
            Some(parts) if parts.len() == 1 && value.get("properties").is_none() => Ok(self
                .follow(side, &parts[0], &format!("{pointer}/allOf/0"))?
                .value),
            _ => Ok(value),
        }
    }

    fn enums(&mut self, old: &Value, new: &Value, place: &Place<'_>) {
        let values = |v: &Value| v.get("enum").and_then(Value::as_array).cloned();
        let (what, pointer) = (&place.what, format!("{}/enum", place.pointer));
        let (Some(old_values), Some(new_values)) = (values(old), values(new)) else {
            if values(old).is_none() && values(new).is_some() {
                let message = format!("{what}: now limited to an enum");
                self.push(Kind::BoundTightened, place, pointer, message);
            } else if values(old).is_some() && values(new).is_none() {
                let message = format!("{what}: no longer limited to an enum");
                self.push(Kind::BoundLoosened, place, pointer, message);
            }
            return;
        };
        for value in new_values.iter().filter(|v| !old_values.contains(v)) {
            let note = if place.direction == Direction::Response {
                " (our clients read it as Unknown; clients without an open-enum fallback break)"
            } else {
                ""
            };
            let message = format!("{what}: new value {value}{note}");
            self.push(Kind::EnumValueAdded, place, pointer.clone(), message);
        }
        for value in old_values.iter().filter(|v| !new_values.contains(v)) {
            let message = format!("{what}: value {value} removed");
            self.push(Kind::EnumValueRemoved, place, pointer.clone(), message);
        }
    }

    /// A change of one schema keyword, reported at the keyword with both values.
    fn keyword_changed(
        &mut self,
        kind: Kind,
        place: &Place<'_>,
        keyword: &str,
        old: &Value,
        new: &Value,
    ) {
        self.push(
            kind,
            place,
            format!("{}/{keyword}", place.pointer),
            format!(
                "{}: {keyword} {} -> {}",
                place.what,
                compact(old.get(keyword)),
                compact(new.get(keyword))
            ),
        );
    }

    fn bounds(&mut self, old: &Value, new: &Value, place: &Place<'_>) {
        // (keyword, whether a larger value is looser)
        for (keyword, larger_is_looser) in [
            ("maxLength", true),
            ("maximum", true),
            ("maxItems", true),
            ("maxProperties", true),
            ("minLength", false),
            ("minimum", false),
            ("minItems", false),
            ("minProperties", false),
        ] {
            let (o, n) = (
                old.get(keyword).and_then(Value::as_f64),
                new.get(keyword).and_then(Value::as_f64),
            );
            let tightened = match (o, n) {
                (None, None) => continue,
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(o), Some(n)) if o == n => continue,
                (Some(o), Some(n)) => (n < o) == larger_is_looser,
            };
            let kind = if tightened {
                Kind::BoundTightened
            } else {
                Kind::BoundLoosened
            };
            self.keyword_changed(kind, place, keyword, old, new);
        }
        for keyword in [
            "pattern",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ] {
            if old.get(keyword) != new.get(keyword) {
                // A pattern cannot be compared: any change is treated as tightening.
                let kind = if new.get(keyword).is_none() {
                    Kind::BoundLoosened
                } else {
                    Kind::BoundTightened
                };
                self.keyword_changed(kind, place, keyword, old, new);
            }
        }
        let closed = |v: &Value| v.get("additionalProperties") == Some(&Value::Bool(false));
        let kind = match (closed(old), closed(new)) {
            (false, true) => Some(Kind::BoundTightened),
            (true, false) => Some(Kind::BoundLoosened),
            _ => None,
        };
        if let Some(kind) = kind {
            self.keyword_changed(kind, place, "additionalProperties", old, new);
        }
    }

    fn properties<'v>(
        &mut self,
        old: &'v Value,
        new: &'v Value,
        place: &Place<'_>,
    ) -> Result<(), DiffError>
    where
        'a: 'v,
    {
        let empty = Map::new();
        let properties = |v: &'v Value| {
            v.get("properties")
                .and_then(Value::as_object)
                .unwrap_or(&empty)
        };
        let (old_props, new_props) = (properties(old), properties(new));
        let (old_required, new_required) = (required(old), required(new));
        let (pointer, what) = (&place.pointer, &place.what);
        for (name, schema) in new_props {
            let at = format!("{pointer}/properties/{}", escape_pointer(name));
            let member = format!("{what}.{name}");
            let Some(old_schema) = old_props.get(name) else {
                // An optional property is additive on the wire (not in Rust: a new field of
                // an exhaustive struct).
                let is_required = new_required.contains(name);
                let impact = if is_required {
                    impact(Kind::PropertyAdded, place.direction)
                } else {
                    optional_addition(Kind::PropertyAdded)
                };
                let message = format!(
                    "new {} property {member}",
                    if is_required { "required" } else { "optional" }
                );
                self.push_impact(Kind::PropertyAdded, place, at, message, impact);
                continue;
            };
            let required_pointer = format!("{pointer}/required");
            match (old_required.contains(name), new_required.contains(name)) {
                (false, true) => self.push(
                    Kind::PropertyMadeRequired,
                    place,
                    required_pointer,
                    format!("{member} is now required"),
                ),
                (true, false) => self.push(
                    Kind::PropertyMadeOptional,
                    place,
                    required_pointer,
                    format!("{member} is now optional"),
                ),
                _ => {}
            }
            self.schema(old_schema, schema, &place.at(at, member))?;
        }
        for name in old_props
            .keys()
            .filter(|name| !new_props.contains_key(*name))
        {
            self.push(
                Kind::PropertyRemoved,
                place,
                format!("{pointer}/properties/{}", escape_pointer(name)),
                format!("property {what}.{name} removed"),
            );
        }
        Ok(())
    }
}

/// The names a schema's `required` lists.
fn required(schema: &Value) -> BTreeSet<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}
