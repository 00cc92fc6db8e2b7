//! Stateful flows along the spec's `links`: from each operation that links on and is linked to
//! by none (a create), every link of a success answer is followed, values carried by the
//! link's runtime expressions (`$response.body#/id`, `$request.path.id`, ...), depth first,
//! destructive steps after their siblings. A read (`GET`) after a write must show the members
//! the write sent (by name, in the object of its answer that shares the most of them).

use std::collections::BTreeMap;

use serde_json::Value;
use spec_model::{escape_pointer, Spec};

use super::plan::OperationPlan;
use super::request::{Expect, Purpose};
use super::{Runner, Sent, StepInfo};
use crate::findings::Class;

/// Steps a flow follows at most from its first request.
pub const MAX_DEPTH: usize = 6;

/// One link of an operation's success answer.
#[derive(Debug, Clone)]
pub struct Link {
    pub name: String,
    /// The status key of the answer it hangs on.
    pub status: String,
    pub operation_id: String,
    pub parameters: BTreeMap<String, Value>,
    pub request_body: Option<Value>,
}

/// The links of every 2xx answer of an operation.
pub fn links(spec: &Spec, plan: &OperationPlan<'_>) -> Vec<Link> {
    let mut out = Vec::new();
    for response in plan.op.responses.iter().filter(|r| r.key.starts_with('2')) {
        let pointer = format!(
            "{}/responses/{}",
            plan.op.pointer,
            escape_pointer(&response.key)
        );
        let Some(raw) = spec.document.pointer(&pointer) else {
            continue;
        };
        let response_value = spec.follow(raw).map(|f| f.value).unwrap_or(raw);
        let Some(map) = response_value.get("links").and_then(Value::as_object) else {
            continue;
        };
        for (name, link) in map {
            let link = spec.follow(link).map(|f| f.value).unwrap_or(link);
            let Some(operation_id) = link.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let parameters = link
                .get("parameters")
                .and_then(Value::as_object)
                .map(|p| {
                    p.iter()
                        .map(|(key, value)| {
                            let name = key.rsplit_once('.').map_or(key.as_str(), |(_, n)| n);
                            (name.to_owned(), value.clone())
                        })
                        .collect()
                })
                .unwrap_or_default();
            out.push(Link {
                name: name.clone(),
                status: response.key.clone(),
                operation_id: operation_id.to_owned(),
                parameters,
                request_body: link.get("requestBody").cloned(),
            });
        }
    }
    out
}

/// A step waiting to be sent.
struct Pending {
    flow: String,
    step: usize,
    plan: usize,
    values: BTreeMap<String, Value>,
    body: Option<Value>,
    /// The last write on the way here: its operation and body.
    write: Option<(String, Value)>,
    /// Operations already on the way here (no cycles).
    visited: Vec<usize>,
    /// What makes this flow's written values its own ([`unique`]).
    tag: String,
    /// The link this step follows (`operation.link`), none for a flow's first step.
    link: Option<String>,
}

