//! Reading a body for validation without holding more than the cap: up to `cap` bytes are
//! collected; a longer body is forwarded as the collected prefix followed by the rest, streamed,
//! and is reported as not validated.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};

/// A body on its way through the proxy.
pub enum Forwarded {
    /// Read whole (at most the cap): the bytes, also handed to validation.
    Whole(Bytes),
    /// Over the cap: what was read, then the rest as it arrives.
    Streaming {
        prefix: Option<Bytes>,
        rest: Incoming,
    },
}

/// Reads `body` until it ends or passes `cap` bytes.
pub async fn collect_bounded(mut body: Incoming, cap: usize) -> Result<Forwarded, hyper::Error> {
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
    type Error = hyper::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
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
