//! `servers`: global (the generated `Environment`, URL functions and `BASE_PATH`), path and
//! operation (read by clients that follow the spec, not by the generator); variables and
//! their enums.

use spec_diff::{Bump, Kind};

use crate::support::*;

const GLOBAL: &str = "  - url: https://api.example.com/{version}";

#[test]
fn a_replaced_global_server_breaks_clients_calling_it_and_the_default() {
    assert_classified(
        &[(GLOBAL, "  - url: https://api.example.org/{version}")],
        &[
            (Kind::ServerAdded, Rq, C, C, B),
            (Kind::ServerRemoved, Rq, B, C, B),
            (Kind::DefaultServerChanged, Rq, B, B, C),
        ],
        Bump::Major,
    );
}

#[test]
fn a_second_global_server_is_a_new_environment_a_new_first_one_a_new_default() {
    let last = "      version: {default: v1, enum: [v1, v2]}\n";
    assert_classified(
        &[(
            last,
            "      version: {default: v1, enum: [v1, v2]}\n  - url: https://eu.example.com\n",
        )],
        &[(Kind::ServerAdded, Rq, C, C, B)],
        Bump::Major,
    );
    assert_classified(
        &[(
            GLOBAL,
            "  - url: https://eu.example.com\n  - url: https://api.example.com/{version}",
        )],
        &[
            (Kind::ServerAdded, Rq, C, C, B),
            (Kind::DefaultServerChanged, Rq, B, B, C),
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
fn an_operation_server_added_is_minor() {
    assert_classified(
        &[(
            "      operationId: list_pets\n",
            "      operationId: list_pets\n      servers: [{url: 'https://pets.example.com'}]\n",
        )],
        &[(Kind::OperationServerAdded, Rq, C, C, C)],
        Bump::Minor,
    );
}

#[test]
fn a_path_server_removed_breaks_clients_following_the_spec() {
    let with_server = edited(&[(
        "  /pets:\n",
        "  /pets:\n    servers: [{url: 'https://pets.example.com'}]\n",
    )]);
    // Both operations of the path lose it.
    let (found, bump) = classify_texts(&with_server, BASE);
    assert_eq!(found, [(Kind::OperationServerRemoved, Rq, B, C, C)]);
    assert_eq!(bump, Bump::Major);
}
