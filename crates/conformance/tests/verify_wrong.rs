//! `verify` against implementations that are wrong on purpose: each defect is found, in its
//! class, with the operation and the pointer.
//!
//! - a hand-written axum `Router` for what the typed server traits cannot express: an
//!   undocumented status, a missing required member, a member of the wrong type;
//! - an implementation of the generated `InstabotApi` trait (the sandbox's, wrapped) with the
//!   semantic defects: an update that a later read does not show, a read that never answers its
//!   documented 404.

mod common;

use std::sync::{Arc, Mutex};

use conformance::verify::{self, Credentials, Finding, Options, StepInfo};
use conformance::Class;
use instabot_server::{
    types, Context, GetUserQuery, GetUserResponse, InstabotApi, ListUsersQuery,
    ListUsersUpdatedSinceQuery,
};
use server_runtime::axum::{body::Body, http::StatusCode, response::Response, routing, Router};

fn json(status: u16, body: serde_json::Value) -> Response {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap())
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// insightIQ served by hand, wrongly: a create that answers 418, a profile without its `id`,
/// a user whose `name` is a number.
fn hand_written_insightiq() -> Router {
    let profile = common::validator("insightiq")
        .spec()
        .document
        .pointer("/paths/~1profiles~1{id}/get/responses/200/content/application~1json/examples/profile/value")
        .cloned()
        .expect("the profile example");
    let mut without_id = profile;
    without_id.as_object_mut().unwrap().remove("id");
    Router::new()
        .route(
            "/v1/users",
            routing::post(|| async { json(418, serde_json::json!({"teapot": true})) }),
        )
        .route(
            "/v1/profiles/{id}",
            routing::get(move || {
                let body = without_id.clone();
                async move { json(200, body) }
            }),
        )
        .route(
            "/v1/users/external_id/{external_id}",
            routing::get(|| async {
                json(
                    200,
                    serde_json::json!({
                        "name": 42,
                        "external_id": "x",
                        "id": "0099ba73-0571-4741-8fc3-ec0d32f47b51",
                        "created_at": "2022-03-29T17:29:37.974235",
                        "updated_at": "2022-03-29T17:29:37.974235",
                        "status": "ACTIVE"
                    }),
                )
            }),
        )
}

fn find<'r>(
    findings: &'r [Finding],
    operation: &str,
    keyword: &str,
    what: impl Fn(&Finding) -> bool,
) -> Option<&'r Finding> {
    findings
        .iter()
        .find(|f| f.operation == operation && f.keyword == keyword && what(f))
}

