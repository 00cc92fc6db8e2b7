//! The sandbox end to end: each API on an ephemeral loopback port, every one of the 19
//! operations driven by the generated clients, the documented data first, then the error paths
//! (404, 401, 400/422 naming the field) and the pagination helpers across pages.

use futures_util::TryStreamExt;
use sandbox::{Api, Credentials, Running};
use serde_json::json;
use workspace_tests::raw;

async fn start(api: Api) -> Running {
    sandbox::start(api, "127.0.0.1:0".parse().unwrap(), Credentials::defaults())
        .await
        .unwrap()
}

mod insightiq {
    use super::*;
    use insightiq_client::types::{self, auth::Credentials};
    use insightiq_client::{Client, Error, ResponseHeaders};

    fn client(server: &Running) -> Client {
        Client::with_credentials(&server.base_url(), &Credentials::new("demo", "p@55w0rd")).unwrap()
    }

    fn error_code(error: &Error<types::Error>) -> (u16, String) {
        match error {
            Error::ErrorResponse(response) => (
                response.status().as_u16(),
                response.error.error_code.clone(),
            ),
            other => panic!("expected a documented error, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn the_documented_data_first() {
        let server = start(Api::Insightiq).await;
        let client = client(&server);
        let list = client.list_profiles().send().await.unwrap();
        assert_eq!(list.data.len(), 10, "the ten profiles of the list sample");
        let metadata = list.metadata.as_ref().unwrap();
        assert_eq!((metadata.limit.get(), metadata.offset), (10, 0));
        let profile = client
            .get_profile("9bd39495-ad21-40f7-a8a6-9c8cf9d6a822")
            .send()
            .await
            .unwrap();
        assert_eq!(profile.full_name.as_deref(), Some("Robert Downey"));
        assert!(profile.request_id().is_some());
        let user = client
            .get_user_by_external_id("154813a5-d26e-42f2-8b1d-ebbed59b062d")
            .send()
            .await
            .unwrap();
        assert_eq!(user.name, "Mark Ruffalo");
        server.shutdown().await.unwrap();
    }

    #[tokio::test]
    async fn users_tokens_and_accounts_as_the_documents_describe() {
        let server = start(Api::Insightiq).await;
        let client = client(&server);
        let request = types::UserCreateRequest::new(
            "grace-1"
                .parse::<types::UserCreateRequestExternalId>()
                .unwrap(),
            "Grace Hopper",
        );
        let created = client.create_user(request.clone()).send().await.unwrap();
        assert_eq!(created.status().as_u16(), 201);
        assert_eq!(created.status, types::UserStatus::Active);
        assert_eq!(created.name, "Grace Hopper");
        let fetched = client
            .get_user_by_external_id("grace-1")
            .send()
            .await
            .unwrap();
        assert_eq!(fetched.id, created.id);
        // The same external_id again: 400 naming the duplicate.
        let error = client
            .create_user(request.clone())
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            error_code(&error),
            (400, "user_exists_with_external_id".into())
        );
        assert!(error.request_id().is_some());
        // Unknown external id: 404.
        let error = client
            .get_user_by_external_id("nobody")
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.status().unwrap().as_u16(), 404);

        // SDK token: for an existing user, seven days ahead.
        let token = client
            .create_sdk_token(types::SdkTokenRequest::new(
                vec![types::Product::Identity, types::Product::Engagement],
                created.id.to_string(),
            ))
            .send()
            .await
            .unwrap();
        let days = (token.expires_at - chrono::Utc::now()).num_hours();
        assert!((7 * 24 - 1..=7 * 24).contains(&days), "{days} hours");
        let error = client
            .create_sdk_token(types::SdkTokenRequest::new(
                vec![types::Product::Identity],
                uuid::Uuid::new_v4().to_string(),
            ))
            .send()
            .await
            .unwrap_err();
        assert_eq!(error_code(&error), (400, "user_not_found".into()));
        // Products outside the enum never reach the sandbox.
        let response = raw(
            "POST",
            &format!("{}/sdk-tokens", server.base_url()),
            &[
                ("authorization", "Basic ZGVtbzpwQDU1dzByZA=="),
                ("content-type", "application/json"),
            ],
            Some(
                json!({"user_id": created.id, "products": ["MIND_READING"]})
                    .to_string()
                    .as_bytes(),
            ),
        )
        .await;
        assert_eq!(response.status, 400);
        assert!(response.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("products"));

        // Disconnect: NOT_CONNECTED and a later updated_at.
        let account = "f5e89cea-18b6-4479-a4dd-64a48217e759";
        let disconnected = client
            .disconnect_account(account, types::EmptyObject(Default::default()))
            .send()
            .await
            .unwrap();
        assert_eq!(disconnected.status, types::AccountStatus::NotConnected);
        let documented: chrono::DateTime<chrono::Utc> =
            "2022-03-29T17:47:45.428046Z".parse().unwrap();
        assert!(disconnected.updated_at > documented);
        let error = client
            .disconnect_account(
                uuid::Uuid::new_v4().to_string(),
                types::EmptyObject(Default::default()),
            )
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.status().unwrap().as_u16(), 404);
        server.shutdown().await.unwrap();
    }

    #[tokio::test]
    async fn profiles_filters_pages_and_the_stream() {
        let server = start(Api::Insightiq).await;
        let client = client(&server);
        let twitter = "7645460a-96e0-4192-a3ce-a1fc30641f72";
        let list = client
            .list_profiles()
            .work_platform_id(twitter)
            .send()
            .await
            .unwrap();
        assert_eq!(list.data.len(), 2);
        assert!(list.data.iter().all(|p| p.work_platform.name == "Twitter"));
        let user = "28722faa-5356-483d-a57b-384fa01859dd";
        let list = client.list_profiles().user_id(user).send().await.unwrap();
        assert_eq!(
            list.data[0].id.to_string(),
            "9bd39495-ad21-40f7-a8a6-9c8cf9d6a822"
        );
        let account = uuid::Uuid::parse_str("44554e73-5879-4764-a37c-fa3a47e25c2a").unwrap();
        let list = client
            .list_profiles()
            .account_id(account)
            .send()
            .await
            .unwrap();
        assert_eq!(list.data.len(), 1);
        let page = client
            .list_profiles()
            .limit(3)
            .offset(9)
            .send()
            .await
            .unwrap();
        assert_eq!(page.data.len(), 1);
        let metadata = page.metadata.as_ref().unwrap();
        assert_eq!((metadata.limit.get(), metadata.offset), (3, 9));

        let all: Vec<types::Profile> = client
            .list_profiles()
            .limit(3)
            .stream()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(all.len(), 10);
        let ids: std::collections::BTreeSet<String> =
            all.iter().map(|p| p.id.to_string()).collect();
        assert_eq!(ids.len(), 10, "no profile twice across pages");

        let error = client
            .get_profile("no-such-profile")
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.status().unwrap().as_u16(), 404);
        server.shutdown().await.unwrap();
    }

    #[tokio::test]
    async fn credentials_limits_and_reset() {
        let server = start(Api::Insightiq).await;
        let wrong = Client::with_credentials(&server.base_url(), &Credentials::new("demo", "nope"))
            .unwrap();
        let error = wrong.get_profile("x").send().await.unwrap_err();
        assert_eq!(error.status().unwrap().as_u16(), 401);
        assert!(error.request_id().is_some());
        let response = raw(
            "GET",
            &format!("{}/profiles?limit=101", server.base_url()),
            &[("authorization", "Basic ZGVtbzpwQDU1dzByZA==")],
            None,
        )
        .await;
        assert_eq!(response.status, 400);
        assert!(response.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("limit"));

        let client = client(&server);
        let request = types::UserCreateRequest::new(
            "reset-me"
                .parse::<types::UserCreateRequestExternalId>()
                .unwrap(),
            "R",
        );
        client.create_user(request.clone()).send().await.unwrap();
        let reset = raw(
            "POST",
            &format!("http://{}{}", server.addr, sandbox::RESET_PATH),
            &[],
            None,
        )
        .await;
        assert_eq!(reset.status, 204);
        let error = client
            .get_user_by_external_id("reset-me")
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            error.status().unwrap().as_u16(),
            404,
            "reset puts the seeds back"
        );
        server.shutdown().await.unwrap();
    }
}

