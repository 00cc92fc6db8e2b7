//! The extensions the generator reads, classified for the Rust API and the wire from one table.

use serde_json::Value;
use spec_diff::{diff, required_bump, Bump, Kind, Severity, GENERATOR_EXTENSIONS};

use Severity::{Breaking as B, Compatible as C};

const BASE: &str = r#"
openapi: 3.0.3
info: {title: t, version: 1.0.0}
servers:
  - url: https://staging.example.com
    x-environment: staging
  - url: https://api.example.com
    x-environment: production
security: [{key: []}]
components:
  securitySchemes:
    key:
      type: apiKey
      in: header
      name: Authorization
      x-value-prefix: 'Key '
  schemas:
    Error:
      type: object
      x-error-template:
        message: '{message}'
      properties:
        message: {type: string}
paths:
  /users:
    get:
      operationId: list_users
      parameters:
        - {name: offset, in: query, schema: {type: integer}}
        - {name: limit, in: query, schema: {type: integer, default: 20}}
      x-pagination:
        offset: offset
        limit: limit
        items: data
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {type: string}}
"#;

fn doc(text: &str) -> Value {
    spec_model::parse("spec/t.yaml", text.to_owned())
        .unwrap()
        .document
}

/// Every change of BASE with one replacement, as (kind, operation, pointer, client, server, rust).
fn changes(
    from: &str,
    to: &str,
) -> Vec<(Kind, Option<String>, String, Severity, Severity, Severity)> {
    assert!(BASE.contains(from), "BASE has no `{from}`");
    diff_of(BASE, &BASE.replacen(from, to, 1))
}

/// Every change from `old` to `new`, as (kind, operation, pointer, client, server, rust).
fn diff_of(
    old: &str,
    new: &str,
) -> Vec<(Kind, Option<String>, String, Severity, Severity, Severity)> {
    diff(&doc(old), &doc(new))
        .unwrap()
        .into_iter()
        .map(|c| {
            let i = c.impact;
            (c.kind, c.operation, c.pointer, i.client, i.server, i.rust)
        })
        .collect()
}

const PAGINATION: &str =
    "      x-pagination:\n        offset: offset\n        limit: limit\n        items: data\n";

#[test]
fn adding_pagination_adds_a_stream_method_removing_or_changing_it_breaks_the_rust_api() {
    let list_users = Some("list_users".to_owned());
    let pointer = "/paths/~1users/get/x-pagination".to_owned();
    // Added: `list_users_stream` is a new method, additive everywhere.
    let old = BASE.replacen(PAGINATION, "", 1);
    let added: Vec<_> = diff(&doc(&old), &doc(BASE))
        .unwrap()
        .into_iter()
        .map(|c| (c.kind, c.operation, c.pointer, c.impact.rust))
        .collect();
    assert_eq!(
        added,
        [(
            Kind::ExtensionAdded("x-pagination"),
            list_users.clone(),
            pointer.clone(),
            C
        )]
    );
    assert_eq!(
        required_bump(&diff(&doc(&old), &doc(BASE)).unwrap()),
        Bump::Minor
    );
    // Removed: the stream method is gone.
    assert_eq!(
        changes(PAGINATION, ""),
        [(
            Kind::ExtensionRemoved("x-pagination"),
            list_users.clone(),
            pointer.clone(),
            C,
            C,
            B
        )]
    );
    // A member changed: the stream pages differently.
    let changed = changes(
        "        items: data\n",
        "        items: data\n        has-more: more\n",
    );
    assert_eq!(
        changed,
        [(
            Kind::ExtensionChanged("x-pagination"),
            list_users,
            pointer,
            C,
            C,
            B
        )]
    );
}

#[test]
fn the_error_template_changes_what_clients_of_generated_servers_receive() {
    let changed = changes(
        "        message: '{message}'\n",
        "        error: '{message}'\n",
    );
    assert_eq!(
        changed,
        [(
            Kind::ExtensionChanged("x-error-template"),
            None,
            "/components/schemas/Error/x-error-template".to_owned(),
            B,
            C,
            C
        )]
    );
}

#[test]
fn the_value_prefix_changes_credentials_on_the_wire() {
    let changed = changes("x-value-prefix: 'Key '", "x-value-prefix: 'Token '");
    // One change: the scheme's other members are unchanged, so no security-changed as well.
    assert_eq!(
        changed,
        [(
            Kind::ExtensionChanged("x-value-prefix"),
            None,
            "/components/securitySchemes/key/x-value-prefix".to_owned(),
            B,
            B,
            C
        )]
    );
    let removed = changes("      x-value-prefix: 'Key '\n", "");
    assert_eq!(removed[0].0, Kind::ExtensionRemoved("x-value-prefix"));
    assert_eq!((removed[0].3, removed[0].4), (B, B));
}

