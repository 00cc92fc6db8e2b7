//! The probe and the schemars comparison over the workspace's specs, judged with the committed
//! accepted differences (`accepted.yaml`): nothing unenforced that is not accepted, no stale
//! entry.

use std::path::{Path, PathBuf};

use constraint_probe::{structure, Accepted, Outcome, Report, Side, Types, Verdict};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn accepted() -> Accepted {
    Accepted::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("accepted.yaml"))
        .expect("accepted.yaml loads")
}

fn failures(report: &Report) -> String {
    let mut text = String::new();
    for row in report.failing() {
        text.push_str(&format!(
            "{} {} {} {} {:?}\n",
            row.api,
            row.pointer,
            row.constraint,
            row.side.name(),
            row.outcome
        ));
    }
    for (entry, why) in &report.stale {
        text.push_str(&format!("stale: {}: {why}\n", entry.key()));
    }
    text
}

#[test]
fn every_spec_constraint_is_enforced_or_accepted() {
    let probed = constraint_probe::probe_workspace(&root().join("spec")).expect("the specs probe");
    let schemars = schemars_rows();
    let mut rows = probed.clone();
    rows.extend(schemars);
    let report = Report::new(rows, &accepted());
    assert!(report.passes(), "{}", failures(&report));
    let counts = report.counts();
    for api in api_registry::APIS {
        let c = counts
            .get(*api)
            .unwrap_or_else(|| panic!("no rows for {api}"));
        assert!(c.checked > 100 && c.enforced > c.accepted, "{api}: {c:?}");
    }
    // The first finding issue 18 named: insightIQ's `limit` maximum, unenforced by the
    // positional client, is now refused by the request builder before sending, and by the
    // server.
    let limit = |side: Side| {
        report
            .rows
            .iter()
            .find(|(r, _)| {
                r.api == "insightiq"
                    && r.subject == "list_profiles(limit)"
                    && r.constraint == "maximum"
                    && r.side == side
            })
            .expect("insightIQ limit's maximum is probed")
    };
    let (client, verdict) = limit(Side::Client);
    assert_eq!(client.outcome, Outcome::Enforced);
    assert!(!matches!(verdict, Verdict::Accepted(_)));
    assert_eq!(limit(Side::Server).0.outcome, Outcome::Enforced);
}

/// The structural comparison of each component with its type's schemars schema.
fn schemars_rows() -> Vec<constraint_probe::Row> {
    let mut rows = Vec::new();
    for spec in spec_model::load_dir(root().join("spec")).expect("specs load") {
        let model = codegen::build_model(&spec).expect("the model builds");
        let api = spec.api.clone();
        let derived = |name: &str| {
            api_registry::json_schema(&api, name)
                .map(|s| serde_json::to_value(s).expect("a schema serializes"))
        };
        rows.extend(structure::compare(&spec, &model, &derived));
    }
    rows
}

#[test]
fn the_structural_comparison_covers_every_component_and_finds_agreement() {
    let rows = schemars_rows();
    assert!(
        rows.iter()
            .all(|r| !matches!(r.outcome, Outcome::NotProbed(_))),
        "{rows:?}"
    );
    let members = rows
        .iter()
        .filter(|r| r.constraint == "schemars:members")
        .count();
    assert!(members >= 30, "{members} components compared");
    let agree = rows
        .iter()
        .filter(|r| r.outcome == Outcome::Enforced)
        .count();
    assert!(agree * 2 > rows.len(), "{agree} of {} agree", rows.len());
}

struct SharedComponent;

impl Types for SharedComponent {
    fn deserialize(&self, type_name: &str, value: &Value) -> Option<Result<(), String>> {
        fx_shared_component_types::schema_types::deserialize(type_name, value)
    }

    fn body(
        &self,
        operation: &str,
        status: Option<u16>,
        body: &Value,
    ) -> Option<Result<(), String>> {
        fx_shared_component_types::round_trip::round_trip(operation, status, body)
            .map(|r| r.map(|_| ()))
    }
}

/// `xtask/tests/fourth_api.rs` adds this fixture as a fourth API and runs `cargo xtask
/// conformance`: the generator-wide entries must cover it with no new entry.
#[test]
fn a_new_api_like_the_fourth_api_fixture_needs_no_new_accepted_entry() {
    let path = root().join("crates/codegen/tests/fixtures/fx_shared_component.yaml");
    let spec = spec_model::load(path).expect("the fixture loads");
    let rows = constraint_probe::probe(&spec, &SharedComponent).expect("the fixture probes");
    let report = Report::new(rows, &accepted());
    assert!(report.failing().next().is_none(), "{}", failures(&report));
}
