//! Changes for people (one line each) and for tools (JSON).

use std::fmt;

use serde_json::{json, Value};

use crate::model::{Change, Severity};
use crate::oasdiff::change_rules;
use crate::version::required_bump;

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "client: {:<10} server: {:<10} rust: {:<10} {:<24} {} #{} {}",
            self.impact.client.as_str(),
            self.impact.server.as_str(),
            self.impact.rust.as_str(),
            self.kind.name(),
            self.operation.as_deref().unwrap_or("-"),
            self.pointer,
            self.message
        )
    }
}

/// The changes as JSON: `{"changes": [{"kind", "operation", "pointer", "direction",
/// "message", "client", "server", "rust", "oasdiff": [rule ids: `change_rules`]}], "breaking": {"client": n,
/// "server": n, "rust": n}, "required_bump": "major|minor|none"}`. Extension changes also
/// carry `"extension": "x-..."`, member changes `"combinator": "oneOf|anyOf|allOf"`.
pub fn to_json(changes: &[Change]) -> Value {
    let count = |side: fn(&Change) -> Severity| {
        changes
            .iter()
            .filter(|c| side(c) == Severity::Breaking)
            .count()
    };
    json!({
        "changes": changes.iter().map(change_json).collect::<Vec<_>>(),
        "breaking": {
            "client": count(|c| c.impact.client),
            "server": count(|c| c.impact.server),
            "rust": count(|c| c.impact.rust),
        },
        "required_bump": required_bump(changes).as_str(),
    })
}

fn change_json(change: &Change) -> Value {
    let mut entry = json!({
        "kind": change.kind.name(),
        "operation": change.operation,
        "pointer": change.pointer,
        "direction": change.direction.as_str(),
        "message": change.message,
        "client": change.impact.client.as_str(),
        "server": change.impact.server.as_str(),
        "rust": change.impact.rust.as_str(),
        "oasdiff": change_rules(change),
    });
    if let Some(extension) = change.kind.extension() {
        entry["extension"] = Value::String(extension.to_owned());
    }
    if let Some(combinator) = change.kind.combinator() {
        entry["combinator"] = Value::String(combinator.keyword().to_owned());
    }
    entry
}
