//! Validating captured traffic: a HAR file or NDJSON exchanges, streamed one at a time.
//!
//! Each exchange is matched to its operation by method and concrete path (see
//! [`Validator::match_request`]), then its request and response bodies are validated. Memory stays bounded
//! whatever the capture's size: NDJSON is read line by line into one reused buffer, and a HAR
//! file's `log.entries` array is deserialized one entry at a time; one line or entry may not
//! exceed [`Limits::max_exchange_bytes`], so memory is bounded by configuration, not by input.
//!
//! What a capture holds that cannot be checked is an input error, never a silent pass: a status
//! that is not an HTTP status (outside 100-999; HAR's `0`, "no response", aside), a line or entry
//! over the limit. An exchange without a response has its request checked and is counted as
//! such ([`Summary::unanswered`]).

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::class::{Class, ClassCounts};
use spec_model::media_type;

use crate::index::routing::Match;
use crate::index::{BodyKind, Operation};
use crate::validate::{self, Outcome, Validator, Violation};

/// The two capture formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureFormat {
    /// HTTP Archive, as saved by a browser's developer tools or a proxy.
    Har,
    /// One exchange per line: `{"method", "path", "status", "request_body"?, "response_body"?}`,
    /// and optionally (added later, additively) `request_content_type`, `response_content_type`,
    /// `request_headers`, `response_headers` (objects of [`RECORDED_HEADERS`]) and
    /// `request_body_text`, `response_body_text` (a body that is not JSON, as text).
    Ndjson,
}

/// A body as captured.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// No body (or an empty one, or JSON `null` in NDJSON).
    Absent,
    Json(Value),
    /// Text that should be JSON and is not, with the parse error.
    NotJson(String),
    /// Text in a content type that is not JSON (checked for its content type, not a schema).
    Text(String),
}

/// The headers a capture keeps besides the content type: what validation and a reader of the
/// findings need (the body's encoding, the vendor's request id), and no credentials.
pub const RECORDED_HEADERS: &[&str] = &[
    "content-type",
    "content-encoding",
    "content-length",
    "request-id",
    "x-request-id",
    "location",
    "retry-after",
];

impl Body {
    /// A body from its text as captured: JSON unless a content type says it is not.
    /// Borrowed or owned (a proxy's body is borrowed, a capture's owned): copied only when kept
    /// as text.
    pub fn from_captured(text: Cow<'_, str>, content_type: Option<&str>) -> Body {
        if text.trim().is_empty() {
            return Body::Absent;
        }
        if content_type.is_some_and(|t| !media_type::is_json(t)) {
            return Body::Text(text.into_owned());
        }
        // The one parse of every captured or proxied JSON body (traffic, drift, the proxy):
        // duplicate keys refused, as the generated types refuse them.
        match crate::unique_keys::parse(text.as_bytes()) {
            Ok(value) => Body::Json(value),
            Err(error) => Body::NotJson(format!("body is not JSON: {error}")),
        }
    }

    /// A body from its bytes as sent on the wire (the proxy): a JSON body that is not UTF-8 is
    /// a violation (RFC 8259 section 8.1), not decoded with replacement characters; a text body
    /// of another media type is kept lossily, since it is not validated.
    pub fn from_captured_bytes(bytes: &[u8], content_type: Option<&str>) -> Body {
        match std::str::from_utf8(bytes) {
            Ok(text) => Body::from_captured(Cow::Borrowed(text), content_type),
            Err(_) if content_type.is_some_and(|t| !media_type::is_json(t)) => {
                Body::from_captured(String::from_utf8_lossy(bytes), content_type)
            }
            Err(error) => Body::NotJson(format!(
                "body is not JSON: it is not UTF-8 (an invalid byte at offset {})",
                error.valid_up_to()
            )),
        }
    }

    /// A HAR body: `Err` (the reason) when it is declared base64 but is not base64, which is
    /// the capture's fault, not the vendor's.
    fn from_text(
        text: Option<String>,
        base64: bool,
        content_type: Option<&str>,
    ) -> Result<Body, String> {
        let Some(text) = text else {
            return Ok(Body::Absent);
        };
        let text = if base64 {
            match String::from_utf8(decode_base64(&text)?) {
                Ok(decoded) => decoded,
                Err(_) => {
                    return Ok(Body::NotJson(
                        "body is base64 of bytes that are not UTF-8 text".into(),
                    ))
                }
            }
        } else {
            text
        };
        Ok(Body::from_captured(Cow::Owned(text), content_type))
    }
}

