//! Shared helpers of the workspace-level tests: paths, the specs' examples, a recording HTTP
//! server on loopback, and serving an axum router on an ephemeral loopback port.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use server_runtime::axum::{
    self,
    body::Bytes,
    extract::Request,
    http::{HeaderMap, Method, StatusCode},
    response::{IntoResponse, Response},
    Router,
};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_owned()
}

/// The spec directory, `spec/`.
pub fn spec_dir() -> PathBuf {
    workspace_root().join("spec")
}

/// A spec as JSON.
pub fn spec_json(api: &str) -> Value {
    spec_model::load(spec_dir().join(format!("{api}.yaml")))
        .expect("spec loads")
        .document
}

/// The value at a JSON pointer of a spec (for example an example's `value`).
pub fn spec_value(api: &str, pointer: &str) -> Value {
    spec_json(api)
        .pointer(pointer)
        .unwrap_or_else(|| panic!("{api}: nothing at {pointer}"))
        .clone()
}

/// A sample file of `spec/samples/`, parsed.
pub fn sample(path: &str) -> Value {
    let text = std::fs::read_to_string(workspace_root().join("spec/samples").join(path)).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Serves a router on an ephemeral loopback port, as every server of the project is served
/// ([`server_runtime::serve`]); returns `http://127.0.0.1:PORT`.
pub async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let options = server_runtime::serve::ServeOptions::default();
        let _ =
            server_runtime::serve::serve(listener, router, options, std::future::pending()).await;
    });
    format!("http://{addr}")
}

/// One request as the recording server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: Method,
    pub path: String,
    /// The query string's pairs, in order.
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON (`Null` when empty).
    pub fn json(&self) -> Value {
        if self.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&self.body).expect("the request body is JSON")
        }
    }
}

/// What the recording server answers.
#[derive(Debug, Clone)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Option<Value>,
}

impl Canned {
    pub fn json(status: u16, body: Value) -> Self {
        Canned {
            status,
            headers: Vec::new(),
            body: Some(body),
        }
    }

    pub fn empty(status: u16) -> Self {
        Canned {
            status,
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

type Responder = dyn Fn(&Recorded) -> Canned + Send + Sync;

/// A loopback HTTP server that records every request and answers from a closure.
#[derive(Clone)]
pub struct Recorder {
    pub base_url: String,
    seen: Arc<Mutex<Vec<Recorded>>>,
}

impl Recorder {
    /// Answers every request with `answer(request)`.
    pub async fn start(answer: impl Fn(&Recorded) -> Canned + Send + Sync + 'static) -> Self {
        let seen: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let answer: Arc<Responder> = Arc::new(answer);
        let log = Arc::clone(&seen);
        let router = Router::new().fallback(move |request: Request| {
            let log = Arc::clone(&log);
            let answer = Arc::clone(&answer);
            async move {
                let (parts, body) = request.into_parts();
                let body = axum::body::to_bytes(body, 1 << 20)
                    .await
                    .unwrap_or_default();
                let recorded = Recorded {
                    method: parts.method.clone(),
                    path: parts.uri.path().to_owned(),
                    query: parts
                        .uri
                        .query()
                        .map(|q| {
                            q.split('&')
                                .filter(|p| !p.is_empty())
                                .map(|pair| {
                                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                                    (decode(k), decode(v))
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    headers: parts.headers.clone(),
                    body,
                };
                let canned = answer(&recorded);
                log.lock().unwrap().push(recorded);
                respond(canned)
            }
        });
        let base_url = serve(router).await;
        Recorder { base_url, seen }
    }

    /// Answers every request with the same response.
    pub async fn always(canned: Canned) -> Self {
        Self::start(move |_| canned.clone()).await
    }

    /// The requests seen so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.seen.lock().unwrap().clone()
    }

    /// The only request seen (panics unless there was exactly one).
    pub fn single(&self) -> Recorded {
        let seen = self.requests();
        assert_eq!(seen.len(), 1, "expected one request, saw {seen:#?}");
        seen.into_iter().next().unwrap()
    }
}

fn respond(canned: Canned) -> Response {
    let status = StatusCode::from_u16(canned.status).unwrap();
    let mut response = match canned.body {
        Some(body) => (
            status,
            [("content-type", "application/json")],
            serde_json::to_vec(&body).unwrap(),
        )
            .into_response(),
        None => status.into_response(),
    };
    for (name, value) in canned.headers {
        response.headers_mut().insert(
            axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    response
}

/// Percent-decoding of a query component (`+` is a space).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A response read in full by [`raw`].
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    /// The body as JSON (`Null` when empty or not JSON).
    pub body: Value,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Sends exactly the request given (for input a typed client cannot produce).
pub async fn raw(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> RawResponse {
    let client = reqwest::Client::new();
    let mut request = client.request(method.parse().unwrap(), url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.body(body.to_vec());
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    RawResponse {
        status,
        headers,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

/// Whether a text is a uuid (8-4-4-4-12 hex digits).
pub fn is_uuid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && parts
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
}
