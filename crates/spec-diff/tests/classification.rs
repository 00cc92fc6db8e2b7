//! A pair of spec versions per kind of change: the classification for clients and servers, the
//! pointer, the JSON shape, and the version rule.

use serde_json::Value;
use spec_diff::{check_version, diff, to_json, Kind, Severity};

const BASE: &str = r#"
openapi: 3.0.3
info: {title: t, version: 1.2.0}
security: [{basic: []}]
components:
  securitySchemes:
    basic: {type: http, scheme: basic}
  schemas:
    Status:
      type: string
      enum: [ACTIVE, INACTIVE]
    User:
      type: object
      required: [id, status]
      properties:
        id: {type: string, format: uuid}
        name: {type: string, maxLength: 50}
        status: {$ref: '#/components/schemas/Status'}
        nick: {type: string, nullable: true}
    NewUser:
      type: object
      required: [name]
      properties:
        name: {type: string, maxLength: 100}
        kind: {type: string, enum: [a, b]}
        age: {type: integer, minimum: 0}
paths:
  /users:
    post:
      operationId: create_user
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewUser'}
      responses:
        '201':
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/User'}
        '400': {description: bad}
    get:
      operationId: list_users
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: {$ref: '#/components/schemas/User'}
"#;

fn doc(text: &str) -> Value {
    spec_model::parse("spec/t.yaml", text.to_owned())
        .unwrap()
        .document
}

/// The changes between BASE and BASE with one replacement, as (kind, client, server, pointer).
/// A change to a shared schema is reported once per operation using it (User: create_user and
/// list_users); the operations are left out here, so those collapse into one.
fn changes(from: &str, to: &str) -> Vec<(Kind, Severity, Severity, String)> {
    assert!(BASE.contains(from), "BASE has no `{from}`");
    let new = BASE.replacen(from, to, 1);
    let mut found: Vec<_> = diff(&doc(BASE), &doc(&new))
        .unwrap()
        .into_iter()
        .map(|c| (c.kind, c.impact.client, c.impact.server, c.pointer))
        .collect();
    found.sort();
    found.dedup();
    found
}

#[test]
fn a_shared_schema_change_names_every_operation_using_it() {
    let new = BASE.replacen("enum: [ACTIVE, INACTIVE]", "enum: [ACTIVE]", 1);
    let operations: Vec<Option<String>> = diff(&doc(BASE), &doc(&new))
        .unwrap()
        .into_iter()
        .map(|c| c.operation)
        .collect();
    assert_eq!(
        operations,
        [
            Some("create_user".to_string()),
            Some("list_users".to_string())
        ]
    );
}

use Severity::{Breaking as B, Compatible as C};

fn one(
    kind: Kind,
    client: Severity,
    server: Severity,
    pointer: &str,
) -> Vec<(Kind, Severity, Severity, String)> {
    vec![(kind, client, server, pointer.to_owned())]
}

#[test]
fn identical_specs_have_no_changes() {
    assert!(diff(&doc(BASE), &doc(BASE)).unwrap().is_empty());
}

#[test]
fn operations_added_removed_and_moved() {
    let added = changes("  /users:\n", "  /ping:\n    get:\n      operationId: ping\n      responses:\n        '204': {description: ok}\n  /users:\n");
    assert_eq!(added, one(Kind::OperationAdded, C, B, "/paths/~1ping/get"));
    let removed = changes(
        "    get:\n      operationId: list_users",
        "    options:\n      operationId: list_users_gone",
    );
    assert!(
        removed.contains(&(Kind::OperationRemoved, B, B, "/paths/~1users/get".into())),
        "{removed:?}"
    );
    let moved = changes("  /users:\n", "  /people:\n");
    assert!(
        moved.contains(&(Kind::PathChanged, B, B, "/paths/~1people/post".into())),
        "{moved:?}"
    );
    let method = changes(
        "    get:\n      operationId: list_users",
        "    put:\n      operationId: list_users",
    );
    assert_eq!(method, one(Kind::MethodChanged, B, B, "/paths/~1users/put"));
}

