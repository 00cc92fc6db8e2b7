//! `conformance proxy`: a validating HTTP proxy in front of one API.
//!
//! Every request is forwarded to the upstream and the answer back, byte for byte, but for what a
//! proxy must change (hop-by-hop headers; `Host` names the upstream). Both bodies are read whole
//! up to `--max-body-bytes` (a longer one is forwarded as it arrives and counted as not
//! validated), and each exchange is handed, after its response is on its way, to the validation
//! thread ([`findings`]), which reports in the three classes. The queue between them is bounded
//! by count (`--queue`) and by bytes (`--queue-bytes`); an exchange that finds it full is
//! forwarded all the same and counted as dropped, never waited for. Compressed bodies are
//! forwarded as they are and decoded only to validate them. An unreachable upstream answers 502, one slower
//! than `--upstream-timeout` 504. `GET /_conformance/summary` returns the counts; Ctrl-C or
//! SIGTERM prints them and exits 1 when something failed.
//!
//! The proxy is served by [`server_runtime::serve::serve_service`], like every server of the
//! project: a connection cap (`--max-connections`), a header-read timeout, a bounded shutdown
//! and a pause after `accept` errors. A request body is read under an idle timer and a
//! deadline ([`body::Timers`]); one that runs out is answered `408 request_timeout` with
//! `Connection: close`, and a body whose framing is broken (a malformed chunk) `400
//! bad_request`: both are the client's doing, never the upstream's `502`.

pub mod body;
pub mod findings;
pub mod upstream;

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::Incoming;
use hyper::header::{HeaderMap, HeaderName, HeaderValue, CONNECTION, CONTENT_TYPE, HOST};
use hyper::{Request, Response, StatusCode, Uri};
use serde::Serialize;

use server_runtime::serve::ServeOptions;
use spec_model::redact::Redaction;

use body::{collect_bounded, BodyError, Forwarded, Timed, Timers};
use findings::{Seen, Summary, Worker};

/// Where the summary is served (outside every API's paths: no spec has a `/_conformance` path).
pub const SUMMARY_PATH: &str = "/_conformance/summary";

/// How the proxy runs.
#[derive(Debug, Clone)]
pub struct Config {
    pub spec: PathBuf,
    /// `http://host:port[/base]` or `https://...`.
    pub upstream: String,
    pub listen: SocketAddr,
    pub record: Option<PathBuf>,
    pub strict: bool,
    pub upstream_ca: Option<PathBuf>,
    pub timeout: Duration,
    pub max_body_bytes: usize,
    /// Exchanges waiting for validation at most; more are forwarded and counted as dropped.
    pub queue: usize,
    /// Bytes (bodies, headers and targets) waiting for validation at most, whatever their
    /// count: what bounds the proxy's memory when validation falls behind.
    pub queue_bytes: usize,
    /// Round-trip bodies through the generated types (loss findings).
    pub round_trip: bool,
    /// The timers a request body is read under.
    pub body_timers: Timers,
    /// The upstream connection pool's bounds.
    pub pool: upstream::Pool,
    /// Client connections served at once (more wait in the listen backlog).
    pub max_connections: usize,
    /// JSON pointers into bodies redacted in the recording and the log lines, beyond what the
    /// spec marks secret ([`spec_model::redact`]).
    pub redact: Vec<String>,
}

struct State {
    upstream: Uri,
    client: upstream::UpstreamClient,
    timeout: Duration,
    max_body_bytes: usize,
    body_timers: Timers,
    /// Each exchange with its [`findings::Forwarded::queued_bytes`], computed once.
    queue: SyncSender<(usize, findings::Forwarded)>,
    /// What waits in `queue`; the validation thread takes each exchange off when it is done.
    backlog: Arc<Backlog>,
    queue_bytes: usize,
    summary: Arc<Mutex<Summary>>,
    strict: bool,
}

/// Headers that belong to one connection, never forwarded (RFC 9110 section 7.6.1).
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    for name in named {
        headers.remove(name);
    }
    for name in HOP_BY_HOP {
        headers.remove(*name);
    }
}

