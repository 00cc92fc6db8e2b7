//! The three vendor APIs running locally: in-memory implementations of the generated server
//! traits (`InsightiqApi`, `PublicaApi`, `InstabotApi`), seeded from the documents' samples and
//! behaving as the documents describe. Decisions where the documents are silent are listed in
//! this crate's `README.md`.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use sandbox::{Api, Credentials};
//! let server = sandbox::start(Api::Insightiq, "127.0.0.1:0".parse().unwrap(), Credentials::defaults()).await?;
//! println!("insightIQ sandbox at {}", server.base_url());
//! server.shutdown().await?;
//! # Ok(()) }
//! ```
//!
//! For other teams' tests, [`TestSandbox::start`] serves one API on an ephemeral port and returns
//! a handle with its base URL, credentials, `reset()`, `faults()` and `state()`, what the code
//! under test sent (`received()`), expectations (`expect(op)`, verified on `verify()` and on
//! drop) and stubs checked against the spec (`on(op)`), typed by API ([`SandboxApi`]).
//! `GET /_sandbox/requests` lists the received requests for tests in other languages.
//!
//! Every request is logged through `tracing` (method, path, status, latency, request id).
//! `POST /_sandbox/reset` (outside every API's paths, no credentials) puts the state back to the
//! seeds; the sandbox's own endpoints answer errors in one JSON shape of their own
//! ([`sandbox_error`]). Requests with an oversized head get 414/431 in the API's error shape
//! (`limits`), and connections are served with a header-read timeout, a connection cap and a
//! bounded shutdown ([`server_runtime::serve`]).

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use serde_json::json;
use server_runtime::axum::{
    self,
    extract::Request,
    http::{HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::{any, get, post},
    Router,
};
pub use server_runtime::serve::ServeOptions;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub mod apis;
mod control_body;
mod exchange;
pub mod expectations;
pub mod faults;
mod fixture;
pub mod insightiq;
pub mod instabot;
pub mod limits;
pub mod matchers;
pub mod publica;
pub mod received;
mod requests_endpoint;
pub mod scenario;
mod seeds;
pub mod shell;
mod stub_check;
pub mod stubs;

pub use apis::{Insightiq, Instabot, Publica, SandboxApi};
pub use control_body::{
    control_body_limit, CONTROL_BODY_BYTES_PER_STORED_BYTE, MIN_CONTROL_BODY_BYTES,
};
pub use expectations::{ExpectationBuilder, ExpectationGuard, Times, VerificationError};
pub use faults::{FaultConfig, FaultError, FaultRule, Faults, InjectedError};
pub use fixture::TestSandbox;
pub use received::{ReceivedRequest, RECEIVED_SHARE_OF_CAP};
pub use shell::{ApiState, Sandbox};
pub use stub_check::StubError;
pub use stubs::{Stub, StubBuilder, StubGuard};

/// The path of the reset endpoint.
pub const RESET_PATH: &str = "/_sandbox/reset";
/// The path of the state endpoint (`GET` exports the state, `PUT` replaces it).
pub const STATE_PATH: &str = "/_sandbox/state";
/// The path of the faults endpoint (`GET` shows them, `PUT` replaces them).
pub const FAULTS_PATH: &str = "/_sandbox/faults";
/// The path of the received-requests endpoint (`GET` lists them, `?operation=ID` filters,
/// `DELETE` forgets them).
pub const REQUESTS_PATH: &str = "/_sandbox/requests";
/// Where the sandbox's own endpoints live, outside every API's paths.
pub const SANDBOX_PREFIX: &str = "/_sandbox";

/// One of the three APIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Api {
    Insightiq,
    Publica,
    Instabot,
}

impl Api {
    pub const ALL: [Api; 3] = [Api::Insightiq, Api::Publica, Api::Instabot];

