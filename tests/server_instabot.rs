//! The generated Instabot server: a counting implementation of `InstabotApi` behind the `/v1`
//! base path, the generated client for typed round trips, raw requests for refusals.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use instabot_client::types::auth::Credentials;
use instabot_client::Client;
use instabot_server::types::{self, ObjectIdEnvelope, UserEnvelope, UserListEnvelope};
use instabot_server::{
    Context, CreateUserResponse, DeleteUserResponse, GetUserQuery, GetUserResponse, InstabotApi,
    ListUsersQuery, ListUsersResponse, ListUsersUpdatedSinceQuery, ListUsersUpdatedSinceResponse,
    RestoreUserResponse, ServerConfig, UpdateUserResponse,
};
use serde_json::json;
use workspace_tests::{raw, serve};

#[derive(Default)]
struct Counting {
    calls: AtomicUsize,
}

fn id(object_id: i64) -> ObjectIdEnvelope {
    serde_json::from_value(json!({"apiStatusCode": "Success", "data": {"objectId": object_id}}))
        .unwrap()
}

fn user(object_id: i64, username: &str) -> types::User {
    serde_json::from_value(json!({"objectId": object_id, "username": username})).unwrap()
}

fn list(users: Vec<types::User>, more: bool) -> UserListEnvelope {
    serde_json::from_value(json!({"apiStatusCode": "Success", "hasMoreRecords": more,
        "totalCount": users.len(), "data": users}))
    .unwrap()
}

/// The object id for which `get_user` panics, as an implementation bug would.
const PANIC_ID: i64 = 666;

impl InstabotApi for Counting {
    async fn list_users(&self, _ctx: &mut Context, query: ListUsersQuery) -> ListUsersResponse {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let skip = query.skip.unwrap_or(0);
        let limit = query.limit.map_or(20, |l| l.get() as i64);
        let all = matches!(query.type_, Some(types::ListUsersType::All));
        let users = (skip..skip + limit)
            .map(|i| user(i, if all { "anyone" } else { "registered" }))
            .collect();
        ListUsersResponse::Ok(list(users, true))
    }

    async fn create_user(
        &self,
        _ctx: &mut Context,
        body: types::UserCreateRequest,
    ) -> CreateUserResponse {
        self.calls.fetch_add(1, Ordering::SeqCst);
        CreateUserResponse::Created(types::UserCreatedEnvelope(id(body.user_name.len() as i64)))
    }

    async fn list_users_updated_since(
        &self,
        _ctx: &mut Context,
        query: ListUsersUpdatedSinceQuery,
    ) -> ListUsersUpdatedSinceResponse {
        self.calls.fetch_add(1, Ordering::SeqCst);
        ListUsersUpdatedSinceResponse::Ok(list(vec![user(1, &query.since)], false))
    }

    async fn get_user(
        &self,
        ctx: &mut Context,
        object_id: i64,
        query: GetUserQuery,
    ) -> GetUserResponse {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if object_id == PANIC_ID {
            panic!("an implementation bug");
        }
        if object_id == 404 {
            return GetUserResponse::NotFound(ctx.error(404, "NotFound", "no such user", None));
        }
        let name = match query.resolve {
            Some(types::GetUserResolve::Conversations) => "with-conversations",
            _ => "plain",
        };
        let envelope: UserEnvelope = serde_json::from_value(
            json!({"apiStatusCode": "Success", "data": user(object_id, name)}),
        )
        .unwrap();
        GetUserResponse::Ok(envelope)
    }

    async fn update_user(
        &self,
        _ctx: &mut Context,
        object_id: i64,
        body: types::UserUpdateRequest,
    ) -> UpdateUserResponse {
        self.calls.fetch_add(1, Ordering::SeqCst);
        assert_eq!(body.email.as_deref(), Some("new@example.com"));
        UpdateUserResponse::Ok(id(object_id))
    }

    async fn restore_user(&self, _ctx: &mut Context, object_id: i64) -> RestoreUserResponse {
        self.calls.fetch_add(1, Ordering::SeqCst);
        RestoreUserResponse::Ok(id(object_id + 1))
    }

