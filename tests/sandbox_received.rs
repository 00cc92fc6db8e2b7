//! What the code under test sent, as the sandbox kept it: through the generated clients,
//! credentials and `writeOnly` members redacted; the log's bound; `/_sandbox/requests` over
//! HTTP; and a hundred sandboxes at once, each with its own state and log.

use std::time::Duration;

use sandbox::{Insightiq, Instabot, Options, Publica, TestSandbox, REQUESTS_PATH};
use serde_json::json;
use workspace_tests::raw;

#[tokio::test]
async fn credentials_and_write_only_members_are_absent_from_what_was_received() {
    let publica = TestSandbox::start(Publica).await.unwrap();
    let client = publica_client::Client::with_credentials(
        &publica.base_url(),
        &publica_client::types::auth::Credentials::new("demo-token"),
    )
    .unwrap();
    let user: publica_client::types::UserCreateRequest = serde_json::from_value(json!({
        "email": "ada@example.com", "external_id": "ada", "new_password": "Abcd1234",
        "admin": false, "only_sees_readable": false}))
    .unwrap();
    client.create_user(user).send().await.unwrap();
    let sent = &publica.received()[0];
    assert_eq!(sent.operation, Some("create_user"));
    assert_eq!(sent.status, 200, "Publica.la answers a create with 200");
    assert_eq!(sent.header("x-user-token"), Some("[redacted]"));
    let body = sent.body.as_ref().unwrap();
    assert_eq!(body["new_password"], "[redacted]");
    assert_eq!(body["email"], "ada@example.com");

    let instabot = TestSandbox::start(Instabot).await.unwrap();
    let client = instabot_client::Client::with_credentials(
        &instabot.base_url(),
        &instabot_client::types::auth::Credentials::new("demo-api-key", "demo-master-key"),
    )
    .unwrap();
    client.list_users().send().await.unwrap();
    let insightiq = TestSandbox::start(Insightiq).await.unwrap();
    let client = insightiq_client::Client::with_credentials(
        &insightiq.base_url(),
        &insightiq_client::types::auth::Credentials::new("demo", "p@55w0rd"),
    )
    .unwrap();
    client.list_profiles().send().await.unwrap();
    // No secret anywhere in what was kept, in any form the clients send it.
    let kept = serde_json::to_string(&[
        publica.received(),
        instabot.received(),
        insightiq.received(),
    ])
    .unwrap();
    for secret in [
        "demo-token",
        "Abcd1234",
        "demo-api-key",
        "demo-master-key",
        "ZGVtbzpwQDU1dzByZA",
    ] {
        assert!(!kept.contains(secret), "{secret} in {kept}");
    }
    for sandbox_headers in [
        instabot.received()[0].header("x-instabot-api-key"),
        instabot.received()[0].header("authorization"),
        insightiq.received()[0].header("authorization"),
    ] {
        assert_eq!(sandbox_headers, Some("[redacted]"));
    }
}

#[tokio::test]
async fn the_received_requests_are_bounded_by_bytes_oldest_dropped_first() {
    // A quarter of a 64 KiB cap: 16 KiB of requests.
    let options = Options {
        max_stored_bytes: Some(64 * 1024),
        ..Options::default()
    };
    let sandbox = TestSandbox::start_with(Insightiq, options).await.unwrap();
    let client = insightiq_client::Client::with_credentials(
        &sandbox.base_url(),
        &insightiq_client::types::auth::Credentials::new("demo", "p@55w0rd"),
    )
    .unwrap();
    let sent: u64 = 200;
    for offset in 0..sent {
        client
            .list_profiles()
            .offset(offset as i64)
            .send()
            .await
            .unwrap();
    }
    let kept = sandbox.received();
    assert!(kept.len() < sent as usize, "{} kept", kept.len());
    assert!(kept.len() > 10, "{} kept", kept.len());
    // The newest, in order, up to the last one sent.
    let sequences: Vec<u64> = kept.iter().map(|r| r.sequence).collect();
    let last = *sequences.last().unwrap();
    assert_eq!(last, sent);
    assert_eq!(
        sequences,
        (last + 1 - kept.len() as u64..=last).collect::<Vec<_>>()
    );
    assert_eq!(kept.last().unwrap().query_value("offset"), Some("199"));
    let listed = raw(
        "GET",
        &format!("http://{}{REQUESTS_PATH}", sandbox.addr()),
        &[],
        None,
    )
    .await;
    assert_eq!(
        listed.body["dropped"],
        json!(sent - kept.len() as u64),
        "the dropped are counted"
    );
    // Each request is counted for at least its record overhead, 128 bytes.
    assert!(kept.len() <= 16 * 1024 / 128, "{} kept", kept.len());
}

