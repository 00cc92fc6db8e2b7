//! The generated insightIQ server: a small counting implementation of `InsightiqApi`, driven
//! over loopback by the generated client (typed round trips) and by raw requests (everything
//! the server must refuse before the trait is called).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use insightiq_client::types::auth::Credentials;
use insightiq_client::{Client, ResponseHeaders};
use insightiq_server::types::{self, Account, Metadata, ProfileList, SdkToken, User};
use insightiq_server::{
    Context, CreateSdkTokenResponse, CreateUserResponse, DisconnectAccountResponse,
    GetProfileResponse, GetUserByExternalIdResponse, InsightiqApi, ListProfilesQuery,
    ListProfilesResponse, ServerConfig,
};
use serde_json::{json, Value};
use workspace_tests::{is_uuid, raw, sample, serve};

/// Counts calls; answers with values derived from the input, so a test can check that typed
/// values made the trip both ways.
#[derive(Default)]
struct Counting {
    calls: AtomicUsize,
}

impl Counting {
    fn called(&self) {
        self.calls.fetch_add(1, Ordering::SeqCst);
    }
}

const PANIC_ID: &str = "panic";
/// The request id the implementation sets for `get_user_by_external_id`, replacing the fresh one.
const IMPLEMENTATION_REQUEST_ID: &str = "0f6e3c1a-5b2d-4e8f-9a7c-2d4b6e8f0a1c";

impl InsightiqApi for Counting {
    async fn create_user(
        &self,
        ctx: &mut Context,
        body: types::UserCreateRequest,
    ) -> CreateUserResponse {
        self.called();
        if body.external_id.as_str() == "taken" {
            return CreateUserResponse::BadRequest(ctx.error(
                400,
                "user_exists_with_external_id",
                "taken",
                Some("external_id"),
            ));
        }
        let mut user: User =
            serde_json::from_value(sample("insightiq/create_user.response-201.json")).unwrap();
        user.name = body.name;
        user.external_id = body.external_id.to_string();
        CreateUserResponse::Created(user)
    }

    async fn get_user_by_external_id(
        &self,
        ctx: &mut Context,
        external_id: String,
    ) -> GetUserByExternalIdResponse {
        self.called();
        if external_id == PANIC_ID {
            panic!("an implementation bug");
        }
        ctx.request_id = IMPLEMENTATION_REQUEST_ID.parse().unwrap();
        let mut user: User = serde_json::from_value(sample(
            "insightiq/get_user_by_external_id.response-200.json",
        ))
        .unwrap();
        user.external_id = external_id;
        GetUserByExternalIdResponse::Ok(user)
    }

    async fn create_sdk_token(
        &self,
        _ctx: &mut Context,
        body: types::SdkTokenRequest,
    ) -> CreateSdkTokenResponse {
        self.called();
        CreateSdkTokenResponse::Created(SdkToken::new(
            types::timestamp::read("2030-01-01T00:00:00.000001").unwrap(),
            format!("{}:{}", body.user_id, body.products.len()),
        ))
    }

    async fn disconnect_account(
        &self,
        ctx: &mut Context,
        id: String,
        _body: types::EmptyObject,
    ) -> DisconnectAccountResponse {
        self.called();
        if id == "missing" {
            return DisconnectAccountResponse::NotFound(ctx.error(
                404,
                "account_not_found",
                "no such account",
                Some("id"),
            ));
        }
        let mut account: Account =
            serde_json::from_value(sample("insightiq/disconnect_account.response-200.json"))
                .unwrap();
        account.id = id.parse().unwrap();
        DisconnectAccountResponse::Ok(account)
    }

    async fn get_profile(&self, _ctx: &mut Context, id: String) -> GetProfileResponse {
        self.called();
        let mut profile: types::Profile =
            serde_json::from_value(sample("insightiq/get_profile.response-200.json")).unwrap();
        profile.external_id = Some(id);
        GetProfileResponse::Ok(profile)
    }

    async fn list_profiles(
        &self,
        _ctx: &mut Context,
        query: ListProfilesQuery,
    ) -> ListProfilesResponse {
        self.called();
        ListProfilesResponse::Ok(
            ProfileList::new().with_metadata(Metadata::new(
                query
                    .limit
                    .unwrap_or(std::num::NonZeroU64::new(10).unwrap()),
                query.offset.unwrap_or(0),
            )),
        )
    }
}

const AUTH: (&str, &str) = ("authorization", "Basic ZGVtbzpwQDU1dzByZA==");
const JSON: (&str, &str) = ("content-type", "application/json");

struct Server {
    base: String,
    api: Arc<Counting>,
}

impl Server {
    async fn start() -> Self {
        Self::with_limit(1024 * 1024).await
    }

    async fn with_limit(max_body_bytes: usize) -> Self {
        let api = Arc::new(Counting::default());
        let mut config = ServerConfig::new(types::auth::Credentials::new("demo", "p@55w0rd"));
        config.limits.max_body_bytes = max_body_bytes;
        let base = serve(insightiq_server::router(Arc::clone(&api), config)).await;
        Server { base, api }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/v1{path}", self.base)
    }

