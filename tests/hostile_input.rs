//! Hostile input against the sandbox, over loopback with raw sockets (a client library would
//! refuse to send most of it): each test asserts the exact status, error shape and message.
//! Every test bounds its own waiting, so the suite stops by itself within seconds.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use sandbox::{Api, Credentials, Running, ServeOptions};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const INSIGHTIQ_AUTH: &str = "Authorization: Basic ZGVtbzpwQDU1dzByZA==";
const PUBLICA_AUTH: &str = "X-User-Token: demo-token";
const INSTABOT_AUTH: &str =
    "X-Instabot-Api-Key: demo-api-key\r\nAuthorization: X-Instabot-Master-Api-Key demo-master-key";
/// No test waits longer than this for an answer.
const PATIENCE: Duration = Duration::from_secs(10);

async fn start(api: Api) -> Running {
    start_with(api, ServeOptions::default()).await
}

async fn start_with(api: Api, options: ServeOptions) -> Running {
    let router = sandbox::app(api, &Credentials::defaults());
    sandbox::start_app_with(api, "127.0.0.1:0".parse().unwrap(), router, options)
        .await
        .unwrap()
}

fn auth(api: Api) -> &'static str {
    match api {
        Api::Insightiq => INSIGHTIQ_AUTH,
        Api::Publica => PUBLICA_AUTH,
        Api::Instabot => INSTABOT_AUTH,
    }
}

/// A response as read off the socket.
#[derive(Debug)]
struct Answer {
    status: u16,
    head: String,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// Writes `request` as it is and reads the answer until the server closes (the request should
/// say `Connection: close`).
async fn send(addr: SocketAddr, request: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut bytes = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut bytes))
        .await
        .expect("the server answers and closes in time")
        .unwrap();
    parse_answer(&bytes)
}

fn parse_answer(bytes: &[u8]) -> Answer {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("not an HTTP response: {text:?}"));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    Answer {
        status,
        head: head.to_owned(),
        body: serde_json::from_str(body).unwrap_or(Value::Null),
    }
}

/// `METHOD target` with the API's credentials, `extra` header lines and a JSON body.
fn request(api: Api, method: &str, target: &str, extra: &str, body: Option<&str>) -> Vec<u8> {
    let mut text = format!(
        "{method} {target} HTTP/1.1\r\nHost: sandbox\r\n{}\r\nConnection: close\r\n{extra}",
        auth(api)
    );
    if let Some(body) = body {
        text.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    text.push_str("\r\n");
    text.push_str(body.unwrap_or_default());
    text.into_bytes()
}

/// What each API's error shape says for a message, as the sandbox writes it.
fn assert_api_error(api: Api, answer: &Answer, status: u16, message: &str) {
    assert_eq!(answer.status, status, "{answer:?}");
    assert_eq!(answer.header("content-type"), Some("application/json"));
    match api {
        Api::Insightiq => {
            let error = &answer.body["error"];
            assert_eq!(error["message"], message, "{answer:?}");
            assert_eq!(error["status_code"], status);
            assert_eq!(error["type"], "invalid_request_error");
            assert_eq!(
                error["request_id"].as_str(),
                answer.header("request-id"),
                "the body's request id is the header's"
            );
        }
        Api::Publica => assert_eq!(answer.body, json!({"message": message})),
        Api::Instabot => {
            let reason: String = reqwest::StatusCode::from_u16(status)
                .unwrap()
                .canonical_reason()
                .unwrap()
                .split(' ')
                .collect();
            assert_eq!(
                answer.body,
                json!({"apiStatusCode": reason, "message": message})
            );
        }
    }
}

/// The (name, value) header lines of a request built by [`request`].
fn header_lines(request: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(request);
    let head = text.split("\r\n\r\n").next().unwrap_or_default();
    head.lines()
        .skip(1)
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.to_owned(), value.trim().to_owned()))
        })
        .collect()
}

/// A path of `api` that exists, for requests that should fail on the head alone.
fn some_path(api: Api) -> &'static str {
    match api {
        Api::Insightiq => "/v1/profiles",
        Api::Publica => "/integration-api/v1/dashboard/users",
        Api::Instabot => "/v1/users",
    }
}

// Defect 4: text from the request put into a message is never expanded again.
#[tokio::test]
async fn placeholders_in_sent_text_stay_as_sent() {
    let server = start(Api::Insightiq).await;
    for (sent, shown) in [
        ("%7Bcategory%7D", "{category}"),
        ("%7Bmessage%7D%7Bstatus%7D", "{message}{status}"),
        ("%7Brequest_id%7D", "{request_id}"),
    ] {
        let answer = send(
            server.addr,
            &request(
                Api::Insightiq,
                "GET",
                &format!("/v1/users/external_id/{sent}"),
                "",
                None,
            ),
        )
        .await;
        assert_eq!(answer.status, 404);
        assert_eq!(
            answer.body["error"]["message"],
            format!("No user with external_id \"{shown}\"")
        );
        assert_eq!(answer.body["error"]["error_code"], "user_not_found");
    }
    server.shutdown().await.unwrap();
}

