//! oasdiff's rule ids per kind: every id is a real one, the README's table is the table, and
//! the coverage of oasdiff's OpenAPI 3.0 rules is printed (`cargo test -p spec-diff --test
//! contract oasdiff -- --nocapture`).

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;
use spec_diff::{oasdiff_rules, Direction, Kind};

/// The kinds spec-diff had before issue 24 (at 3f8fad9), by name, for the "before" figure.
const KINDS_BEFORE: [&str; 30] = [
    "operation-added",
    "operation-removed",
    "path-changed",
    "method-changed",
    "parameter-added",
    "parameter-removed",
    "parameter-made-required",
    "parameter-made-optional",
    "request-body-added",
    "request-body-removed",
    "request-body-made-required",
    "request-body-made-optional",
    "status-added",
    "status-removed",
    "property-added",
    "property-removed",
    "property-made-required",
    "property-made-optional",
    "type-changed",
    "format-changed",
    "enum-value-added",
    "enum-value-removed",
    "bound-tightened",
    "bound-loosened",
    "nullable-added",
    "nullable-removed",
    "security-changed",
    "extension-added",
    "extension-removed",
    "extension-changed",
];

/// Keywords and objects OpenAPI 3.0 does not have (JSON Schema 2020-12 in OpenAPI 3.1, type
/// lists, webhooks, numeric `exclusiveMinimum`/`exclusiveMaximum`: 3.0's are booleans, set or
/// not): oasdiff's rules about them do not apply to our specs.
const ONLY_IN_3_1: [&str; 20] = [
    "const",
    "-if-",
    "-then-",
    "-else-",
    "prefix-items",
    "contains",
    "dependent-required",
    "dependent-schema",
    "pattern-property",
    "property-names",
    "unevaluated",
    "content-schema",
    "content-media-type",
    "content-encoding",
    "list-of-types",
    "webhook",
    "exclusive-max-increased",
    "exclusive-max-decreased",
    "exclusive-min-increased",
    "exclusive-min-decreased",
];

fn rules_file() -> Option<Vec<Value>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/oasdiff-rules.json");
    let text = std::fs::read_to_string(&path).ok()?;
    Some(serde_json::from_str(&text).unwrap())
}

fn ids_of(kinds: impl Iterator<Item = Kind>) -> BTreeSet<&'static str> {
    kinds
        .flat_map(|kind| [Direction::Request, Direction::Response].map(|d| (kind, d)))
        .flat_map(|(kind, direction)| oasdiff_rules(kind, direction).iter().copied())
        .collect()
}

#[test]
fn coverage_of_oasdiff_rules_for_openapi_3_0() {
    let Some(rules) = rules_file() else {
        eprintln!("../shared/oasdiff-rules.json is not there: coverage not computed");
        return;
    };
    let all: BTreeSet<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let ours = ids_of(Kind::all().into_iter());
    let unknown: Vec<_> = ours.iter().filter(|id| !all.contains(*id)).collect();
    assert!(unknown.is_empty(), "not oasdiff rule ids: {unknown:?}");
    let applicable: BTreeSet<&str> = all
        .iter()
        .copied()
        .filter(|id| !ONLY_IN_3_1.iter().any(|k| id.contains(k)))
        .collect();
    let before = ids_of(
        Kind::all()
            .into_iter()
            .filter(|k| KINDS_BEFORE.contains(&k.name())),
    );
    let covered = |ids: &BTreeSet<&str>| ids.intersection(&applicable).count();
    println!(
        "oasdiff rule ids: {} in all, {} apply to OpenAPI 3.0; with a spec-diff kind: {} before issue 24 (the kinds of 3f8fad9 mapped by today's table), {} now",
        all.len(),
        applicable.len(),
        covered(&before),
        covered(&ours),
    );
    let uncovered: Vec<_> = applicable.difference(&ours).collect();
    println!("not covered ({}): {uncovered:?}", uncovered.len());
    assert!(covered(&ours) > covered(&before));
}

/// The README's table from kind to oasdiff rule ids, as this test writes it.
fn table() -> String {
    let mut table = String::from("| kind | request | response |\n|---|---|---|\n");
    let mut seen = BTreeSet::new();
    for kind in Kind::all() {
        let name = match kind.combinator() {
            Some(c) => format!("{} ({})", kind.name(), c.keyword()),
            None => kind.name().to_owned(),
        };
        if kind.extension().is_some() || !seen.insert(name.clone()) {
            continue;
        }
        let ids = |d| {
            let ids = oasdiff_rules(kind, d);
            if ids.is_empty() {
                "—".to_owned()
            } else {
                ids.iter()
                    .map(|id| format!("`{id}`"))
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        };
        table.push_str(&format!(
            "| `{name}` | {} | {} |\n",
            ids(Direction::Request),
            ids(Direction::Response)
        ));
    }
    table
}

#[test]
fn the_readme_holds_the_kind_to_oasdiff_table() {
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    // The table sits in a list item: compare its lines without their indentation.
    let readme: String = readme
        .lines()
        .map(|l| format!("{}\n", l.trim_start()))
        .collect();
    let table = table();
    assert!(
        readme.contains(&table),
        "README.md's kind -> oasdiff table is stale; it should read:\n{table}"
    );
}

#[test]
fn a_change_carries_the_ids_of_its_keyword_and_place() {
    use crate::support::{changes_between, edited, BASE};
    let with_max = edited(&[(
        "schema: {type: array, items: {type: integer}}",
        "schema: {type: array, maxItems: 5, items: {type: integer}}",
    )]);
    let changes = changes_between(BASE, &with_max);
    assert_eq!(changes.len(), 1, "{changes:?}");
    // Not the 40-odd ids of bound-tightened in requests: the parameter's maxItems one.
    assert_eq!(
        spec_diff::change_rules(&changes[0]),
        ["request-parameter-max-items-decreased"]
    );
}
