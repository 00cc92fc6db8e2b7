//! Deprecation: informational when set; removing what was deprecated still breaks, announced.

use spec_diff::{Bump, Kind};

use crate::support::*;

const LIST_PETS: &str = "      operationId: list_pets\n";

#[test]
fn deprecating_an_operation_or_parameter_is_informational() {
    assert_classified(
        &[(
            LIST_PETS,
            "      operationId: list_pets\n      deprecated: true\n",
        )],
        &[(Kind::DeprecationAdded, Rq, C, C, C)],
        Bump::Minor,
    );
    assert_classified(
        &[(
            "{name: verbose, in: query,",
            "{name: verbose, in: query, deprecated: true,",
        )],
        &[(Kind::DeprecationAdded, Rq, C, C, C)],
        Bump::Minor,
    );
}

#[test]
fn removing_a_deprecated_operation_still_breaks_and_says_it_was_announced() {
    let deprecated = edited(&[(
        LIST_PETS,
        "      operationId: list_pets\n      deprecated: true\n",
    )]);
    let list_pets_start = deprecated
        .find("    get:\n      operationId: list_pets")
        .unwrap();
    let removed = deprecated[..list_pets_start].to_owned();
    let (found, bump) = classify_texts(&deprecated, &removed);
    assert_eq!(found, [(Kind::DeprecatedOperationRemoved, Rq, B, B, B)]);
    assert_eq!(bump, Bump::Major);
    let json = spec_diff::to_json(&changes_between(&deprecated, &removed));
    assert_eq!(json["changes"][0]["kind"], "deprecated-operation-removed");
    assert_eq!(
        json["changes"][0]["oasdiff"][0],
        "api-removed-with-deprecation"
    );
}
