//! Statuses: a removed success breaks clients, a removed error status only servers.

use spec_diff::{Bump, Kind};

use crate::support::*;

#[test]
fn a_removed_success_status_breaks_clients() {
    let ok = edited(&[(
        "        '404': {description: missing}",
        "        '204': {description: nothing}\n        '404': {description: missing}",
    )]);
    let (found, bump) = classify_texts(&ok, BASE);
    assert_eq!(found, [(Kind::SuccessStatusRemoved, Rs, B, B, B)]);
    assert_eq!(bump, Bump::Major);
}

#[test]
fn a_removed_error_status_burdens_only_servers() {
    assert_classified(
        &[("        '404': {description: missing}\n", "")],
        &[(Kind::StatusRemoved, Rs, C, B, B)],
        Bump::Major,
    );
}
