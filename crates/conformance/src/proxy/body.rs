//! Reading a body for validation without holding more than the cap, nor for longer than its
//! timers allow: up to `cap` bytes are collected; a longer body is forwarded as the collected
//! prefix followed by the rest, streamed, and is reported as not validated.
//!
//! A request body is read under two timers ([`Timers`]): the longest wait for its next frame
//! (a client that stops sending) and a deadline for the whole body (a client that sends a byte
//! every few seconds, which an idle timer alone never cuts). Both keep running while the rest of
//! an over-cap body is streamed to the upstream.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use tokio::time::{Instant, Sleep};

/// Why a body could not be read whole.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// The peer broke the framing (a malformed chunk, a connection closed early...).
    #[error("{0}")]
    Read(#[from] hyper::Error),
    #[error("no part of the body arrived for {} ms", .0.as_millis())]
    Idle(Duration),
    #[error("the body was not complete within {} ms", .0.as_millis())]
    Deadline(Duration),
}

impl BodyError {
    /// Whether a timer ran out (the proxy answers 408) rather than the framing broke (400).
    pub fn is_timeout(&self) -> bool {
        matches!(self, BodyError::Idle(_) | BodyError::Deadline(_))
    }
}

/// The two timers a body is read under.
#[derive(Debug, Clone, Copy)]
pub struct Timers {
    /// The longest wait for the next frame.
    pub idle: Duration,
    /// The longest time for the whole body, from the first read.
    pub total: Duration,
}

/// The timers of one body being read: when it must end, and the wait for its next frame.
struct Clock {
    timers: Timers,
    deadline: Instant,
    sleep: Pin<Box<Sleep>>,
}

impl Clock {
    fn start(timers: Timers) -> Clock {
        let now = Instant::now();
        let deadline = now + timers.total;
        Clock {
            timers,
            deadline,
            sleep: Box::pin(tokio::time::sleep_until(deadline.min(now + timers.idle))),
        }
    }

    /// A frame arrived: the idle wait starts again (never past the deadline).
    fn rearm(&mut self) {
        let next = self.deadline.min(Instant::now() + self.timers.idle);
        self.sleep.as_mut().reset(next);
    }

    /// `Ready` with the error once a timer has run out.
    fn poll_expired(&mut self, cx: &mut Context<'_>) -> Poll<BodyError> {
        match self.sleep.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) if Instant::now() >= self.deadline => {
                Poll::Ready(BodyError::Deadline(self.timers.total))
            }
            Poll::Ready(()) => Poll::Ready(BodyError::Idle(self.timers.idle)),
        }
    }
}

/// `Incoming` under optional [`Timers`].
pub struct Timed {
    inner: Incoming,
    clock: Option<Clock>,
}

impl Timed {
    pub fn new(inner: Incoming, timers: Option<Timers>) -> Timed {
        Timed {
            inner,
            clock: timers.map(Clock::start),
        }
    }
}

impl Body for Timed {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                if let Some(clock) = this.clock.as_mut() {
                    clock.rearm();
                }
                Poll::Ready(frame.map(|frame| frame.map_err(BodyError::from)))
            }
            Poll::Pending => match this.clock.as_mut() {
                Some(clock) => clock.poll_expired(cx).map(|error| Some(Err(error))),
                None => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A body on its way through the proxy.
pub enum Forwarded {
    /// Read whole (at most the cap): the bytes, also handed to validation.
    Whole(Bytes),
    /// Over the cap: what was read, then the rest as it arrives (under the same timers).
    Streaming { prefix: Option<Bytes>, rest: Timed },
}

/// Reads `body` until it ends or passes `cap` bytes, or one of `timers` runs out.
pub async fn collect_bounded(mut body: Timed, cap: usize) -> Result<Forwarded, BodyError> {
    let mut buffer = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let frame = frame?;
        if let Ok(data) = frame.into_data() {
            buffer.extend_from_slice(&data);
            if buffer.len() > cap {
                return Ok(Forwarded::Streaming {
                    prefix: Some(buffer.freeze()),
                    rest: body,
                });
            }
        }
    }
    Ok(Forwarded::Whole(buffer.freeze()))
}

impl Body for Forwarded {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        match self.get_mut() {
            Forwarded::Whole(bytes) => {
                if bytes.is_empty() {
                    Poll::Ready(None)
                } else {
                    Poll::Ready(Some(Ok(Frame::data(std::mem::take(bytes)))))
                }
            }
            Forwarded::Streaming { prefix, rest } => {
                if let Some(prefix) = prefix.take() {
                    return Poll::Ready(Some(Ok(Frame::data(prefix))));
                }
                Pin::new(rest).poll_frame(cx)
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Forwarded::Whole(bytes) => bytes.is_empty(),
            Forwarded::Streaming { .. } => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Forwarded::Whole(bytes) => SizeHint::with_exact(bytes.len() as u64),
            Forwarded::Streaming { .. } => SizeHint::default(),
        }
    }
}
