//! The requests a sandbox received, as a test asks for them (`TestSandbox::received()`,
//! `GET /_sandbox/requests`): operation, method, path, query, headers, decoded JSON body, the
//! answer's status, and what the spec refuses in the request. Secrets never get in: headers,
//! query values and `writeOnly` body members go through [`spec_model::redact`], the function
//! the proxy's recording and the request log use.
//!
//! Bounded by bytes: the log holds at most a quarter of the memory cap
//! ([`RECEIVED_SHARE_OF_CAP`]; 64 MiB under the default 256 MiB cap), oldest dropped first, and
//! what it holds counts toward the cap (`--max-stored-bytes`) with the API's state.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::Serialize;
use serde_json::Value;
use server_runtime::axum::http::{HeaderMap, Method};

use crate::Api;

/// The log of received requests holds at most `max_stored_bytes / RECEIVED_SHARE_OF_CAP`.
pub const RECEIVED_SHARE_OF_CAP: usize = 4;

/// One request as the sandbox received it, secrets redacted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReceivedRequest {
    /// Its place among the requests this sandbox received (from 1; never reused, so a gap
    /// means older requests were dropped or cleared).
    pub sequence: u64,
    /// The spec's operationId it was routed to; `None` for a path or method no operation has.
    pub operation: Option<&'static str>,
    pub method: String,
    /// The path, base path included.
    pub path: String,
    /// The query parameters in order, decoded; secret values redacted.
    pub query: Vec<(String, String)>,
    /// The headers in order, names in lower case; credentials redacted.
    pub headers: Vec<(String, String)>,
    /// The body as JSON, `writeOnly` members redacted; `None` when empty or not JSON.
    pub body: Option<Value>,
    /// The body's length in bytes as sent.
    pub body_bytes: usize,
    /// The status it was answered with.
    pub status: u16,
    /// Whether it reached the API's behaviour (or a stub): credentials and input accepted.
    pub valid: bool,
    /// Why it was refused, when it was not valid: the messages of the API's error body.
    pub findings: Vec<String>,
    /// Whether a stub answered it.
    pub stubbed: bool,
}

impl ReceivedRequest {
    /// The first value of the query parameter `name`.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        first(&self.query, name)
    }

    /// The first value of the header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        first(&self.headers, &name)
    }
}

/// A request as it was received, kept raw and compact: decoded and redacted only when a test
/// asks for it ([`RawRequest::view`]). Its texts are owned copies in one allocation each (a
/// `HeaderMap` would keep the connection's read buffer alive), so what it holds is what
/// [`RawRequest::stored_bytes`] counts.
#[derive(Debug, Clone)]
pub(crate) struct RawRequest {
    pub sequence: u64,
    pub operation: Option<&'static str>,
    pub method: Method,
    /// The request target: path and query, as sent.
    pub target: Box<str>,
    /// The headers as `name:value` lines (names cannot hold `:`, values cannot hold a line
    /// break).
    pub headers: Box<[u8]>,
    /// The body as sent (its first `limit + 1` bytes: the handler refuses a longer one).
    pub body: Box<[u8]>,
    pub body_bytes: usize,
    pub status: u16,
    pub valid: bool,
    pub findings: Vec<String>,
    pub stubbed: bool,
}

impl RawRequest {
    /// As tests see it: the query decoded, secrets redacted by `spec_model::redact` (headers,
    /// query keys, `writeOnly` members), the body as JSON.
    pub(crate) fn view(&self, api: Api) -> ReceivedRequest {
        let redaction = crate::request_log::redaction(api);
        let target = redaction.target(&self.target);
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path, decode_query(query)),
            None => (&*target, Vec::new()),
        };
        let headers = self
            .headers
            .split(|byte| *byte == b'\n')
            .filter(|line| !line.is_empty())
            .map(|line| {
                let line = String::from_utf8_lossy(line);
                let (name, value) = line.split_once(':').unwrap_or((&line, ""));
                let shown = redaction.header(name, value).to_owned();
                (name.to_owned(), shown)
            })
            .collect();
        let body = (!self.body.is_empty())
            .then(|| serde_json::from_slice::<Value>(&self.body).ok())
            .flatten()
            .map(|mut body| {
                redaction.body(&mut body);
                body
            });
        ReceivedRequest {
            sequence: self.sequence,
            operation: self.operation,
            method: self.method.as_str().to_owned(),
            path: path.to_owned(),
            query,
            headers,
            body,
            body_bytes: self.body_bytes,
            status: self.status,
            valid: self.valid,
            findings: self.findings.clone(),
            stubbed: self.stubbed,
        }
    }

    /// About how many bytes it takes in the log (its texts, its body, and the same per-record
    /// overhead the state counts).
    pub(crate) fn stored_bytes(&self) -> usize {
        crate::storage::RECORD_OVERHEAD_BYTES
            + self.method.as_str().len()
            + self.target.len()
            + self.headers.len()
            + self.body.len()
            + self.findings.iter().map(String::len).sum::<usize>()
    }
}

