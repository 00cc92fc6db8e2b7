//! Every sample of spec/samples/ and every example of the specs gets its manifest verdict.

mod common;

use conformance::samples::{self, Group, Manifest};
use conformance::Validator;

fn failures(rows: &[conformance::samples::Row]) -> String {
    let mut text = String::new();
    for row in rows.iter().filter(|r| !r.ok) {
        text.push_str(&format!(
            "{} {} {} {}: expected {}, found {}\n  {}\n",
            row.api,
            row.operation,
            row.body,
            row.subject,
            row.expected,
            row.verdict(),
            row.details.join("\n  ")
        ));
    }
    text
}

#[test]
fn every_sample_and_spec_example_gets_its_manifest_verdict() {
    let rows = conformance::check_all(
        &common::workspace_root(),
        Some(&conformance::GeneratedTypes),
    )
    .unwrap();
    let bad = failures(&rows);
    assert!(bad.is_empty(), "verdicts differ from the manifest:\n{bad}");
    let samples = rows.iter().filter(|r| r.group == Group::Sample).count();
    assert_eq!(samples, 22);
    for api in ["insightiq", "publica", "instabot"] {
        let examples = rows
            .iter()
            .filter(|r| r.group == Group::SpecExample && r.api == api)
            .count();
        assert!(examples >= 10, "{api}: only {examples} spec examples found");
    }
    assert!(rows
        .iter()
        .any(|r| r.subject.ends_with("/examples/ten_profiles/value")));
}

#[test]
fn report_prints_one_row_per_sample_then_totals() {
    let (text, code) = conformance::run_all(&common::workspace_root(), conformance::Format::Text);
    assert_eq!(code, 0, "{text}");
    assert!(text.starts_with("SAMPLES\n"), "{text}");
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("totals: 22 samples: 15 conform, 7 documented deviations, 0 mismatches; "),
        "{last}"
    );
    assert!(last.ends_with(": ok"), "{last}");
    let (junit, _) = conformance::run_all(&common::workspace_root(), conformance::Format::Junit);
    assert!(junit.contains("<testsuite name=\"conformance samples\" tests=\"22\" failures=\"0\">"));
    let (json, _) = conformance::run_all(&common::workspace_root(), conformance::Format::Json);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["totals"]["samples"]["deviations"], 7);
    assert_eq!(json["ok"], true);
}

/// The seeds directory beside the repository (CI clones with `../shared` next to it).
fn seeds() -> Option<std::path::PathBuf> {
    let dir = common::workspace_root().join("../shared/seeds");
    dir.is_dir().then_some(dir)
}

#[test]
fn samples_are_verbatim_copies_of_the_pages() {
    let Some(seeds) = seeds() else {
        eprintln!("../shared/seeds not found: skipping the verbatim check");
        return;
    };
    let root = common::workspace_root();
    let manifest = samples::load_manifest(&root.join("spec/samples/manifest.yaml")).unwrap();
    for entry in &manifest.samples {
        let (file, lines) = entry.source.split_once(':').expect("source is FILE:LINES");
        let (first, last) = lines.split_once('-').unwrap_or((lines, lines));
        let (first, last): (usize, usize) = (first.parse().unwrap(), last.parse().unwrap());
        let page = std::fs::read_to_string(seeds.join(file)).unwrap();
        let expected: Vec<&str> = page
            .split('\n')
            .skip(first - 1)
            .take(last - first + 1)
            .collect();
        let sample = std::fs::read_to_string(root.join("spec/samples").join(&entry.file)).unwrap();
        let actual: Vec<&str> = sample.strip_suffix('\n').unwrap().split('\n').collect();
        assert_eq!(actual, expected, "{} is not {}", entry.file, entry.source);
    }
}

/// Loads a spec from its text with one edit applied.
fn edited(api: &str, from: &str, to: &str) -> Validator<'static> {
    let path = common::spec_path(api);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from:?} not in {api}.yaml");
    let spec = spec_model::parse(&path, text.replacen(from, to, 1)).unwrap();
    Validator::new(spec)
}

fn manifest() -> Manifest {
    samples::load_manifest(&common::workspace_root().join("spec/samples/manifest.yaml")).unwrap()
}

#[test]
fn a_spec_edit_that_breaks_a_documented_sample_is_caught() {
    // Profile.country no longer nullable: the list sample sends null for four profiles.
    let insightiq = edited(
        "insightiq",
        "          nullable: true\n          description: Country of the user",
        "          description: Country of the user",
    );
    let others = [common::validator("publica"), common::validator("instabot")];
    let validators = [insightiq, others.into_iter().next().unwrap()];
    let rows = samples::check_samples(
        &common::workspace_root().join("spec/samples"),
        &manifest(),
        &validators,
    );
    let broken: Vec<_> = rows.iter().filter(|r| !r.ok).collect();
    let list = broken
        .iter()
        .find(|r| r.subject == "insightiq/list_profiles.response-200.json")
        .expect("the list sample no longer conforms");
    assert!(
        list.findings
            .contains(&"violation /data/6/country type".to_string()),
        "{:?}",
        list.findings
    );
}

#[test]
fn a_spec_edit_that_silently_fixes_a_deviation_is_caught() {
    // Without `format: email` on User.email, the mangled e-mail of Get User validates: the
    // manifest's documented deviation is then wrong and must be caught.
    let instabot = edited(
        "instabot",
        "          format: email\n          nullable: true",
        "          nullable: true",
    );
    let validators = [instabot];
    let rows = samples::check_samples(
        &common::workspace_root().join("spec/samples"),
        &manifest(),
        &validators,
    );
    let get_user = rows
        .iter()
        .find(|r| r.subject == "instabot/get_user.response-200.json")
        .unwrap();
    assert!(!get_user.ok);
    assert!(get_user.findings.is_empty());
    assert_eq!(get_user.verdict(), "conforms");
}

#[test]
fn a_broken_spec_example_is_caught() {
    let insightiq = edited(
        "insightiq",
        "                    status: NOT_CONNECTED",
        "                    status: GONE",
    );
    let rows = samples::check_spec_examples(&insightiq, &[]);
    let bad: Vec<_> = rows.iter().filter(|r| !r.ok).collect();
    assert_eq!(bad.len(), 1, "{}", failures(&rows));
    assert_eq!(bad[0].operation, "disconnect_account");
    assert_eq!(bad[0].findings, ["violation /status enum"]);
    // A closed enum stays closed; the note says the generated open enums would accept it.
    assert!(
        bad[0].details[0].contains("the generated open enums accept the value"),
        "{:?}",
        bad[0].details
    );
}
