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
                       "message": "no sandbox endpoint at `/_sandbox/nothing` (there are /_sandbox/reset, /_sandbox/state, /_sandbox/faults and /_sandbox/requests)"}})
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

/// Body limits short enough for a test: 300 ms between parts of a body, 1.5 s for a whole one.
fn quick_bodies() -> server_runtime::Limits {
    server_runtime::Limits {
        body_idle_timeout: Duration::from_millis(300),
        body_read_timeout: Duration::from_millis(1500),
        ..server_runtime::Limits::default()
    }
}

/// A sandbox reading bodies within `body_limits`, served with `serve`.
async fn start_with_bodies(
    api: Api,
    body_limits: server_runtime::Limits,
    serve: ServeOptions,
) -> Running {
    let options = sandbox::Options {
        body_limits,
        ..sandbox::Options::default()
    };
    let router = sandbox::app_with(api, &Credentials::defaults(), &options).unwrap();
    sandbox::start_app_with(api, "127.0.0.1:0".parse().unwrap(), router, serve)
        .await
        .unwrap()
}

/// Reads whatever answer arrives on `stream` until the server closes it (at most [`PATIENCE`]).
async fn answer_then_close(stream: &mut TcpStream) -> Answer {
    let mut bytes = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut bytes))
        .await
        .expect("the server answers and closes in time")
        .unwrap();
    parse_answer(&bytes)
}

