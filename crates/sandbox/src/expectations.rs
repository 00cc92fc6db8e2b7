//! Expectations on what the code under test sends, in the manner of wiremock: an operation,
//! matchers, a count (exactly, at least, at most, never), verified by
//! [`crate::TestSandbox::verify`], when the guard is dropped, and when the sandbox is dropped.
//!
//! Each request is counted when it is answered (independently of the received-requests log
//! and its bound). Only valid requests count: one the sandbox refused (401, 400/422) is a
//! defect of the code under test, reported as such (and as the nearest miss when it matched).
//! Such a refused request also fails verification by itself unless the sandbox allows invalid
//! requests ([`crate::TestSandbox::allow_invalid_requests`]).

use std::sync::{Arc, Mutex, MutexGuard};

use crate::matchers::Matcher;
use crate::received::{RawRequest, ReceivedRequest};
use crate::Api;

/// At most this many refused requests are described in a report (all are counted).
const INVALID_LISTED: usize = 20;

/// How many matching requests an expectation wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Times {
    Exactly(usize),
    AtLeast(usize),
    AtMost(usize),
}

impl Times {
    fn holds(self, seen: usize) -> bool {
        match self {
            Times::Exactly(n) => seen == n,
            Times::AtLeast(n) => seen >= n,
            Times::AtMost(n) => seen <= n,
        }
    }
}

impl std::fmt::Display for Times {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Times::Exactly(0) | Times::AtMost(0) => write!(f, "no matching request"),
            Times::Exactly(n) => write!(f, "exactly {n} matching request(s)"),
            Times::AtLeast(n) => write!(f, "at least {n} matching request(s)"),
            Times::AtMost(n) => write!(f, "at most {n} matching request(s)"),
        }
    }
}

/// Why verification failed: one line per unmet expectation and one for the refused requests.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the sandbox's verification failed:\n{}", failures.join("\n"))]
pub struct VerificationError {
    pub failures: Vec<String>,
}

#[derive(Debug, Clone)]
struct Expectation {
    id: u64,
    name: String,
    operation: &'static str,
    matchers: Vec<Matcher>,
    times: Times,
    seen: usize,
    /// The closest request of the operation that did not count: how many matchers it failed
    /// (refused requests rank after those; of two alike, the later), and the sentence
    /// describing it.
    nearest: Option<(usize, String)>,
}

impl Expectation {
    fn observe(&mut self, request: &ReceivedRequest) {
        if request.operation != Some(self.operation) {
            return;
        }
        let failed: Vec<String> = self
            .matchers
            .iter()
            .filter_map(|matcher| matcher.check(request).err())
            .collect();
        let at = format!(
            "request #{} `{} {}`",
            request.sequence, request.method, request.path
        );
        let (rank, why) = match (failed.is_empty(), request.valid) {
            (true, true) => {
                self.seen += 1;
                return;
            }
            (true, false) => (
                self.matchers.len() + 1,
                format!(
                    "{at} matched but was refused with {}: {}",
                    request.status,
                    request.findings.join("; ")
                ),
            ),
            (false, _) => (failed.len(), format!("{at}: {}", failed.join("; "))),
        };
        if self.nearest.as_ref().is_none_or(|(best, _)| rank <= *best) {
            self.nearest = Some((rank, why));
        }
    }

    fn failure(&self) -> Option<String> {
        if self.times.holds(self.seen) {
            return None;
        }
        let too_many = match self.times {
            Times::Exactly(n) | Times::AtMost(n) => self.seen > n,
            Times::AtLeast(_) => false,
        };
        let nearest = match &self.nearest {
            // Too many: the misses do not matter.
            _ if too_many => String::new(),
            Some((_, why)) => format!("; nearest miss: {why}"),
            None => format!(
                "; nearest miss: no other `{}` request was received",
                self.operation
            ),
        };
        Some(format!(
            "expectation {}: expected {}, saw {}{nearest}",
            self.name, self.times, self.seen
        ))
    }
}

#[derive(Debug, Default)]
struct State {
    next_id: u64,
    live: Vec<Expectation>,
    invalid: Vec<String>,
    invalid_count: usize,
    allow_invalid: bool,
}

/// One sandbox's expectations and its record of refused requests.
#[derive(Debug, Default)]
pub struct Expectations {
    state: Mutex<State>,
}

impl Expectations {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Every change is whole before the lock is released.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Counts `request` toward every expectation it matches; remembers it if it was refused.
    /// It is decoded only when an expectation is there to look at it.
    pub(crate) fn observe(&self, raw: &RawRequest, api: Api) {
        let mut state = self.lock();
        if !state.live.is_empty() {
            let request = raw.view(api);
            for expectation in &mut state.live {
                expectation.observe(&request);
            }
        }
        let request = raw;
        if !request.valid {
            state.invalid_count += 1;
            if state.invalid.len() < INVALID_LISTED {
                state.invalid.push(format!(
                    "request #{} `{} {}`{} was refused with {}: {}",
                    request.sequence,
                    request.method,
                    request.target.split('?').next().unwrap_or_default(),
                    request
                        .operation
                        .map(|op| format!(" ({op})"))
                        .unwrap_or_default(),
                    request.status,
                    request.findings.join("; ")
                ));
            }
        }
    }

