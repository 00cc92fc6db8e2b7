//! The insightIQ client against a recording server on loopback: what each operation sends,
//! what it reads back (every documented sample), open enums, required+nullable keys, the
//! request-id, pagination, and credentials kept out of `Debug`.

use std::collections::BTreeSet;

use futures_util::TryStreamExt;
use insightiq_client::types::{self, auth::Credentials};
use insightiq_client::{Client, Environment, Error, ResponseHeaders};
use serde_json::{json, Value};
use workspace_tests::{sample, Canned, Recorder};

#[path = "support/documented.rs"]
mod documented;

const REQUEST_ID: &str = "4c5a8e1e-5a4e-4fb4-8c77-0c1d3b6a2f10";

fn client(recorder: &Recorder) -> Client {
    let credentials = Credentials::new("demo", "p@55w0rd");
    Client::with_credentials(&format!("{}/v1", recorder.base_url), &credentials).unwrap()
}

fn ok(status: u16, body: Value) -> Canned {
    Canned::json(status, body).with_header("request-id", REQUEST_ID)
}

/// The documents' own example header for demo:p@55w0rd.
const BASIC: &str = "Basic ZGVtbzpwQDU1dzByZA==";

#[tokio::test]
async fn create_user_sends_post_users_with_the_body_and_basic_auth() {
    let recorder =
        Recorder::always(ok(201, sample("insightiq/create_user.response-201.json"))).await;
    let body: types::UserCreateRequest =
        serde_json::from_value(sample("insightiq/create_user.request.json")).unwrap();
    let user = client(&recorder)
        .create_user(body.clone())
        .send()
        .await
        .unwrap();
    let seen = recorder.single();
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.path, "/v1/users");
    assert!(seen.query.is_empty());
    assert_eq!(seen.header("authorization"), Some(BASIC));
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(seen.json(), sample("insightiq/create_user.request.json"));
    assert_eq!(user.name, "John Doe");
    assert_eq!(user.status, types::UserStatus::Active);
    assert_eq!(user.request_id(), Some(REQUEST_ID));
}

#[tokio::test]
async fn get_user_by_external_id_puts_the_id_in_the_path() {
    let recorder = Recorder::always(ok(
        200,
        sample("insightiq/get_user_by_external_id.response-200.json"),
    ))
    .await;
    let user = client(&recorder)
        .get_user_by_external_id("154813a5-d26e-42f2-8b1d-ebbed59b062d")
        .send()
        .await
        .unwrap();
    let seen = recorder.single();
    assert_eq!(seen.method, "GET");
    assert_eq!(
        seen.path,
        "/v1/users/external_id/154813a5-d26e-42f2-8b1d-ebbed59b062d"
    );
    assert_eq!(seen.header("authorization"), Some(BASIC));
    assert!(seen.body.is_empty());
    assert_eq!(user.name, "Mark Ruffalo");
}

#[tokio::test]
async fn create_sdk_token_sends_the_products() {
    let recorder = Recorder::always(ok(
        201,
        sample("insightiq/create_sdk_token.response-201.json"),
    ))
    .await;
    let request = sample("insightiq/create_sdk_token.request.json");
    let body: types::SdkTokenRequest = serde_json::from_value(request.clone()).unwrap();
    let token = client(&recorder)
        .create_sdk_token(body.clone())
        .send()
        .await
        .unwrap();
    let seen = recorder.single();
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("POST", "/v1/sdk-tokens")
    );
    assert_eq!(seen.json(), request);
    assert_eq!(
        token.expires_at.to_rfc3339(),
        "2022-04-05T17:37:27.525002+00:00"
    );
    assert!(token.sdk_token.starts_with("eyJ0eXAiOiJKV1Qi"));
}

#[tokio::test]
async fn disconnect_account_posts_an_empty_object() {
    let recorder = Recorder::always(ok(
        200,
        sample("insightiq/disconnect_account.response-200.json"),
    ))
    .await;
    let account = client(&recorder)
        .disconnect_account(
            "f5e89cea-18b6-4479-a4dd-64a48217e759",
            types::EmptyObject(Default::default()),
        )
        .send()
        .await
        .unwrap();
    let seen = recorder.single();
    assert_eq!(seen.method, "POST");
    assert_eq!(
        seen.path,
        "/v1/accounts/f5e89cea-18b6-4479-a4dd-64a48217e759/disconnect"
    );
    assert_eq!(seen.json(), json!({}));
    assert_eq!(account.status, types::AccountStatus::NotConnected);
    assert_eq!(account.user.name, "Chris Evans");
}

