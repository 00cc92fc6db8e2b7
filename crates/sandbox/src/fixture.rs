//! The sandbox as a test double for other teams' tests: one call serves an API on an
//! ephemeral loopback port and returns a handle on it, which also says what the code under test
//! sent (received requests), expects calls and answers chosen requests (stubs checked against
//! the spec).

use std::sync::Arc;

use serde_json::Value;

use crate::assembly::{parts, AnySandbox};
use crate::exchange::Observers;
use crate::expectations::{ExpectationBuilder, VerificationError};
use crate::received::ReceivedRequest;
use crate::scenario::StateError;
use crate::stubs::StubBuilder;
use crate::{Api, Credentials, FaultError, FaultRule, Faults, Options, Running, SandboxApi};

/// One API's sandbox serving on `127.0.0.1:<ephemeral>` for the life of a test, with the
/// default [`Credentials`], in the spirit of wiremock's `MockServer::start()`.
///
/// Typed by API: `TestSandbox::start(Insightiq)` takes `insightiq_server::Operation`s, so a
/// typo or another API's operation does not compile; `TestSandbox::start(Api::Insightiq)`
/// takes operationId strings, checked when given (a panic listing the known ones).
///
/// What the code under test sent is kept ([`TestSandbox::received`]); expectations
/// ([`TestSandbox::expect`]) are verified by [`TestSandbox::verify`], when their guard is
/// dropped and when the sandbox is dropped, as is every request the sandbox refused as the
/// spec requires (401, 400/422: a defect of the code under test) unless
/// [`TestSandbox::allow_invalid_requests`]. Stubs ([`TestSandbox::on`]) answer the requests
/// they match, only after authentication and validation, and only with what the spec documents
/// unless marked `.undocumented()`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use insightiq_client::types::{auth::Credentials, UserCreateRequest, UserCreateRequestExternalId};
/// use insightiq_server::Operation;
/// use sandbox::matchers::body_partial;
/// use sandbox::{Insightiq, TestSandbox};
/// use serde_json::json;
///
/// let sandbox = TestSandbox::start(Insightiq).await?;
/// let client = insightiq_client::Client::with_credentials(
///     &sandbox.base_url(),
///     &Credentials::new("demo", "p@55w0rd"),
/// )?;
///
/// // The code under test must create this user exactly once.
/// let created_once = sandbox
///     .expect(Operation::CreateUser)
///     .matching(body_partial(json!({"external_id": "grace-1"})))
///     .times(1);
///
/// // The first lookup of the user answers a documented 404, whatever the state holds.
/// let not_found = sandbox.error_body(404, "user_not_found", "no such user");
/// let _stub = sandbox
///     .on(Operation::GetUserByExternalId)
///     .respond_once(404, not_found)
///     .mount()?;
///
/// // The code under test:
/// let lookup = client.get_user_by_external_id("grace-1").send().await;
/// assert_eq!(lookup.unwrap_err().status().map(|s| s.as_u16()), Some(404));
/// let external_id: UserCreateRequestExternalId = "grace-1".parse()?;
/// let request = UserCreateRequest::new(external_id, "Grace Hopper");
/// client.create_user(request).send().await?;
///
/// // What it sent, credentials redacted; then every expectation is verified.
/// let sent = sandbox.received();
/// assert_eq!(sent[1].operation, Some("create_user"));
/// assert_eq!(sent[1].header("authorization"), Some("[redacted]"));
/// created_once.verify()?;
/// sandbox.verify();
/// # Ok(()) }
/// ```
///
/// Another API's operation does not compile (the same call with
/// `insightiq_server::Operation::CreateUser`, above, does):
///
/// ```compile_fail
/// # async fn run() {
/// let sandbox = sandbox::TestSandbox::start(sandbox::Insightiq).await.unwrap();
/// let _guard = sandbox.expect(publica_server::Operation::CreateUser).times(1);
/// # }
/// ```
pub struct TestSandbox<A: SandboxApi = Api> {
    kind: A,
    /// `None` once shut down.
    running: Option<Running>,
    credentials: Credentials,
    sandbox: AnySandbox,
    faults: Arc<Faults>,
    observers: Observers,
}

impl<A: SandboxApi> std::fmt::Debug for TestSandbox<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestSandbox")
            .field("running", &self.running)
            .finish_non_exhaustive()
    }
}

impl TestSandbox {
    /// Serves `api` from its seeds, with no faults: `Insightiq` (typed operations) or
    /// `Api::Insightiq` (operationId strings).
    pub async fn start<A: SandboxApi>(api: A) -> std::io::Result<TestSandbox<A>> {
        Self::start_with(api, Options::default()).await
    }

    /// Serves `api` with the given faults and start state.
    pub async fn start_with<A: SandboxApi>(
        api: A,
        options: Options,
    ) -> std::io::Result<TestSandbox<A>> {
        let credentials = Credentials::defaults();
        let parts = parts(api.api(), &credentials, &options).map_err(|error| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, error.to_string())
        })?;
        let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let running = crate::start_app(api.api(), loopback, parts.router).await?;
        Ok(TestSandbox {
            kind: api,
            running: Some(running),
            credentials,
            sandbox: parts.sandbox,
            faults: parts.faults,
            observers: parts.observers,
        })
    }
}

