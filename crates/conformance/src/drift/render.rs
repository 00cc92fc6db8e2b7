//! The drift report as text (for a maintainer) or one JSON document (for tools).

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::{Finding, Kind, Report};
use crate::findings::display_pointer;
use crate::output::escape_controls;

/// The report as one JSON document.
pub fn json(report: &Report) -> Value {
    json!({
        "spec": report.spec,
        "exchanges": report.summary.exchanges,
        "unmatched": report.summary.unmatched,
        "drifted": report.drifted(),
        "dropped": report.dropped,
        "findings": report.findings.iter().map(|f| finding_json(&report.spec, f)).collect::<Vec<_>>(),
    })
}

fn finding_json(spec: &str, finding: &Finding) -> Value {
    json!({
        "kind": finding.kind.name(),
        "operation": finding.operation,
        "side": finding.side,
        "subject": finding.subject,
        "file": spec,
        "line": finding.line,
        "spec_pointer": finding.spec_pointer,
        "count": finding.count,
        "types": finding.types.iter().collect::<Vec<_>>(),
        "samples": finding.samples.iter().map(|s| s.text.as_str()).collect::<Vec<_>>(),
        "values": finding.values.iter().map(|(value, count)| json!({"value": value, "count": count})).collect::<Vec<_>>(),
        "other_values": finding.other_values,
        "body_pointer": finding.body_pointer,
        "message": finding.message,
        "suggestion": finding.suggestion,
        "summarised": finding.summarised,
        "no_suggestion_because": no_suggestion_because(finding),
    })
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
