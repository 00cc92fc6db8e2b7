//! Where `verify` sends its requests: a running server at a URL, or an axum `Router` called in
//! process (no socket), so that a team's `router(Arc::new(my_impl), config)` is verified inside
//! `cargo test`. Both read at most [`MAX_ANSWER_BYTES`] of an answer.

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::{Method, Request};
use server_runtime::axum::Router;

/// An answer's body is read up to this many bytes; a longer one is a transport error.
pub const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

/// One request as `verify` sends it: the path is below the API's base path (`/users/3?x=1`).
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub method: Method,
    /// Path and query below the base path, already percent-encoded.
    pub path_and_query: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

/// What came back.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The future a [`Target`] returns.
pub type Sending<'a> = Pin<Box<dyn Future<Output = Result<Answer, String>> + Send + 'a>>;

/// Something that answers HTTP requests: implement it to verify anything else (a proxy, a
/// recorded session).
pub trait Target: Send + Sync {
    /// Sends one request and reads its answer (`Err`: why there is none).
    fn send(&self, request: Outgoing) -> Sending<'_>;
    /// Sends one request outside the API's base path (`/_sandbox/state` for a scenario).
    fn send_at_root(&self, request: Outgoing) -> Sending<'_>;
}

/// An axum `Router` called in process through `tower::ServiceExt::oneshot`.
#[derive(Debug, Clone)]
pub struct RouterTarget {
    router: Router,
    base_path: String,
}

impl RouterTarget {
    /// `base_path`: where the router serves the operations (the generated server's
    /// `BASE_PATH`, the path of the spec's first server URL).
    pub fn new(router: Router, base_path: &str) -> RouterTarget {
        RouterTarget {
            router,
            base_path: base_path.trim_end_matches('/').to_owned(),
        }
    }

    fn call(&self, uri: String, request: Outgoing) -> Sending<'_> {
        use tower::ServiceExt;
        let router = self.router.clone();
        Box::pin(async move {
            let request = http_request(uri, request, server_runtime::axum::body::Body::from)?;
            let response = router
                .oneshot(request)
                .await
                .map_err(|e| format!("the router failed: {e}"))?;
            read_answer(response).await
        })
    }
}

impl Target for RouterTarget {
    fn send(&self, request: Outgoing) -> Sending<'_> {
        let uri = format!("{}{}", self.base_path, request.path_and_query);
        self.call(uri, request)
    }

    fn send_at_root(&self, request: Outgoing) -> Sending<'_> {
        let uri = request.path_and_query.clone();
        self.call(uri, request)
    }
}

type HttpClient = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    Full<Bytes>,
>;

/// A server at a URL (`http://127.0.0.1:8080/v1`: the base path included), over HTTP or HTTPS
/// (the system's roots).
pub struct UrlTarget {
    client: HttpClient,
    /// The URL without a trailing `/`.
    base: String,
    /// Scheme and authority: where [`Target::send_at_root`] goes.
    root: String,
}

impl std::fmt::Debug for UrlTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UrlTarget")
            .field("base", &self.base)
            .finish()
    }
}

impl UrlTarget {
    /// Refuses anything but an absolute `http://` or `https://` URL.
    pub fn new(url: &str) -> Result<UrlTarget, String> {
        let uri: hyper::Uri = url
            .parse()
            .map_err(|e| format!("--url {url}: not a URL: {e}"))?;
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return Err(format!(
                "--url {url}: give an absolute http:// or https:// URL"
            ));
        };
        if scheme != "http" && scheme != "https" {
            return Err(format!("--url {url}: only http and https are supported"));
        }
        if uri.query().is_some() {
            return Err(format!("--url {url}: give the base URL without a query"));
        }
        let client = crate::proxy::upstream::client(
            None,
            crate::proxy::upstream::Pool {
                idle_timeout: std::time::Duration::from_secs(4),
                max_idle_per_host: 4,
            },
        )?;
        Ok(UrlTarget {
            client,
            base: url.trim_end_matches('/').to_owned(),
            root: format!("{scheme}://{authority}"),
        })
    }

    fn call(&self, uri: String, request: Outgoing) -> Sending<'_> {
        Box::pin(async move {
            let request = http_request(uri, request, |body| Full::new(Bytes::from(body)))?;
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| format!("no answer: {e}"))?;
            read_answer(response).await
        })
    }
}

impl Target for UrlTarget {
    fn send(&self, request: Outgoing) -> Sending<'_> {
        let uri = format!("{}{}", self.base, request.path_and_query);
        self.call(uri, request)
    }

    fn send_at_root(&self, request: Outgoing) -> Sending<'_> {
        let uri = format!("{}{}", self.root, request.path_and_query);
        self.call(uri, request)
    }
}

/// `request` as an HTTP request to `uri`, its body built by `body` (each target's body type).
fn http_request<B>(
    uri: String,
    request: Outgoing,
    body: impl FnOnce(Vec<u8>) -> B,
) -> Result<Request<B>, String> {
    let mut builder = Request::builder().method(request.method).uri(uri);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    builder
        .body(body(request.body.unwrap_or_default()))
        .map_err(|e| e.to_string())
}

/// An answer with its body read, up to [`MAX_ANSWER_BYTES`].
async fn read_answer<B>(response: hyper::Response<B>) -> Result<Answer, String>
where
    B: hyper::body::Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let (parts, body) = response.into_parts();
    let body = Limited::new(body, MAX_ANSWER_BYTES)
        .collect()
        .await
        .map_err(|e| format!("reading the answer: {e}"))?
        .to_bytes();
    Ok(Answer {
        status: parts.status.as_u16(),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    })
}
