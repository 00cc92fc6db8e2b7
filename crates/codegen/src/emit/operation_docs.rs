//! The docs of each operation method: the spec's summary and description, its parameters with
//! their descriptions, bounds and defaults, and a `no_run` example of the fluent call.

use serde_json::Value;

use crate::model::{ArgValue, Constraints, Operation, Parameter};

/// The doc text of `Client::<operation>`.
pub fn method_doc(op: &Operation, krate: &str, body_line: Option<&str>) -> String {
    let mut doc = op.doc();
    let builder = super::held::builder_ident(op);
    doc.push_str(&format!(
        "\n\nReturns the request builder [`operations::{builder}`]: set the optional parameters, then `.send().await`."
    ));
    if !op.parameters.is_empty() || op.body.is_some() {
        doc.push_str("\n\n# Parameters\n");
        for param in &op.parameters {
            let how = if param.client_arg.optional {
                format!("optional, `.{}(...)`", param.ident)
            } else {
                "required, an argument of this method".to_owned()
            };
            doc.push_str(&format!(
                "\n- `{}` ({} {how}): {}",
                param.name,
                param.location.as_str(),
                describe(param)
            ));
        }
        if let Some(body) = &op.body {
            let ty = quote::ToTokens::to_token_stream(&body.owned_type)
                .to_string()
                .replace(' ', "");
            doc.push_str(&format!(
                "\n- `body` ({}): `{ty}`.",
                if body.required {
                    "required, the last argument of this method"
                } else {
                    "optional, `.body(...)`"
                }
            ));
        }
    }
    doc.push_str(&format!(
        "\n\n# Example\n\n{}",
        example(op, krate, body_line)
    ));
    doc
}

/// The doc text of an optional parameter's setter.
pub fn parameter_doc(param: &Parameter) -> String {
    format!(
        "The `{}` {} parameter: {}",
        param.name,
        param.location.as_str(),
        describe(param)
    )
}

/// The description, bounds and default of a parameter, in one line.
fn describe(param: &Parameter) -> String {
    let mut text = param
        .description
        .clone()
        .unwrap_or_else(|| "(the spec gives no description)".to_owned())
        .replace('\n', " ");
    if !text.ends_with('.') {
        text.push('.');
    }
    let bounds = bounds_text(&param.constraints);
    if !bounds.is_empty() {
        text.push_str(&format!(" Bounds: {bounds} (checked before sending)."));
    }
    if let Some(default) = &param.default {
        text.push_str(&format!(" Default: `{default}`."));
    }
    text
}

/// `1 to 100`, `at most 100 characters`, `pattern `…``, for docs.
pub fn bounds_text(c: &Constraints) -> String {
    let mut parts = Vec::new();
    let number = |v: f64| format!("{v}");
    match (c.minimum, c.maximum) {
        (Some(min), Some(max)) if !c.exclusive_minimum && !c.exclusive_maximum => {
            parts.push(format!("{} to {}", number(min), number(max)))
        }
        (min, max) => {
            if let Some(min) = min {
                let relation = if c.exclusive_minimum {
                    "greater than"
                } else {
                    "at least"
                };
                parts.push(format!("{relation} {}", number(min)));
            }
            if let Some(max) = max {
                let relation = if c.exclusive_maximum {
                    "less than"
                } else {
                    "at most"
                };
                parts.push(format!("{relation} {}", number(max)));
            }
        }
    }
    if let Some(min) = c.min_length {
        parts.push(format!("at least {min} characters"));
    }
    if let Some(max) = c.max_length {
        parts.push(format!("at most {max} characters"));
    }
    if let Some(pattern) = &c.pattern {
        parts.push(format!("pattern `{pattern}`"));
    }
    parts.join(", ")
}

/// The call `client.op(required…).setter(…).send()` with literal values, and the lines that
/// build its body, for examples.
pub struct Call {
    pub setup: String,
    pub call: String,
}

/// `body_line` builds the body in code (the types' shortest constructor line); without one the
/// body comes from the spec's example through serde.
pub fn call(op: &Operation, body_line: Option<&str>) -> Call {
    let mut args = Vec::new();
    let mut setters = String::new();
    let mut shown = 0;
    for param in &op.parameters {
        if !param.client_arg.optional {
            args.push(literal(param));
        } else if shown < 2 {
            if let Some(value) = setter_literal(param) {
                setters.push_str(&format!(".{}({value})", param.ident));
                shown += 1;
            }
        }
    }
    let mut setup = String::new();
    if let Some(body) = &op.body {
        let ty = quote::ToTokens::to_token_stream(&body.owned_type)
            .to_string()
            .replace(' ', "");
        let example = body
            .example
            .clone()
            .unwrap_or(Value::Object(Default::default()));
        setup = match body_line {
            Some(line) => format!("let body = {line};\n"),
            None => format!(
                "// The body, here from the spec's example.\nlet body: {ty} = serde_json::from_value(serde_json::json!({example}))?;\n"
            ),
        };
        if body.required {
            args.push("body".to_owned());
        } else {
            setters.push_str(".body(body)");
        }
    }
    Call {
        setup,
        call: format!("{}({}){setters}", op.id, args.join(", ")),
    }
}

/// A literal for a required argument.
fn literal(param: &Parameter) -> String {
    match param.client_arg.value {
        ArgValue::Str => format!(
            "{:?}",
            param
                .example
                .as_ref()
                .and_then(Value::as_str)
                .unwrap_or("9bd39495-ad21-40f7-a8a6-9c8cf9d6a822")
        ),
        ArgValue::Integer(_) => integer(param).unwrap_or(1).to_string(),
        // Any other type: from the spec's example through serde (compiled, never run).
        _ => format!(
            "serde_json::from_value(serde_json::json!({}))?",
            param.example.clone().unwrap_or(Value::Null)
        ),
    }
}

/// A literal for an optional parameter's setter, when one is easy to write.
fn setter_literal(param: &Parameter) -> Option<String> {
    match param.client_arg.value {
        ArgValue::Integer(_) => Some(integer(param)?.to_string()),
        ArgValue::Str => Some(format!("{:?}", param.example.as_ref()?.as_str()?)),
        _ => None,
    }
}

fn integer(param: &Parameter) -> Option<i64> {
    param
        .example
        .as_ref()
        .or(param.default.as_ref())
        .and_then(Value::as_i64)
        .or_else(|| param.constraints.minimum.map(|m| m as i64))
}

/// The `no_run` example of one operation.
fn example(op: &Operation, krate: &str, body_line: Option<&str>) -> String {
    let Call { setup, call } = call(op, body_line);
    let types = if op.body.is_some() {
        format!("use {krate}::types;\n")
    } else {
        String::new()
    };
    format!(
        "```no_run\n# async fn example(client: &{krate}::Client) -> Result<(), Box<dyn std::error::Error>> {{\n{types}{setup}let response = client.{call}.send().await?;\nprintln!(\"{{:?}}\", response.into_inner());\n# Ok(())\n# }}\n```"
    )
}