    async fn delete_user(&self, _ctx: &mut Context, object_id: i64) -> DeleteUserResponse {
        self.calls.fetch_add(1, Ordering::SeqCst);
        DeleteUserResponse::Ok(id(object_id + 2))
    }
}

const KEY: (&str, &str) = ("x-instabot-api-key", "demo-api-key");
const MASTER: (&str, &str) = ("authorization", "X-Instabot-Master-Api-Key demo-master-key");
const JSON: (&str, &str) = ("content-type", "application/json");

async fn start() -> (String, Arc<Counting>) {
    start_with_limit(1024 * 1024).await
}

async fn start_with_limit(max_body_bytes: usize) -> (String, Arc<Counting>) {
    let api = Arc::new(Counting::default());
    let mut config = ServerConfig::new(types::auth::Credentials::new(
        "demo-api-key",
        "demo-master-key",
    ));
    config.limits.max_body_bytes = max_body_bytes;
    let base = serve(instabot_server::router(Arc::clone(&api), config)).await;
    (format!("{base}/v1"), api)
}

fn client(base: &str) -> Client {
    Client::with_credentials(base, &Credentials::new("demo-api-key", "demo-master-key")).unwrap()
}

/// The error shape of the spec's `x-error-template`: an object with exactly `apiStatusCode`
/// (the status's reason phrase as one word, like the documented `Success`) and `message`;
/// returns the message.
fn assert_error_shape<'a>(
    response: &'a workspace_tests::RawResponse,
    status: u16,
    code: &str,
) -> &'a str {
    assert_eq!(response.status, status, "{:?}", response.body);
    let body = response.body.as_object().expect("a JSON object body");
    let mut keys: Vec<&str> = body.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["apiStatusCode", "message"], "{:?}", response.body);
    assert_eq!(response.body["apiStatusCode"], code, "{:?}", response.body);
    let message = response.body["message"].as_str().unwrap();
    assert!(!message.is_empty());
    message
}

#[tokio::test]
async fn every_operation_round_trips_typed_values() {
    let (base, api) = start().await;
    let client = client(&base);
    let page = client
        .list_users()
        .limit(3)
        .skip(5)
        .type_(types::ListUsersType::All)
        .send()
        .await
        .unwrap();
    let ids: Vec<i64> = page.data.iter().map(|u| u.object_id).collect();
    assert_eq!(ids, [5, 6, 7]);
    assert_eq!(page.data[0].username, "anyone");

    let body: types::UserCreateRequest =
        serde_json::from_value(json!({"userName": "seven77", "userPassword": "pw"})).unwrap();
    assert_eq!(
        client
            .create_user(body.clone())
            .send()
            .await
            .unwrap()
            .0
            .data
            .object_id,
        7
    );

    // The client writes Instabot's form (`Z`, trailing zeros trimmed); the server hands the
    // implementation the text it accepted.
    let since = "2017-03-30T14:44:55.100Z".parse().unwrap();
    let updated = client.list_users_updated_since(since).send().await.unwrap();
    assert_eq!(updated.data[0].username, "2017-03-30T14:44:55.1Z");

    let got = client
        .get_user(42)
        .resolve(types::GetUserResolve::Conversations)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (got.data.object_id, got.data.username.as_str()),
        (42, "with-conversations")
    );

    let update: types::UserUpdateRequest =
        serde_json::from_value(json!({"email": "new@example.com"})).unwrap();
    assert_eq!(
        client
            .update_user(9, update.clone())
            .send()
            .await
            .unwrap()
            .data
            .object_id,
        9
    );
    assert_eq!(
        client.restore_user(9).send().await.unwrap().data.object_id,
        10
    );
    assert_eq!(
        client.delete_user(9).send().await.unwrap().data.object_id,
        11
    );
    let missing = client.get_user(404).send().await.unwrap_err();
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(api.calls.load(Ordering::SeqCst), 8);
}

