//! The generated Publica.la server: a counting implementation of `PublicaApi`, the generated
//! client for typed round trips, raw requests for what must be refused before the trait.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use publica_client::types::auth::Credentials;
use publica_client::Client;
use publica_server::types::{self, EmptyDataEnvelope, UserCreatedEnvelope, UserListEnvelope};
use publica_server::{
    Context, CreateUserResponse, DeactivateUserResponse, ForceLogoutUserResponse, ListUsersQuery,
    ListUsersResponse, PublicaApi, ReactivateUserResponse, ServerConfig, UpdateUserResponse,
};
use serde_json::{json, Value};
use workspace_tests::{raw, serve, spec_value};

#[derive(Default)]
struct Counting {
    calls: AtomicUsize,
    /// What update_user received.
    updated: Mutex<Option<(i64, types::UserUpdateRequest)>>,
}

fn created_example() -> Value {
    spec_value(
        "publica",
        "/paths/~1integration-api~1v1~1dashboard~1users/post/responses/200/content/application~1json/examples/user_created/value",
    )
}

fn empty() -> EmptyDataEnvelope {
    serde_json::from_value(json!({"CODE": "success", "data": []})).unwrap()
}

/// The user id for which `force_logout_user` panics, as an implementation bug would.
const PANIC_ID: &str = "panic";

impl PublicaApi for Counting {
    async fn list_users(&self, _ctx: &mut Context, query: ListUsersQuery) -> ListUsersResponse {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let mut listed = spec_value(
            "publica",
            "/paths/~1integration-api~1v1~1dashboard~1users/get/responses/200/content/application~1json/examples/users/value",
        );
        if let Some(email) = query.email {
            listed["data"]["paginator"]["data"][0]["email"] = json!(email);
        }
        if let Some(types::ListUsersQuery::Admins) = query.query {
            listed["data"]["paginator"]["data"][0]["admin"] = json!(true);
        }
        let envelope: UserListEnvelope = serde_json::from_value(listed).unwrap();
        ListUsersResponse::Ok(envelope)
    }

    async fn create_user(
        &self,
        _ctx: &mut Context,
        body: types::UserCreateRequest,
    ) -> CreateUserResponse {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let mut created: UserCreatedEnvelope = serde_json::from_value(created_example()).unwrap();
        created.data.email = body.email;
        created.data.sessions_limit = body.sessions_limit;
        CreateUserResponse::Ok(created)
    }

    async fn update_user(
        &self,
        _ctx: &mut Context,
        user_id: i64,
        body: types::UserUpdateRequest,
    ) -> UpdateUserResponse {
        self.calls.fetch_add(1, Ordering::SeqCst);
        *self.updated.lock().unwrap() = Some((user_id, body));
        UpdateUserResponse::NoContent
    }

    async fn deactivate_user(&self, ctx: &mut Context, user_id: i64) -> DeactivateUserResponse {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if user_id == 404 {
            return DeactivateUserResponse::NotFound(ctx.error(
                404,
                "not_found",
                "No query results",
                None,
            ));
        }
        DeactivateUserResponse::Ok(empty())
    }

    async fn reactivate_user(&self, _ctx: &mut Context, user_id: i64) -> ReactivateUserResponse {
        self.calls.fetch_add(1, Ordering::SeqCst);
        ReactivateUserResponse::Ok(
            serde_json::from_value(json!({"CODE": "success", "data": user_id % 2})).unwrap(),
        )
    }

    async fn force_logout_user(
        &self,
        _ctx: &mut Context,
        user_id: String,
    ) -> ForceLogoutUserResponse {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if user_id == PANIC_ID {
            panic!("an implementation bug");
        }
        assert_eq!(user_id, "ext-7");
        ForceLogoutUserResponse::Ok(empty())
    }
}

const TOKEN: (&str, &str) = ("x-user-token", "demo-token");
const JSON: (&str, &str) = ("content-type", "application/json");
const USERS: &str = "/integration-api/v1/dashboard/users";

async fn start() -> (String, Arc<Counting>) {
    start_with_limit(1024 * 1024).await
}

async fn start_with_limit(max_body_bytes: usize) -> (String, Arc<Counting>) {
    let api = Arc::new(Counting::default());
    let mut config = ServerConfig::new(types::auth::Credentials::new("demo-token"));
    config.limits.max_body_bytes = max_body_bytes;
    let base = serve(publica_server::router(Arc::clone(&api), config)).await;
    (base, api)
}

fn client(base: &str) -> Client {
    Client::with_credentials(base, &Credentials::new("demo-token")).unwrap()
}

fn create_body() -> types::UserCreateRequest {
    serde_json::from_value(json!({"email": "new@example.com", "external_id": "ext-7",
                                  "sessions_limit": 3, "only_sees_readable": 1}))
    .unwrap()
}

