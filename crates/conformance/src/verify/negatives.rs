//! The requests a server must refuse, each with the statuses the operation documents for it:
//! no and wrong credentials (401/403), input that breaks one constraint of a parameter or of
//! the body, or leaves out a required parameter (400/422), and a path parameter naming nothing
//! (404). A kind the operation documents no status for is not sent (the spec says nothing of
//! what the server answers).

use serde_json::{json, Value};
use spec_model::Spec;

use super::auth::{self, Auth};
use super::plan::OperationPlan;
use super::request::{Expect, Planned, Purpose};
use crate::index::BodyKind;
use crate::validate::Validator;

/// Statuses that refuse credentials.
const AUTH_REFUSALS: [u16; 2] = [401, 403];
/// Statuses that refuse input.
const INPUT_REFUSALS: [u16; 2] = [400, 422];

/// Every negative request of `plan`, and the kinds left out with why.
pub fn refused(
    spec: &Spec,
    validator: &Validator<'_>,
    plan: &OperationPlan<'_>,
) -> (Vec<Planned>, Vec<String>) {
    let mut out = Vec::new();
    let mut left_out = Vec::new();
    let Some(values) = plan.base_values(spec) else {
        left_out.push("no value for a required parameter".to_owned());
        return (out, left_out);
    };
    let body = plan.base_body(spec);

    let auth_statuses = plan.documented(&AUTH_REFUSALS);
    if auth::optional(&plan.requirements) {
        left_out.push("credentials: the operation needs none".to_owned());
    } else if auth_statuses.is_empty() {
        left_out.push("credentials: no 401 or 403 documented".to_owned());
    } else {
        for (auth, purpose) in [
            (Auth::Missing, Purpose::NoCredentials),
            (Auth::Wrong, Purpose::WrongCredentials),
        ] {
            out.push(plan.request(
                &values,
                body.clone(),
                auth,
                purpose,
                Expect::OneOf(auth_statuses.clone()),
            ));
        }
    }

    let input_statuses = plan.documented(&INPUT_REFUSALS);
    if input_statuses.is_empty() {
        left_out.push("invalid input: no 400 or 422 documented".to_owned());
    } else {
        let expect = Expect::OneOf(input_statuses);
        let walk = schema_instances::Walk {
            direction: schema_instances::Direction::Request,
            parameter: true,
        };
        for param in &plan.params {
            if param.location != "path" && param.location != "query" {
                continue;
            }
            let judge = schema_instances::Validator::convert(
                spec,
                &param.schema,
                schema_instances::Direction::Request,
            );
            for probe in schema_instances::probes(spec, &param.schema, walk).unwrap_or_default() {
                let Some(invalid) = probe.invalid else {
                    continue;
                };
                // Text on the wire: a value that reads back as valid text is not invalid.
                if judge.satisfied(&invalid) != Ok(false) || text_reads_valid(&judge, &invalid) {
                    continue;
                }
                let mut with = values.clone();
                with.insert(param.name.clone(), invalid);
                out.push(plan.request(
                    &with,
                    body.clone(),
                    Auth::Valid,
                    Purpose::Invalid {
                        pointer: probe.pointer,
                        constraint: probe.constraint,
                    },
                    expect.clone(),
                ));
            }
            if param.required && param.location == "query" {
                let mut without = values.clone();
                without.remove(&param.name);
                out.push(plan.request(
                    &without,
                    body.clone(),
                    Auth::Valid,
                    Purpose::Invalid {
                        pointer: format!("#{}", param.pointer),
                        constraint: "required".into(),
                    },
                    expect.clone(),
                ));
            }
        }
        if let (Some(schema), Some(spec_body)) = (&plan.body_schema, &plan.op.request) {
            let walk = schema_instances::Walk {
                direction: schema_instances::Direction::Request,
                parameter: false,
            };
            for probe in schema_instances::probes(spec, schema, walk).unwrap_or_default() {
                let Some(invalid) = probe.invalid else {
                    continue;
                };
                let breaks = validator
                    .check(plan.op, BodyKind::Request, spec_body, Some(&invalid))
                    .is_ok_and(|outcome| !outcome.conforms());
                if !breaks {
                    continue;
                }
                out.push(plan.request(
                    &values,
                    Some(invalid),
                    Auth::Valid,
                    Purpose::Invalid {
                        pointer: probe.pointer,
                        constraint: probe.constraint,
                    },
                    expect.clone(),
                ));
            }
        }
    }

    if plan.documented(&[404]).is_empty() {
        left_out.push("unknown id: no 404 documented".to_owned());
    } else {
        for param in plan.params.iter().filter(|p| p.location == "path") {
            let judge = schema_instances::Validator::convert(
                spec,
                &param.schema,
                schema_instances::Direction::Request,
            );
            let node = spec.document.pointer(&param.schema).unwrap_or(&Value::Null);
            let Some(unknown) =
                unknown_value(spec, node).filter(|v| judge.satisfied(v) == Ok(true))
            else {
                left_out.push(format!("unknown id: no unused value for `{}`", param.name));
                continue;
            };
            let mut with = values.clone();
            with.insert(param.name.clone(), unknown);
            out.push(plan.request(
                &with,
                body.clone(),
                Auth::Valid,
                Purpose::UnknownId {
                    parameter: param.name.clone(),
                },
                Expect::OneOf(vec![404]),
            ));
        }
    }
    (out, left_out)
}

/// A value of the parameter's type that no resource is likely to have.
fn unknown_value(spec: &Spec, node: &Value) -> Option<Value> {
    let node = spec.follow(node).map(|f| f.value).unwrap_or(node);
    match node.get("type").and_then(Value::as_str) {
        Some("integer") | Some("number") => {
            let max = node
                .get("maximum")
                .and_then(Value::as_i64)
                .unwrap_or(i64::MAX);
            Some(json!(max.min(987_654_321_987)))
        }
        Some("string") | None => Some(match node.get("format").and_then(Value::as_str) {
            Some("uuid") => json!("00000000-0000-4000-8000-00000000dead"),
            _ => json!("verify-unknown-id-0000"),
        }),
        _ => None,
    }
}

/// Whether the text an invalid value travels as would be read back as valid (a number sent
/// to a string parameter).
fn text_reads_valid(judge: &schema_instances::Validator, value: &Value) -> bool {
    match value {
        Value::String(_) => false,
        other => judge.satisfied(&json!(other.to_string())) == Ok(true),
    }
}
