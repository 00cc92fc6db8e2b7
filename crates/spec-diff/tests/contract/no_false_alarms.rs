//! Edits that change no contract are not reported.

use spec_diff::{Bump, Kind};

use crate::support::*;

#[test]
fn descriptions_examples_and_summaries_are_no_change() {
    assert_classified(
        &[
            (
                "description: The name.",
                "description: What the owner is called.",
            ),
            ("example: 7", "example: 8"),
            ("summary: Update an owner.", "summary: Replace an owner."),
            (
                "description: The request's id.",
                "description: Our id for the request.",
            ),
        ],
        &[],
        Bump::None,
    );
}

#[test]
fn the_nullable_spellings_are_equivalent() {
    // The specs' second pass: `nullable` + `allOf: [$ref]` became `oneOf: [$ref, {enum: [null]}]`.
    let one_of = "          oneOf:\n            - $ref: '#/components/schemas/Cat'\n            - enum: [null]\n";
    assert_classified(
        &[(
            "          nullable: true\n          allOf:\n            - $ref: '#/components/schemas/Cat'\n",
            one_of,
        )],
        &[],
        Bump::None,
    );
    // Dropping the null member is still seen.
    let (found, _) = classify_texts(
        &edited(&[(
            "          nullable: true\n          allOf:\n            - $ref: '#/components/schemas/Cat'\n",
            one_of,
        )]),
        &edited(&[(
            "          nullable: true\n          allOf:\n            - $ref: '#/components/schemas/Cat'\n",
            "          oneOf:\n            - $ref: '#/components/schemas/Cat'\n",
        )]),
    );
    assert_eq!(
        found,
        [(
            Kind::MemberRemoved(spec_diff::Combinator::OneOf),
            Rs,
            C,
            B,
            B
        )]
    );
}

#[test]
fn a_renamed_path_parameter_is_not_a_break() {
    let (found, bump) = classify(&[
        ("  /owners/{owner_id}:", "  /owners/{id}:"),
        ("{name: owner_id, in: path", "{name: id, in: path"),
    ]);
    assert!(
        found
            .iter()
            .all(|(.., client, server, rust)| (*client, *server, *rust) == (C, C, C)),
        "{found:?}"
    );
    assert_ne!(bump, Bump::Major);
    assert!(!found.iter().any(|f| f.0 == Kind::PathChanged));
}

#[test]
fn reordering_properties_and_members_is_no_change() {
    assert_classified(
        &[(
            "        kind: {type: string}\n        lives: {type: integer, multipleOf: 2}",
            "        lives: {type: integer, multipleOf: 2}\n        kind: {type: string}",
        )],
        &[],
        Bump::None,
    );
}
