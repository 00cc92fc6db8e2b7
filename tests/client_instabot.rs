//! The Instabot client against a recording server on loopback: both auth headers, the `/v1`
//! base path, `/users/lastUpdated` apart from `/users/{objectId}`, every documented sample,
//! open enums, and the `limit`/`skip` stream.

use std::collections::BTreeSet;

use futures_util::TryStreamExt;
use instabot_client::types::{self, auth::Credentials};
use instabot_client::{Client, Environment, Error};
use serde_json::{json, Value};
use workspace_tests::{sample, spec_value, Canned, Recorder};

#[path = "support/documented.rs"]
mod documented;

fn client(recorder: &Recorder) -> Client {
    let credentials = Credentials::new("demo-api-key", "demo-master-key");
    Client::with_credentials(&format!("{}/v1", recorder.base_url), &credentials).unwrap()
}

fn example(pointer: &str) -> Value {
    spec_value("instabot", pointer)
}

fn user_example() -> Value {
    example("/paths/~1users~1{objectId}/get/responses/200/content/application~1json/examples/user/value")
}

fn list_example() -> Value {
    example("/paths/~1users/get/responses/200/content/application~1json/examples/users_with_conversations/value")
}

fn assert_auth(request: &workspace_tests::Recorded) {
    assert_eq!(request.header("x-instabot-api-key"), Some("demo-api-key"));
    assert_eq!(
        request.header("authorization"),
        Some("X-Instabot-Master-Api-Key demo-master-key")
    );
}

#[tokio::test]
async fn create_user_sends_both_headers_and_the_body() {
    let recorder = Recorder::always(Canned::json(
        201,
        sample("instabot/create_user.response-201.json"),
    ))
    .await;
    let body: types::UserCreateRequest = serde_json::from_value(example(
        "/paths/~1users/post/requestBody/content/application~1json/examples/create_user/value",
    ))
    .unwrap();
    let created = client(&recorder)
        .create_user(body.clone())
        .send()
        .await
        .unwrap();
    let seen = recorder.single();
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("POST", "/v1/users")
    );
    assert_auth(&seen);
    let sent = seen.json();
    assert_eq!(sent["userName"], "user1");
    assert_eq!(sent["userPassword"], "password");
    assert_eq!(sent["photoFile"], json!({"objectId": 322673813}));
    assert_eq!(created.0.data.object_id, 400);
}

#[tokio::test]
async fn list_users_sends_type_limit_skip_and_resolve() {
    let recorder = Recorder::always(Canned::json(200, list_example())).await;
    let list = client(&recorder)
        .list_users()
        .limit(20)
        .resolve(types::ListUsersResolve::Conversations)
        .skip(0)
        .type_(types::ListUsersType::All)
        .send()
        .await
        .unwrap();
    let seen = recorder.single();
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("GET", "/v1/users")
    );
    assert_auth(&seen);
    let mut query = seen.query.clone();
    query.sort();
    assert_eq!(
        query,
        [
            ("limit".to_string(), "20".to_string()),
            ("resolve".into(), "conversations".into()),
            ("skip".into(), "0".into()),
            ("type".into(), "all".into()),
        ]
    );
    assert_eq!(list.total_count, Some(16));
    assert_eq!(list.has_more_records, Some(true));
    let user = &list.data[0];
    assert_eq!(user.username, "zhuchkovat");
    assert_eq!(user.conversations[0].sessions[0].responses.len(), 3);
    assert_eq!(user.user_type, Some(types::UserUserType::Reference));
}

#[tokio::test]
async fn last_updated_is_its_own_path_with_since() {
    let recorder = Recorder::always(Canned::json(200, list_example())).await;
    let since = "2017-03-30T14:44:55Z".parse().unwrap();
    client(&recorder)
        .list_users_updated_since(since)
        .send()
        .await
        .unwrap();
    let seen = recorder.single();
    assert_eq!(seen.path, "/v1/users/lastUpdated");
    assert_eq!(
        seen.query,
        [("since".to_string(), "2017-03-30T14:44:55Z".to_string())]
    );
    assert_auth(&seen);
}

