//! The proxy's validation, off the response path: exchanges go over a bounded channel to one
//! thread that owns the [`Validator`], logs one line per finding, keeps the counts per operation
//! and class (the summary) and writes the recording.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use serde::Serialize;

use crate::capture::{header_value, Body, Exchange, RECORDED_HEADERS};
use crate::findings::{Class, ClassCounts, Verdict, Violation};
use crate::output::escape_controls;
use crate::traffic::{self};
use crate::validate::Validator;
use spec_model::redact::{Redaction, REDACTED};

/// A body as the proxy saw it.
#[derive(Debug, Clone)]
pub enum Seen {
    /// Whole, as sent on the wire (still compressed if it was).
    Bytes(Bytes),
    /// Over the cap: forwarded, not validated.
    TooLarge,
}

/// One exchange the proxy forwarded and the upstream answered.
#[derive(Debug, Clone)]
pub struct Forwarded {
    pub method: String,
    /// Path and query as the client sent them.
    pub target: String,
    pub status: u16,
    /// Every header, lowercase names, in order.
    pub request_headers: Vec<(String, String)>,
    pub response_headers: Vec<(String, String)>,
    pub request_body: Seen,
    pub response_body: Seen,
}

impl Forwarded {
    /// What the exchange holds while it waits for validation, for the queue's byte bound:
    /// bodies, headers and the target.
    pub fn queued_bytes(&self) -> usize {
        let body = |seen: &Seen| match seen {
            Seen::Bytes(bytes) => bytes.len(),
            Seen::TooLarge => 0,
        };
        let headers = |list: &[(String, String)]| -> usize {
            list.iter()
                .map(|(name, value)| name.len() + value.len())
                .sum()
        };
        self.method.len()
            + self.target.len()
            + headers(&self.request_headers)
            + headers(&self.response_headers)
            + body(&self.request_body)
            + body(&self.response_body)
    }
}

/// Counts of one operation (or of the whole run); serialized with the classes' counts inline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub exchanges: u64,
    #[serde(flatten)]
    pub classes: ClassCounts,
    /// Exchanges with a body over the cap: forwarded, not validated.
    pub not_validated: u64,
}

/// What the proxy found so far; serialized as the summary endpoint's document begins.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// By operation name; `unmatched` for exchanges no operation matches.
    pub operations: BTreeMap<String, Counts>,
    pub totals: Counts,
    /// Exchanges dropped because validation was behind (the queue was full by count or bytes).
    pub dropped: u64,
}

impl Summary {
    /// Whether the run passes: no violation, no loss (and with `strict` no undocumented member).
    pub fn passes(&self, strict: bool) -> bool {
        !self.totals.classes.fails(strict)
    }

    /// The summary endpoint's document, with what still waits for validation.
    pub fn document(
        &self,
        strict: bool,
        queued: usize,
        queued_bytes: usize,
    ) -> SummaryDocument<'_> {
        SummaryDocument {
            summary: self,
            strict,
            passes: self.passes(strict),
            queued,
            queued_bytes,
        }
    }
}

/// What `GET /_conformance/summary` answers: the summary, the verdict, and the exchanges (and
/// their bytes) queued for validation (`queued: 0` means the summary holds every exchange
/// answered so far).
#[derive(Debug, Serialize)]
pub struct SummaryDocument<'s> {
    #[serde(flatten)]
    summary: &'s Summary,
    strict: bool,
    passes: bool,
    queued: usize,
    queued_bytes: usize,
}

/// The validation thread's state.
pub struct Worker<'t> {
    pub validator: Validator<'t>,
    pub summary: Arc<Mutex<Summary>>,
    pub log: Box<dyn Write + Send>,
    pub record: Option<Box<dyn Write + Send>>,
    /// Decoded bodies are bounded too (a gzip bomb is not validated).
    pub max_body_bytes: usize,
    pub sequence: u64,
    /// What the recording and the log lines leave out.
    pub redaction: Redaction,
}

