//! The suggested spec edit of each finding: YAML a maintainer can review and paste at the
//! finding's spec location, marked `# review: suggested by conformance drift from N
//! observations`. Only suggested: drift never writes the spec.

use std::fmt::Write as _;

use serde_json::Value;
use spec_model::{unescape_pointer, Spec};

use super::{Finding, Kind};

/// Where the edit goes: an undocumented member's schema's `properties` (the schema itself when
/// it has none yet); for every other kind the pointer the finding was found at.
pub fn edit_pointer(spec: &Spec, finding: &Finding) -> String {
    match finding.kind {
        Kind::UndocumentedMember => {
            let properties = format!("{}/properties", finding.spec_pointer);
            if spec.document.pointer(&properties).is_some() {
                properties
            } else {
                finding.spec_pointer.clone()
            }
        }
        _ => finding.spec_pointer.clone(),
    }
}

/// The suggested edit, or `None` when drift has none to offer ([`Kind::Schema`], or a subject
/// kept only as a summary).
pub fn suggestion(spec: &Spec, finding: &Finding) -> Option<String> {
    if finding.summarised {
        return None;
    }
    let mut out = format!(
        "# review: suggested by conformance drift from {} observation{}\n",
        finding.count,
        if finding.count == 1 { "" } else { "s" }
    );
    match finding.kind {
        Kind::UndocumentedMember => member(finding, &mut out),
        Kind::Null => null(spec, finding, &mut out),
        Kind::EnumValue => enumeration(spec, finding, &mut out),
        Kind::Format => format(finding, &mut out),
        Kind::Status => status(finding, &mut out),
        Kind::ContentType => {
            if finding.subject.is_empty() {
                return None;
            }
            let _ = writeln!(out, "content:\n  {}:", key(&finding.subject));
            out.push_str("    schema:\n");
            if spec_model::media_type::is_json(&finding.subject) {
                out.push_str("      type: object\n");
            } else {
                out.push_str("      type: string\n");
            }
        }
        Kind::Unmatched => unmatched(spec, finding, &mut out),
        Kind::Schema => return None,
    }
    Some(out)
}

/// `properties:` with the member, its type inferred from the types seen.
fn member(finding: &Finding, out: &mut String) {
    let _ = writeln!(out, "properties:\n  {}:", key(&finding.subject));
    schema_lines(finding, "    ", out);
    out.push_str("    x-source: observed\n");
    if let Some(example) = finding
        .samples
        .iter()
        .find(|s| s.complete && s.text != "null")
    {
        let _ = writeln!(out, "    example: {}", example.text);
    }
}

/// `type:` (and `items:`, `nullable:`) from the JSON types seen, at `indent`.
fn schema_lines(finding: &Finding, indent: &str, out: &mut String) {
    let nullable = finding.types.contains("null");
    let types: Vec<&str> = finding
        .types
        .iter()
        .copied()
        .filter(|t| *t != "null")
        .collect();
    let single = match types.as_slice() {
        [one] => Some(*one),
        ["integer", "number"] => Some("number"),
        _ => None,
    };
    match single {
        Some(name) => {
            let _ = writeln!(out, "{indent}type: {name}");
            if name == "array" {
                let _ = writeln!(out, "{indent}items: {{}}");
            }
        }
        None if types.is_empty() => {
            let _ = writeln!(out, "{indent}# only null seen: no type to infer");
        }
        None => {
            let _ = writeln!(
                out,
                "{indent}# types seen: {} (no single type: describe with oneOf)",
                types.join(", ")
            );
        }
    }
    if nullable {
        let _ = writeln!(out, "{indent}nullable: true");
    }
}

/// `nullable: true` on the schema (under its property name when it is one; a `$ref` moved
/// into `allOf`, since OpenAPI 3.0 ignores a `$ref`'s siblings).
fn null(spec: &Spec, finding: &Finding, out: &mut String) {
    let schema = spec.document.pointer(&finding.spec_pointer);
    let reference = schema.and_then(|s| s.get("$ref")).and_then(Value::as_str);
    let mut segments = finding.spec_pointer.rsplit('/');
    let name = segments.next().unwrap_or_default();
    let indent = if segments.next() == Some("properties") {
        let _ = writeln!(out, "{}:", key(&unescape_pointer(name)));
        "  "
    } else {
        ""
    };
    let _ = writeln!(out, "{indent}nullable: true");
    if let Some(reference) = reference {
        let _ = writeln!(out, "{indent}allOf:\n{indent}  - $ref: '{reference}'");
    }
}