/// One captured exchange.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    /// Where it is in the capture: `line 12` (NDJSON) or `entry 3` (HAR).
    pub position: String,
    pub method: String,
    /// The path (or URL) as captured.
    pub path: String,
    /// `None` when no response was captured (HAR status 0).
    pub status: Option<u16>,
    pub request_body: Body,
    pub response_body: Body,
    /// The request's `Content-Type`, when captured.
    pub request_content_type: Option<String>,
    /// The response's `Content-Type`, when captured.
    pub response_content_type: Option<String>,
    /// Captured request headers of [`RECORDED_HEADERS`] (lowercase names).
    pub request_headers: Vec<(String, String)>,
    /// Captured response headers of [`RECORDED_HEADERS`] (lowercase names).
    pub response_headers: Vec<(String, String)>,
}

impl Exchange {
    /// An exchange with no bodies, content types or headers yet.
    pub fn new(position: String, method: String, path: String, status: Option<u16>) -> Exchange {
        Exchange {
            position,
            method,
            path,
            status,
            request_body: Body::Absent,
            response_body: Body::Absent,
            request_content_type: None,
            response_content_type: None,
            request_headers: Vec::new(),
            response_headers: Vec::new(),
        }
    }

    /// A response header's value (`request-id`...), by lowercase name.
    pub fn response_header(&self, name: &str) -> Option<&str> {
        header_value(&self.response_headers, name)
    }
}

/// The value of header `name` (lower-case) in a list of recorded `(name, value)` pairs.
pub(crate) fn header_value<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// What was found for one exchange.
#[derive(Debug, Clone)]
pub enum Verdict<'a> {
    /// Nothing found at all.
    Conforms { operation: &'a Operation },
    /// At least one finding, of any class (see [`Verdict::passes`]).
    Findings {
        operation: &'a Operation,
        request: Outcome,
        response: Outcome,
        /// The response's status, when one was captured.
        status: Option<u16>,
    },
    /// No operation matches the exchange (a violation: the operation is not documented).
    Unmatched { reason: String },
}

impl Verdict<'_> {
    /// Nothing found at all.
    pub fn is_ok(&self) -> bool {
        matches!(self, Verdict::Conforms { .. })
    }

    /// Whether the exchange passes: no finding of a class that fails (`strict`: `--strict`).
    pub fn passes(&self, strict: bool) -> bool {
        match self {
            Verdict::Conforms { .. } => true,
            Verdict::Findings {
                request, response, ..
            } => request.passes(strict) && response.passes(strict),
            Verdict::Unmatched { .. } => false,
        }
    }

    /// The findings of both sides counted per class (an unmatched exchange is one violation).
    pub fn counts(&self) -> ClassCounts {
        match self {
            Verdict::Conforms { .. } => ClassCounts::default(),
            Verdict::Findings {
                request, response, ..
            } => {
                let mut counts = request.counts();
                counts.merge(&response.counts());
                counts
            }
            Verdict::Unmatched { .. } => ClassCounts {
                violation: 1,
                ..ClassCounts::default()
            },
        }
    }
}

/// Counts over a whole capture.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub exchanges: u64,
    /// Exchanges with no violation and no loss (undocumented members allowed).
    pub conforming: u64,
    /// Exchanges with at least one violation.
    pub violating: u64,
    /// Exchanges with at least one undocumented member.
    pub undocumented: u64,
    /// Exchanges with at least one loss through the generated types.
    pub lossy: u64,
    pub unmatched: u64,
    /// Findings counted per class, over every exchange.
    pub findings: ClassCounts,
    /// Bodies validated against a schema.
    pub bodies: u64,
    /// Exchanges captured without a response (HAR status 0): only their request was checked.
    pub unanswered: u64,
}

impl Summary {
    /// Whether the capture passes: no violation, no loss, every exchange matched, and with
    /// `strict` no undocumented member either.
    pub fn ok(&self, strict: bool) -> bool {
        self.violating == 0
            && self.lossy == 0
            && self.unmatched == 0
            && (!strict || self.undocumented == 0)
    }