impl Worker<'_> {
    /// Validates, logs, counts and records one exchange.
    pub fn handle(&mut self, seen: Forwarded) {
        self.sequence += 1;
        let request_id = header_value(&seen.response_headers, "request-id")
            .or_else(|| header_value(&seen.response_headers, "x-request-id"))
            .unwrap_or("-")
            .to_owned();
        let head = format!(
            "{} {} -> {}",
            seen.method,
            self.redaction.target(&seen.target),
            seen.status
        );
        let request = self.body(&seen.request_headers, &seen.request_body);
        let response = self.body(&seen.response_headers, &seen.response_body);
        let (Some(request_bytes), Some(response_bytes)) = (request, response) else {
            if let Some(record) = self.record.as_mut() {
                let line = record_line(&self.redaction, &seen, None, None);
                let _ = writeln!(record, "{line}");
                let _ = record.flush();
            }
            let _ = writeln!(
                self.log,
                "conformance proxy: {}: not validated: a body is over {} bytes (request-id {request_id})",
                escape_controls(&head, false),
                self.max_body_bytes
            );
            let name = match self.validator.match_request(&seen.method, &seen.target) {
                crate::index::routing::Match::Operation(op) => op.name.clone(),
                _ => "unmatched".to_owned(),
            };
            let mut summary = self.summary.lock().unwrap_or_else(|e| e.into_inner());
            let counts = summary.operations.entry(name).or_default();
            counts.exchanges += 1;
            counts.not_validated += 1;
            summary.totals.exchanges += 1;
            summary.totals.not_validated += 1;
            return;
        };
        let mut exchange = Exchange::new(
            format!("exchange {}", self.sequence),
            seen.method.clone(),
            seen.target.clone(),
            Some(seen.status),
        );
        exchange.request_content_type =
            header_value(&seen.request_headers, "content-type").map(str::to_owned);
        exchange.response_content_type =
            header_value(&seen.response_headers, "content-type").map(str::to_owned);
        exchange.request_body =
            Body::from_captured_bytes(&request_bytes, exchange.request_content_type.as_deref());
        exchange.response_body =
            Body::from_captured_bytes(&response_bytes, exchange.response_content_type.as_deref());
        if let Some(record) = self.record.as_mut() {
            let line = record_line(
                &self.redaction,
                &seen,
                Some((&exchange.request_body, &request_bytes)),
                Some((&exchange.response_body, &response_bytes)),
            );
            let _ = writeln!(record, "{line}");
            let _ = record.flush();
        }
        let verdict = match traffic::check_exchange(&self.validator, &exchange) {
            Ok((verdict, _)) => verdict,
            Err(error) => {
                let _ = writeln!(
                    self.log,
                    "conformance proxy: {head}: cannot validate: {error}"
                );
                return;
            }
        };
        let (name, counts) = match &verdict {
            Verdict::Unmatched { reason } => {
                let _ = writeln!(
                    self.log,
                    "conformance proxy: {}: unmatched violation: {} (request-id {request_id})",
                    escape_controls(&head, false),
                    escape_controls(reason, false)
                );
                ("unmatched".to_owned(), verdict.counts())
            }
            Verdict::Conforms { operation } => (operation.name.clone(), ClassCounts::default()),
            Verdict::Findings {
                operation,
                request,
                response,
                ..
            } => {
                for (side, outcome) in [("request", request), ("response", response)] {
                    for finding in &outcome.violations {
                        let _ = writeln!(
                            self.log,
                            "conformance proxy: {}: {} {side} {} (request-id {request_id})",
                            escape_controls(&head, false),
                            operation.name,
                            escape_controls(&self.finding_text(finding), false)
                        );
                    }
                }
                (operation.name.clone(), verdict.counts())
            }
        };
        let _ = self.log.flush();
        let mut summary = self.summary.lock().unwrap_or_else(|e| e.into_inner());
        let entry = summary.operations.entry(name).or_default();
        entry.exchanges += 1;
        entry.classes.merge(&counts);
        summary.totals.exchanges += 1;
        summary.totals.classes.merge(&counts);
    }

    /// A finding as logged: its message left out when it is about a secret member (a message
    /// may quote the value).
    fn finding_text(&self, finding: &Violation) -> String {
        if self.redaction.covers_pointer(&finding.pointer) {
            format!(
                "{} {}: {} (the message is left out: the member is secret)",
                finding.class,
                crate::findings::display_pointer(&finding.pointer),
                finding.keyword
            )
        } else {
            finding.to_string()
        }
    }

    /// A body's bytes for validation: decoded when gzip (every member of a multi-member body,
    /// as a client's decoder reads it), `None` when over the cap, borrowed when not compressed
    /// (the common case: no copy of the body).
    fn body<'s>(&self, headers: &[(String, String)], seen: &'s Seen) -> Option<Cow<'s, [u8]>> {
        let Seen::Bytes(bytes) = seen else {
            return None;
        };
        let gzip = header_value(headers, "content-encoding")
            .is_some_and(|e| e.trim().eq_ignore_ascii_case("gzip"));
        if !gzip {
            return Some(Cow::Borrowed(&bytes[..]));
        }
        let mut decoded = Vec::new();
        let limit = self.max_body_bytes as u64 + 1;
        match flate2::read::MultiGzDecoder::new(&bytes[..])
            .take(limit)
            .read_to_end(&mut decoded)
        {
            Ok(_) if decoded.len() as u64 >= limit => None,
            Ok(_) => Some(Cow::Owned(decoded)),
            // Not gzip after all: validated as sent, so the finding says what is wrong.
            Err(_) => Some(Cow::Borrowed(&bytes[..])),
        }
    }
}

