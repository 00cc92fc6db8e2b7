//! The Publica.la client against a recording server on loopback: what each operation sends
//! (method, path, query, body, `X-User-Token`), what it reads back (every documented sample),
//! open enums, and the server URL variable.

use std::collections::BTreeSet;

use publica_client::types::{self, auth::Credentials};
use publica_client::{server_url, Client, Error, DEFAULT_SERVER_URL};
use serde_json::{json, Value};
use workspace_tests::{sample, spec_value, Canned, Recorder};

#[path = "support/documented.rs"]
mod documented;

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
        .list_users()
        .email("user@example.com")
        .query(types::ListUsersQuery::Deactivated)
        .send()
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
    let envelope = client(&recorder)
        .create_user(request.clone())
        .send()
        .await
        .unwrap();
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
    let response = client(&recorder)
        .update_user(923242, body.clone())
        .send()
        .await
        .unwrap();
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
    let deactivated = client.deactivate_user(923242).send().await.unwrap();
    assert!(deactivated.data.is_empty());
    let reactivated = client.reactivate_user(923242).send().await.unwrap();
    assert_eq!(reactivated.data, 1);
    let logged_out = client
        .force_logout_user("user-id-in-your-platform")
        .send()
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
        .create_user(create_request())
        .send()
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
    let envelope = client(&recorder).deactivate_user(1).send().await.unwrap();
    assert_eq!(envelope.code, types::SuccessCode::Unknown("queued".into()));
}

/// The request body example of an operation.
fn request_example(path: &str, method: &str, name: &str) -> Value {
    let path = path.replace('/', "~1");
    example(&format!(
        "/paths/{path}/{method}/requestBody/content/application~1json/examples/{name}/value"
    ))
}

fn update_request() -> Value {
    request_example(
        "/integration-api/v1/dashboard/users/{user_id}",
        "put",
        "update_user",
    )
}

/// Calls `operation` with fixed arguments (those of [`sent`]); returns the typed body,
/// serialized again (`null` for no body).
async fn call(client: &Client, operation: &str) -> Result<Value, Error<types::Error>> {
    fn done<T: serde::Serialize>(response: publica_client::ResponseValue<T>) -> Value {
        serde_json::to_value(response.into_inner()).unwrap()
    }
    Ok(match operation {
        "list_users" => done(client.list_users().send().await?),
        "create_user" => done(client.create_user(create_request()).send().await?),
        "update_user" => {
            let body: types::UserUpdateRequest = serde_json::from_value(update_request()).unwrap();
            done(client.update_user(41, body.clone()).send().await?)
        }
        "deactivate_user" => done(client.deactivate_user(42).send().await?),
        "reactivate_user" => done(client.reactivate_user(43).send().await?),
        "force_logout_user" => done(client.force_logout_user("ext-44").send().await?),
        other => panic!("no call for operation {other}: add it to the client tests"),
    })
}

/// What [`call`] sends for `operation`: path and JSON body (`null` for none).
fn sent(operation: &str) -> (&'static str, Value) {
    match operation {
        "list_users" => (USERS, Value::Null),
        "create_user" => (
            USERS,
            request_example("/integration-api/v1/dashboard/users", "post", "create_user"),
        ),
        "update_user" => ("/integration-api/v1/dashboard/users/41", update_request()),
        "deactivate_user" => ("/integration-api/v1/dashboard/users/42", Value::Null),
        "reactivate_user" => (
            "/integration-api/v1/dashboard/users/43/re-activate",
            Value::Null,
        ),
        "force_logout_user" => ("/integration-api/v1/users/ext-44/force-logout", Value::Null),
        other => panic!("no expectation for operation {other}"),
    }
}

/// Every operation of the spec: its method, path (an instance of the spec's template), no
/// query unless asked, its JSON body and `X-User-Token` go out; the operation's success
/// example (or 204) comes back typed with all its data.
#[tokio::test]
async fn every_operation_sends_its_method_path_body_and_user_token() {
    let examples = documented::spec_success_examples("publica");
    let operations = documented::operations("publica");
    assert_eq!(operations.len(), 6, "{operations:?}");
    for (operation, method, template) in operations {
        let example = examples.iter().find(|e| e.operation == operation);
        let canned = match example {
            Some(example) => Canned::json(example.status, example.body.clone()),
            None => Canned::empty(204),
        };
        let recorder = Recorder::always(canned).await;
        let back = call(&client(&recorder), &operation)
            .await
            .unwrap_or_else(|e| panic!("{operation}: {e}"));
        let seen = recorder.single();
        let (path, body) = sent(&operation);
        assert_eq!(seen.method.as_str(), method, "{operation}");
        assert_eq!(seen.path, path, "{operation}");
        assert!(
            documented::matches_template(&template, &seen.path),
            "{operation}: {} is not an instance of {template}",
            seen.path
        );
        assert!(seen.query.is_empty(), "{operation}: {:?}", seen.query);
        assert_eq!(seen.header("x-user-token"), Some("store-api-token"));
        assert_eq!(seen.header("accept"), Some("application/json"));
        if body.is_null() {
            assert!(seen.body.is_empty(), "{operation}");
        } else {
            assert_eq!(seen.header("content-type"), Some("application/json"));
            documented::assert_same_data(&operation, &body, &seen.json());
        }
        match example {
            Some(example) => documented::assert_same_data(&example.source, &example.body, &back),
            None => assert_eq!(back, Value::Null, "{operation}"),
        }
    }
}