#[tokio::test]
async fn every_operation_round_trips_typed_values() {
    let (base, api) = start().await;
    let client = client(&base);
    let list = client
        .list_users()
        .email("who@example.com")
        .query(types::ListUsersQuery::Admins)
        .send()
        .await
        .unwrap();
    let first = &list.data.paginator.data[0];
    assert_eq!(first.email, "who@example.com");
    assert!(matches!(first.admin, types::FlexibleBoolean::Boolean(true)));

    let created = client.create_user(create_body()).send().await.unwrap();
    assert_eq!(created.data.email, "new@example.com");
    assert_eq!(created.data.sessions_limit, Some(3));

    let update: types::UserUpdateRequest = serde_json::from_value(json!({
        "email": "changed@example.com", "external_id": "ext-7", "only_sees_readable": false,
        "user_plan_name": "Gold"
    }))
    .unwrap();
    let response = client
        .update_user(923242, update.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 204);
    let (id, received) = api.updated.lock().unwrap().clone().unwrap();
    assert_eq!(id, 923242);
    assert_eq!(received.email, "changed@example.com");
    assert_eq!(received.user_plan_name.as_deref(), Some("Gold"));

    assert!(client
        .deactivate_user(1)
        .send()
        .await
        .unwrap()
        .data
        .is_empty());
    assert_eq!(client.reactivate_user(3).send().await.unwrap().data, 1);
    assert_eq!(
        client.force_logout_user("ext-7").send().await.unwrap().code,
        types::SuccessCode::Success
    );
    let missing = client.deactivate_user(404).send().await.unwrap_err();
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(api.calls.load(Ordering::SeqCst), 7);
}

/// The error shape of the spec's `x-error-template` for an error that names no field: an
/// object with only `message` (no `errors`); returns the message.
fn assert_plain_error(response: &workspace_tests::RawResponse, status: u16) -> &str {
    assert_eq!(response.status, status, "{:?}", response.body);
    let body = response.body.as_object().expect("a JSON object body");
    assert_eq!(
        body.keys().collect::<Vec<_>>(),
        ["message"],
        "{:?}",
        response.body
    );
    let message = response.body["message"].as_str().unwrap();
    assert!(!message.is_empty());
    message
}

/// The vendor's validation shape: `message` and the messages per field under `errors`.
fn assert_field_error(response: &workspace_tests::RawResponse, status: u16, field: &str) {
    assert_eq!(response.status, status, "{:?}", response.body);
    assert!(response.body["message"].is_string(), "{:?}", response.body);
    let messages = &response.body["errors"][field];
    assert!(
        messages.as_array().is_some_and(|m| !m.is_empty()),
        "errors.{field} missing in {}",
        response.body
    );
}