#[tokio::test]
async fn the_requests_endpoint_lists_filters_and_clears() {
    let sandbox = TestSandbox::start(Insightiq).await.unwrap();
    let client = insightiq_client::Client::with_credentials(
        &sandbox.base_url(),
        &insightiq_client::types::auth::Credentials::new("demo", "p@55w0rd"),
    )
    .unwrap();
    client.list_profiles().limit(3).send().await.unwrap();
    client
        .get_user_by_external_id("154813a5-d26e-42f2-8b1d-ebbed59b062d")
        .send()
        .await
        .unwrap();
    let endpoint = format!("http://{}{REQUESTS_PATH}", sandbox.addr());
    let all = raw("GET", &endpoint, &[], None).await;
    assert_eq!(all.status, 200);
    assert_eq!(all.body["requests"].as_array().unwrap().len(), 2);
    let listed = raw(
        "GET",
        &format!("{endpoint}?operation=list_profiles"),
        &[],
        None,
    )
    .await;
    let requests = listed.body["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["operation"], "list_profiles");
    assert_eq!(requests[0]["method"], "GET");
    assert_eq!(requests[0]["path"], "/v1/profiles");
    assert_eq!(requests[0]["query"], json!([["limit", "3"]]));
    assert_eq!(requests[0]["status"], 200);
    assert_eq!(requests[0]["valid"], true);
    let unknown = raw(
        "GET",
        &format!("{endpoint}?operation=list_profile"),
        &[],
        None,
    )
    .await;
    assert_eq!(unknown.status, 400);
    assert_eq!(
        unknown.body["sandbox_error"]["message"],
        "`GET /_sandbox/requests`: insightiq has no operation `list_profile` (it has \
         create_user, get_user_by_external_id, create_sdk_token, disconnect_account, \
         get_profile, list_profiles)"
    );
    let cleared = raw("DELETE", &endpoint, &[], None).await;
    assert_eq!(cleared.status, 204);
    assert!(sandbox.received().is_empty());
    let wrong = raw("POST", &endpoint, &[], None).await;
    assert_eq!(wrong.status, 405);
    assert!(
        sandbox.received().is_empty(),
        "the sandbox's own endpoints are not kept"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_sandboxes_at_once_each_with_its_own_state_and_log() {
    let run = async {
        let starts = (0..100).map(|_| TestSandbox::start(Insightiq));
        let sandboxes: Vec<_> = futures_util::future::try_join_all(starts).await.unwrap();
        let calls = sandboxes
            .iter()
            .enumerate()
            .map(|(index, sandbox)| async move {
                let client = insightiq_client::Client::with_credentials(
                    &sandbox.base_url(),
                    &insightiq_client::types::auth::Credentials::new("demo", "p@55w0rd"),
                )
                .unwrap();
                let external_id: insightiq_client::types::UserCreateRequestExternalId =
                    format!("user-{index}").parse().unwrap();
                let request = insightiq_client::types::UserCreateRequest::new(external_id, "Grace");
                client.create_user(request).send().await.unwrap();
            });
        futures_util::future::join_all(calls).await;
        for (index, sandbox) in sandboxes.iter().enumerate() {
            let received = sandbox.received();
            assert_eq!(received.len(), 1);
            let body = received[0].body.as_ref().unwrap();
            assert_eq!(body["external_id"], format!("user-{index}"));
            let users = sandbox.state()["users"].to_string();
            assert!(users.contains(&format!("\"user-{index}\"")));
            assert_eq!(users.matches("\"user-").count(), 1, "{users}");
        }
        for sandbox in sandboxes {
            sandbox.shutdown().await.unwrap();
        }
    };
    tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("a hundred sandboxes within two minutes");
}