#[tokio::test]
async fn since_is_written_in_instabots_form_not_chronos() {
    let recorder = Recorder::always(Canned::json(200, list_example())).await;
    // An offset other than Z is converted; the fraction keeps its significant digits only.
    let since = chrono::DateTime::parse_from_rfc3339("2016-12-31T23:22:07.5124322+01:00")
        .unwrap()
        .with_timezone(&chrono::Utc);
    client(&recorder)
        .list_users_updated_since(since)
        .send()
        .await
        .unwrap();
    assert_eq!(
        recorder.single().query,
        [(
            "since".to_string(),
            "2016-12-31T22:22:07.5124322Z".to_string()
        )]
    );
}

#[tokio::test]
async fn get_update_delete_and_restore_use_the_object_id() {
    let recorder = Recorder::start(|request| match request.method.as_str() {
        "GET" => Canned::json(200, user_example()),
        _ => Canned::json(
            200,
            json!({"apiStatusCode": "Success", "data": {"objectId": 322673814}}),
        ),
    })
    .await;
    let client = client(&recorder);
    let user = client
        .get_user(322673814)
        .resolve(types::GetUserResolve::Conversations)
        .send()
        .await
        .unwrap();
    assert_eq!(user.data.username, "user1");
    assert_eq!(user.data.phone, None);
    let update: types::UserUpdateRequest = serde_json::from_value(json!({
        "userName": "user2", "email": "user2@example.com", "phone": null
    }))
    .unwrap();
    assert_eq!(
        client
            .update_user(322673814, update.clone())
            .send()
            .await
            .unwrap()
            .data
            .object_id,
        322673814
    );
    client.delete_user(322673814).send().await.unwrap();
    client.restore_user(322673814).send().await.unwrap();
    let seen: Vec<(String, String, String)> = recorder
        .requests()
        .iter()
        .map(|r| {
            let query: Vec<String> = r.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            (r.method.to_string(), r.path.clone(), query.join("&"))
        })
        .collect();
    let path = "/v1/users/322673814".to_string();
    assert_eq!(
        seen,
        [
            (
                "GET".to_string(),
                path.clone(),
                "resolve=conversations".to_string()
            ),
            ("PUT".into(), path.clone(), String::new()),
            ("DELETE".into(), path.clone(), String::new()),
            // Restore is a POST to the object (the page).
            ("POST".into(), path, String::new()),
        ]
    );
    let sent = recorder.requests()[1].json();
    assert_eq!(sent["userName"], "user2");
    assert!(recorder.requests().iter().all(|r| {
        r.header("authorization") == Some("X-Instabot-Master-Api-Key demo-master-key")
    }));
}

#[tokio::test]
async fn the_documented_samples_deserialize() {
    // The Get User sample as the page has it (its e-mail was mangled in capture: still a
    // string) and the repaired list sample.
    let recorder = Recorder::always(Canned::json(
        200,
        sample("instabot/get_user.response-200.json"),
    ))
    .await;
    let user = client(&recorder).get_user(322673814).send().await.unwrap();
    assert_eq!(user.data.object_id, 322673814);
    assert_eq!(user.data.referral_code.as_deref(), Some("PZGJX873"));
    let recorder = Recorder::always(Canned::json(
        200,
        example("/paths/~1users~1lastUpdated/get/responses/200/content/application~1json/examples/updated_users/value"),
    ))
    .await;
    let since = "2017-03-30T14:44:55Z".parse().unwrap();
    let list = client(&recorder)
        .list_users_updated_since(since)
        .send()
        .await
        .unwrap();
    assert!(!list.data.is_empty());
}