/// One line of the extended NDJSON capture (see [`crate::capture::CaptureFormat::Ndjson`]): bodies as
/// text (decoded), the recorded headers; what `redaction` names is written as `[redacted]`
/// (secret headers by name only, secret query values, `writeOnly` members and `--redact`
/// pointers of JSON bodies). A body that is not JSON is written as it is (lossy UTF-8): its
/// members cannot be told apart. `None` bodies were over the cap and are left out.
fn record_line(
    redaction: &Redaction,
    seen: &Forwarded,
    request: Option<(&Body, &[u8])>,
    response: Option<(&Body, &[u8])>,
) -> String {
    let request_content_type = header_value(&seen.request_headers, "content-type");
    let response_content_type = header_value(&seen.response_headers, "content-type");
    let line = RecordLine {
        method: &seen.method,
        path: redaction.target(&seen.target),
        status: seen.status,
        request_headers: RecordedHeaders::new(redaction, &seen.request_headers),
        response_headers: RecordedHeaders::new(redaction, &seen.response_headers),
        request_content_type,
        request_body_text: body_text(redaction, request),
        response_content_type,
        response_body_text: body_text(redaction, response),
    };
    serde_json::to_string(&line).unwrap_or_default()
}

/// A body as recorded: JSON with its secrets redacted (as sent when nothing is), anything else
/// as sent (lossy UTF-8); `None` when over the cap or empty.
fn body_text(redaction: &Redaction, body: Option<(&Body, &[u8])>) -> Option<String> {
    let text = match body? {
        (Body::Json(value), raw) => {
            let mut copy = value.clone();
            if redaction.body(&mut copy) {
                copy.to_string()
            } else {
                String::from_utf8_lossy(raw).into_owned()
            }
        }
        (_, raw) => String::from_utf8_lossy(raw).into_owned(),
    };
    (!text.is_empty()).then_some(text)
}

/// One line of the recording; absent content types and bodies are left out.
#[derive(Serialize)]
struct RecordLine<'s> {
    method: &'s str,
    path: Cow<'s, str>,
    status: u16,
    request_headers: RecordedHeaders<'s>,
    response_headers: RecordedHeaders<'s>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_content_type: Option<&'s str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_body_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_content_type: Option<&'s str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_body_text: Option<String>,
}

/// The headers a recording keeps, as one JSON object: the recorded ones ([`RECORDED_HEADERS`])
/// and the secret ones by name only. A name sent twice is one member, at its first place, with
/// its last value.
struct RecordedHeaders<'s>(Vec<(&'s str, &'s str)>);