    /// `insightiq`, `publica`, `instabot`.
    pub fn name(self) -> &'static str {
        match self {
            Api::Insightiq => "insightiq",
            Api::Publica => "publica",
            Api::Instabot => "instabot",
        }
    }

    /// The spec's YAML text, compiled in.
    pub fn spec(self) -> &'static str {
        match self {
            Api::Insightiq => <insightiq::State as ApiState>::SPEC,
            Api::Publica => <publica::State as ApiState>::SPEC,
            Api::Instabot => <instabot::State as ApiState>::SPEC,
        }
    }

    /// The base path of the spec's first server URL, where the operations are served (the
    /// generated server's `BASE_PATH`).
    pub fn base_path(self) -> &'static str {
        match self {
            Api::Insightiq => insightiq_server::BASE_PATH,
            Api::Publica => publica_server::BASE_PATH,
            Api::Instabot => instabot_server::BASE_PATH,
        }
    }
}

/// The credentials each sandbox accepts. The defaults are fixed so that scripts can rely on them.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub insightiq: insightiq_server::types::auth::Credentials,
    pub publica: publica_server::types::auth::Credentials,
    pub instabot: instabot_server::types::auth::Credentials,
}

impl Credentials {
    /// insightIQ `demo:p@55w0rd` (the documents' `Basic ZGVtbzpwQDU1dzByZA==`), Publica.la
    /// `X-User-Token: demo-token`, Instabot `demo-api-key` / `demo-master-key`.
    pub fn defaults() -> Self {
        Credentials {
            insightiq: insightiq_server::types::auth::Credentials::new(
                insightiq::DEFAULT_CLIENT_ID,
                insightiq::DEFAULT_CLIENT_SECRET,
            ),
            publica: publica_server::types::auth::Credentials::new(publica::DEFAULT_USER_TOKEN),
            instabot: instabot_server::types::auth::Credentials::new(
                instabot::DEFAULT_API_KEY,
                instabot::DEFAULT_MASTER_API_KEY,
            ),
        }
    }
}

/// What the sandbox's own endpoints do to an API's state.
pub trait Control: Send + Sync + 'static {
    /// Back to the seeds.
    fn reset(&self);
    /// The whole state as a scenario document.
    fn export_state(&self) -> serde_json::Value;
    /// About how many bytes the state holds, and the cap past which growing operations are
    /// refused.
    fn stored_bytes(&self) -> usize;
    fn max_stored_bytes(&self) -> usize;
    /// The operations that can add stored bytes.
    fn growing_operations(&self) -> &'static [&'static str];
    /// Replaces the whole state, or changes nothing and says why.
    fn import_state(&self, document: &serde_json::Value) -> Result<(), scenario::StateError>;
}

/// The default memory cap on one API's stored bytes.
pub const DEFAULT_MAX_STORED_BYTES: usize = 256 * 1024 * 1024;
/// What each record is counted for beyond its own contents (map entries, index entries).
pub(crate) const RECORD_OVERHEAD_BYTES: usize = 128;

/// How a sandbox starts, beyond its credentials.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Faults from the start (none by default).
    pub faults: FaultConfig,
    /// A scenario document to start from instead of the seeds (`scenario`).
    pub state: Option<serde_json::Value>,
    /// The memory cap; `None`: [`DEFAULT_MAX_STORED_BYTES`].
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
) -> Result<Router, scenario::StateError> {
    parts(api, credentials, options).map(|parts| parts.router)
}

/// An app with handles on what its `/_sandbox/*` endpoints control.
pub(crate) struct Parts {
    pub router: Router,
    pub control: Arc<dyn Control>,
    pub faults: Arc<Faults>,
    pub observers: exchange::Observers,
}

pub(crate) fn parts(
    api: Api,
    credentials: &Credentials,
    options: &Options,
) -> Result<Parts, scenario::StateError> {
    fn prepared<S: ApiState>(options: &Options) -> Result<Arc<Sandbox<S>>, scenario::StateError> {
        let sandbox = Arc::new(Sandbox::<S>::new());
        if let Some(bytes) = options.max_stored_bytes {
            sandbox.set_max_stored_bytes(bytes);
        }
        if let Some(document) = &options.state {
            sandbox.import_state(document)?;
        }
        Ok(sandbox)
    }
    fn assembled<S: ApiState>(
        sandbox: Arc<Sandbox<S>>,
        credentials: S::Credentials,
        faults: Arc<Faults>,
        limits: &server_runtime::Limits,
    ) -> Parts {
        let observers = exchange::Observers::new(S::API);
        let router = shell::app_observed(
            Arc::clone(&sandbox),
            credentials,
            Arc::clone(&faults),
            limits.clone(),
            observers.clone(),
        );
        Parts {
            router,
            control: sandbox,
            faults,
            observers,
        }
    }
    let faults = Arc::new(Faults::new(api, options.faults.clone()));
    Ok(match api {
        Api::Insightiq => assembled(
            prepared::<insightiq::State>(options)?,
            credentials.insightiq.clone(),
            faults,
            &options.body_limits,
        ),
        Api::Publica => assembled(
            prepared::<publica::State>(options)?,
            credentials.publica.clone(),
            faults,
            &options.body_limits,
        ),
        Api::Instabot => assembled(
            prepared::<instabot::State>(options)?,
            credentials.instabot.clone(),
            faults,
            &options.body_limits,
        ),
    })
}

