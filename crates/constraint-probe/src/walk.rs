//! Probes of schemas and bodies, asked of the generated type: the pairs of instances
//! `schema_instances::probes` builds for each component and each inline body, judged against
//! the spec's own JSON Schema before the generated code is asked.

use serde_json::Value;
use spec_model::{escape_pointer, Spec};

use codegen::model::ApiModel;
use schema_instances::{probes, Direction, Probe, Validator, Walk};

use crate::{Outcome, Row, Side, Types};

/// The verdict on one probe: the spec (through `validator`) must allow `valid` and refuse
/// `invalid`, or the probe says so instead of judging the generated code.
pub fn judge(
    probe: &Probe,
    validator: &Validator,
    accepts: impl Fn(&Value) -> Result<(), String>,
) -> Outcome {
    match validator.satisfied(&probe.valid) {
        Err(e) => return Outcome::NotProbed(format!("the spec's schema does not compile: {e}")),
        Ok(false) => {
            return Outcome::NotProbed(format!(
                "the probe's instance ({}) does not satisfy the spec",
                probe.shown
            ))
        }
        Ok(true) => {}
    }
    if let Err(e) = accepts(&probe.valid) {
        let what = if probe.invalid.is_none() {
            probe.shown.as_str()
        } else {
            "the probe's base instance"
        };
        return Outcome::Unenforced(format!("refuses {what}, which the spec allows: {e}"));
    }
    let Some(invalid) = &probe.invalid else {
        return Outcome::Enforced;
    };
    match validator.satisfied(invalid) {
        Ok(true) => Outcome::NotProbed(format!(
            "the breaking instance ({}) still satisfies the spec",
            probe.shown
        )),
        _ => match accepts(invalid) {
            Ok(()) => Outcome::Unenforced(format!("accepts {}", probe.shown)),
            Err(_) => Outcome::Enforced,
        },
    }
}

/// Every component schema, asked of the type of the same name. A date-time component the
/// declared `x-timestamp-form` replaces by `chrono::DateTime<Utc>` has no type of its own: it
/// is probed in the members that use it.
pub fn schemas(spec: &Spec, model: &ApiModel, types: &dyn Types) -> Vec<Row> {
    let type_names = &model.type_names;
    let mut rows = Vec::new();
    let Some(components) = spec
        .document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return rows;
    };
    for name in components
        .keys()
        .filter(|n| !model.is_timestamp_component(n))
    {
        let root = format!("/components/schemas/{}", escape_pointer(name));
        let Some(type_name) = rust_name(type_names, name) else {
            rows.push(unprobed(
                spec,
                name,
                &root,
                format!("no generated type is named after `{name}`"),
            ));
            continue;
        };
        let accepts = |value: &Value| {
            types
                .deserialize(type_name, value)
                .unwrap_or_else(|| Err(format!("the types crate has no `{type_name}`")))
        };
        rows.extend(rows_of(
            spec,
            type_name,
            &root,
            component_direction(&components[name]),
            accepts,
        ));
    }
    rows
}

/// Request and response bodies whose schema is written in place (a `$ref` body is its
/// component's), asked of the operation's body type.
pub fn bodies(spec: &Spec, types: &dyn Types) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for operation in spec.operations() {
        let id = operation.name();
        let base = operation.pointer();
        let mut places: Vec<(Option<u16>, String)> = vec![(None, format!("{base}/requestBody"))];
        if let Some(responses) = operation.value.get("responses").and_then(Value::as_object) {
            for status in responses.keys() {
                if let Ok(code) = status.parse::<u16>() {
                    places.push((Some(code), format!("{base}/responses/{status}")));
                }
            }
        }
        for (status, place) in places {
            let Some(object) = spec.document.pointer(&place) else {
                continue;
            };
            let place = match spec.follow(object) {
                Ok(followed) => followed.pointer.unwrap_or(place),
                Err(_) => continue,
            };
            let schema = format!("{place}/content/application~1json/schema");
            let Some(node) = spec.document.pointer(&schema) else {
                continue;
            };
            if node.get("$ref").is_some() || !seen.insert(schema.clone()) {
                continue;
            }
            let subject = match status {
                None => format!("{id} request"),
                Some(code) => format!("{id} {code}"),
            };
            let direction = if status.is_none() {
                Direction::Request
            } else {
                Direction::Response
            };
            let accepts = |value: &Value| {
                types.body(&id, status, value).unwrap_or_else(|| {
                    Err(format!("the types crate has no body type for {subject}"))
                })
            };
            rows.extend(rows_of(spec, &subject, &schema, direction, accepts));
        }
    }
    rows
}

fn rows_of(
    spec: &Spec,
    subject: &str,
    root: &str,
    direction: Direction,
    accepts: impl Fn(&Value) -> Result<(), String>,
) -> Vec<Row> {
    let walk = Walk {
        direction,
        parameter: false,
    };
    let probes = match probes(spec, root, walk) {
        Ok(probes) => probes,
        Err(why) => return vec![unprobed(spec, subject, root, why)],
    };
    let validator = Validator::convert(spec, root, direction);
    probes
        .iter()
        .map(|probe| Row {
            api: spec.api.clone(),
            subject: subject.to_owned(),
            line: spec.line_of(probe.pointer.trim_start_matches('#')),
            pointer: probe.pointer.clone(),
            constraint: probe.constraint.clone(),
            side: Side::Types,
            outcome: judge(probe, &validator, &accepts),
        })
        .collect()
}

fn unprobed(spec: &Spec, subject: &str, root: &str, why: String) -> Row {
    Row {
        api: spec.api.clone(),
        subject: subject.to_owned(),
        pointer: format!("#{root}"),
        line: spec.line_of(root),
        constraint: "schema".to_owned(),
        side: Side::Types,
        outcome: Outcome::NotProbed(why),
    }
}

/// A component with `writeOnly` members is something clients send (its type requires them):
/// probe it as a request; every other component as a response.
pub(crate) fn component_direction(schema: &Value) -> Direction {
    let write_only = schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| {
            p.values()
                .any(|m| m.get("writeOnly") == Some(&Value::Bool(true)))
        });
    if write_only {
        Direction::Request
    } else {
        Direction::Response
    }
}

/// The Rust type typify names after a component (`Profile`, `user_list` -> `UserList`).
pub(crate) fn rust_name<'a>(type_names: &'a [String], component: &str) -> Option<&'a str> {
    let squashed: String = component.chars().filter(|c| c.is_alphanumeric()).collect();
    type_names
        .iter()
        .find(|t| t.as_str() == component)
        .or_else(|| {
            type_names
                .iter()
                .find(|t| t.eq_ignore_ascii_case(&squashed))
        })
        .map(String::as_str)
}
