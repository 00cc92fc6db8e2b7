//! oneOf/anyOf/allOf members matched by identity, never by position; discriminators.

use spec_diff::{Bump, Combinator, Kind};

use crate::support::*;

const MEMBERS: &str = "        - $ref: '#/components/schemas/Cat'\n        - $ref: '#/components/schemas/Dog'\n      discriminator:";

#[test]
fn a_new_one_of_member_breaks_clients_reading_it_and_servers_reading_it() {
    // Pet is a request body (create_pet) and a response (create_pet, list_pets).
    let added = "        - $ref: '#/components/schemas/Cat'\n        - {type: object, required: [kind], properties: {kind: {type: string}, wings: {type: integer}}}\n        - $ref: '#/components/schemas/Dog'\n      discriminator:";
    assert_classified(
        &[(MEMBERS, added)],
        &[
            (Kind::MemberAdded(Combinator::OneOf), Rq, C, B, B),
            (Kind::MemberAdded(Combinator::OneOf), Rs, B, C, B),
        ],
        Bump::Major,
    );
}

#[test]
fn a_removed_one_of_member_is_reported_whatever_its_position() {
    let removed = "        - $ref: '#/components/schemas/Dog'\n      discriminator:";
    assert_classified(
        &[(MEMBERS, removed)],
        &[
            (Kind::MemberRemoved(Combinator::OneOf), Rq, B, C, B),
            (Kind::MemberRemoved(Combinator::OneOf), Rs, C, B, B),
        ],
        Bump::Major,
    );
}

#[test]
fn reordered_members_are_no_change() {
    let reordered = "        - $ref: '#/components/schemas/Dog'\n        - $ref: '#/components/schemas/Cat'\n      discriminator:";
    assert_classified(&[(MEMBERS, reordered)], &[], Bump::None);
}

#[test]
fn a_second_all_of_member_is_a_member_not_a_type_change() {
    // best_friend is in Owner, a response only: one more constraint the server must meet.
    let second = "          allOf:\n            - $ref: '#/components/schemas/Cat'\n            - {type: object, properties: {nick: {type: string}}}\n";
    assert_classified(
        &[(
            "          allOf:\n            - $ref: '#/components/schemas/Cat'\n",
            second,
        )],
        &[(Kind::MemberAdded(Combinator::AllOf), Rs, C, B, B)],
        Bump::Major,
    );
}

#[test]
fn a_member_edited_in_place_is_compared_as_a_schema() {
    let inline = |max: u32| {
        format!("        - $ref: '#/components/schemas/Cat'\n        - {{type: string, maxLength: {max}}}\n      discriminator:")
    };
    let (found, bump) = classify_texts(
        &edited(&[(MEMBERS, &inline(10))]),
        &edited(&[(MEMBERS, &inline(5))]),
    );
    assert_eq!(
        found,
        [
            (Kind::BoundTightened, Rq, B, C, B),
            (Kind::BoundTightened, Rs, C, B, B)
        ]
    );
    assert_eq!(bump, Bump::Major);
}

#[test]
fn a_discriminator_change_breaks_both_sides() {
    assert_classified(
        &[(
            "        propertyName: kind",
            "        propertyName: kind\n        mapping: {cat: '#/components/schemas/Cat'}",
        )],
        &[
            (Kind::DiscriminatorChanged, Rq, B, B, B),
            (Kind::DiscriminatorChanged, Rs, B, B, B),
        ],
        Bump::Major,
    );
}

#[test]
fn a_reference_wrapped_in_a_longer_all_of_gains_a_member_not_a_type() {
    let plain = "            schema: {$ref: '#/components/schemas/OwnerUpdate'}";
    let wrapped = "            schema: {allOf: [{$ref: '#/components/schemas/OwnerUpdate'}, {required: [age]}]}";
    // A request: one more constraint clients must meet. The Rust type is no longer OwnerUpdate.
    assert_classified(
        &[(plain, wrapped)],
        &[
            (Kind::MemberAdded(Combinator::AllOf), Rq, B, C, B),
            (Kind::ReferenceChanged, Rq, C, C, B),
        ],
        Bump::Major,
    );
    let (found, _) = classify_texts(&edited(&[(plain, wrapped)]), BASE);
    assert_eq!(
        found,
        [
            (Kind::ReferenceChanged, Rq, C, C, B),
            (Kind::MemberRemoved(Combinator::AllOf), Rq, C, B, B)
        ]
    );
}