/// Whether `document` is a state `api` would import under a memory cap of `max_stored_bytes`
/// (the check `PUT /_sandbox/state` makes).
pub fn check_state(
    api: Api,
    document: &serde_json::Value,
    max_stored_bytes: usize,
) -> Result<(), scenario::StateError> {
    fn check<S: ApiState>(
        document: &serde_json::Value,
        cap: usize,
    ) -> Result<(), scenario::StateError> {
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

/// A 405 of a sandbox endpoint, with its `Allow` header.
fn sandbox_method_not_allowed(
    request: &Request,
    path: &str,
    name: &str,
    allow: &'static str,
) -> Response {
    let mut response = sandbox_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        &format!(
            "`{} {path}`: the {name} endpoint takes {allow}",
            request.method()
        ),
    );
    response
        .headers_mut()
        .insert("allow", HeaderValue::from_static(allow));
    response
}

/// Adds the sandbox's own endpoints, the faults, the received requests (with expectations and
/// stubs) and the request log to a generated router.
pub(crate) fn with_extras<S: Control>(
    router: Router,
    api: Api,
    state: Arc<S>,
    faults: Arc<Faults>,
    limits: server_runtime::Limits,
    observers: exchange::Observers,
) -> Router {
    // Innermost, around the generated router only: where stubs are chosen.
    let router = router.layer(axum::middleware::from_fn(move |request, next| {
        exchange::scope(api, request, next)
    }));
    let recorded_state: Arc<dyn Control> = state.clone();
    let max_body_bytes = limits.max_body_bytes;
    let listed = Arc::clone(&observers.received);
    let cleared = Arc::clone(&observers.received);
    let capped_received = Arc::clone(&observers.received);
    let reset_faults = Arc::clone(&faults);
    let exported = Arc::clone(&state);
    let capped: Arc<dyn Control> = state.clone();
    let imported = Arc::clone(&state);
    let shown = Arc::clone(&faults);
    let replaced = Arc::clone(&faults);
    // One reader for both endpoints: their bodies are read one at a time.
    let state_bodies = Arc::new(control_body::ControlBodies::new(state.clone(), limits));
    let faults_bodies = Arc::clone(&state_bodies);
    router
        .route(
            RESET_PATH,
            post(move || {
                let state = Arc::clone(&state);
                let faults = Arc::clone(&reset_faults);
                async move {
                    state.reset();
                    faults.clear();
                    tracing::info!(api = api.name(), "state reset to the seeds, faults cleared");
                    StatusCode::NO_CONTENT
                }
            })
            .fallback(|request: Request| async move {
                sandbox_method_not_allowed(&request, RESET_PATH, "reset", "POST")
            }),
        )
        .route(
            STATE_PATH,
            get(move || {
                let state = Arc::clone(&exported);
                async move { get_state(&*state) }
            })
            .put(move |request: Request| {
                let state = Arc::clone(&imported);
                let bodies = Arc::clone(&state_bodies);
                async move {
                    match bodies.read(STATE_PATH, request).await {
                        Ok(body) => put_state(api, &*state, &body),
                        Err(refused) => refused,
                    }
                }
            })
            .fallback(|request: Request| async move {
                sandbox_method_not_allowed(&request, STATE_PATH, "state", "GET, PUT")
            }),
        )
        .route(
            FAULTS_PATH,
            get(move || {
                let faults = Arc::clone(&shown);
                async move { server_runtime::typed_json(StatusCode::OK, &faults.get()) }
            })
            .put(move |request: Request| {
                let faults = Arc::clone(&replaced);
                let bodies = Arc::clone(&faults_bodies);
                async move {
                    match bodies.read(FAULTS_PATH, request).await {
                        Ok(body) => put_faults(api, &faults, &body),
                        Err(refused) => refused,
                    }
                }
            })
            .fallback(|request: Request| async move {
                sandbox_method_not_allowed(&request, FAULTS_PATH, "faults", "GET, PUT")
            }),
        )
        .route(
            REQUESTS_PATH,
            get(move |request: Request| {
                let received = Arc::clone(&listed);
                async move { requests_endpoint::list(api, &received, &request) }
            })
            .delete(move || {
                let received = Arc::clone(&cleared);
                async move { requests_endpoint::clear(&received) }
            })
            .fallback(|request: Request| async move {
                sandbox_method_not_allowed(&request, REQUESTS_PATH, "requests", "GET, DELETE")
            }),
        )
        .route(
            &format!("{SANDBOX_PREFIX}/{{*rest}}"),
            any(|request: Request| async move {
                sandbox_error(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    &format!(
                        "no sandbox endpoint at `{}` (there are {RESET_PATH}, {STATE_PATH}, {FAULTS_PATH} and {REQUESTS_PATH})",
                        request.uri().path()
                    ),
                )
            }),
        )
        .layer(axum::middleware::from_fn(move |request, next| {
            let state = Arc::clone(&capped);
            let received = Arc::clone(&capped_received);
            async move { memory_cap(api, &*state, &received, request, next).await }
        }))
        .layer(axum::middleware::from_fn(move |request, next| {
            let faults = Arc::clone(&faults);
            async move { faults::inject(&faults, request, next).await }
        }))
        .layer(axum::middleware::from_fn(move |request, next| {
            exchange::record(
                api,
                observers.clone(),
                Arc::clone(&recorded_state),
                max_body_bytes,
                request,
                next,
            )
        }))
        .layer(axum::middleware::from_fn(move |request, next| {
            limits::enforce(api, request, next)
        }))
        .layer(axum::middleware::from_fn(move |request, next| {
            log_request(api, request, next)
        }))
}

/// The header a create puts on its answer (through its context) when no id is left: the
/// generated response types have no 507, so [`memory_cap`] answers it in their place.
pub(crate) const IDS_EXHAUSTED_MARK: &str = "x-sandbox-ids-exhausted";

/// Marks a create's answer as refused for want of an id (see [`IDS_EXHAUSTED_MARK`]).
pub(crate) fn mark_ids_exhausted(response_headers: &mut Vec<(String, String)>) {
    response_headers.push((IDS_EXHAUSTED_MARK.to_owned(), "1".to_owned()));
}

/// Refuses an operation that adds stored bytes once the state holds its cap (507 in the API's
/// error shape), and answers a create that found no id left with 507 `ids_exhausted`; every
/// other request passes.
async fn memory_cap(
    api: Api,
    state: &dyn Control,
    received: &received::Received,
    request: Request,
    next: Next,
) -> Response {
    let operation = faults::operation_of(api, request.method(), request.uri().path());
    let response = refuse_when_full(api, state, received, operation, request, next).await;
    if !response.headers().contains_key(IDS_EXHAUSTED_MARK) {
        return response;
    }
    let rejection = server_runtime::Rejection::new(
        StatusCode::INSUFFICIENT_STORAGE,
        "ids_exhausted",
        format!(
            "`{}`: the sandbox has handed out every {} id up to {} (the largest there is); \
             reset it or import a state with smaller ids",
            operation.unwrap_or("create"),
            api.name(),
            i64::MAX
        ),
    );
    limits::error_response(api, &rejection)
}

/// The memory cap proper: 507 `storage_cap_reached` for a growing operation once the state
/// holds its cap.
async fn refuse_when_full(
    api: Api,
    state: &dyn Control,
    received: &received::Received,
    operation: Option<&'static str>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(operation) = operation.filter(|op| state.growing_operations().contains(op)) {
        // The received requests count toward the cap with the state.
        let (held, cap) = (
            state.stored_bytes() + received.bytes(),
            state.max_stored_bytes(),
        );
        if held >= cap {
            let rejection = server_runtime::Rejection::new(
                StatusCode::INSUFFICIENT_STORAGE,
                "storage_cap_reached",
                format!(
                    "`{operation}`: the sandbox holds {held} bytes of {} state and received \
                     requests, and its cap is {cap} (--max-stored-bytes); reset it (or clear \
                     `{REQUESTS_PATH}`) or import a smaller state",
                    api.name()
                ),
            );
            return limits::error_response(api, &rejection);
        }
    }
    next.run(request).await
}

