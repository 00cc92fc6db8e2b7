//! Folding each exchange's findings into one [`Finding`] per distinct drift, in bounded memory:
//! counts, the JSON types seen and a few sample values, never the bodies; every text a finding
//! keeps from the capture is cut by [`summarise`], so a finding's size has a bound whatever the
//! capture holds, and the whole report is at most [`MAX_FINDINGS`] of them.

use std::collections::HashMap;

use serde_json::Value;
use spec_model::unescape_pointer;

use super::summarise::{is_summarised, summarise};
use super::{suggest, Finding, Kind, Report, Sample};
use crate::capture::{Body, Exchange};
use crate::findings::{Class, Outcome, Summary, Verdict, Violation};
use crate::index::Operation;

use crate::validate::Validator;

/// Distinct sample values kept per finding.
pub const MAX_SAMPLES: usize = 3;
/// Distinct counted values kept per finding (enum values, content types, statuses).
pub const MAX_VALUES: usize = 16;
/// Distinct findings held; observations of further ones are counted in [`Report::dropped`].
pub const MAX_FINDINGS: usize = 10_000;
/// A sample's JSON text is cut at this many characters.
pub const SAMPLE_CHARS: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    kind: Kind,
    operation: Option<String>,
    spec_pointer: String,
    subject: String,
}

/// Collects the findings of one capture.
pub struct Aggregator<'v> {
    validator: &'v Validator<'v>,
    findings: HashMap<Key, Finding>,
    dropped: u64,
}

/// One observation, before it is folded in.
struct Observation<'a> {
    kind: Kind,
    operation: Option<&'a str>,
    side: &'a str,
    subject: String,
    spec_pointer: String,
    value: Option<&'a Value>,
    /// A value counted in [`Finding::values`].
    counted: Option<String>,
    body_pointer: Option<&'a str>,
    message: &'a str,
}

impl<'v> Aggregator<'v> {
    pub fn new(validator: &'v Validator<'v>) -> Self {
        Aggregator {
            validator,
            findings: HashMap::new(),
            dropped: 0,
        }
    }

    /// Adds one exchange and its verdict.
    pub fn add(&mut self, exchange: &Exchange, verdict: &Verdict<'_>) {
        match verdict {
            Verdict::Conforms { .. } => {}
            Verdict::Unmatched { reason } => {
                let path = self.unmatched_path(&exchange.path);
                self.observe(Observation {
                    kind: Kind::Unmatched,
                    operation: None,
                    side: "",
                    subject: format!("{} {path}", exchange.method.to_ascii_uppercase()),
                    spec_pointer: "/paths".into(),
                    value: None,
                    counted: exchange.status.map(|s| s.to_string()),
                    body_pointer: None,
                    message: reason,
                });
            }
            Verdict::Findings {
                operation,
                request,
                response,
                status,
            } => {
                self.outcome(operation, "request", exchange, true, request);
                let side = match status {
                    Some(status) => format!("response {status}"),
                    None => "response".into(),
                };
                self.outcome(operation, &side, exchange, false, response);
            }
        }
    }

    fn outcome(
        &mut self,
        operation: &Operation,
        side: &str,
        exchange: &Exchange,
        request: bool,
        outcome: &Outcome,
    ) {
        let (body, content_type) = if request {
            (&exchange.request_body, &exchange.request_content_type)
        } else {
            (&exchange.response_body, &exchange.response_content_type)
        };
        let json = match body {
            Body::Json(value) => Some(value),
            _ => None,
        };
        for violation in &outcome.violations {
            if violation.class == Class::Loss {
                continue;
            }
            let at = |pointer: &str| json.and_then(|body| body.pointer(pointer));
            let observation = classify(
                self.validator.spec(),
                violation,
                at(&violation.pointer),
                exchange.status,
                content_type.as_deref(),
            );
            let (kind, subject, mut spec_pointer, counted) = observation;
            if spec_pointer.is_empty() {
                // A finding on the whole body with no schema keyword (not JSON...): the
                // operation is where to look.
                spec_pointer.clone_from(&operation.pointer);
            }
            let value = match kind {
                Kind::UndocumentedMember => violation.value.as_ref(),
                Kind::Status => json,
                _ => at(&violation.pointer),
            };
            let counted = counted.or_else(|| match kind {
                Kind::Status => Some(
                    content_type
                        .as_deref()
                        .map(spec_model::media_type::essence)
                        .unwrap_or_else(|| "(no content type)".into()),
                ),
                _ => None,
            });
            self.observe(Observation {
                kind,
                operation: Some(&operation.name),
                side,
                subject,
                spec_pointer,
                value,
                counted,
                // The whole body says nothing for a status or a content type.
                body_pointer: match kind {
                    Kind::Status | Kind::ContentType => None,
                    _ => Some(&violation.pointer),
                },
                message: &violation.message,
            });
        }
    }