// Defect 5: 414 and 431 in each API's error shape.
#[tokio::test]
async fn oversized_heads_are_refused_in_the_apis_shape() {
    for api in Api::ALL {
        let server = start(api).await;
        let long = format!("{}?{}", some_path(api), "a".repeat(9000));
        let answer = send(server.addr, &request(api, "GET", &long, "", None)).await;
        assert_api_error(
            api,
            &answer,
            414,
            &format!(
                "the request target is {} bytes long; at most 8192 are accepted",
                long.len()
            ),
        );

        let many: String = (0..150).map(|i| format!("X-Filler-{i}: x\r\n")).collect();
        let sent = request(api, "GET", some_path(api), &many, None);
        let answer = send(server.addr, &sent).await;
        assert_api_error(
            api,
            &answer,
            431,
            &format!(
                "the request has {} headers; at most 100 are accepted",
                header_lines(&sent).len()
            ),
        );

        let big = format!("X-Filler: {}\r\n", "b".repeat(20_000));
        let sent = request(api, "GET", some_path(api), &big, None);
        let answer = send(server.addr, &sent).await;
        let bytes: usize = header_lines(&sent)
            .iter()
            .map(|(name, value)| name.len() + value.len() + 4)
            .sum();
        assert_api_error(
            api,
            &answer,
            431,
            &format!("the request headers are {bytes} bytes; at most 16384 are accepted"),
        );
        server.shutdown().await.unwrap();
    }
}

// Defect 5: the sandbox's own endpoints answer in one shape of their own.
#[tokio::test]
async fn sandbox_endpoints_answer_errors_in_the_sandbox_shape() {
    for api in Api::ALL {
        let server = start(api).await;
        let answer = send(
            server.addr,
            b"GET /_sandbox/reset HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n",
        )
        .await;
        assert_eq!(answer.status, 405);
        assert_eq!(answer.header("allow"), Some("POST"));
        assert_eq!(
            answer.body,
            json!({"sandbox_error": {"status": 405, "code": "method_not_allowed",
                   "message": "`GET /_sandbox/reset`: the reset endpoint takes POST"}})
        );
        let answer = send(
            server.addr,
            b"DELETE /_sandbox/nothing HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n",
        )
        .await;
        assert_eq!(
            (answer.status, answer.body),
            (
                404,
                json!({"sandbox_error": {"status": 404, "code": "not_found",
                       "message": "no sandbox endpoint at `/_sandbox/nothing` (there are /_sandbox/reset, /_sandbox/state and /_sandbox/faults)"}})
            )
        );
        let answer = send(
            server.addr,
            b"POST /_sandbox/reset HTTP/1.1\r\nHost: s\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
        )
        .await;
        assert_eq!(answer.status, 204);
        server.shutdown().await.unwrap();
    }
}

// Defect 6: one rule for query strings: a scalar given twice, or bytes that are not UTF-8,
// are refused, as in a path.
#[tokio::test]
async fn repeated_scalars_and_invalid_utf8_in_queries_are_refused() {
    let server = start(Api::Insightiq).await;
    let answer = send(
        server.addr,
        &request(
            Api::Insightiq,
            "GET",
            "/v1/profiles?limit=1&limit=abc",
            "",
            None,
        ),
    )
    .await;
    assert_api_error(
        Api::Insightiq,
        &answer,
        400,
        "the query parameter `limit` is given more than once; it takes one value",
    );
    let answer = send(
        server.addr,
        &request(Api::Insightiq, "GET", "/v1/profiles?user_id=%ff", "", None),
    )
    .await;
    assert_api_error(
        Api::Insightiq,
        &answer,
        400,
        "the query parameter `user_id` is not UTF-8 once percent-decoded (`%ff`)",
    );
    let answer = send(
        server.addr,
        &request(Api::Insightiq, "GET", "/v1/profiles/%ff", "", None),
    )
    .await;
    // The same byte in a path: refused too (the wording is axum's, from the generated code).
    assert_api_error(Api::Insightiq, &answer, 400, "Invalid UTF-8 in `id`");
    server.shutdown().await.unwrap();
}