/// Runs every flow.
pub async fn run(runner: &mut Runner<'_, '_>, plans: &[OperationPlan<'_>]) {
    let spec = runner.validator.spec();
    let all: Vec<Vec<Link>> = plans.iter().map(|plan| links(spec, plan)).collect();
    let targets: Vec<&str> = all
        .iter()
        .flatten()
        .map(|l| l.operation_id.as_str())
        .collect();
    let index = |name: &str| plans.iter().position(|p| p.op.name == name);
    runner.report.links_declared = all.iter().map(Vec::len).sum();
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() % 1_000_000);
    for (root, plan) in plans.iter().enumerate() {
        if all[root].is_empty() || targets.contains(&plan.op.name.as_str()) {
            continue;
        }
        if plan.destructive && !runner.options.allow_destructive {
            continue;
        }
        let Some(values) = plan.base_values(spec) else {
            continue;
        };
        let tag = format!("{nonce}-{root}");
        let body = plan
            .base_body(spec)
            .map(|body| unique(runner, plan, body, &tag));
        let mut stack = vec![Pending {
            flow: plan.op.name.clone(),
            step: 1,
            plan: root,
            values,
            body,
            write: None,
            visited: vec![root],
            tag,
            link: None,
        }];
        while let Some(pending) = stack.pop() {
            let plan = &plans[pending.plan];
            if let Some(hook) = runner.options.step_hook.clone() {
                hook(&StepInfo {
                    flow: &pending.flow,
                    step: pending.step,
                    operation: &plan.op.name,
                    values: &pending.values,
                });
            }
            let planned = plan.request(
                &pending.values,
                pending.body.clone(),
                super::Auth::Valid,
                Purpose::Flow {
                    flow: pending.flow.clone(),
                    step: pending.step,
                },
                Expect::Success,
            );
            runner.report.flow_steps += 1;
            let Some(sent) = runner.send(plan, &planned).await else {
                continue;
            };
            if let Some(link) = &pending.link {
                runner.report.links_followed.insert(link.clone());
            }
            if plan.op.method.eq_ignore_ascii_case("get") {
                if let (Some((writer, written)), Some(read)) = (&pending.write, &sent.body) {
                    reflects(runner, plan, &planned, writer, written, read);
                }
            }
            if !(200..300).contains(&sent.status) || pending.visited.len() >= MAX_DEPTH {
                continue;
            }
            let write = match &sent.request_body {
                _ if plan.op.method.eq_ignore_ascii_case("get") => pending.write.clone(),
                Some(body) => Some((plan.op.name.clone(), declared_only(spec, plan, body))),
                None => None,
            };
            let answered = plan.op.response(sent.status).map(|r| r.key.clone());
            let mut children: Vec<Pending> = Vec::new();
            for link in all[pending.plan]
                .iter()
                .filter(|l| Some(&l.status) == answered.as_ref())
            {
                let Some(next) = index(&link.operation_id) else {
                    continue;
                };
                let target = &plans[next];
                if pending.visited.contains(&next)
                    || target.destructive && !runner.options.allow_destructive
                {
                    continue;
                }
                let Some(mut values) = target.base_values(spec) else {
                    continue;
                };
                for (name, expression) in &link.parameters {
                    if let Some(value) = evaluate(expression, &sent, &pending.values) {
                        values.insert(name.clone(), value);
                    }
                }
                let body = match &link.request_body {
                    Some(template) => Some(fill(template, &sent, &pending.values)),
                    None => target
                        .base_body(spec)
                        .map(|body| unique(runner, target, body, &pending.tag)),
                };
                let mut visited = pending.visited.clone();
                visited.push(next);
                children.push(Pending {
                    flow: format!("{} > {}", pending.flow, link.name),
                    step: pending.step + 1,
                    plan: next,
                    values,
                    body,
                    write: write.clone(),
                    visited,
                    tag: pending.tag.clone(),
                    link: Some(format!("{}.{}", plan.op.name, link.name)),
                });
            }
            // Depth first. Among siblings reads go first (they see this step's write before a
            // sibling changes it), destructive steps last (they end the resource).
            children.sort_by_key(|child| {
                let target = &plans[child.plan];
                match (
                    target.destructive,
                    target.op.method.eq_ignore_ascii_case("get"),
                ) {
                    (true, _) => 2,
                    (false, true) => 0,
                    (false, false) => 1,
                }
            });
            stack.extend(children.into_iter().rev());
        }
    }
}

/// A runtime expression's value: `$response.body#/p`, `$request.body#/p`, `$request.path.n`,
/// `$request.query.n`, `$statusCode`; anything else is a constant.
fn evaluate(expression: &Value, sent: &Sent, values: &BTreeMap<String, Value>) -> Option<Value> {
    let Some(text) = expression.as_str().filter(|t| t.starts_with('$')) else {
        return Some(expression.clone());
    };
    if let Some(pointer) = text.strip_prefix("$response.body#") {
        return sent.body.as_ref()?.pointer(pointer).cloned();
    }
    if let Some(pointer) = text.strip_prefix("$request.body#") {
        return sent.request_body.as_ref()?.pointer(pointer).cloned();
    }
    if let Some(name) = text
        .strip_prefix("$request.path.")
        .or_else(|| text.strip_prefix("$request.query."))
    {
        return values.get(name).cloned();
    }
    if text == "$statusCode" {
        return Some(Value::from(sent.status));
    }
    None
}

