//! Sending one call: the attempts the policy allows, in one tracing span.

use std::sync::Arc;
use std::time::Instant;

use tracing::field::Empty;
use tracing::Instrument;

use crate::policy::Outcome;
use crate::{RetryPolicy, Sleep, TokioSleep};

/// What a generated client holds to send its requests: the API's name, the retry policy, the
/// sleep between attempts and the name of the request-id header.
#[derive(Clone, Debug)]
pub struct Runtime {
    api: &'static str,
    request_id_header: Option<&'static str>,
    policy: RetryPolicy,
    sleep: Arc<dyn Sleep>,
}

impl Default for Runtime {
    fn default() -> Self {
        Self::new("")
    }
}

impl Runtime {
    /// The standard retry policy and tokio's sleep, for API `api`.
    pub fn new(api: &'static str) -> Self {
        Self {
            api,
            request_id_header: None,
            policy: RetryPolicy::standard(),
            sleep: Arc::new(TokioSleep),
        }
    }

    pub fn with_retry(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    pub fn with_sleep(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.sleep = sleep;
        self
    }

    pub fn with_request_id_header(mut self, header: Option<&'static str>) -> Self {
        self.request_id_header = header;
        self
    }

    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// Sends `request` through `http`, retrying as the policy allows, inside a span named
    /// `operation` with the fields `api`, `operation_id`, `method`, `path`, `status`,
    /// `latency_ms` (all attempts and waits), `attempts` and `request_id`. A request whose body
    /// cannot be copied (a stream) is sent once.
    pub async fn execute(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation_id: &str,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::info_span!(
            "operation",
            api = self.api,
            operation_id,
            method = %request.method(),
            path = request.url().path(),
            status = Empty,
            latency_ms = Empty,
            attempts = Empty,
            request_id = Empty,
        );
        self.attempts(http, request, &span)
            .instrument(span.clone())
            .await
    }

    async fn attempts(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        span: &tracing::Span,
    ) -> reqwest::Result<reqwest::Response> {
        let started = Instant::now();
        let method = request.method().clone();
        let mut next = request;
        let mut attempts = 0;
        loop {
            let copy = next.try_clone();
            attempts += 1;
            let result = http.execute(next).await;
            let wait = copy.as_ref().and_then(|_| {
                let outcome = match &result {
                    Ok(response) => Outcome::Status(response.status(), response.headers()),
                    Err(error) if error.is_connect() => Outcome::ConnectError,
                    Err(error) if error.is_timeout() => Outcome::TimeoutAfterSend,
                    Err(_) => Outcome::OtherError,
                };
                self.policy
                    .next_wait(&method, &outcome, attempts, fastrand::f64())
            });
            match (wait, copy) {
                (Some(wait), Some(copy)) => {
                    tracing::debug!(
                        attempt = attempts,
                        wait_ms = wait.as_millis() as u64,
                        outcome = %describe(&result),
                        "retrying"
                    );
                    drop(result);
                    self.sleep.sleep(wait).await;
                    next = copy;
                }
                _ => {
                    span.record("attempts", attempts);
                    span.record("latency_ms", started.elapsed().as_millis() as u64);
                    if let Ok(response) = &result {
                        span.record("status", response.status().as_u16());
                        let request_id = self
                            .request_id_header
                            .and_then(|name| response.headers().get(name))
                            .and_then(|value| value.to_str().ok());
                        if let Some(request_id) = request_id {
                            span.record("request_id", request_id);
                        }
                    }
                    return result;
                }
            }
        }
    }
}

fn describe(result: &reqwest::Result<reqwest::Response>) -> String {
    match result {
        Ok(response) => response.status().to_string(),
        Err(error) => error.to_string(),
    }
}
