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

    /// About how many bytes it takes in the log (its texts, its body as JSON, and the same
    /// per-record overhead the state counts).
    pub(crate) fn stored_bytes(&self) -> usize {
        let pairs = |pairs: &[(String, String)]| -> usize {
            pairs
                .iter()
                .map(|(name, value)| name.len() + value.len())
                .sum()
        };
        let body = self
            .body
            .as_ref()
            .and_then(|body| serde_json::to_vec(body).ok())
            .map_or(0, |bytes| bytes.len());
        crate::RECORD_OVERHEAD_BYTES
            + self.method.len()
            + self.path.len()
            + pairs(&self.query)
            + pairs(&self.headers)
            + body
            + self.findings.iter().map(String::len).sum::<usize>()
    }
}

fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// One API's log of received requests.
#[derive(Debug, Default)]
pub struct Received {
    entries: Mutex<VecDeque<(ReceivedRequest, usize)>>,
    bytes: AtomicUsize,
    next_sequence: AtomicU64,
    dropped: AtomicU64,
}

impl Received {
    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<(ReceivedRequest, usize)>> {
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
    pub(crate) fn push(&self, mut request: ReceivedRequest, max_bytes: usize) {
        let mut size = request.stored_bytes();
        if size > max_bytes && request.body.is_some() {
            request.body = None;
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
            .cloned()
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

    fn request(sequence: u64, body: Option<Value>) -> ReceivedRequest {
        ReceivedRequest {
            sequence,
            operation: Some("list_users"),
            method: "GET".into(),
            path: "/users".into(),
            query: vec![],
            headers: vec![],
            body,
            body_bytes: 0,
            status: 200,
            valid: true,
            findings: vec![],
            stubbed: false,
        }
    }

    #[test]
    fn the_oldest_go_first_and_the_bytes_stay_within_the_bound() {
        let log = Received::default();
        let one = request(1, None).stored_bytes();
        let bound = one * 3;
        for sequence in 1..=5 {
            log.push(request(sequence, None), bound);
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
        let log = Received::default();
        let bound = request(1, None).stored_bytes() + 10;
        log.push(request(1, Some(Value::String("x".repeat(100)))), bound);
        let kept = log.list(None);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].body, None);
        assert!(log.bytes() <= bound);
    }
}
