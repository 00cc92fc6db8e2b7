//! Reading the body of a `PUT` to the sandbox's own endpoints (`/_sandbox/state`,
//! `/_sandbox/faults`): large enough for any export the memory cap allows, read within the API's
//! body timeouts, one at a time, and refused in the sandbox's error shape.
//!
//! The size limit follows the memory cap (an import holds a whole state), so it is large: one
//! body is read at a time, so that many clients cannot each hold that much (these endpoints take
//! no credentials). A request that waits longer than the body deadline for its turn gets 429.

use server_runtime::axum::body::Bytes;
use server_runtime::axum::extract::Request;
use server_runtime::axum::http::{HeaderValue, StatusCode};
use server_runtime::axum::response::Response;
use server_runtime::Limits;
use tokio::sync::Semaphore;

use crate::control::sandbox_error;

/// The smallest body limit of `PUT /_sandbox/state` and `PUT /_sandbox/faults`.
pub const MIN_CONTROL_BODY_BYTES: usize = 1024 * 1024;
/// The control endpoints' body limit is this many times the memory cap: an export's JSON takes
/// more bytes than the state's measure (member names, the resources' read-only members).
pub const CONTROL_BODY_BYTES_PER_STORED_BYTE: usize = 4;

/// The body limit of `PUT /_sandbox/state` and `PUT /_sandbox/faults` under a memory cap of
/// `max_stored_bytes`: [`CONTROL_BODY_BYTES_PER_STORED_BYTE`] times it, at least
/// [`MIN_CONTROL_BODY_BYTES`]. An export longer than this is refused (507 `export_too_large`)
/// rather than handed out as a state that could not be put back.
pub fn control_body_limit(max_stored_bytes: usize) -> usize {
    max_stored_bytes
        .saturating_mul(CONTROL_BODY_BYTES_PER_STORED_BYTE)
        .max(MIN_CONTROL_BODY_BYTES)
}

/// The bodies of one API's control endpoints, read one at a time.
pub(crate) struct ControlBodies {
    /// The API's timeouts (its size limit is replaced by [`control_body_limit`]).
    limits: Limits,
    one_at_a_time: Semaphore,
}

impl ControlBodies {
    pub(crate) fn new(limits: Limits) -> Self {
        ControlBodies {
            limits,
            one_at_a_time: Semaphore::new(1),
        }
    }

    /// The body of `PUT path` under a memory cap of `max_stored_bytes`, or the refusal to answer
    /// in the sandbox's error shape.
    pub(crate) async fn read(
        &self,
        path: &str,
        max_stored_bytes: usize,
        request: Request,
    ) -> Result<Bytes, Response> {
        let limit = control_body_limit(max_stored_bytes);
        let wait = self.limits.body_read_timeout;
        let Ok(Ok(_turn)) = tokio::time::timeout(wait, self.one_at_a_time.acquire()).await else {
            let mut response = sandbox_error(
                StatusCode::TOO_MANY_REQUESTS,
                "busy",
                &format!(
                    "`PUT {path}`: another body sent to the sandbox's endpoints was being read for \
                     the whole {} ms this one waited; retry",
                    wait.as_millis()
                ),
            );
            response
                .headers_mut()
                .insert("retry-after", HeaderValue::from_static("1"));
            return Err(close(response));
        };
        let limits = Limits {
            max_body_bytes: limit,
            ..self.limits.clone()
        };
        server_runtime::read_body(request.into_body(), &limits)
            .await
            .map_err(|rejection| {
                let reason = if rejection.status == StatusCode::PAYLOAD_TOO_LARGE {
                    format!(
                        "the request body is larger than {limit} bytes, the limit of the \
                         sandbox's endpoints ({CONTROL_BODY_BYTES_PER_STORED_BYTE} x \
                         --max-stored-bytes, at least {MIN_CONTROL_BODY_BYTES})"
                    )
                } else {
                    rejection.message.clone()
                };
                let response = sandbox_error(
                    rejection.status,
                    rejection.code,
                    &format!("`PUT {path}`: {reason}"),
                );
                if server_runtime::is_timeout(&rejection) {
                    close(response)
                } else {
                    response
                }
            })
    }
}

/// `response` with `Connection: close`: the rest of its request's body was never read, so the
/// connection cannot carry another request.
fn close(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert("connection", HeaderValue::from_static("close"));
    response
}
