//! The Publica.la client against a recording server on loopback: what each operation sends
//! (method, path, query, body, `X-User-Token`), what it reads back (every documented sample),
//! open enums, and the server URL variable.

use publica_client::types::{self, auth::Credentials};
use publica_client::{server_url, Client, Error};
use serde_json::{json, Value};
use workspace_tests::{sample, spec_value, Canned, Recorder};

const USERS: &str = "/integration-api/v1/dashboard/users";

fn client(recorder: &Recorder) -> Client {
    Client::with_credentials(&recorder.base_url, &Credentials::new("store-api-token")).unwrap()
}

fn example(pointer: &str) -> Value {
    spec_value("publica", pointer)
}

fn create_request() -> types::UserCreateRequest {
    serde_json::from_value(example(
        "/paths/~1integration-api~1v1~1dashboard~1users/post/requestBody/content/application~1json/examples/create_user/value",
    ))
    .unwrap()
}

#[tokio::test]
async fn list_users_sends_the_filters_and_the_token() {
    let listed = example(
        "/paths/~1integration-api~1v1~1dashboard~1users/get/responses/200/content/application~1json/examples/users/value",
    );
    let recorder = Recorder::always(Canned::json(200, listed)).await;
    let list = client(&recorder)
        .list_users(
            Some("user@example.com"),
            Some(types::ListUsersQuery::Deactivated),
        )
        .await
        .unwrap();
    let seen = recorder.single();
    assert_eq!((seen.method.as_str(), seen.path.as_str()), ("GET", USERS));
    let mut query = seen.query.clone();
    query.sort();
    assert_eq!(
        query,
        [
            ("email".to_string(), "user@example.com".to_string()),
            ("query".into(), "deactivated".into())
        ]
    );
    assert_eq!(seen.header("x-user-token"), Some("store-api-token"));
    let user = &list.data.paginator.data[0];
    assert_eq!(user.id, 923242);
    assert_eq!(user.email, "user@example.com");
    // The list sample's `only_sees_readable: 1` (an integer flag).
    assert!(matches!(
        user.only_sees_readable,
        types::FlexibleBoolean::Integer(_)
    ));
}

#[tokio::test]
async fn create_user_posts_the_documented_body() {
    let created = example(
        "/paths/~1integration-api~1v1~1dashboard~1users/post/responses/200/content/application~1json/examples/user_created/value",
    );
    let recorder = Recorder::always(Canned::json(200, created)).await;
    let request = create_request();
    let envelope = client(&recorder).create_user(&request).await.unwrap();
    let seen = recorder.single();
    assert_eq!((seen.method.as_str(), seen.path.as_str()), ("POST", USERS));
    assert_eq!(seen.header("x-user-token"), Some("store-api-token"));
    let sent = seen.json();
    assert_eq!(sent["email"], "user@example.com");
    assert_eq!(sent["external_id"], "user-id-in-your-platform");
    assert_eq!(sent["only_sees_readable"], true);
    assert_eq!(envelope.data.id, 923242);
    assert_eq!(envelope.data.created_at.timestamp, 1620931649);
    assert_eq!(envelope.code, types::SuccessCode::Success);
}

#[tokio::test]
async fn update_user_puts_the_body_and_reads_204() {
    let recorder = Recorder::always(Canned::empty(204)).await;
    let body: types::UserUpdateRequest = serde_json::from_value(example(
        "/paths/~1integration-api~1v1~1dashboard~1users~1{user_id}/put/requestBody/content/application~1json/examples/update_user/value",
    ))
    .unwrap();
    let response = client(&recorder).update_user(923242, &body).await.unwrap();
    assert_eq!(response.status().as_u16(), 204);
    let seen = recorder.single();
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("PUT", "/integration-api/v1/dashboard/users/923242")
    );
    assert_eq!(seen.json()["email"], body.email.as_str());
}

#[tokio::test]
async fn deactivate_reactivate_and_force_logout_use_their_paths() {
    let recorder = Recorder::start(|request| match request.method.as_str() {
        "DELETE" => Canned::json(200, sample("publica/deactivate_user.response-200.json")),
        "PUT" => Canned::json(200, sample("publica/reactivate_user.response-200.json")),
        _ => Canned::json(200, json!({"CODE": "success", "data": []})),
    })
    .await;
    let client = client(&recorder);
    let deactivated = client.deactivate_user(923242).await.unwrap();
    assert!(deactivated.data.is_empty());
    let reactivated = client.reactivate_user(923242).await.unwrap();
    assert_eq!(reactivated.data, 1);
    let logged_out = client
        .force_logout_user("user-id-in-your-platform")
        .await
        .unwrap();
    assert_eq!(logged_out.code, types::SuccessCode::Success);
    let seen: Vec<(String, String)> = recorder
        .requests()
        .iter()
        .map(|r| (r.method.to_string(), r.path.clone()))
        .collect();
    assert_eq!(
        seen,
        [
            (
                "DELETE".to_string(),
                "/integration-api/v1/dashboard/users/923242".to_string()
            ),
            (
                "PUT".into(),
                "/integration-api/v1/dashboard/users/923242/re-activate".into()
            ),
            // No /dashboard in this one, as the page says.
            (
                "POST".into(),
                "/integration-api/v1/users/user-id-in-your-platform/force-logout".into()
            ),
        ]
    );
    assert!(recorder
        .requests()
        .iter()
        .all(|r| r.header("x-user-token") == Some("store-api-token")));
}

#[tokio::test]
async fn the_validation_error_is_typed_with_its_fields() {
    let body = json!({"message": "The given data was invalid.",
                      "errors": {"email": ["The email field is required."]}});
    let recorder = Recorder::always(Canned::json(422, body)).await;
    let error = client(&recorder)
        .create_user(&create_request())
        .await
        .unwrap_err();
    match error {
        Error::ErrorResponse(response) => {
            assert_eq!(response.status().as_u16(), 422);
            assert_eq!(
                response.errors["email"],
                ["The email field is required.".to_string()]
            );
        }
        other => panic!("expected the documented 422, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_code_is_kept_as_unknown() {
    let recorder = Recorder::always(Canned::json(200, json!({"CODE": "queued", "data": []}))).await;
    let envelope = client(&recorder).deactivate_user(1).await.unwrap();
    assert_eq!(envelope.code, types::SuccessCode::Unknown("queued".into()));
}

#[tokio::test]
async fn the_store_domain_is_the_server_variable() {
    assert_eq!(
        server_url("mystore.publica.la"),
        "https://mystore.publica.la"
    );
    let token = Credentials::new("secret-token-123");
    assert!(!format!("{token:?}").contains("secret-token-123"));
}
