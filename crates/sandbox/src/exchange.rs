//! One request's way through the sandbox, as tests see it: what was received, whether it got
//! past authentication and validation, and whether a stub answers it.
//!
//! Two layers around the generated router. [`record`] (outside the faults and the memory cap)
//! copies the request's body as the handler reads it (within the handler's own limits, so 408
//! and 413 are unchanged), and once it is answered keeps a [`ReceivedRequest`] and counts it
//! toward the expectations. [`scope`] (just around the router) runs the router inside a
//! task-local [`Exchange`]: the generated handler calls the API's behaviour only with
//! authenticated, valid input, and every behaviour begins by taking its state
//! (`Sandbox::state`), which asks [`state_route`]. That first call marks the request valid and
//! chooses a stub; a stubbed request's behaviour runs on a scratch state (its answer is
//! replaced by the stub's), so the real state is untouched.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};

use serde_json::Value;
use server_runtime::axum::{
    body::{Body, Bytes, HttpBody},
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode},
    middleware::Next,
    response::Response,
};

use crate::api::Api;
use crate::control::SANDBOX_PREFIX;
use crate::expectations::Expectations;
use crate::received::{received_bound, RawRequest, Received};
use crate::stubs::{Chosen, Stubs};

/// The most of an error body read for a refused request's findings.
const FINDINGS_BODY_BYTES: usize = 64 * 1024;

/// What a sandbox's tests observe and configure: received requests, expectations, stubs.
#[derive(Debug, Clone)]
pub(crate) struct Observers {
    pub received: Arc<Received>,
    pub expectations: Arc<Expectations>,
    pub stubs: Arc<Stubs>,
}

impl Observers {
    pub(crate) fn new(api: Api) -> Observers {
        Observers {
            received: Arc::new(Received::new(api)),
            expectations: Arc::default(),
            stubs: Arc::default(),
        }
    }
}

/// Which state a behaviour works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StateRoute {
    Real,
    /// A stub answers: the behaviour's answer is discarded, so it must not touch the state.
    Scratch,
}

tokio::task_local! {
    static CURRENT: Arc<Exchange>;
}

/// Called by `Sandbox::state`: marks the request being handled as valid and says which state
/// its behaviour takes. Outside a request (control endpoints, tests): the real one.
pub(crate) fn state_route() -> StateRoute {
    CURRENT
        .try_with(|exchange| exchange.enter())
        .unwrap_or(StateRoute::Real)
}

/// One request on its way.
#[derive(Debug)]
pub(crate) struct Exchange {
    api: Api,
    sequence: u64,
    operation: Option<&'static str>,
    method: Method,
    target: Box<str>,
    headers: Box<[u8]>,
    body: Arc<Mutex<Vec<u8>>>,
    body_bytes: Arc<std::sync::atomic::AtomicUsize>,
    reached: AtomicBool,
    stub: OnceLock<Option<Chosen>>,
    stubs: Arc<Stubs>,
}

impl Exchange {
    fn enter(&self) -> StateRoute {
        self.reached.store(true, Ordering::Relaxed);
        let chosen = self.stub.get_or_init(|| {
            // Most requests have no stub of their operation: no snapshot for them.
            let operation = self.operation?;
            if !self.stubs.any_for(operation) {
                return None;
            }
            let request = self.raw(0, true, Vec::new(), false).view(self.api);
            self.stubs.choose(&request)
        });
        if chosen.is_some() {
            StateRoute::Scratch
        } else {
            StateRoute::Real
        }
    }

    fn stubbed(&self) -> Option<&Chosen> {
        self.stub.get().and_then(Option::as_ref)
    }

    /// The request as received, with its answer.
    fn raw(&self, status: u16, valid: bool, findings: Vec<String>, stubbed: bool) -> RawRequest {
        RawRequest {
            sequence: self.sequence,
            operation: self.operation,
            method: self.method.clone(),
            target: self.target.clone(),
            headers: self.headers.clone(),
            body: self
                .body
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .as_slice()
                .into(),
            body_bytes: self.body_bytes.load(Ordering::Relaxed),
            status,
            valid,
            findings,
            stubbed,
        }
    }
}

