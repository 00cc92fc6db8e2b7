//! The retry table, `Retry-After`, timeouts and the tracing span, over loopback against a
//! scripted server. The sleep is injected, so no test waits on the clock for a backoff.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use client_runtime::testing::{OperationSpans, RecordingSleep};
use client_runtime::{ClientOptions, RetryPolicy, Runtime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the scripted server does with one connection.
#[derive(Clone)]
enum Reply {
    Status(u16, &'static [(&'static str, &'static str)]),
    /// Read the request and never answer.
    Stall,
}

/// A loopback server answering each connection with the next scripted reply (the last one
/// repeats), counting requests.
struct Scripted {
    base: String,
    requests: Arc<Mutex<Vec<String>>>,
}

async fn scripted(replies: Vec<Reply>) -> Scripted {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    let mut replies: VecDeque<Reply> = replies.into();
    tokio::spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            let reply = if replies.len() > 1 {
                replies.pop_front().unwrap()
            } else {
                replies.front().unwrap().clone()
            };
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 8192];
                let mut read = 0;
                while !buffer[..read].windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer[read..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => read += n,
                    }
                }
                let head = String::from_utf8_lossy(&buffer[..read]).to_string();
                seen.lock()
                    .unwrap()
                    .push(head.lines().next().unwrap_or_default().to_owned());
                match reply {
                    Reply::Stall => tokio::time::sleep(Duration::from_secs(30)).await,
                    Reply::Status(code, headers) => {
                        let mut response = format!(
                            "HTTP/1.1 {code} X\r\ncontent-length: 2\r\nconnection: close\r\n"
                        );
                        for (name, value) in headers {
                            response.push_str(&format!("{name}: {value}\r\n"));
                        }
                        response.push_str("\r\n{}");
                        let _ = stream.write_all(response.as_bytes()).await;
                    }
                }
            });
        }
    });
    Scripted { base, requests }
}

struct Harness {
    http: reqwest::Client,
    runtime: Runtime,
    sleep: Arc<RecordingSleep>,
}

fn harness(options: ClientOptions) -> Harness {
    let sleep = Arc::new(RecordingSleep::default());
    let options = options.sleep(sleep.clone());
    Harness {
        http: options.http_client(Default::default()).unwrap(),
        runtime: options.runtime("test-api", Some("x-request-id")),
        sleep,
    }
}

impl Harness {
    async fn send(&self, method: reqwest::Method, url: &str) -> reqwest::Result<reqwest::Response> {
        let request = self.http.request(method, url).body("{}").build().unwrap();
        self.runtime
            .execute(&self.http, request, "test_operation")
            .await
    }

    fn waits(&self) -> Vec<Duration> {
        self.sleep.waits()
    }
}

fn attempts(server: &Scripted) -> usize {
    server.requests.lock().unwrap().len()
}

#[tokio::test]
async fn a_get_answered_503_twice_then_200_takes_three_attempts() {
    let server = scripted(vec![
        Reply::Status(503, &[]),
        Reply::Status(503, &[]),
        Reply::Status(200, &[]),
    ])
    .await;
    let harness = harness(ClientOptions::default());
    let response = harness
        .send(reqwest::Method::GET, &format!("{}/users", server.base))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(attempts(&server), 3);
    let waits = harness.waits();
    assert_eq!(waits.len(), 2);
    // Equal jitter: between half and all of 100 ms, then of 200 ms.
    assert!(waits[0] >= Duration::from_millis(50) && waits[0] <= Duration::from_millis(100));
    assert!(waits[1] >= Duration::from_millis(100) && waits[1] <= Duration::from_millis(200));
}

#[tokio::test]
async fn a_429_with_retry_after_waits_what_the_server_asked() {
    let server = scripted(vec![
        Reply::Status(429, &[("retry-after", "1")]),
        Reply::Status(200, &[]),
    ])
    .await;
    let harness = harness(ClientOptions::default());
    let response = harness
        .send(reqwest::Method::POST, &format!("{}/users", server.base))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(attempts(&server), 2, "a POST is retried on 429");
    assert_eq!(harness.waits(), vec![Duration::from_secs(1)]);
}