// Defect 7: integers with a fraction or exponent are refused by the schema check, naming the
// field, in the vendor's shape; `-0` is an integer.
#[tokio::test]
async fn integer_fields_refuse_fractions_and_exponents() {
    let server = start(Api::Instabot).await;
    for number in ["1.0", "1e2", "-0.0"] {
        let body = format!(
            r#"{{"userName": "u", "userPassword": "p", "photoFile": {{"objectId": {number}}}}}"#
        );
        let answer = send(
            server.addr,
            &request(Api::Instabot, "POST", "/v1/users", "", Some(&body)),
        )
        .await;
        let shown = serde_json::from_str::<Value>(number).unwrap().to_string();
        assert_api_error(
            Api::Instabot,
            &answer,
            400,
            &format!(
                "the request body is invalid at `/photoFile/objectId`: {shown} is not of type \"integer\" (OpenAPI 3.0: an integer is written without a fraction or exponent)"
            ),
        );
    }
    let body = r#"{"userName": "u", "userPassword": "p", "photoFile": {"objectId": -0}}"#;
    let answer = send(
        server.addr,
        &request(Api::Instabot, "POST", "/v1/users", "", Some(body)),
    )
    .await;
    assert_eq!(answer.status, 201, "-0 is an integer: {answer:?}");
    server.shutdown().await.unwrap();
}

/// Whether the server closed `stream` (EOF or reset) within `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buffer = [0u8; 4096];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

fn quick(options: ServeOptions) -> ServeOptions {
    options.with_header_read_timeout(Duration::from_millis(300))
}

// Defect 2: half-sent heads and idle keep-alive connections are closed by the timer.
#[tokio::test]
async fn stalled_and_idle_connections_are_closed() {
    let server = start_with(Api::Insightiq, quick(ServeOptions::default())).await;
    let mut stalled = TcpStream::connect(server.addr).await.unwrap();
    stalled
        .write_all(b"GET /v1/profiles HTTP/1.1\r\nHost: s\r\n")
        .await
        .unwrap();
    assert!(
        closed_within(&mut stalled, Duration::from_secs(3)).await,
        "a half-sent head is dropped after the header-read timeout"
    );

    let mut idle = TcpStream::connect(server.addr).await.unwrap();
    idle.write_all(
        format!("GET /v1/profiles?limit=1 HTTP/1.1\r\nHost: s\r\n{INSIGHTIQ_AUTH}\r\n\r\n")
            .as_bytes(),
    )
    .await
    .unwrap();
    let mut first = [0u8; 12];
    idle.read_exact(&mut first).await.unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    assert!(
        closed_within(&mut idle, Duration::from_secs(3)).await,
        "an idle keep-alive connection is closed by the same timer"
    );
    server.shutdown().await.unwrap();
}

// Defect 2: at most `max_connections` are served; the next waits instead of taking a slot.
#[tokio::test]
async fn connections_beyond_the_cap_wait_their_turn() {
    let options = ServeOptions::new()
        .with_max_connections(2)
        .with_header_read_timeout(Duration::from_secs(30));
    let server = start_with(Api::Publica, options).await;
    let mut holders = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        holders.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let addr = server.addr;
    let waiting = tokio::spawn(async move {
        send(
            addr,
            &request(Api::Publica, "GET", some_path(Api::Publica), "", None),
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!waiting.is_finished(), "the third connection is not served");
    holders.pop();
    let answer = tokio::time::timeout(PATIENCE, waiting)
        .await
        .expect("served once a slot is free")
        .unwrap();
    assert_eq!(answer.status, 200);
    server.shutdown().await.unwrap();
}

// Defect 2: shutdown does not wait for ever on a connection that never finishes its head.
#[tokio::test]
async fn shutdown_is_bounded_by_its_grace() {
    let options = ServeOptions::new()
        .with_header_read_timeout(Duration::from_secs(60))
        .with_shutdown_grace(Duration::from_millis(200));
    let server = start_with(Api::Instabot, options).await;
    let mut stalled = TcpStream::connect(server.addr).await.unwrap();
    stalled.write_all(b"GET /v1/us").await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(5), server.shutdown())
        .await
        .expect("shutdown completes")
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(closed_within(&mut stalled, Duration::from_secs(1)).await);
}

// Smaller: a credential header that is present but not visible ASCII is malformed, not
// missing (the generated `authenticate` checks each scheme's header first).
#[tokio::test]
async fn a_non_ascii_credential_header_is_malformed_not_missing() {
    let server = start(Api::Publica).await;
    let mut sent = format!(
        "GET {} HTTP/1.1\r\nHost: s\r\nConnection: close\r\nX-User-Token: ",
        some_path(Api::Publica)
    )
    .into_bytes();
    sent.extend_from_slice("démo-token\r\n\r\n".as_bytes());
    let answer = send(server.addr, &sent).await;
    assert_api_error(
        Api::Publica,
        &answer,
        401,
        "the `x-user-token` header is malformed: not visible ASCII text",
    );
    server.shutdown().await.unwrap();
}