mod publica {
    use super::*;
    use publica_client::types::{self, auth::Credentials};
    use publica_client::{Client, Error};

    fn client(server: &Running) -> Client {
        Client::with_credentials(&server.base_url(), &Credentials::new("demo-token")).unwrap()
    }

    fn new_user(email: &str, external_id: &str) -> types::UserCreateRequest {
        serde_json::from_value(json!({"email": email, "external_id": external_id,
                                      "admin": true, "only_sees_readable": false}))
        .unwrap()
    }

    fn field_errors(error: &Error<types::Error>) -> (u16, Vec<String>) {
        match error {
            Error::ErrorResponse(response) => {
                let mut fields: Vec<String> = response.errors.keys().cloned().collect();
                fields.sort();
                (response.status().as_u16(), fields)
            }
            other => panic!("expected a documented error, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn every_operation_as_the_page_describes() {
        let server = start(Api::Publica).await;
        let client = client(&server);
        // The documented user.
        let list = client.list_users().send().await.unwrap();
        assert_eq!(list.data.paginator.data.len(), 1);
        assert_eq!(list.data.paginator.data[0].id, 923242);

        let created = client
            .create_user(new_user("ada@example.com", "ada"))
            .send()
            .await
            .unwrap();
        let id = created.data.id;
        assert_eq!(created.data.email, "ada@example.com");
        assert_eq!(created.data.created_at.timezone, "UTC");
        // Duplicates: 422 with the field.
        let error = client
            .create_user(new_user("ADA@example.com", "other"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(field_errors(&error), (422, vec!["email".to_string()]));
        let error = client
            .create_user(new_user("new@example.com", "ada"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(field_errors(&error), (422, vec!["external_id".to_string()]));
        // A missing email: refused by validation, 422 naming it.
        let response = raw(
            "POST",
            &format!("{}/integration-api/v1/dashboard/users", server.base_url()),
            &[
                ("x-user-token", "demo-token"),
                ("content-type", "application/json"),
            ],
            Some(br#"{"external_id": "x"}"#),
        )
        .await;
        assert_eq!(response.status, 422);
        assert!(
            response.body["errors"]["email"].is_array(),
            "{:?}",
            response.body
        );

        // Filters.
        let by_email = client
            .list_users()
            .email("ada@example.com")
            .send()
            .await
            .unwrap();
        assert_eq!(by_email.data.paginator.data.len(), 1);
        let admins = client
            .list_users()
            .query(types::ListUsersQuery::Admins)
            .send()
            .await
            .unwrap();
        assert_eq!(
            admins
                .data
                .paginator
                .data
                .iter()
                .map(|u| u.id)
                .collect::<Vec<_>>(),
            [id]
        );

        // Update: 204, visible in the list.
        let update: types::UserUpdateRequest = serde_json::from_value(json!({
            "email": "ada.l@example.com", "external_id": "ada", "only_sees_readable": 1}))
        .unwrap();
        assert_eq!(
            client
                .update_user(id, update.clone())
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
            204
        );
        let after = client
            .list_users()
            .email("ada.l@example.com")
            .send()
            .await
            .unwrap();
        assert_eq!(after.data.paginator.data[0].id, id);
        let error = client
            .update_user(999, update.clone())
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.status().unwrap().as_u16(), 404);

        // Deactivate: {"CODE":"success","data":[]}; not listed by default, listed as deactivated.
        let response = raw(
            "DELETE",
            &format!(
                "{}/integration-api/v1/dashboard/users/{id}",
                server.base_url()
            ),
            &[("x-user-token", "demo-token")],
            None,
        )
        .await;
        assert_eq!(
            (response.status, response.body.clone()),
            (200, json!({"CODE": "success", "data": []}))
        );
        let listed = client.list_users().send().await.unwrap();
        assert!(listed.data.paginator.data.iter().all(|u| u.id != id));
        let deactivated = client
            .list_users()
            .query(types::ListUsersQuery::Deactivated)
            .send()
            .await
            .unwrap();
        assert_eq!(deactivated.data.paginator.data[0].id, id);
        assert!(deactivated.data.paginator.data[0].deleted_at.is_some());
        // Reactivate: data 1.
        assert_eq!(client.reactivate_user(id).send().await.unwrap().data, 1);
        assert!(client
            .list_users()
            .send()
            .await
            .unwrap()
            .data
            .paginator
            .data
            .iter()
            .any(|u| u.id == id));

        // Force logout by ID and by external_id; 404 otherwise.
        client
            .force_logout_user(id.to_string())
            .send()
            .await
            .unwrap();
        client.force_logout_user("ada").send().await.unwrap();
        let error = client.force_logout_user("nobody").send().await.unwrap_err();
        assert_eq!(error.status().unwrap().as_u16(), 404);
        let error = client.deactivate_user(424242).send().await.unwrap_err();
        assert_eq!(error.status().unwrap().as_u16(), 404);

        // 401.
        let wrong =
            Client::with_credentials(&server.base_url(), &Credentials::new("nope")).unwrap();
        assert_eq!(
            wrong
                .list_users()
                .send()
                .await
                .unwrap_err()
                .status()
                .unwrap()
                .as_u16(),
            401
        );
        server.shutdown().await.unwrap();
    }
}

mod instabot {
    use super::*;
    use instabot_client::types::{self, auth::Credentials};
    use instabot_client::Client;

    fn client(server: &Running) -> Client {
        Client::with_credentials(
            &server.base_url(),
            &Credentials::new("demo-api-key", "demo-master-key"),
        )
        .unwrap()
    }

    fn new_user(name: &str) -> types::UserCreateRequest {
        serde_json::from_value(json!({"userName": name, "userPassword": "secret-pw",
                                      "email": format!("{name}@example.com"), "name": name}))
        .unwrap()
    }

    #[tokio::test]
    async fn every_operation_as_the_page_describes() {
        let server = start(Api::Instabot).await;
        let client = client(&server);
        // The documented users: the Get User sample, and the list sample's anonymous one.
        let documented = client.get_user(322673814).send().await.unwrap();
        assert_eq!(documented.data.username, "user1");
        let registered = client.list_users().send().await.unwrap();
        assert_eq!(registered.total_count, Some(1));
        let all = client
            .list_users()
            .type_(types::ListUsersType::All)
            .send()
            .await
            .unwrap();
        assert_eq!(all.total_count, Some(2));

        // Create: 201 with the new objectId; the password is never returned.
        let before = chrono::Utc::now();
        let created = client.create_user(new_user("grace")).send().await.unwrap();
        assert_eq!(created.status().as_u16(), 201);
        let id = created.0.data.object_id;
        let response = raw(
            "GET",
            &format!("{}/users/{id}", server.base_url()),
            &[
                ("x-instabot-api-key", "demo-api-key"),
                ("authorization", "X-Instabot-Master-Api-Key demo-master-key"),
            ],
            None,
        )
        .await;
        assert_eq!(response.body["data"]["username"], "grace");
        assert!(!response.body.to_string().contains("secret-pw"));
        assert!(response.body["data"].get("userPassword").is_none());

        // resolve=conversations includes them, without it they are left out.
        let with = client
            .get_user(70627747)
            .resolve(types::GetUserResolve::Conversations)
            .send()
            .await
            .unwrap();
        assert_eq!(with.data.conversations.len(), 1);
        let without = client.get_user(70627747).send().await.unwrap();
        assert!(without.data.conversations.is_empty());

        // Update.
        let update: types::UserUpdateRequest =
            serde_json::from_value(json!({"name": "Grace H.", "phone": "+1 555 0100"})).unwrap();
        assert_eq!(
            client
                .update_user(id, update.clone())
                .send()
                .await
                .unwrap()
                .data
                .object_id,
            id
        );
        let updated = client.get_user(id).send().await.unwrap();
        assert_eq!(updated.data.name.as_deref(), Some("Grace H."));

        // lastUpdated?since= returns only what changed since.
        let since = before - chrono::Duration::seconds(1);
        let changed = client.list_users_updated_since(since).send().await.unwrap();
        let ids: Vec<i64> = changed.data.iter().map(|u| u.object_id).collect();
        assert_eq!(ids, [id]);

        // Delete is soft, restore undoes it.
        client.delete_user(id).send().await.unwrap();
        assert_eq!(
            client
                .get_user(id)
                .send()
                .await
                .unwrap_err()
                .status()
                .unwrap()
                .as_u16(),
            404
        );
        assert_eq!(
            client
                .delete_user(id)
                .send()
                .await
                .unwrap_err()
                .status()
                .unwrap()
                .as_u16(),
            404
        );
        client.restore_user(id).send().await.unwrap();
        assert_eq!(
            client.get_user(id).send().await.unwrap().data.username,
            "grace"
        );
        assert_eq!(
            client
                .restore_user(999)
                .send()
                .await
                .unwrap_err()
                .status()
                .unwrap()
                .as_u16(),
            404
        );

        // 401 with one header missing; 400 naming the field.
        let response = raw(
            "GET",
            &format!("{}/users", server.base_url()),
            &[("x-instabot-api-key", "demo-api-key")],
            None,
        )
        .await;
        assert_eq!(response.status, 401);
        let response = raw(
            "GET",
            &format!("{}/users?limit=0", server.base_url()),
            &[
                ("x-instabot-api-key", "demo-api-key"),
                ("authorization", "X-Instabot-Master-Api-Key demo-master-key"),
            ],
            None,
        )
        .await;
        assert_eq!(response.status, 400);
        assert!(response.body["message"].as_str().unwrap().contains("limit"));
        server.shutdown().await.unwrap();
    }

    #[tokio::test]
    async fn limit_skip_and_the_stream_across_pages() {
        let server = start(Api::Instabot).await;
        let client = client(&server);
        for name in ["u1", "u2", "u3", "u4"] {
            client.create_user(new_user(name)).send().await.unwrap();
        }
        // Registered users: the documented one and four new ones.
        let page = client.list_users().limit(2).skip(2).send().await.unwrap();
        assert_eq!(
            page.data
                .iter()
                .map(|u| u.username.as_str())
                .collect::<Vec<_>>(),
            ["u2", "u3"]
        );
        assert_eq!(
            (page.total_count, page.has_more_records),
            (Some(5), Some(true))
        );
        let last = client.list_users().limit(2).skip(4).send().await.unwrap();
        assert_eq!((last.data.len(), last.has_more_records), (1, Some(false)));
        let everyone: Vec<types::User> = client
            .list_users()
            .limit(1)
            .type_(types::ListUsersType::All)
            .stream()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(everyone.len(), 6);
        server.shutdown().await.unwrap();
    }
}
