//! Reading a request body within bounds on its size and on the time it takes.
//!
//! hyper 1 times out only the request head, and tower-http's `RequestBodyTimeoutLayer` restarts
//! its timer on every frame, so a client sending one byte every few seconds would hold its
//! connection (and a connection slot of [`crate::serve`]) for ever. [`read_body`] bounds both:
//! the wait for each next part of the body ([`Limits::body_idle_timeout`]) and the whole read
//! ([`Limits::body_read_timeout`]). Past either, the request is refused with 408 and the
//! connection is closed (the rest of the body is never read).

use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody as _};
use axum::http::StatusCode;
use futures_util::StreamExt;
use tokio::time::Instant;

use crate::Rejection;

/// Server settings that do not come from the spec: how much of a request body is read, and for
/// how long.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Request bodies larger than this get 413. Default: 1 MiB.
    pub max_body_bytes: usize,
    /// The longest wait for the next part of a body once its head has arrived: 408 beyond.
    /// Default: 10 s (the header-read timeout of [`crate::serve::ServeOptions`]).
    pub body_idle_timeout: Duration,
    /// The longest a whole body may take to arrive, however steadily it trickles: 408 beyond.
    /// Default: 30 s (a 1 MiB body at 35 KB/s).
    pub body_read_timeout: Duration,
}

/// [`Limits::body_idle_timeout`] by default.
pub const DEFAULT_BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(10);
/// [`Limits::body_read_timeout`] by default.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 1024 * 1024,
            body_idle_timeout: DEFAULT_BODY_IDLE_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
        }
    }
}

/// Reads a request body within `limits`: 413 `payload_too_large` past
/// [`Limits::max_body_bytes`], 408 `request_timeout` past either timeout, 400
/// `body_read_failed` when the connection fails mid-body. Answer a 408 with `Connection: close`
/// ([`is_timeout`]): the unread rest of the body cannot be skipped.
pub async fn read_body(body: Body, limits: &Limits) -> Result<Bytes, Rejection> {
    let limit = limits.max_body_bytes;
    // A `Content-Length` over the limit is refused before a byte of the body is read.
    if body.size_hint().lower() > limit as u64 {
        return Err(too_large(limit));
    }
    let deadline = Instant::now() + limits.body_read_timeout;
    let mut frames = body.into_data_stream();
    let mut collected: Vec<u8> = Vec::new();
    loop {
        let idle_until = Instant::now() + limits.body_idle_timeout;
        let (wait_until, cut_by_deadline) = if deadline <= idle_until {
            (deadline, true)
        } else {
            (idle_until, false)
        };
        let frame = match tokio::time::timeout_at(wait_until, frames.next()).await {
            Ok(frame) => frame,
            Err(_) => return Err(timeout(limits, cut_by_deadline, collected.len())),
        };
        match frame {
            None => return Ok(Bytes::from(collected)),
            Some(Ok(bytes)) => {
                if collected.len() + bytes.len() > limit {
                    return Err(too_large(limit));
                }
                collected.extend_from_slice(&bytes);
            }
            Some(Err(error)) => {
                return Err(Rejection::new(
                    StatusCode::BAD_REQUEST,
                    "body_read_failed",
                    format!(
                        "the request body could not be read after {} bytes: {error}",
                        collected.len()
                    ),
                ))
            }
        }
    }
}

/// Whether `rejection` is [`read_body`]'s 408 (its connection is to be closed).
pub fn is_timeout(rejection: &Rejection) -> bool {
    rejection.status == StatusCode::REQUEST_TIMEOUT
}

fn too_large(limit: usize) -> Rejection {
    Rejection::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("the request body is larger than {limit} bytes"),
    )
}

fn timeout(limits: &Limits, cut_by_deadline: bool, received: usize) -> Rejection {
    let message = if cut_by_deadline {
        format!(
            "the request body did not arrive within {} ms (the limit for a whole body); {received} bytes had arrived",
            limits.body_read_timeout.as_millis()
        )
    } else {
        format!(
            "the request body stalled: nothing arrived for {} ms (the limit between parts of a body); {received} bytes had arrived",
            limits.body_idle_timeout.as_millis()
        )
    };
    Rejection::new(StatusCode::REQUEST_TIMEOUT, "request_timeout", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick() -> Limits {
        Limits {
            max_body_bytes: 16,
            body_idle_timeout: Duration::from_millis(200),
            body_read_timeout: Duration::from_millis(500),
        }
    }

    /// A body whose parts arrive `gap` apart, `parts` of them.
    fn trickle(parts: usize, gap: Duration) -> Body {
        let stream = futures_util::stream::unfold(0, move |sent| async move {
            if sent == parts {
                return None;
            }
            tokio::time::sleep(gap).await;
            Some((Ok::<_, std::io::Error>(Bytes::from_static(b"x")), sent + 1))
        });
        Body::from_stream(stream)
    }

    #[tokio::test]
    async fn a_body_within_bounds_is_read_whole() {
        let bytes = read_body(trickle(3, Duration::from_millis(10)), &quick())
            .await
            .unwrap();
        assert_eq!(&bytes[..], b"xxx");
    }

    #[tokio::test]
    async fn a_stalled_body_is_cut_by_the_idle_timeout() {
        let refused = read_body(trickle(2, Duration::from_secs(5)), &quick())
            .await
            .unwrap_err();
        assert_eq!(
            (refused.status.as_u16(), refused.code),
            (408, "request_timeout")
        );
        assert_eq!(
            refused.message,
            "the request body stalled: nothing arrived for 200 ms (the limit between parts of a body); 0 bytes had arrived"
        );
    }

    #[tokio::test]
    async fn a_trickling_body_is_cut_by_the_deadline() {
        let started = Instant::now();
        let refused = read_body(trickle(16, Duration::from_millis(100)), &quick())
            .await
            .unwrap_err();
        assert!(is_timeout(&refused));
        assert!(
            refused.message.starts_with(
                "the request body did not arrive within 500 ms (the limit for a whole body); "
            ),
            "{}",
            refused.message
        );
        let took = started.elapsed();
        assert!(took < Duration::from_millis(900), "{took:?}");
    }

    #[tokio::test]
    async fn a_body_over_the_size_limit_is_413() {
        let refused = read_body(Body::from(vec![b'x'; 17]), &quick())
            .await
            .unwrap_err();
        assert_eq!(
            (refused.status.as_u16(), refused.message.as_str()),
            (413, "the request body is larger than 16 bytes")
        );
    }
}