#[tokio::test]
async fn invalid_input_is_refused_with_the_documented_status_and_field() {
    let (base, api) = start().await;
    let url = |path: &str| format!("{base}{path}");
    // Bodies: 422, as the page documents for create and update.
    for (body, field) in [
        (json!({"external_id": "e"}), "email"),
        (
            json!({"email": "not-an-email", "external_id": "e"}),
            "email",
        ),
        (json!({"email": "a@example.com"}), "external_id"),
        (
            json!({"email": "a@example.com", "external_id": "e", "sessions_limit": "many"}),
            "sessions_limit",
        ),
        (
            json!({"email": "a@example.com", "external_id": "e", "admin": 2}),
            "admin",
        ),
    ] {
        let text = body.to_string();
        let response = raw("POST", &url(USERS), &[TOKEN, JSON], Some(text.as_bytes())).await;
        assert_field_error(&response, 422, field);
    }
    let response = raw(
        "PUT",
        &url(&format!("{USERS}/1")),
        &[TOKEN, JSON],
        Some(br#"{"email": "a@example.com", "external_id": "e"}"#),
    )
    .await;
    assert_field_error(&response, 422, "only_sees_readable");
    // Malformed JSON and a wrong content type: 422 too, with a message and no field.
    let response = raw("POST", &url(USERS), &[TOKEN, JSON], Some(b"{\"email\": ")).await;
    let message = assert_plain_error(&response, 422);
    assert!(message.contains("line 1"), "{message}");
    let response = raw(
        "PUT",
        &url(&format!("{USERS}/1")),
        &[TOKEN, JSON],
        Some(b"{\n\"email\": \"a@example.com\",\n\"external_id\": }"),
    )
    .await;
    let message = assert_plain_error(&response, 422);
    assert!(message.contains("line 3"), "{message}");
    let response = raw(
        "POST",
        &url(USERS),
        &[TOKEN, ("content-type", "text/plain")],
        Some(b"{}"),
    )
    .await;
    let message = assert_plain_error(&response, 422);
    assert!(
        message.contains("application/json") && message.contains("`text/plain`"),
        "{message}"
    );
    // Parameters: 400 (not in the page).
    for (method, path, field) in [
        ("GET", format!("{USERS}?query=everyone"), "query"),
        ("GET", format!("{USERS}?email=nope"), "email"),
        ("GET", format!("{USERS}?page=2"), "page"),
        ("DELETE", format!("{USERS}/abc"), "user_id"),
        ("PUT", format!("{USERS}/1.5/re-activate"), "user_id"),
    ] {
        let response = raw(method, &url(&path), &[TOKEN], None).await;
        assert_field_error(&response, 400, field);
    }
    assert_eq!(api.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn missing_or_wrong_token_gets_401() {
    let (base, api) = start().await;
    for headers in [
        vec![],
        vec![("x-user-token", "other")],
        vec![("authorization", "Bearer demo-token")],
    ] {
        let response = raw("GET", &format!("{base}{USERS}"), &headers, None).await;
        assert_eq!(response.status, 401, "{headers:?}");
        assert!(response.body["message"].is_string());
    }
    // force logout, whose 401 the page does not document, too.
    let response = raw(
        "POST",
        &format!("{base}/integration-api/v1/users/1/force-logout"),
        &[],
        None,
    )
    .await;
    assert_eq!(response.status, 401);
    assert_eq!(api.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn unknown_paths_and_methods() {
    let (base, _) = start().await;
    // The page's force-logout path has no /dashboard: the dashboard one does not exist.
    let response = raw(
        "POST",
        &format!("{base}/integration-api/v1/dashboard/users/1/force-logout"),
        &[TOKEN],
        None,
    )
    .await;
    let message = assert_plain_error(&response, 404);
    assert!(
        message.contains("/integration-api/v1/dashboard/users/1/force-logout"),
        "{message}"
    );
    let response = raw("GET", &format!("{base}/nowhere"), &[TOKEN], None).await;
    assert!(assert_plain_error(&response, 404).contains("/nowhere"));
    let response = raw("PATCH", &format!("{base}{USERS}/1"), &[TOKEN], None).await;
    let message = assert_plain_error(&response, 405);
    assert!(message.contains("DELETE, PUT"), "{message}");
    let mut allow: Vec<&str> = response.header("allow").unwrap().split(", ").collect();
    allow.sort();
    assert_eq!(allow, ["DELETE", "PUT"]);
}

#[tokio::test]
async fn body_limit_and_a_panicking_implementation() {
    const LIMIT: usize = 64;
    let (base, api) = start_with_limit(LIMIT).await;
    let url = format!("{base}{USERS}");
    // A valid body of exactly the limit goes through; one byte more gets 413 before the trait.
    let body = |len: usize| {
        let empty = r#"{"email":"a@example.com","external_id":""}"#;
        let body = json!({"email": "a@example.com", "external_id": "e".repeat(len - empty.len())})
            .to_string();
        assert_eq!(body.len(), len);
        body
    };
    let response = raw(
        "POST",
        &url,
        &[TOKEN, JSON],
        Some(body(LIMIT + 1).as_bytes()),
    )
    .await;
    let message = assert_plain_error(&response, 413);
    assert!(message.contains("64 bytes"), "{message}");
    let response = raw(
        "PUT",
        &format!("{url}/1"),
        &[TOKEN, JSON],
        Some("x".repeat(10 * LIMIT).as_bytes()),
    )
    .await;
    assert_plain_error(&response, 413);
    assert_eq!(api.calls.load(Ordering::SeqCst), 0);
    let response = raw("POST", &url, &[TOKEN, JSON], Some(body(LIMIT).as_bytes())).await;
    assert_eq!(response.status, 200, "{:?}", response.body);
    assert_eq!(response.body["data"]["email"], "a@example.com");
    assert_eq!(api.calls.load(Ordering::SeqCst), 1);

    // A panic in the implementation: 500 in the vendor's shape, without the panic's text.
    let response = raw(
        "POST",
        &format!("{base}/integration-api/v1/users/{PANIC_ID}/force-logout"),
        &[TOKEN],
        None,
    )
    .await;
    let message = assert_plain_error(&response, 500);
    assert!(!message.contains("an implementation bug"), "{message}");
    assert_eq!(api.calls.load(Ordering::SeqCst), 2);
    // Still serving, the same operation included.
    let logged_out = client(&base)
        .force_logout_user("ext-7")
        .send()
        .await
        .unwrap();
    assert_eq!(logged_out.code, types::SuccessCode::Success);
    assert!(logged_out.data.is_empty());
    assert_eq!(api.calls.load(Ordering::SeqCst), 3);
}