/// `GET /_sandbox/state`: the export, or 507 `export_too_large` when `PUT /_sandbox/state`
/// could not take it back.
fn get_state(state: &dyn Control) -> Response {
    let bytes = serde_json::to_vec(&state.export_state()).unwrap_or_else(|_| b"null".to_vec());
    let limit = control_body_limit(state.max_stored_bytes());
    if bytes.len() > limit {
        return sandbox_error(
            StatusCode::INSUFFICIENT_STORAGE,
            "export_too_large",
            &format!(
                "`GET {STATE_PATH}`: the export would be {} bytes, over the {limit} bytes \
                 `PUT {STATE_PATH}` takes ({CONTROL_BODY_BYTES_PER_STORED_BYTE} x \
                 --max-stored-bytes), so it could not be imported back; raise \
                 --max-stored-bytes or reset",
                bytes.len()
            ),
        );
    }
    let mut response = Response::new(axum::body::Body::from(bytes));
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    response
}

/// `PUT /_sandbox/state`: the new state (checked whole; nothing changes when it is refused).
fn put_state<S: Control + ?Sized>(api: Api, state: &S, body: &[u8]) -> Response {
    let outcome = serde_json::from_slice(body)
        .map_err(|error| format!("not JSON: {error}"))
        .and_then(|document| {
            state
                .import_state(&document)
                .map_err(|error| error.to_string())
        });
    match outcome {
        Ok(()) => {
            tracing::info!(api = api.name(), "state imported");
            StatusCode::NO_CONTENT.into_response()
        }
        Err(message) => sandbox_error(
            StatusCode::BAD_REQUEST,
            "invalid_state",
            &format!("`PUT {STATE_PATH}`: {message}"),
        ),
    }
}

