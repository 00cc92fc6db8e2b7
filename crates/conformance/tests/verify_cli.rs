//! `conformance verify` over loopback against a sandbox (the URL target): the committed list
//! passes, a stale unreached entry fails, `--fail-under` fails below its floor, `--setup` runs
//! first, and credentials are never printed.

mod common;

use std::io::Write;

use sandbox::{Api, TestSandbox};

const TOKEN: &str = "demo-token";

/// Runs the CLI off the async runtime (it builds its own).
async fn verify(args: Vec<String>) -> (i32, String, String) {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        common::cli(&args, "")
    })
    .await
    .unwrap()
}

fn args(sandbox: &TestSandbox, extra: &[&str]) -> Vec<String> {
    let spec = common::spec_path("publica").display().to_string();
    let mut out = vec![
        "verify".to_owned(),
        "--spec".to_owned(),
        spec,
        "--url".to_owned(),
        sandbox.base_url(),
        "--credential".to_owned(),
        format!("userToken={TOKEN}"),
        "--allow-destructive".to_owned(),
    ];
    out.extend(extra.iter().map(|s| (*s).to_owned()));
    out
}

fn committed_list() -> String {
    common::workspace_root()
        .join("crates/conformance/verify-unreached.yaml")
        .display()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_committed_list_passes_and_no_credential_is_printed() {
    let sandbox = TestSandbox::start(Api::Publica).await.unwrap();
    // verify sends the refusals the spec documents on purpose.
    sandbox.allow_invalid_requests();
    let list = committed_list();
    let (code, out, err) = verify(args(
        &sandbox,
        &["--unreached", &list, "--fail-under", "80"],
    ))
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("result: pass"), "{out}");
    assert!(out.contains("list_users         200 reached"), "{out}");
    assert!(!out.contains(TOKEN) && !err.contains(TOKEN), "{out}{err}");

    let (code, out, _) = verify(args(&sandbox, &["--unreached", &list, "--format", "json"])).await;
    assert_eq!(code, 0, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["passes"], true);
    assert_eq!(report["coverage"]["documented"], 23);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_entry_and_a_missed_floor_fail() {
    let sandbox = TestSandbox::start(Api::Publica).await.unwrap();
    // verify sends the refusals the spec documents on purpose.
    sandbox.allow_invalid_requests();
    let mut list = tempfile_in_target("verify-stale.yaml");
    writeln!(
        list.1,
        "- {{api: publica, operation: create_user, status: 401, reason: thought unreachable}}\n\
         - {{api: publica, operation: create_user, status: 418, reason: names nothing}}"
    )
    .unwrap();
    let path = list.0.display().to_string();
    let (code, out, _) = verify(args(
        &sandbox,
        &["--unreached", &path, "--fail-under", "100"],
    ))
    .await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL: stale unreached entry publica create_user 401: now reached"),
        "{out}"
    );
    assert!(
        out.contains("FAIL: stale unreached entry publica create_user 418: names nothing"),
        "{out}"
    );
    assert!(
        out.contains("FAIL: coverage 91.3% is under --fail-under 100%"),
        "{out}"
    );
    // Statuses neither reached nor listed fail once a list is given.
    assert!(
        out.contains("FAIL: list_users 404 not reached and not on the unreached list"),
        "{out}"
    );

    let (code, out, _) = verify(args(&sandbox, &["--format", "junit"])).await;
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("<testcase classname=\"verify.publica\" name=\"create_user 200\"/>"),
        "{out}"
    );
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_requests_run_first_and_a_failing_one_stops_the_run() {
    let sandbox = TestSandbox::start(Api::Publica).await.unwrap();
    // verify sends the refusals the spec documents on purpose.
    sandbox.allow_invalid_requests();
    let mut setup = tempfile_in_target("verify-setup.yaml");
    writeln!(
        setup.1,
        "- method: POST\n  path: /integration-api/v1/dashboard/users\n  body: {{email: setup@example.com, external_id: setup-1, new_password: Abcd1234}}"
    )
    .unwrap();
    let path = setup.0.display().to_string();
    let (code, out, err) = verify(args(&sandbox, &["--setup", &path, "--max-requests", "5"])).await;
    assert!(
        out.contains("stopped after 5 requests (--max-requests)"),
        "{out}{err}"
    );
    assert_eq!(code, 0, "{out}{err}");
    let users = sandbox.state()["users"].clone();
    assert!(users.to_string().contains("setup@example.com"), "{users}");

    // The same create again: the e-mail is taken (422), so the run does not start.
    let (code, out, err) = verify(args(&sandbox, &["--setup", &path])).await;
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("setup: request 1 (POST /integration-api/v1/dashboard/users) answered 422"),
        "{err}"
    );
    sandbox.shutdown().await.unwrap();
}

#[test]
fn missing_credentials_are_a_usage_error_naming_the_scheme() {
    let spec = common::spec_path("publica").display().to_string();
    let (code, _, err) = common::cli(
        &["verify", "--spec", &spec, "--url", "http://127.0.0.1:9/"],
        "",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no credentials for userToken"), "{err}");
    let (code, _, err) = common::cli(&["verify", "--spec", &spec, "--url", "file:///etc"], "");
    assert_eq!(code, 2, "{err}");
}

/// A fresh file under the target directory (the tests write nowhere else).
fn tempfile_in_target(name: &str) -> (std::path::PathBuf, std::fs::File) {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("{}-{name}", std::process::id()));
    let file = std::fs::File::create(&path).unwrap();
    (path, file)
}