fn header_list(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// The body of an answer the proxy gives itself instead of the upstream's.
#[derive(Serialize)]
struct ErrorBody {
    error: &'static str,
    message: String,
}

impl ErrorBody {
    fn new(error: &'static str, message: String) -> Self {
        ErrorBody { error, message }
    }
}

/// A response the proxy makes itself (summary, 502, 504), JSON.
fn local(status: StatusCode, body: &impl Serialize) -> Response<Forwarded> {
    let text = serde_json::to_string(body).unwrap_or_default();
    let mut response = Response::new(Forwarded::Whole(Bytes::from(text)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn upstream_uri(base: &Uri, target: &str) -> Result<Uri, String> {
    let base_path = base.path().trim_end_matches('/');
    let mut parts = base.clone().into_parts();
    parts.path_and_query = Some(
        format!("{base_path}{target}")
            .parse()
            .map_err(|e| format!("{target}: {e}"))?,
    );
    Uri::from_parts(parts).map_err(|e| e.to_string())
}

async fn handle(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<Forwarded>, Infallible> {
    if request.uri().path() == SUMMARY_PATH && request.method() == hyper::Method::GET {
        // The backlog first: the validation thread counts an exchange in the summary before it
        // takes it off the backlog, so `queued: 0` read first means the summary holds them all.
        let queued = state.backlog.exchanges.load(Ordering::Acquire);
        let queued_bytes = state.backlog.bytes.load(Ordering::Acquire);
        let summary = state
            .summary
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let document = summary.document(state.strict, queued, queued_bytes);
        return Ok(local(StatusCode::OK, &document));
    }
    let (mut parts, body) = request.into_parts();
    let target = parts
        .uri
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    let request_headers = header_list(&parts.headers);
    let bad_gateway = |message: String| {
        Ok(local(
            StatusCode::BAD_GATEWAY,
            &ErrorBody::new("bad_gateway", message),
        ))
    };
    let request_body = match collect_bounded(
        Timed::new(body, Some(state.body_timers)),
        state.max_body_bytes,
    )
    .await
    {
        Ok(body) => body,
        Err(error) => return Ok(unreadable_request(&error)),
    };
    let request_seen = match &request_body {
        Forwarded::Whole(bytes) => Seen::Bytes(bytes.clone()),
        Forwarded::Streaming { .. } => Seen::TooLarge,
    };
    parts.uri = match upstream_uri(&state.upstream, &target) {
        Ok(uri) => uri,
        Err(error) => return bad_gateway(error),
    };
    strip_hop_by_hop(&mut parts.headers);
    parts.headers.remove(HOST);
    parts.version = hyper::Version::HTTP_11;
    let method = parts.method.to_string();
    let response = match tokio::time::timeout(
        state.timeout,
        send_with_one_retry(&state.client, parts, request_body),
    )
    .await
    {
        Err(_) => {
            return Ok(local(
                StatusCode::GATEWAY_TIMEOUT,
                &ErrorBody::new(
                    "gateway_timeout",
                    format!(
                        "the upstream did not answer within {} ms",
                        state.timeout.as_millis()
                    ),
                ),
            ))
        }
        Ok(Err(error)) => {
            let mut message = error.to_string();
            let mut source = std::error::Error::source(&error);
            while let Some(inner) = source {
                message.push_str(&format!(": {inner}"));
                source = inner.source();
            }
            return bad_gateway(format!("the upstream cannot be reached: {message}"));
        }
        Ok(Ok(response)) => response,
    };
    let (mut parts, body) = response.into_parts();
    let response_body = match tokio::time::timeout(
        state.timeout,
        collect_bounded(Timed::new(body, None), state.max_body_bytes),
    )
    .await
    {
        Ok(Ok(body)) => body,
        Ok(Err(error)) => return bad_gateway(format!("reading the upstream's body: {error}")),
        Err(_) => {
            return Ok(local(
                StatusCode::GATEWAY_TIMEOUT,
                &ErrorBody::new("gateway_timeout", "the upstream's body stalled".to_owned()),
            ))
        }
    };
    let seen = findings::Forwarded {
        method,
        target,
        status: parts.status.as_u16(),
        request_headers,
        response_headers: header_list(&parts.headers),
        request_body: request_seen,
        response_body: match &response_body {
            Forwarded::Whole(bytes) => Seen::Bytes(bytes.clone()),
            Forwarded::Streaming { .. } => Seen::TooLarge,
        },
    };
    if !enqueue(&state, seen) {
        state
            .summary
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .dropped += 1;
    }
    strip_hop_by_hop(&mut parts.headers);
    Ok(Response::from_parts(parts, response_body))
}

/// The answer to a request whose body could not be read: the client's doing, so 408 when it
/// stalled (the connection is closed: the rest of the body is not waited for) and 400 when its
/// framing is broken.
fn unreadable_request(error: &BodyError) -> Response<Forwarded> {
    if error.is_timeout() {
        let mut response = local(
            StatusCode::REQUEST_TIMEOUT,
            &ErrorBody::new(
                "request_timeout",
                format!("reading the request body: {error}"),
            ),
        );
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
        return response;
    }
    local(
        StatusCode::BAD_REQUEST,
        &ErrorBody::new("bad_request", format!("reading the request body: {error}")),
    )
}

/// Sends the request; sends it once more when it failed in a way [`upstream::retryable`] allows
/// and its body is whole in memory (a streamed body is already spent).
async fn send_with_one_retry(
    client: &upstream::UpstreamClient,
    parts: hyper::http::request::Parts,
    body: Forwarded,
) -> Result<Response<Incoming>, hyper_util::client::legacy::Error> {
    let again = match &body {
        Forwarded::Whole(bytes) => {
            let mut copy = Request::new(Forwarded::Whole(bytes.clone()));
            *copy.method_mut() = parts.method.clone();
            *copy.uri_mut() = parts.uri.clone();
            *copy.version_mut() = parts.version;
            *copy.headers_mut() = parts.headers.clone();
            Some(copy)
        }
        Forwarded::Streaming { .. } => None,
    };
    let method = parts.method.clone();
    match client.request(Request::from_parts(parts, body)).await {
        Err(error) if upstream::retryable(&method, &error) => match again {
            Some(again) => client.request(again).await,
            None => Err(error),
        },
        result => result,
    }
}

/// What waits for validation: exchanges and their [`findings::Forwarded::queued_bytes`]
/// (served in the summary as `queued` and `queued_bytes`).
#[derive(Debug, Default)]
struct Backlog {
    exchanges: AtomicUsize,
    bytes: AtomicUsize,
}

/// Hands an exchange to the validation thread unless the queue is full by count or by bytes:
/// then it is dropped (the caller counts it), so that validation falling behind never holds
/// more than `--queue-bytes` nor slows forwarding.
fn enqueue(state: &State, exchange: findings::Forwarded) -> bool {
    let bytes = exchange.queued_bytes();
    let reserved =
        state
            .backlog
            .bytes
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |queued| {
                queued
                    .checked_add(bytes)
                    .filter(|total| *total <= state.queue_bytes)
            });
    if reserved.is_err() {
        return false;
    }
    // Counted before the send, so that the count never goes below zero when the validation
    // thread takes the exchange at once.
    state.backlog.exchanges.fetch_add(1, Ordering::AcqRel);
    match state.queue.try_send((bytes, exchange)) {
        Ok(()) => true,
        Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
            state.backlog.exchanges.fetch_sub(1, Ordering::AcqRel);
            state.backlog.bytes.fetch_sub(bytes, Ordering::AcqRel);
            false
        }
    }
}

/// Runs the proxy until Ctrl-C or SIGTERM; prints the summary to `stdout`, findings to
/// `stderr`. Returns the exit code: 0 passes, 1 something failed.
pub fn run(
    config: Config,
    stdout: &mut dyn Write,
    stderr: Box<dyn Write + Send>,
) -> Result<i32, String> {
    let spec = spec_model::load(&config.spec).map_err(|e| e.to_string())?;
    let upstream: Uri = config
        .upstream
        .parse()
        .map_err(|e| format!("--upstream {}: {e}", config.upstream))?;
    if !matches!(upstream.scheme_str(), Some("http" | "https")) || upstream.host().is_none() {
        return Err(format!(
            "--upstream {}: give http://HOST[:PORT][/BASE] or https://...",
            config.upstream
        ));
    }
    let client: upstream::UpstreamClient =
        upstream::client(config.upstream_ca.as_deref(), config.pool)?;
    let mut redaction = Redaction::from_spec(&spec);
    for pointer in &config.redact {
        if !pointer.starts_with('/') {
            return Err(format!(
                "--redact {pointer}: give a JSON pointer into a body, such as /data/password"
            ));
        }
        redaction = redaction.with_pointer(pointer.clone());
    }
    let redaction_list = redaction.describe();
    let record = match &config.record {
        Some(path) => Some(Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).map_err(|e| format!("--record {}: {e}", path.display()))?,
        )) as Box<dyn Write + Send>),
        None => None,
    };
    let summary = Arc::new(Mutex::new(Summary::default()));
    let (sender, receiver) = sync_channel::<(usize, findings::Forwarded)>(config.queue.max(1));
    let backlog = Arc::new(Backlog::default());
    let worker_backlog = Arc::clone(&backlog);
    let worker_summary = Arc::clone(&summary);
    let max_body_bytes = config.max_body_bytes;
    let round_trip = config.round_trip;
    // Compile every schema before the first request, so that a broken spec fails at start.
    crate::validate::Validator::new(spec.clone())
        .compile_all()
        .map_err(|e| e.to_string())?;
    let worker = std::thread::Builder::new()
        .name("conformance-validate".into())
        .spawn(move || {
            yield_to_forwarding();
            static TYPES: crate::GeneratedTypes = crate::GeneratedTypes;
            let validator = crate::validate::Validator::new(spec)
                .with_types(round_trip.then_some(&TYPES as &dyn crate::TypedRoundTrip));
            let mut worker = Worker {
                validator,
                summary: worker_summary,
                log: stderr,
                record,
                max_body_bytes,
                sequence: 0,
                redaction,
            };
            for (bytes, exchange) in receiver {
                worker.handle(exchange);
                worker_backlog.bytes.fetch_sub(bytes, Ordering::AcqRel);
                worker_backlog.exchanges.fetch_sub(1, Ordering::AcqRel);
            }
            if let Some(record) = worker.record.as_mut() {
                let _ = record.flush();
            }
            worker.log
        })
        .map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let state = Arc::new(State {
        upstream,
        client,
        timeout: config.timeout,
        max_body_bytes: config.max_body_bytes,
        body_timers: config.body_timers,
        queue: sender,
        backlog,
        queue_bytes: config.queue_bytes,
        summary: Arc::clone(&summary),
        strict: config.strict,
    });
    let listen = config.listen;
    let served: Result<(), String> = runtime.block_on(async move {
        let listener = server_runtime::serve::bind(listen)
            .map_err(|e| format!("--listen {listen}: {e}"))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        eprintln!("conformance proxy: listening on {address}");
        for line in &redaction_list {
            eprintln!("conformance proxy: redacted in the recording and the log: {line}");
        }
        if config.queue_bytes < config.max_body_bytes.saturating_mul(2) {
            eprintln!(
                "conformance proxy: warning: --queue-bytes {} is under twice --max-body-bytes {}: an exchange larger than the queue's bound is never validated (counted as dropped)",
                config.queue_bytes, config.max_body_bytes
            );
        }
        let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .map_err(|e| e.to_string())?;
        let stopped = async move {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
        };
        let service =
            hyper::service::service_fn(move |request| handle(Arc::clone(&state), request));
        let options = ServeOptions::new()
            .with_max_connections(config.max_connections)
            // In-flight requests get the time to finish, but a shutdown never waits longer.
            .with_shutdown_grace(Duration::from_secs(2));
        server_runtime::serve::serve_service(listener, service, options, stopped)
            .await
            .map_err(|e| e.to_string())
    });
    // In-flight connections hold the last senders; stop them, then let validation drain.
    runtime.shutdown_timeout(Duration::from_secs(2));
    served?;
    let mut log = worker
        .join()
        .map_err(|_| "the validation thread panicked".to_owned())?;
    let _ = log.flush();
    let summary = summary.lock().unwrap_or_else(|e| e.into_inner()).clone();
    stdout
        .write_all(findings::summary_text(&summary, config.strict).as_bytes())
        .map_err(|e| e.to_string())?;
    let _ = stdout.flush();
    Ok(if summary.passes(config.strict) { 0 } else { 1 })
}

/// Validation runs off the response path; where it competes with forwarding for the cores (a
/// proxy beside its upstream and the test suite on a small CI machine), forwarding goes first.
/// On Linux each thread has its own scheduling policy: under `SCHED_IDLE` the validation thread
/// gets a tiny share of a busy core (weight 3 against 1,024) and a forwarding thread that wakes
/// preempts it at once (a nice value only lowers its share, and a woken thread may still wait
/// out its slice). What it cannot validate meanwhile waits in the bounded queue.
/// Nice 19 is the fallback where the policy is refused; a failure of both leaves the thread at
/// its priority, which is only slower.
#[cfg(target_os = "linux")]
fn yield_to_forwarding() {
    // SAFETY: `sched_param` is plain integers, for which zero is valid (musl has more fields
    // than `sched_priority`, all zero here); both calls read their arguments only; `0` names
    // the calling thread.
    let parameters: libc::sched_param = unsafe { std::mem::zeroed() };
    let idle = unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &parameters) };
    if idle != 0 {
        let _ = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 19) };
    }
}

#[cfg(not(target_os = "linux"))]
fn yield_to_forwarding() {}
