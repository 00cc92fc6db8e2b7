//! The retry policy: which failures are retried, how often, and how long to wait.

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use crate::retry_after::requested_wait;

/// Which failures a client retries and how it waits between attempts. The default,
/// [`RetryPolicy::standard`], is what a team gets without asking; see the crate docs for the
/// table of failures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    retry_after_cap: Duration,
    post_on_server_error: bool,
    post_on_timeout: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryPolicy {
    /// Three attempts; waits of 100 ms then 200 ms (each between half and all of that, at
    /// random), at most 5 s; a `Retry-After` of up to 20 s is waited out exactly, a longer one
    /// ends the retries (the caller sees the response and its header).
    pub fn standard() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            retry_after_cap: Duration::from_secs(20),
            post_on_server_error: false,
            post_on_timeout: false,
        }
    }

    /// One attempt, no retries.
    pub fn disabled() -> Self {
        Self::standard().max_attempts(1)
    }

    /// Attempts in all, the first included (at least one).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the second attempt; each later one doubles, up to `max_backoff`.
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// The longest backoff between two attempts.
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// The longest `Retry-After` the client waits out; a longer one ends the retries.
    pub fn retry_after_cap(mut self, wait: Duration) -> Self {
        self.retry_after_cap = wait;
        self
    }

    /// Retry POST and PATCH on 500, 502, 503 and 504 too. Off by default: the server may have
    /// acted on the request before failing, and a retry could act twice.
    pub fn retry_post_on_server_error(mut self, yes: bool) -> Self {
        self.post_on_server_error = yes;
        self
    }

    /// Retry POST and PATCH after a timeout once the request was sent. Off by default, for the
    /// same reason.
    pub fn retry_post_on_timeout(mut self, yes: bool) -> Self {
        self.post_on_timeout = yes;
        self
    }

    /// The configured number of attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// How long to wait before attempt `attempts_made + 1`, or `None` when the policy does not
    /// retry this outcome. `jitter` is a number in `[0, 1)`.
    pub(crate) fn next_wait(
        &self,
        method: &Method,
        outcome: &Outcome<'_>,
        attempts_made: u32,
        jitter: f64,
    ) -> Option<Duration> {
        if attempts_made >= self.max_attempts {
            return None;
        }
        let idempotent = is_idempotent(method);
        let retryable = match outcome {
            Outcome::ConnectError => true,
            Outcome::Status(status, _) if *status == StatusCode::TOO_MANY_REQUESTS => true,
            Outcome::Status(status, _) if is_transient_server_error(*status) => {
                idempotent || self.post_on_server_error
            }
            Outcome::Status(..) => false,
            Outcome::TimeoutAfterSend => idempotent || self.post_on_timeout,
            Outcome::OtherError => false,
        };
        if !retryable {
            return None;
        }
        if let Outcome::Status(_, headers) = outcome {
            if let Some(requested) = requested_wait(headers, SystemTime::now()) {
                return (requested <= self.retry_after_cap).then_some(requested);
            }
        }
        Some(self.backoff(attempts_made, jitter))
    }

    /// Exponential backoff with "equal jitter": half the step, plus up to the other half at
    /// random, so that clients that failed together do not retry together.
    fn backoff(&self, attempts_made: u32, jitter: f64) -> Duration {
        let doublings = attempts_made.saturating_sub(1).min(30);
        let step = self
            .initial_backoff
            .saturating_mul(1 << doublings)
            .min(self.max_backoff);
        step / 2 + step.mul_f64(jitter.clamp(0.0, 1.0) / 2.0)
    }
}

/// What one attempt ended in, as far as the policy cares.
#[derive(Debug)]
pub(crate) enum Outcome<'a> {
    Status(StatusCode, &'a HeaderMap),
    /// No connection was made, so nothing was sent.
    ConnectError,
    /// The request was sent and no complete response came in time.
    TimeoutAfterSend,
    OtherError,
}

fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

