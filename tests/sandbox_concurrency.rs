//! Many concurrent creates with one unique key: exactly one succeeds, the others get the
//! documented refusal, and the store holds one record.

use std::sync::Arc;

use sandbox::Api;
use serde_json::json;

const RACERS: usize = 32;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn insightiq_one_external_id_one_user() {
    use insightiq_client::types::{self, auth::Credentials};
    use insightiq_client::{Client, Error};
    let store = Arc::new(sandbox::insightiq::Sandbox::new());
    let app = sandbox::insightiq::app(
        Arc::clone(&store),
        sandbox::Credentials::defaults().insightiq,
    );
    let server = sandbox::start_app(Api::Insightiq, "127.0.0.1:0".parse().unwrap(), app)
        .await
        .unwrap();
    let client = Arc::new(
        Client::with_credentials(&server.base_url(), &Credentials::new("demo", "p@55w0rd"))
            .unwrap(),
    );
    let tasks: Vec<_> = (0..RACERS)
        .map(|i| {
            let client = Arc::clone(&client);
            tokio::spawn(async move {
                let request = types::UserCreateRequest::new(
                    "the-one"
                        .parse::<types::UserCreateRequestExternalId>()
                        .unwrap(),
                    format!("racer {i}"),
                );
                client.create_user(request.clone()).send().await
            })
        })
        .collect();
    let (mut created, mut refused) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(user) => {
                assert_eq!(user.status().as_u16(), 201);
                created += 1;
            }
            Err(Error::ErrorResponse(response)) => {
                assert_eq!(response.status().as_u16(), 400);
                assert_eq!(response.error.error_code, "user_exists_with_external_id");
                refused += 1;
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((created, refused), (1, RACERS - 1));
    assert_eq!(store.users_with_external_id("the-one"), 1);
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn publica_one_email_one_user() {
    use publica_client::types::{self, auth::Credentials};
    use publica_client::{Client, Error};
    let store = Arc::new(sandbox::publica::Sandbox::new());
    let app = sandbox::publica::app(Arc::clone(&store), sandbox::Credentials::defaults().publica);
    let server = sandbox::start_app(Api::Publica, "127.0.0.1:0".parse().unwrap(), app)
        .await
        .unwrap();
    let client = Arc::new(
        Client::with_credentials(&server.base_url(), &Credentials::new("demo-token")).unwrap(),
    );
    let tasks: Vec<_> = (0..RACERS)
        .map(|i| {
            let client = Arc::clone(&client);
            tokio::spawn(async move {
                let request: types::UserCreateRequest = serde_json::from_value(json!({
                    "email": "race@example.com", "external_id": format!("racer-{i}")
                }))
                .unwrap();
                client.create_user(request.clone()).send().await
            })
        })
        .collect();
    let (mut created, mut refused) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => created += 1,
            Err(Error::ErrorResponse(response)) => {
                assert_eq!(response.status().as_u16(), 422);
                assert_eq!(
                    response.errors["email"],
                    ["The email has already been taken."]
                );
                refused += 1;
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((created, refused), (1, RACERS - 1));
    assert_eq!(store.users_with_email("race@example.com"), 1);
    server.shutdown().await.unwrap();
}