    /// Adds one exchange's verdict.
    pub fn count(&mut self, verdict: &Verdict<'_>) {
        self.exchanges += 1;
        let counts = verdict.counts();
        match verdict {
            Verdict::Unmatched { .. } => self.unmatched += 1,
            _ => {
                self.violating += u64::from(counts.violation > 0);
                self.conforming += u64::from(verdict.passes(false));
            }
        }
        self.undocumented += u64::from(counts.undocumented > 0);
        self.lossy += u64::from(counts.loss > 0);
        if !matches!(verdict, Verdict::Unmatched { .. }) {
            self.findings.merge(&counts);
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} exchanges: {} conform, {} violate, {} undocumented, {} lose data, {} match no operation ({} bodies validated",
            self.exchanges,
            self.conforming,
            self.violating,
            self.undocumented,
            self.lossy,
            self.unmatched,
            self.bodies
        )?;
        if self.unanswered > 0 {
            write!(f, "; {} without a response", self.unanswered)?;
        }
        f.write_str(")")
    }
}

/// Why a capture could not be processed (exit 2).
#[derive(Debug)]
pub enum TrafficError {
    /// The capture is malformed: where, and what.
    Input(String),
    Io(io::Error),
    /// The spec's schemas could not be compiled.
    Spec(validate::Error),
}

impl fmt::Display for TrafficError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrafficError::Input(message) => write!(f, "{message}"),
            TrafficError::Io(error) => write!(f, "{error}"),
            TrafficError::Spec(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for TrafficError {}

impl From<io::Error> for TrafficError {
    fn from(error: io::Error) -> Self {
        TrafficError::Io(error)
    }
}

/// Tells HAR from NDJSON by the first key of the first object: a HAR file is one object whose
/// (only) key is `log`.
pub fn detect(reader: &mut dyn BufRead) -> io::Result<CaptureFormat> {
    let buffer = reader.fill_buf()?;
    let text = buffer.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(buffer);
    let mut rest = text.iter().skip_while(|b| b.is_ascii_whitespace());
    if rest.next() != Some(&b'{') {
        return Ok(CaptureFormat::Ndjson);
    }
    let after: Vec<u8> = rest
        .skip_while(|b| b.is_ascii_whitespace())
        .take(5)
        .copied()
        .collect();
    Ok(if after == b"\"log\"" {
        CaptureFormat::Har
    } else {
        CaptureFormat::Ndjson
    })
}

/// How much of a capture is held in memory at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest NDJSON line, or HAR entry, in bytes; a longer one is an input error, found
    /// before more than this is read. Default: [`Limits::DEFAULT_MAX_EXCHANGE_BYTES`].
    pub max_exchange_bytes: usize,
}

impl Limits {
    /// 16 MiB: sixteen times the servers' default body limit.
    pub const DEFAULT_MAX_EXCHANGE_BYTES: usize = 16 * 1024 * 1024;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_exchange_bytes: Self::DEFAULT_MAX_EXCHANGE_BYTES,
        }
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
    match format {
        CaptureFormat::Ndjson => read_ndjson(reader, limits, &mut handle)?,
        CaptureFormat::Har => read_har(reader, limits, &mut handle)?,
    }
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

#[derive(Deserialize)]
struct NdjsonExchange {
    method: String,
    #[serde(alias = "url")]
    path: String,
    /// Checked by [`http_status`] (a number out of `u16` range is reported as such too).
    status: i64,
    #[serde(default)]
    request_body: Option<Value>,
    #[serde(default)]
    response_body: Option<Value>,
    #[serde(default)]
    request_content_type: Option<String>,
    #[serde(default)]
    response_content_type: Option<String>,
    #[serde(default)]
    request_headers: Option<serde_json::Map<String, Value>>,
    #[serde(default)]
    response_headers: Option<serde_json::Map<String, Value>>,
    /// A request body that is not JSON, as text (instead of `request_body`).
    #[serde(default)]
    request_body_text: Option<String>,
    #[serde(default)]
    response_body_text: Option<String>,
}

/// Header members of a record as `(lowercase name, value)`; a value that is not a string is
/// kept as its JSON text.
fn header_pairs(headers: Option<serde_json::Map<String, Value>>) -> Vec<(String, String)> {
    headers
        .into_iter()
        .flatten()
        .map(|(name, value)| {
            let value = match value {
                Value::String(text) => text,
                other => other.to_string(),
            };
            (name.to_ascii_lowercase(), value)
        })
        .collect()
}