fn listing(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            format!(
                "{} {} ({}) {} {}: {}",
                f.class, f.operation, f.request, f.keyword, f.pointer, f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn a_hand_written_router_is_caught_in_each_class() {
    let validator = common::validator("insightiq");
    let options = Options {
        credentials: Credentials::new().with("basicAuth", "demo:p@55w0rd"),
        ..Options::default()
    };
    let report = verify::verify_router(&validator, hand_written_insightiq(), "/v1", &options)
        .await
        .expect("verify runs");
    let all = listing(&report.findings);

    let teapot = find(&report.findings, "create_user", "status", |f| {
        f.status == Some(418)
    })
    .unwrap_or_else(|| panic!("the undocumented 418 is found:\n{all}"));
    assert_eq!(teapot.class, Class::Violation);
    assert!(
        teapot.spec_pointer.as_deref() == Some("/paths/~1users/post/responses"),
        "{teapot:?}"
    );

    let missing = find(&report.findings, "get_profile", "required", |f| {
        f.message.contains("\"id\"")
    })
    .unwrap_or_else(|| panic!("the missing `id` is found:\n{all}"));
    assert_eq!(missing.class, Class::Violation);
    assert_eq!(missing.pointer, "");
    assert!(
        missing
            .spec_pointer
            .as_deref()
            .is_some_and(|p| p.contains("/components/schemas/Profile")),
        "{missing:?}"
    );

    let wrong_type = find(&report.findings, "get_user_by_external_id", "type", |_| {
        true
    })
    .unwrap_or_else(|| panic!("the number `name` is found:\n{all}"));
    assert_eq!(wrong_type.class, Class::Violation);
    assert_eq!(wrong_type.pointer, "/name");

    // It takes any credentials: every refusal the spec documents is missed.
    assert!(
        find(&report.findings, "get_profile", "status", |f| {
            f.request == "no credentials" && f.status == Some(200)
        })
        .is_some(),
        "{all}"
    );
    assert!(
        report.coverage.percent() < 50.0,
        "{}",
        report.coverage.percent()
    );
}

/// The sandbox's Instabot, with two defects: `update_user` answers as if it stored the change
/// but stores nothing, and `get_user` answers a seeded user for an id that names none.
struct Forgetful(sandbox::instabot::Sandbox);

/// A user the seeds hold (the list sample's).
const SEEDED_USER: i64 = 70627747;

impl InstabotApi for Forgetful {
    async fn list_users(
        &self,
        ctx: &mut Context,
        query: ListUsersQuery,
    ) -> instabot_server::ListUsersResponse {
        self.0.list_users(ctx, query).await
    }

    async fn create_user(
        &self,
        ctx: &mut Context,
        body: types::UserCreateRequest,
    ) -> instabot_server::CreateUserResponse {
        self.0.create_user(ctx, body).await
    }

    async fn list_users_updated_since(
        &self,
        ctx: &mut Context,
        query: ListUsersUpdatedSinceQuery,
    ) -> instabot_server::ListUsersUpdatedSinceResponse {
        self.0.list_users_updated_since(ctx, query).await
    }

    async fn get_user(
        &self,
        ctx: &mut Context,
        object_id: i64,
        query: GetUserQuery,
    ) -> GetUserResponse {
        match self.0.get_user(ctx, object_id, query.clone()).await {
            GetUserResponse::NotFound(_) => self.0.get_user(ctx, SEEDED_USER, query).await,
            found => found,
        }
    }

    async fn update_user(
        &self,
        ctx: &mut Context,
        object_id: i64,
        body: types::UserUpdateRequest,
    ) -> instabot_server::UpdateUserResponse {
        match self.0.get_user(ctx, object_id, GetUserQuery::new()).await {
            // What it would answer for this id, written to another user.
            GetUserResponse::Ok(_) => match self.0.update_user(ctx, SEEDED_USER, body).await {
                instabot_server::UpdateUserResponse::Ok(mut envelope) => {
                    envelope.data.object_id = object_id;
                    instabot_server::UpdateUserResponse::Ok(envelope)
                }
                other => other,
            },
            _ => self.0.update_user(ctx, object_id, body).await,
        }
    }

    async fn restore_user(
        &self,
        ctx: &mut Context,
        object_id: i64,
    ) -> instabot_server::RestoreUserResponse {
        self.0.restore_user(ctx, object_id).await
    }

    async fn delete_user(
        &self,
        ctx: &mut Context,
        object_id: i64,
    ) -> instabot_server::DeleteUserResponse {
        self.0.delete_user(ctx, object_id).await
    }
}

#[tokio::test]
async fn a_trait_implementation_with_semantic_defects_is_caught() {
    let validator = common::validator("instabot");
    let config = instabot_server::ServerConfig::new(types::auth::Credentials::new(
        sandbox::instabot::DEFAULT_API_KEY,
        sandbox::instabot::DEFAULT_MASTER_API_KEY,
    ));
    let router = instabot_server::router(
        Arc::new(Forgetful(sandbox::instabot::Sandbox::default())),
        config,
    );
    let steps: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = Arc::clone(&steps);
    let options = Options {
        credentials: Credentials::new()
            .with("apiKey", sandbox::instabot::DEFAULT_API_KEY)
            .with("masterApiKey", sandbox::instabot::DEFAULT_MASTER_API_KEY),
        allow_destructive: true,
        step_hook: Some(Arc::new(move |step: &StepInfo<'_>| {
            seen.lock()
                .unwrap()
                .push(format!("{} {} {}", step.flow, step.step, step.operation));
        })),
        ..Options::default()
    };
    let report = verify::verify_router(&validator, router, instabot_server::BASE_PATH, &options)
        .await
        .expect("verify runs");
    let all = listing(&report.findings);

    let forgotten = find(&report.findings, "get_user", "reflects", |f| {
        f.request.contains("get_updated_user")
    })
    .unwrap_or_else(|| panic!("the update a read does not show is found:\n{all}"));
    assert_eq!(forgotten.class, Class::Violation);
    assert!(forgotten.pointer.starts_with("/data/"), "{forgotten:?}");
    assert!(forgotten.message.contains("update_user"), "{forgotten:?}");

    let no_404 = find(&report.findings, "get_user", "status", |f| {
        f.request == "unknown objectId"
    })
    .unwrap_or_else(|| panic!("the missing 404 is found:\n{all}"));
    assert_eq!(no_404.class, Class::Violation);
    assert_eq!(no_404.status, Some(200));
    let row = report
        .coverage
        .rows
        .iter()
        .find(|r| r.operation == "get_user" && r.status == "404")
        .unwrap();
    assert_eq!(row.reached_by, None, "{row:?}");

    // The hook saw every flow step, in order, with the operation it was about to call.
    let steps = steps.lock().unwrap();
    assert!(
        steps.contains(&"create_user 1 create_user".to_owned()),
        "{steps:?}"
    );
    assert!(
        steps.contains(
            &"create_user > update_created_user > get_updated_user 3 get_user".to_owned()
        ),
        "{steps:?}"
    );
    assert_eq!(steps.len(), report.flow_steps);
}
