//! The proxy's validation, off the response path: exchanges go over a bounded channel to one
//! thread that owns the [`Validator`], logs one line per finding, keeps the counts per operation
//! and class (the summary) and writes the recording.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use serde_json::{json, Value};

use crate::class::{Class, ClassCounts};
use crate::output::escape_controls;
use crate::traffic::{self, header_value, Body, Exchange, Verdict, RECORDED_HEADERS};
use crate::validate::Validator;

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

/// Counts of one operation (or of the whole run).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub exchanges: u64,
    pub classes: ClassCounts,
    /// Exchanges with a body over the cap: forwarded, not validated.
    pub not_validated: u64,
}

/// What the proxy found so far.
#[derive(Debug, Clone, Default)]
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

    pub fn to_json(&self, strict: bool) -> Value {
        let counts = |c: &Counts| {
            json!({
                "exchanges": c.exchanges,
                "violation": c.classes.violation,
                "undocumented": c.classes.undocumented,
                "loss": c.classes.loss,
                "not_validated": c.not_validated,
            })
        };
        json!({
            "operations": self.operations.iter().map(|(k, v)| (k.clone(), counts(v))).collect::<serde_json::Map<_, _>>(),
            "totals": counts(&self.totals),
            "dropped": self.dropped,
            "strict": strict,
            "passes": self.passes(strict),
        })
    }
}

/// Headers that carry credentials: kept in a recording by name only.
pub fn is_credential(name: &str) -> bool {
    matches!(
        name,
        "authorization"
            | "proxy-authorization"
            | "cookie"
            | "set-cookie"
            | "x-user-token"
            | "x-api-key"
    ) || name.starts_with("x-instabot-")
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
}

impl Worker<'_> {
    /// Validates, logs, counts and records one exchange.
    pub fn handle(&mut self, seen: Forwarded) {
        self.sequence += 1;
        let request_id = header_value(&seen.response_headers, "request-id")
            .or_else(|| header_value(&seen.response_headers, "x-request-id"))
            .unwrap_or("-")
            .to_owned();
        let head = format!("{} {} -> {}", seen.method, seen.target, seen.status);
        let request = self.body(&seen.request_headers, &seen.request_body);
        let response = self.body(&seen.response_headers, &seen.response_body);
        if let Some(record) = self.record.as_mut() {
            let line = record_line(&seen, request.as_deref(), response.as_deref());
            let _ = writeln!(record, "{line}");
            let _ = record.flush();
        }
        let (Some(request_text), Some(response_text)) = (request, response) else {
            let _ = writeln!(
                self.log,
                "conformance proxy: {}: not validated: a body is over {} bytes (request-id {request_id})",
                escape_controls(&head, false),
                self.max_body_bytes
            );
            let name = match self.validator.match_request(&seen.method, &seen.target) {
                crate::validate::Match::Operation(op) => op.name.clone(),
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
            Body::from_captured(request_text, exchange.request_content_type.as_deref());
        exchange.response_body =
            Body::from_captured(response_text, exchange.response_content_type.as_deref());
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
                            escape_controls(&finding.to_string(), false)
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

    /// A body's text for validation: decoded when gzip, `None` when over the cap; borrowed
    /// when it is UTF-8 as sent (the common case: no copy of the body).
    fn body<'s>(&self, headers: &[(String, String)], seen: &'s Seen) -> Option<Cow<'s, str>> {
        let Seen::Bytes(bytes) = seen else {
            return None;
        };
        let gzip = header_value(headers, "content-encoding")
            .is_some_and(|e| e.trim().eq_ignore_ascii_case("gzip"));
        if !gzip {
            return Some(utf8(bytes));
        }
        let mut decoded = Vec::new();
        let limit = self.max_body_bytes as u64 + 1;
        match flate2::read::GzDecoder::new(&bytes[..])
            .take(limit)
            .read_to_end(&mut decoded)
        {
            Ok(_) if decoded.len() as u64 >= limit => None,
            Ok(_) => Some(Cow::Owned(String::from_utf8(decoded).unwrap_or_else(
                |invalid| String::from_utf8_lossy(invalid.as_bytes()).into_owned(),
            ))),
            // Not gzip after all: validated as sent, so the finding says what is wrong.
            Err(_) => Some(utf8(bytes)),
        }
    }
}

/// `bytes` as text; invalid UTF-8 replaced (the parser then reports the body). The strict
/// check first: it is several times faster than the lossy one on valid text.
fn utf8(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// One line of the extended NDJSON capture (see [`traffic::CaptureFormat::Ndjson`]): bodies as
/// text (decoded), the recorded headers, credentials redacted.
fn record_line(seen: &Forwarded, request: Option<&str>, response: Option<&str>) -> String {
    let headers = |list: &[(String, String)]| {
        let mut map = serde_json::Map::new();
        for (name, value) in list {
            if is_credential(name) {
                map.insert(name.clone(), json!("[redacted]"));
            } else if RECORDED_HEADERS.contains(&name.as_str()) {
                map.insert(name.clone(), json!(value));
            }
        }
        Value::Object(map)
    };
    let mut line = json!({
        "method": seen.method,
        "path": seen.target,
        "status": seen.status,
        "request_headers": headers(&seen.request_headers),
        "response_headers": headers(&seen.response_headers),
    });
    let fields = [
        ("request", &seen.request_headers, request),
        ("response", &seen.response_headers, response),
    ];
    for (side, list, text) in fields {
        if let Some(content_type) = header_value(list, "content-type") {
            line[format!("{side}_content_type")] = json!(content_type);
        }
        if let Some(text) = text.filter(|t| !t.is_empty()) {
            line[format!("{side}_body_text")] = json!(text);
        }
    }
    line.to_string()
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
