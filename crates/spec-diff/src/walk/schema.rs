//! Comparing two schemas found at the same place: type, format, nullability, default,
//! readOnly/writeOnly, discriminator, enums, bounds, properties, additionalProperties, items
//! and (in [`super::members`]) combinator members, following `$ref`s (a shared component is
//! reported where it is defined, once per operation using it). Equivalent spellings of a
//! nullable or described reference are unwrapped first.

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
    pub(super) fn schema<'v>(
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
        // A described reference (`allOf: [$ref]`) and a nullable one (`oneOf: [$ref,
        // {enum: [null]}]`) are the referenced schema, nullable or not.
        let (old_core, old_wrapper_null) = unwrap(old, new);
        let (new_core, new_wrapper_null) = unwrap(new, old);
        self.reference_change(old_core, new_core, &place);
        let old = self.follow(Side::Old, old_core, &place.pointer)?.value;
        let followed = self.follow(Side::New, new_core, &place.pointer)?;
        place.pointer = followed.pointer_or(&place.pointer);
        let new = followed.value;

        let nullable = |v: &Value| v.get("nullable").and_then(Value::as_bool).unwrap_or(false);
        let (old_null, new_null) = (
            old_wrapper_null || nullable(old),
            new_wrapper_null || nullable(new),
        );
        // `X` facing `allOf: [X, Y]` is the one-member `allOf: [X]`: a member was added (or
        // removed), the type did not change.
        if let Some((old_all_of, new_all_of)) = all_of_pair((old_core, old), (new_core, new)) {
            self.nullability(old_null, new_null, &place);
            return self.members(&old_all_of, &new_all_of, &place);
        }
        if !self.types(old, new, &place) {
            return Ok(()); // unrelated types: nothing below compares
        }
        self.formats(old, new, &place);
        self.nullability(old_null, new_null, &place);
        let what = &place.what;
        self.deprecation(old, new, &place);
        self.flags(old, new, &place);
        self.enums(old, new, &place);
        self.bounds(old, new, &place);
        self.properties(old, new, &place)?;
        self.additional_properties(old, new, &place)?;
        if let (Some(o), Some(n)) = (old.get("items"), new.get("items")) {
            let items = place.at(format!("{}/items", place.pointer), format!("{what}[]"));
            self.schema(o, n, &items)?;
        }
        self.members(old, new, &place)
    }

    /// `nullable` (or a nullable wrapper) set or cleared.
    fn nullability(&mut self, old: bool, new: bool, place: &Place<'_>) {
        let (what, pointer) = (&place.what, format!("{}/nullable", place.pointer));
        match (old, new) {
            (false, true) => {
                let message = format!("{what} may now be null");
                self.push(Kind::NullableAdded, place, pointer, message);
            }
            (true, false) => {
                let message = format!("{what} may no longer be null");
                self.push(Kind::NullableRemoved, place, pointer, message);
            }
            _ => {}
        }
    }

    /// A reference to another component where there was one (or an inline schema where there
    /// was a reference, or back): the Rust type's name changes even when the schemas are
    /// equal. A component renamed is reported once, at the component.
    fn reference_change(&mut self, old: &Value, new: &Value, place: &Place<'_>) {
        let target = |v: &Value| reference_of(v).and_then(Result::ok).map(str::to_owned);
        let (o, n) = (target(old), target(new));
        let renamed = o
            .as_deref()
            .zip(n.as_deref())
            .is_some_and(|(o, n)| self.renamed(o, n));
        if o == n || renamed {
            return;
        }
        let show = |t: &Option<String>| t.clone().unwrap_or_else(|| "an inline schema".into());
        let message = format!(
            "{}: {} -> {} (the Rust type's name changes)",
            place.what,
            show(&o),
            show(&n)
        );
        self.push(
            Kind::ReferenceChanged,
            place,
            place.pointer.clone(),
            message,
        );
    }

    /// Whether `old` (a `$ref` of the old spec) was renamed to `new`: the old name is gone,
    /// the new one is new, and they hold the same schema.
    pub(super) fn renamed(&self, old: &str, new: &str) -> bool {
        let at = |doc: &Value, reference: &str| {
            reference
                .strip_prefix('#')
                .and_then(|pointer| doc.pointer(pointer).cloned())
        };
        at(self.new, old).is_none()
            && at(self.old, new).is_none()
            && at(self.old, old).is_some()
            && at(self.old, old) == at(self.new, new)
    }

    /// Compares `type`; false when the types are unrelated (nothing else is compared then).
    /// `integer` -> `number` widens, the reverse narrows; a type set on a schema that had
    /// none (and no combinator) narrows, dropped widens.
    fn types(&mut self, old: &Value, new: &Value, place: &Place<'_>) -> bool {
        fn text(v: &Value) -> Option<&str> {
            v.get("type").and_then(Value::as_str)
        }
        let open = |v: &Value| !COMBINATORS.iter().any(|c| v.get(*c).is_some());
        let kind = match (text(old), text(new)) {
            (o, n) if o == n => return true,
            (Some("integer"), Some("number")) => Kind::TypeWidened,
            (Some("number"), Some("integer")) => Kind::TypeNarrowed,
            (None, Some(_)) if open(old) => Kind::TypeNarrowed,
            (Some(_), None) if open(new) => Kind::TypeWidened,
            _ => Kind::TypeChanged,
        };
        self.keyword_changed(kind, place, "type", old, new);
        kind != Kind::TypeChanged
    }

    /// Compares `format`: dropped widens, set narrows, `int32` -> `int64` and `float` ->
    /// `double` widen (and back narrow); any other change is unrelated.
    fn formats(&mut self, old: &Value, new: &Value, place: &Place<'_>) {
        fn text(v: &Value) -> Option<&str> {
            v.get("format").and_then(Value::as_str)
        }
        let kind = match (text(old), text(new)) {
            (o, n) if o == n => return,
            (Some(_), None) | (Some("int32"), Some("int64")) | (Some("float"), Some("double")) => {
                Kind::FormatWidened
            }
            (None, Some(_)) | (Some("int64"), Some("int32")) | (Some("double"), Some("float")) => {
                Kind::FormatNarrowed
            }
            _ => Kind::FormatChanged,
        };
        self.keyword_changed(kind, place, "format", old, new);
    }

    /// `default`, `readOnly`, `writeOnly` and `discriminator`.
    fn flags(&mut self, old: &Value, new: &Value, place: &Place<'_>) {
        let what = &place.what;
        let default_kind = match (old.get("default"), new.get("default")) {
            (o, n) if o == n => None,
            (None, Some(_)) => Some(Kind::DefaultAdded),
            (Some(_), None) => Some(Kind::DefaultRemoved),
            _ => Some(Kind::DefaultChanged),
        };
        if let Some(kind) = default_kind {
            self.keyword_changed(kind, place, "default", old, new);
        }
        let flag = |v: &Value, key: &str| v.get(key).and_then(Value::as_bool).unwrap_or(false);
        for (keyword, added, removed, meaning) in [
            (
                "readOnly",
                Kind::ReadOnlyAdded,
                Kind::ReadOnlyRemoved,
                "sent only in responses",
            ),
            (
                "writeOnly",
                Kind::WriteOnlyAdded,
                Kind::WriteOnlyRemoved,
                "sent only in requests",
            ),
        ] {
            let kind = match (flag(old, keyword), flag(new, keyword)) {
                (false, true) => added,
                (true, false) => removed,
                _ => continue,
            };
            let not = if kind == added { "" } else { "no longer " };
            self.push(
                kind,
                place,
                format!("{}/{keyword}", place.pointer),
                format!("{what} is {not}{meaning}"),
            );
        }
        if old.get("discriminator") != new.get("discriminator") {
            self.keyword_changed(Kind::DiscriminatorChanged, place, "discriminator", old, new);
        }
    }

    /// `additionalProperties`: absent or `true` accept any member, a schema accepts some,
    /// `false` none; two schemas are compared.
    fn additional_properties<'v>(
        &mut self,
        old: &'v Value,
        new: &'v Value,
        place: &Place<'_>,
    ) -> Result<(), DiffError>
    where
        'a: 'v,
    {
        let extra = |v: &'v Value| match v.get("additionalProperties") {
            None | Some(Value::Bool(true)) => Extra::Any,
            Some(Value::Bool(false)) => Extra::Nothing,
            Some(schema) => Extra::Some(schema),
        };
        let kind = match (extra(old), extra(new)) {
            (Extra::Some(o), Extra::Some(n)) => {
                let at = place.at(
                    format!("{}/additionalProperties", place.pointer),
                    format!("{}.*", place.what),
                );
                return self.schema(o, n, &at);
            }
            (Extra::Any, Extra::Any) | (Extra::Nothing, Extra::Nothing) => return Ok(()),
            (Extra::Any, _) | (Extra::Some(_), Extra::Nothing) => Kind::BoundTightened,
            _ => Kind::BoundLoosened,
        };
        self.keyword_changed(kind, place, "additionalProperties", old, new);
        Ok(())
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
        self.exclusive_bounds(old, new, place);
        self.multiple_of(old, new, place);
        self.pattern(old, new, place);
        let unique = |v: &Value| v.get("uniqueItems").and_then(Value::as_bool) == Some(true);
        let kind = match (unique(old), unique(new)) {
            (false, true) => Kind::BoundTightened,
            (true, false) => Kind::BoundLoosened,
            _ => return,
        };
        self.keyword_changed(kind, place, "uniqueItems", old, new);
    }

    /// OpenAPI 3.0's boolean `exclusiveMinimum`/`exclusiveMaximum`: set tightens the bound.
    fn exclusive_bounds(&mut self, old: &Value, new: &Value, place: &Place<'_>) {
        for keyword in ["exclusiveMinimum", "exclusiveMaximum"] {
            let flag = |v: &Value| v.get(keyword).and_then(Value::as_bool) == Some(true);
            let kind = match (flag(old), flag(new)) {
                (false, true) => Kind::BoundTightened,
                (true, false) => Kind::BoundLoosened,
                _ => continue,
            };
            self.keyword_changed(kind, place, keyword, old, new);
        }
    }

    /// `multipleOf`: the new step a multiple of the old tightens (2 -> 4), a divisor loosens
    /// (4 -> 2), anything else (2 -> 3) does both.
    fn multiple_of(&mut self, old: &Value, new: &Value, place: &Place<'_>) {
        let step = |v: &Value| v.get("multipleOf").and_then(Value::as_f64);
        let divides = |d: f64, n: f64| d != 0.0 && (n / d - (n / d).round()).abs() < 1e-9;
        let kind = match (step(old), step(new)) {
            (o, n) if o == n => return,
            (None, Some(_)) => Kind::BoundTightened,
            (Some(_), None) => Kind::BoundLoosened,
            (Some(o), Some(n)) if divides(o, n) => Kind::BoundTightened,
            (Some(o), Some(n)) if divides(n, o) => Kind::BoundLoosened,
            _ => Kind::BoundChanged,
        };
        self.keyword_changed(kind, place, "multipleOf", old, new);
    }

    /// `pattern`: two regular expressions cannot be compared in general, so only added
    /// (tightens) and removed (loosens) are decided; a rewritten pattern is both, and the
    /// message says so.
    fn pattern(&mut self, old: &Value, new: &Value, place: &Place<'_>) {
        let (kind, note) = match (old.get("pattern"), new.get("pattern")) {
            (o, n) if o == n => return,
            (None, Some(_)) => (Kind::BoundTightened, ""),
            (Some(_), None) => (Kind::BoundLoosened, ""),
            _ => (
                Kind::BoundChanged,
                " (two patterns cannot be compared: treated as tighter and looser)",
            ),
        };
        let message = format!(
            "{}: pattern {} -> {}{note}",
            place.what,
            compact(old.get("pattern")),
            compact(new.get("pattern"))
        );
        self.push(kind, place, format!("{}/pattern", place.pointer), message);
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

/// The schema combinators.
pub(super) const COMBINATORS: [&str; 3] = ["oneOf", "anyOf", "allOf"];

/// How many undeclared members an object schema accepts (`additionalProperties`).
#[derive(PartialEq)]
enum Extra<'s> {
    /// Absent or `true`.
    Any,
    /// A schema.
    Some(&'s Value),
    /// `false`.
    Nothing,
}

/// Two schemas of which exactly one is an `allOf` and the other has no combinator: the other
/// as the one-member `allOf: [core]` (its `$ref` kept, so members match by identity), and the
/// `allOf` as it is. `None` for any other pair.
fn all_of_pair(
    (old_core, old): (&Value, &Value),
    (new_core, new): (&Value, &Value),
) -> Option<(Value, Value)> {
    let composed = |v: &Value| COMBINATORS.iter().any(|c| v.get(*c).is_some());
    let all_of = |v: &Value| v.get("allOf").is_some();
    let as_member = |core: &Value| serde_json::json!({ "allOf": [core] });
    match (all_of(old), all_of(new)) {
        (false, true) if !composed(old) => Some((as_member(old_core), new.clone())),
        (true, false) if !composed(new) => Some((old.clone(), as_member(new_core))),
        _ => None,
    }
}

/// A schema wrapping one other: `allOf: [S]` (a described reference), or `oneOf`/`anyOf`:
/// `[S, {enum: [null]}]` (a nullable one, in either order). Returns `S` and whether the
/// wrapper makes it nullable; anything else is itself. A wrapper is kept when the other
/// version uses the same combinator, so that its members are compared one to one.
fn unwrap<'v>(schema: &'v Value, other: &Value) -> (&'v Value, bool) {
    let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
    let members = |keyword: &str| {
        schema
            .get(keyword)
            .and_then(Value::as_array)
            .filter(|_| other.get(keyword).is_none() && schema.get("properties").is_none())
    };
    if let Some([only]) = members("allOf").map(Vec::as_slice) {
        return (only, nullable);
    }
    let is_null = |v: &Value| v.get("enum") == Some(&Value::Array(vec![Value::Null]));
    for keyword in ["oneOf", "anyOf"] {
        match members(keyword).map(Vec::as_slice) {
            Some([a, b]) if is_null(b) => return (a, true),
            Some([a, b]) if is_null(a) => return (b, true),
            _ => {}
        }
    }
    (schema, false)
}