/// `PUT /_sandbox/faults`: the new set (checked whole; nothing changes when it is refused).
fn put_faults(api: Api, faults: &Faults, body: &[u8]) -> Response {
    let text = String::from_utf8_lossy(body);
    match FaultConfig::parse(api, &text) {
        Ok(config) => {
            tracing::info!(api = api.name(), rules = config.rules.len(), "faults set");
            faults.set(config);
            server_runtime::typed_json(StatusCode::OK, &faults.get())
        }
        Err(error) => sandbox_error(
            StatusCode::BAD_REQUEST,
            "invalid_faults",
            &format!("`PUT {FAULTS_PATH}`: {error}"),
        ),
    }
}

/// An error of the sandbox's own endpoints (`/_sandbox/*`), the same for every API:
/// `{"sandbox_error": {"status": 405, "code": "method_not_allowed", "message": "..."}}`.
pub fn sandbox_error(status: StatusCode, code: &str, message: &str) -> Response {
    server_runtime::json_response(
        status,
        &json!({"sandbox_error": {"status": status.as_u16(), "code": code, "message": message}}),
    )
}

/// What the request log leaves out of a target: the secrets `api`'s spec declares, by the one
/// function the conformance proxy's recording uses too ([`spec_model::redact`]).
pub(crate) fn redaction(api: Api) -> &'static spec_model::redact::Redaction {
    static REDACTIONS: [OnceLock<spec_model::redact::Redaction>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let index = Api::ALL.iter().position(|a| *a == api).unwrap_or_default();
    REDACTIONS[index]
        .get_or_init(|| spec_model::redact::Redaction::from_spec(&seeds::spec(api.spec())))
}

