//! Expectations on what the code under test sends, driven through the generated clients:
//! met, unmet (the report names the nearest miss), exceeded; verification by `verify()`, by
//! the guard's drop and by the sandbox's drop; a refused request fails verification unless it
//! is allowed; operations typed by API.

use std::panic::{catch_unwind, AssertUnwindSafe};

use insightiq_client::types::{auth::Credentials, UserCreateRequest, UserCreateRequestExternalId};
use insightiq_server::Operation;
use sandbox::matchers::{body_partial, header, query};
use sandbox::{Api, Insightiq, TestSandbox};
use serde_json::json;
use workspace_tests::raw;

fn client(sandbox: &TestSandbox<Insightiq>) -> insightiq_client::Client {
    insightiq_client::Client::with_credentials(
        &sandbox.base_url(),
        &Credentials::new("demo", "p@55w0rd"),
    )
    .unwrap()
}

fn new_user(external_id: &str) -> UserCreateRequest {
    let external_id: UserCreateRequestExternalId = external_id.parse().unwrap();
    UserCreateRequest::new(external_id, "Grace Hopper")
}

/// The message of a panic caught by `catch_unwind`.
fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

#[tokio::test]
async fn an_expectation_met_one_unmet_with_its_nearest_miss_and_one_exceeded() {
    let sandbox = TestSandbox::start(Insightiq).await.unwrap();
    let client = client(&sandbox);
    let met = sandbox
        .expect(Operation::CreateUser)
        .matching(body_partial(json!({"external_id": "grace-1"})))
        .times(1);
    let unmet = sandbox
        .expect(Operation::CreateUser)
        .matching(body_partial(json!({"external_id": "ada-1"})))
        .matching(header("content-type", "application/json"))
        .times(1);
    let exceeded = sandbox.expect(Operation::ListProfiles).at_most(1);
    let never = sandbox
        .expect(Operation::ListProfiles)
        .matching(query("limit", "3"))
        .never();

    client
        .create_user(new_user("grace-1"))
        .send()
        .await
        .unwrap();
    client.create_user(new_user("ada-2")).send().await.unwrap();
    client.list_profiles().send().await.unwrap();
    client.list_profiles().limit(2).send().await.unwrap();

    met.verify().unwrap();
    never.verify().unwrap();
    let second = sandbox.received_of(Operation::CreateUser)[1].sequence;
    assert_eq!(
        unmet.verify().unwrap_err().failures,
        [format!(
            "expectation `create_user` where body contains {{\"external_id\":\"ada-1\"}}, header \
             content-type: application/json: expected exactly 1 matching request(s), saw 0; \
             nearest miss: request #{second} `POST /v1/users`: body at `/external_id`: \
             expected \"ada-1\", got \"ada-2\""
        )]
    );
    assert_eq!(
        exceeded.verify().unwrap_err().failures,
        ["expectation `list_profiles`: expected at most 1 matching request(s), saw 2"]
    );
    // The whole report, as `verify()` and a drop print it.
    let report = sandbox.try_verify().unwrap_err().to_string();
    assert!(report.contains("saw 0; nearest miss"), "{report}");
    assert!(
        report.contains("at most 1 matching request(s), saw 2"),
        "{report}"
    );

    // Dropping a guard verifies its expectation (and removes it).
    let dropped = catch_unwind(AssertUnwindSafe(|| drop(unmet))).unwrap_err();
    assert!(panic_text(dropped).contains("nearest miss"));
    let dropped = catch_unwind(AssertUnwindSafe(|| drop(exceeded))).unwrap_err();
    assert!(panic_text(dropped).contains("saw 2"));
    drop((met, never));
    sandbox.verify();
}

#[tokio::test]
async fn an_expectation_of_a_request_never_sent_says_so_and_the_sandbox_drop_verifies_it() {
    let sandbox = TestSandbox::start(Insightiq).await.unwrap();
    sandbox.expect(Operation::DisconnectAccount).times(1).keep();
    client(&sandbox).list_profiles().send().await.unwrap();
    let dropped = catch_unwind(AssertUnwindSafe(|| drop(sandbox))).unwrap_err();
    assert_eq!(
        panic_text(dropped),
        "the sandbox's verification failed:\nexpectation `disconnect_account`: expected \
         exactly 1 matching request(s), saw 0; nearest miss: no other `disconnect_account` \
         request was received"
    );
}