/// The `enum:` list with the values seen appended.
fn enumeration(spec: &Spec, finding: &Finding, out: &mut String) {
    let mut values: Vec<String> = spec
        .document
        .pointer(&finding.spec_pointer)
        .and_then(Value::as_array)
        .map(|values| values.iter().map(Value::to_string).collect())
        .unwrap_or_default();
    for (value, _) in &finding.values {
        if !values.contains(value) {
            values.push(value.clone());
        }
    }
    let _ = writeln!(out, "enum: [{}]", values.join(", "));
    if finding.values.iter().any(|(value, _)| value == "null") {
        out.push_str("# null in an enum also needs `nullable: true` on the schema (OpenAPI 3.0)\n");
    }
}

/// The failing `format` replaced by a note of what the vendor sends.
fn format(finding: &Finding, out: &mut String) {
    let seen: Vec<&str> = finding.samples.iter().map(|s| s.text.as_str()).collect();
    let _ = writeln!(
        out,
        "# replace `format: {}` with (the vendor sends values that are not {}):",
        finding.subject, finding.subject
    );
    let note = format!(
        "Documented as format {}; the vendor sends values that are not (seen: {}).",
        finding.subject,
        seen.join(", ")
    );
    let _ = writeln!(out, "x-doc-defect: {}", Value::String(note));
}

/// A `responses:` entry skeleton for the status, with the content types seen.
fn status(finding: &Finding, out: &mut String) {
    let _ = writeln!(out, "responses:\n  '{}':", finding.subject);
    out.push_str("    description: Observed from the vendor, not in its documents; describe it.\n");
    let mut media: Vec<&str> = finding
        .values
        .iter()
        .map(|(value, _)| value.as_str())
        .filter(|value| !value.starts_with('('))
        .collect();
    if media.is_empty() && !finding.types.is_empty() {
        media.push("application/json");
    }
    if media.is_empty() {
        return;
    }
    out.push_str("    content:\n");
    for media_type in media {
        let _ = writeln!(out, "      {}:\n        schema:", key(media_type));
        if spec_model::media_type::is_json(media_type) {
            schema_lines(finding, "          ", out);
        } else {
            out.push_str("          type: string\n");
        }
    }
}

/// A `paths:` entry skeleton for a request no operation matches (base path removed).
fn unmatched(spec: &Spec, finding: &Finding, out: &mut String) {
    let (method, path) = finding
        .subject
        .split_once(' ')
        .unwrap_or(("GET", finding.subject.as_str()));
    let path = spec
        .base_paths()
        .iter()
        .find_map(|base| {
            path.strip_prefix(base.as_str())
                .filter(|rest| rest.starts_with('/'))
        })
        .unwrap_or(path);
    let _ = writeln!(
        out,
        "paths:\n  {}:\n    {}:\n      x-source: observed\n      responses:",
        key(path),
        method.to_ascii_lowercase()
    );
    for (status, _) in &finding.values {
        let _ = writeln!(
            out,
            "        '{status}':\n          description: Observed from the vendor; describe it."
        );
    }
    if finding.values.is_empty() {
        out.push_str(
            "        default:\n          description: Observed from the vendor; describe it.\n",
        );
    }
}

/// A mapping key: plain when YAML reads it back as the same string, JSON-quoted otherwise.
fn key(name: &str) -> String {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./{}+".contains(c))
        && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '/')
        && !matches!(
            name.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "~"
        );
    if plain {
        name.to_owned()
    } else {
        Value::String(name.to_owned()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::key;

    #[test]
    fn keys() {
        assert_eq!(key("follower_tier"), "follower_tier");
        assert_eq!(key("application/json"), "application/json");
        assert_eq!(key("/users/{id}"), "/users/{id}");
        assert_eq!(key("yes"), "\"yes\"");
        assert_eq!(key("a: b"), "\"a: b\"");
        assert_eq!(key("1st"), "\"1st\"");
    }
}