#[test]
fn the_environment_name_renames_a_variant() {
    let renamed = changes("x-environment: staging", "x-environment: preview");
    assert_eq!(
        renamed,
        [(
            Kind::ExtensionChanged("x-environment"),
            None,
            "/servers/0/x-environment".to_owned(),
            C,
            C,
            B
        )]
    );
    // Servers are matched by URL, not position: reordering them renames nothing; it only
    // changes the first server, the default `Environment`.
    let reordered = BASE.replacen(
        "  - url: https://staging.example.com\n    x-environment: staging\n  - url: https://api.example.com\n    x-environment: production\n",
        "  - url: https://api.example.com\n    x-environment: production\n  - url: https://staging.example.com\n    x-environment: staging\n",
        1,
    );
    assert_ne!(reordered, BASE);
    let kinds: Vec<Kind> = diff(&doc(BASE), &doc(&reordered))
        .unwrap()
        .into_iter()
        .map(|c| c.kind)
        .collect();
    assert_eq!(kinds, [Kind::DefaultServerChanged]);
}

#[test]
fn the_timestamp_form_changes_the_text_both_sides_write() {
    let with_form = BASE.replacen(
        "info: {title: t, version: 1.0.0}",
        "info: {title: t, version: 1.0.0, x-timestamp-form: {offset: Z, fraction-digits: 6}}",
        1,
    );
    let changed = with_form.replacen("fraction-digits: 6", "fraction-digits: trimmed", 1);
    let pointer = "/info/x-timestamp-form".to_owned();
    assert_eq!(
        diff_of(&with_form, &changed),
        [(
            Kind::ExtensionChanged("x-timestamp-form"),
            None,
            pointer.clone(),
            B,
            B,
            B
        )]
    );
    assert_eq!(
        diff_of(BASE, &with_form),
        [(
            Kind::ExtensionAdded("x-timestamp-form"),
            None,
            pointer.clone(),
            B,
            B,
            B
        )]
    );
    assert_eq!(
        diff_of(&with_form, BASE)[0].0,
        Kind::ExtensionRemoved("x-timestamp-form")
    );
    let bump = required_bump(&diff(&doc(&with_form), &doc(&changed)).unwrap());
    assert_eq!(bump, Bump::Major);
    // Another member of `info` is not the generator's business.
    let described = with_form.replacen("title: t,", "title: t, description: d,", 1);
    assert!(diff(&doc(&with_form), &doc(&described)).unwrap().is_empty());
}

#[test]
fn every_extension_is_one_row_with_a_reason_and_named_in_json() {
    let names: Vec<&str> = GENERATOR_EXTENSIONS.iter().map(|e| e.name).collect();
    assert_eq!(
        names,
        [
            "x-pagination",
            "x-error-template",
            "x-value-prefix",
            "x-environment",
            "x-timestamp-form"
        ]
    );
    assert!(GENERATOR_EXTENSIONS.iter().all(|e| !e.why.is_empty()));
    let new = BASE.replacen("x-environment: staging", "x-environment: preview", 1);
    let json = spec_diff::to_json(&diff(&doc(BASE), &doc(&new)).unwrap());
    assert_eq!(json["changes"][0]["kind"], "extension-changed");
    assert_eq!(json["changes"][0]["extension"], "x-environment");
    assert_eq!(json["changes"][0]["rust"], "breaking");
    assert_eq!(json["required_bump"], "major");
}

#[test]
fn an_alias_cycle_is_an_error_naming_the_side_and_pointer() {
    let cyclic = BASE.replacen(
        "    Error:\n",
        "    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n    Error:\n",
        1,
    ).replacen(
        "                  data: {type: array, items: {type: string}}\n",
        "                  data: {type: array, items: {type: string}}\n                  a: {$ref: '#/components/schemas/A'}\n",
        1,
    );
    let error = diff(&doc(&cyclic), &doc(&cyclic)).unwrap_err();
    let text = error.to_string();
    assert!(text.starts_with("the old spec: /paths/~1users/get/responses/200/content/application~1json/schema/properties/a: "), "{text}");
    assert!(
        text.ends_with("`$ref` cycle that never reaches a schema: /components/schemas/A -> /components/schemas/B -> /components/schemas/A"),
        "{text}"
    );
}