/// A response status as captured: 100-999, what HTTP calls a status code.
fn http_status(status: i64) -> Option<u16> {
    u16::try_from(status)
        .ok()
        .filter(|status| (100..=999).contains(status))
}

fn read_ndjson(
    reader: &mut dyn BufRead,
    limits: Limits,
    handle: &mut dyn FnMut(Exchange) -> Result<(), TrafficError>,
) -> Result<(), TrafficError> {
    let mut line = Vec::new();
    let mut number: u64 = 0;
    loop {
        number += 1;
        let read = read_line_bounded(reader, &mut line, limits.max_exchange_bytes)
            .map_err(|e| TrafficError::Input(format!("line {number}: {e}")))?;
        match read {
            LineRead::End => return Ok(()),
            LineRead::TooLong => {
                return Err(TrafficError::Input(format!(
                    "line {number}: longer than {} bytes, the limit on one exchange (--max-exchange-bytes)",
                    limits.max_exchange_bytes
                )))
            }
            LineRead::Line => {}
        }
        let text = line.trim_ascii();
        if text.is_empty() {
            continue;
        }
        let record: NdjsonExchange = serde_json::from_slice(
            &jsonschema_oas30::negative_zero_as_zero(text),
        )
        .map_err(|error| {
            TrafficError::Input(format!(
                "line {number}, column {}: not an exchange: {error}",
                error.column()
            ))
        })?;
        let status = http_status(record.status).ok_or_else(|| {
            TrafficError::Input(format!(
                "line {number}: `status` {} is not an HTTP status (100-999)",
                record.status
            ))
        })?;
        let body = |value: Option<Value>, text: Option<String>, content_type: Option<&str>| match (
            value, text,
        ) {
            (Some(value), _) if !value.is_null() => Body::Json(value),
            (_, Some(text)) => Body::from_captured(Cow::Owned(text), content_type),
            _ => Body::Absent,
        };
        let request_body = body(
            record.request_body,
            record.request_body_text,
            record.request_content_type.as_deref(),
        );
        let response_body = body(
            record.response_body,
            record.response_body_text,
            record.response_content_type.as_deref(),
        );
        handle(Exchange {
            position: format!("line {number}"),
            method: record.method,
            path: record.path,
            status: Some(status),
            request_body,
            response_body,
            request_content_type: record.request_content_type,
            response_content_type: record.response_content_type,
            request_headers: header_pairs(record.request_headers),
            response_headers: header_pairs(record.response_headers),
        })?;
    }
}

/// What [`read_line_bounded`] found.
#[derive(Debug, PartialEq, Eq)]
enum LineRead {
    /// A line (possibly the last, without its newline) is in the buffer.
    Line,
    /// The line is longer than the cap; reading stopped there.
    TooLong,
    /// Nothing left.
    End,
}

/// Reads one line, newline excluded, into `line`, reading no more than `cap + 1` bytes of it.
fn read_line_bounded(
    reader: &mut dyn BufRead,
    line: &mut Vec<u8>,
    cap: usize,
) -> io::Result<LineRead> {
    line.clear();
    let mut any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if available.is_empty() {
            return Ok(if any { LineRead::Line } else { LineRead::End });
        }
        any = true;
        let (taken, done) = match available.iter().position(|&b| b == b'\n') {
            Some(newline) => (newline, true),
            None => (available.len(), false),
        };
        if line.len() + taken > cap {
            return Ok(LineRead::TooLong);
        }
        line.extend_from_slice(&available[..taken]);
        reader.consume(if done { taken + 1 } else { taken });
        if done {
            return Ok(LineRead::Line);
        }
    }
}

#[derive(Deserialize)]
struct HarEntry {
    request: HarRequest,
    response: HarResponse,
}

#[derive(Deserialize)]
struct HarRequest {
    method: String,
    url: String,
    #[serde(default)]
    headers: Vec<HarHeader>,
    #[serde(rename = "postData", default)]
    post_data: Option<HarText>,
}

#[derive(Deserialize)]
struct HarResponse {
    status: i64,
    #[serde(default)]
    headers: Vec<HarHeader>,
    #[serde(default)]
    content: Option<HarText>,
}

