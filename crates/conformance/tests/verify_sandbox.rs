//! `verify` against each sandbox in process (its router called through `oneshot`, no socket):
//! no violation, no loss, and every documented status reached or on the committed unreached
//! list, which has no stale entry.

mod common;

use conformance::verify::{self, render, unreached, Credentials, Options};
use conformance::GeneratedTypes;
use sandbox::Api;

/// The sandboxes' default credentials, by security scheme.
pub fn sandbox_credentials(api: Api) -> Credentials {
    match api {
        Api::Insightiq => Credentials::new().with(
            "basicAuth",
            &format!(
                "{}:{}",
                sandbox::insightiq::DEFAULT_CLIENT_ID,
                sandbox::insightiq::DEFAULT_CLIENT_SECRET
            ),
        ),
        Api::Publica => Credentials::new().with("userToken", sandbox::publica::DEFAULT_USER_TOKEN),
        Api::Instabot => Credentials::new()
            .with("apiKey", sandbox::instabot::DEFAULT_API_KEY)
            .with("masterApiKey", sandbox::instabot::DEFAULT_MASTER_API_KEY),
    }
}

async fn verify_sandbox(api: Api) -> (verify::Report, String) {
    let types = GeneratedTypes;
    let validator = common::validator(api.name()).with_types(Some(&types));
    let router = sandbox::app(api, &sandbox::Credentials::defaults());
    let options = Options {
        credentials: sandbox_credentials(api),
        allow_destructive: true,
        ..Options::default()
    };
    let mut report = verify::verify_router(&validator, router, api.base_path(), &options)
        .await
        .expect("verify runs");
    let entries =
        unreached::load(&common::workspace_root().join("crates/conformance/verify-unreached.yaml"))
            .expect("the unreached list reads");
    report.stale = unreached::apply(&entries, api.name(), &mut report.coverage);
    let gates = render::Gates {
        require_listed: true,
        fail_under: None,
    };
    let text = render::Document::new(&report, &gates, false).text();
    (report, text)
}

async fn holds(api: Api) {
    let (report, text) = verify_sandbox(api).await;
    println!("{text}");
    let gates = render::Gates {
        require_listed: true,
        fail_under: None,
    };
    assert!(report.requests > 20, "{text}");
    assert!(report.stopped.is_none(), "{text}");
    // Every link of the spec was followed by a flow step that was answered.
    assert!(report.links_declared > 0, "{text}");
    assert_eq!(report.links_followed.len(), report.links_declared, "{text}");
    assert_eq!(
        render::failures(&report, &gates, false),
        Vec::<String>::new(),
        "{text}"
    );
}

#[tokio::test]
async fn insightiq_sandbox_verifies() {
    holds(Api::Insightiq).await;
}

#[tokio::test]
async fn publica_sandbox_verifies() {
    holds(Api::Publica).await;
}

#[tokio::test]
async fn instabot_sandbox_verifies() {
    holds(Api::Instabot).await;
}
