//! The memory cap: with a small cap, creates get the documented 507 in the vendor's shape and
//! reads keep working; reset frees the room again.

use sandbox::{Api, Options, TestSandbox};
use serde_json::{json, Value};

async fn create(client: &reqwest::Client, base: &str, n: usize) -> reqwest::Response {
    client
        .post(format!("{base}/users"))
        .basic_auth("demo", Some("p@55w0rd"))
        .json(&json!({"name": format!("user {n}"), "external_id": format!("cap-{n}")}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn creates_past_the_cap_are_refused_and_reads_keep_working() {
    // Seeds take about 15 kB (ten profiles); the cap leaves room for a few users.
    let seeds = TestSandbox::start(Api::Insightiq).await.unwrap();
    let seed_bytes = seeds.state().to_string().len();
    seeds.shutdown().await.unwrap();
    let options = Options {
        max_stored_bytes: Some(seed_bytes + 8 * 1024),
        ..Options::default()
    };
    let sandbox = TestSandbox::start_with(Api::Insightiq, options)
        .await
        .unwrap();
    let client = reqwest::Client::new();
    let base = sandbox.base_url();
    let mut created = 0;
    let refused = loop {
        let answer = create(&client, &base, created).await;
        if answer.status() != 201 {
            break answer;
        }
        created += 1;
        assert!(created < 1000, "the cap never applied");
    };
    assert!(created > 0, "no room at all below the cap");
    assert_eq!(refused.status(), 507);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["error_code"], "storage_cap_reached", "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("create_user"));
    // Reads keep working, the users created are there.
    let read = client
        .get(format!("{base}/users/external_id/cap-0"))
        .basic_auth("demo", Some("p@55w0rd"))
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);
    let listed = client
        .get(format!("{base}/profiles"))
        .basic_auth("demo", Some("p@55w0rd"))
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
    // Reset frees the room.
    sandbox.reset();
    assert_eq!(create(&client, &base, 0).await.status(), 201);
    sandbox.shutdown().await.unwrap();
}
