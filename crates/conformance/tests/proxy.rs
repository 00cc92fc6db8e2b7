//! `conformance proxy` end to end over loopback: the binary in front of the sandbox and in front
//! of a deliberately wrong upstream written here (plain and HTTPS with a test CA).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A running proxy: its address, and the process to stop.
struct Proxy {
    child: Child,
    addr: SocketAddr,
    stderr: BufReader<std::process::ChildStderr>,
}

impl Proxy {
    fn start(api: &str, upstream: &str, extra: &[&str]) -> Proxy {
        let spec = common::spec_path(api);
        let mut child = Command::new(env!("CARGO_BIN_EXE_conformance"))
            .args([
                "proxy",
                "--spec",
                spec.to_str().unwrap(),
                "--upstream",
                upstream,
            ])
            .args(["--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the proxy starts");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .strip_prefix("conformance proxy: listening on ")
            .unwrap_or_else(|| panic!("first line: {line}"))
            .parse()
            .unwrap();
        Proxy {
            child,
            addr,
            stderr,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// SIGTERM; returns the exit code, the summary (stdout) and the finding lines (stderr).
    fn stop(mut self) -> (i32, String, String) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let code = self
            .child
            .wait()
            .unwrap()
            .code()
            .expect("exited, not killed");
        let mut out = String::new();
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        let mut err = String::new();
        self.stderr.read_to_string(&mut err).unwrap();
        (code, out, err)
    }
}

/// The summary once validation has caught up: every exchange answered so far was queued before
/// its answer left, and the validation thread (at the lowest CPU priority) may still be on it.
async fn summary(proxy: &Proxy) -> Value {
    let started = std::time::Instant::now();
    loop {
        let summary: Value = reqwest::get(proxy.url("/_conformance/summary"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if summary["queued"] == 0 {
            return summary;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "validation did not catch up within 30 s: {summary}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn instabot_user(extra: Value) -> Value {
    let mut user = json!({
        "apiStatusCode": "Success",
        "data": {
            "email": "user1@example.com", "phone": null, "photoFile": null,
            "firstLoginTime": null, "lastLoginTime": null, "name": "User First",
            "objectId": 322673814, "username": "user1", "userType": "general",
            "createDate": "2016-12-26T21:05:47.1064Z", "description": "Sample users"
        }
    });
    if let Value::Object(members) = extra {
        for (key, value) in members {
            user["data"][key] = value;
        }
    }
    user
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// A canned answer: status, extra headers, body.
type Answer = (u16, Vec<(&'static str, String)>, Vec<u8>);

/// The wrong upstream's answer for a request path (`None`: it never answers).
fn wrong_answer(path: &str) -> Option<Answer> {
    let json_type = ("content-type", "application/json".to_owned());
    Some(match path {
        "/v1/users/1" => (
            200,
            vec![json_type],
            instabot_user(json!({"nickname": "u1"}))
                .to_string()
                .into_bytes(),
        ),
        "/v1/users/2" => (
            200,
            vec![json_type],
            instabot_user(json!({"objectId": "not a number"}))
                .to_string()
                .into_bytes(),
        ),
        "/v1/users/3" => (418, vec![json_type], b"{\"teapot\": true}".to_vec()),
        "/v1/users/4" => (
            200,
            vec![json_type, ("content-encoding", "gzip".to_owned())],
            gzip(instabot_user(json!({"gzipped": 1})).to_string().as_bytes()),
        ),
        "/v1/users/5" => {
            let mut user = instabot_user(json!({}));
            user["data"]["description"] = json!("x".repeat(4096));
            (200, vec![json_type], user.to_string().into_bytes())
        }
        // Invalid UTF-8 inside a string of an otherwise valid body.
        "/v1/users/6" => {
            let text = instabot_user(json!({}))
                .to_string()
                .replace("User First", "User \u{1}");
            let bytes = text
                .into_bytes()
                .into_iter()
                .map(|b| if b == 1 { 0xff } else { b })
                .collect();
            (200, vec![json_type], bytes)
        }
        // Two gzip members: a reader of the first alone sees half a body.
        "/v1/users/7" => {
            let text = instabot_user(json!({"secondMember": 1})).to_string();
            let (first, second) = text.split_at(text.len() / 2);
            let mut bytes = gzip(first.as_bytes());
            bytes.extend(gzip(second.as_bytes()));
            (
                200,
                vec![json_type, ("content-encoding", "gzip".to_owned())],
                bytes,
            )
        }
        // `data` twice: serde_json alone keeps the last, which is a valid user.
        "/v1/users/8" => {
            let user = instabot_user(json!({}));
            let text = format!(
                "{{\"apiStatusCode\":\"Success\",\"data\":\"x\",\"data\":{}}}",
                user["data"]
            );
            (200, vec![json_type], text.into_bytes())
        }
        "/v1/users/stall" => return None,
        _ => (404, vec![json_type], b"{}".to_vec()),
    })
}

/// Serves `wrong_answer` on a raw socket (one request per connection), plain or through `tls`.
async fn wrong_upstream(tls: Option<tokio_rustls::TlsAcceptor>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let tls = tls.clone();
            tokio::spawn(async move {
                match tls {
                    Some(acceptor) => {
                        if let Ok(stream) = acceptor.accept(stream).await {
                            answer(stream).await;
                        }
                    }
                    None => answer(stream).await,
                }
            });
        }
    });
    addr
}

/// A request's head, read a byte at a time (so that nothing of the next request is taken);
/// `None` when the connection ends first.
async fn read_head<S: tokio::io::AsyncRead + Unpin>(stream: &mut S) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.unwrap_or(0) == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    Some(head)
}

async fn answer<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(mut stream: S) {
    let Some(head) = read_head(&mut stream).await else {
        return;
    };
    let text = String::from_utf8_lossy(&head);
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let Some((status, headers, body)) = wrong_answer(&path) else {
        tokio::time::sleep(Duration::from_secs(30)).await;
        return;
    };
    let mut response = format!(
        "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\nrequest-id: req-{}\r\n",
        body.len(),
        path.rsplit('/').next().unwrap()
    );
    for (name, value) in headers {
        response.push_str(&format!("{name}: {value}\r\n"));
    }
    response.push_str("\r\n");
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.write_all(&body).await;
    let _ = stream.shutdown().await;
}

fn tls_acceptor() -> tokio_rustls::TlsAcceptor {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let dir = common::fixture("tls");
    let certs = CertificateDer::pem_file_iter(dir.join("server.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_front_of_the_sandbox_everything_conforms_and_the_recording_replays_alike() {
    let sandbox = sandbox::TestSandbox::start(sandbox::Api::Instabot)
        .await
        .unwrap();
    // Requests the spec refuses are sent on purpose.
    sandbox.allow_invalid_requests();
    let record =
        std::env::temp_dir().join(format!("conformance-proxy-{}.ndjson", std::process::id()));
    let proxy = Proxy::start(
        "instabot",
        &format!("http://{}", sandbox.addr()),
        &["--record", record.to_str().unwrap()],
    );
    let client = reqwest::Client::new();
    let authed = |request: reqwest::RequestBuilder| {
        request
            .header("X-Instabot-Api-Key", "demo-api-key")
            .header("Authorization", "X-Instabot-Master-Api-Key demo-master-key")
    };
    let list = authed(client.get(proxy.url("/v1/users?limit=2")))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
    let direct = authed(client.get(format!("http://{}/v1/users?limit=2", sandbox.addr())))
        .send()
        .await
        .unwrap();
    let (proxied, direct) = (list.bytes().await.unwrap(), direct.bytes().await.unwrap());
    assert_eq!(proxied, direct, "the client receives the upstream's bytes");
    for path in [
        "/v1/users/322673814",
        "/v1/users/999",
        "/v1/users/lastUpdated?since=2016-01-01T00:00:00Z",
    ] {
        authed(client.get(proxy.url(path))).send().await.unwrap();
    }
    // Unauthenticated: the documented 401.
    client.get(proxy.url("/v1/users/1")).send().await.unwrap();
    let summary = summary(&proxy).await;
    assert_eq!(summary["totals"]["exchanges"], 5, "{summary}");
    assert_eq!(summary["passes"], true, "{summary}");
    let (code, out, err) = proxy.stop();
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("conformance proxy: 5 exchanges: 0 violation, 0 undocumented, 0 loss"),
        "{out}"
    );
    let recording = std::fs::read_to_string(&record).unwrap();
    assert_eq!(recording.lines().count(), 5);
    assert!(
        !recording.contains("demo-api-key") && !recording.contains("demo-master-key"),
        "{recording}"
    );
    assert!(
        recording.contains("\"x-instabot-api-key\":\"[redacted]\""),
        "{recording}"
    );
    // The recording replays through `traffic` to the same verdicts.
    let (code, out, err) = common::cli(
        &[
            "traffic",
            "--spec",
            common::spec_path("instabot").to_str().unwrap(),
            record.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("5 exchanges: 5 conform"), "{out}");
    std::fs::remove_file(&record).ok();
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_upstream_is_reported_in_classes_and_forwarded_unchanged() {
    let upstream = wrong_upstream(None).await;
    let proxy = Proxy::start(
        "instabot",
        &format!("http://{upstream}"),
        &["--max-body-bytes", "2048", "--upstream-timeout-ms", "500"],
    );
    let client = reqwest::Client::new();
    for n in 1..=5 {
        let response = client
            .get(proxy.url(&format!("/v1/users/{n}")))
            .send()
            .await
            .unwrap();
        let (status, _, body) = wrong_answer(&format!("/v1/users/{n}")).unwrap();
        assert_eq!(response.status().as_u16(), status);
        if n == 4 {
            assert_eq!(response.headers()["content-encoding"], "gzip");
        }
        assert_eq!(
            response.bytes().await.unwrap().as_ref(),
            &body[..],
            "users/{n} unchanged"
        );
    }
    let stalled = client
        .get(proxy.url("/v1/users/stall"))
        .send()
        .await
        .unwrap();
    assert_eq!(stalled.status(), 504);
    let summary = summary(&proxy).await;
    let get_user = &summary["operations"]["get_user"];
    assert_eq!(get_user["exchanges"], 5, "{summary}");
    assert_eq!(get_user["undocumented"], 2, "{summary}"); // nickname, gzipped
    assert_eq!(get_user["violation"], 2, "{summary}"); // wrong type, status 418
    assert_eq!(get_user["not_validated"], 1, "{summary}"); // over the cap
    let (code, out, err) = proxy.stop();
    assert_eq!(code, 1, "a violation fails the run: {out}{err}");
    for line in [
        "GET /v1/users/1 -> 200: get_user response undocumented /data/nickname",
        "GET /v1/users/2 -> 200: get_user response violation /data/objectId",
        "GET /v1/users/3 -> 418: get_user response violation /: status 418 is not documented",
        "GET /v1/users/4 -> 200: get_user response undocumented /data/gzipped",
        "GET /v1/users/5 -> 200: not validated: a body is over 2048 bytes (request-id req-5)",
    ] {
        assert!(err.contains(line), "missing `{line}` in:\n{err}");
    }
    assert!(err.contains("(request-id req-1)"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_upstream_through_a_test_ca() {
    let upstream = wrong_upstream(Some(tls_acceptor())).await;
    let ca = common::fixture("tls").join("ca.pem");
    let proxy = Proxy::start(
        "instabot",
        &format!("https://localhost:{}", upstream.port()),
        &["--upstream-ca", ca.to_str().unwrap()],
    );
    let response = reqwest::get(proxy.url("/v1/users/1")).await.unwrap();
    assert_eq!(response.status(), 200);
    let summary = summary(&proxy).await;
    assert_eq!(
        summary["operations"]["get_user"]["undocumented"], 1,
        "{summary}"
    );
    // Without the CA the certificate is not trusted: 502, never a hang.
    let (code, _, _) = proxy.stop();
    assert_eq!(code, 0, "undocumented alone passes");
    let untrusted = Proxy::start(
        "instabot",
        &format!("https://localhost:{}", upstream.port()),
        &[],
    );
    let response = reqwest::get(untrusted.url("/v1/users/1")).await.unwrap();
    assert_eq!(response.status(), 502);
    untrusted.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_upstream_answers_502_and_strict_fails_undocumented() {
    // A port nobody listens on: bind, read the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let proxy = Proxy::start("instabot", &format!("http://127.0.0.1:{port}"), &[]);
    let response = reqwest::get(proxy.url("/v1/users/1")).await.unwrap();
    assert_eq!(response.status(), 502);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "bad_gateway");
    let (code, _, _) = proxy.stop();
    assert_eq!(code, 0, "nothing was validated, nothing failed");

    let upstream = wrong_upstream(None).await;
    let strict = Proxy::start("instabot", &format!("http://{upstream}"), &["--strict"]);
    reqwest::get(strict.url("/v1/users/1")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (code, out, _) = strict.stop();
    assert_eq!(code, 1, "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_over_its_byte_bound_drops_the_exchange_and_still_forwards_it() {
    // Users 1 and 2 are each over 300 bytes; the 404's head and `{}` are under. With room for
    // 300 bytes, the small exchange is validated and the two large ones are dropped.
    let upstream = wrong_upstream(None).await;
    let proxy = Proxy::start(
        "instabot",
        &format!("http://{upstream}"),
        &["--queue-bytes", "300"],
    );
    let client = reqwest::Client::new();
    for path in ["/v1/users/1", "/v1/users/2", "/v1/users/9"] {
        let (status, _, body) = wrong_answer(path).unwrap();
        let response = client.get(proxy.url(path)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{path}");
        assert_eq!(
            response.bytes().await.unwrap().as_ref(),
            &body[..],
            "{path}"
        );
    }
    let summary = summary(&proxy).await;
    assert_eq!(summary["dropped"], 2, "{summary}");
    assert_eq!(summary["queued_bytes"], 0, "{summary}");
    assert_eq!(summary["totals"]["exchanges"], 1, "{summary}");
    let (code, out, err) = proxy.stop();
    assert!(
        out.contains("1 exchanges") && out.contains("2 dropped"),
        "{out}"
    );
    // The wrong type in user 2 was never validated, so nothing failed: the count says why.
    assert!(!err.contains("objectId"), "{err}");
    assert!(err.contains("GET /v1/users/9 -> 404"), "{err}");
    assert!(
        err.contains("warning: --queue-bytes 300 is under twice --max-body-bytes 1048576"),
        "{err}"
    );
    assert_eq!(code, 1, "the validated 404 is a finding: {out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_client_cannot_read_is_a_violation() {
    let upstream = wrong_upstream(None).await;
    let proxy = Proxy::start("instabot", &format!("http://{upstream}"), &[]);
    let client = reqwest::Client::new();
    for n in 6..=8 {
        let path = format!("/v1/users/{n}");
        let response = client.get(proxy.url(&path)).send().await.unwrap();
        let (status, _, body) = wrong_answer(&path).unwrap();
        assert_eq!(response.status().as_u16(), status);
        assert_eq!(
            response.bytes().await.unwrap().as_ref(),
            &body[..],
            "{path}"
        );
    }
    let summary = summary(&proxy).await;
    let get_user = &summary["operations"]["get_user"];
    assert_eq!(get_user["exchanges"], 3, "{summary}");
    assert_eq!(get_user["violation"], 2, "{summary}"); // not UTF-8, duplicate key
    assert_eq!(get_user["undocumented"], 1, "{summary}"); // the second gzip member's
    let (code, out, err) = proxy.stop();
    assert_eq!(code, 1, "{out}{err}");
    for line in [
        "GET /v1/users/6 -> 200: get_user response violation /: body is not JSON: it is not UTF-8 (an invalid byte at offset ",
        "GET /v1/users/7 -> 200: get_user response undocumented /data/secondMember",
        "GET /v1/users/8 -> 200: get_user response violation /: body is not JSON: the member `data` appears twice in one object",
    ] {
        assert!(err.contains(line), "missing `{line}` in:\n{err}");
    }
}

/// Sends `request` on a raw connection to `addr` and reads until the server closes or `limit`
/// passes; returns the response text and how long it took.
async fn raw_exchange(addr: SocketAddr, parts: &[&[u8]], pause: Duration) -> (String, Duration) {
    let started = std::time::Instant::now();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    for part in parts {
        if stream.write_all(part).await.is_err() {
            break;
        }
        tokio::time::sleep(pause).await;
    }
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .expect("the proxy closes the connection within 10 s");
    (
        String::from_utf8_lossy(&response).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_body_that_stalls_or_trickles_is_cut_and_a_broken_chunk_is_the_clients_fault() {
    let upstream = wrong_upstream(None).await;
    let proxy = Proxy::start(
        "instabot",
        &format!("http://{upstream}"),
        &[
            "--body-idle-timeout-ms",
            "300",
            "--body-deadline-ms",
            "1200",
        ],
    );
    let head = b"POST /v1/users HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n";
    // One byte of 100, then nothing: cut by the idle timer.
    let (response, took) = raw_exchange(proxy.addr, &[head, b"{"], Duration::ZERO).await;
    assert!(response.starts_with("HTTP/1.1 408 "), "{response}");
    assert!(
        response.to_ascii_lowercase().contains("connection: close"),
        "{response}"
    );
    assert!(
        response.contains(r#""error":"request_timeout""#)
            && response.contains("no part of the body arrived for 300 ms"),
        "{response}"
    );
    assert!(took < Duration::from_secs(3), "{took:?}");
    // A byte every 200 ms never trips the idle timer: the deadline cuts it.
    let bytes: Vec<&[u8]> = std::iter::once(&head[..])
        .chain(std::iter::repeat_n(&b" "[..], 20))
        .collect();
    let (response, took) = raw_exchange(proxy.addr, &bytes, Duration::from_millis(200)).await;
    assert!(response.starts_with("HTTP/1.1 408 "), "{response}");
    assert!(
        response.contains("the body was not complete within 1200 ms"),
        "{response}"
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
    // A chunk size that is not hexadecimal: 400, not the upstream's 502.
    let chunked: &[u8] = b"POST /v1/users HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";
    let (response, _) = raw_exchange(proxy.addr, &[chunked], Duration::ZERO).await;
    assert!(response.starts_with("HTTP/1.1 400 "), "{response}");
    assert!(response.contains(r#""error":"bad_request""#), "{response}");
    let (code, out, err) = proxy.stop();
    assert_eq!(code, 0, "nothing reached validation: {out}{err}");
}

/// An upstream that answers the first request of each connection (keep-alive) and closes the
/// connection on the second without answering: the race of a keep-alive timeout. Counts the
/// connections it accepted.
async fn closing_upstream() -> (SocketAddr, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&accepted);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::spawn(async move {
                for answered in 0..2 {
                    if read_head(&mut stream).await.is_none() {
                        return;
                    }
                    if answered == 1 {
                        return; // closed without an answer
                    }
                    let body = b"{}";
                    let response = format!(
                        "HTTP/1.1 404 X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(response.as_bytes()).await;
                    let _ = stream.write_all(body).await;
                }
            });
        }
    });
    (addr, accepted)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_lost_on_a_reused_connection_is_sent_again_when_idempotent() {
    let (upstream, accepted) = closing_upstream().await;
    let proxy = Proxy::start("instabot", &format!("http://{upstream}"), &[]);
    let client = reqwest::Client::new();
    // The second GET goes out on the pooled connection, which the upstream closes: sent again
    // on a new one, the client sees the answer.
    for _ in 0..2 {
        let response = client.get(proxy.url("/v1/users/9")).send().await.unwrap();
        assert_eq!(response.status(), 404);
    }
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 2);
    // The retried GET's connection is pooled with one answer given; a POST on it is lost the
    // same way, and is not sent twice: 502, and no third connection.
    let response = client
        .post(proxy.url("/v1/users/9/restore"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 2);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "bad_gateway", "{body}");
    proxy.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_are_redacted_in_the_recording_and_the_log_lines() {
    let sandbox = sandbox::TestSandbox::start(sandbox::Api::Instabot)
        .await
        .unwrap();
    // Requests the spec refuses are sent on purpose.
    sandbox.allow_invalid_requests();
    let record = std::env::temp_dir().join(format!(
        "conformance-proxy-secrets-{}.ndjson",
        std::process::id()
    ));
    let proxy = Proxy::start(
        "instabot",
        &format!("http://{}", sandbox.addr()),
        &[
            "--record",
            record.to_str().unwrap(),
            "--redact",
            "/data/email",
            "--redact",
            "/email",
        ],
    );
    let client = reqwest::Client::new();
    let created = client
        .post(proxy.url("/v1/users"))
        .header("X-Instabot-Api-Key", "demo-api-key")
        .header("Authorization", "X-Instabot-Master-Api-Key demo-master-key")
        .json(&json!({"userName": "secretive", "userPassword": "pw-s3cret-1", "email": "who@example.com"}))
        .send()
        .await
        .unwrap();
    assert!(created.status().is_success(), "{}", created.status());
    // A credential in the query of a path no operation has: the finding line names the target.
    client
        .get(proxy.url("/v1/nothing?api_key=qs-s3cret-2"))
        .header("X-Instabot-Api-Key", "demo-api-key")
        .header("Authorization", "X-Instabot-Master-Api-Key demo-master-key")
        .send()
        .await
        .unwrap();
    summary(&proxy).await;
    let (_, out, err) = proxy.stop();
    let recording = std::fs::read_to_string(&record).unwrap();
    std::fs::remove_file(&record).ok();
    sandbox.shutdown().await.unwrap();
    for secret in [
        "pw-s3cret-1",
        "qs-s3cret-2",
        "demo-master-key",
        "who@example.com",
    ] {
        assert!(!recording.contains(secret), "{secret} in {recording}");
        assert!(!err.contains(secret), "{secret} in {err}");
        assert!(!out.contains(secret), "{secret} in {out}");
    }
    assert!(
        recording.contains(r#"\"userPassword\":\"[redacted]\""#),
        "{recording}"
    );
    assert!(recording.contains("api_key=[redacted]"), "{recording}");
    assert!(
        err.contains("GET /v1/nothing?api_key=[redacted] -> 404"),
        "{err}"
    );
    for listed in [
        "redacted in the recording and the log: headers: authorization, cookie, proxy-authorization, set-cookie, x-api-key, x-instabot-api-key",
        "redacted in the recording and the log: writeOnly members: userPassword",
        "redacted in the recording and the log: pointers: /data/email, /email",
    ] {
        assert!(err.contains(listed), "missing `{listed}` in:\n{err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_descriptors_the_proxy_logs_and_pauses_instead_of_spinning() {
    let upstream = wrong_upstream(None).await;
    let spec = common::spec_path("instabot");
    let mut command = Command::new(env!("CARGO_BIN_EXE_conformance"));
    command
        .args(["proxy", "--spec", spec.to_str().unwrap()])
        .args(["--upstream", &format!("http://{upstream}")])
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: `setrlimit` is async-signal-safe and only reads its argument.
    unsafe {
        use std::os::unix::process::CommandExt;
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 48,
                rlim_max: 48,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command.spawn().unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let addr: SocketAddr = line
        .trim()
        .strip_prefix("conformance proxy: listening on ")
        .unwrap_or_else(|| panic!("first line: {line}"))
        .parse()
        .unwrap();
    let proxy = Proxy {
        child,
        addr,
        stderr,
    };
    // More idle connections than descriptors: accepting fails with EMFILE until they close.
    let mut held = Vec::new();
    for _ in 0..80 {
        held.push(tokio::net::TcpStream::connect(proxy.addr).await.unwrap());
    }
    let cpu = || {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", proxy.child.id())).unwrap();
        let fields: Vec<u64> = stat
            .rsplit(')')
            .next()
            .unwrap()
            .split_whitespace()
            .skip(11)
            .take(2)
            .map(|f| f.parse().unwrap())
            .collect();
        fields[0] + fields[1]
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (before, started) = (cpu(), std::time::Instant::now());
    tokio::time::sleep(Duration::from_secs(2)).await;
    let ticks = cpu() - before;
    let elapsed = started.elapsed();
    // SAFETY: sysconf reads a constant.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let share = ticks as f64 / per_second / elapsed.as_secs_f64();
    drop(held);
    // Once the descriptors are back, the proxy serves again.
    let response = tokio::time::timeout(
        Duration::from_secs(10),
        reqwest::get(proxy.url("/v1/users/9")),
    )
    .await
    .expect("served within 10 s once descriptors are free")
    .unwrap();
    assert_eq!(response.status(), 404);
    let (_, _, err) = proxy.stop();
    assert!(
        share < 0.2,
        "the proxy used {:.0}% of a core while out of descriptors",
        share * 100.0
    );
    assert!(err.contains("serve: accept failed: "), "{err}");
}

/// Raises this process's descriptor limit to its hard limit when the soft one is under `want`
/// (children inherit it), saying so; returns the soft limit in force.
fn raise_descriptor_limit(want: u64) -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: both calls only read or write the struct passed.
    unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        if limit.rlim_cur < want && limit.rlim_cur < limit.rlim_max {
            eprintln!(
                "burst test: raising RLIMIT_NOFILE from {} to its hard limit {}",
                limit.rlim_cur, limit.rlim_max
            );
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
    limit.rlim_cur
}

/// `count` connections at once, each one authenticated list request with `Connection: close`;
/// returns how many got an answer outside 2xx (or none at all), with the first few reasons.
async fn burst(addr: SocketAddr, count: usize) -> (usize, Vec<String>) {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..count {
        tasks.spawn(async move {
            let exchange = async {
                let mut stream = tokio::net::TcpStream::connect(addr)
                    .await
                    .map_err(|e| format!("connect: {e}"))?;
                stream
                    .write_all(
                        b"GET /v1/users?limit=1 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\
                          x-instabot-api-key: demo-api-key\r\n\
                          authorization: X-Instabot-Master-Api-Key demo-master-key\r\n\r\n",
                    )
                    .await
                    .map_err(|e| format!("write: {e}"))?;
                let mut response = Vec::new();
                stream
                    .read_to_end(&mut response)
                    .await
                    .map_err(|e| format!("read: {e}"))?;
                let text = String::from_utf8_lossy(&response);
                if text.starts_with("HTTP/1.1 2") {
                    Ok(())
                } else {
                    Err(text.chars().take(200).collect::<String>())
                }
            };
            tokio::time::timeout(Duration::from_secs(20), exchange)
                .await
                .unwrap_or_else(|_| Err("no answer within 20 s".to_owned()))
        });
    }
    let mut failed = 0;
    let mut reasons = Vec::new();
    while let Some(result) = tasks.join_next().await {
        if let Err(reason) = result.unwrap() {
            failed += 1;
            if reasons.len() < 5 {
                reasons.push(reason);
            }
        }
    }
    (failed, reasons)
}

fn open_descriptors(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |dir| dir.count())
}

/// `TcpExtListenOverflows` of this network namespace: handshakes the kernel dropped because a
/// listen queue was full (the client retries them on its SYN timer: 1, 3, 7, 15 s).
fn listen_overflows() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/net/netstat").ok()?;
    let mut lines = text.lines();
    while let (Some(names), Some(values)) = (lines.next(), lines.next()) {
        if let Some(position) = names
            .split_whitespace()
            .position(|name| name == "ListenOverflows")
        {
            return values.split_whitespace().nth(position)?.parse().ok();
        }
    }
    None
}

// Ignored in the test command: on this 2-core machine shared with other builds (load average
// 11), a debug build of the sandbox alone left 161 of 2,000 connections unanswered within 20 s.
// `.ci/run` runs it alone, after the test command: `cargo test -p conformance --test proxy --
// --ignored two_bursts --nocapture`. With tokio's default listen backlog (1,024) one run
// overflowed the listen queues 17,141 times and took 16.3 s, and a CI run left 127 connections
// through the proxy unanswered within 20 s; with `server_runtime::serve::bind`'s 4,096 the
// same run overflowed nothing and took 7.3 s (the count is printed, not bounded: the counter
// is the whole network namespace's).
#[ignore = "needs idle cores: 2,000 connections to a debug build take over 20 s on 2 busy cores"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_bursts_of_2000_connections_are_all_answered_2xx_through_the_proxy_and_directly() {
    const CONNECTIONS: usize = 2_000;
    let limit = raise_descriptor_limit(3 * CONNECTIONS as u64);
    assert!(
        limit >= 3 * CONNECTIONS as u64,
        "the burst needs {} descriptors; the hard limit is {limit}",
        3 * CONNECTIONS
    );
    let started = std::time::Instant::now();
    let sandbox = sandbox::TestSandbox::start(sandbox::Api::Instabot)
        .await
        .unwrap();
    // Requests the spec refuses are sent on purpose.
    sandbox.allow_invalid_requests();
    let proxy = Proxy::start(
        "instabot",
        &format!("http://{}", sandbox.addr()),
        &["--pool-idle-timeout-ms", "1000", "--no-round-trip"],
    );
    let idle = open_descriptors(proxy.child.id());
    let overflows_before = listen_overflows();
    for (name, addr) in [("direct", sandbox.addr()), ("proxy", proxy.addr)] {
        for round in 1..=2 {
            let (failed, reasons) = burst(addr, CONNECTIONS).await;
            eprintln!(
                "burst test: {name} burst {round}: {failed} of {CONNECTIONS} outside 2xx at {:.1} s",
                started.elapsed().as_secs_f64()
            );
            assert_eq!(failed, 0, "{name} burst {round}: {reasons:?}");
            if round == 1 {
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
    }
    if let (Some(before), Some(after)) = (overflows_before, listen_overflows()) {
        eprintln!(
            "burst test: listen queue overflows during the bursts: {}",
            after - before
        );
    }
    // Just after the bursts the proxy still holds the pooled upstream connections (at most
    // --pool-max-idle-per-host, 32) and downstream ones its clients closed but it has not reaped
    // yet (59 seen at a load average of 1.6), so that figure is printed, not bounded; what is
    // bounded is the count once the pool's idle timer (--pool-idle-timeout-ms) has run.
    let just_after = open_descriptors(proxy.child.id());
    let mut after = just_after;
    let waited = std::time::Instant::now();
    while after > idle + 4 && waited.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(250)).await;
        after = open_descriptors(proxy.child.id());
    }
    eprintln!(
        "burst test: proxy descriptors idle {idle}, just after the bursts {just_after}, {after} after {:.1} s more; done in {:.1} s",
        waited.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    assert!(after <= idle + 4, "idle {idle}, after {after}");
    let (code, out, err) = proxy.stop();
    assert_eq!(code, 0, "{out}{err}");
    sandbox.shutdown().await.unwrap();
}

#[test]
fn a_redact_option_that_is_not_a_pointer_is_a_usage_error() {
    let (code, out, err) = common::cli(
        &[
            "proxy",
            "--spec",
            common::spec_path("instabot").to_str().unwrap(),
            "--upstream",
            "http://127.0.0.1:9",
            "--redact",
            "userPassword",
        ],
        "",
    );
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(
        err.trim(),
        "conformance: --redact userPassword: give a JSON pointer into a body, such as /data/password"
    );
}