    /// Whether refused requests fail verification (they do unless this is set).
    pub(crate) fn allow_invalid(&self, allow: bool) {
        self.lock().allow_invalid = allow;
    }

    fn add(
        &self,
        name: String,
        operation: &'static str,
        matchers: Vec<Matcher>,
        times: Times,
    ) -> u64 {
        let mut state = self.lock();
        state.next_id += 1;
        let id = state.next_id;
        state.live.push(Expectation {
            id,
            name,
            operation,
            matchers,
            times,
            seen: 0,
            nearest: None,
        });
        id
    }

    fn failure_of(&self, id: u64, remove: bool) -> Option<String> {
        let mut state = self.lock();
        let index = state.live.iter().position(|e| e.id == id)?;
        let failure = state.live[index].failure();
        if remove {
            state.live.remove(index);
        }
        failure
    }

    /// Every live expectation, and the refused requests unless they are allowed.
    pub(crate) fn verify(&self) -> Result<(), VerificationError> {
        let state = self.lock();
        let mut failures: Vec<String> =
            state.live.iter().filter_map(Expectation::failure).collect();
        if state.invalid_count > 0 && !state.allow_invalid {
            let more = state.invalid_count - state.invalid.len();
            failures.push(format!(
                "{} request(s) were refused as the spec requires (a defect of the code under \
                 test; allow_invalid_requests() if they are sent on purpose):\n  {}{}",
                state.invalid_count,
                state.invalid.join("\n  "),
                if more > 0 {
                    format!("\n  ... and {more} more")
                } else {
                    String::new()
                }
            ));
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(VerificationError { failures })
        }
    }
}

/// An expectation being described: `sandbox.expect(op).matching(..).times(n)`.
#[derive(Debug)]
#[must_use = "an expectation is registered by its count: .times(n), .at_least(n), .at_most(n) or .never()"]
pub struct ExpectationBuilder {
    set: Arc<Expectations>,
    operation: &'static str,
    matchers: Vec<Matcher>,
    name: Option<String>,
}

impl ExpectationBuilder {
    pub(crate) fn new(set: Arc<Expectations>, operation: &'static str) -> Self {
        ExpectationBuilder {
            set,
            operation,
            matchers: Vec::new(),
            name: None,
        }
    }

    /// Only requests satisfying `matcher` count (every matcher given must hold).
    pub fn matching(mut self, matcher: Matcher) -> Self {
        self.matchers.push(matcher);
        self
    }

    /// The name reports use (by default the operation and the matchers).
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Exactly `n` matching requests.
    pub fn times(self, n: usize) -> ExpectationGuard {
        self.register(Times::Exactly(n))
    }

    /// At least `n` matching requests.
    pub fn at_least(self, n: usize) -> ExpectationGuard {
        self.register(Times::AtLeast(n))
    }

    /// At most `n` matching requests.
    pub fn at_most(self, n: usize) -> ExpectationGuard {
        self.register(Times::AtMost(n))
    }

    /// No matching request.
    pub fn never(self) -> ExpectationGuard {
        self.register(Times::Exactly(0))
    }

    fn register(self, times: Times) -> ExpectationGuard {
        let name = self.name.unwrap_or_else(|| {
            let matchers: Vec<String> = self.matchers.iter().map(Matcher::describe).collect();
            if matchers.is_empty() {
                format!("`{}`", self.operation)
            } else {
                format!("`{}` where {}", self.operation, matchers.join(", "))
            }
        });
        let id = self.set.add(name, self.operation, self.matchers, times);
        ExpectationGuard {
            set: self.set,
            id,
            kept: false,
        }
    }
}

/// A registered expectation: verified (and removed) when dropped, panicking if it does not
/// hold, unless the thread is already panicking; [`ExpectationGuard::keep`] leaves it to the
/// sandbox's verification instead.
#[derive(Debug)]
#[must_use = "dropping the guard verifies the expectation at once; keep it, or call .keep()"]
pub struct ExpectationGuard {
    set: Arc<Expectations>,
    id: u64,
    kept: bool,
}

impl ExpectationGuard {
    /// Whether it holds now.
    pub fn verify(&self) -> Result<(), VerificationError> {
        match self.set.failure_of(self.id, false) {
            None => Ok(()),
            Some(failure) => Err(VerificationError {
                failures: vec![failure],
            }),
        }
    }

    /// Leaves it registered for the sandbox's life: checked by `verify()` and when the sandbox
    /// is dropped.
    pub fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for ExpectationGuard {
    fn drop(&mut self) {
        if self.kept {
            return;
        }
        let failure = self.set.failure_of(self.id, true);
        if let (Some(failure), false) = (failure, std::thread::panicking()) {
            panic!("the sandbox's verification failed:\n{failure}");
        }
    }
}
