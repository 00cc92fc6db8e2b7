//! The report over all samples and spec examples (`cargo xtask conformance`,
//! `conformance report`).

use std::path::Path;

use serde::Serialize;

use crate::output::{junit_case, plural, xml_escape, Format};
use crate::roundtrip::TypedRoundTrip;
use crate::samples::{self, Expected, Group, Row};
use crate::validate::Validator;

/// Where the samples live, relative to the workspace root.
pub const SAMPLES_DIR: &str = "spec/samples";
/// The manifest, relative to the workspace root.
pub const MANIFEST: &str = "spec/samples/manifest.yaml";

/// Checks every sample of the manifest and every example of every spec under
/// `workspace_root/spec/`, optionally round-tripping each body through generated types.
/// `Err` when the manifest or a spec cannot be loaded.
pub fn check_all(
    workspace_root: &Path,
    types: Option<&dyn TypedRoundTrip>,
) -> Result<Vec<Row>, String> {
    let specs = spec_model::load_dir(workspace_root.join("spec")).map_err(|e| e.to_string())?;
    let validators: Vec<Validator<'_>> = specs
        .into_iter()
        .map(|mut spec| {
            // Locations read `spec/insightiq.yaml:123`, whatever the root was given as.
            if let Ok(relative) = spec.path.strip_prefix(workspace_root) {
                spec.path = relative.to_path_buf();
            }
            Validator::new(spec).with_types(types)
        })
        .collect();
    let manifest = samples::load_manifest(&workspace_root.join(MANIFEST))?;
    let mut rows =
        samples::check_samples(&workspace_root.join(SAMPLES_DIR), &manifest, &validators);
    for validator in &validators {
        rows.extend(samples::check_spec_examples(
            validator,
            &manifest.spec_examples,
        ));
    }
    Ok(rows)
}

/// Totals of one group of rows (serialized with its members in this order).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub checked: usize,
    pub conforming: usize,
    pub deviations: usize,
    pub mismatches: usize,
}

pub fn totals(rows: &[Row], group: Group) -> Totals {
    let mut totals = Totals::default();
    for row in rows.iter().filter(|r| r.group == group) {
        totals.checked += 1;
        if !row.ok {
            totals.mismatches += 1;
        } else if row.findings.is_empty() {
            totals.conforming += 1;
        } else {
            totals.deviations += 1;
        }
    }
    totals
}

/// The report over all samples and spec examples, and its exit code: 0 when every verdict is
/// the manifest's, 1 when one differs, 2 when the manifest or a spec cannot be loaded. Every
/// body is also round-tripped through the workspace's generated types. This is what
/// `cargo xtask conformance` prints.
pub fn run_all(workspace_root: &Path, format: Format) -> (String, i32) {
    run_all_with_types(workspace_root, format, Some(&crate::GeneratedTypes))
}

/// [`run_all`] with other generated types (or none: the schema checks only).
pub fn run_all_with_types(
    workspace_root: &Path,
    format: Format,
    types: Option<&dyn TypedRoundTrip>,
) -> (String, i32) {
    match check_all(workspace_root, types) {
        Ok(rows) => {
            let ok = rows.iter().all(|r| r.ok);
            (render(&rows, format), if ok { 0 } else { 1 })
        }
        Err(message) => (format!("conformance: {message}\n"), 2),
    }
}

fn group_name(group: Group) -> &'static str {
    match group {
        Group::Sample => "samples",
        Group::SpecExample => "spec examples",
    }
}

fn totals_text(group: Group, totals: Totals) -> String {
    format!(
        "{} {}: {} conform, {} documented deviation{}, {} mismatch{}",
        totals.checked,
        group_name(group),
        totals.conforming,
        totals.deviations,
        plural(totals.deviations),
        totals.mismatches,
        if totals.mismatches == 1 { "" } else { "es" }
    )
}

