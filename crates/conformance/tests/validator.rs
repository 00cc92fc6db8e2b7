//! The validator on hand-made bodies, per API: each test asserts the exact body pointer (and
//! keyword) reported.

mod common;

use conformance::{BodyKindArg, Class, Error, Validator, Violation};
use serde_json::{json, Value};

/// Validates and returns the violations.
fn violations(v: &Validator<'_>, op: &str, kind: BodyKindArg<'_>, body: Value) -> Vec<Violation> {
    v.validate(op, kind, &body)
        .expect("body is checked")
        .2
        .violations
}

/// The `POINTER KEYWORD` findings, sorted.
fn findings(v: &Validator<'_>, op: &str, kind: BodyKindArg<'_>, body: Value) -> Vec<String> {
    let mut found: Vec<String> = violations(v, op, kind, body)
        .iter()
        .map(Violation::finding)
        .collect();
    found.sort();
    found
}

const REQ: BodyKindArg<'static> = BodyKindArg::Request;
const OK200: BodyKindArg<'static> = BodyKindArg::Status("200");

fn sample(api: &str, file: &str) -> Value {
    let path = common::workspace_root()
        .join("spec/samples")
        .join(api)
        .join(file);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

// ---------------------------------------------------------------------------------------------
// insightIQ

fn profile() -> Value {
    sample("insightiq", "get_profile.response-200.json")
}

#[test]
fn insightiq_missing_required_field() {
    let v = common::validator("insightiq");
    let found = violations(&v, "create_user", REQ, json!({"name": "John Doe"}));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].pointer, "");
    assert_eq!(found[0].keyword, "required");
    assert!(
        found[0].message.contains("external_id"),
        "{}",
        found[0].message
    );
    assert_eq!(
        found[0].spec_pointer.as_deref(),
        Some("/components/schemas/UserCreateRequest/required")
    );
    let mut body = profile();
    body["user"].as_object_mut().unwrap().remove("name");
    assert_eq!(
        findings(&v, "get_profile", OK200, body),
        ["violation /user required"]
    );
}

#[test]
fn insightiq_wrong_type() {
    let v = common::validator("insightiq");
    let mut body = profile();
    body["reputation"]["follower_count"] = json!("many");
    assert_eq!(
        findings(&v, "get_profile", OK200, body),
        ["violation /reputation/follower_count type"]
    );
}

#[test]
fn insightiq_value_outside_enum() {
    let v = common::validator("insightiq");
    let mut body = sample("insightiq", "list_profiles.response-200.json");
    body["data"][3]["gender"] = json!("X");
    body["data"][0]["emails"] = json!([{"type": "PERSONAL", "email_id": "a@b.co"}]);
    assert_eq!(
        findings(&v, "list_profiles", OK200, body),
        [
            "violation /data/0/emails/0/type enum",
            "violation /data/3/gender enum"
        ]
    );
    let products = json!({"user_id": "u", "products": ["IDENTITY", "SOMETHING"]});
    assert_eq!(
        findings(&v, "create_sdk_token", REQ, products),
        ["violation /products/1 enum"]
    );
}

#[test]
fn insightiq_string_over_max_length() {
    let v = common::validator("insightiq");
    let body = json!({"name": "John Doe", "external_id": "x".repeat(101)});
    let found = violations(&v, "create_user", REQ, body);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].finding(), "violation /external_id maxLength");
    assert!(
        found[0].message.contains("longer than 100"),
        "{}",
        found[0].message
    );
    // Exactly 100 is fine.
    let body = json!({"name": "John Doe", "external_id": "x".repeat(100)});
    assert!(findings(&v, "create_user", REQ, body).is_empty());
}

#[test]
fn insightiq_null_where_forbidden_and_where_allowed() {
    let v = common::validator("insightiq");
    let mut forbidden = profile();
    forbidden["is_verified"] = Value::Null;
    forbidden["user"]["id"] = Value::Null;
    assert_eq!(
        findings(&v, "get_profile", OK200, forbidden),
        ["violation /is_verified type", "violation /user/id type"]
    );
    let mut allowed = profile();
    allowed["first_name"] = Value::Null;
    allowed["gender"] = Value::Null; // nullable with an enum
    allowed["platform_profile_published_at"] = Value::Null; // nullable through $ref
    allowed["date_of_birth"] = Value::Null;
    assert!(findings(&v, "get_profile", OK200, allowed).is_empty());
}

