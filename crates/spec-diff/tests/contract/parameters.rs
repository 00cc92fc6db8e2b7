//! How parameters are written on the wire, and path parameters renamed.

use spec_diff::{Bump, Kind};

use crate::support::*;

const IDS: &str = "        - {name: ids, in: query, schema: {type: array, items: {type: integer}}}";

#[test]
fn a_parameter_style_or_explode_change_breaks_both_sides() {
    assert_classified(
        &[(IDS, "        - {name: ids, in: query, style: spaceDelimited, schema: {type: array, items: {type: integer}}}")],
        &[(Kind::ParameterSerializationChanged, Rq, B, B, B)],
        Bump::Major,
    );
    assert_classified(
        &[(IDS, "        - {name: ids, in: query, explode: false, schema: {type: array, items: {type: integer}}}")],
        &[(Kind::ParameterSerializationChanged, Rq, B, B, B)],
        Bump::Major,
    );
    // The default spelled out is the same wire.
    assert_classified(
        &[(IDS, "        - {name: ids, in: query, style: form, explode: true, schema: {type: array, items: {type: integer}}}")],
        &[],
        Bump::None,
    );
}

#[test]
fn content_instead_of_schema_is_a_serialization_change_and_its_schema_is_compared() {
    let content = "        - {name: ids, in: query, content: {application/json: {schema: {type: array, items: {type: integer}, maxItems: 3}}}}";
    assert_classified(
        &[(IDS, content)],
        &[
            (Kind::ParameterSerializationChanged, Rq, B, B, B),
            (Kind::BoundTightened, Rq, B, C, B),
        ],
        Bump::Major,
    );
}

#[test]
fn a_path_parameter_renamed_in_path_and_definition_is_the_same_wire() {
    assert_classified(
        &[
            ("  /owners/{owner_id}:", "  /owners/{id}:"),
            ("{name: owner_id, in: path", "{name: id, in: path"),
        ],
        &[(Kind::PathParameterRenamed, Rq, C, C, C)],
        Bump::Minor,
    );
}