#[tokio::test]
async fn get_profile_reads_the_documented_profile() {
    let recorder =
        Recorder::always(ok(200, sample("insightiq/get_profile.response-200.json"))).await;
    let profile = client(&recorder)
        .get_profile("9bd39495-ad21-40f7-a8a6-9c8cf9d6a822")
        .send()
        .await
        .unwrap();
    let seen = recorder.single();
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("GET", "/v1/profiles/9bd39495-ad21-40f7-a8a6-9c8cf9d6a822")
    );
    assert_eq!(profile.platform_username.as_deref(), Some("robertdowney"));
    assert_eq!(profile.work_platform.name, "Instagram");
    assert_eq!(profile.first_name, None);
}

#[tokio::test]
async fn list_profiles_sends_every_query_parameter() {
    let recorder =
        Recorder::always(ok(200, sample("insightiq/list_profiles.response-200.json"))).await;
    let account = uuid::Uuid::parse_str("3839334f-6c01-4ad3-8ff1-68e106148702").unwrap();
    let list = client(&recorder)
        .list_profiles()
        .account_id(account)
        .limit(5)
        .offset(20)
        .user_id("8ba1ac32-0f3c-4cf0-8d89-79a183258f6a")
        .work_platform_id("7645460a-96e0-4192-a3ce-a1fc30641f72")
        .send()
        .await
        .unwrap();
    let seen = recorder.single();
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("GET", "/v1/profiles")
    );
    let mut query = seen.query.clone();
    query.sort();
    assert_eq!(
        query,
        [
            ("account_id".to_string(), account.to_string()),
            ("limit".into(), "5".into()),
            ("offset".into(), "20".into()),
            (
                "user_id".into(),
                "8ba1ac32-0f3c-4cf0-8d89-79a183258f6a".into()
            ),
            (
                "work_platform_id".into(),
                "7645460a-96e0-4192-a3ce-a1fc30641f72".into()
            ),
        ]
    );
    assert_eq!(list.data.len(), 10);
    assert_eq!(list.metadata.as_ref().unwrap().limit.get(), 10);
}

/// Calls `operation` with fixed arguments (those of [`sent`]); returns the typed body,
/// serialized again, and the request-id header.
async fn call(
    client: &Client,
    operation: &str,
) -> Result<(Value, Option<String>), Error<types::Error>> {
    fn done<T: serde::Serialize>(
        response: insightiq_client::ResponseValue<T>,
    ) -> (Value, Option<String>) {
        let id = response.request_id().map(str::to_owned);
        (serde_json::to_value(response.into_inner()).unwrap(), id)
    }
    Ok(match operation {
        "create_user" => {
            let body: types::UserCreateRequest =
                serde_json::from_value(sample("insightiq/create_user.request.json")).unwrap();
            done(client.create_user(body.clone()).send().await?)
        }
        "get_user_by_external_id" => done(client.get_user_by_external_id("ext-7").send().await?),
        "create_sdk_token" => {
            let body: types::SdkTokenRequest =
                serde_json::from_value(sample("insightiq/create_sdk_token.request.json")).unwrap();
            done(client.create_sdk_token(body.clone()).send().await?)
        }
        "disconnect_account" => done(
            client
                .disconnect_account("acc-7", types::EmptyObject(Default::default()))
                .send()
                .await?,
        ),
        "get_profile" => done(client.get_profile("prof-7").send().await?),
        "list_profiles" => done(
            client
                .list_profiles()
                .limit(7)
                .offset(14)
                .work_platform_id("wp-7")
                .send()
                .await?,
        ),
        other => panic!("no call for operation {other}: add it to the client tests"),
    })
}

/// What [`call`] sends for `operation`: path, query (sorted) and body.
fn sent(operation: &str) -> (&'static str, Vec<(&'static str, &'static str)>, Value) {
    match operation {
        "create_user" => (
            "/v1/users",
            vec![],
            sample("insightiq/create_user.request.json"),
        ),
        "get_user_by_external_id" => ("/v1/users/external_id/ext-7", vec![], Value::Null),
        "create_sdk_token" => (
            "/v1/sdk-tokens",
            vec![],
            sample("insightiq/create_sdk_token.request.json"),
        ),
        "disconnect_account" => ("/v1/accounts/acc-7/disconnect", vec![], json!({})),
        "get_profile" => ("/v1/profiles/prof-7", vec![], Value::Null),
        "list_profiles" => (
            "/v1/profiles",
            vec![
                ("limit", "7"),
                ("offset", "14"),
                ("work_platform_id", "wp-7"),
            ],
            Value::Null,
        ),
        other => panic!("no expectation for operation {other}"),
    }
}