#[test]
fn parameters_added_removed_and_made_required() {
    let required = changes("        - {name: limit,", "        - {name: cursor, in: query, required: true, schema: {type: string}}\n        - {name: limit,");
    assert_eq!(
        required,
        one(
            Kind::ParameterAdded,
            B,
            C,
            "/paths/~1users/get/parameters/0"
        )
    );
    let optional = changes(
        "        - {name: limit,",
        "        - {name: cursor, in: query, schema: {type: string}}\n        - {name: limit,",
    );
    assert_eq!(
        optional,
        one(
            Kind::ParameterAdded,
            C,
            C,
            "/paths/~1users/get/parameters/0"
        )
    );
    let removed = changes(
        "        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}",
        "        - {name: page, in: query, schema: {type: integer}}",
    );
    assert!(
        removed.contains(&(
            Kind::ParameterRemoved,
            B,
            B,
            "/paths/~1users/get/parameters/0".into()
        )),
        "{removed:?}"
    );
    let made_required = changes(
        "{name: limit, in: query,",
        "{name: limit, in: query, required: true,",
    );
    assert_eq!(
        made_required,
        one(
            Kind::ParameterMadeRequired,
            B,
            C,
            "/paths/~1users/get/parameters/0/required"
        )
    );
}

#[test]
fn request_schema_changes_break_clients_when_they_narrow() {
    let bound = changes(
        "name: {type: string, maxLength: 100}",
        "name: {type: string, maxLength: 10}",
    );
    assert_eq!(
        bound,
        one(
            Kind::BoundTightened,
            B,
            C,
            "/components/schemas/NewUser/properties/name/maxLength"
        )
    );
    let loosened = changes(
        "name: {type: string, maxLength: 100}",
        "name: {type: string, maxLength: 200}",
    );
    assert_eq!(
        loosened,
        one(
            Kind::BoundLoosened,
            C,
            B,
            "/components/schemas/NewUser/properties/name/maxLength"
        )
    );
    let enum_removed = changes("enum: [a, b]", "enum: [a]");
    assert_eq!(
        enum_removed,
        one(
            Kind::EnumValueRemoved,
            B,
            C,
            "/components/schemas/NewUser/properties/kind/enum"
        )
    );
    let enum_added = changes("enum: [a, b]", "enum: [a, b, c]");
    assert_eq!(
        enum_added,
        one(
            Kind::EnumValueAdded,
            C,
            B,
            "/components/schemas/NewUser/properties/kind/enum"
        )
    );
    let new_required = changes("      required: [name]\n      properties:\n        name: {type: string, maxLength: 100}",
        "      required: [name, email]\n      properties:\n        email: {type: string, format: email}\n        name: {type: string, maxLength: 100}");
    assert_eq!(
        new_required,
        one(
            Kind::PropertyAdded,
            B,
            C,
            "/components/schemas/NewUser/properties/email"
        )
    );
    let made_required = changes("      required: [name]\n", "      required: [name, age]\n");
    assert_eq!(
        made_required,
        one(
            Kind::PropertyMadeRequired,
            B,
            C,
            "/components/schemas/NewUser/required"
        )
    );
    let type_changed = changes("age: {type: integer, minimum: 0}", "age: {type: string}");
    assert_eq!(
        type_changed,
        one(
            Kind::TypeChanged,
            B,
            B,
            "/components/schemas/NewUser/properties/age/type"
        )
    );
    let parameter_bound = changes("minimum: 1, maximum: 100}", "minimum: 1, maximum: 50}");
    assert_eq!(
        parameter_bound,
        one(
            Kind::BoundTightened,
            B,
            C,
            "/paths/~1users/get/parameters/0/schema/maximum"
        )
    );
}