/// Every success example in the spec goes through the client and deserializes, keeping all
/// its data; every operation but the 204 one has one.
#[tokio::test]
async fn every_spec_success_example_deserializes_through_the_client() {
    let examples = documented::spec_success_examples("publica");
    let covered: BTreeSet<&str> = examples.iter().map(|e| e.operation.as_str()).collect();
    assert_eq!(
        covered,
        BTreeSet::from([
            "create_user",
            "list_users",
            "deactivate_user",
            "reactivate_user",
            "force_logout_user"
        ])
    );
    for example in &examples {
        let recorder = Recorder::always(Canned::json(example.status, example.body.clone())).await;
        let back = call(&client(&recorder), &example.operation)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", example.source));
        documented::assert_same_data(&example.source, &example.body, &back);
    }
}

/// The documents' response samples that are JSON (the manifest: two conform, one has a mangled
/// e-mail address, still a string) go through the client and deserialize with all their data.
#[tokio::test]
async fn every_documented_response_sample_deserializes_through_the_client() {
    let samples = documented::manifest_response_samples("publica");
    let files: Vec<&str> = samples.iter().map(|s| s.source.as_str()).collect();
    assert_eq!(
        files,
        [
            "publica/create_user.response-200.json",
            "publica/deactivate_user.response-200.json",
            "publica/reactivate_user.response-200.json",
        ]
    );
    for sample in &samples {
        let recorder = Recorder::always(Canned::json(sample.status, sample.body.clone())).await;
        let back = call(&client(&recorder), &sample.operation)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", sample.source));
        documented::assert_same_data(&sample.source, &sample.body, &back);
    }
    let recorder = Recorder::always(Canned::json(
        200,
        sample("publica/create_user.response-200.json"),
    ))
    .await;
    let created = client(&recorder)
        .create_user(create_request())
        .send()
        .await
        .unwrap();
    // The mangled address is read as the string it is (the type does not check formats).
    assert_eq!(created.data.email, "[email protected]");
    assert_eq!(
        created.data.uuid.to_string(),
        "af5af4f9-9b8d-4d79-b162-0cec4279cae5"
    );
    assert_eq!(created.data.updated_at.timestamp, 1621256387);
    assert_eq!(created.data.sessions_limit, None);
}

#[tokio::test]
async fn the_unauthenticated_answer_is_a_typed_error() {
    let recorder =
        Recorder::always(Canned::json(401, json!({"message": "Unauthenticated."}))).await;
    let error = client(&recorder).list_users().send().await.unwrap_err();
    match error {
        Error::ErrorResponse(response) => {
            assert_eq!(response.status().as_u16(), 401);
            assert_eq!(response.message, "Unauthenticated.");
            assert!(response.errors.is_empty());
        }
        other => panic!("expected the documented 401, got {other:?}"),
    }
}

/// The server URL is `https://{store_domain}`: the variable is substituted, its default is
/// the spec's, and a client built on it sends the paths below it.
#[tokio::test]
async fn the_store_domain_is_the_server_variable() {
    assert_eq!(
        server_url("mystore.publica.la"),
        "https://mystore.publica.la"
    );
    assert_eq!(DEFAULT_SERVER_URL, "https://example.publica.la");
    assert_eq!(server_url("example.publica.la"), DEFAULT_SERVER_URL);
    let credentials = Credentials::new("store-api-token");
    let client = Client::with_credentials(&server_url("shop.example.com"), &credentials).unwrap();
    assert_eq!(client.baseurl(), "https://shop.example.com");
    // The recorder stands in for the store's domain: the paths go below the base URL as is.
    let recorder =
        Recorder::always(Canned::json(200, json!({"CODE": "success", "data": []}))).await;
    let client = Client::with_credentials(&recorder.base_url, &credentials).unwrap();
    client.force_logout_user("u").send().await.unwrap();
    assert_eq!(
        recorder.single().path,
        "/integration-api/v1/users/u/force-logout"
    );
}

#[test]
fn the_token_never_appears_in_debug_output() {
    let token = Credentials::new("secret-token-123");
    let shown = format!("{token:?}");
    assert!(!shown.contains("secret-token-123"), "{shown}");
    let client = Client::with_credentials(DEFAULT_SERVER_URL, &token).unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains("secret-token-123"), "{shown}");
    // A token that cannot be a header value is refused, not sent mangled.
    assert!(Client::with_credentials(DEFAULT_SERVER_URL, &Credentials::new("a\nb")).is_err());
}

/// The builder takes plain text for a constrained member (`new_plan_custom_valid_to`, a
/// `pattern`); the client checks the pattern before sending, naming the member and the bound,
/// and a value that matches is sent as given.
#[tokio::test]
async fn a_patterned_member_built_from_text_is_checked_before_sending() {
    let recorder = Recorder::always(Canned::json(
        200,
        sample("publica/create_user.response-200.json"),
    ))
    .await;
    let request = |valid_to: &str| {
        types::UserCreateRequest::builder()
            .email("ada@example.com")
            .external_id("ada-1")
            .build()
            .with_new_plan_custom_valid_to(valid_to)
    };
    let error = client(&recorder)
        .create_user(request("next tuesday"))
        .send()
        .await
        .unwrap_err();
    match error {
        Error::InvalidRequest(message) => {
            assert!(message.contains("`create_user`"), "{message}");
            assert!(message.contains("/new_plan_custom_valid_to"), "{message}");
            assert!(message.contains("pattern"), "{message}");
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert!(recorder.requests().is_empty(), "nothing is sent");

    client(&recorder)
        .create_user(request("2030-01-31"))
        .send()
        .await
        .unwrap();
    let sent = recorder.single();
    assert_eq!(sent.json()["new_plan_custom_valid_to"], "2030-01-31");
    assert_eq!(sent.json()["email"], "ada@example.com");
    assert_eq!(sent.json()["external_id"], "ada-1");
}
