//! Security: schemes by meaning (not description), requirements by alternative.

use spec_diff::{Bump, Kind};

use crate::support::*;

#[test]
fn a_scheme_description_edit_is_no_change() {
    assert_classified(
        &[(
            "description: The key.}",
            "description: The API key from the dashboard.}",
        )],
        &[],
        Bump::None,
    );
}

#[test]
fn a_new_alternative_burdens_servers_a_removed_one_breaks_clients() {
    assert_classified(
        &[(
            "security: [{key: []}]",
            "security: [{key: []}, {token: []}]",
        )],
        &[(Kind::SecurityRequirementAdded, Rq, C, B, B)],
        Bump::Major,
    );
    let (found, _) = classify_texts(
        &edited(&[(
            "security: [{key: []}]",
            "security: [{key: []}, {token: []}]",
        )]),
        BASE,
    );
    assert_eq!(found, [(Kind::SecurityRequirementRemoved, Rq, B, C, B)]);
}

#[test]
fn a_scheme_meaning_change_breaks_both() {
    assert_classified(
        &[("name: X-Key,", "name: X-Api-Key,")],
        &[(Kind::SecurityChanged, Rq, B, B, B)],
        Bump::Major,
    );
}