fn is_transient_server_error(status: StatusCode) -> bool {
    matches!(status.as_u16(), 500 | 502 | 503 | 504)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderValue, RETRY_AFTER};

    fn status(code: u16, headers: &HeaderMap) -> Outcome<'_> {
        Outcome::Status(StatusCode::from_u16(code).unwrap(), headers)
    }

    #[test]
    fn the_table_of_failures_is_the_documented_one() {
        let policy = RetryPolicy::standard();
        let none = HeaderMap::new();
        let retried = |method: Method, outcome: Outcome<'_>| {
            policy.next_wait(&method, &outcome, 1, 0.5).is_some()
        };
        for method in [Method::GET, Method::HEAD, Method::PUT, Method::DELETE] {
            assert!(retried(method.clone(), Outcome::ConnectError), "{method}");
            assert!(retried(method.clone(), status(429, &none)), "{method}");
            for code in [500, 502, 503, 504] {
                assert!(
                    retried(method.clone(), status(code, &none)),
                    "{method} {code}"
                );
            }
            assert!(
                retried(method.clone(), Outcome::TimeoutAfterSend),
                "{method}"
            );
            for code in [400, 401, 403, 404, 409, 422, 501] {
                assert!(
                    !retried(method.clone(), status(code, &none)),
                    "{method} {code}"
                );
            }
        }
        assert!(retried(Method::POST, Outcome::ConnectError));
        assert!(retried(Method::POST, status(429, &none)));
        for code in [500, 502, 503, 504] {
            assert!(!retried(Method::POST, status(code, &none)), "POST {code}");
        }
        assert!(!retried(Method::POST, Outcome::TimeoutAfterSend));
        assert!(!retried(Method::POST, status(400, &none)));
        assert!(!retried(Method::GET, Outcome::OtherError));
    }

    #[test]
    fn post_retries_on_server_errors_and_timeouts_are_opt_in() {
        let policy = RetryPolicy::standard()
            .retry_post_on_server_error(true)
            .retry_post_on_timeout(true);
        let none = HeaderMap::new();
        assert!(policy
            .next_wait(&Method::POST, &status(503, &none), 1, 0.0)
            .is_some());
        assert!(policy
            .next_wait(&Method::POST, &Outcome::TimeoutAfterSend, 1, 0.0)
            .is_some());
    }

    #[test]
    fn attempts_are_bounded() {
        let policy = RetryPolicy::standard().max_attempts(2);
        let none = HeaderMap::new();
        assert!(policy
            .next_wait(&Method::GET, &status(503, &none), 1, 0.0)
            .is_some());
        assert_eq!(
            policy.next_wait(&Method::GET, &status(503, &none), 2, 0.0),
            None
        );
        assert_eq!(
            RetryPolicy::disabled().next_wait(&Method::GET, &Outcome::ConnectError, 1, 0.0),
            None
        );
    }

    #[test]
    fn backoff_doubles_with_equal_jitter_up_to_the_maximum() {
        let policy = RetryPolicy::standard()
            .max_attempts(10)
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(300));
        let none = HeaderMap::new();
        let wait = |attempts_made, jitter| {
            policy
                .next_wait(&Method::GET, &status(503, &none), attempts_made, jitter)
                .unwrap()
        };
        assert_eq!(wait(1, 0.0), Duration::from_millis(50));
        assert_eq!(wait(1, 1.0), Duration::from_millis(100));
        assert_eq!(wait(2, 0.0), Duration::from_millis(100));
        assert_eq!(wait(3, 0.0), Duration::from_millis(150));
        assert_eq!(wait(9, 1.0), Duration::from_millis(300));
    }

    #[test]
    fn retry_after_is_waited_out_up_to_the_cap() {
        let policy = RetryPolicy::standard().retry_after_cap(Duration::from_secs(5));
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(
            policy.next_wait(&Method::POST, &status(429, &headers), 1, 0.9),
            Some(Duration::from_secs(3))
        );
        headers.insert(RETRY_AFTER, HeaderValue::from_static("60"));
        assert_eq!(
            policy.next_wait(&Method::GET, &status(503, &headers), 1, 0.9),
            None
        );
    }
}
