//! Media types of request bodies and responses: added, removed, replaced, a body removed.

use spec_diff::{Bump, Kind};

use crate::support::*;

const OWNER_JSON: &str = "        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/OwnerUpdate'}";

#[test]
fn a_replaced_request_media_type_breaks_clients_and_servers() {
    let form = OWNER_JSON.replace("application/json", "application/x-www-form-urlencoded");
    assert_classified(
        &[(OWNER_JSON, &form)],
        &[
            (Kind::MediaTypeRemoved, Rq, B, C, B),
            (Kind::MediaTypeAdded, Rq, C, B, B),
        ],
        Bump::Major,
    );
}

#[test]
fn a_second_response_media_type_is_seen() {
    let second = "              schema: {$ref: '#/components/schemas/Pet'}\n    get:";
    assert_classified(
        &[(
            second,
            "              schema: {$ref: '#/components/schemas/Pet'}\n            text/csv:\n              schema: {type: string}\n    get:",
        )],
        &[(Kind::MediaTypeAdded, Rs, C, C, B)],
        Bump::Major,
    );
}

#[test]
fn a_schema_under_another_media_type_is_compared() {
    let pet = "              schema: {$ref: '#/components/schemas/Pet'}\n    get:";
    let csv = |max: u32| {
        format!("              schema: {{$ref: '#/components/schemas/Pet'}}\n            text/csv:\n              schema: {{type: string, maxLength: {max}}}\n    get:")
    };
    let (found, bump) = classify_texts(&edited(&[(pet, &csv(10))]), &edited(&[(pet, &csv(5))]));
    assert_eq!(found, [(Kind::BoundTightened, Rs, C, B, B)]);
    assert_eq!(bump, Bump::Major);
}

#[test]
fn a_removed_response_body_breaks_clients() {
    assert_classified(
        &[(
            "          description: created\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Pet'}\n",
            "          description: created\n",
        )],
        &[(Kind::MediaTypeRemoved, Rs, B, B, B)],
        Bump::Major,
    );
}
