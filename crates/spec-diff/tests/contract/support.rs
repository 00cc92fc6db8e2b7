//! The spec every contract test edits, and the assertions they share.

use serde_json::Value;
use spec_diff::{diff, required_bump, Bump, Change, Direction, Kind, Severity};

pub use Direction::{Request as Rq, Response as Rs};
pub use Severity::{Breaking as B, Compatible as C};

pub const BASE: &str = r#"
openapi: 3.0.3
info: {title: t, version: 1.0.0}
servers:
  - url: https://api.example.com/{version}
    variables:
      version: {default: v1, enum: [v1, v2]}
security: [{key: []}]
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key, description: The key.}
    token: {type: http, scheme: bearer}
  headers:
    RequestId:
      description: The request's id.
      required: true
      schema: {type: string, format: uuid}
  schemas:
    Cat:
      type: object
      required: [kind, lives]
      properties:
        kind: {type: string}
        lives: {type: integer, multipleOf: 2}
    Dog:
      type: object
      required: [kind]
      properties:
        kind: {type: string}
        bark: {type: string, pattern: '^wo+f$'}
    Pet:
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
      discriminator:
        propertyName: kind
    OwnerUpdate:
      type: object
      required: [name]
      properties:
        name: {type: string, description: The name.}
        age: {type: integer}
    Owner:
      type: object
      required: [id, name]
      properties:
        id: {type: integer, example: 7}
        name: {type: string}
        extra:
          type: object
          additionalProperties: {type: string}
        best_friend:
          description: A cat, or null.
          nullable: true
          allOf:
            - $ref: '#/components/schemas/Cat'
paths:
  /owners/{owner_id}:
    parameters:
      - {name: owner_id, in: path, required: true, schema: {type: integer}}
    put:
      operationId: update_owner
      summary: Update an owner.
      parameters:
        - {name: verbose, in: query, schema: {type: boolean, default: false}}
        - {name: ids, in: query, schema: {type: array, items: {type: integer}}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/OwnerUpdate'}
      responses:
        '200':
          description: ok
          headers:
            request-id: {$ref: '#/components/headers/RequestId'}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Owner'}
        '404': {description: missing}
  /pets:
    post:
      operationId: create_pet
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        '201':
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
    get:
      operationId: list_pets
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: {type: object, properties: {kind: {type: string}}}
"#;

fn doc(text: &str) -> Value {
    spec_model::parse("spec/t.yaml", text.to_owned())
        .unwrap()
        .document
}

/// One classified change, without its operation, pointer and message: (kind, direction,
/// client, server, rust).
pub type Found = (Kind, Direction, Severity, Severity, Severity);

/// BASE with each `(from, to)` replaced once (each `from` must be there).
pub fn edited(edits: &[(&str, &str)]) -> String {
    let mut text = BASE.to_owned();
    for (from, to) in edits {
        assert!(text.contains(from), "BASE has no `{from}`");
        text = text.replacen(from, to, 1);
    }
    text
}

/// The distinct classified changes from BASE to BASE with `edits`, sorted, and the bump.
pub fn classify(edits: &[(&str, &str)]) -> (Vec<Found>, Bump) {
    classify_texts(BASE, &edited(edits))
}

/// Every change from `old` to `new` (spec texts), as spec-diff gives them.
pub fn changes_between(old: &str, new: &str) -> Vec<Change> {
    diff(&doc(old), &doc(new)).unwrap()
}

/// The distinct classified changes from `old` to `new`, sorted, and the bump.
pub fn classify_texts(old: &str, new: &str) -> (Vec<Found>, Bump) {
    let changes = changes_between(old, new);
    let mut found: Vec<Found> = changes
        .iter()
        .map(|c| {
            let i = c.impact;
            (c.kind, c.direction, i.client, i.server, i.rust)
        })
        .collect();
    found.sort();
    found.dedup();
    (found, required_bump(&changes))
}

/// Asserts the edits classify as exactly `expected` (any order) with `bump`.
#[track_caller]
pub fn assert_classified(edits: &[(&str, &str)], expected: &[Found], bump: Bump) {
    let (found, actual_bump) = classify(edits);
    let mut expected = expected.to_vec();
    expected.sort();
    assert_eq!(found, expected, "{edits:?}");
    assert_eq!(actual_bump, bump, "{edits:?}");
}