#[derive(Deserialize)]
struct HarHeader {
    name: String,
    value: String,
}

#[derive(Deserialize)]
struct HarText {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    encoding: Option<String>,
    #[serde(rename = "mimeType", default)]
    mime_type: Option<String>,
}

impl HarText {
    /// The body and its content type (`mimeType`, else the `Content-Type` header); `Err` (the
    /// reason) for a body declared base64 that is not.
    fn body(
        this: Option<HarText>,
        headers: &[(String, String)],
    ) -> Result<(Body, Option<String>), String> {
        let header = headers
            .iter()
            .find(|(name, _)| name == "content-type")
            .map(|(_, value)| value.clone());
        match this {
            None => Ok((Body::Absent, header)),
            Some(text) => {
                let content_type = text.mime_type.filter(|t| !t.is_empty()).or(header);
                let base64 = text
                    .encoding
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case("base64"));
                let body = Body::from_text(text.text, base64, content_type.as_deref())?;
                Ok((body, content_type))
            }
        }
    }
}

/// The [`RECORDED_HEADERS`] of a HAR header list, lowercase.
fn recorded(headers: Vec<HarHeader>) -> Vec<(String, String)> {
    headers
        .into_iter()
        .map(|h| (h.name.to_ascii_lowercase(), h.value))
        .filter(|(name, _)| RECORDED_HEADERS.contains(&name.as_str()))
        .collect()
}

type Handler<'h> = &'h mut dyn FnMut(Exchange) -> Result<(), TrafficError>;

/// Counts the bytes read since the last [`EntryBudget::restart`] and fails the read that goes
/// over the limit, so that no HAR entry is read whole beyond it.
struct EntryBudget<'r> {
    inner: &'r mut dyn BufRead,
    used: std::rc::Rc<std::cell::Cell<usize>>,
    limit: usize,
}

/// The error [`EntryBudget`] fails a read with.
#[derive(Debug)]
struct OverBudget;

impl fmt::Display for OverBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("entry over the byte limit")
    }
}

impl std::error::Error for OverBudget {}

impl io::Read for EntryBudget<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.limit.saturating_sub(self.used.get());
        if left == 0 {
            return Err(io::Error::other(OverBudget));
        }
        let wanted = buf.len().min(left);
        let read = self.inner.read(&mut buf[..wanted])?;
        self.used.set(self.used.get() + read);
        Ok(read)
    }
}