#[test]
fn insightiq_extra_field_allowed_unless_forbidden() {
    let v = common::validator("insightiq");
    let mut body = profile();
    body["new_field"] = json!({"anything": [1, 2]});
    body["reputation"]["stars"] = json!(5);
    // Allowed, so reported as undocumented (not a violation): the body conforms.
    let outcome = v
        .validate("get_profile", OK200, &body)
        .expect("body is checked")
        .2;
    assert!(outcome.conforms());
    assert!(!outcome.passes(true), "--strict fails it");
    assert_eq!(
        findings(&v, "get_profile", OK200, body),
        ["undocumented /new_field", "undocumented /reputation/stars"]
    );
    let new_field = outcome
        .violations
        .iter()
        .find(|v| v.pointer == "/new_field")
        .expect("reported");
    assert_eq!(new_field.class, Class::Undocumented);
    assert_eq!(new_field.value, Some(json!({"anything": [1, 2]})));
    assert_eq!(
        new_field.spec_pointer.as_deref(),
        Some("/components/schemas/Profile")
    );
    assert!(
        new_field
            .location
            .as_deref()
            .is_some_and(|l| l.contains("insightiq.yaml:")),
        "{new_field:?}"
    );
    // The disconnect request is an empty object (maxProperties: 0).
    assert_eq!(
        findings(&v, "disconnect_account", REQ, json!({"reason": "x"})),
        ["violation / maxProperties"]
    );
}

#[test]
fn insightiq_bad_uuid_and_timestamp() {
    let v = common::validator("insightiq");
    let mut body = profile();
    body["id"] = json!("9bd39495-not-a-uuid");
    body["created_at"] = json!("08/11/2021 18:53");
    body["date_of_birth"] = json!("11/26/1989");
    let found = violations(&v, "get_profile", OK200, body);
    let mut short: Vec<String> = found.iter().map(Violation::finding).collect();
    short.sort();
    assert_eq!(
        short,
        [
            "violation /created_at pattern",
            "violation /date_of_birth format",
            "violation /id format"
        ]
    );
    let id = found.iter().find(|f| f.pointer == "/id").unwrap();
    assert_eq!(
        id.spec_pointer.as_deref(),
        Some("/components/schemas/Profile/properties/id/format")
    );
    let location = id.location.as_deref().unwrap();
    assert!(location.ends_with(&format!(
        "insightiq.yaml:{}",
        v.spec()
            .line_of("/components/schemas/Profile/properties/id/format")
            .unwrap()
    )));
    assert!(id.message.contains("uuid"), "{}", id.message);
}

#[test]
fn insightiq_operation_by_method_and_path_and_usage_errors() {
    let v = common::validator("insightiq");
    let (op, kind, outcome) = v.validate("GET /profiles/{id}", OK200, &profile()).unwrap();
    assert_eq!(op.name, "get_profile");
    assert_eq!(kind.to_string(), "response 200");
    assert!(outcome.conforms());
    assert!(matches!(
        v.validate("nope", OK200, &json!({})),
        Err(Error::UnknownOperation(_))
    ));
    assert!(matches!(
        v.validate("get_profile", BodyKindArg::Status("500"), &json!({})),
        Err(Error::UnknownStatus { .. })
    ));
    assert!(matches!(
        v.validate("get_profile", REQ, &json!({})),
        Err(Error::NoRequestBody { .. })
    ));
    // Error bodies validate against the shared Error schema.
    let error = json!({"error": {"type": "t", "error_code": "c", "message": "m",
                                 "http_status_code": 404, "request_id": "nope"}});
    assert_eq!(
        findings(&v, "get_profile", BodyKindArg::Status("404"), error),
        ["violation /error/request_id format"]
    );
}