#[tokio::test]
async fn an_unknown_enum_value_does_not_break_the_list() {
    let mut list = list_example();
    list["data"][0]["userType"] = json!("bot");
    list["data"][0]["conversations"][0]["status"] = json!("Archived");
    let recorder = Recorder::always(Canned::json(200, list)).await;
    let list = client(&recorder).list_users().send().await.unwrap();
    assert_eq!(
        list.data[0].user_type,
        Some(types::UserUserType::Unknown("bot".into()))
    );
    assert_eq!(
        list.data[0].conversations[0].status,
        Some(types::ConversationStatus::Unknown("Archived".into()))
    );
}

#[tokio::test]
async fn the_users_stream_follows_skip_until_no_more_records() {
    let users: Vec<Value> = (1..=5)
        .map(|id| json!({"objectId": id, "username": format!("user{id}")}))
        .collect();
    let recorder = Recorder::start(move |request| {
        let param = |name: &str| {
            request
                .query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.parse::<usize>().unwrap())
        };
        let (limit, skip) = (param("limit").unwrap_or(20), param("skip").unwrap_or(0));
        let page: Vec<Value> = users.iter().skip(skip).take(limit).cloned().collect();
        Canned::json(
            200,
            json!({"apiStatusCode": "Success", "totalCount": 5,
                   "hasMoreRecords": skip + page.len() < 5, "data": page}),
        )
    })
    .await;
    let client = client(&recorder);
    let all: Vec<types::User> = client
        .list_users()
        .limit(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let names: Vec<&str> = all.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names, ["user1", "user2", "user3", "user4", "user5"]);
    let skips: Vec<String> = recorder
        .requests()
        .iter()
        .map(|r| r.query.iter().find(|(k, _)| k == "skip").unwrap().1.clone())
        .collect();
    assert_eq!(skips, ["0", "2", "4"]);
    for request in recorder.requests() {
        assert_eq!(request.path, "/v1/users");
        assert_auth(&request);
        let limits: Vec<&str> = request
            .query
            .iter()
            .filter(|(k, _)| k == "limit")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(limits, ["2"]);
    }
}

/// Without a limit the stream sends none (the spec has no default: the server picks the page
/// size) and still walks by `skip` while `hasMoreRecords` says so; a page without
/// `hasMoreRecords` is the last.
#[tokio::test]
async fn the_users_stream_without_a_limit_lets_the_server_pick_the_page_size() {
    let recorder = Recorder::start(|request| {
        let skip: usize = request
            .query
            .iter()
            .find(|(k, _)| k == "skip")
            .map(|(_, v)| v.parse().unwrap())
            .unwrap();
        let users: Vec<Value> = (skip..(skip + 3).min(7))
            .map(|i| json!({"objectId": i, "username": format!("u{i}")}))
            .collect();
        let body = if skip + 3 < 7 {
            json!({"apiStatusCode": "Success", "hasMoreRecords": true, "data": users})
        } else {
            json!({"apiStatusCode": "Success", "data": users})
        };
        Canned::json(200, body)
    })
    .await;
    let client = client(&recorder);
    let all: Vec<types::User> = client
        .list_users()
        .resolve(types::ListUsersResolve::Organizations)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<i64> = all.iter().map(|u| u.object_id).collect();
    assert_eq!(ids, [0, 1, 2, 3, 4, 5, 6]);
    let queries: Vec<Vec<(String, String)>> =
        recorder.requests().into_iter().map(|r| r.query).collect();
    let expected: Vec<Vec<(String, String)>> = ["0", "3", "6"]
        .iter()
        .map(|skip| {
            vec![
                ("resolve".to_string(), "organizations".to_string()),
                ("skip".to_string(), skip.to_string()),
            ]
        })
        .collect();
    assert_eq!(queries, expected);
}

fn create_request() -> Value {
    example("/paths/~1users/post/requestBody/content/application~1json/examples/create_user/value")
}