impl<'s> RecordedHeaders<'s> {
    fn new(redaction: &Redaction, list: &'s [(String, String)]) -> Self {
        let mut kept: Vec<(&str, &str)> = Vec::new();
        for (name, value) in list {
            let value = if redaction.is_secret_header(name) {
                REDACTED
            } else if RECORDED_HEADERS.contains(&name.as_str()) {
                value.as_str()
            } else {
                continue;
            };
            match kept.iter_mut().find(|(kept_name, _)| *kept_name == name) {
                Some(entry) => entry.1 = value,
                None => kept.push((name, value)),
            }
        }
        RecordedHeaders(kept)
    }
}

impl Serialize for RecordedHeaders<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().copied())
    }
}

/// The summary as printed at the end of a run.
pub fn summary_text(summary: &Summary, strict: bool) -> String {
    let mut out = String::new();
    for (name, counts) in &summary.operations {
        out.push_str(&format!(
            "  {name}: {} exchange{}, {}{}\n",
            counts.exchanges,
            if counts.exchanges == 1 { "" } else { "s" },
            crate::output::counts_text(&counts.classes),
            if counts.not_validated > 0 {
                format!(", {} not validated", counts.not_validated)
            } else {
                String::new()
            }
        ));
    }
    let classes = Class::ALL
        .iter()
        .map(|c| format!("{} {}", summary.totals.classes.get(*c), c))
        .collect::<Vec<_>>()
        .join(", ");
    out.push_str(&format!(
        "conformance proxy: {} exchanges: {classes}; {} not validated, {} dropped: {}\n",
        summary.totals.exchanges,
        summary.totals.not_validated,
        summary.dropped,
        if summary.passes(strict) {
            "ok"
        } else {
            "FAILED"
        }
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn a_recording_line_keeps_each_header_once_redacted_and_leaves_out_what_is_absent() {
        let seen = Forwarded {
            method: "POST".to_owned(),
            target: "/v1/users?api_key=k3y&limit=2".to_owned(),
            status: 201,
            request_headers: pairs(&[
                ("content-type", "application/json"),
                ("authorization", "Bearer s3cret"),
                ("x-not-recorded", "dropped"),
                ("content-type", "text/plain"),
            ]),
            response_headers: pairs(&[("content-length", "7")]),
            request_body: Seen::TooLarge,
            response_body: Seen::TooLarge,
        };
        let body = Body::Json(serde_json::json!({"a": 1}));
        let line = record_line(
            &Redaction::default(),
            &seen,
            None,
            Some((&body, b"{\"a\":1}")),
        );
        // A header sent twice: one member, first place, last value; the content type is the
        // first one sent (what validation read).
        assert_eq!(
            line,
            r#"{"method":"POST","path":"/v1/users?api_key=[redacted]&limit=2","status":201,"request_headers":{"content-type":"text/plain","authorization":"[redacted]"},"response_headers":{"content-length":"7"},"request_content_type":"application/json","response_body_text":"{\"a\":1}"}"#
        );
    }

    #[test]
    fn the_summary_document_inlines_the_class_counts_and_ends_with_the_backlog() {
        let counts = Counts {
            exchanges: 2,
            classes: ClassCounts {
                violation: 1,
                undocumented: 3,
                loss: 0,
            },
            not_validated: 1,
        };
        let summary = Summary {
            operations: BTreeMap::from([("get_user".to_owned(), counts)]),
            totals: counts,
            dropped: 4,
        };
        assert_eq!(
            serde_json::to_string(&summary.document(true, 5, 60)).unwrap(),
            r#"{"operations":{"get_user":{"exchanges":2,"violation":1,"undocumented":3,"loss":0,"not_validated":1}},"totals":{"exchanges":2,"violation":1,"undocumented":3,"loss":0,"not_validated":1},"dropped":4,"strict":true,"passes":false,"queued":5,"queued_bytes":60}"#
        );
    }
}