#[test]
fn response_schema_changes_break_servers_when_they_demand_more() {
    let new_required = changes("      required: [id, status]\n      properties:\n        id:",
        "      required: [id, status, email]\n      properties:\n        email: {type: string}\n        id:");
    assert_eq!(
        new_required,
        one(
            Kind::PropertyAdded,
            C,
            B,
            "/components/schemas/User/properties/email"
        )
    );
    let new_optional = changes(
        "        nick: {type: string, nullable: true}",
        "        nick: {type: string, nullable: true}\n        bio: {type: string}",
    );
    assert_eq!(
        new_optional,
        one(
            Kind::PropertyAdded,
            C,
            C,
            "/components/schemas/User/properties/bio"
        )
    );
    let removed = changes("        nick: {type: string, nullable: true}\n", "");
    assert_eq!(
        removed,
        one(
            Kind::PropertyRemoved,
            B,
            B,
            "/components/schemas/User/properties/nick"
        )
    );
    // A new value in a response enum: our clients are open (Unknown), so compatible.
    let added = changes(
        "enum: [ACTIVE, INACTIVE]",
        "enum: [ACTIVE, INACTIVE, BANNED]",
    );
    assert_eq!(
        added,
        one(
            Kind::EnumValueAdded,
            C,
            C,
            "/components/schemas/Status/enum"
        )
    );
    // A removed one breaks the servers whose code sends it.
    let removed = changes("enum: [ACTIVE, INACTIVE]", "enum: [ACTIVE]");
    assert_eq!(
        removed,
        one(
            Kind::EnumValueRemoved,
            C,
            B,
            "/components/schemas/Status/enum"
        )
    );
    // A format dropped in a response: servers may send more, which clients may not read.
    let format = changes("id: {type: string, format: uuid}", "id: {type: string}");
    assert_eq!(
        format,
        one(
            Kind::FormatWidened,
            B,
            C,
            "/components/schemas/User/properties/id/format"
        )
    );
    let nullable = changes(
        "name: {type: string, maxLength: 50}",
        "name: {type: string, maxLength: 50, nullable: true}",
    );
    assert_eq!(
        nullable,
        one(
            Kind::NullableAdded,
            B,
            C,
            "/components/schemas/User/properties/name/nullable"
        )
    );
    let not_nullable = changes(
        "nick: {type: string, nullable: true}",
        "nick: {type: string}",
    );
    assert_eq!(
        not_nullable,
        one(
            Kind::NullableRemoved,
            C,
            B,
            "/components/schemas/User/properties/nick/nullable"
        )
    );
    let optional = changes("      required: [id, status]\n", "      required: [id]\n");
    assert_eq!(
        optional,
        one(
            Kind::PropertyMadeOptional,
            B,
            C,
            "/components/schemas/User/required"
        )
    );
}

#[test]
fn status_codes_and_security() {
    let added = changes(
        "        '400': {description: bad}",
        "        '400': {description: bad}\n        '409': {description: conflict}",
    );
    assert_eq!(
        added,
        one(Kind::StatusAdded, C, C, "/paths/~1users/post/responses/409")
    );
    let removed = changes("        '400': {description: bad}\n", "");
    assert_eq!(
        removed,
        one(
            Kind::StatusRemoved,
            C,
            B,
            "/paths/~1users/post/responses/400"
        )
    );
    let scheme = changes(
        "basic: {type: http, scheme: basic}",
        "basic: {type: http, scheme: bearer}",
    );
    assert_eq!(
        scheme,
        one(
            Kind::SecurityChanged,
            B,
            B,
            "/components/securitySchemes/basic"
        )
    );
}

#[test]
fn the_json_shape() {
    let new = BASE.replacen("enum: [a, b]", "enum: [a]", 1);
    let json = to_json(&diff(&doc(BASE), &doc(&new)).unwrap());
    assert_eq!(
        json,
        serde_json::json!({
            "changes": [{
                "kind": "enum-value-removed",
                "operation": "create_user",
                "pointer": "/components/schemas/NewUser/properties/kind/enum",
                "direction": "request",
                "message": "request body.kind: value \"b\" removed",
                "client": "breaking",
                "server": "compatible",
                "rust": "breaking",
                "oasdiff": [
                    "request-body-enum-value-removed",
                    "request-property-enum-value-removed",
                    "request-read-only-property-enum-value-removed",
                ],
            }],
            "breaking": {"client": 1, "server": 0, "rust": 1},
            "required_bump": "major",
        })
    );
}

