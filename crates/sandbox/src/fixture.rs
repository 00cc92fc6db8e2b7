//! The sandbox as a test double for other teams' tests: one call serves an API on an
//! ephemeral loopback port and returns a handle on it.

use std::sync::Arc;

use serde_json::Value;

use crate::scenario::StateError;
use crate::{Api, Control, Credentials, Faults, Options, Running};

/// One API's sandbox serving on `127.0.0.1:<ephemeral>` for the life of a test, with the
/// default [`Credentials`], in the spirit of wiremock's `MockServer::start()`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use sandbox::{Api, FaultConfig, FaultRule, InjectedError, TestSandbox};
///
/// let sandbox = TestSandbox::start(Api::Insightiq).await?;
/// let profiles = format!("{}/profiles?limit=1", sandbox.base_url());
/// let client = reqwest::Client::new();
/// let get = || client.get(&profiles).basic_auth("demo", Some("p@55w0rd")).send();
/// assert_eq!(get().await?.status(), 200);
///
/// // Make one operation fail, as a retry test needs.
/// sandbox.faults().replace(FaultConfig {
///     seed: 1,
///     rules: vec![FaultRule {
///         operation: Some("list_profiles".into()),
///         error: Some(InjectedError { status: 503, rate: 1.0, retry_after_s: Some(2) }),
///         ..FaultRule::default()
///     }],
/// })?;
/// let refused = get().await?;
/// assert_eq!(refused.status(), 503);
/// assert_eq!(refused.headers()["retry-after"], "2");
///
/// // Back to the seeds, faults cleared; the state is there to inspect.
/// sandbox.reset();
/// assert_eq!(get().await?.status(), 200);
/// assert_eq!(sandbox.state()["profiles"].as_array().map(Vec::len), Some(10));
/// sandbox.shutdown().await?;
/// # Ok(()) }
/// ```
pub struct TestSandbox {
    running: Running,
    credentials: Credentials,
    control: Arc<dyn Control>,
    faults: Arc<Faults>,
}

impl std::fmt::Debug for TestSandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestSandbox")
            .field("running", &self.running)
            .finish_non_exhaustive()
    }
}

impl TestSandbox {
    /// Serves `api` from its seeds, with no faults.
    pub async fn start(api: Api) -> std::io::Result<TestSandbox> {
        Self::start_with(api, Options::default()).await
    }

    /// Serves `api` with the given faults and start state.
    pub async fn start_with(api: Api, options: Options) -> std::io::Result<TestSandbox> {
        let credentials = Credentials::defaults();
        let parts = crate::parts(api, &credentials, &options).map_err(|error| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, error.to_string())
        })?;
        let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let running = crate::start_app(api, loopback, parts.router).await?;
        Ok(TestSandbox {
            running,
            credentials,
            control: parts.control,
            faults: parts.faults,
        })
    }

    /// `http://127.0.0.1:PORT` plus the spec's base path: what a generated client takes.
    pub fn base_url(&self) -> String {
        self.running.base_url()
    }

    /// The address it listens on (the `/_sandbox/*` endpoints are at its root).
    pub fn addr(&self) -> std::net::SocketAddr {
        self.running.addr
    }

    /// The credentials it accepts ([`Credentials::defaults`]).
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Back to the seeds, faults cleared (what `POST /_sandbox/reset` does).
    pub fn reset(&self) {
        self.control.reset();
        self.faults.clear();
    }

    /// Its faults: [`Faults::get`] and [`Faults::replace`].
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The whole state as a scenario document (what `GET /_sandbox/state` answers).
    pub fn state(&self) -> Value {
        self.control.export_state()
    }

    /// Replaces the whole state (what `PUT /_sandbox/state` does), or changes nothing.
    pub fn set_state(&self, document: &Value) -> Result<(), StateError> {
        self.control.import_state(document)
    }

    /// Stops serving (requests in flight finish).
    pub async fn shutdown(self) -> std::io::Result<()> {
        self.running.shutdown().await
    }
}