    /// The path of an unmatched request, for grouping: no origin, query or fragment, and
    /// segments that look like identifiers (all digits, a UUID) replaced by `{id}` so that one
    /// missing operation is one finding.
    fn unmatched_path(&self, captured: &str) -> String {
        let path = spec_model::url_path(captured);
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let segments: Vec<&str> = path
            .split('/')
            .map(|segment| {
                if looks_like_id(segment) {
                    "{id}"
                } else {
                    segment
                }
            })
            .collect();
        let path = segments.join("/");
        if path.is_empty() {
            "/".into()
        } else {
            path
        }
    }

    fn observe(&mut self, observation: Observation<'_>) {
        let summarised = is_summarised(&observation.subject);
        let subject = match summarise(&observation.subject) {
            std::borrow::Cow::Owned(summary) => summary,
            std::borrow::Cow::Borrowed(_) => observation.subject,
        };
        let key = Key {
            kind: observation.kind,
            operation: observation.operation.map(str::to_owned),
            spec_pointer: observation.spec_pointer,
            subject,
        };
        if !self.findings.contains_key(&key) && self.findings.len() >= MAX_FINDINGS {
            self.dropped += 1;
            return;
        }
        let finding = self.findings.entry(key).or_insert_with_key(|key| Finding {
            kind: key.kind,
            operation: key.operation.clone(),
            side: observation.side.to_owned(),
            subject: key.subject.clone(),
            spec_pointer: key.spec_pointer.clone(),
            line: None,
            count: 0,
            types: Default::default(),
            samples: Vec::new(),
            values: Vec::new(),
            other_values: 0,
            body_pointer: observation
                .body_pointer
                .map(|pointer| summarise(pointer).into_owned()),
            message: summarise(observation.message).into_owned(),
            suggestion: None,
            summarised,
        });
        finding.count += 1;
        if let Some(value) = observation.value {
            finding.types.insert(json_type(value));
            if finding.samples.len() < MAX_SAMPLES {
                let sample = sample(value);
                if !finding.samples.contains(&sample) {
                    finding.samples.push(sample);
                }
            }
        }
        if let Some(counted) = observation.counted {
            let counted = summarise(&counted).into_owned();
            match finding.values.iter().position(|(v, _)| *v == counted) {
                Some(index) => finding.values[index].1 += 1,
                None if finding.values.len() < MAX_VALUES => finding.values.push((counted, 1)),
                None => finding.other_values += 1,
            }
        }
    }

    /// The report: findings located in the spec, given their suggestions, sorted.
    pub fn finish(self, summary: Summary) -> Report {
        let spec = self.validator.spec();
        let mut findings: Vec<Finding> = self
            .findings
            .into_values()
            .map(|mut finding| {
                finding.spec_pointer = suggest::edit_pointer(spec, &finding);
                finding.line = spec.line_of(&finding.spec_pointer);
                finding.suggestion = suggest::suggestion(spec, &finding);
                finding
            })
            .collect();
        findings.sort_by(|a, b| {
            (a.kind, &a.operation, &a.spec_pointer, &a.subject).cmp(&(
                b.kind,
                &b.operation,
                &b.spec_pointer,
                &b.subject,
            ))
        });
        Report {
            spec: spec.path.display().to_string(),
            summary,
            findings,
            dropped: self.dropped,
        }
    }
}

