//! Fault injection as a client sees it: latency, 429 with Retry-After, 503 at a seeded rate, a
//! dropped connection; scoped to one operation; set by flag, by environment variable and at run
//! time; cleared by reset; a bad set refused with its pointer and nothing changed.

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use support::spawn_binary;

use sandbox::{Api, Credentials};
use serde_json::{json, Value};

const USER: &str = "/users/external_id/e4ac5f4f-4a8c-4e2a-8a7c-6e0e0b2e2f63";

async fn insightiq() -> sandbox::Running {
    sandbox::start(
        Api::Insightiq,
        "127.0.0.1:0".parse().unwrap(),
        Credentials::defaults(),
    )
    .await
    .unwrap()
}

fn root(server: &sandbox::Running) -> String {
    format!("http://{}", server.addr)
}

async fn put_faults(server: &sandbox::Running, faults: Value) -> reqwest::Response {
    reqwest::Client::new()
        .put(format!("{}{}", root(server), sandbox::FAULTS_PATH))
        .json(&faults)
        .send()
        .await
        .unwrap()
}

async fn get_faults(server: &sandbox::Running) -> Value {
    reqwest::get(format!("{}{}", root(server), sandbox::FAULTS_PATH))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// `GET /profiles?limit=1` (list_profiles) with insightIQ's credentials.
async fn list_profiles(base_url: &str) -> reqwest::Result<reqwest::Response> {
    reqwest::Client::new()
        .get(format!("{base_url}/profiles?limit=1"))
        .basic_auth("demo", Some("p@55w0rd"))
        .send()
        .await
}

/// `GET /users/external_id/...` (get_user_by_external_id): 404 unless a fault answers.
async fn get_user(base_url: &str) -> reqwest::Result<reqwest::Response> {
    reqwest::Client::new()
        .get(format!("{base_url}{USER}"))
        .basic_auth("demo", Some("p@55w0rd"))
        .send()
        .await
}

#[tokio::test]
async fn no_faults_by_default() {
    let server = insightiq().await;
    assert_eq!(get_faults(&server).await, json!({"seed": 0, "rules": []}));
    assert_eq!(
        list_profiles(&server.base_url()).await.unwrap().status(),
        200
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn latency_is_added_to_one_operation_only() {
    let server = insightiq().await;
    let set = put_faults(
        &server,
        json!({"rules": [{"operation": "list_profiles", "latency_ms": 400, "jitter_ms": 100}]}),
    )
    .await;
    assert_eq!(set.status(), 200);
    let started = Instant::now();
    assert_eq!(
        list_profiles(&server.base_url()).await.unwrap().status(),
        200
    );
    let slowed = started.elapsed();
    assert!(slowed >= Duration::from_millis(400), "took {slowed:?}");
    let started = Instant::now();
    assert_eq!(get_user(&server.base_url()).await.unwrap().status(), 404);
    assert!(
        started.elapsed() < slowed,
        "the other operation was slowed too"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn rate_limited_with_retry_after_in_the_vendor_shape() {
    let server = insightiq().await;
    let set = put_faults(
        &server,
        json!({"rules": [{"operation": "list_profiles",
                          "error": {"status": 429, "rate": 1.0, "retry_after_s": 7}}]}),
    )
    .await;
    assert_eq!(set.status(), 200);
    let answer = list_profiles(&server.base_url()).await.unwrap();
    assert_eq!(answer.status(), 429);
    assert_eq!(answer.headers()["retry-after"], "7");
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["error"]["error_code"], "rate_limited", "{body}");
    assert_eq!(body["error"]["status_code"], 429, "{body}");
    // The other operation is untouched.
    assert_eq!(get_user(&server.base_url()).await.unwrap().status(), 404);
    server.shutdown().await.unwrap();
}

async fn statuses_503(server: &sandbox::Running, requests: usize) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..requests {
        statuses.push(
            list_profiles(&server.base_url())
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    statuses
}

#[tokio::test]
async fn unavailable_at_the_configured_rate_reproducibly() {
    let server = insightiq().await;
    let faults = json!({"seed": 42, "rules": [{"error": {"status": 503, "rate": 0.5}}]});
    assert_eq!(put_faults(&server, faults.clone()).await.status(), 200);
    let first = statuses_503(&server, 60).await;
    let failed = first.iter().filter(|&&s| s == 503).count();
    assert!((15..=45).contains(&failed), "{failed} of 60 at rate 0.5");
    assert!(first.iter().all(|&s| s == 200 || s == 503), "{first:?}");
    // The same seed set again replays the same sequence.
    assert_eq!(put_faults(&server, faults).await.status(), 200);
    assert_eq!(statuses_503(&server, 60).await, first);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_dropped_connection_gets_no_answer() {
    let server = insightiq().await;
    let set = put_faults(
        &server,
        json!({"rules": [{"operation": "list_profiles", "drop_rate": 1.0}]}),
    )
    .await;
    assert_eq!(set.status(), 200);
    let outcome = match list_profiles(&server.base_url()).await {
        Err(error) => Err(error),
        Ok(response) => response.bytes().await.map(|_| ()),
    };
    assert!(outcome.is_err(), "the connection was answered");
    assert_eq!(get_user(&server.base_url()).await.unwrap().status(), 404);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn reset_clears_the_faults() {
    let server = insightiq().await;
    let set = put_faults(
        &server,
        json!({"rules": [{"error": {"status": 500, "rate": 1.0}}]}),
    )
    .await;
    assert_eq!(set.status(), 200);
    let answer = list_profiles(&server.base_url()).await.unwrap();
    assert_eq!(answer.status(), 500);
    assert!(answer.headers().get("retry-after").is_none());
    let reset = reqwest::Client::new()
        .post(format!("{}{}", root(&server), sandbox::RESET_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 204);
    assert_eq!(get_faults(&server).await, json!({"seed": 0, "rules": []}));
    assert_eq!(
        list_profiles(&server.base_url()).await.unwrap().status(),
        200
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_invalid_set_is_refused_with_its_pointer_and_changes_nothing() {
    let server = insightiq().await;
    let before = json!({"seed": 3, "rules": [{"operation": "get_profile", "latency_ms": 1}]});
    assert_eq!(put_faults(&server, before.clone()).await.status(), 200);
    let refused = put_faults(
        &server,
        json!({"rules": [{"latency_ms": 1}, {"operation": "no_such_operation"}]}),
    )
    .await;
    assert_eq!(refused.status(), 400);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["sandbox_error"]["code"], "invalid_faults");
    let message = body["sandbox_error"]["message"].as_str().unwrap();
    assert!(message.contains("/rules/1/operation"), "{message}");
    assert!(message.contains("no_such_operation"), "{message}");
    let refused = put_faults(
        &server,
        json!({"rules": [{"error": {"status": 404, "rate": 1}}]}),
    )
    .await;
    assert_eq!(refused.status(), 400);
    let body: Value = refused.json().await.unwrap();
    assert!(body["sandbox_error"]["message"]
        .as_str()
        .unwrap()
        .contains("/rules/0/error/status"));
    assert_eq!(
        get_faults(&server).await,
        json!({"seed": 3, "rules": [{"operation": "get_profile", "latency_ms": 1, "jitter_ms": 0, "drop_rate": 0.0}]})
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn faults_set_at_start_by_flag() {
    let (mut child, url) = spawn_binary(
        "insightiq",
        &[
            "--insightiq-faults",
            r#"{"rules": [{"operation": "list_profiles", "error": {"status": 503, "rate": 1.0}}]}"#,
        ],
        &[],
    );
    let answer = list_profiles(&url).await.unwrap();
    assert_eq!(answer.status(), 503);
    assert_eq!(answer.headers()["retry-after"], "1");
    assert_eq!(get_user(&url).await.unwrap().status(), 404);
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn faults_set_at_start_by_environment_variable() {
    let (mut child, url) = spawn_binary(
        "publica",
        &[],
        &[(
            "SANDBOX_PUBLICA_FAULTS",
            r#"{"rules": [{"operation": "list_users", "error": {"status": 429, "rate": 1.0}}]}"#,
        )],
    );
    let answer = reqwest::Client::new()
        .get(format!("{url}/integration-api/v1/dashboard/users"))
        .header("x-user-token", "demo-token")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 429);
    let body: Value = answer.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("list_users"),
        "{body}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_bad_start_flag_is_named_and_exits_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_sandbox"))
        .args([
            "instabot",
            "--instabot-faults",
            r#"{"rules": [{"drop_rate": 2}]}"#,
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--instabot-faults"), "{stderr}");
    assert!(stderr.contains("/rules/0/drop_rate"), "{stderr}");
}

#[test]
fn an_unknown_api_is_named_and_exits_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_sandbox"))
        .arg("nothing")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no API named `nothing`"), "{stderr}");
}
