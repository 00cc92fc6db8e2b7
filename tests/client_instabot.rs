//! The Instabot client against a recording server on loopback: both auth headers, the `/v1`
//! base path, `/users/lastUpdated` apart from `/users/{objectId}`, every documented sample,
//! open enums, and the `limit`/`skip` stream.

use futures_util::TryStreamExt;
use instabot_client::types::{self, auth::Credentials};
use instabot_client::{Client, Environment};
use serde_json::{json, Value};
use workspace_tests::{sample, spec_value, Canned, Recorder};

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
    let created = client(&recorder).create_user(&body).await.unwrap();
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
        .list_users(
            std::num::NonZeroU64::new(20),
            Some(types::ListUsersResolve::Conversations),
            Some(0),
            Some(types::ListUsersType::All),
        )
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
    let since: types::ListUsersUpdatedSinceSince = "2017-03-30T14:44:55".parse().unwrap();
    client(&recorder)
        .list_users_updated_since(&since)
        .await
        .unwrap();
    let seen = recorder.single();
    assert_eq!(seen.path, "/v1/users/lastUpdated");
    assert_eq!(
        seen.query,
        [("since".to_string(), "2017-03-30T14:44:55".to_string())]
    );
    assert_auth(&seen);
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
        .get_user(322673814, Some(types::GetUserResolve::Conversations))
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
            .update_user(322673814, &update)
            .await
            .unwrap()
            .data
            .object_id,
        322673814
    );
    client.delete_user(322673814).await.unwrap();
    client.restore_user(322673814).await.unwrap();
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
    let user = client(&recorder).get_user(322673814, None).await.unwrap();
    assert_eq!(user.data.object_id, 322673814);
    assert_eq!(user.data.referral_code.as_deref(), Some("PZGJX873"));
    let recorder = Recorder::always(Canned::json(
        200,
        example("/paths/~1users~1lastUpdated/get/responses/200/content/application~1json/examples/updated_users/value"),
    ))
    .await;
    let since: types::ListUsersUpdatedSinceSince = "2017-03-30T14:44:55".parse().unwrap();
    let list = client(&recorder)
        .list_users_updated_since(&since)
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
    let list = client(&recorder)
        .list_users(None, None, None, None)
        .await
        .unwrap();
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
        .list_users_stream(std::num::NonZeroU64::new(2), None, None)
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
}

#[tokio::test]
async fn the_server_and_secrets() {
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
}