#[test]
fn a_breaking_change_needs_a_major_version_and_says_the_edit() {
    let broken = BASE.replacen("enum: [a, b]", "enum: [a]", 1);
    let error = check_version("spec/t.yaml", &doc(BASE), &doc(&broken))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("1 breaking change(s) need info.version 2.0.0"),
        "{error}"
    );
    assert!(
        error.contains("enum-value-removed")
            && error.contains("create_user #/components/schemas/NewUser/properties/kind/enum"),
        "{error}"
    );
    assert!(
        error.ends_with("edit spec/t.yaml: info.version: 1.2.0 -> 2.0.0"),
        "{error}"
    );
    let bumped = broken.replacen("version: 1.2.0", "version: 2.0.0", 1);
    assert_eq!(
        check_version("spec/t.yaml", &doc(BASE), &doc(&bumped))
            .unwrap()
            .len(),
        1
    );
    // An additive change needs a minor bump.
    let additive = BASE.replacen(
        "        '400': {description: bad}",
        "        '400': {description: bad}\n        '409': {description: c}",
        1,
    );
    let error = check_version("spec/t.yaml", &doc(BASE), &doc(&additive))
        .unwrap_err()
        .to_string();
    assert!(error.ends_with("info.version: 1.2.0 -> 1.3.0"), "{error}");
    let bumped = additive.replacen("version: 1.2.0", "version: 1.3.0", 1);
    assert!(check_version("spec/t.yaml", &doc(BASE), &doc(&bumped)).is_ok());
    // No change: nothing to bump.
    assert!(check_version("spec/t.yaml", &doc(BASE), &doc(BASE))
        .unwrap()
        .is_empty());
}

/// The generated Rust API breaks where the wire does not: a new optional property is a new
/// field of an exhaustive struct, a new optional parameter a new argument. New statuses and
/// response enum values are not (those Rust enums are `#[non_exhaustive]`). Bounds count as
/// breaking: they can change the type typify picks.
/// cargo-semver-checks gives the same verdicts (`cargo xtask semver --scenarios`).
#[test]
fn the_generated_rust_api_has_its_own_severity() {
    use spec_diff::Bump;
    // (edit from, edit to, kind, client, server, rust, required bump). A new optional property
    // or query parameter is minor: shapes and query structs are #[non_exhaustive], built
    // through constructors, and a parameter is a new setter.
    let cases = [
        (
            "        age: {type: integer, minimum: 0}",
            "        age: {type: integer, minimum: 0}\n        town: {type: string}",
            Kind::PropertyAdded,
            C,
            C,
            C,
            Bump::Minor,
        ),
        (
            "        - {name: limit, in: query,",
            "        - {name: page, in: query, schema: {type: integer}}\n        - {name: limit, in: query,",
            Kind::ParameterAdded,
            C,
            C,
            C,
            Bump::Minor,
        ),
        (
            "        '400': {description: bad}",
            "        '400': {description: bad}\n        '409': {description: c}",
            Kind::StatusAdded,
            C,
            C,
            C,
            Bump::Minor,
        ),
        (
            "enum: [ACTIVE, INACTIVE]",
            "enum: [ACTIVE, INACTIVE, LOCKED]",
            Kind::EnumValueAdded,
            C,
            C,
            C,
            Bump::Minor,
        ),
        ("maximum: 100}", "maximum: 50}", Kind::BoundTightened, B, C, B, Bump::Major),
        (
            "nick: {type: string, nullable: true}",
            "nick: {type: string}",
            Kind::NullableRemoved,
            C,
            B,
            B,
            Bump::Major,
        ),
    ];
    for (from, to, kind, client, server, rust, bump) in cases {
        assert!(BASE.contains(from), "BASE has no `{from}`");
        let changes = diff(&doc(BASE), &doc(&BASE.replacen(from, to, 1))).unwrap();
        let mut found: Vec<_> = changes
            .iter()
            .map(|c| (c.kind, c.impact.client, c.impact.server, c.impact.rust))
            .collect();
        found.dedup();
        assert_eq!(found, [(kind, client, server, rust)], "{from} -> {to}");
        assert_eq!(spec_diff::required_bump(&changes), bump, "{from} -> {to}");
    }
}
