//! An API's sandbox chosen by value ([`Api`]): its options, its app, and the handles a
//! [`crate::TestSandbox`] keeps on it. The one place that names each API's state type.

use std::sync::Arc;

use serde_json::Value;
use server_runtime::axum::Router;

use crate::api::Api;
use crate::credentials::Credentials;
use crate::exchange::Observers;
use crate::faults::{FaultConfig, Faults};
use crate::scenario::StateError;
use crate::state::{ApiState, Sandbox};
use crate::{glue, insightiq, instabot, publica};

/// How a sandbox starts, beyond its credentials.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Faults from the start (none by default).
    pub faults: FaultConfig,
    /// A scenario document to start from instead of the seeds (`scenario`).
    pub state: Option<Value>,
    /// The memory cap; `None`: [`crate::DEFAULT_MAX_STORED_BYTES`].
    pub max_stored_bytes: Option<usize>,
    /// How request bodies are read: the API's size limit (1 MiB) and, for every endpoint, the
    /// idle timeout between parts of a body and the deadline for a whole body (10 s, 30 s).
    pub body_limits: server_runtime::Limits,
}

/// The sandbox of one API as an axum app: the generated router over the implementation, the
/// sandbox's own endpoints, and the request log.
pub fn app(api: Api, credentials: &Credentials) -> Router {
    match app_with(api, credentials, &Options::default()) {
        Ok(router) => router,
        // Without a state document there is nothing to refuse.
        Err(_) => unreachable!("the seeds need no import"),
    }
}

/// [`app`] with the given [`Options`]; refused when its state document is.
pub fn app_with(
    api: Api,
    credentials: &Credentials,
    options: &Options,
) -> Result<Router, StateError> {
    parts(api, credentials, options).map(|parts| parts.router)
}

/// One API's sandbox, whichever API: what a [`crate::TestSandbox`] resets, exports and imports.
pub(crate) enum AnySandbox {
    Insightiq(Arc<insightiq::Sandbox>),
    Publica(Arc<publica::Sandbox>),
    Instabot(Arc<instabot::Sandbox>),
}

impl AnySandbox {
    /// [`Sandbox::reset`].
    pub(crate) fn reset(&self) {
        match self {
            AnySandbox::Insightiq(sandbox) => sandbox.reset(),
            AnySandbox::Publica(sandbox) => sandbox.reset(),
            AnySandbox::Instabot(sandbox) => sandbox.reset(),
        }
    }

    /// [`Sandbox::export_state`].
    pub(crate) fn export_state(&self) -> Value {
        match self {
            AnySandbox::Insightiq(sandbox) => sandbox.export_state(),
            AnySandbox::Publica(sandbox) => sandbox.export_state(),
            AnySandbox::Instabot(sandbox) => sandbox.export_state(),
        }
    }

    /// [`Sandbox::import_state`].
    pub(crate) fn import_state(&self, document: &Value) -> Result<(), StateError> {
        match self {
            AnySandbox::Insightiq(sandbox) => sandbox.import_state(document),
            AnySandbox::Publica(sandbox) => sandbox.import_state(document),
            AnySandbox::Instabot(sandbox) => sandbox.import_state(document),
        }
    }
}

/// An app with handles on what its `/_sandbox/*` endpoints control.
pub(crate) struct Parts {
    pub router: Router,
    pub sandbox: AnySandbox,
    pub faults: Arc<Faults>,
    pub observers: Observers,
}

pub(crate) fn parts(
    api: Api,
    credentials: &Credentials,
    options: &Options,
) -> Result<Parts, StateError> {
    let faults = Arc::new(Faults::new(api, options.faults.clone()));
    let limits = &options.body_limits;
    Ok(match api {
        Api::Insightiq => assembled(
            prepared::<insightiq::State>(options)?,
            credentials.insightiq.clone(),
            faults,
            limits,
            AnySandbox::Insightiq,
        ),
        Api::Publica => assembled(
            prepared::<publica::State>(options)?,
            credentials.publica.clone(),
            faults,
            limits,
            AnySandbox::Publica,
        ),
        Api::Instabot => assembled(
            prepared::<instabot::State>(options)?,
            credentials.instabot.clone(),
            faults,
            limits,
            AnySandbox::Instabot,
        ),
    })
}

/// A sandbox with the options' memory cap and start state.
fn prepared<S: ApiState>(options: &Options) -> Result<Arc<Sandbox<S>>, StateError> {
    let sandbox = Arc::new(Sandbox::<S>::new());
    if let Some(bytes) = options.max_stored_bytes {
        sandbox.set_max_stored_bytes(bytes);
    }
    if let Some(document) = &options.state {
        sandbox.import_state(document)?;
    }
    Ok(sandbox)
}

/// `sandbox`'s app and the handles on it (`erased`: which API it is, as an [`AnySandbox`]).
fn assembled<S: ApiState>(
    sandbox: Arc<Sandbox<S>>,
    credentials: S::Credentials,
    faults: Arc<Faults>,
    limits: &server_runtime::Limits,
    erased: fn(Arc<Sandbox<S>>) -> AnySandbox,
) -> Parts {
    let observers = Observers::new(S::API);
    let router = glue::router(
        Arc::clone(&sandbox),
        credentials,
        Arc::clone(&faults),
        limits.clone(),
        observers.clone(),
    );
    Parts {
        router,
        sandbox: erased(sandbox),
        faults,
        observers,
    }
}

/// Whether `document` is a state `api` would import under a memory cap of `max_stored_bytes`
/// (the check `PUT /_sandbox/state` makes).
pub fn check_state(api: Api, document: &Value, max_stored_bytes: usize) -> Result<(), StateError> {
    fn check<S: ApiState>(document: &Value, cap: usize) -> Result<(), StateError> {
        let sandbox = Sandbox::<S>::new();
        sandbox.set_max_stored_bytes(cap);
        sandbox.import_state(document)
    }
    match api {
        Api::Insightiq => check::<insightiq::State>(document, max_stored_bytes),
        Api::Publica => check::<publica::State>(document, max_stored_bytes),
        Api::Instabot => check::<instabot::State>(document, max_stored_bytes),
    }
}