#[tokio::test]
async fn a_retry_after_above_the_cap_ends_the_retries_with_the_response() {
    let server = scripted(vec![Reply::Status(429, &[("retry-after", "3600")])]).await;
    let harness = harness(ClientOptions::default());
    let response = harness
        .send(reqwest::Method::GET, &format!("{}/users", server.base))
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "3600");
    assert_eq!(attempts(&server), 1);
    assert!(harness.waits().is_empty());
}

#[tokio::test]
async fn a_post_is_not_retried_on_500_unless_the_policy_opts_in() {
    let server = scripted(vec![Reply::Status(500, &[])]).await;
    let harness_default = harness(ClientOptions::default());
    let response = harness_default
        .send(reqwest::Method::POST, &format!("{}/users", server.base))
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    assert_eq!(attempts(&server), 1);

    let opted_in = harness(
        ClientOptions::default().retry(RetryPolicy::standard().retry_post_on_server_error(true)),
    );
    let response = opted_in
        .send(reqwest::Method::POST, &format!("{}/users", server.base))
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    assert_eq!(attempts(&server), 1 + 3);
}

#[tokio::test]
async fn other_4xx_are_not_retried() {
    let server = scripted(vec![Reply::Status(404, &[])]).await;
    let harness = harness(ClientOptions::default());
    let response = harness
        .send(reqwest::Method::GET, &format!("{}/users/x", server.base))
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(attempts(&server), 1);
}

#[tokio::test]
async fn a_get_that_times_out_is_retried_and_a_post_is_not() {
    let options = ClientOptions::default().timeout(Duration::from_millis(200));
    let server = scripted(vec![Reply::Stall, Reply::Status(200, &[])]).await;
    let harness_get = harness(options.clone());
    let response = harness_get
        .send(reqwest::Method::GET, &format!("{}/users", server.base))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(attempts(&server), 2);

    let server = scripted(vec![Reply::Stall, Reply::Status(200, &[])]).await;
    let harness_post = harness(options);
    let error = harness_post
        .send(reqwest::Method::POST, &format!("{}/users", server.base))
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert_eq!(attempts(&server), 1);
}

#[tokio::test]
async fn a_connect_error_is_retried_for_every_method_up_to_the_bound() {
    // A port that was bound and released: nothing listens there.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let harness = harness(ClientOptions::default().retry(RetryPolicy::standard().max_attempts(4)));
    let error = harness
        .send(
            reqwest::Method::POST,
            &format!("http://127.0.0.1:{port}/users"),
        )
        .await
        .unwrap_err();
    assert!(error.is_connect(), "{error}");
    assert_eq!(harness.waits().len(), 3, "four attempts, three waits");
}

#[tokio::test]
async fn each_call_is_one_span_with_operation_status_attempts_and_request_id() {
    let spans = OperationSpans::default();
    let _guard = tracing::subscriber::set_default(spans.clone());
    let harness = harness(ClientOptions::default());
    // A test on another thread may have registered the span with no subscriber: one call, then
    // rebuild tracing's interest cache (see `OperationSpans`).
    let warm_up = scripted(vec![Reply::Status(204, &[])]).await;
    let _ = harness
        .send(reqwest::Method::GET, &format!("{}/warm-up", warm_up.base))
        .await;
    tracing::callsite::rebuild_interest_cache();
    let before = spans.spans().len();
    let server = scripted(vec![
        Reply::Status(503, &[]),
        Reply::Status(201, &[("x-request-id", "req-42")]),
    ])
    .await;
    harness
        .send(reqwest::Method::PUT, &format!("{}/users/7", server.base))
        .await
        .unwrap();
    let recorded = &spans.spans()[before..];
    assert_eq!(recorded.len(), 1, "one span per call, not per attempt");
    let fields = &recorded[0];
    assert_eq!(fields["api"], "test-api");
    assert_eq!(fields["operation_id"], "test_operation");
    assert_eq!(fields["method"], "PUT");
    assert_eq!(fields["path"], "/users/7");
    assert_eq!(fields["status"], "201");
    assert_eq!(fields["attempts"], "2");
    assert_eq!(fields["request_id"], "req-42");
    assert!(fields["latency_ms"].parse::<u64>().is_ok(), "{fields:?}");
}