#[tokio::test]
async fn a_refused_request_fails_verification_unless_invalid_requests_are_allowed() {
    let sandbox = TestSandbox::start(Insightiq).await.unwrap();
    let expectation = sandbox.expect(Operation::CreateUser).at_least(1);
    // A body the spec refuses (no `name`), which the generated client would not send.
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
    assert_eq!(response.status, 400);
    let received = sandbox.received_of(Operation::CreateUser);
    assert!(!received[0].valid);
    assert_eq!(received[0].findings.len(), 1, "{:?}", received[0].findings);
    assert!(
        received[0].findings[0].contains("name"),
        "{:?}",
        received[0].findings
    );
    // It does not count toward the expectation, and is its nearest miss.
    let failure = &expectation.verify().unwrap_err().failures[0];
    assert!(
        failure.contains("matched but was refused with 400"),
        "{failure}"
    );
    let report = sandbox.try_verify().unwrap_err().to_string();
    assert!(
        report.contains("1 request(s) were refused as the spec requires"),
        "{report}"
    );
    assert!(
        report.contains("`POST /v1/users` (create_user) was refused with 400"),
        "{report}"
    );
    expectation.keep();
    sandbox.allow_invalid_requests();
    let report = sandbox.try_verify().unwrap_err().to_string();
    assert!(!report.contains("refused as the spec requires"), "{report}");
    client(&sandbox)
        .create_user(new_user("x-1"))
        .send()
        .await
        .unwrap();
    sandbox.verify();
}

#[tokio::test]
async fn an_untyped_sandbox_takes_operation_ids_and_refuses_unknown_ones_with_the_list() {
    let sandbox = TestSandbox::start(Api::Publica).await.unwrap();
    let listed = sandbox.expect("list_users").times(0);
    listed.verify().unwrap();
    let unknown = catch_unwind(AssertUnwindSafe(|| sandbox.expect("list_user"))).unwrap_err();
    assert_eq!(
        panic_text(unknown),
        "publica has no operation `list_user` (it has list_users, create_user, update_user, \
         deactivate_user, reactivate_user, force_logout_user)"
    );
    // The generated enum reads an operationId the same way.
    let typed = "list_user"
        .parse::<publica_server::Operation>()
        .unwrap_err();
    assert_eq!(
        typed.to_string(),
        "Publica.la Integration API - Users has no operation `list_user` (it has list_users, \
         create_user, update_user, deactivate_user, reactivate_user, force_logout_user)"
    );
    assert_eq!(
        "force_logout_user".parse::<publica_server::Operation>(),
        Ok(publica_server::Operation::ForceLogoutUser)
    );
    assert_eq!(publica_server::Operation::ForceLogoutUser.method(), "POST");
}

#[tokio::test]
async fn business_errors_and_injected_faults_are_answers_not_refused_requests() {
    let sandbox = TestSandbox::start(Insightiq).await.unwrap();
    let client = client(&sandbox);
    // A well-formed request the behaviour answers with an error of its own: an id that is no
    // user (not even a uuid), a profile that does not exist.
    let request = insightiq_client::types::SdkTokenRequest::new(
        vec![insightiq_client::types::Product::Identity],
        "not-a-user",
    );
    let error = client.create_sdk_token(request).send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    let error = client
        .get_profile("00000000-0000-4000-8000-000000000000")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    // An injected 503 for one operation, named by the typed enum.
    sandbox
        .fault(
            Operation::ListProfiles,
            sandbox::FaultRule {
                error: Some(sandbox::InjectedError {
                    status: 503,
                    rate: 1.0,
                    retry_after_s: Some(0),
                }),
                ..sandbox::FaultRule::default()
            },
        )
        .unwrap();
    assert_eq!(
        sandbox.faults().get().rules[0].operation.as_deref(),
        Some("list_profiles")
    );
    let unavailable = raw(
        "GET",
        &format!("{}/profiles", sandbox.base_url()),
        &[("authorization", "Basic ZGVtbzpwQDU1dzByZA==")],
        None,
    )
    .await;
    assert_eq!(unavailable.status, 503);
    let seen: Vec<(u16, bool)> = sandbox
        .received()
        .iter()
        .map(|r| (r.status, r.valid))
        .collect();
    assert_eq!(seen, [(400, true), (404, true), (503, true)]);
    sandbox.verify();
}