/// One log line per request: the target with its secret query values redacted. APIs whose
/// spec declares no request-id header get an `x-request-id`, so that a log line can still be
/// matched to a response.
async fn log_request(api: Api, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let target = request.uri().path_and_query().map_or_else(
        || "/".to_owned(),
        |p| redaction(api).target(p.as_str()).into_owned(),
    );
    let mut response = next.run(request).await;
    let request_id = match response.headers().get("request-id") {
        Some(id) => id.to_str().unwrap_or("-").to_owned(),
        None => {
            let id = server_runtime::new_request_id();
            if let Ok(value) = HeaderValue::from_str(&id) {
                response.headers_mut().insert("x-request-id", value);
            }
            id
        }
    };
    tracing::info!(
        api = api.name(),
        method = %method,
        target = %target,
        status = response.status().as_u16(),
        latency_us = started.elapsed().as_micros() as u64,
        request_id = %request_id,
        "request"
    );
    response
}

/// A sandbox serving on a socket.
#[derive(Debug)]
pub struct Running {
    pub api: Api,
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// `http://ADDR/v1` (the spec's base path included): what a generated client takes.
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, self.api.base_path())
    }

    /// Stops accepting, lets requests in flight finish (for at most the shutdown grace of its
    /// [`ServeOptions`]), and waits.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.task.await {
            Ok(result) => result,
            Err(error) => Err(std::io::Error::other(error)),
        }
    }
}

/// Binds `listen` and serves one API's sandbox until [`Running::shutdown`], with the default
/// [`ServeOptions`].
pub async fn start(
    api: Api,
    listen: SocketAddr,
    credentials: Credentials,
) -> std::io::Result<Running> {
    start_with(api, listen, credentials, Options::default()).await
}

/// [`start`] with the given [`Options`] (faults from the start).
pub async fn start_with(
    api: Api,
    listen: SocketAddr,
    credentials: Credentials,
    options: Options,
) -> std::io::Result<Running> {
    let router = app_with(api, &credentials, &options).map_err(|error| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: the start state is refused: {error}", api.name()),
        )
    })?;
    start_app(api, listen, router).await
}

/// Binds `listen` and serves an app built by [`app`] or a module's `app` (for tests that keep a
/// handle on the sandbox's state) until [`Running::shutdown`].
pub async fn start_app(api: Api, listen: SocketAddr, router: Router) -> std::io::Result<Running> {
    start_app_with(api, listen, router, ServeOptions::default()).await
}

/// [`start_app`] with the given connection bounds.
pub async fn start_app_with(
    api: Api,
    listen: SocketAddr,
    router: Router,
    options: ServeOptions,
) -> std::io::Result<Running> {
    let listener = server_runtime::serve::bind(listen).map_err(|error| {
        std::io::Error::new(
            error.kind(),
            format!("{}: cannot listen on {listen}: {error}", api.name()),
        )
    })?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(server_runtime::serve::serve(
        listener,
        router,
        options,
        async {
            let _ = rx.await;
        },
    ));
    Ok(Running {
        api,
        addr,
        shutdown: Some(tx),
        task,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A state whose export is `export_bytes` long under a memory cap of 1 byte (limit 1 MiB).
    struct Exporting {
        export_bytes: usize,
    }

    impl Control for Exporting {
        fn reset(&self) {}
        fn export_state(&self) -> serde_json::Value {
            // The two quotes make up the rest.
            serde_json::Value::String("x".repeat(self.export_bytes - 2))
        }
        fn stored_bytes(&self) -> usize {
            0
        }
        fn max_stored_bytes(&self) -> usize {
            1
        }
        fn growing_operations(&self) -> &'static [&'static str] {
            &[]
        }
        fn import_state(&self, _: &serde_json::Value) -> Result<(), scenario::StateError> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn an_export_that_could_not_be_imported_back_is_refused() {
        let fits = get_state(&Exporting {
            export_bytes: MIN_CONTROL_BODY_BYTES,
        });
        assert_eq!(fits.status(), StatusCode::OK);
        let refused = get_state(&Exporting {
            export_bytes: MIN_CONTROL_BODY_BYTES + 1,
        });
        assert_eq!(refused.status(), StatusCode::INSUFFICIENT_STORAGE);
        let body = axum::body::to_bytes(refused.into_body(), usize::MAX)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            body,
            json!({"sandbox_error": {"status": 507, "code": "export_too_large", "message":
                "`GET /_sandbox/state`: the export would be 1048577 bytes, over the 1048576 bytes \
                 `PUT /_sandbox/state` takes (4 x --max-stored-bytes), so it could not be imported \
                 back; raise --max-stored-bytes or reset"}})
        );
    }
}
