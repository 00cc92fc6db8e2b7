//! Stubs checked against the spec, driven through the generated clients: a documented error
//! answered once and then the stateful behaviour; a 503, 503 sequence the client's retries see
//! before the state answers 200; answers outside the spec refused (status, body pointer)
//! unless `.undocumented()`; invalid and unauthenticated requests never reach a stub; the
//! guard removes the stub.

use std::sync::Arc;

use insightiq_client::client_runtime::testing::RecordingSleep;
use sandbox::matchers::body_partial;
use sandbox::{Insightiq, Publica, TestSandbox};
use serde_json::{json, Value};
use workspace_tests::raw;

fn publica_client(sandbox: &TestSandbox<Publica>) -> publica_client::Client {
    publica_client::Client::with_credentials(
        &sandbox.base_url(),
        &publica_client::types::auth::Credentials::new("demo-token"),
    )
    .unwrap()
}

fn new_publica_user(email: &str, external_id: &str) -> publica_client::types::UserCreateRequest {
    serde_json::from_value(json!({"email": email, "external_id": external_id,
                                  "admin": false, "only_sees_readable": false}))
    .unwrap()
}

/// A profile of the seeds, as the spec's `Profile` (without the sandbox's own member).
fn seeded_profile(sandbox: &TestSandbox<Insightiq>) -> Value {
    let mut profile = sandbox.state()["profiles"][0].clone();
    profile.as_object_mut().unwrap().remove("_sandbox");
    profile
}

#[tokio::test]
async fn a_documented_422_answered_once_then_the_stateful_behaviour() {
    use publica_server::Operation;
    let sandbox = TestSandbox::start(Publica).await.unwrap();
    let client = publica_client(&sandbox);
    let taken = json!({"message": "The given data was invalid.",
                       "errors": {"email": ["The email has already been taken."]}});
    let _stub = sandbox
        .on(Operation::CreateUser)
        .matching(body_partial(json!({"email": "ada@example.com"})))
        .respond_once(422, taken)
        .mount()
        .unwrap();
    let refused = client
        .create_user(new_publica_user("ada@example.com", "ada"))
        .send()
        .await
        .unwrap_err();
    match refused {
        publica_client::Error::ErrorResponse(response) => {
            assert_eq!(response.status().as_u16(), 422);
            assert_eq!(
                response.errors["email"],
                ["The email has already been taken."]
            );
        }
        other => panic!("expected the stubbed 422, got {other:?}"),
    }
    // The stub is used up and the state was not touched: the same create now succeeds.
    let created = client
        .create_user(new_publica_user("ada@example.com", "ada"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.data.email, "ada@example.com");
    let received = sandbox.received_of(Operation::CreateUser);
    let seen: Vec<(u16, bool)> = received.iter().map(|r| (r.status, r.stubbed)).collect();
    assert_eq!(seen, [(422, true), (200, false)]);
    sandbox.verify();
}

#[tokio::test]
async fn a_503_503_sequence_is_seen_by_the_client_retries_then_the_state_answers() {
    use insightiq_server::Operation;
    let sandbox = TestSandbox::start(Insightiq).await.unwrap();
    let unavailable = sandbox.error_body(503, "service_unavailable", "try again");
    let _stub = sandbox
        .on(Operation::GetUserByExternalId)
        .undocumented()
        .respond_once(503, unavailable.clone())
        .then_once(503, unavailable)
        .mount()
        .unwrap();
    let sleep = Arc::new(RecordingSleep::default());
    let client = insightiq_client::Client::builder(&sandbox.base_url())
        .credentials(&insightiq_client::types::auth::Credentials::new(
            "demo", "p@55w0rd",
        ))
        .sleep(sleep.clone())
        .build()
        .unwrap();
    let user = client
        .get_user_by_external_id("154813a5-d26e-42f2-8b1d-ebbed59b062d")
        .send()
        .await
        .unwrap();
    assert_eq!(user.name, "Mark Ruffalo");
    assert_eq!(sleep.waits().len(), 2, "two retries");
    let received = sandbox.received_of(Operation::GetUserByExternalId);
    let statuses: Vec<u16> = received.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [503, 503, 200]);
    sandbox.verify();
}