/// What kind of drift a finding is: (kind, subject, spec pointer, counted value).
fn classify(
    spec: &spec_model::Spec,
    violation: &Violation,
    value: Option<&Value>,
    status: Option<u16>,
    content_type: Option<&str>,
) -> (Kind, String, String, Option<String>) {
    let spec_pointer = violation.spec_pointer.clone().unwrap_or_default();
    match (violation.class, violation.keyword.as_str()) {
        (Class::Undocumented, _) => {
            let name = violation.pointer.rsplit('/').next().unwrap_or_default();
            (
                Kind::UndocumentedMember,
                unescape_pointer(name),
                spec_pointer,
                None,
            )
        }
        (_, "enum") => (
            Kind::EnumValue,
            String::new(),
            spec_pointer,
            Some(value.map_or_else(|| "?".into(), |v| sample(v).text)),
        ),
        (_, "type") if value.is_some_and(Value::is_null) => {
            let schema = spec_pointer
                .strip_suffix("/type")
                .unwrap_or(&spec_pointer)
                .to_owned();
            (Kind::Null, String::new(), schema, None)
        }
        (_, "format") => {
            // The format as the spec writes it, else as the validator's message names it.
            let format = spec
                .document
                .pointer(&spec_pointer)
                .and_then(Value::as_str)
                .map_or_else(|| format_name(&violation.message), str::to_owned);
            (Kind::Format, format, spec_pointer, None)
        }
        (_, "status") => (
            Kind::Status,
            status.map(|s| s.to_string()).unwrap_or_default(),
            spec_pointer,
            None,
        ),
        (_, "content-type") => (
            Kind::ContentType,
            content_type
                .map(spec_model::media_type::essence)
                .unwrap_or_default(),
            spec_pointer,
            None,
        ),
        (_, keyword) => (Kind::Schema, keyword.to_owned(), spec_pointer, None),
    }
}

/// The format named in a `format` message: `"x" is not a "uuid"` -> `uuid`.
fn format_name(message: &str) -> String {
    message
        .rsplit('"')
        .nth(1)
        .filter(|name| !name.is_empty())
        .unwrap_or("format")
        .to_owned()
}

/// The JSON type of a value, with integers told from other numbers as OpenAPI does.
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A value as JSON text, cut at [`SAMPLE_CHARS`] characters.
pub fn sample(value: &Value) -> Sample {
    let text = value.to_string();
    if text.chars().count() <= SAMPLE_CHARS {
        Sample {
            text,
            complete: true,
        }
    } else {
        let head: String = text.chars().take(SAMPLE_CHARS - 3).collect();
        Sample {
            text: format!("{head}..."),
            complete: false,
        }
    }
}

/// All digits, or a UUID: a concrete identifier in a path.
fn looks_like_id(segment: &str) -> bool {
    let digits = !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit());
    let uuid = segment.len() == 36
        && segment.bytes().enumerate().all(|(i, b)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        });
    digits || uuid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_in_paths() {
        assert!(looks_like_id("12345"));
        assert!(looks_like_id("9dd695b0-03e1-47fe-b368-a366d5c3b0f1"));
        assert!(!looks_like_id("profiles"));
        assert!(!looks_like_id(""));
    }

    #[test]
    fn format_names() {
        assert_eq!(format_name(r#""not-a-uuid" is not a "uuid""#), "uuid");
        assert_eq!(format_name("odd"), "format");
    }

    #[test]
    fn samples_are_cut() {
        let long = Value::String("x".repeat(200));
        let cut = sample(&long);
        assert!(!cut.complete);
        assert_eq!(cut.text.chars().count(), SAMPLE_CHARS);
        assert!(sample(&Value::Null).complete);
    }
}