/// The outer layer: keeps what was received (bounded by a share of the memory cap,
/// `max_stored_bytes`, read once the request is answered) and counts it toward the expectations.
pub(crate) async fn record(
    api: Api,
    observers: &Observers,
    max_stored_bytes: impl Fn() -> usize,
    max_body_bytes: usize,
    mut request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with(SANDBOX_PREFIX) {
        return next.run(request).await;
    }
    let operation = crate::faults::operation_of_request(api, &mut request);
    let copy = Arc::new(Mutex::new(Vec::new()));
    let copied = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let exchange = Arc::new(Exchange {
        api,
        sequence: observers.received.next_sequence(),
        operation,
        method: request.method().clone(),
        target: request
            .uri()
            .path_and_query()
            .map_or_else(|| request.uri().path(), |target| target.as_str())
            .into(),
        headers: crate::received::header_lines(request.headers()),
        body: Arc::clone(&copy),
        body_bytes: Arc::clone(&copied),
        reached: AtomicBool::new(false),
        stub: OnceLock::new(),
        stubs: Arc::clone(&observers.stubs),
    });
    let (mut parts, body) = request.into_parts();
    parts.extensions.insert(Arc::clone(&exchange));
    let tee = Tee {
        inner: body,
        copy,
        copied,
        // The handler refuses a larger body; one byte more is enough to see it was larger.
        cap: max_body_bytes.saturating_add(1),
    };
    let response = next.run(Request::from_parts(parts, Body::new(tee))).await;
    let status = response.status();
    let reached = exchange.reached.load(Ordering::Relaxed);
    // Refused as the vendor refuses what its spec does not allow: a 4xx before the behaviour
    // (429 is a fault the sandbox injects, not a verdict on the request).
    let refused = !reached && status.is_client_error() && status != StatusCode::TOO_MANY_REQUESTS;
    let (response, findings) = if refused {
        findings(response).await
    } else {
        (response, Vec::new())
    };
    let received = exchange.raw(
        status.as_u16(),
        !refused,
        findings,
        exchange.stubbed().is_some(),
    );
    observers.expectations.observe(&received, api);
    observers
        .received
        .push(received, received_bound(max_stored_bytes()));
    response
}

/// The inner layer: runs the router inside the request's [`Exchange`]; a stubbed request gets
/// the stub's answer, with the headers the spec puts on every response of the operation taken
/// from the API's own answer.
pub(crate) async fn scope(State(api): State<Api>, request: Request, next: Next) -> Response {
    let Some(exchange) = request.extensions().get::<Arc<Exchange>>().cloned() else {
        return next.run(request).await;
    };
    let answered = CURRENT
        .scope(Arc::clone(&exchange), next.run(request))
        .await;
    let (Some(chosen), Some(operation)) = (exchange.stubbed(), exchange.operation) else {
        return answered;
    };
    let mut response = match &chosen.body {
        Some(body) => server_runtime::json_response(
            StatusCode::from_u16(chosen.status).unwrap_or(StatusCode::OK),
            body,
        ),
        None => {
            let mut empty = Response::new(Body::empty());
            *empty.status_mut() = StatusCode::from_u16(chosen.status).unwrap_or(StatusCode::OK);
            empty
        }
    };
    for name in &crate::stub_check::responses(api, operation).every_response_headers {
        let value = answered
            .headers()
            .get(name.as_str())
            .cloned()
            .or_else(|| HeaderValue::from_str(&server_runtime::new_request_id()).ok());
        if let (Ok(name), Some(value)) = (
            server_runtime::axum::http::HeaderName::from_bytes(name.as_bytes()),
            value,
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// The messages of a refused request's error body (every string member named `message`, at
/// any depth; the text itself when there is none), and the response rebuilt.
async fn findings(response: Response) -> (Response, Vec<String>) {
    let (parts, body) = response.into_parts();
    let Ok(bytes) = server_runtime::axum::body::to_bytes(body, FINDINGS_BODY_BYTES).await else {
        return (Response::from_parts(parts, Body::empty()), Vec::new());
    };
    let mut messages = Vec::new();
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(value) => collect_messages(&value, &mut messages),
        Err(_) => messages.push(String::from_utf8_lossy(&bytes).into_owned()),
    }
    if messages.is_empty() && !bytes.is_empty() {
        messages.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    (Response::from_parts(parts, Body::from(bytes)), messages)
}

fn collect_messages(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            for (name, member) in members {
                match (name.as_str(), member) {
                    ("message", Value::String(text)) => out.push(text.clone()),
                    _ => collect_messages(member, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_messages(item, out)),
        _ => {}
    }
}

/// The request body as the handler reads it, a copy of its first `cap` bytes kept aside.
struct Tee {
    inner: Body,
    copy: Arc<Mutex<Vec<u8>>>,
    copied: Arc<std::sync::atomic::AtomicUsize>,
    cap: usize,
}

impl HttpBody for Tee {
    type Data = Bytes;
    type Error = server_runtime::axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled {
            if let Some(data) = frame.data_ref() {
                self.copied.fetch_add(data.len(), Ordering::Relaxed);
                let mut copy = self.copy.lock().unwrap_or_else(|p| p.into_inner());
                let room = self.cap.saturating_sub(copy.len());
                copy.extend_from_slice(&data[..data.len().min(room)]);
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
