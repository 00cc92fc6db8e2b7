//! Typed timestamps (`x-timestamp-form`): each API's generated types read the variants its
//! vendor sends and write its usual text; the sandbox answers its seeds with the documents' text.

use chrono::{DateTime, Utc};
use sandbox::{Api, Credentials};
use serde_json::{json, Value};

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn an_offset_less_insightiq_timestamp_reads_as_the_utc_instant_and_writes_six_digits() {
    use insightiq_client::types;
    let token: types::SdkToken = serde_json::from_value(
        json!({"sdk_token": "t", "expires_at": "2021-11-08T18:53:18.337805"}),
    )
    .unwrap();
    assert_eq!(token.expires_at, utc("2021-11-08T18:53:18.337805Z"));
    let whole = types::timestamp::read("2016-01-01T00:00:00").unwrap();
    assert_eq!(whole, utc("2016-01-01T00:00:00Z"));
    assert_eq!(types::timestamp::text(&whole), "2016-01-01T00:00:00.000000");
    assert_eq!(
        serde_json::to_value(&token).unwrap()["expires_at"],
        "2021-11-08T18:53:18.337805"
    );
}

#[test]
fn publica_lists_write_six_digits_and_z_and_the_date_object_has_its_instant() {
    use publica_client::types;
    assert_eq!(
        types::timestamp::text(&utc("2021-05-18T13:28:53Z")),
        "2021-05-18T13:28:53.000000Z"
    );
    let date: types::DateObject = serde_json::from_value(
        json!({"timestamp": 1620931649, "date": "2021-05-13 18:47:29", "timezone": "UTC"}),
    )
    .unwrap();
    assert_eq!(date.instant().unwrap(), utc("2021-05-13T18:47:29Z"));
    assert_eq!(&*date.date, "2021-05-13 18:47:29");
    assert_eq!(date.timezone, "UTC");
}

#[test]
fn instabot_writes_z_with_trailing_zeros_trimmed_from_zero_to_seven_digits() {
    use instabot_client::types;
    assert_eq!(
        types::timestamp::text(&utc("2018-03-21T14:17:05.000Z")),
        "2018-03-21T14:17:05Z"
    );
    assert_eq!(
        types::timestamp::text(&utc("2016-12-31T22:22:07.5124322Z")),
        "2016-12-31T22:22:07.5124322Z"
    );
    // An offset-less text is not Instabot's form for a body date-time.
    let error = types::timestamp::read("2017-03-30T14:44:55").unwrap_err();
    assert_eq!(
        error.to_string(),
        "`2017-03-30T14:44:55` is not an RFC 3339 date-time"
    );
}

async fn get(api: Api, path: &str, headers: &[(&str, &str)]) -> Value {
    let server = sandbox::start(api, "127.0.0.1:0".parse().unwrap(), Credentials::defaults())
        .await
        .unwrap();
    let mut request = reqwest::Client::new().get(format!("{}{path}", server.base_url()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let body = response.json().await.unwrap();
    server.shutdown().await.unwrap();
    body
}

#[tokio::test]
async fn the_sandbox_answers_seeded_records_with_the_documents_text() {
    let instabot = get(
        Api::Instabot,
        "/users/322673814",
        &[
            ("X-Instabot-Api-Key", "demo-api-key"),
            ("Authorization", "X-Instabot-Master-Api-Key demo-master-key"),
        ],
    )
    .await;
    assert_eq!(instabot["data"]["createDate"], "2016-12-26T21:05:47.1064Z");
    assert_eq!(
        instabot["data"]["photoFile"]["urlExpiresAt"],
        "2016-12-31T22:22:07.5124322Z"
    );

    let publica = get(
        Api::Publica,
        "/integration-api/v1/dashboard/users",
        &[("X-User-Token", "demo-token")],
    )
    .await;
    let first = &publica["data"]["paginator"]["data"][0];
    assert_eq!(
        first["created_at"], "2021-05-18T13:28:53.000000Z",
        "{publica}"
    );

    let insightiq = get(
        Api::Insightiq,
        "/profiles?limit=10",
        &[("Authorization", "Basic ZGVtbzpwQDU1dzByZA==")],
    )
    .await;
    let profile = &insightiq["data"][0];
    assert_eq!(
        profile["created_at"], "2021-11-08T18:53:18.337805",
        "{profile}"
    );
    assert_eq!(
        profile["platform_profile_published_at"],
        "2016-01-01T00:00:00.000000"
    );
}
