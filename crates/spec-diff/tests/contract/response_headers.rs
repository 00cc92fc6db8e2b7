//! Response headers: insightIQ's generated `Context` reads `request-id`.

use spec_diff::{Bump, Kind};

use crate::support::*;

const HEADER: &str =
    "          headers:\n            request-id: {$ref: '#/components/headers/RequestId'}\n";

#[test]
fn a_removed_response_header_breaks_clients() {
    assert_classified(
        &[(HEADER, "")],
        &[(Kind::ResponseHeaderRemoved, Rs, B, C, B)],
        Bump::Major,
    );
}

#[test]
fn a_header_made_optional_breaks_clients_made_required_breaks_servers() {
    assert_classified(
        &[(
            "      required: true\n      schema: {type: string, format: uuid}",
            "      required: false\n      schema: {type: string, format: uuid}",
        )],
        &[(Kind::ResponseHeaderMadeOptional, Rs, B, C, B)],
        Bump::Major,
    );
    let optional = edited(&[(
        "      required: true\n      schema: {type: string, format: uuid}",
        "      schema: {type: string, format: uuid}",
    )]);
    let (found, _) = classify_texts(&optional, BASE);
    assert_eq!(found, [(Kind::ResponseHeaderMadeRequired, Rs, C, B, B)]);
}

#[test]
fn a_header_schema_change_is_judged_as_a_response() {
    assert_classified(
        &[(
            "schema: {type: string, format: uuid}",
            "schema: {type: string}",
        )],
        &[(Kind::FormatWidened, Rs, B, C, B)],
        Bump::Major,
    );
}

#[test]
fn a_new_optional_header_is_minor_a_required_one_breaks_servers() {
    let optional = "          headers:\n            request-id: {$ref: '#/components/headers/RequestId'}\n            x-rate: {schema: {type: integer}}\n";
    assert_classified(
        &[(HEADER, optional)],
        &[(Kind::ResponseHeaderAdded, Rs, C, C, C)],
        Bump::Minor,
    );
    let required = "          headers:\n            request-id: {$ref: '#/components/headers/RequestId'}\n            x-rate: {required: true, schema: {type: integer}}\n";
    assert_classified(
        &[(HEADER, required)],
        &[(Kind::ResponseHeaderAdded, Rs, C, B, C)],
        Bump::Major,
    );
}