    fn client(&self) -> Client {
        Client::with_credentials(&self.url(""), &Credentials::new("demo", "p@55w0rd")).unwrap()
    }

    fn calls(&self) -> usize {
        self.api.calls.load(Ordering::SeqCst)
    }
}

/// The error shape of the spec's `x-error-template`, with the request-id header equal to the
/// body's `request_id`; returns the error object.
fn assert_error_shape(response: &workspace_tests::RawResponse, status: u16) -> Value {
    assert_eq!(response.status, status, "{:?}", response.body);
    let error = response.body["error"].clone();
    assert_eq!(error["http_status_code"], status, "{error}");
    assert!(
        error["message"].is_string() && error["error_code"].is_string(),
        "{error}"
    );
    let id = response
        .header("request-id")
        .expect("request-id on every response");
    assert!(is_uuid(id), "{id}");
    assert_eq!(error["request_id"], id);
    error
}

#[tokio::test]
async fn every_operation_round_trips_typed_values() {
    let server = Server::start().await;
    let client = server.client();
    let created = client
        .create_user(types::UserCreateRequest::new(
            "ada-1"
                .parse::<types::UserCreateRequestExternalId>()
                .unwrap(),
            "Ada",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (created.name.as_str(), created.external_id.as_str()),
        ("Ada", "ada-1")
    );
    assert_eq!(created.status().as_u16(), 201);

    let user = client
        .get_user_by_external_id("ext 42/x")
        .send()
        .await
        .unwrap();
    assert_eq!(user.external_id, "ext 42/x", "path parameters are decoded");

    let token = client
        .create_sdk_token(types::SdkTokenRequest::new(
            vec![types::Product::Identity, types::Product::EngagementAudience],
            "u1",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(token.sdk_token, "u1:2");

    let id = "f5e89cea-18b6-4479-a4dd-64a48217e759";
    let account = client
        .disconnect_account(id, types::EmptyObject(Default::default()))
        .send()
        .await
        .unwrap();
    assert_eq!(account.id.to_string(), id);

    let profile = client.get_profile("p-1").send().await.unwrap();
    assert_eq!(profile.external_id.as_deref(), Some("p-1"));

    let list = client
        .list_profiles()
        .limit(7)
        .offset(14)
        .send()
        .await
        .unwrap();
    let metadata = list.metadata.as_ref().unwrap();
    assert_eq!((metadata.limit.get(), metadata.offset), (7, 14));
    assert_eq!(server.calls(), 6);
}

#[tokio::test]
async fn the_request_id_is_on_success_and_on_errors() {
    let server = Server::start().await;
    let client = server.client();
    let profile = client.get_profile("p").send().await.unwrap();
    assert!(is_uuid(profile.request_id().unwrap()));
    // The implementation may set its own.
    let user = client.get_user_by_external_id("x").send().await.unwrap();
    assert_eq!(user.request_id(), Some(IMPLEMENTATION_REQUEST_ID));
    // An error the implementation returns.
    let error = client
        .disconnect_account("missing", types::EmptyObject(Default::default()))
        .send()
        .await
        .unwrap_err();
    let id = error.request_id().unwrap().to_owned();
    assert!(is_uuid(&id));
    // Errors the server raises itself: 401, 400, 404, 405.
    for response in [
        raw("GET", &server.url("/profiles/x"), &[], None).await,
        raw("GET", &server.url("/profiles?limit=0"), &[AUTH], None).await,
        raw("GET", &server.url("/nowhere"), &[AUTH], None).await,
        raw("DELETE", &server.url("/profiles"), &[AUTH], None).await,
    ] {
        assert!(
            is_uuid(response.header("request-id").unwrap()),
            "{response:?}"
        );
    }
}

#[tokio::test]
async fn missing_and_wrong_credentials_get_401_before_the_trait() {
    let server = Server::start().await;
    let wrong = ("authorization", "Basic ZGVtbzp3cm9uZw=="); // demo:wrong
    let bearer = ("authorization", "Bearer p@55w0rd");
    for headers in [vec![], vec![wrong], vec![bearer]] {
        let response = raw("GET", &server.url("/profiles"), &headers, None).await;
        let error = assert_error_shape(&response, 401);
        assert_eq!(error["type"], "authentication_error");
        assert!(!response.body.to_string().contains("p@55w0rd"));
    }
    let wrong_client =
        Client::with_credentials(&server.url(""), &Credentials::new("demo", "nope")).unwrap();
    let error = wrong_client.get_profile("x").send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(server.calls(), 0);
}

/// (method, path, headers, body, the field or text the error message must name).
type Case<'a> = (
    &'a str,
    String,
    Vec<(&'a str, &'a str)>,
    Option<String>,
    &'a str,
);

#[tokio::test]
async fn invalid_input_is_refused_naming_the_field_and_never_reaches_the_trait() {
    let server = Server::start().await;
    let long_id = "x".repeat(101);
    let too_long = json!({"name": "A", "external_id": long_id}).to_string();
    let cases: Vec<Case> = vec![
        // (method, path, headers, body, the field or text the message must name)
        (
            "POST",
            "/users".into(),
            vec![AUTH, JSON],
            Some(r#"{"external_id": "e"}"#.into()),
            "name",
        ),
        (
            "POST",
            "/users".into(),
            vec![AUTH, JSON],
            Some(r#"{"name": 5, "external_id": "e"}"#.into()),
            "name",
        ),
        (
            "POST",
            "/users".into(),
            vec![AUTH, JSON],
            Some(too_long),
            "external_id",
        ),
        (
            "POST",
            "/users".into(),
            vec![AUTH, JSON],
            Some(r#"{"name": "A", "#.into()),
            "line 1",
        ),
        (
            "POST",
            "/users".into(),
            vec![AUTH, ("content-type", "text/plain")],
            Some(r#"{"name": "A", "external_id": "e"}"#.into()),
            "application/json",
        ),
        (
            "POST",
            "/users".into(),
            vec![AUTH],
            None,
            "application/json",
        ),
        (
            "POST",
            "/sdk-tokens".into(),
            vec![AUTH, JSON],
            Some(r#"{"user_id": "u", "products": ["TELEPATHY"]}"#.into()),
            "products",
        ),
        (
            "POST",
            "/sdk-tokens".into(),
            vec![AUTH, JSON],
            Some(r#"{"user_id": "u"}"#.into()),
            "products",
        ),
        (
            "POST",
            "/accounts/a/disconnect".into(),
            vec![AUTH, JSON],
            Some(r#"{"reason": "x"}"#.into()),
            "/",
        ),
        ("GET", "/profiles?limit=0".into(), vec![AUTH], None, "limit"),
        (
            "GET",
            "/profiles?limit=101".into(),
            vec![AUTH],
            None,
            "limit",
        ),
        (
            "GET",
            "/profiles?limit=ten".into(),
            vec![AUTH],
            None,
            "limit",
        ),
        (
            "GET",
            "/profiles?offset=-1".into(),
            vec![AUTH],
            None,
            "offset",
        ),
        (
            "GET",
            "/profiles?account_id=not-a-uuid".into(),
            vec![AUTH],
            None,
            "account_id",
        ),
        (
            "GET",
            "/profiles?offest=10".into(),
            vec![AUTH],
            None,
            "offest",
        ),
        (
            "GET",
            "/profiles/p?expand=all".into(),
            vec![AUTH],
            None,
            "expand",
        ),
    ];
    for (method, path, headers, body, named) in cases {
        let response = raw(
            method,
            &server.url(&path),
            &headers,
            body.as_deref().map(str::as_bytes),
        )
        .await;
        let error = assert_error_shape(&response, 400);
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains(named),
            "{method} {path}: `{message}` does not name `{named}`"
        );
        assert_eq!(error["type"], "invalid_request_error");
    }
    assert_eq!(server.calls(), 0, "the trait was called with invalid input");
}

#[tokio::test]
async fn limits_unknown_paths_wrong_methods_and_panics() {
    let server = Server::with_limit(64).await;
    let big = json!({"name": "A".repeat(100), "external_id": "e"}).to_string();
    let response = raw(
        "POST",
        &server.url("/users"),
        &[AUTH, JSON],
        Some(big.as_bytes()),
    )
    .await;
    assert_error_shape(&response, 413);

    let response = raw("GET", &server.url("/unknown/path"), &[AUTH], None).await;
    assert_error_shape(&response, 404);
    let response = raw("GET", &format!("{}/profiles", server.base), &[AUTH], None).await;
    assert_error_shape(&response, 404); // without the /v1 base path

    let response = raw("PUT", &server.url("/users"), &[AUTH], None).await;
    assert_error_shape(&response, 405);
    assert_eq!(response.header("allow"), Some("POST"));
    assert_eq!(server.calls(), 0);

    let response = raw(
        "GET",
        &server.url("/users/external_id/panic"),
        &[AUTH],
        None,
    )
    .await;
    let error = assert_error_shape(&response, 500);
    assert_eq!(error["type"], "api_error");
    // Still serving.
    let user = server
        .client()
        .get_user_by_external_id("after")
        .send()
        .await
        .unwrap();
    assert_eq!(user.external_id, "after");
}

#[tokio::test]
async fn concurrent_requests_through_one_arc() {
    let server = Server::start().await;
    let client = Arc::new(server.client());
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let client = Arc::clone(&client);
            tokio::spawn(async move {
                client
                    .list_profiles()
                    .limit(1 + i % 100)
                    .offset(i as i64)
                    .send()
                    .await
                    .map(|list| list.into_inner().metadata.unwrap().offset)
            })
        })
        .collect();
    for (i, task) in tasks.into_iter().enumerate() {
        assert_eq!(task.await.unwrap().unwrap(), i as i64);
    }
    assert_eq!(server.calls(), 64);
}