/// A head promising a 100-byte JSON body, with `auth` (or none) and no `Connection: close`.
fn head_of_100_bytes(method: &str, target: &str, auth: Option<&str>) -> String {
    let auth = auth.map(|line| format!("{line}\r\n")).unwrap_or_default();
    format!(
        "{method} {target} HTTP/1.1\r\nHost: s\r\n{auth}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    )
}

// Issue 25: a body that stops after its first byte is cut by the idle timeout, answered 408
// in the API's error shape (and in the sandbox's own on its endpoints), the connection closed.
#[tokio::test]
async fn a_stalled_body_is_answered_408_and_its_connection_closed() {
    let server = start_with_bodies(Api::Publica, quick_bodies(), ServeOptions::default()).await;
    let message = "the request body stalled: nothing arrived for 300 ms (the limit between parts of a body); 1 bytes had arrived";
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let head = head_of_100_bytes("POST", some_path(Api::Publica), Some(PUBLICA_AUTH));
    stream
        .write_all(format!("{head}{{").as_bytes())
        .await
        .unwrap();
    let started = Instant::now();
    let answer = answer_then_close(&mut stream).await;
    assert_api_error(Api::Publica, &answer, 408, message);
    assert_eq!(answer.header("connection"), Some("close"));
    let took = started.elapsed();
    assert!(took < Duration::from_millis(1200), "cut after {took:?}");

    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let head = head_of_100_bytes("PUT", "/_sandbox/state", None);
    stream
        .write_all(format!("{head}{{").as_bytes())
        .await
        .unwrap();
    let answer = answer_then_close(&mut stream).await;
    assert_eq!(
        (answer.status, answer.body),
        (
            408,
            json!({"sandbox_error": {"status": 408, "code": "request_timeout",
                   "message": format!("`PUT /_sandbox/state`: {message}")}})
        )
    );
    server.shutdown().await.unwrap();
}

/// Sends `head`, then one byte every 200 ms until the server closes; the answer as read.
async fn trickle_body(addr: SocketAddr, head: String) -> Answer {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    writer.write_all(head.as_bytes()).await.unwrap();
    let trickle = tokio::spawn(async move {
        for _ in 0..100 {
            if writer.write_all(b" ").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    let mut bytes = Vec::new();
    tokio::time::timeout(PATIENCE, reader.read_to_end(&mut bytes))
        .await
        .expect("the server answers and closes in time")
        .unwrap();
    trickle.abort();
    parse_answer(&bytes)
}

// Issue 25: one byte every 200 ms (well under the idle timeout) is still cut by the deadline
// for the whole body.
#[tokio::test]
async fn a_trickling_body_is_cut_by_the_deadline() {
    let server = start_with_bodies(Api::Instabot, quick_bodies(), ServeOptions::default()).await;
    let head = head_of_100_bytes("POST", some_path(Api::Instabot), Some(INSTABOT_AUTH));
    let started = Instant::now();
    let answer = trickle_body(server.addr, head).await;
    let took = started.elapsed();
    assert_eq!(answer.status, 408, "{answer:?}");
    let message = answer.body["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "the request body did not arrive within 1500 ms (the limit for a whole body); "
        ),
        "{message}"
    );
    assert!(
        took >= Duration::from_millis(1400) && took < Duration::from_millis(3000),
        "cut after {took:?}"
    );
    server.shutdown().await.unwrap();
}

// Issue 25: 256 stalled bodies (no credentials: half on the API, half on the sandbox's own
// endpoint) fill every connection slot, yet a normal request is answered once their timeout
// frees them.
#[tokio::test]
async fn stalled_bodies_do_not_keep_a_normal_request_from_being_answered() {
    let serve = ServeOptions::new().with_max_connections(256);
    let server = start_with_bodies(Api::Publica, quick_bodies(), serve).await;
    let mut stalled = Vec::new();
    for index in 0..256 {
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        let head = if index % 2 == 0 {
            head_of_100_bytes("POST", some_path(Api::Publica), None)
        } else {
            head_of_100_bytes("PUT", "/_sandbox/state", None)
        };
        stream
            .write_all(format!("{head}{{").as_bytes())
            .await
            .unwrap();
        stalled.push(stream);
    }
    let started = Instant::now();
    let answer = send(
        server.addr,
        &request(Api::Publica, "GET", some_path(Api::Publica), "", None),
    )
    .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "answered after {took:?}");
    for stream in &mut stalled {
        assert!(
            closed_within(stream, Duration::from_secs(3)).await,
            "every stalled connection is closed"
        );
    }
    server.shutdown().await.unwrap();
}

/// The seeds' export of `api` with its first user's id member set to `id`.
async fn export_with_id(server: &Running, api: Api, member: &str, id: i64) -> Value {
    let answer = send(
        server.addr,
        &request(api, "GET", "/_sandbox/state", "", None),
    )
    .await;
    assert_eq!(answer.status, 200);
    let mut document = answer.body;
    document["users"][0][member] = json!(id);
    document
}

/// `POST` of a create `body` to `api`'s users.
async fn create_user(server: &Running, api: Api, body: &str) -> Answer {
    send(
        server.addr,
        &request(api, "POST", some_path(api), "", Some(body)),
    )
    .await
}

// Issue 25: an imported id that leaves no id for a create is refused with its pointer; the
// last id is handed out once, then creates answer 507 `ids_exhausted` and nothing stored is
// overwritten.
#[tokio::test]
async fn imported_ids_leave_room_and_creates_never_overwrite() {
    let cases = [
        (
            Api::Publica,
            "id",
            [
                r#"{"email": "one@example.com", "external_id": "one"}"#,
                r#"{"email": "two@example.com", "external_id": "two"}"#,
            ],
        ),
        (
            Api::Instabot,
            "objectId",
            [
                r#"{"userName": "one", "userPassword": "secret-1"}"#,
                r#"{"userName": "two", "userPassword": "secret-2"}"#,
            ],
        ),
    ];
    for (api, member, creates) in cases {
        let server = start(api).await;
        let refused = export_with_id(&server, api, member, i64::MAX).await;
        let answer = send(
            server.addr,
            &request(
                api,
                "PUT",
                "/_sandbox/state",
                "",
                Some(&refused.to_string()),
            ),
        )
        .await;
        assert_eq!(
            (answer.status, answer.body),
            (
                400,
                json!({"sandbox_error": {"status": 400, "code": "invalid_state", "message": format!(
                    "`PUT /_sandbox/state`: record users/0, at `/users/0/{member}`: {member} {} leaves no id for a create (creates take the id after the largest, and {} is the largest there is)",
                    i64::MAX, i64::MAX
                )}})
            ),
            "{api:?}"
        );

        let last_but_one = export_with_id(&server, api, member, i64::MAX - 1).await;
        let answer = send(
            server.addr,
            &request(
                api,
                "PUT",
                "/_sandbox/state",
                "",
                Some(&last_but_one.to_string()),
            ),
        )
        .await;
        assert_eq!(answer.status, 204, "{api:?}: {answer:?}");
        let first = create_user(&server, api, creates[0]).await;
        assert!(
            first.status == 200 || first.status == 201,
            "{api:?}: {first:?}"
        );
        assert_eq!(
            first.body["data"][member],
            json!(i64::MAX),
            "{api:?}: {first:?}"
        );
        let second = create_user(&server, api, creates[1]).await;
        assert_api_error(
            api,
            &second,
            507,
            &format!(
                "`create_user`: the sandbox has handed out every {} id up to {} (the largest there is); reset it or import a state with smaller ids",
                api.name(),
                i64::MAX
            ),
        );
        let state = send(
            server.addr,
            &request(api, "GET", "/_sandbox/state", "", None),
        )
        .await
        .body;
        let ids: Vec<&Value> = state["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|user| &user[member])
            .collect();
        assert!(ids.contains(&&json!(i64::MAX - 1)), "{api:?}: {ids:?}");
        assert!(ids.contains(&&json!(i64::MAX)), "{api:?}: {ids:?}");
        assert_eq!(
            state["users"].as_array().unwrap().len(),
            last_but_one["users"].as_array().unwrap().len() + 1,
            "{api:?}: one create, nothing overwritten"
        );
        server.shutdown().await.unwrap();
    }
}

/// A sandbox of `api` with a memory cap of `max_stored_bytes`.
async fn start_capped(api: Api, max_stored_bytes: usize) -> Running {
    let options = sandbox::Options {
        max_stored_bytes: Some(max_stored_bytes),
        ..sandbox::Options::default()
    };
    let router = sandbox::app_with(api, &Credentials::defaults(), &options).unwrap();
    sandbox::start_app_with(
        api,
        "127.0.0.1:0".parse().unwrap(),
        router,
        ServeOptions::default(),
    )
    .await
    .unwrap()
}

/// A Publica.la state of `users` users, built from the seed user's export.
async fn publica_state_of(server: &Running, users: usize) -> Value {
    let seed = export_with_id(server, Api::Publica, "id", 1).await["users"][0].clone();
    let users: Vec<Value> = (0..users)
        .map(|index| {
            let mut user = seed.clone();
            user["id"] = json!(index + 1);
            user["email"] = json!(format!("user-{index}@example.com"));
            user["_sandbox"]["external_id"] = json!(format!("external-{index}"));
            user
        })
        .collect();
    json!({ "users": users })
}

/// `PUT path` of `body`, without credentials (the sandbox's endpoints take none).
fn put(path: &str, body: &str) -> Vec<u8> {
    format!(
        "PUT {path} HTTP/1.1\r\nHost: s\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

// Issue 25: `PUT /_sandbox/state` takes back an export over 2 MiB (axum's default limit, once
// answered with a plain-text 413); a body over its documented limit is refused before it is
// read, in the sandbox's shape naming the limit; a state over the memory cap is refused.
#[tokio::test]
async fn control_endpoints_take_any_export_the_cap_allows_and_refuse_more_in_their_shape() {
    let server = start_capped(Api::Publica, 4 * 1024 * 1024).await;
    let document = publica_state_of(&server, 4000).await.to_string();
    assert!(document.len() > 2 * 1024 * 1024, "{}", document.len());
    let answer = send(server.addr, &put("/_sandbox/state", &document)).await;
    assert_eq!(answer.status, 204, "{answer:?}");
    let export = send(
        server.addr,
        b"GET /_sandbox/state HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(export.body["users"].as_array().unwrap().len(), 4000);
    let answer = send(
        server.addr,
        &put("/_sandbox/state", &export.body.to_string()),
    )
    .await;
    assert_eq!(answer.status, 204, "{answer:?}");
    server.shutdown().await.unwrap();

    let server = start_capped(Api::Publica, 64 * 1024).await;
    // About 250 kB of JSON (under the 1 MiB limit), about 160 kB stored (over the cap).
    let document = publica_state_of(&server, 400).await.to_string();
    let answer = send(server.addr, &put("/_sandbox/state", &document)).await;
    let message = answer.body["sandbox_error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        (answer.status, answer.body["sandbox_error"]["code"].clone()),
        (400, json!("invalid_state")),
        "{answer:?}"
    );
    assert!(
        message.starts_with("`PUT /_sandbox/state`: at ``: the state would hold ")
            && message.ends_with(" bytes, over the memory cap of 65536 (--max-stored-bytes)"),
        "{message}"
    );
    // 1 MiB is the smallest limit (4 x 64 KiB is less): one byte more is refused on its head.
    for path in ["/_sandbox/state", "/_sandbox/faults"] {
        let head = format!(
            "PUT {path} HTTP/1.1\r\nHost: s\r\nConnection: close\r\nContent-Length: 1048577\r\n\r\n"
        );
        let answer = send(server.addr, head.as_bytes()).await;
        assert_eq!(
            (answer.status, answer.body),
            (
                413,
                json!({"sandbox_error": {"status": 413, "code": "payload_too_large", "message": format!(
                    "`PUT {path}`: the request body is larger than 1048576 bytes, the limit of the sandbox's endpoints (4 x --max-stored-bytes, at least 1048576)"
                )}})
            )
        );
    }
    server.shutdown().await.unwrap();
}

// Issue 25: a fault set that does not deserialize is located by its pointer (never the empty
// one), and a latency over the documented maximum is refused (2^64-1 ms once hung requests).
#[tokio::test]
async fn faults_are_located_by_pointer_and_latency_is_bounded() {
    let server = start(Api::Instabot).await;
    let cases = [
        (
            r#"{"rules": [{"latency_ms": "slow"}]}"#,
            "/rules/0/latency_ms",
        ),
        (
            r#"{"rules": [{}, {"latency_ms": 18446744073709551615}]}"#,
            "/rules/1/latency_ms",
        ),
        (
            r#"{"rules": [{"jitter_ms": 300001}]}"#,
            "/rules/0/jitter_ms",
        ),
        (
            r#"{"rules": [{"error": {"status": 429, "rate": "often"}}]}"#,
            "/rules/0/error/rate",
        ),
        (
            r#"{"rules": [{"error": {"status": 429}}]}"#,
            "/rules/0/error",
        ),
        (r#"{"rules": [{"latency": 5}]}"#, "/rules/0/latency"),
        (r#"{"seed": -1}"#, "/seed"),
        (r#"{"rules": {}}"#, "/rules"),
    ];
    for (body, pointer) in cases {
        let answer = send(server.addr, &put("/_sandbox/faults", body)).await;
        assert_eq!(answer.status, 400, "{body}: {answer:?}");
        assert_eq!(answer.body["sandbox_error"]["code"], "invalid_faults");
        let message = answer.body["sandbox_error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("`PUT /_sandbox/faults`: at `{pointer}`: ")),
            "{body}: {message}"
        );
    }
    let answer = send(
        server.addr,
        &put("/_sandbox/faults", r#"{"rules": [{"latency_ms": "slow"}]}"#),
    )
    .await;
    assert_eq!(
        answer.body["sandbox_error"]["message"],
        "`PUT /_sandbox/faults`: at `/rules/0/latency_ms`: not a fault configuration: invalid type: string \"slow\", expected u64"
    );
    let answer = send(
        server.addr,
        &put(
            "/_sandbox/faults",
            r#"{"rules": [{"latency_ms": 18446744073709551615}]}"#,
        ),
    )
    .await;
    assert_eq!(
        answer.body["sandbox_error"]["message"],
        "`PUT /_sandbox/faults`: at `/rules/0/latency_ms`: 18446744073709551615 ms is over the most a rule may add, 300000 ms"
    );
    let answer = send(
        server.addr,
        &put("/_sandbox/faults", r#"{"rules": [{"latency_ms": 300000}]}"#),
    )
    .await;
    assert_eq!(answer.status, 200, "the maximum itself is accepted");
    server.shutdown().await.unwrap();
}

// Issue 25: the sandbox's endpoints take large bodies and no credentials, so their bodies are
// read one at a time: a third trickling body, behind two that each take the whole deadline, is
// refused with 429 `busy` instead of being held in memory beside them.
#[tokio::test]
async fn control_bodies_are_read_one_at_a_time() {
    let server = start_with_bodies(Api::Insightiq, quick_bodies(), ServeOptions::default()).await;
    let mut readers = Vec::new();
    for _ in 0..3 {
        let head = head_of_100_bytes("PUT", "/_sandbox/faults", None);
        readers.push(tokio::spawn(trickle_body(server.addr, head)));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut answers = Vec::new();
    for reader in readers {
        answers.push(reader.await.unwrap());
    }
    assert_eq!(answers[0].status, 408, "{:?}", answers[0]);
    assert_eq!(
        (answers[2].status, answers[2].header("retry-after")),
        (429, Some("1"))
    );
    assert_eq!(
        answers[2].body,
        json!({"sandbox_error": {"status": 429, "code": "busy", "message":
            "`PUT /_sandbox/faults`: another body sent to the sandbox's endpoints was being read for the whole 1500 ms this one waited; retry"}})
    );
    server.shutdown().await.unwrap();
}
