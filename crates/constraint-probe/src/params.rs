//! Parameters, from both ends. Client side: whether the client argument's Rust type (from the
//! model: `Option<u64>`, `String`, `types::ListUsersResolve`) can hold the value, and whether
//! the request builder's bound check (`client_runtime::bounds`) lets it through. Server side: the generated servers'
//! own extractor, `server_runtime::read_params`, with the schema the generator embeds.

use std::collections::BTreeSet;
use std::num::NonZeroU64;

use client_runtime::bounds;
use codegen::model::{
    ApiModel, ArgValue, ClientCheck, Constraints, IntegerRepr, Location, ParamKind, Parameter,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use server_runtime::{LazySchema, ParamSpec};
use spec_model::Spec;

use schema_instances::{Direction, Validator, Walk};

use crate::walk::judge;
use crate::{Outcome, Row, Side, Types};

/// Every parameter of every operation, once per place it is defined (a shared parameter is
/// probed at its first operation).
pub fn parameters(spec: &Spec, model: &ApiModel, types: &dyn Types) -> Vec<Row> {
    let mut seen = BTreeSet::new();
    let mut rows = Vec::new();
    for operation in &model.operations {
        for param in &operation.parameters {
            if !seen.insert(param.pointer.clone()) {
                continue;
            }
            rows.extend(parameter(spec, &operation.id, param, types));
        }
    }
    rows
}

fn parameter(spec: &Spec, operation: &str, param: &Parameter, types: &dyn Types) -> Vec<Row> {
    let subject = format!("{operation}({})", param.name);
    let schema_pointer = format!("{}/schema", param.pointer);
    let row = |pointer: String, constraint: &str, side: Side, outcome: Outcome| Row {
        api: spec.api.clone(),
        subject: subject.clone(),
        line: spec.line_of(pointer.trim_start_matches('#')),
        pointer,
        constraint: constraint.to_owned(),
        side,
        outcome,
    };
    let server = ServerSide::new(param);
    let mut rows = Vec::new();
    if param.required {
        let pointer = format!("#{}/required", param.pointer);
        let client = if param.client_arg.optional {
            Outcome::Unenforced("the client argument is an `Option`: it can be left out".to_owned())
        } else {
            Outcome::Enforced
        };
        rows.push(row(pointer.clone(), "required", Side::Client, client));
        let server = match server.read(None) {
            Ok(()) => Outcome::Unenforced("the extractor accepts a request without it".to_owned()),
            Err(_) => Outcome::Enforced,
        };
        rows.push(row(pointer, "required", Side::Server, server));
    }
    let walk = Walk {
        direction: Direction::Request,
        parameter: true,
    };
    let probes = match schema_instances::probes(spec, &schema_pointer, walk) {
        Ok(probes) => probes,
        Err(why) => {
            rows.push(row(
                format!("#{schema_pointer}"),
                "schema",
                Side::Client,
                Outcome::NotProbed(why),
            ));
            return rows;
        }
    };
    let validator = Validator::from_schema(&param.schema);
    for probe in &probes {
        let client = judge(probe, &validator, |value| {
            match client_accepts(param, types, value) {
                Some(result) => result,
                None => Err(String::from("unprobed")),
            }
        });
        let client = match client_accepts(param, types, &probe.valid) {
            None => Outcome::NotProbed(format!(
                "the probe does not know the client type `{}`",
                type_text(param)
            )),
            Some(_) => client,
        };
        rows.push(row(
            probe.pointer.clone(),
            &probe.constraint,
            Side::Client,
            client,
        ));
        let server = judge(probe, &validator, |value| server.read(Some(value)));
        rows.push(row(
            probe.pointer.clone(),
            &probe.constraint,
            Side::Server,
            server,
        ));
    }
    rows
}

/// The extractor of the generated servers, set up as the generator sets it up for `param`.
struct ServerSide {
    location: &'static str,
    spec: ParamSpec,
}

impl ServerSide {
    fn new(param: &Parameter) -> ServerSide {
        // `ParamSpec` holds `'static` data, as the generated servers' statics do: one small leak
        // per parameter probed, bounded by the spec.
        let leak = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
        let schema: &'static LazySchema =
            Box::leak(Box::new(LazySchema::new(leak(param.schema.to_string()))));
        ServerSide {
            location: match param.location {
                Location::Path => "path",
                Location::Query => "query",
            },
            spec: ParamSpec {
                name: leak(param.name.clone()),
                kind: match param.kind {
                    ParamKind::String => server_runtime::ParamKind::String,
                    ParamKind::Integer => server_runtime::ParamKind::Integer,
                    ParamKind::Number => server_runtime::ParamKind::Number,
                    ParamKind::Boolean => server_runtime::ParamKind::Boolean,
                },
                required: param.required,
                default: param.default.as_ref().map(|d| leak(d.to_string())),
                schema,
            },
        }
    }

    /// The extractor's answer to the parameter sent as `value`'s text (`None`: not sent).
    fn read(&self, value: Option<&Value>) -> Result<(), String> {
        let pairs: Vec<(String, String)> = value
            .map(|value| {
                let text = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                vec![(self.spec.name.to_owned(), text)]
            })
            .unwrap_or_default();
        server_runtime::read_params(
            &pairs,
            std::slice::from_ref(&self.spec),
            self.location,
            http::StatusCode::BAD_REQUEST,
        )
        .map(|_| ())
        .map_err(|rejection| rejection.message)
    }
}

/// The client argument's type as text, without `Option<..>` and references.
fn type_text(param: &Parameter) -> String {
    let ty = &param.client_type;
    let text: String = quote::quote!(#ty)
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let text = text
        .strip_prefix("Option<")
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(&text);
    let text = text
        .strip_prefix("&'a")
        .or_else(|| text.strip_prefix('&'))
        .unwrap_or(text);
    text.to_owned()
}

fn holds<T: DeserializeOwned>(value: &Value) -> Result<(), String> {
    T::deserialize(value).map(|_| ()).map_err(|e| e.to_string())
}

/// Whether the client sends `value`: its argument's type can hold it, and the request builder's
/// bound check (`client_runtime::bounds`, on the model's `client_check`) lets it through;
/// `None` for a type the probe does not know.
pub fn client_accepts(
    param: &Parameter,
    types: &dyn Types,
    value: &Value,
) -> Option<Result<(), String>> {
    Some(type_holds(param, types, value)?.and_then(|()| builder_check(param, value)))
}

/// What the request builder's check says of `value`, as the generated client runs it.
fn builder_check(param: &Parameter, value: &Value) -> Result<(), String> {
    let what = format!("parameter `{}`", param.name);
    let bound = |c: &Constraints| bounds::Bound {
        minimum: c.minimum,
        exclusive_minimum: c.exclusive_minimum,
        maximum: c.maximum,
        exclusive_maximum: c.exclusive_maximum,
        min_length: c.min_length,
        max_length: c.max_length,
        pattern: None,
        min_items: c.min_items,
        max_items: c.max_items,
    };
    match (param.client_check(), value) {
        (Some(ClientCheck::Number(c)), Value::Number(n)) => match n.as_f64() {
            Some(number) => bounds::check_number("probe", &what, number, &bound(&c)),
            None => Ok(()),
        },
        (Some(ClientCheck::Text(c)), Value::String(text)) => {
            bounds::check_text("probe", &what, text, &bound(&c))?;
            match &c.pattern {
                Some(pattern) => bounds::check_pattern("probe", &what, text, pattern),
                None => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// Whether the client argument's Rust type can hold `value`.
fn type_holds(param: &Parameter, types: &dyn Types, value: &Value) -> Option<Result<(), String>> {
    let text = type_text(param);
    Some(match param.client_arg.value {
        ArgValue::Str => holds::<String>(value),
        ArgValue::Integer(IntegerRepr::NonZeroU64) => holds::<NonZeroU64>(value),
        ArgValue::Integer(IntegerRepr::U64) => holds::<u64>(value),
        _ => match text.as_str() {
            "i64" => holds::<i64>(value),
            "i32" => holds::<i32>(value),
            "u32" => holds::<u32>(value),
            "bool" => holds::<bool>(value),
            "f64" => holds::<f64>(value),
            "::uuid::Uuid" => holds::<uuid::Uuid>(value),
            "::chrono::NaiveDate" => holds::<chrono::NaiveDate>(value),
            "::chrono::DateTime<::chrono::offset::Utc>" | "::chrono::DateTime<::chrono::Utc>" => {
                holds::<chrono::DateTime<chrono::Utc>>(value)
            }
            other => {
                let name = other.strip_prefix("types::")?;
                types.deserialize(name, value)?
            }
        },
    })
}
