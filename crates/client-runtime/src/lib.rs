//! What every generated client crate shares, so that the generated glue stays thin: the retry
//! policy ([`RetryPolicy`]: bounded attempts, exponential backoff with jitter, `Retry-After`
//! honoured up to a cap), the HTTP options a team sets on a client ([`ClientOptions`]:
//! timeouts, user agent), an injectable [`Sleep`] (tests need no wall-clock waits) and the
//! [`Runtime`] that sends each request in one `tracing` span; and the [`bounds`] checks the
//! request builders run before sending.
//!
//! The generated clients hand every request to [`Runtime::execute`] through progenitor's
//! `ClientHooks::exec`, the one seam progenitor leaves open (it hard-codes `reqwest::Client`).
//!
//! Which failures are retried (the default policy):
//!
//! | failure | GET, HEAD, PUT, DELETE, OPTIONS | POST, PATCH |
//! |---|---|---|
//! | connect error (nothing sent) | retry | retry |
//! | 429 (refused, not processed) | retry | retry |
//! | 500, 502, 503, 504 | retry | only with [`RetryPolicy::retry_post_on_server_error`] |
//! | timeout after the request was sent | retry | only with [`RetryPolicy::retry_post_on_timeout`] |
//! | any other status | no | no |

pub mod bounds;
mod options;
mod policy;
mod retry_after;
mod runtime;
mod sleep;
pub mod testing;

pub use options::ClientOptions;
pub use policy::RetryPolicy;
pub use runtime::Runtime;
pub use sleep::{Sleep, TokioSleep};
