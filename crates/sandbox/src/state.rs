//! One API's state as every API's sandbox holds it: behind one lock, seeded from its spec's
//! examples, reset to them, exported and imported whole under a memory cap; and the one trait an
//! API module implements for it. What serves it is `shell` (the generated router with the
//! sandbox's `glue`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use serde_json::Value;
use server_runtime::axum::Router;

use crate::api::Api;
use crate::scenario::StateError;
use crate::storage::DEFAULT_MAX_STORED_BYTES;

/// An API's state, as the shell and the sandbox's endpoints use it: how it is seeded, measured,
/// exported and imported, and which generated router serves it. The one trait of an API module:
/// the sandbox's endpoints reach the state through [`Sandbox`]'s methods, which lock it.
pub trait ApiState: Sized + Send + Clone + 'static {
    /// The API this state belongs to.
    const API: Api;
    /// The operations that can add stored bytes: refused once the memory cap is reached.
    const GROWING: &'static [&'static str];
    /// The credentials the generated server checks.
    type Credentials;

    /// The documents' samples, read from the spec's examples ([`Api::spec`]).
    fn seeded() -> Self;

    /// About how many bytes the records and their indexes take.
    fn stored_bytes(&self) -> usize;

    /// The whole state as a scenario document (`scenario`).
    fn export(&self) -> Value;

    /// The state a scenario document describes, or why it is refused.
    fn import(document: &Value) -> Result<Self, StateError>;

    /// The generated router over the sandbox, reading request bodies within `limits`.
    fn router(
        sandbox: Arc<Sandbox<Self>>,
        credentials: Self::Credentials,
        limits: server_runtime::Limits,
    ) -> Router;
}

/// One API's sandbox: its state behind one lock (every change is one critical section, so
/// concurrent requests see each other's changes whole). The generated server traits are
/// implemented on `Sandbox<insightiq::State>` and so on, in each API's module.
#[derive(Debug)]
pub struct Sandbox<S> {
    state: Mutex<S>,
    /// The memory cap on the stored bytes ([`DEFAULT_MAX_STORED_BYTES`] by default).
    max_stored_bytes: AtomicUsize,
    /// Where the behaviour of a stubbed request works (its answer is replaced by the stub's),
    /// seeded when first needed and again once it holds [`SCRATCH_RESEED_BYTES`].
    scratch: OnceLock<Mutex<S>>,
}

/// A scratch state past this size is put back to the seeds before its next use.
const SCRATCH_RESEED_BYTES: usize = 1024 * 1024;

/// `S::seeded()`, built once per process and cloned: reading the samples into records is a
/// third of what starting a sandbox costs, and a test binary starts many.
fn seeds<S: ApiState>() -> S {
    use std::any::{Any, TypeId};
    use std::collections::HashMap;
    type Prototypes = HashMap<TypeId, Box<dyn Any + Send>>;
    static PROTOTYPES: OnceLock<Mutex<Prototypes>> = OnceLock::new();
    let mut prototypes = lock(PROTOTYPES.get_or_init(Default::default));
    let prototype = prototypes
        .entry(TypeId::of::<S>())
        .or_insert_with(|| Box::new(S::seeded()));
    match prototype.downcast_ref::<S>() {
        Some(seeded) => seeded.clone(),
        // Entries are keyed by their own type.
        None => S::seeded(),
    }
}

impl<S: ApiState> Sandbox<S> {
    /// A sandbox holding the documents' samples.
    pub fn new() -> Self {
        Sandbox {
            state: Mutex::new(seeds()),
            max_stored_bytes: AtomicUsize::new(DEFAULT_MAX_STORED_BYTES),
            scratch: OnceLock::new(),
        }
    }

    /// Sets the memory cap: creates are refused once the state holds this many bytes.
    pub fn set_max_stored_bytes(&self, bytes: usize) {
        self.max_stored_bytes.store(bytes, Ordering::Relaxed);
    }
}

impl<S: ApiState> Default for Sandbox<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: ApiState> Sandbox<S> {
    /// The state an operation's behaviour works on. Every behaviour takes it before anything
    /// else: that call is how the sandbox knows a request passed authentication and validation,
    /// and where a stub is chosen (`exchange`); a stubbed request gets a scratch state.
    pub(crate) fn state(&self) -> MutexGuard<'_, S> {
        match crate::exchange::state_route() {
            crate::exchange::StateRoute::Real => self.real_state(),
            crate::exchange::StateRoute::Scratch => {
                let mut scratch = lock(self.scratch.get_or_init(|| Mutex::new(seeds())));
                if scratch.stored_bytes() > SCRATCH_RESEED_BYTES {
                    *scratch = seeds();
                }
                scratch
            }
        }
    }
}

impl<S> Sandbox<S> {
    /// The real state, whatever request is being handled.
    pub(crate) fn real_state(&self) -> MutexGuard<'_, S> {
        lock(&self.state)
    }
}

fn lock<S>(mutex: &Mutex<S>) -> MutexGuard<'_, S> {
    // Every change is complete before the lock is released, so a poisoned lock (a panic
    // elsewhere while holding it) still holds consistent state.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What the sandbox's own endpoints (and a `TestSandbox`) do to the state, always the real one.
impl<S: ApiState> Sandbox<S> {
    /// Back to the seeds.
    pub fn reset(&self) {
        *self.real_state() = seeds();
    }

    /// The whole state as a scenario document.
    pub fn export_state(&self) -> Value {
        self.real_state().export()
    }

    /// About how many bytes the state holds.
    pub fn stored_bytes(&self) -> usize {
        self.real_state().stored_bytes()
    }

    /// The cap past which growing operations are refused.
    pub fn max_stored_bytes(&self) -> usize {
        self.max_stored_bytes.load(Ordering::Relaxed)
    }

    /// The operations that can add stored bytes.
    pub fn growing_operations(&self) -> &'static [&'static str] {
        S::GROWING
    }

    /// Replaces the whole state, or changes nothing and says why.
    pub fn import_state(&self, document: &Value) -> Result<(), StateError> {
        // Built whole before the swap: a refused import changes nothing.
        let imported = S::import(document)?;
        let (held, cap) = (imported.stored_bytes(), self.max_stored_bytes());
        if held > cap {
            return Err(StateError {
                record: None,
                pointer: String::new(),
                reason: format!(
                    "the state would hold {held} bytes, over the memory cap of {cap} \
                     (--max-stored-bytes)"
                ),
            });
        }
        *self.real_state() = imported;
        Ok(())
    }
}