/// Streams `log.entries` of a HAR file, one entry at a time.
fn read_har(
    reader: &mut dyn BufRead,
    limits: Limits,
    mut handle: Handler<'_>,
) -> Result<(), TrafficError> {
    let mut stopped: Option<TrafficError> = None;
    let mut count: u64 = 0;
    let used = std::rc::Rc::new(std::cell::Cell::new(0));
    // One byte more than the limit: an entry of exactly the limit still parses.
    let budget = EntryBudget {
        inner: reader,
        used: std::rc::Rc::clone(&used),
        limit: limits.max_exchange_bytes.saturating_add(1),
    };
    let mut deserializer = serde_json::Deserializer::from_reader(budget);
    let result = HarSeed {
        level: Level::Root,
        handle: &mut handle,
        stopped: &mut stopped,
        count: &mut count,
        used: &used,
    }
    .deserialize(&mut deserializer)
    .and_then(|found| {
        deserializer.end()?;
        Ok(found)
    });
    if let Some(error) = stopped {
        return Err(error);
    }
    if used.get() > limits.max_exchange_bytes {
        return Err(TrafficError::Input(format!(
            "entry {}: longer than {} bytes, the limit on one exchange (--max-exchange-bytes)",
            count + 1,
            limits.max_exchange_bytes
        )));
    }
    match result {
        Ok(true) => Ok(()),
        Ok(false) => Err(TrafficError::Input(
            "not a HAR file: no log.entries array".into(),
        )),
        Err(error) => Err(TrafficError::Input(format!(
            "malformed HAR file{}: {error}",
            if count > 0 {
                format!(" (after entry {count})")
            } else {
                String::new()
            }
        ))),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Level {
    Root,
    Log,
    Entries,
}

struct HarSeed<'a, 'h> {
    level: Level,
    handle: &'a mut Handler<'h>,
    stopped: &'a mut Option<TrafficError>,
    count: &'a mut u64,
    /// Bytes read since the last entry ended ([`EntryBudget`]).
    used: &'a std::rc::Rc<std::cell::Cell<usize>>,
}

impl<'de> DeserializeSeed<'de> for HarSeed<'_, '_> {
    /// Whether `log.entries` was found.
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        if self.level == Level::Entries {
            deserializer.deserialize_seq(self)
        } else {
            deserializer.deserialize_map(self)
        }
    }
}

impl<'de> Visitor<'de> for HarSeed<'_, '_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.level {
            Level::Root => "a HAR object with a `log` member",
            Level::Log => "the HAR `log` object",
            Level::Entries => "the HAR `log.entries` array",
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let (wanted, next) = match self.level {
            Level::Root => ("log", Level::Log),
            _ => ("entries", Level::Entries),
        };
        let mut found = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == wanted {
                found |= map.next_value_seed(HarSeed {
                    level: next,
                    handle: &mut *self.handle,
                    stopped: &mut *self.stopped,
                    count: &mut *self.count,
                    used: self.used,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while let Some(entry) = seq.next_element::<HarEntry>()? {
            *self.count += 1;
            self.used.set(0);
            // HAR's 0 means "no response"; anything else must be a status to check against.
            let status = match entry.response.status {
                0 => None,
                status => match http_status(status) {
                    Some(status) => Some(status),
                    None => {
                        *self.stopped = Some(TrafficError::Input(format!(
                            "entry {}: response status {status} is not an HTTP status (100-999, or 0 for no response)",
                            self.count
                        )));
                        return Err(de::Error::custom("stopped"));
                    }
                },
            };
            let request_headers = recorded(entry.request.headers);
            let response_headers = recorded(entry.response.headers);
            let bodies = HarText::body(entry.request.post_data, &request_headers)
                .map_err(|reason| format!("`request.postData`: {reason}"))
                .and_then(|request| {
                    HarText::body(entry.response.content, &response_headers)
                        .map(|response| (request, response))
                        .map_err(|reason| format!("`response.content`: {reason}"))
                });
            let ((request_body, request_content_type), (response_body, response_content_type)) =
                match bodies {
                    Ok(bodies) => bodies,
                    Err(reason) => {
                        *self.stopped = Some(TrafficError::Input(format!(
                            "entry {}: {reason}",
                            self.count
                        )));
                        return Err(de::Error::custom("stopped"));
                    }
                };
            let exchange = Exchange {
                position: format!("entry {}", self.count),
                method: entry.request.method,
                path: entry.request.url,
                status,
                request_body,
                response_body,
                request_content_type,
                response_content_type,
                request_headers,
                response_headers,
            };
            if let Err(error) = (self.handle)(exchange) {
                *self.stopped = Some(error);
                return Err(de::Error::custom("stopped"));
            }
        }
        Ok(true)
    }
}

/// A HAR body's base64 (RFC 4648, standard or URL-safe alphabet, padding optional, line breaks
/// ignored), through the `base64` crate: text no encoder could have written (`A`, a bad last
/// symbol) is refused, never read as an empty or shortened body.
fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    use base64::Engine as _;
    const LENIENT: GeneralPurposeConfig =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    const STANDARD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
    const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);
    let compact: Vec<u8> = text
        .bytes()
        .filter(|byte| !matches!(byte, b'\r' | b'\n' | b' ' | b'\t'))
        .collect();
    let engine = if compact.iter().any(|byte| matches!(byte, b'-' | b'_')) {
        &URL_SAFE
    } else {
        &STANDARD
    };
    engine.decode(&compact).map_err(|error| {
        format!(
            "declared base64 (`encoding: base64`) but is not base64 ({} bytes): {error}",
            compact.len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64() {
        assert_eq!(decode_base64("eyJhIjoxfQ==").unwrap(), b"{\"a\":1}");
        assert_eq!(decode_base64("eyJhIjox\r\nfQ").unwrap(), b"{\"a\":1}");
        assert_eq!(decode_base64("-_8").unwrap(), [0xfb, 0xff]);
        for impossible in ["*", "A", "AB==", "eyJhIjoxfQ=x"] {
            assert!(decode_base64(impossible).is_err(), "{impossible}");
        }
    }
}