/// A `requestBody` template with each runtime expression string replaced by its value.
fn fill(template: &Value, sent: &Sent, values: &BTreeMap<String, Value>) -> Value {
    match template {
        Value::String(_) => evaluate(template, sent, values).unwrap_or(Value::Null),
        Value::Array(items) => Value::Array(items.iter().map(|i| fill(i, sent, values)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), fill(v, sent, values)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The members of the write's body the read's answer must show.
fn reflects(
    runner: &mut Runner<'_, '_>,
    plan: &OperationPlan<'_>,
    planned: &super::Planned,
    writer: &str,
    written: &Value,
    read: &Value,
) {
    let Some(written) = written.as_object() else {
        return;
    };
    let scalars: Vec<(&String, &Value)> = written
        .iter()
        .filter(|(_, v)| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_)))
        .collect();
    let mut best: Option<(usize, String, &serde_json::Map<String, Value>)> = None;
    objects(read, String::new(), 0, &mut |pointer, object| {
        let score = scalars
            .iter()
            .filter(|(k, _)| object.contains_key(*k))
            .count();
        if score > best.as_ref().map_or(0, |b| b.0) {
            best = Some((score, pointer, object));
        }
    });
    let Some((_, pointer, object)) = best else {
        return;
    };
    for (name, value) in scalars {
        let Some(shown) = object.get(name) else {
            continue;
        };
        if !same(value, shown) {
            let path = format!("{pointer}/{}", escape_pointer(name));
            let message = format!(
                "`{}` does not show what `{writer}` wrote: `{name}` is {shown}, the write sent {value}",
                plan.op.name
            );
            let spec_pointer = format!("{}/responses", plan.op.pointer);
            runner.report.findings.push(super::Finding {
                class: Class::Violation,
                operation: plan.op.name.clone(),
                request: planned.purpose.to_string(),
                method: planned.method.to_ascii_uppercase(),
                path: super::request::fill_path(&plan.op.path, &planned.path_values),
                status: None,
                keyword: "reflects".into(),
                pointer: path,
                location: runner.validator.location_of(&spec_pointer),
                spec_pointer: Some(spec_pointer),
                message,
            });
        }
    }
}

/// Calls `visit` with every object of `value` (depth-limited) and its pointer.
fn objects<'a>(
    value: &'a Value,
    pointer: String,
    depth: usize,
    visit: &mut dyn FnMut(String, &'a serde_json::Map<String, Value>),
) {
    if depth > 8 {
        return;
    }
    match value {
        Value::Object(map) => {
            visit(pointer.clone(), map);
            for (key, member) in map {
                objects(
                    member,
                    format!("{pointer}/{}", escape_pointer(key)),
                    depth + 1,
                    visit,
                );
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                objects(item, format!("{pointer}/{index}"), depth + 1, visit);
            }
        }
        _ => {}
    }
}

/// Equal as data: `1`/`true` and `0`/`false` are one flag (Publica.la writes flags as 1/0 and
/// reads them as booleans), numbers by value, text exactly.
fn same(written: &Value, shown: &Value) -> bool {
    let flag = |v: &Value| match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) if n.as_f64() == Some(1.0) => Some(true),
        Value::Number(n) if n.as_f64() == Some(0.0) => Some(false),
        _ => None,
    };
    match (written, shown) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Bool(_), _) | (_, Value::Bool(_)) => {
            flag(written).is_some() && flag(written) == flag(shown)
        }
        _ => written == shown,
    }
}

/// The `properties` of the request body schema at `schema`.
fn declared<'s>(spec: &'s Spec, schema: &str) -> Option<&'s serde_json::Map<String, Value>> {
    spec.document
        .pointer(schema)
        .map(|node| spec.follow(node).map(|f| f.value).unwrap_or(node))
        .and_then(|node| node.get("properties"))
        .and_then(Value::as_object)
}

