//! The settings a team gives a client: timeouts, user agent, retry policy, sleep.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::{RetryPolicy, Runtime, Sleep, TokioSleep};

/// What a generated `Client::builder` collects besides the base URL and credentials.
/// Defaults: a 15 s timeout per attempt, a 15 s connect timeout, the crate's user agent
/// (`client-runtime/<version>`), [`RetryPolicy::standard`], [`TokioSleep`].
#[derive(Clone, Debug)]
pub struct ClientOptions {
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    retry: RetryPolicy,
    sleep: Arc<dyn Sleep>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(15),
            user_agent: concat!("client-runtime/", env!("CARGO_PKG_VERSION")).to_owned(),
            retry: RetryPolicy::standard(),
            sleep: Arc::new(TokioSleep),
        }
    }
}

impl ClientOptions {
    /// The longest one attempt may take, from connecting to the end of the response body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest connecting may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header of every request.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The retry policy (default [`RetryPolicy::standard`]; [`RetryPolicy::disabled`] for none).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How the client waits between attempts (tests pass one that records the waits).
    pub fn sleep(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.sleep = sleep;
        self
    }

    /// A reqwest client with these timeouts and user agent, sending `default_headers` (the
    /// API's credentials) on every request.
    pub fn http_client(&self, default_headers: HeaderMap) -> reqwest::Result<reqwest::Client> {
        reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent.clone())
            .default_headers(default_headers)
            .build()
    }

    /// The runtime that sends the requests of API `api` (its name, for the tracing span);
    /// `request_id_header` is the response header that carries the vendor's request id.
    pub fn runtime(&self, api: &'static str, request_id_header: Option<&'static str>) -> Runtime {
        Runtime::new(api)
            .with_retry(self.retry.clone())
            .with_sleep(self.sleep.clone())
            .with_request_id_header(request_id_header)
    }
}