/// Every operation of the spec: its method and path (an instance of the spec's template under
/// the `/v1` base path), query, JSON body, Basic auth and `Accept` go out; the answer (the
/// operation's first success example) comes back typed with its request-id.
#[tokio::test]
async fn every_operation_sends_its_method_path_query_body_and_basic_auth() {
    let examples = documented::spec_success_examples("insightiq");
    let operations = documented::operations("insightiq");
    assert_eq!(operations.len(), 6, "{operations:?}");
    for (operation, method, template) in operations {
        let example = examples
            .iter()
            .find(|e| e.operation == operation)
            .unwrap_or_else(|| panic!("{operation} has no success example"));
        let recorder = Recorder::always(ok(example.status, example.body.clone())).await;
        let (back, request_id) = call(&client(&recorder), &operation).await.unwrap();
        let seen = recorder.single();
        let (path, query, body) = sent(&operation);
        assert_eq!(seen.method.as_str(), method, "{operation}");
        assert_eq!(seen.path, path, "{operation}");
        assert!(
            documented::matches_template(&format!("/v1{template}"), &seen.path),
            "{operation}: {} is not an instance of {template}",
            seen.path
        );
        let mut seen_query: Vec<(&str, &str)> = seen
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        seen_query.sort();
        assert_eq!(seen_query, query, "{operation}");
        assert_eq!(seen.json(), body, "{operation}");
        if body.is_null() {
            assert_eq!(seen.header("content-type"), None, "{operation}");
        } else {
            assert_eq!(
                seen.header("content-type"),
                Some("application/json"),
                "{operation}"
            );
        }
        assert_eq!(seen.header("authorization"), Some(BASIC), "{operation}");
        assert_eq!(
            seen.header("accept"),
            Some("application/json"),
            "{operation}"
        );
        documented::assert_same_data(&example.source, &example.body, &back);
        assert_eq!(request_id.as_deref(), Some(REQUEST_ID), "{operation}");
    }
}

/// Every success example in the spec (the documents' samples, repaired where needed) goes
/// through the client and deserializes, keeping all its data.
#[tokio::test]
async fn every_spec_success_example_deserializes_through_the_client() {
    let examples = documented::spec_success_examples("insightiq");
    let covered: BTreeSet<String> = examples.iter().map(|e| e.operation.clone()).collect();
    let all: BTreeSet<String> = documented::operations("insightiq")
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    assert_eq!(covered, all, "every operation has a success example");
    for example in &examples {
        let recorder = Recorder::always(ok(example.status, example.body.clone())).await;
        let (back, _) = call(&client(&recorder), &example.operation)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", example.source));
        documented::assert_same_data(&example.source, &example.body, &back);
    }
}

/// Every response sample of the documents that the manifest records as JSON goes through the
/// client and deserializes, keeping all its data.
#[tokio::test]
async fn every_documented_response_sample_deserializes_through_the_client() {
    let samples = documented::manifest_response_samples("insightiq");
    let files: Vec<&str> = samples.iter().map(|s| s.source.as_str()).collect();
    assert_eq!(
        files,
        [
            "insightiq/create_user.response-201.json",
            "insightiq/get_user_by_external_id.response-200.json",
            "insightiq/create_sdk_token.response-201.json",
            "insightiq/disconnect_account.response-200.json",
            "insightiq/get_profile.response-200.json",
            "insightiq/list_profiles.response-200.json",
        ]
    );
    for sample in &samples {
        let recorder = Recorder::always(ok(sample.status, sample.body.clone())).await;
        let (back, _) = call(&client(&recorder), &sample.operation)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", sample.source));
        documented::assert_same_data(&sample.source, &sample.body, &back);
    }
    // A couple of values read from the list sample, typed.
    let recorder =
        Recorder::always(ok(200, sample("insightiq/list_profiles.response-200.json"))).await;
    let list = client(&recorder).list_profiles().send().await.unwrap();
    assert_eq!(list.data.len(), 10);
    assert_eq!(list.metadata.as_ref().unwrap().offset, 0);
    let first = &list.data[0];
    assert_eq!(first.platform_username.as_deref(), Some("peterparker"));
    assert!(first.gender.is_none());
    assert_eq!(first.is_verified, Some(false));
}

