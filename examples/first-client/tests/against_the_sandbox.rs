//! The first calls, against the sandbox on a loopback port: each sign-up is sent, accepted and
//! visible afterwards; a value out of the spec's bounds is refused before sending.

use sandbox::{Api, TestSandbox};

#[tokio::test]
async fn insightiq_sign_up_then_lookup_by_external_id() {
    let sandbox = TestSandbox::start(Api::Insightiq).await.unwrap();
    let client = insightiq_client::Client::with_credentials(
        &sandbox.base_url(),
        &sandbox.credentials().insightiq,
    )
    .unwrap();
    let id = first_client::sign_up_insightiq(&client, "ext-first-1", "Ada")
        .await
        .unwrap();
    let found = client
        .get_user_by_external_id("ext-first-1")
        .send()
        .await
        .unwrap();
    assert_eq!(found.id.to_string(), id);
    assert_eq!(found.name, "Ada");

    // `maxLength: 100` on external_id: plain text compiles, the bound is checked before sending.
    let refused = first_client::sign_up_insightiq(&client, &"x".repeat(101), "Too long")
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.contains("external_id"), "{refused}");
    assert!(refused.contains("maxLength"), "{refused}");
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn publica_sign_up_is_listed() {
    let sandbox = TestSandbox::start(Api::Publica).await.unwrap();
    let client = publica_client::Client::with_credentials(
        &sandbox.base_url(),
        &sandbox.credentials().publica,
    )
    .unwrap();
    let id = first_client::sign_up_publica(&client, "ada@example.com", "ada-1")
        .await
        .unwrap();
    let state = sandbox.state();
    let users = state["users"].as_array().unwrap();
    assert!(
        users
            .iter()
            .any(|u| u["id"] == id && u["email"] == "ada@example.com"),
        "{users:?}"
    );
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn instabot_sign_up_adds_a_user() {
    let sandbox = TestSandbox::start(Api::Instabot).await.unwrap();
    let client = instabot_client::Client::with_credentials(
        &sandbox.base_url(),
        &sandbox.credentials().instabot,
    )
    .unwrap();
    let before = client
        .list_users()
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .len();
    let after = first_client::sign_up_instabot(&client, "ada", "s3cret-pass")
        .await
        .unwrap();
    assert_eq!(after, before + 1);
    sandbox.shutdown().await.unwrap();
}
