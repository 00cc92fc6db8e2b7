//! Scenarios: the state exported and imported whole (round trip equal), loaded at start with
//! `--state FILE`, and an invalid import refused with its record and pointer, changing nothing.

mod support;

use sandbox::{Api, Credentials};
use serde_json::{json, Value};
use support::spawn_binary;

async fn start(api: Api) -> sandbox::Running {
    sandbox::start(api, "127.0.0.1:0".parse().unwrap(), Credentials::defaults())
        .await
        .unwrap()
}

fn state_url(server: &sandbox::Running) -> String {
    format!("http://{}{}", server.addr, sandbox::STATE_PATH)
}

async fn export(server: &sandbox::Running) -> Value {
    let answer = reqwest::get(state_url(server)).await.unwrap();
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

async fn import(server: &sandbox::Running, document: &Value) -> reqwest::Response {
    reqwest::Client::new()
        .put(state_url(server))
        .json(document)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn export_then_import_round_trips_for_every_api() {
    for api in Api::ALL {
        let server = start(api).await;
        let exported = export(&server).await;
        let users = exported["users"].as_array().unwrap();
        assert!(!users.is_empty(), "{} exports its seeds", api.name());
        let answer = import(&server, &exported).await;
        assert_eq!(
            answer.status(),
            204,
            "{}: {}",
            api.name(),
            answer.text().await.unwrap()
        );
        assert_eq!(export(&server).await, exported, "{}", api.name());
        server.shutdown().await.unwrap();
    }
}

#[tokio::test]
async fn sandbox_fields_are_exported_under_their_member() {
    let server = start(Api::Instabot).await;
    let exported = export(&server).await;
    assert_eq!(
        exported["users"][0]["_sandbox"],
        json!({"deleted": false, "password": null})
    );
    server.shutdown().await.unwrap();
    let server = start(Api::Publica).await;
    let exported = export(&server).await;
    assert_eq!(
        exported["users"][0]["_sandbox"]["external_id"],
        "user-id-in-your-platform"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_invalid_import_names_record_and_pointer_and_changes_nothing() {
    let server = start(Api::Insightiq).await;
    let before = export(&server).await;
    let mut document = before.clone();
    document["users"][1]["status"] = json!("SLEEPING");
    let answer = import(&server, &document).await;
    assert_eq!(answer.status(), 400);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["sandbox_error"]["code"], "invalid_state");
    let message = body["sandbox_error"]["message"].as_str().unwrap();
    assert!(message.contains("record users/1"), "{message}");
    assert!(message.contains("`/users/1/status`"), "{message}");
    assert_eq!(export(&server).await, before);

    let mut document = before.clone();
    let first = document["users"][0].clone();
    document["users"][2]["external_id"] = first["external_id"].clone();
    let body: Value = import(&server, &document).await.json().await.unwrap();
    let message = body["sandbox_error"]["message"].as_str().unwrap();
    assert!(message.contains("`/users/2/external_id`"), "{message}");

    let body: Value = import(&server, &json!({"people": []}))
        .await
        .json()
        .await
        .unwrap();
    let message = body["sandbox_error"]["message"].as_str().unwrap();
    assert!(message.contains("`/people`"), "{message}");
    assert_eq!(export(&server).await, before);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn publica_needs_the_external_id_in_the_sandbox_member() {
    let server = start(Api::Publica).await;
    let before = export(&server).await;
    let mut document = before.clone();
    document["users"][0]
        .as_object_mut()
        .unwrap()
        .remove("_sandbox");
    let body: Value = import(&server, &document).await.json().await.unwrap();
    let message = body["sandbox_error"]["message"].as_str().unwrap();
    assert!(message.contains("`/users/0/_sandbox`"), "{message}");
    assert_eq!(export(&server).await, before);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn state_file_at_start() {
    // A scenario: the seeds with one user renamed and its external id changed.
    let server = start(Api::Insightiq).await;
    let mut document = export(&server).await;
    server.shutdown().await.unwrap();
    document["users"][0]["name"] = json!("Scenario User");
    document["users"][0]["external_id"] = json!("scenario-1");
    let path = std::env::temp_dir().join(format!("sandbox-state-{}.json", std::process::id()));
    std::fs::write(&path, document.to_string()).unwrap();
    let (mut child, url) = spawn_binary("insightiq", &["--state", path.to_str().unwrap()], &[]);
    let user: Value = reqwest::Client::new()
        .get(format!("{url}/users/external_id/scenario-1"))
        .basic_auth("demo", Some("p@55w0rd"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(user["name"], "Scenario User");
    child.kill().unwrap();
    child.wait().unwrap();

    document["users"][0]["created_at"] = json!("yesterday");
    std::fs::write(&path, document.to_string()).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sandbox"))
        .args(["insightiq", "--state", path.to_str().unwrap()])
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("`/users/0/created_at`"), "{stderr}");
}

// Issue 25: `--state FILE` is held to `--max-stored-bytes`, as `PUT /_sandbox/state` is.
#[tokio::test]
async fn a_start_state_over_the_memory_cap_is_refused() {
    let seeds = sandbox::TestSandbox::start(sandbox::Api::Insightiq)
        .await
        .unwrap();
    let document = seeds.state();
    seeds.shutdown().await.unwrap();
    let path = std::env::temp_dir().join(format!("sandbox-capped-{}.json", std::process::id()));
    std::fs::write(&path, document.to_string()).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sandbox"))
        .args(["insightiq", "--max-stored-bytes", "1000", "--state"])
        .arg(&path)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("insightiq state refused: at ``: the state would hold ")
            && stderr.contains(" bytes, over the memory cap of 1000 (--max-stored-bytes)"),
        "{stderr}"
    );
}

/// A parent that reads the banner's first line and closes its end of stdout (a test harness,
/// a script that only wanted the URL) must not stop the servers: the banner's next line, and
/// "shutting down", go to a closed pipe.
#[test]
fn the_servers_outlive_a_closed_stdout() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::{Command, Stdio};

    let mut child = Command::new(env!("CARGO_BIN_EXE_sandbox"))
        .args(["publica", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap(); // the reader, and the pipe, are dropped here
    let url = first
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in the banner {first:?}"));
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    std::thread::sleep(std::time::Duration::from_millis(200)); // the banner's second line
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    stream
        .write_all(b"GET /_sandbox/state HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    let read = stream.read_to_string(&mut answer);
    let exited = child.try_wait().unwrap();
    child.kill().ok();
    child.wait().unwrap();
    assert!(exited.is_none(), "the sandbox exited: {exited:?}");
    read.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 "), "{answer:?}");
}