#[tokio::test]
async fn an_enum_value_the_spec_does_not_list_is_kept_as_unknown() {
    let mut account = sample("insightiq/disconnect_account.response-200.json");
    account["status"] = json!("SUSPENDED_BY_PLATFORM");
    let recorder = Recorder::always(ok(200, account)).await;
    let account = client(&recorder)
        .disconnect_account("x", types::EmptyObject(Default::default()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        account.status,
        types::AccountStatus::Unknown("SUSPENDED_BY_PLATFORM".into())
    );
    // And it is written back as it came.
    assert_eq!(
        serde_json::to_value(&account.status).unwrap(),
        json!("SUSPENDED_BY_PLATFORM")
    );
}

/// `platform_username` and `gender` are required and nullable: a response that leaves the
/// keys out (rather than sending null) still deserializes, as `None`.
#[tokio::test]
async fn a_missing_required_nullable_key_reads_as_none() {
    let mut profile = sample("insightiq/get_profile.response-200.json");
    let map = profile.as_object_mut().unwrap();
    map.remove("platform_username");
    map.remove("gender");
    let recorder = Recorder::always(ok(200, profile)).await;
    let profile = client(&recorder).get_profile("x").send().await.unwrap();
    assert_eq!(profile.platform_username, None);
    assert!(profile.gender.is_none());
}

fn error_body(status: u16, code: &str) -> Value {
    json!({"error": {"type": "invalid_request_error", "code": code, "error_code": code,
        "message": "No user", "status_code": status, "http_status_code": status,
        "request_id": REQUEST_ID}})
}

#[tokio::test]
async fn the_request_id_is_reachable_on_errors_too() {
    // Every documented error status of the operation: a typed `ErrorResponse`.
    for (status, code) in [
        (400, "invalid_input"),
        (401, "incorrect_credentials"),
        (404, "user_not_found"),
    ] {
        let recorder = Recorder::always(ok(status, error_body(status, code))).await;
        let error = client(&recorder)
            .get_user_by_external_id("nobody")
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.request_id(), Some(REQUEST_ID), "{status}");
        match &error {
            Error::ErrorResponse(response) => {
                assert_eq!(response.status().as_u16(), status);
                assert_eq!(response.error.error_code, code);
                assert_eq!(response.error.request_id.to_string(), REQUEST_ID);
            }
            other => panic!("expected the documented error, got {other:?}"),
        }
    }
    // A status the spec does not document: `UnexpectedResponse`, header still readable.
    let recorder = Recorder::always(ok(503, json!({"detail": "maintenance"}))).await;
    let error = client(&recorder).get_profile("x").send().await.unwrap_err();
    assert!(
        matches!(&error, Error::UnexpectedResponse(r) if r.status().as_u16() == 503),
        "{error:?}"
    );
    assert_eq!(error.request_id(), Some(REQUEST_ID));
    // A response without the header: None, not a panic or an empty string.
    let recorder = Recorder::always(Canned::json(
        200,
        sample("insightiq/get_user_by_external_id.response-200.json"),
    ))
    .await;
    let user = client(&recorder)
        .get_user_by_external_id("x")
        .send()
        .await
        .unwrap();
    assert_eq!(user.request_id(), None);
    // A body that does not deserialize leaves no response behind (documented): None.
    let recorder = Recorder::always(ok(200, json!({"name": 42}))).await;
    let error = client(&recorder)
        .get_user_by_external_id("x")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::InvalidResponsePayload(..)),
        "{error:?}"
    );
    assert_eq!(error.request_id(), None);
}

