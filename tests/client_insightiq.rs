//! The insightIQ client against a recording server on loopback: what each operation sends,
//! what it reads back (every documented sample), open enums, required+nullable keys, the
//! request-id, pagination, and credentials kept out of `Debug`.

use futures_util::TryStreamExt;
use insightiq_client::types::{self, auth::Credentials};
use insightiq_client::{Client, Error, ResponseHeaders};
use serde_json::{json, Value};
use workspace_tests::{sample, spec_value, Canned, Recorder};

const REQUEST_ID: &str = "4c5a8e1e-5a4e-4fb4-8c77-0c1d3b6a2f10";

fn example(pointer: &str) -> Value {
    spec_value("insightiq", pointer)
}

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
    let user = client(&recorder).create_user(&body).await.unwrap();
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
    let token = client(&recorder).create_sdk_token(&body).await.unwrap();
    let seen = recorder.single();
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("POST", "/v1/sdk-tokens")
    );
    assert_eq!(seen.json(), request);
    assert_eq!(&*token.expires_at, "2022-04-05T17:37:27.525002");
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
            &types::EmptyObject(Default::default()),
        )
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
        .list_profiles(
            Some(&account),
            std::num::NonZeroU64::new(5),
            Some(20),
            Some("8ba1ac32-0f3c-4cf0-8d89-79a183258f6a"),
            Some("7645460a-96e0-4192-a3ce-a1fc30641f72"),
        )
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

/// Every success example in the spec (the documents' samples, repaired where needed) goes
/// through the client and deserializes.
#[tokio::test]
async fn every_documented_success_example_deserializes_through_the_client() {
    let examples = [
        ("create_user", "/paths/~1users/post/responses/201/content/application~1json/examples/created_user/value"),
        ("get_user_by_external_id", "/paths/~1users~1external_id~1{external_id}/get/responses/200/content/application~1json/examples/user/value"),
        ("create_sdk_token", "/paths/~1sdk-tokens/post/responses/201/content/application~1json/examples/sdk_token/value"),
        ("disconnect_account", "/paths/~1accounts~1{id}~1disconnect/post/responses/200/content/application~1json/examples/disconnected_account/value"),
        ("get_profile", "/paths/~1profiles~1{id}/get/responses/200/content/application~1json/examples/profile/value"),
        ("list_profiles", "/paths/~1profiles/get/responses/200/content/application~1json/examples/ten_profiles/value"),
    ];
    for (operation, pointer) in examples {
        let body = example(pointer);
        let status = if pointer.contains("/201/") { 201 } else { 200 };
        let recorder = Recorder::always(ok(status, body.clone())).await;
        let client = client(&recorder);
        let back: Value = match operation {
            "create_user" => {
                let request = types::UserCreateRequest {
                    name: "John Doe".into(),
                    external_id: "x".parse().unwrap(),
                };
                serde_json::to_value(client.create_user(&request).await.unwrap().into_inner())
            }
            "get_user_by_external_id" => serde_json::to_value(
                client
                    .get_user_by_external_id("x")
                    .await
                    .unwrap()
                    .into_inner(),
            ),
            "create_sdk_token" => {
                let request = types::SdkTokenRequest {
                    user_id: "x".into(),
                    products: vec![types::Product::Identity],
                };
                serde_json::to_value(
                    client
                        .create_sdk_token(&request)
                        .await
                        .unwrap()
                        .into_inner(),
                )
            }
            "disconnect_account" => serde_json::to_value(
                client
                    .disconnect_account("x", &types::EmptyObject(Default::default()))
                    .await
                    .unwrap()
                    .into_inner(),
            ),
            "get_profile" => {
                serde_json::to_value(client.get_profile("x").await.unwrap().into_inner())
            }
            _ => serde_json::to_value(
                client
                    .list_profiles(None, None, None, None, None)
                    .await
                    .unwrap()
                    .into_inner(),
            ),
        }
        .unwrap();
        // The identifiers survive the trip (the full comparison is the conformance suite's).
        let id = |v: &Value| v.get("id").or(v.get("sdk_token")).cloned();
        match operation {
            "list_profiles" => assert_eq!(back["data"][9]["id"], body["data"][9]["id"]),
            _ => assert_eq!(id(&back), id(&body), "{operation}"),
        }
    }
}

#[tokio::test]
async fn an_enum_value_the_spec_does_not_list_is_kept_as_unknown() {
    let mut account = sample("insightiq/disconnect_account.response-200.json");
    account["status"] = json!("SUSPENDED_BY_PLATFORM");
    let recorder = Recorder::always(ok(200, account)).await;
    let account = client(&recorder)
        .disconnect_account("x", &types::EmptyObject(Default::default()))
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
    let profile = client(&recorder).get_profile("x").await.unwrap();
    assert_eq!(profile.platform_username, None);
    assert!(profile.gender.is_none());
}

#[tokio::test]
async fn the_request_id_is_reachable_on_errors_too() {
    let error_body = json!({"error": {"type": "invalid_request_error", "code": "user_not_found",
        "error_code": "user_not_found", "message": "No user", "status_code": 404,
        "http_status_code": 404, "request_id": REQUEST_ID}});
    let recorder = Recorder::always(ok(404, error_body)).await;
    let error = client(&recorder)
        .get_user_by_external_id("nobody")
        .await
        .unwrap_err();
    assert_eq!(error.request_id(), Some(REQUEST_ID));
    match &error {
        Error::ErrorResponse(response) => {
            assert_eq!(response.status().as_u16(), 404);
            assert_eq!(response.error.error_code, "user_not_found");
        }
        other => panic!("expected the documented error, got {other:?}"),
    }
    // A response without the header: None, not a panic or an empty string.
    let recorder = Recorder::always(Canned::json(
        200,
        sample("insightiq/get_user_by_external_id.response-200.json"),
    ))
    .await;
    let user = client(&recorder)
        .get_user_by_external_id("x")
        .await
        .unwrap();
    assert_eq!(user.request_id(), None);
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
        .list_profiles_stream(None, std::num::NonZeroU64::new(3), None, None)
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
}