impl<A: SandboxApi> TestSandbox<A> {
    fn running(&self) -> &Running {
        // Only `shutdown` (by value) takes it.
        self.running
            .as_ref()
            .unwrap_or_else(|| unreachable!("a TestSandbox is shut down only by value"))
    }

    /// The operationId of `operation`; an unknown name (of an untyped sandbox) panics with the
    /// list of known ones.
    fn operation_id(&self, operation: A::Operation) -> &'static str {
        self.kind
            .operation_id(operation)
            .unwrap_or_else(|message| panic!("{message}"))
    }

    /// `http://127.0.0.1:PORT` plus the spec's base path: what a generated client takes.
    pub fn base_url(&self) -> String {
        self.running().base_url()
    }

    /// The address it listens on (the `/_sandbox/*` endpoints are at its root).
    pub fn addr(&self) -> std::net::SocketAddr {
        self.running().addr
    }

    /// The credentials it accepts ([`Credentials::defaults`]).
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Back to the seeds, faults cleared (what `POST /_sandbox/reset` does). Received
    /// requests, expectations and stubs stay.
    pub fn reset(&self) {
        self.sandbox.reset();
        self.faults.clear();
    }

    /// Its faults: [`Faults::get`] and [`Faults::replace`].
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Puts `rule` in force for `operation`, before the rules already set (the first rule naming
    /// a request's operation applies).
    pub fn fault(&self, operation: A::Operation, rule: FaultRule) -> Result<(), FaultError> {
        let mut config = self.faults.get();
        config.rules.insert(
            0,
            FaultRule {
                operation: Some(self.operation_id(operation).to_owned()),
                ..rule
            },
        );
        self.faults.replace(config)
    }

    /// The whole state as a scenario document (what `GET /_sandbox/state` answers).
    pub fn state(&self) -> Value {
        self.sandbox.export_state()
    }

    /// Replaces the whole state (what `PUT /_sandbox/state` does), or changes nothing.
    pub fn set_state(&self, document: &Value) -> Result<(), StateError> {
        self.sandbox.import_state(document)
    }

    /// Every request received and still held, oldest first, secrets redacted (what
    /// `GET /_sandbox/requests` answers). The log holds at most a quarter of the memory cap
    /// ([`crate::RECEIVED_SHARE_OF_CAP`]), oldest dropped first.
    pub fn received(&self) -> Vec<ReceivedRequest> {
        self.observers.received.list(None)
    }

    /// The requests of `operation` received and still held, oldest first.
    pub fn received_of(&self, operation: A::Operation) -> Vec<ReceivedRequest> {
        let id = self.operation_id(operation);
        self.observers.received.list(Some(id))
    }

    /// Forgets the received requests (what `DELETE /_sandbox/requests` does); expectations keep
    /// their counts.
    pub fn clear_received(&self) {
        self.observers.received.clear();
    }

    /// Expects requests of `operation`: add matchers, then a count (`.times(n)`,
    /// `.at_least(n)`, `.at_most(n)`, `.never()`), which returns the guard.
    pub fn expect(&self, operation: A::Operation) -> ExpectationBuilder {
        let id = self.operation_id(operation);
        ExpectationBuilder::new(Arc::clone(&self.observers.expectations), id)
    }

    /// Stubs `operation`: add matchers, then answers (`.respond(status, body)`, ...), then
    /// `.mount()`, which checks them against the spec and returns the guard.
    pub fn on(&self, operation: A::Operation) -> StubBuilder {
        let id = self.operation_id(operation);
        StubBuilder::new(Arc::clone(&self.observers.stubs), self.kind.api(), id)
    }

    /// Requests the sandbox refuses (401, 400/422) no longer fail verification: for tests that
    /// send bad input on purpose.
    pub fn allow_invalid_requests(&self) -> &Self {
        self.observers.expectations.allow_invalid(true);
        self
    }

    /// The API's error body (its `x-error-template`) with this status, code and message: what a
    /// stub of a documented error answers.
    pub fn error_body(&self, status: u16, code: &str, message: &str) -> Value {
        let api = self.kind.api();
        server_runtime::error_body(
            crate::limits::description(api),
            status,
            code,
            message,
            None,
            &server_runtime::new_request_id(),
        )
    }

    /// Every expectation registered and not yet dropped holds, and no request was refused
    /// (unless allowed); otherwise the report.
    pub fn try_verify(&self) -> Result<(), VerificationError> {
        self.observers.expectations.verify()
    }

    /// [`TestSandbox::try_verify`], panicking with the report.
    pub fn verify(&self) {
        if let Err(error) = self.try_verify() {
            panic!("{error}");
        }
    }

    /// Stops serving (requests in flight finish); the verification of a drop follows.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        match self.running.take() {
            Some(running) => running.shutdown().await,
            None => Ok(()),
        }
    }
}

impl<A: SandboxApi> Drop for TestSandbox<A> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        if let Err(error) = self.try_verify() {
            panic!("{error}");
        }
    }
}