/// The update example less its `username` (the page's spelling, which the generated request
/// type has no field for: the manifest's `username-spelling` deviation).
fn update_request() -> Value {
    let mut body = example(
        "/paths/~1users~1{objectId}/put/requestBody/content/application~1json/examples/update_user/value",
    );
    body.as_object_mut().unwrap().remove("username");
    body
}

/// Calls `operation` with fixed arguments (those of [`sent`]); returns the typed body,
/// serialized again.
async fn call(client: &Client, operation: &str) -> Result<Value, Error<types::Error>> {
    fn done<T: serde::Serialize>(response: instabot_client::ResponseValue<T>) -> Value {
        serde_json::to_value(response.into_inner()).unwrap()
    }
    Ok(match operation {
        "create_user" => {
            let body: types::UserCreateRequest = serde_json::from_value(create_request()).unwrap();
            done(client.create_user(body.clone()).send().await?)
        }
        "list_users" => done(
            client
                .list_users()
                .limit(20)
                .resolve(types::ListUsersResolve::UserSegments)
                .skip(40)
                .type_(types::ListUsersType::All)
                .send()
                .await?,
        ),
        "list_users_updated_since" => {
            let since = "2017-03-30T14:44:55Z".parse().unwrap();
            done(client.list_users_updated_since(since).send().await?)
        }
        "update_user" => {
            let body: types::UserUpdateRequest = serde_json::from_value(update_request()).unwrap();
            done(client.update_user(11, body.clone()).send().await?)
        }
        "delete_user" => done(client.delete_user(12).send().await?),
        "restore_user" => done(client.restore_user(13).send().await?),
        "get_user" => done(
            client
                .get_user(14)
                .resolve(types::GetUserResolve::Organizations)
                .send()
                .await?,
        ),
        other => panic!("no call for operation {other}: add it to the client tests"),
    })
}

/// What [`call`] sends for `operation`: path, query (in order) and JSON body.
fn sent(operation: &str) -> (&'static str, Vec<(&'static str, &'static str)>, Value) {
    match operation {
        "create_user" => ("/v1/users", vec![], create_request()),
        "list_users" => (
            "/v1/users",
            vec![
                ("limit", "20"),
                ("resolve", "userSegments"),
                ("skip", "40"),
                ("type", "all"),
            ],
            Value::Null,
        ),
        "list_users_updated_since" => (
            "/v1/users/lastUpdated",
            vec![("since", "2017-03-30T14:44:55Z")],
            Value::Null,
        ),
        "update_user" => ("/v1/users/11", vec![], update_request()),
        "delete_user" => ("/v1/users/12", vec![], Value::Null),
        "restore_user" => ("/v1/users/13", vec![], Value::Null),
        "get_user" => (
            "/v1/users/14",
            vec![("resolve", "organizations")],
            Value::Null,
        ),
        other => panic!("no expectation for operation {other}"),
    }
}

/// Every operation of the spec: its method, path (the spec's template under the `/v1` base
/// path), query, JSON body and both credential headers go out; the operation's success example
/// comes back typed with all its data.
#[tokio::test]
async fn every_operation_sends_its_method_path_query_body_and_both_keys() {
    let examples = documented::spec_success_examples("instabot");
    let operations = documented::operations("instabot");
    assert_eq!(operations.len(), 7, "{operations:?}");
    for (operation, method, template) in operations {
        let example = examples
            .iter()
            .find(|e| e.operation == operation)
            .unwrap_or_else(|| panic!("{operation} has no success example"));
        let recorder = Recorder::always(Canned::json(example.status, example.body.clone())).await;
        let back = call(&client(&recorder), &operation)
            .await
            .unwrap_or_else(|e| panic!("{operation}: {e}"));
        let seen = recorder.single();
        let (path, query, body) = sent(&operation);
        assert_eq!(seen.method.as_str(), method, "{operation}");
        assert_eq!(seen.path, path, "{operation}");
        assert!(
            documented::matches_template(&format!("/v1{template}"), &seen.path),
            "{operation}: {} is not an instance of {template}",
            seen.path
        );
        let seen_query: Vec<(&str, &str)> = seen
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(seen_query, query, "{operation}");
        assert_auth(&seen);
        assert_eq!(seen.header("accept"), Some("application/json"));
        if body.is_null() {
            assert!(seen.body.is_empty(), "{operation}");
        } else {
            assert_eq!(seen.header("content-type"), Some("application/json"));
            documented::assert_same_data(&operation, &body, &seen.json());
        }
        documented::assert_same_data(&example.source, &example.body, &back);
    }
}

