//! `servers`: global, path and operation; variables and their enums.

use spec_diff::{Bump, Kind};

use crate::support::*;

#[test]
fn a_removed_server_breaks_clients_calling_it() {
    assert_classified(
        &[(
            "  - url: https://api.example.com/{version}",
            "  - url: https://api.example.org/{version}",
        )],
        &[
            (Kind::ServerAdded, Rq, C, C, B),
            (Kind::ServerRemoved, Rq, B, C, B),
        ],
        Bump::Major,
    );
}

#[test]
fn a_server_variable_enum_narrowed_breaks_clients() {
    assert_classified(
        &[("{default: v1, enum: [v1, v2]}", "{default: v1, enum: [v1]}")],
        &[(Kind::ServerVariableChanged, Rq, B, C, C)],
        Bump::Major,
    );
}

#[test]
fn an_operation_server_is_compared() {
    assert_classified(
        &[(
            "      operationId: list_pets\n",
            "      operationId: list_pets\n      servers: [{url: 'https://pets.example.com'}]\n",
        )],
        &[(Kind::ServerAdded, Rq, C, C, B)],
        Bump::Major,
    );
}

#[test]
fn a_path_server_is_compared() {
    let with_server = edited(&[(
        "  /pets:\n",
        "  /pets:\n    servers: [{url: 'https://pets.example.com'}]\n",
    )]);
    // Both operations of the path lose it.
    let (found, bump) = classify_texts(&with_server, BASE);
    assert_eq!(found, [(Kind::ServerRemoved, Rq, B, C, B)]);
    assert_eq!(bump, Bump::Major);
}