#[tokio::test]
async fn answers_outside_the_spec_are_refused_unless_undocumented() {
    use insightiq_server::Operation;
    let sandbox = TestSandbox::start(Insightiq).await.unwrap();
    let undocumented = sandbox
        .on(Operation::GetProfile)
        .respond(418, json!({}))
        .mount()
        .unwrap_err();
    assert_eq!(
        undocumented.to_string(),
        "stub of `get_profile` answering 418: the spec documents no 418 for `get_profile` (it \
         documents 200, 400, 401, 404); mark the stub .undocumented() to answer it anyway"
    );
    let mut broken = seeded_profile(&sandbox);
    broken["platform_username"] = json!(5);
    let refused = sandbox
        .on(Operation::GetProfile)
        .respond(200, broken.clone())
        .mount()
        .unwrap_err();
    assert_eq!(refused.pointer, "/platform_username", "{refused}");
    assert_eq!(
        refused.to_string(),
        "stub of `get_profile` answering 200: at `/platform_username`: 5 is not of types \
         \"string\", \"null\" (schema of /paths/~1profiles~1{id}/get/responses/200)"
    );
    // On purpose: answered as given, with the spec's request-id header all the same.
    let _stub = sandbox
        .on(Operation::GetProfile)
        .undocumented()
        .respond(200, broken)
        .mount()
        .unwrap();
    let id = seeded_profile(&sandbox)["id"].as_str().unwrap().to_owned();
    let response = raw(
        "GET",
        &format!("{}/profiles/{id}", sandbox.base_url()),
        &[("authorization", "Basic ZGVtbzpwQDU1dzByZA==")],
        None,
    )
    .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.body["platform_username"], 5);
    assert!(response.headers.contains_key("request-id"));
    sandbox.verify();
}

#[tokio::test]
async fn a_valid_stub_answers_through_the_client_and_its_guard_removes_it() {
    use insightiq_server::Operation;
    let sandbox = TestSandbox::start(Insightiq).await.unwrap();
    let client = insightiq_client::Client::with_credentials(
        &sandbox.base_url(),
        &insightiq_client::types::auth::Credentials::new("demo", "p@55w0rd"),
    )
    .unwrap();
    let mut renamed = seeded_profile(&sandbox);
    let id = renamed["id"].as_str().unwrap().to_owned();
    renamed["full_name"] = json!("Stubbed Name");
    let stub = sandbox
        .on(Operation::GetProfile)
        .respond(200, renamed)
        .up_to(2)
        .mount()
        .unwrap();
    let profile = client.get_profile(&id).send().await.unwrap();
    assert_eq!(profile.full_name.as_deref(), Some("Stubbed Name"));
    drop(stub);
    let profile = client.get_profile(&id).send().await.unwrap();
    assert_ne!(profile.full_name.as_deref(), Some("Stubbed Name"));
    sandbox.verify();
}

#[tokio::test]
async fn invalid_and_unauthenticated_requests_never_reach_a_stub() {
    use insightiq_server::Operation;
    let sandbox = TestSandbox::start(Insightiq).await.unwrap();
    let created = json!({"id": "0b8b2b8b-7c9a-4c7e-9a53-1b9a3e1f7d10", "name": "Stubbed",
                         "external_id": "x-1", "created_at": "2023-01-01T00:00:00.000000",
                         "updated_at": "2023-01-01T00:00:00.000000", "status": "ACTIVE"});
    let _stub = sandbox
        .on(Operation::CreateUser)
        .respond(201, created)
        .mount()
        .unwrap();
    // Invalid: no `name`. The vendor's 400, not the stub's 201.
    let response = raw(
        "POST",
        &format!("{}/users", sandbox.base_url()),
        &[
            ("authorization", "Basic ZGVtbzpwQDU1dzByZA=="),
            ("content-type", "application/json"),
        ],
        Some(br#"{"external_id": "x-1"}"#),
    )
    .await;
    assert_eq!(response.status, 400, "{}", response.body);
    // Unauthenticated, through the client: 401.
    let stranger = insightiq_client::Client::with_credentials(
        &sandbox.base_url(),
        &insightiq_client::types::auth::Credentials::new("demo", "wrong"),
    )
    .unwrap();
    let external_id: insightiq_client::types::UserCreateRequestExternalId = "x-2".parse().unwrap();
    let error = stranger
        .create_user(insightiq_client::types::UserCreateRequest::new(
            external_id,
            "Grace",
        ))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let received = sandbox.received_of(Operation::CreateUser);
    let seen: Vec<(u16, bool, bool)> = received
        .iter()
        .map(|r| (r.status, r.valid, r.stubbed))
        .collect();
    assert_eq!(seen, [(400, false, false), (401, false, false)]);
    let report = sandbox.try_verify().unwrap_err().to_string();
    assert!(report.contains("2 request(s) were refused"), "{report}");
    sandbox.allow_invalid_requests();
}
