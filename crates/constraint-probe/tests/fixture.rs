//! The probe on the generator's constraints fixture (`crates/codegen/tests/fixtures/fx_constraints.yaml`,
//! compiled as `fx-constraints-types`): one test per kind of unenforced constraint, asserting the
//! reported row, and kept constraints asserting none.

use std::path::Path;
use std::sync::OnceLock;

use constraint_probe::{Accepted, Outcome, Report, Row, Side, Types, Verdict};
use serde_json::Value;

struct Fixture;

impl Types for Fixture {
    fn deserialize(&self, type_name: &str, value: &Value) -> Option<Result<(), String>> {
        fx_constraints_types::schema_types::deserialize(type_name, value)
    }

    fn body(
        &self,
        operation: &str,
        status: Option<u16>,
        body: &Value,
    ) -> Option<Result<(), String>> {
        fx_constraints_types::round_trip::round_trip(operation, status, body).map(|r| r.map(|_| ()))
    }
}

fn spec() -> spec_model::Spec {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../codegen/tests/fixtures/fx_constraints.yaml");
    spec_model::load(path).expect("the fixture loads")
}

fn rows() -> &'static [Row] {
    static ROWS: OnceLock<Vec<Row>> = OnceLock::new();
    ROWS.get_or_init(|| constraint_probe::probe(&spec(), &Fixture).expect("the fixture probes"))
}

fn row(pointer: &str, constraint: &str, side: Side) -> &'static Row {
    rows()
        .iter()
        .find(|r| r.pointer == pointer && r.constraint == constraint && r.side == side)
        .unwrap_or_else(|| panic!("no row {pointer} {constraint} {side:?} in:\n{}", table()))
}

fn table() -> String {
    Report::new(rows().to_vec(), &Accepted::default()).table()
}

fn unenforced(row: &Row) -> &str {
    match &row.outcome {
        Outcome::Unenforced(what) => what,
        other => panic!(
            "{} {} is {other:?}, expected unenforced\n{}",
            row.pointer,
            row.constraint,
            table()
        ),
    }
}

#[test]
fn a_dropped_bound_is_reported_with_its_line() {
    let row = row(
        "#/components/schemas/Thing/properties/count",
        "maximum",
        Side::Types,
    );
    assert_eq!(unenforced(row), "accepts 101");
    assert_eq!(row.subject, "Thing");
    let line = row.line.expect("a line");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../codegen/tests/fixtures/fx_constraints.yaml"),
    )
    .unwrap();
    assert!(
        text.lines().nth(line - 1).unwrap().contains("count:"),
        "line {line}"
    );
}

#[test]
fn a_parameter_bound_is_refused_by_the_client_builder_and_by_the_server() {
    // The client side is the request builder's pre-send check (`client_runtime::bounds`, on
    // the model's `client_check`): 101 never leaves the client.
    let client = row(
        "#/paths/~1things/get/parameters/0/schema",
        "maximum",
        Side::Client,
    );
    assert_eq!(client.outcome, Outcome::Enforced, "{}", table());
    let server = row(
        "#/paths/~1things/get/parameters/0/schema",
        "maximum",
        Side::Server,
    );
    assert_eq!(server.outcome, Outcome::Enforced);
    let min = row(
        "#/paths/~1things/get/parameters/0/schema",
        "minimum",
        Side::Client,
    );
    assert_eq!(min.outcome, Outcome::Enforced);
}

#[test]
fn a_lost_format_is_reported() {
    let row = row(
        "#/components/schemas/Thing/properties/homepage",
        "format(uri)",
        Side::Types,
    );
    assert_eq!(unenforced(row), "accepts \"not a uri\"");
}

#[test]
fn a_nullable_mismatch_is_reported() {
    let row = row(
        "#/components/schemas/Thing/properties/nickname",
        "optional-not-nullable",
        Side::Types,
    );
    assert_eq!(unenforced(row), "accepts null");
}

#[test]
fn a_value_missing_from_an_open_enum_is_reported() {
    let row = row(
        "#/components/schemas/Thing/properties/status",
        "enum",
        Side::Types,
    );
    assert_eq!(unenforced(row), "accepts \"NOT_A_VALUE_THE_SPEC_LISTS\"");
    // Every listed value is read.
    for value in ["\"active\"", "\"retired\""] {
        let listed = self::row(
            "#/components/schemas/Thing/properties/status",
            &format!("enum-value({value})"),
            Side::Types,
        );
        assert_eq!(listed.outcome, Outcome::Enforced);
    }
}

#[test]
fn a_lost_pattern_is_reported() {
    // typify reads `format: date-time` as a DateTime and drops the pattern next to it.
    let row = row(
        "#/components/schemas/Thing/properties/stamp",
        "pattern",
        Side::Types,
    );
    assert_eq!(unenforced(row), "accepts \"2024-01-02T03:04:05+01:00\"");
}

#[test]
fn a_kept_parameter_pattern_is_enforced_on_both_sides() {
    for side in [Side::Client, Side::Server] {
        let row = row("#/paths/~1things/get/parameters/1/schema", "pattern", side);
        assert_eq!(row.outcome, Outcome::Enforced, "{side:?}");
    }
}

#[test]
fn kept_constraints_are_not_reported() {
    for (pointer, constraint) in [
        ("#/components/schemas/Thing/properties/id", "format(uuid)"),
        ("#/components/schemas/Thing/properties/level", "enum"),
        ("#/components/schemas/Thing/properties/code", "pattern"),
        ("#/components/schemas/Thing/properties/note", "maxLength"),
        ("#/components/schemas/Thing/properties/count", "type"),
        ("#/components/schemas/Thing", "required(id)"),
        ("#/components/schemas/Thing/properties/id", "not-nullable"),
    ] {
        assert_eq!(
            row(pointer, constraint, Side::Types).outcome,
            Outcome::Enforced,
            "{pointer} {constraint}"
        );
    }
    let report = Report::new(rows().to_vec(), &Accepted::default());
    assert!(report
        .failing()
        .all(|r| !(r.pointer.ends_with("/id") && r.constraint == "format(uuid)")));
}

#[test]
fn an_accepted_entry_accepts_its_row_and_a_stale_one_is_reported() {
    let accepted = Accepted::parse(
        "accepted.yaml",
        r##"
- api: fx_constraints
  pointer: "#/components/schemas/Thing/properties/homepage"
  constraint: format(uri)
  reason: no Rust type for a URI
- api: fx_constraints
  pointer: "#/components/schemas/Thing/properties/id"
  constraint: format(uuid)
  reason: stale on purpose
"##,
    )
    .expect("parses");
    let report = Report::new(rows().to_vec(), &accepted);
    let (_, verdict) = report
        .rows
        .iter()
        .find(|(r, _)| r.pointer.ends_with("/homepage") && r.constraint == "format(uri)")
        .expect("the homepage row");
    assert_eq!(
        *verdict,
        Verdict::Accepted("no Rust type for a URI".to_owned())
    );
    assert_eq!(report.stale.len(), 1, "{:?}", report.stale);
    assert!(
        report.stale[0].1.contains("now enforced"),
        "{:?}",
        report.stale
    );
    assert!(!report.passes());
}

#[test]
fn an_entry_without_a_reason_is_refused_with_its_place() {
    let error = Accepted::parse(
        "accepted.yaml",
        "- {api: a, pointer: '#/x', constraint: maximum, reason: ''}\n",
    )
    .expect_err("no reason");
    assert_eq!(
        error.to_string(),
        "accepted.yaml: entry 0 (a #/x maximum): has no reason"
    );
}
