//! Captured traffic: the capture model ([`Exchange`], [`Body`]) and one reader
//! ([`CaptureReader`]) over both formats, streamed one exchange at a time.
//!
//! Memory stays bounded whatever the capture's size: NDJSON (`ndjson.rs`) is read line by line
//! into one reused buffer, and a HAR file's (`har.rs`) `log.entries` array is deserialized one
//! entry at a time; one line or entry may not exceed [`Limits::max_exchange_bytes`], so memory
//! is bounded by configuration, not by input. What a capture holds that cannot be checked is a
//! [`CaptureError`], never a silent pass: a status that is not an HTTP status (outside
//! 100-999; HAR's `0`, "no response", aside), a line or entry over the limit.

mod har;
mod ndjson;

use std::borrow::Cow;
use std::io::{self, BufRead};

use serde_json::Value;
use spec_model::media_type;

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

/// The capture is malformed: where (`line 3`, `entry 2`) and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CaptureError(pub String);

/// Reads a capture of either format, one [`Exchange`] at a time.
pub struct CaptureReader<'r> {
    reader: &'r mut dyn BufRead,
    format: CaptureFormat,
    limits: Limits,
}

impl<'r> CaptureReader<'r> {
    /// A reader of `format` (see [`detect`]) under `limits`.
    pub fn new(reader: &'r mut dyn BufRead, format: CaptureFormat, limits: Limits) -> Self {
        CaptureReader {
            reader,
            format,
            limits,
        }
    }

    /// Calls `handle` with every exchange in capture order, stopping at the first error: the
    /// capture's ([`CaptureError`], converted) or `handle`'s own.
    pub fn for_each<E: From<CaptureError>>(
        self,
        handle: &mut dyn FnMut(Exchange) -> Result<(), E>,
    ) -> Result<(), E> {
        match self.format {
            CaptureFormat::Ndjson => ndjson::read(self.reader, self.limits, handle),
            CaptureFormat::Har => har::read(self.reader, self.limits, handle),
        }
    }
}

/// A response status as captured: 100-999, what HTTP calls a status code.
fn http_status(status: i64) -> Option<u16> {
    u16::try_from(status)
        .ok()
        .filter(|status| (100..=999).contains(status))
}
