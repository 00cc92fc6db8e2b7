//! The drift report as text (for a maintainer) or one JSON document (for tools).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;

use super::{Finding, Kind, Report};
use crate::findings::display_pointer;
use crate::output::escape_controls;

/// The report as one JSON document (pretty-printed, with a final newline).
pub fn json(report: &Report) -> String {
    let document = ReportJson {
        spec: &report.spec,
        exchanges: report.summary.exchanges,
        unmatched: report.summary.unmatched,
        drifted: report.drifted(),
        dropped: report.dropped,
        findings: report
            .findings
            .iter()
            .map(|finding| FindingJson::new(&report.spec, finding))
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

/// The JSON report: the capture's counts, then the findings.
#[derive(Serialize)]
struct ReportJson<'r> {
    spec: &'r str,
    exchanges: u64,
    unmatched: u64,
    drifted: bool,
    dropped: u64,
    findings: Vec<FindingJson<'r>>,
}

/// One finding as the JSON report shows it: with the spec file beside its line, the samples'
/// text, each counted value as `{value, count}` and why no edit is suggested (`None`: `null`).
#[derive(Serialize)]
struct FindingJson<'r> {
    kind: &'static str,
    operation: Option<&'r str>,
    side: &'r str,
    subject: &'r str,
    file: &'r str,
    line: Option<usize>,
    spec_pointer: &'r str,
    count: u64,
    types: &'r BTreeSet<&'static str>,
    samples: Vec<&'r str>,
    values: Vec<CountedValue<'r>>,
    other_values: u64,
    body_pointer: Option<&'r str>,
    message: &'r str,
    suggestion: Option<&'r str>,
    summarised: bool,
    no_suggestion_because: Option<String>,
}

#[derive(Serialize)]
struct CountedValue<'r> {
    value: &'r str,
    count: u64,
}

impl<'r> FindingJson<'r> {
    fn new(spec: &'r str, finding: &'r Finding) -> Self {
        FindingJson {
            kind: finding.kind.name(),
            operation: finding.operation.as_deref(),
            side: &finding.side,
            subject: &finding.subject,
            file: spec,
            line: finding.line,
            spec_pointer: &finding.spec_pointer,
            count: finding.count,
            types: &finding.types,
            samples: finding.samples.iter().map(|s| s.text.as_str()).collect(),
            values: finding
                .values
                .iter()
                .map(|(value, count)| CountedValue {
                    value,
                    count: *count,
                })
                .collect(),
            other_values: finding.other_values,
            body_pointer: finding.body_pointer.as_deref(),
            message: &finding.message,
            suggestion: finding.suggestion.as_deref(),
            summarised: finding.summarised,
            no_suggestion_because: no_suggestion_because(finding),
        }
    }
}

/// Why a finding has no suggested edit, when that is because its subject is summarised.
fn no_suggestion_because(finding: &Finding) -> Option<String> {
    finding.summarised.then(|| {
        format!(
            "the subject is over {} characters and is kept as a summary (prefix, length, \
             fnv1a64 hash), so no spec edit can be written from it",
            super::summarise::MAX_TEXT_CHARS
        )
    })
}

/// The report as text: one block per finding, with its location and suggested edit.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "conformance drift: {}: {} exchanges, {} finding{}{}",
        report.spec,
        report.summary.exchanges,
        report.findings.len(),
        if report.findings.len() == 1 { "" } else { "s" },
        if report.drifted() {
            ""
        } else {
            " (the capture shows nothing the spec does not describe)"
        }
    );
    for finding in &report.findings {
        out.push('\n');
        let _ = writeln!(out, "{}", headline(finding));
        let _ = writeln!(out, "  {}", observed(finding));
        let _ = writeln!(
            out,
            "  at {}:{} #{}",
            report.spec,
            finding
                .line
                .map_or_else(|| "?".to_owned(), |line| line.to_string()),
            finding.spec_pointer
        );
        match &finding.suggestion {
            Some(suggestion) => {
                out.push_str("  suggested edit:\n");
                for line in suggestion.lines() {
                    let _ = writeln!(out, "    {line}");
                }
            }
            None => match no_suggestion_because(finding) {
                Some(reason) => {
                    let _ = writeln!(out, "  {} (no edit suggested: {reason})", finding.message);
                }
                None => {
                    let _ = writeln!(
                        out,
                        "  {} (no edit suggested: review the spec or the vendor)",
                        finding.message
                    );
                }
            },
        }
    }
    if report.dropped > 0 {
        let _ = writeln!(
            out,
            "\n{} observations of further findings were not aggregated (more than {} distinct findings)",
            report.dropped,
            super::aggregate::MAX_FINDINGS
        );
    }
    escape_controls(&out, true).into_owned()
}

