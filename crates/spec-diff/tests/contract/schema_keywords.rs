//! Schema keywords judged by direction: type, format, multipleOf, pattern, uniqueItems,
//! additionalProperties, default, readOnly/writeOnly.

use spec_diff::{Bump, Kind};

use crate::support::*;

#[test]
fn widening_a_request_type_does_not_break_clients() {
    // OwnerUpdate is a request body only.
    assert_classified(
        &[(
            "        age: {type: integer}",
            "        age: {type: number}",
        )],
        &[(Kind::TypeWidened, Rq, C, B, B)],
        Bump::Major,
    );
}

#[test]
fn narrowing_a_response_type_does_not_break_clients() {
    let number = edited(&[(
        "        id: {type: integer, example: 7}",
        "        id: {type: number}",
    )]);
    let integer = edited(&[(
        "        id: {type: integer, example: 7}",
        "        id: {type: integer}",
    )]);
    let (found, _) = classify_texts(&number, &integer);
    assert_eq!(found, [(Kind::TypeNarrowed, Rs, C, B, B)]);
    let (found, _) = classify_texts(&integer, &number);
    assert_eq!(found, [(Kind::TypeWidened, Rs, B, C, B)]);
}

#[test]
fn unrelated_types_break_both() {
    assert_classified(
        &[(
            "        age: {type: integer}",
            "        age: {type: string}",
        )],
        &[(Kind::TypeChanged, Rq, B, B, B)],
        Bump::Major,
    );
}

#[test]
fn multiple_of_is_judged_by_divisibility() {
    // Cat is in Pet: a request body and a response.
    let lives = "lives: {type: integer, multipleOf: 2}";
    assert_classified(
        &[(lives, "lives: {type: integer, multipleOf: 4}")],
        &[
            (Kind::BoundTightened, Rq, B, C, B),
            (Kind::BoundTightened, Rs, C, B, B),
        ],
        Bump::Major,
    );
    let four = edited(&[(lives, "lives: {type: integer, multipleOf: 4}")]);
    let (found, _) = classify_texts(&four, BASE);
    assert_eq!(
        found,
        [
            (Kind::BoundLoosened, Rq, C, B, B),
            (Kind::BoundLoosened, Rs, B, C, B)
        ]
    );
    assert_classified(
        &[(lives, "lives: {type: integer, multipleOf: 3}")],
        &[
            (Kind::BoundChanged, Rq, B, B, B),
            (Kind::BoundChanged, Rs, B, B, B),
        ],
        Bump::Major,
    );
}

#[test]
fn a_pattern_is_decided_when_added_or_removed_and_breaking_when_rewritten() {
    let bark = "bark: {type: string, pattern: '^wo+f$'}";
    assert_classified(
        &[(bark, "bark: {type: string}")],
        &[
            (Kind::BoundLoosened, Rq, C, B, B),
            (Kind::BoundLoosened, Rs, B, C, B),
        ],
        Bump::Major,
    );
    let (found, _) = classify(&[(bark, "bark: {type: string, pattern: '^w+$'}")]);
    assert_eq!(
        found,
        [
            (Kind::BoundChanged, Rq, B, B, B),
            (Kind::BoundChanged, Rs, B, B, B)
        ]
    );
    let rewritten = edited(&[(bark, "bark: {type: string, pattern: '^w+$'}")]);
    let changes = changes_between(BASE, &rewritten);
    assert!(
        changes[0].message.contains("cannot be compared"),
        "{}",
        changes[0].message
    );
}

#[test]
fn unique_items_tightens_a_request_parameter() {
    assert_classified(
        &[(
            "schema: {type: array, items: {type: integer}}",
            "schema: {type: array, uniqueItems: true, items: {type: integer}}",
        )],
        &[(Kind::BoundTightened, Rq, B, C, B)],
        Bump::Major,
    );
}

#[test]
fn additional_properties_both_ways() {
    let open = "          additionalProperties: {type: string}";
    // Owner is a response: fewer extra members is the server's burden.
    assert_classified(
        &[(open, "          additionalProperties: false")],
        &[(Kind::BoundTightened, Rs, C, B, B)],
        Bump::Major,
    );
    assert_classified(
        &[(open, "          additionalProperties: true")],
        &[(Kind::BoundLoosened, Rs, B, C, B)],
        Bump::Major,
    );
    assert_classified(
        &[(open, "          additionalProperties: {type: integer}")],
        &[(Kind::TypeChanged, Rs, B, B, B)],
        Bump::Major,
    );
}

#[test]
fn a_parameter_default_changes_what_an_omitted_parameter_means() {
    assert_classified(
        &[(
            "{type: boolean, default: false}",
            "{type: boolean, default: true}",
        )],
        &[(Kind::DefaultChanged, Rq, B, C, C)],
        Bump::Major,
    );
    assert_classified(
        &[("{type: boolean, default: false}", "{type: boolean}")],
        &[(Kind::DefaultRemoved, Rq, B, C, B)],
        Bump::Major,
    );
}

#[test]
fn a_required_response_member_made_write_only_stops_being_sent() {
    assert_classified(
        &[(
            "        name: {type: string}\n        extra:",
            "        name: {type: string, writeOnly: true}\n        extra:",
        )],
        &[(Kind::WriteOnlyAdded, Rs, B, C, C)],
        Bump::Major,
    );
}

#[test]
fn a_required_request_member_made_read_only_breaks_clients_and_servers() {
    // Clients must stop sending it; servers, which required it, now get requests without it
    // (a readOnly member leaves a request's `required`).
    assert_classified(
        &[(
            "        name: {type: string, description: The name.}",
            "        name: {type: string, readOnly: true}",
        )],
        &[(Kind::ReadOnlyAdded, Rq, B, B, C)],
        Bump::Major,
    );
}