#[tokio::test]
async fn last_updated_is_not_an_object_id() {
    let (base, api) = start().await;
    let response = raw(
        "GET",
        &format!("{base}/users/lastUpdated?since=2017-03-30T14:44:55"),
        &[KEY, MASTER],
        None,
    )
    .await;
    assert_eq!(response.status, 200, "{:?}", response.body);
    assert_eq!(response.body["data"][0]["username"], "2017-03-30T14:44:55");
    // Without `since`, it is still lastUpdated (400 naming since), never get_user("lastUpdated").
    let response = raw(
        "GET",
        &format!("{base}/users/lastUpdated"),
        &[KEY, MASTER],
        None,
    )
    .await;
    assert_eq!(response.status, 400);
    assert!(response.body["message"].as_str().unwrap().contains("since"));
    assert_eq!(api.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn both_headers_are_required() {
    let (base, api) = start().await;
    let cases = [
        vec![],
        vec![KEY],
        vec![MASTER],
        vec![("x-instabot-api-key", "wrong"), MASTER],
        vec![KEY, ("authorization", "X-Instabot-Master-Api-Key wrong")],
        vec![KEY, ("authorization", "demo-master-key")],
    ];
    for headers in cases {
        let response = raw("GET", &format!("{base}/users"), &headers, None).await;
        assert_eq!(response.status, 401, "{headers:?}");
        assert!(response.body["apiStatusCode"].is_string() && response.body["message"].is_string());
        assert!(!response.body.to_string().contains("demo-master-key"));
    }
    assert_eq!(api.calls.load(Ordering::SeqCst), 0);
}

/// (method, path, headers, body, the text the message must contain); each answers 400 with
/// `apiStatusCode: BadRequest`.
type Case<'a> = (
    &'a str,
    &'a str,
    &'a [(&'a str, &'a str)],
    Option<&'a str>,
    &'a str,
);

#[tokio::test]
async fn invalid_input_gets_400_naming_the_field() {
    let (base, api) = start().await;
    const TEXT: (&str, &str) = ("content-type", "text/plain");
    const VALID: &str = r#"{"userName": "u", "userPassword": "p"}"#;
    let cases: [Case; 17] = [
        ("GET", "/users?limit=0", &[KEY, MASTER], None, "limit"),
        ("GET", "/users?limit=101", &[KEY, MASTER], None, "limit"),
        ("GET", "/users?skip=-1", &[KEY, MASTER], None, "skip"),
        ("GET", "/users?type=some", &[KEY, MASTER], None, "type"),
        (
            "GET",
            "/users?resolve=friends",
            &[KEY, MASTER],
            None,
            "resolve",
        ),
        (
            "GET",
            "/users/lastUpdated?since=yesterday",
            &[KEY, MASTER],
            None,
            "since",
        ),
        ("GET", "/users/abc", &[KEY, MASTER], None, "objectId"),
        (
            "POST",
            "/users",
            &[KEY, MASTER, JSON],
            Some(r#"{"userName": "u"}"#),
            "userPassword",
        ),
        (
            "POST",
            "/users",
            &[KEY, MASTER, JSON],
            Some(r#"{"userName": "u", "userPassword": "p", "email": "nope"}"#),
            "email",
        ),
        (
            "PUT",
            "/users/1",
            &[KEY, MASTER, JSON],
            Some(r#"{"photoFile": {"objectId": "x"}}"#),
            "objectId",
        ),
        // Malformed JSON: the message gives the line of the fault.
        (
            "POST",
            "/users",
            &[KEY, MASTER, JSON],
            Some(r#"{"userName": "u", "#),
            "line 1",
        ),
        (
            "PUT",
            "/users/1",
            &[KEY, MASTER, JSON],
            Some("{\n  \"email\": \"a@example.com\",\n  \"name\": \n}"),
            "line 4",
        ),
        // Not JSON by content type, however JSON the bytes look; or no body at all.
        (
            "POST",
            "/users",
            &[KEY, MASTER, TEXT],
            Some(VALID),
            "`text/plain`",
        ),
        (
            "POST",
            "/users",
            &[KEY, MASTER],
            Some(VALID),
            "application/json",
        ),
        (
            "PUT",
            "/users/1",
            &[KEY, MASTER, TEXT],
            Some(r#"{"email": "new@example.com"}"#),
            "`text/plain`",
        ),
        (
            "POST",
            "/users",
            &[KEY, MASTER, ("content-type", "application/jsonp")],
            Some(VALID),
            "application/jsonp",
        ),
        ("POST", "/users", &[KEY, MASTER], None, "nothing"),
    ];
    for (method, path, headers, body, named) in cases {
        let response = raw(
            method,
            &format!("{base}{path}"),
            headers,
            body.map(str::as_bytes),
        )
        .await;
        let message = assert_error_shape(&response, 400, "BadRequest");
        assert!(
            message.contains(named),
            "{method} {path}: `{message}` does not name `{named}`"
        );
    }
    assert_eq!(
        api.calls.load(Ordering::SeqCst),
        0,
        "the trait was called with invalid input"
    );
}

#[tokio::test]
async fn paths_outside_the_base_path_and_wrong_methods() {
    let (base, _) = start().await;
    let root = base.trim_end_matches("/v1");
    let response = raw("GET", &format!("{root}/users"), &[KEY, MASTER], None).await;
    let message = assert_error_shape(&response, 404, "NotFound");
    assert!(message.contains("`/users`"), "{message}");
    let response = raw("GET", &format!("{base}/nowhere"), &[KEY, MASTER], None).await;
    let message = assert_error_shape(&response, 404, "NotFound");
    assert!(message.contains("/v1/nowhere"), "{message}");
    let response = raw("PATCH", &format!("{base}/users/1"), &[KEY, MASTER], None).await;
    let message = assert_error_shape(&response, 405, "MethodNotAllowed");
    assert!(message.contains("DELETE, GET, POST, PUT"), "{message}");
    let mut allow: Vec<&str> = response.header("allow").unwrap().split(", ").collect();
    allow.sort();
    assert_eq!(allow, ["DELETE", "GET", "POST", "PUT"]);
}

#[tokio::test]
async fn body_limit_and_a_panicking_implementation() {
    const LIMIT: usize = 64;
    let (base, api) = start_with_limit(LIMIT).await;
    let url = format!("{base}/users");
    // A valid body of exactly the limit goes through; one byte more gets 413 before the trait.
    let body = |len: usize| {
        let empty = r#"{"userName":"","userPassword":"pw"}"#;
        let body =
            json!({"userName": "u".repeat(len - empty.len()), "userPassword": "pw"}).to_string();
        assert_eq!(body.len(), len);
        body
    };
    let response = raw(
        "POST",
        &url,
        &[KEY, MASTER, JSON],
        Some(body(LIMIT + 1).as_bytes()),
    )
    .await;
    let message = assert_error_shape(&response, 413, "PayloadTooLarge");
    assert!(message.contains("64 bytes"), "{message}");
    let response = raw(
        "PUT",
        &format!("{url}/1"),
        &[KEY, MASTER, JSON],
        Some("x".repeat(10 * LIMIT).as_bytes()),
    )
    .await;
    assert_error_shape(&response, 413, "PayloadTooLarge");
    assert_eq!(api.calls.load(Ordering::SeqCst), 0);
    let response = raw(
        "POST",
        &url,
        &[KEY, MASTER, JSON],
        Some(body(LIMIT).as_bytes()),
    )
    .await;
    assert_eq!(response.status, 201, "{:?}", response.body);
    // The implementation answers the userName's length: the body arrived whole.
    let name_len = LIMIT - r#"{"userName":"","userPassword":"pw"}"#.len();
    assert_eq!(response.body["data"]["objectId"], name_len);
    assert_eq!(api.calls.load(Ordering::SeqCst), 1);

    // A panic in the implementation: 500 in the vendor's shape, without the panic's text.
    let response = raw("GET", &format!("{url}/{PANIC_ID}"), &[KEY, MASTER], None).await;
    let message = assert_error_shape(&response, 500, "InternalServerError");
    assert!(!message.contains("an implementation bug"), "{message}");
    assert_eq!(api.calls.load(Ordering::SeqCst), 2);
    // Still serving, the same operation included.
    let got = client(&base).get_user(42).send().await.unwrap();
    assert_eq!(
        (got.data.object_id, got.data.username.as_str()),
        (42, "plain")
    );
    assert_eq!(api.calls.load(Ordering::SeqCst), 3);
}