/// The headers as [`RawRequest::headers`] keeps them.
pub(crate) fn header_lines(headers: &HeaderMap) -> Box<[u8]> {
    let mut lines = Vec::with_capacity(
        headers
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len() + 2)
            .sum(),
    );
    for (name, value) in headers {
        lines.extend_from_slice(name.as_str().as_bytes());
        lines.push(b':');
        lines.extend_from_slice(value.as_bytes());
        lines.push(b'\n');
    }
    lines.into_boxed_slice()
}

/// `a=1&b=x%20y` as decoded pairs (lossy: bytes that are not UTF-8 become U+FFFD; the handler
/// refuses such a query itself).
fn decode_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let hex = |byte: u8| (byte as char).to_digit(16).map(|digit| digit as u8);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = match bytes.get(index..index + 3) {
            Some([b'%', high, low]) => hex(*high).zip(hex(*low)).map(|(h, l)| h * 16 + l),
            _ => None,
        };
        match (escaped, bytes[index]) {
            (Some(byte), _) => {
                out.push(byte);
                index += 3;
                continue;
            }
            (None, b'+') => out.push(b' '),
            (None, byte) => out.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// One API's log of received requests.
#[derive(Debug)]
pub struct Received {
    api: Api,
    entries: Mutex<VecDeque<(RawRequest, usize)>>,
    bytes: AtomicUsize,
    next_sequence: AtomicU64,
    dropped: AtomicU64,
}

impl Received {
    pub(crate) fn new(api: Api) -> Received {
        Received {
            api,
            entries: Mutex::default(),
            bytes: AtomicUsize::default(),
            next_sequence: AtomicU64::default(),
            dropped: AtomicU64::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<(RawRequest, usize)>> {
        // Every change is whole before the lock is released.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The next request's sequence number.
    pub(crate) fn next_sequence(&self) -> u64 {
        self.next_sequence.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Keeps `request`, dropping the oldest until the log holds at most `max_bytes`. A request
    /// larger than the bound alone is kept without its body.
    pub(crate) fn push(&self, mut request: RawRequest, max_bytes: usize) {
        let mut size = request.stored_bytes();
        if size > max_bytes && !request.body.is_empty() {
            request.body = Box::default();
            size = request.stored_bytes();
        }
        let mut entries = self.lock();
        entries.push_back((request, size));
        let mut held = self.bytes.load(Ordering::Relaxed) + size;
        while held > max_bytes {
            let Some((_, oldest)) = entries.pop_front() else {
                break;
            };
            held -= oldest;
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
        self.bytes.store(held, Ordering::Relaxed);
    }

    /// The requests held, oldest first; only those of `operation` when given.
    pub fn list(&self, operation: Option<&str>) -> Vec<ReceivedRequest> {
        self.lock()
            .iter()
            .map(|(request, _)| request)
            .filter(|request| operation.is_none_or(|op| request.operation == Some(op)))
            .map(|request| request.view(self.api))
            .collect()
    }

    /// Forgets every request held.
    pub fn clear(&self) {
        let mut entries = self.lock();
        entries.clear();
        self.bytes.store(0, Ordering::Relaxed);
    }

    /// The bytes the log holds (counted toward the memory cap).
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Relaxed)
    }

    /// How many requests were dropped to keep the bound.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// The bound of the log under a memory cap of `max_stored_bytes`.
pub fn received_bound(max_stored_bytes: usize) -> usize {
    max_stored_bytes / RECEIVED_SHARE_OF_CAP
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(sequence: u64, body: &[u8]) -> RawRequest {
        RawRequest {
            sequence,
            operation: Some("list_profiles"),
            method: Method::GET,
            target: "/v1/profiles?limit=1".into(),
            headers: Box::default(),
            body: body.into(),
            body_bytes: body.len(),
            status: 200,
            valid: true,
            findings: vec![],
            stubbed: false,
        }
    }

    #[test]
    fn the_oldest_go_first_and_the_bytes_stay_within_the_bound() {
        let log = Received::new(Api::Insightiq);
        let one = request(1, b"").stored_bytes();
        let bound = one * 3;
        for sequence in 1..=5 {
            log.push(request(sequence, b""), bound);
        }
        let kept: Vec<u64> = log.list(None).iter().map(|r| r.sequence).collect();
        assert_eq!(kept, [3, 4, 5]);
        assert_eq!(log.bytes(), bound);
        assert_eq!(log.dropped(), 2);
        log.clear();
        assert_eq!((log.list(None).len(), log.bytes()), (0, 0));
    }

    #[test]
    fn a_request_larger_than_the_bound_is_kept_without_its_body() {
        let log = Received::new(Api::Insightiq);
        let bound = request(1, b"").stored_bytes() + 10;
        log.push(request(1, "\"x\"".repeat(40).as_bytes()), bound);
        let kept = log.list(None);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].body, None);
        assert_eq!(kept[0].body_bytes, 120);
        assert!(log.bytes() <= bound);
    }

    #[test]
    fn queries_are_decoded_lossily() {
        assert_eq!(
            decode_query("a=1&b=x%20y+z&c&d=%zz&e=%4"),
            [
                ("a".into(), "1".into()),
                ("b".into(), "x y z".into()),
                ("c".into(), String::new()),
                ("d".into(), "%zz".into()),
                ("e".into(), "%4".into()),
            ]
        );
    }
}