fn headline(finding: &Finding) -> String {
    let operation = finding.operation.as_deref().unwrap_or("-");
    let side = if finding.side.is_empty() {
        String::new()
    } else {
        format!(" ({})", finding.side)
    };
    match finding.kind {
        Kind::UndocumentedMember => format!(
            "undocumented member `{}` in {operation}{side}",
            finding.subject
        ),
        Kind::EnumValue => format!("enum values outside the spec in {operation}{side}"),
        Kind::Null => format!("null where the spec is not nullable in {operation}{side}"),
        Kind::Format => format!(
            "values failing format `{}` in {operation}{side}",
            finding.subject
        ),
        Kind::Status => format!("status {} not documented for {operation}", finding.subject),
        Kind::ContentType => format!(
            "content type `{}` not documented for {operation}{side}",
            finding.subject
        ),
        Kind::Unmatched => format!("request matching no operation: {}", finding.subject),
        Kind::Schema => format!(
            "schema violation (`{}`) in {operation}{side}",
            finding.subject
        ),
    }
}

fn observed(finding: &Finding) -> String {
    let mut text = format!(
        "{} observation{}",
        finding.count,
        if finding.count == 1 { "" } else { "s" }
    );
    if let Some(pointer) = &finding.body_pointer {
        let _ = write!(text, ", first at {}", display_pointer(pointer));
    }
    if !finding.types.is_empty() {
        let types: Vec<&str> = finding.types.iter().copied().collect();
        let _ = write!(text, "; types {}", types.join(", "));
    }
    if !finding.samples.is_empty() {
        let samples: Vec<&str> = finding.samples.iter().map(|s| s.text.as_str()).collect();
        let _ = write!(text, "; values {}", samples.join(", "));
    }
    if !finding.values.is_empty() {
        let counted: Vec<String> = finding
            .values
            .iter()
            .map(|(value, count)| format!("{value} ×{count}"))
            .collect();
        let _ = write!(text, "; seen {}", counted.join(", "));
        if finding.other_values > 0 {
            let _ = write!(text, " and {} more", finding.other_values);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::drift::Sample;
    use crate::findings::Summary;

    fn finding(summarised: bool) -> Finding {
        Finding {
            kind: Kind::EnumValue,
            operation: Some("list_profiles".to_owned()),
            side: "response 200".to_owned(),
            subject: String::new(),
            spec_pointer: "/components/schemas/Tier/enum".to_owned(),
            line: Some(42),
            count: 3,
            types: BTreeSet::from(["string"]),
            samples: vec![Sample {
                text: "\"gold\"".to_owned(),
                complete: true,
            }],
            values: vec![("gold".to_owned(), 2), ("silver".to_owned(), 1)],
            other_values: 0,
            body_pointer: None,
            message: "not one of the values".to_owned(),
            suggestion: None,
            summarised,
        }
    }

    /// The members of a JSON object, in the order they were written.
    fn member_names(object: &serde_json::Value) -> Vec<&str> {
        object
            .as_object()
            .expect("a JSON object")
            .keys()
            .map(String::as_str)
            .collect()
    }

    #[test]
    fn a_finding_carries_its_file_and_counted_values_and_says_why_it_has_no_edit() {
        let report = Report {
            spec: "spec/insightiq.yaml".to_owned(),
            summary: Summary::default(),
            findings: vec![finding(false), finding(true)],
            dropped: 0,
        };
        let json: serde_json::Value = serde_json::from_str(&json(&report)).unwrap();
        assert_eq!(
            member_names(&json),
            [
                "spec",
                "exchanges",
                "unmatched",
                "drifted",
                "dropped",
                "findings"
            ]
        );
        let first = &json["findings"][0];
        assert_eq!(
            member_names(first),
            [
                "kind",
                "operation",
                "side",
                "subject",
                "file",
                "line",
                "spec_pointer",
                "count",
                "types",
                "samples",
                "values",
                "other_values",
                "body_pointer",
                "message",
                "suggestion",
                "summarised",
                "no_suggestion_because"
            ]
        );
        assert_eq!(first["kind"], "enum-value");
        assert_eq!(first["file"], "spec/insightiq.yaml");
        assert_eq!(first["samples"], serde_json::json!(["\"gold\""]));
        assert_eq!(
            first["values"],
            serde_json::json!([{"value": "gold", "count": 2}, {"value": "silver", "count": 1}])
        );
        assert_eq!(first["no_suggestion_because"], serde_json::Value::Null);
        let reason = json["findings"][1]["no_suggestion_because"]
            .as_str()
            .unwrap();
        assert!(reason.contains("kept as a summary"), "{reason}");
    }
}