/// Renders checked rows in a format.
pub fn render(rows: &[Row], format: Format) -> String {
    let groups = [Group::Sample, Group::SpecExample];
    match format {
        Format::Text => {
            let mut out = String::new();
            for group in groups {
                let selected: Vec<&Row> = rows.iter().filter(|r| r.group == group).collect();
                out.push_str(&format!("{}\n", group_name(group).to_uppercase()));
                let widths = [
                    selected.iter().map(|r| r.api.len()).max().unwrap_or(0),
                    selected
                        .iter()
                        .map(|r| r.operation.len())
                        .max()
                        .unwrap_or(0),
                    selected.iter().map(|r| r.body.len()).max().unwrap_or(0),
                    selected.iter().map(|r| r.subject.len()).max().unwrap_or(0),
                ];
                for row in selected {
                    let status = if row.ok { "ok" } else { "MISMATCH" };
                    out.push_str(&format!(
                        "{:<8}  {:<w0$}  {:<w1$}  {:<w2$}  {:<w3$}  {}\n",
                        status,
                        row.api,
                        row.operation,
                        row.body,
                        row.subject,
                        row.verdict(),
                        w0 = widths[0],
                        w1 = widths[1],
                        w2 = widths[2],
                        w3 = widths[3],
                    ));
                    if !row.ok {
                        out.push_str(&format!("          expected: {}\n", row.expected));
                        for detail in &row.details {
                            out.push_str(&format!("          {detail}\n"));
                        }
                    }
                }
                out.push('\n');
            }
            let all_ok = rows.iter().all(|r| r.ok);
            out.push_str(&format!(
                "totals: {}; {}: {}\n",
                totals_text(Group::Sample, totals(rows, Group::Sample)),
                totals_text(Group::SpecExample, totals(rows, Group::SpecExample)),
                if all_ok { "ok" } else { "FAILED" }
            ));
            out
        }
        Format::Json => {
            let document = ReportJson {
                rows: rows.iter().map(RowJson::of).collect(),
                totals: TotalsJson {
                    samples: totals(rows, Group::Sample),
                    spec_examples: totals(rows, Group::SpecExample),
                },
                ok: rows.iter().all(|r| r.ok),
            };
            let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
            text.push('\n');
            text
        }
        Format::Junit => {
            let mut out =
                String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
            for group in groups {
                let t = totals(rows, group);
                out.push_str(&format!(
                    "  <testsuite name=\"conformance {}\" tests=\"{}\" failures=\"{}\">\n",
                    group_name(group),
                    t.checked,
                    t.mismatches
                ));
                for row in rows.iter().filter(|r| r.group == group) {
                    let name = format!("{} {} ({})", row.body, row.subject, row.verdict());
                    let classname = format!("{}.{}", row.api, row.operation);
                    let failure_text = format!(
                        "expected: {}\nfound: {}\n{}",
                        row.expected,
                        row.verdict(),
                        row.details.join("\n")
                    );
                    let failure = (!row.ok)
                        .then_some(("verdict differs from the manifest", failure_text.as_str()));
                    out.push_str(&junit_case(&classname, &name, failure));
                }
                out.push_str(&format!(
                    "    <system-out>{}</system-out>\n  </testsuite>\n",
                    xml_escape(&totals_text(group, t))
                ));
            }
            out.push_str("</testsuites>\n");
            out
        }
    }
}

/// The document of `conformance report --format json`.
#[derive(Serialize)]
struct ReportJson<'r> {
    rows: Vec<RowJson<'r>>,
    totals: TotalsJson,
    ok: bool,
}

#[derive(Serialize)]
struct TotalsJson {
    samples: Totals,
    spec_examples: Totals,
}

/// One checked sample or example as JSON: `expected` is `"conforms"` or the expected findings.
#[derive(Serialize)]
struct RowJson<'r> {
    group: &'static str,
    api: &'r str,
    operation: &'r str,
    body: &'r str,
    subject: &'r str,
    source: Option<&'r str>,
    verdict: String,
    findings: &'r [String],
    details: &'r [String],
    expected: ExpectedJson<'r>,
    deviation: Option<&'r str>,
    reason: Option<&'r str>,
    ok: bool,
}

#[derive(Serialize)]
#[serde(untagged)]
enum ExpectedJson<'r> {
    Conforms(&'static str),
    Findings(&'r [String]),
}

impl<'r> RowJson<'r> {
    fn of(row: &'r Row) -> RowJson<'r> {
        let (expected, deviation, reason) = match &row.expected {
            Expected::Conforms => (ExpectedJson::Conforms("conforms"), None, None),
            Expected::Deviation {
                name,
                reason,
                findings,
            } => (
                ExpectedJson::Findings(findings),
                Some(name.as_str()),
                Some(reason.as_str()),
            ),
        };
        RowJson {
            group: group_name(row.group),
            api: &row.api,
            operation: &row.operation,
            body: &row.body,
            subject: &row.subject,
            source: row.source.as_deref(),
            verdict: row.verdict(),
            findings: &row.findings,
            details: &row.details,
            expected,
            deviation,
            reason,
            ok: row.ok,
        }
    }
}