/// A nullable enum (`gender`) with a value the spec does not list: `Some(Unknown(..))`; an
/// unlisted contact type inside an array item: `Unknown(..)`.
#[tokio::test]
async fn unknown_values_of_nullable_and_nested_enums_are_kept() {
    let mut profile = sample("insightiq/get_profile.response-200.json");
    profile["gender"] = json!("NON_BINARY");
    profile["emails"] = json!([{"type": "PERSONAL", "email_id": "rd@example.com"}]);
    let recorder = Recorder::always(ok(200, profile)).await;
    let profile = client(&recorder)
        .get_profile("x")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        *profile.gender,
        Some(types::GenderInner::Unknown("NON_BINARY".into()))
    );
    assert_eq!(
        profile.emails[0].type_,
        types::ContactType::Unknown("PERSONAL".into())
    );
    assert_eq!(profile.emails[0].email_id, "rd@example.com");
    let mut user = sample("insightiq/create_user.response-201.json");
    user["status"] = json!("PENDING_REVIEW");
    let recorder = Recorder::always(ok(201, user)).await;
    let body: types::UserCreateRequest =
        serde_json::from_value(sample("insightiq/create_user.request.json")).unwrap();
    let user = client(&recorder)
        .create_user(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        user.status,
        types::UserStatus::Unknown("PENDING_REVIEW".into())
    );
}

#[tokio::test]
async fn the_profiles_stream_walks_every_page() {
    let all = sample("insightiq/list_profiles.response-200.json")["data"].clone();
    let recorder = Recorder::start(move |request| {
        let param = |name: &str| {
            request
                .query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.parse::<usize>().unwrap())
        };
        let (limit, offset) = (param("limit").unwrap_or(10), param("offset").unwrap_or(0));
        let page: Vec<Value> = all
            .as_array()
            .unwrap()
            .iter()
            .skip(offset)
            .take(limit)
            .cloned()
            .collect();
        Canned::json(
            200,
            json!({"data": page, "metadata": {"limit": limit, "offset": offset}}),
        )
    })
    .await;
    let client = client(&recorder);
    let profiles: Vec<types::Profile> = client
        .list_profiles()
        .limit(3)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(profiles.len(), 10);
    assert_eq!(
        profiles[9].id.to_string(),
        "d11d254b-4258-4d69-b5f8-c92ba4faf971"
    );
    let offsets: Vec<String> = recorder
        .requests()
        .iter()
        .map(|r| {
            r.query
                .iter()
                .find(|(k, _)| k == "offset")
                .map(|(_, v)| v.clone())
                .unwrap()
        })
        .collect();
    assert_eq!(offsets, ["0", "3", "6", "9"]);
    for request in recorder.requests() {
        assert_eq!(request.path, "/v1/profiles");
        assert_eq!(request.header("authorization"), Some(BASIC));
        let limits: Vec<&str> = request
            .query
            .iter()
            .filter(|(k, _)| k == "limit")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(limits, ["3"]);
    }
}

#[tokio::test]
async fn credentials_never_appear_in_debug_output() {
    let credentials = Credentials::new("demo", "p@55w0rd");
    let shown = format!("{credentials:?}");
    assert!(!shown.contains("p@55w0rd"), "{shown}");
    let client = Client::with_credentials("http://127.0.0.1:9/v1", &credentials).unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains("p@55w0rd"), "{shown}");
    assert!(!shown.contains("ZGVtbzpwQDU1dzByZA"), "{shown}");
    assert!(!shown.contains("p%4055w0rd"), "{shown}");
}

/// The spec's servers, each with the `/v1` base path the paths are relative to.
#[test]
fn the_environments_are_the_specs_servers() {
    let urls: Vec<&str> = Environment::ALL.iter().map(|e| e.base_url()).collect();
    assert_eq!(
        urls,
        [
            "https://api.staging.insightiq.ai/v1",
            "https://api.sandbox.insightiq.ai/v1",
            "https://api.insightiq.ai/v1",
        ]
    );
    assert_eq!(Environment::default(), Environment::Staging);
}

/// The comparison the sample tests rely on does see a lost, changed or added value (and takes
/// `null`/`[]`/absent and two spellings of one instant as the same data).
#[test]
fn the_data_comparison_can_fail() {
    let original = json!({"a": 1, "b": [{"c": "x"}], "d": null, "e": [],
                          "t": "2021-11-08T18:53:18+00:00"});
    let same = json!({"a": 1.0, "b": [{"c": "x"}], "e": null, "t": "2021-11-08T18:53:18Z"});
    documented::assert_same_data("same", &original, &same);
    for changed in [
        json!({"a": 2, "b": [{"c": "x"}], "t": "2021-11-08T18:53:18Z"}),
        json!({"a": 1, "b": [{"c": "y"}], "t": "2021-11-08T18:53:18Z"}),
        json!({"a": 1, "b": [], "t": "2021-11-08T18:53:18Z"}),
        json!({"a": 1, "b": [{"c": "x"}]}),
        json!({"a": 1, "b": [{"c": "x"}], "t": "2021-11-08T18:53:19Z"}),
        json!({"a": 1, "b": [{"c": "x"}], "t": "2021-11-08T18:53:18Z", "f": 0}),
    ] {
        let caught = std::panic::catch_unwind(|| {
            documented::assert_same_data("changed", &original, &changed)
        });
        assert!(caught.is_err(), "not caught: {changed}");
    }
}