// ---------------------------------------------------------------------------------------------
// Publica.la

fn publica_request() -> Value {
    json!({
        "email": "user@example.com",
        "external_id": "user-id-in-your-platform",
        "new_password": "Abcd1234",
        "sessions_limit": null,
        "assign_new_plan": null,
        "new_plan_custom_valid_to": "",
        "admin": false,
        "plan_admin": false,
        "only_sees_readable": true
    })
}

fn publica_list() -> Value {
    let path = "/paths/~1integration-api~1v1~1dashboard~1users/get/responses/200/content/application~1json/examples/users/value";
    common::validator("publica")
        .spec()
        .document
        .pointer(path)
        .unwrap()
        .clone()
}

#[test]
fn publica_missing_required_field() {
    let v = common::validator("publica");
    let mut body = publica_request();
    body.as_object_mut().unwrap().remove("email");
    assert_eq!(
        findings(&v, "create_user", REQ, body),
        ["violation / required"]
    );
}

#[test]
fn publica_wrong_type() {
    let v = common::validator("publica");
    let mut body = publica_request();
    body["sessions_limit"] = json!("1");
    body["admin"] = json!("yes"); // neither boolean nor 0/1
    assert_eq!(
        findings(&v, "create_user", REQ, body),
        ["violation /admin oneOf", "violation /sessions_limit type"]
    );
}

#[test]
fn publica_value_outside_enum() {
    let v = common::validator("publica");
    let mut body = publica_list();
    body["CODE"] = json!("failure");
    body["data"]["paginator"]["data"][0]["only_sees_readable"] = json!(2);
    assert_eq!(
        findings(&v, "list_users", OK200, body),
        [
            "violation /CODE enum",
            "violation /data/paginator/data/0/only_sees_readable oneOf"
        ]
    );
}

#[test]
fn publica_value_over_maximum() {
    // Publica.la's schemas have no maxLength; its bound is sessions_limit's maximum.
    let v = common::validator("publica");
    let mut body = publica_request();
    body["sessions_limit"] = json!(1_000_000);
    assert_eq!(
        findings(&v, "create_user", REQ, body),
        ["violation /sessions_limit maximum"]
    );
}

#[test]
fn publica_null_where_forbidden_and_where_allowed() {
    let v = common::validator("publica");
    let mut forbidden = publica_request();
    forbidden["email"] = Value::Null;
    assert_eq!(
        findings(&v, "create_user", REQ, forbidden),
        ["violation /email type"]
    );
    let mut allowed = publica_list();
    let item = &mut allowed["data"]["paginator"]["data"][0];
    item["sessions_limit"] = Value::Null;
    item["deleted_at"] = Value::Null;
    item["sessions"] = Value::Null; // nullable without a type
    assert!(findings(&v, "list_users", OK200, allowed).is_empty());
}

#[test]
fn publica_extra_field_allowed() {
    let v = common::validator("publica");
    let mut body = publica_request();
    body["locale"] = json!("es");
    assert_eq!(
        findings(&v, "create_user", REQ, body),
        ["undocumented /locale"]
    );
}