/// Every success example in the spec goes through the client and deserializes, keeping all
/// its data; every operation has one.
#[tokio::test]
async fn every_spec_success_example_deserializes_through_the_client() {
    let examples = documented::spec_success_examples("instabot");
    let covered: BTreeSet<String> = examples.iter().map(|e| e.operation.clone()).collect();
    let all: BTreeSet<String> = documented::operations("instabot")
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    assert_eq!(covered, all);
    for example in &examples {
        let recorder = Recorder::always(Canned::json(example.status, example.body.clone())).await;
        let back = call(&client(&recorder), &example.operation)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", example.source));
        documented::assert_same_data(&example.source, &example.body, &back);
    }
}

/// The documents' response samples that are JSON (the manifest: the create sample conforms,
/// the Get User sample has a mangled e-mail address, still a string) go through the client
/// and deserialize with all their data.
#[tokio::test]
async fn every_documented_response_sample_deserializes_through_the_client() {
    let samples = documented::manifest_response_samples("instabot");
    let files: Vec<&str> = samples.iter().map(|s| s.source.as_str()).collect();
    assert_eq!(
        files,
        [
            "instabot/create_user.response-201.json",
            "instabot/get_user.response-200.json",
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
        201,
        sample("instabot/create_user.response-201.json"),
    ))
    .await;
    let body: types::UserCreateRequest = serde_json::from_value(create_request()).unwrap();
    let created = client(&recorder)
        .create_user(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(created.0.api_status_code, types::SuccessStatusCode::Success);
    assert_eq!(created.0.data.object_id, 400);
}

#[tokio::test]
async fn a_documented_error_is_typed() {
    let recorder = Recorder::always(Canned::json(
        404,
        json!({"apiStatusCode": "NotFound", "message": "No user 9"}),
    ))
    .await;
    let error = client(&recorder).get_user(9).send().await.unwrap_err();
    match error {
        Error::ErrorResponse(response) => {
            assert_eq!(response.status().as_u16(), 404);
            assert_eq!(response.api_status_code, "NotFound");
            assert_eq!(response.message, "No user 9");
        }
        other => panic!("expected the documented 404, got {other:?}"),
    }
}

/// The spec's one server carries the `/v1` base path; the operations' paths go below it.
#[tokio::test]
async fn the_server_and_secrets() {
    assert_eq!(Environment::ALL, [Environment::default()]);
    assert_eq!(
        Environment::default().base_url(),
        "https://api.instabot.io/v1"
    );
    let credentials = Credentials::new("key-123", "master-456");
    let shown = format!("{credentials:?}");
    assert!(
        !shown.contains("key-123") && !shown.contains("master-456"),
        "{shown}"
    );
    let client = Client::with_credentials(Environment::default().base_url(), &credentials).unwrap();
    assert_eq!(client.baseurl(), "https://api.instabot.io/v1");
    let shown = format!("{client:?}");
    assert!(
        !shown.contains("key-123") && !shown.contains("master-456"),
        "{shown}"
    );
    // A key that cannot be a header value is refused, not sent mangled.
    assert!(
        Client::with_credentials("http://127.0.0.1:9/v1", &Credentials::new("a\r\nb", "m"))
            .is_err()
    );
}
