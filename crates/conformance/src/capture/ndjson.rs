//! NDJSON captures: one exchange per line, read into one reused buffer of at most
//! [`Limits::max_exchange_bytes`].

use std::borrow::Cow;
use std::io::{self, BufRead};

use serde::Deserialize;
use serde_json::Value;

use super::{http_status, Body, CaptureError, Exchange, Limits};

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

/// Reads one exchange per line, calling `handle` with each; blank lines are skipped.
pub(super) fn read<E: From<CaptureError>>(
    reader: &mut dyn BufRead,
    limits: Limits,
    handle: &mut dyn FnMut(Exchange) -> Result<(), E>,
) -> Result<(), E> {
    let mut line = Vec::new();
    let mut number: u64 = 0;
    loop {
        number += 1;
        let read = read_line_bounded(reader, &mut line, limits.max_exchange_bytes)
            .map_err(|e| E::from(CaptureError(format!("line {number}: {e}"))))?;
        match read {
            LineRead::End => return Ok(()),
            LineRead::TooLong => {
                return Err(E::from(CaptureError(format!(
                    "line {number}: longer than {} bytes, the limit on one exchange (--max-exchange-bytes)",
                    limits.max_exchange_bytes
                ))))
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
            E::from(CaptureError(format!(
                "line {number}, column {}: not an exchange: {error}",
                error.column()
            )))
        })?;
        let status = http_status(record.status).ok_or_else(|| {
            E::from(CaptureError(format!(
                "line {number}: `status` {} is not an HTTP status (100-999)",
                record.status
            )))
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