/// The members of a written body the request schema declares: an undeclared member is not
/// stored, so no read has to show it.
fn declared_only(spec: &Spec, plan: &OperationPlan<'_>, body: &Value) -> Value {
    let (Some(schema), Value::Object(members)) = (&plan.body_schema, body) else {
        return body.clone();
    };
    let Some(names) = declared(spec, schema) else {
        return body.clone();
    };
    Value::Object(
        members
            .iter()
            .filter(|(name, _)| names.contains_key(*name))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect(),
    )
}

/// The first request of a flow made unique, so that a create does not meet the seeds' record
/// (an e-mail address gets a tag in its local part, an id-like text a suffix); kept only when
/// the validator still accepts it.
fn unique(runner: &Runner<'_, '_>, plan: &OperationPlan<'_>, body: Value, tag: &str) -> Value {
    let (Some(schema), Some(spec_body)) = (&plan.body_schema, &plan.op.request) else {
        return body;
    };
    let spec = runner.validator.spec();
    let Value::Object(members) = &body else {
        return body;
    };
    let declared = declared(spec, schema);
    let mut edited = members.clone();
    for (name, value) in members {
        let Value::String(text) = value else { continue };
        let member = declared
            .and_then(|d| d.get(name))
            .map(|m| spec.follow(m).map(|f| f.value).unwrap_or(m));
        let Some(member) = member else { continue };
        if member.get("enum").is_some() || member.get("pattern").is_some() {
            continue;
        }
        let changed = match member.get("format").and_then(Value::as_str) {
            Some("email") => match text.split_once('@') {
                Some((local, domain)) => format!("{local}+v{}@{domain}", tag.replace('-', "x")),
                None => continue,
            },
            Some("uuid") if text.len() == 36 => {
                let digits: String = tag.chars().filter(char::is_ascii_digit).collect();
                format!(
                    "{}{:0>12}",
                    &text[..24],
                    &digits[digits.len().saturating_sub(12)..]
                )
            }
            None if name.to_ascii_lowercase().contains("id")
                || name.to_ascii_lowercase().contains("name") =>
            {
                format!("{text}-v{tag}")
            }
            _ => continue,
        };
        edited.insert(name.clone(), Value::String(changed));
    }
    let edited = Value::Object(edited);
    let accepted = runner
        .validator
        .check(
            plan.op,
            crate::index::BodyKind::Request,
            spec_body,
            Some(&edited),
        )
        .is_ok_and(|outcome| outcome.conforms());
    if accepted {
        edited
    } else {
        body
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn sent() -> Sent {
        Sent {
            status: 201,
            body: Some(json!({"data": {"objectId": 7}})),
            request_body: Some(json!({"email": "a@example.com"})),
        }
    }

    #[test]
    fn runtime_expressions_carry_values_from_the_answer_and_the_request() {
        let values = BTreeMap::from([("objectId".to_owned(), json!(3))]);
        let sent = sent();
        let at = |text: &str| evaluate(&json!(text), &sent, &values);
        assert_eq!(at("$response.body#/data/objectId"), Some(json!(7)));
        assert_eq!(at("$request.body#/email"), Some(json!("a@example.com")));
        assert_eq!(at("$request.path.objectId"), Some(json!(3)));
        assert_eq!(at("$statusCode"), Some(json!(201)));
        assert_eq!(at("$response.body#/missing"), None);
        assert_eq!(at("constant"), Some(json!("constant")));
        let body = fill(
            &json!({"user_id": "$response.body#/data/objectId", "products": ["IDENTITY"]}),
            &sent,
            &values,
        );
        assert_eq!(body, json!({"user_id": 7, "products": ["IDENTITY"]}));
    }

    #[test]
    fn flags_written_as_numbers_read_as_booleans_are_the_same() {
        assert!(same(&json!(1), &json!(true)));
        assert!(same(&json!(0), &json!(false)));
        assert!(!same(&json!(1), &json!(false)));
        assert!(same(&json!(2), &json!(2.0)));
        assert!(!same(&json!("a"), &json!("b")));
    }
}
