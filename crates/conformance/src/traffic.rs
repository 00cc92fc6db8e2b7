//! Validating captured traffic: each exchange of a capture ([`crate::capture`]) matched to its
//! operation by method and concrete path (see [`Validator::match_request`]), then its request
//! and response bodies validated.
//!
//! An exchange without a response has its request checked and is counted as such
//! ([`Summary::unanswered`]).

use std::io::{self, BufRead};

use serde_json::Value;
use spec_model::media_type;

use crate::capture::CaptureError;
use crate::findings::{Class, Outcome, Violation};
use crate::index::routing::Match;
use crate::index::{BodyKind, Operation};
use crate::validate::{self, Validator};

// The capture model and reader and the verdicts, where `traffic` callers have always found them.
pub use crate::capture::{detect, Body, CaptureFormat, CaptureReader, Exchange, Limits};
pub use crate::findings::{Summary, Verdict};

/// Why a capture could not be processed (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum TrafficError {
    /// The capture is malformed: where, and what.
    #[error("{0}")]
    Input(String),
    #[error("{0}")]
    Io(io::Error),
    /// The spec's schemas could not be compiled.
    #[error("{0}")]
    Spec(validate::Error),
}

impl From<io::Error> for TrafficError {
    fn from(error: io::Error) -> Self {
        TrafficError::Io(error)
    }
}

impl From<CaptureError> for TrafficError {
    fn from(error: CaptureError) -> Self {
        TrafficError::Input(error.0)
    }
}

/// Validates every exchange of a capture, calling `sink` with each verdict (conforming ones
/// included) as soon as it is known. The default [`Limits`] apply.
pub fn run(
    validator: &Validator<'_>,
    reader: &mut dyn BufRead,
    format: CaptureFormat,
    sink: &mut dyn FnMut(&Exchange, &Verdict<'_>) -> io::Result<()>,
) -> Result<Summary, TrafficError> {
    run_limited(validator, reader, format, Limits::default(), sink)
}

/// [`run`] with the given limits.
pub fn run_limited(
    validator: &Validator<'_>,
    reader: &mut dyn BufRead,
    format: CaptureFormat,
    limits: Limits,
    sink: &mut dyn FnMut(&Exchange, &Verdict<'_>) -> io::Result<()>,
) -> Result<Summary, TrafficError> {
    validator.compile_all().map_err(TrafficError::Spec)?;
    let mut summary = Summary::default();
    let mut handle = |exchange: Exchange| -> Result<(), TrafficError> {
        let (verdict, bodies) = check_exchange(validator, &exchange).map_err(TrafficError::Spec)?;
        summary.count(&verdict);
        summary.bodies += bodies;
        summary.unanswered += u64::from(exchange.status.is_none());
        sink(&exchange, &verdict)?;
        Ok(())
    };
    CaptureReader::new(reader, format, limits).for_each(&mut handle)?;
    Ok(summary)
}

/// Matches and validates one exchange; also returns how many bodies were validated.
pub fn check_exchange<'v>(
    validator: &'v Validator<'_>,
    exchange: &Exchange,
) -> Result<(Verdict<'v>, u64), validate::Error> {
    let operation = match validator.match_request(&exchange.method, &exchange.path) {
        Match::Operation(operation) => operation,
        Match::MethodNotAllowed => {
            return Ok((
                Verdict::Unmatched {
                    reason: format!(
                        "the spec documents no {} operation for this path",
                        exchange.method.to_ascii_uppercase()
                    ),
                },
                0,
            ))
        }
        Match::NoPath => {
            return Ok((
                Verdict::Unmatched {
                    reason: "no path template of the spec matches".into(),
                },
                0,
            ))
        }
    };
    let mut bodies = 0;
    let mut request = Outcome::default();
    match &operation.request {
        Some(spec) => {
            let body = body_for_check(&exchange.request_body, &mut request);
            if body.is_some() {
                bodies += 1;
            }
            if !matches!(exchange.request_body, Body::NotJson(_) | Body::Text(_)) {
                request = validator.check(operation, BodyKind::Request, spec, body)?;
            }
            content_type_check(
                validator,
                spec,
                &exchange.request_body,
                exchange.request_content_type.as_deref(),
                "request",
                &mut request,
            );
        }
        None => {
            if !matches!(exchange.request_body, Body::Absent) {
                request
                    .violations
                    .push(unexpected_body(operation, "request"));
            }
        }
    }
    let mut response = Outcome::default();
    if let Some(status) = exchange.status {
        match operation.response(status) {
            Some(documented) => {
                let kind = BodyKind::Response(status);
                let body = body_for_check(&exchange.response_body, &mut response);
                if body.is_some() {
                    bodies += 1;
                }
                if !matches!(exchange.response_body, Body::NotJson(_) | Body::Text(_)) {
                    response = validator.check(operation, kind, &documented.body, body)?;
                }
                content_type_check(
                    validator,
                    &documented.body,
                    &exchange.response_body,
                    exchange.response_content_type.as_deref(),
                    &format!("response {status}"),
                    &mut response,
                );
            }
            None => response.violations.push(Violation {
                class: Class::Violation,
                pointer: String::new(),
                keyword: "status".into(),
                spec_pointer: Some(format!("{}/responses", operation.pointer)),
                location: validator.location_of(&format!("{}/responses", operation.pointer)),
                value: None,
                message: format!(
                    "status {status} is not documented for `{}` (documented: {})",
                    operation.name,
                    operation
                        .responses
                        .iter()
                        .map(|r| r.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    }
    let verdict = if request.is_clean() && response.is_clean() {
        Verdict::Conforms { operation }
    } else {
        Verdict::Findings {
            operation,
            request,
            response,
            status: exchange.status,
        }
    };
    Ok((verdict, bodies))
}

/// A body whose content type the spec does not document for it is a violation (a captured
/// content type is needed: older captures have none, and are not judged on it).
fn content_type_check(
    validator: &Validator<'_>,
    spec: &validate::BodySpec,
    body: &Body,
    content_type: Option<&str>,
    which: &str,
    outcome: &mut Outcome,
) {
    let Some(content_type) = content_type else {
        return;
    };
    if matches!(body, Body::Absent) || !spec.has_content {
        return;
    }
    let essence = media_type::essence(content_type);
    let documented = spec.content_types.iter().any(|documented| {
        let documented = media_type::essence(documented);
        documented == essence
            || documented == "*/*"
            || documented
                .strip_suffix("/*")
                .is_some_and(|major| essence.split('/').next() == Some(major))
    });
    if !documented {
        let pointer = spec.content_pointer.clone();
        let location = validator.location_of(&pointer);
        outcome.violations.push(
            Violation::schema_finding(
                "",
                "content-type",
                format!(
                    "content type `{content_type}` is not documented for the {which} body (documented: {})",
                    spec.content_types.join(", ")
                ),
            )
            .at_spec(pointer, location),
        );
    }
}

fn body_for_check<'b>(body: &'b Body, outcome: &mut Outcome) -> Option<&'b Value> {
    match body {
        Body::Absent | Body::Text(_) => None,
        Body::Json(value) => Some(value),
        Body::NotJson(message) => {
            outcome
                .violations
                .push(Violation::schema_finding("", "json", message.clone()));
            None
        }
    }
}

fn unexpected_body(operation: &Operation, which: &str) -> Violation {
    Violation::schema_finding(
        "",
        "body",
        format!("the spec documents no {which} body, but there is one"),
    )
    .at_spec(operation.pointer.clone(), None)
}
