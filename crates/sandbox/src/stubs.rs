//! Stubs: one operation answering something specific for the requests a test names, checked
//! against the spec (`stub_check`), in place of the stateful behaviour for those requests only.
//!
//! `sandbox.on(op).matching(..).respond(status, body)` answers every matching request;
//! `.respond_once(..)` one; `.up_to(n)` limits the last answer given to n requests; `.then(..)`
//! and `.then_once(..)` add answers in sequence. Once every answer of a stub is used up, the
//! requests it matched reach the stateful behaviour again. `.mount()` checks every answer and
//! returns a guard that removes the stub when dropped. The newest stub that matches answers.
//!
//! A stub is consulted only for a request that passed authentication and the spec's
//! validation: the generated handler calls the API's behaviour only then, and that call is
//! where the stub is chosen (`exchange`). An unauthenticated or invalid request still gets the
//! vendor's 401/400/422, whatever stub matches it.

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;

use crate::matchers::Matcher;
use crate::received::ReceivedRequest;
use crate::stub_check::{self, StubError};
use crate::Api;

/// One answer of a stub.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Answer {
    pub status: u16,
    pub body: Option<Value>,
    /// How many requests it answers; `None`: every one.
    pub remaining: Option<usize>,
}

/// What a stubbed request is answered with (its operation's every-response headers are added
/// from the API's own answer).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chosen {
    pub status: u16,
    pub body: Option<Value>,
}

#[derive(Debug)]
struct Mounted {
    id: u64,
    operation: &'static str,
    matchers: Vec<Matcher>,
    answers: Vec<Answer>,
}

#[derive(Debug, Default)]
struct State {
    next_id: u64,
    stubs: Vec<Mounted>,
}

/// One sandbox's stubs.
#[derive(Debug, Default)]
pub struct Stubs {
    state: Mutex<State>,
}

impl Stubs {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Every change is whole before the lock is released.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether a stub of `operation` is mounted (with answers left).
    pub(crate) fn any_for(&self, operation: &str) -> bool {
        self.lock()
            .stubs
            .iter()
            .any(|stub| stub.operation == operation && !stub.answers.is_empty())
    }

    /// The answer for `request` (valid, of its operation), using it up: the newest stub whose
    /// matchers all hold and which has an answer left.
    pub(crate) fn choose(&self, request: &ReceivedRequest) -> Option<Chosen> {
        let operation = request.operation?;
        let mut state = self.lock();
        let stub = state.stubs.iter_mut().rev().find(|stub| {
            stub.operation == operation
                && !stub.answers.is_empty()
                && stub.matchers.iter().all(|m| m.check(request).is_ok())
        })?;
        let answer = stub.answers.first_mut()?;
        let chosen = Chosen {
            status: answer.status,
            body: answer.body.clone(),
        };
        if let Some(remaining) = &mut answer.remaining {
            *remaining -= 1;
            if *remaining == 0 {
                stub.answers.remove(0);
            }
        }
        Some(chosen)
    }

    fn add(&self, operation: &'static str, matchers: Vec<Matcher>, answers: Vec<Answer>) -> u64 {
        let mut state = self.lock();
        state.next_id += 1;
        let id = state.next_id;
        state.stubs.push(Mounted {
            id,
            operation,
            matchers,
            answers,
        });
        id
    }

    fn remove(&self, id: u64) {
        self.lock().stubs.retain(|stub| stub.id != id);
    }
}

/// A stub being described: `sandbox.on(op).matching(..)`, then its answers.
#[derive(Debug)]
#[must_use = "a stub answers nothing until .respond(..) and .mount()"]
pub struct StubBuilder {
    set: Arc<Stubs>,
    api: Api,
    operation: &'static str,
    matchers: Vec<Matcher>,
    undocumented: bool,
}

impl StubBuilder {
    pub(crate) fn new(set: Arc<Stubs>, api: Api, operation: &'static str) -> Self {
        StubBuilder {
            set,
            api,
            operation,
            matchers: Vec::new(),
            undocumented: false,
        }
    }

    /// Only requests satisfying `matcher` are answered (every matcher given must hold).
    pub fn matching(mut self, matcher: Matcher) -> Self {
        self.matchers.push(matcher);
        self
    }

    /// Lets the answers be outside the spec (an undocumented status, a body its schema refuses):
    /// on purpose, to see how the code under test copes with what the vendor might do anyway.
    pub fn undocumented(mut self) -> Self {
        self.undocumented = true;
        self
    }

    /// Answers every matching request with `status` and the JSON `body`.
    pub fn respond(self, status: u16, body: Value) -> Stub {
        self.sequence(status, Some(body), None)
    }

    /// Answers one matching request with `status` and the JSON `body`.
    pub fn respond_once(self, status: u16, body: Value) -> Stub {
        self.sequence(status, Some(body), Some(1))
    }

    /// Answers every matching request with `status` and no body (a 204).
    pub fn respond_empty(self, status: u16) -> Stub {
        self.sequence(status, None, None)
    }

    fn sequence(self, status: u16, body: Option<Value>, remaining: Option<usize>) -> Stub {
        Stub {
            builder: self,
            answers: vec![Answer {
                status,
                body,
                remaining,
            }],
        }
    }
}

/// A stub with its answers, not yet mounted.
#[derive(Debug)]
#[must_use = "a stub answers nothing until .mount()"]
pub struct Stub {
    builder: StubBuilder,
    answers: Vec<Answer>,
}

impl Stub {
    /// The last answer given serves at most `n` requests.
    pub fn up_to(mut self, n: usize) -> Self {
        if let Some(last) = self.answers.last_mut() {
            last.remaining = Some(n);
        }
        self
    }

    /// Then every further matching request gets `status` and `body`.
    pub fn then(mut self, status: u16, body: Value) -> Self {
        self.answers.push(Answer {
            status,
            body: Some(body),
            remaining: None,
        });
        self
    }

    /// Then one further matching request gets `status` and `body`.
    pub fn then_once(mut self, status: u16, body: Value) -> Self {
        self.answers.push(Answer {
            status,
            body: Some(body),
            remaining: Some(1),
        });
        self
    }

    /// Checks every answer against the spec (unless `.undocumented()`) and puts the stub in
    /// force until the guard is dropped.
    pub fn mount(self) -> Result<StubGuard, StubError> {
        let builder = self.builder;
        if let Some(answer) = self
            .answers
            .iter()
            .find(|a| !(200..=599).contains(&a.status))
        {
            return Err(StubError {
                operation: builder.operation.to_owned(),
                status: answer.status,
                pointer: String::new(),
                reason: "not a status a response can have (200 to 599)".to_owned(),
            });
        }
        if !builder.undocumented {
            for answer in &self.answers {
                stub_check::check(
                    builder.api,
                    builder.operation,
                    answer.status,
                    answer.body.as_ref(),
                )?;
            }
        }
        let answers: Vec<Answer> = self
            .answers
            .into_iter()
            .filter(|answer| answer.remaining != Some(0))
            .collect();
        let id = builder
            .set
            .add(builder.operation, builder.matchers, answers);
        Ok(StubGuard {
            set: builder.set,
            id,
        })
    }
}

/// A mounted stub: removed when dropped.
#[derive(Debug)]
#[must_use = "dropping the guard removes the stub at once"]
pub struct StubGuard {
    set: Arc<Stubs>,
    id: u64,
}

impl Drop for StubGuard {
    fn drop(&mut self) {
        self.set.remove(self.id);
    }
}
