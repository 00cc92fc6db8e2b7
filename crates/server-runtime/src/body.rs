//! The request body: read within bounds on its size and on the time it takes, then (for a JSON
//! body) its content type, syntax and schema checked.
//!
//! hyper 1 times out only the request head, and tower-http's `RequestBodyTimeoutLayer` restarts
//! its timer on every frame, so a client sending one byte every few seconds would hold its
//! connection (and a connection slot of [`crate::serve`]) for ever. [`read_body`] bounds both:
//! the wait for each next part of the body ([`Limits::body_idle_timeout`]) and the whole read
//! ([`Limits::body_read_timeout`]). Past either, the request is refused with 408 and the
//! connection is closed (the rest of the body is never read).

use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody as _};
use axum::http::{header, HeaderMap, StatusCode};
use futures_util::StreamExt;
use serde_json::Value;
use tokio::time::Instant;

use crate::error_body::Rejection;
use crate::schema::LazySchema;

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

/// Checks the content type, parses and validates a JSON request body.
pub fn json_body(
    headers: &HeaderMap,
    bytes: &[u8],
    schema: &LazySchema,
    required: bool,
    status: StatusCode,
) -> Result<Option<Value>, Rejection> {
    if bytes.is_empty() && !required {
        return Ok(None);
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(Rejection::new(
            status,
            "unsupported_content_type",
            format!(
                "the request body must be application/json, got `{}`",
                if content_type.is_empty() {
                    "nothing"
                } else {
                    content_type
                }
            ),
        ));
    }
    let value: Value = jsonschema_oas30::parse_json(bytes).map_err(|e| {
        Rejection::new(
            status,
            "malformed_json",
            format!(
                "the request body is not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    if let Some((pointer, message)) = schema.first_error(&value) {
        let field = pointer
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        // A missing required property is reported at its parent: name the property.
        let field = if field.is_empty() {
            missing_property(&message).unwrap_or_default()
        } else {
            field
        };
        let mut rejection = Rejection::new(
            status,
            "invalid_body",
            format!(
                "the request body is invalid at `{}`: {message}",
                if pointer.is_empty() { "/" } else { &pointer }
            ),
        );
        if !field.is_empty() {
            rejection = rejection.with_field(field);
        }
        return Err(rejection);
    }
    Ok(Some(value))
}

/// `"name" is a required property` -> `name`.
fn missing_property(message: &str) -> Option<String> {
    let rest = message.strip_prefix('"')?;
    let end = rest.find('"')?;
    message
        .contains("required property")
        .then(|| rest[..end].to_owned())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

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

    static COUNT: LazySchema =
        LazySchema::new(r#"{"type": "object", "properties": {"count": {"type": "integer"}}}"#);

    #[test]
    fn integer_fields_refuse_fractions_and_exponents_by_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let status = StatusCode::BAD_REQUEST;
        for text in [
            r#"{"count": 1.0}"#,
            r#"{"count": 1e2}"#,
            r#"{"count": -0.0}"#,
        ] {
            let refused = json_body(&headers, text.as_bytes(), &COUNT, true, status).unwrap_err();
            assert_eq!(refused.field.as_deref(), Some("count"), "{text}");
            assert!(
                refused.message.starts_with("the request body is invalid at `/count`: ")
                    && refused.message.ends_with(
                        "is not of type \"integer\" (OpenAPI 3.0: an integer is written without a fraction or exponent)"
                    ),
                "{text}: {}",
                refused.message
            );
        }
        let zero = json_body(&headers, br#"{"count": -0}"#, &COUNT, true, status).unwrap();
        assert_eq!(zero, Some(serde_json::json!({"count": 0})));
    }
}