#[tokio::test]
async fn a_limit_out_of_bounds_is_refused_before_any_request() {
    let recorder =
        Recorder::always(ok(200, sample("insightiq/list_profiles.response-200.json"))).await;
    let client = client(&recorder);
    for (limit, bound) in [(500, "at most 100 (maximum)"), (0, "at least 1 (minimum)")] {
        let error = client
            .list_profiles()
            .limit(limit)
            .send()
            .await
            .unwrap_err();
        let Error::InvalidRequest(message) = error else {
            panic!("limit {limit}: expected InvalidRequest, got {error:?}");
        };
        assert!(message.contains("`list_profiles`"), "{message}");
        assert!(message.contains("parameter `limit`"), "{message}");
        assert!(message.contains(bound), "{message}");
    }
    assert!(
        recorder.requests().is_empty(),
        "no request may reach the server"
    );
    // In bounds, it is sent.
    client.list_profiles().limit(100).send().await.unwrap();
    assert_eq!(recorder.requests().len(), 1);
}

/// The client's resilience settings, end to end over loopback: `Client::builder` hands every
/// call to `client_runtime::Runtime`, whose policy decides the retries and whose injected sleep
/// records the waits instead of taking them.
mod resilience {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use insightiq_client::client_runtime::testing::{OperationSpans, RecordingSleep};
    use insightiq_client::types::{self, auth::Credentials};
    use insightiq_client::{Client, Error, ResponseHeaders, RetryPolicy};
    use serde_json::json;
    use workspace_tests::{sample, Canned, Recorder};

    use super::{ok, REQUEST_ID};

    /// Answers `503` to the first `failures` requests, then `success`.
    async fn failing_first(failures: usize, success: Canned) -> Recorder {
        let seen = AtomicUsize::new(0);
        Recorder::start(move |_| {
            if seen.fetch_add(1, Ordering::SeqCst) < failures {
                ok(503, json!({"detail": "maintenance"})).with_header("retry-after", "0")
            } else {
                success.clone()
            }
        })
        .await
    }

