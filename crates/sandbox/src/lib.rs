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
//!
//! Where things live: `api` (the [`Api`] value), `credentials`, `state` (one API's state behind
//! its lock, [`Sandbox`], and the one trait an API module implements, [`ApiState`]), [`shell`]
//! (an API's sandbox served: `app`), `glue` (the sandbox's endpoints and layers around the
//! generated router, on axum's router and middleware state), `assembly` (an API's app chosen by
//! value), `running` (serving it on a socket). This file declares the modules and re-exports the
//! public names only.

mod api;
pub mod apis;
mod assembly;
mod control;
mod control_body;
mod credentials;
mod exchange;
pub mod expectations;
pub mod faults;
mod fixture;
mod glue;
pub mod insightiq;
pub mod instabot;
pub mod limits;
pub mod matchers;
pub mod publica;
pub mod received;
mod request_log;
mod requests_endpoint;
mod running;
pub mod scenario;
mod seeds;
pub mod shell;
mod state;
mod storage;
mod stub_check;
pub mod stubs;

pub use api::Api;
pub use apis::{Insightiq, Instabot, Publica, SandboxApi};
pub use assembly::{app, app_with, check_state, Options};
pub use control::{
    sandbox_error, FAULTS_PATH, REQUESTS_PATH, RESET_PATH, SANDBOX_PREFIX, STATE_PATH,
};
pub use control_body::{
    control_body_limit, CONTROL_BODY_BYTES_PER_STORED_BYTE, MIN_CONTROL_BODY_BYTES,
};
pub use credentials::Credentials;
pub use expectations::{ExpectationBuilder, ExpectationGuard, Times, VerificationError};
pub use faults::{FaultConfig, FaultError, FaultRule, Faults, InjectedError};
pub use fixture::TestSandbox;
pub use received::{ReceivedRequest, RECEIVED_SHARE_OF_CAP};
pub use running::{start, start_app, start_app_with, start_with, Running};
pub use server_runtime::serve::ServeOptions;
pub use shell::{ApiState, Sandbox};
pub use storage::DEFAULT_MAX_STORED_BYTES;
pub use stub_check::StubError;
pub use stubs::{Stub, StubBuilder, StubGuard};