#[test]
fn publica_bad_uuid_and_date_time() {
    let v = common::validator("publica");
    let mut body = publica_list();
    let item = &mut body["data"]["paginator"]["data"][0];
    item["uuid"] = json!("af5af4f9");
    item["created_at"] = json!("2021-05-18 13:28:53");
    item["deleted_at"] = json!("yesterday");
    assert_eq!(
        findings(&v, "list_users", OK200, body),
        [
            "violation /data/paginator/data/0/created_at format",
            "violation /data/paginator/data/0/deleted_at format",
            "violation /data/paginator/data/0/uuid format",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Instabot

fn instabot_user() -> Value {
    json!({
        "apiStatusCode": "Success",
        "data": {
            "email": "user1@example.com",
            "phone": null,
            "photoFile": {
                "url": "https://roko-mobi.s3.amazonaws.com/f.png",
                "urlExpiresAt": "2016-12-31T22:22:07.5124322Z",
                "objectId": 322673979
            },
            "firstLoginTime": null,
            "lastLoginTime": null,
            "username": "user1",
            "userType": "general",
            "name": "User First",
            "createDate": "2016-12-26T21:05:47.1064Z",
            "objectId": 322673814
        }
    })
}

#[test]
fn instabot_missing_required_field() {
    let v = common::validator("instabot");
    let body = json!({"userName": "user1", "name": "User First"});
    let found = violations(&v, "create_user", REQ, body);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].finding(), "violation / required");
    assert!(
        found[0].message.contains("userPassword"),
        "{}",
        found[0].message
    );
    // userPassword is writeOnly: a response need not carry it, and username is required there.
    let mut user = instabot_user();
    user["data"].as_object_mut().unwrap().remove("username");
    assert_eq!(
        findings(&v, "get_user", OK200, user),
        ["violation /data required"]
    );
}

#[test]
fn instabot_wrong_type() {
    let v = common::validator("instabot");
    let body = json!({"userName": "u", "userPassword": "p", "photoFile": {"objectId": "x"}});
    assert_eq!(
        findings(&v, "create_user", REQ, body),
        ["violation /photoFile/objectId type"]
    );
    // Inside a nullable reference the reason of the non-null branch is reported.
    let mut user = instabot_user();
    user["data"]["photoFile"]["url"] = json!(5);
    assert_eq!(
        findings(&v, "get_user", OK200, user),
        ["violation /data/photoFile/url type"]
    );
}

#[test]
fn instabot_value_outside_enum() {
    let v = common::validator("instabot");
    let mut user = instabot_user();
    user["data"]["userType"] = json!("admin");
    user["apiStatusCode"] = json!("success");
    assert_eq!(
        findings(&v, "get_user", OK200, user),
        [
            "violation /apiStatusCode enum",
            "violation /data/userType enum"
        ]
    );
}

#[test]
fn instabot_null_where_forbidden_and_where_allowed() {
    let v = common::validator("instabot");
    let mut forbidden = instabot_user();
    forbidden["data"]["name"] = Value::Null;
    forbidden["data"]["objectId"] = Value::Null;
    assert_eq!(
        findings(&v, "get_user", OK200, forbidden),
        ["violation /data/name type", "violation /data/objectId type"]
    );
    let mut allowed = instabot_user();
    allowed["data"]["photoFile"] = Value::Null; // nullable reference
    allowed["data"]["email"] = Value::Null;
    allowed["data"]["requestInfo"] = Value::Null;
    assert!(findings(&v, "get_user", OK200, allowed).is_empty());
}

#[test]
fn instabot_extra_field_allowed() {
    // The Update User sample sends `username` where the schema says `userName`.
    let v = common::validator("instabot");
    let body = json!({"username": "user1", "name": "User First", "phone": null});
    assert_eq!(
        findings(&v, "update_user", REQ, body),
        ["undocumented /username"]
    );
    // Inside the nullable File reference (a oneOf with null) too.
    let mut user = instabot_user();
    user["data"]["photoFile"]["width"] = json!(640);
    assert_eq!(
        findings(&v, "get_user", OK200, user),
        ["undocumented /data/photoFile/width"]
    );
}

#[test]
fn instabot_bad_date_time_and_uri() {
    // Instabot has no uuid or maxLength; its formats are date-time, uri and email.
    let v = common::validator("instabot");
    let mut user = instabot_user();
    user["data"]["createDate"] = json!("2016-12-26");
    user["data"]["firstLoginTime"] = json!("2016-12-26T21:05:47"); // no offset
    user["data"]["photoFile"]["url"] = json!("<url-placeholder>");
    user["data"]["email"] = json!("[email\u{a0}protected]");
    assert_eq!(
        findings(&v, "get_user", OK200, user),
        [
            "violation /data/createDate format",
            "violation /data/email format",
            "violation /data/firstLoginTime format",
            "violation /data/photoFile/url format",
        ]
    );
}

#[test]
fn every_body_schema_of_every_spec_compiles() {
    for api in ["insightiq", "publica", "instabot"] {
        common::validator(api).compile_all().unwrap();
    }
}