    fn client(recorder: &Recorder, sleep: &Arc<RecordingSleep>, policy: RetryPolicy) -> Client {
        Client::builder(&format!("{}/v1", recorder.base_url))
            .credentials(&Credentials::new("demo", "p@55w0rd"))
            .retry(policy)
            .sleep(sleep.clone())
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn a_get_answered_503_twice_is_retried_and_succeeds_on_the_third_attempt() {
        let recorder = failing_first(
            2,
            ok(
                200,
                sample("insightiq/get_user_by_external_id.response-200.json"),
            ),
        )
        .await;
        let spans = OperationSpans::default();
        let _guard = tracing::subscriber::set_default(spans.clone());
        // tracing caches a callsite's interest when it is first registered, and with a single
        // subscriber set it asks the registering thread's: a test on another thread (no
        // subscriber) that registers the runtime's span first caches "never". One call
        // registers it for sure; rebuilding the cache then asks this thread's subscriber.
        let warm_up = Recorder::always(Canned::empty(204)).await;
        let _ = Client::new(&warm_up.base_url).get_profile("x").send().await;
        tracing::callsite::rebuild_interest_cache();
        let warm_up_spans = spans.spans().len();
        let sleep = Arc::new(RecordingSleep::default());
        let user = client(&recorder, &sleep, RetryPolicy::standard())
            .get_user_by_external_id("154813a5-d26e-42f2-8b1d-ebbed59b062d")
            .send()
            .await
            .unwrap();
        assert_eq!(user.name, "Mark Ruffalo");
        assert_eq!(user.request_id(), Some(REQUEST_ID));
        let seen = recorder.requests();
        assert_eq!(seen.len(), 3);
        assert!(seen
            .iter()
            .all(|r| r.path == "/v1/users/external_id/154813a5-d26e-42f2-8b1d-ebbed59b062d"));
        // `Retry-After: 0` is honoured: the server asked for no wait.
        assert_eq!(sleep.waits(), [Duration::ZERO, Duration::ZERO]);
        // One span for the call, named after the spec's operationId.
        let spans = &spans.spans()[warm_up_spans..];
        assert_eq!(spans.len(), 1, "{spans:?}");
        assert_eq!(spans[0]["api"], "insightiq");
        assert_eq!(spans[0]["operation_id"], "get_user_by_external_id");
        assert_eq!(spans[0]["method"], "GET");
        assert_eq!(spans[0]["status"], "200");
        assert_eq!(spans[0]["attempts"], "3");
        assert_eq!(spans[0]["request_id"], REQUEST_ID);
    }

    #[tokio::test]
    async fn the_attempts_are_bounded_and_the_last_response_is_returned() {
        let recorder = failing_first(usize::MAX, Canned::empty(200)).await;
        let sleep = Arc::new(RecordingSleep::default());
        let error = client(&recorder, &sleep, RetryPolicy::standard().max_attempts(4))
            .get_profile("f5e89cea-18b6-4479-a4dd-64a48217e759")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::UnexpectedResponse(r) if r.status().as_u16() == 503),
            "{error:?}"
        );
        assert_eq!(recorder.requests().len(), 4);
        assert_eq!(sleep.waits().len(), 3);
    }

    #[tokio::test]
    async fn a_post_answered_503_is_sent_once_unless_the_policy_opts_in() {
        let body: types::UserCreateRequest =
            serde_json::from_value(sample("insightiq/create_user.request.json")).unwrap();
        let created = ok(201, sample("insightiq/create_user.response-201.json"));

        let recorder = failing_first(1, created.clone()).await;
        let sleep = Arc::new(RecordingSleep::default());
        let error = client(&recorder, &sleep, RetryPolicy::standard())
            .create_user(body.clone())
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::UnexpectedResponse(r) if r.status().as_u16() == 503),
            "{error:?}"
        );
        assert_eq!(recorder.requests().len(), 1);
        assert!(sleep.waits().is_empty());

        let recorder = failing_first(1, created).await;
        let policy = RetryPolicy::standard().retry_post_on_server_error(true);
        let user = client(&recorder, &sleep, policy)
            .create_user(body)
            .send()
            .await
            .unwrap();
        assert_eq!(user.name, "John Doe");
        let seen = recorder.requests();
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].body, seen[1].body, "the retry sends the same body");
    }

    #[tokio::test]
    async fn the_builder_sets_the_user_agent_and_a_disabled_policy_sends_once() {
        let recorder = failing_first(usize::MAX, Canned::empty(200)).await;
        let sleep = Arc::new(RecordingSleep::default());
        let client = Client::builder(&format!("{}/v1", recorder.base_url))
            .credentials(&Credentials::new("demo", "p@55w0rd"))
            .retry(RetryPolicy::disabled())
            .user_agent("team-billing/1.2")
            .timeout(Duration::from_secs(3))
            .connect_timeout(Duration::from_secs(1))
            .sleep(sleep.clone())
            .build()
            .unwrap();
        assert_eq!(client.retry_policy().attempts(), 1);
        let _ = client.get_profile("x").send().await.unwrap_err();
        let seen = recorder.single();
        assert_eq!(seen.header("user-agent"), Some("team-billing/1.2"));
        assert!(sleep.waits().is_empty());

        // The default user agent names the client crate and its version.
        let recorder = Recorder::always(Canned::empty(204)).await;
        let _ = Client::new(&format!("{}/v1", recorder.base_url))
            .get_profile("x")
            .send()
            .await;
        assert_eq!(
            recorder.single().header("user-agent"),
            Some("insightiq-client/5.0.0")
        );
    }

    #[tokio::test]
    async fn a_stalled_server_ends_in_the_timeout_the_builder_set() {
        // A listener that accepts and never answers.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        let sleep = Arc::new(RecordingSleep::default());
        let started = std::time::Instant::now();
        let error = Client::builder(&format!("http://{address}/v1"))
            .timeout(Duration::from_millis(200))
            .retry(RetryPolicy::standard().max_attempts(2))
            .sleep(sleep.clone())
            .build()
            .unwrap()
            .get_profile("x")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::CommunicationError(e) if e.is_timeout()),
            "{error:?}"
        );
        // A GET that timed out after it was sent is retried once (two attempts, one wait).
        assert_eq!(sleep.waits().len(), 1);
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
