//! A run's report as text, JSON or JUnit XML: the findings, the coverage table (operation ×
//! documented status), stale unreached entries, what was left out, and why the run fails.

use serde_json::{json, Value};

use super::Report;
use crate::output::{self, escape_controls, junit_case, xml_escape, Format};

/// Why a run fails beyond its findings (`--unreached`, `--fail-under`), for the verdict line.
#[derive(Debug, Clone, Default)]
pub struct Gates {
    /// Statuses neither reached nor listed fail (an unreached list was given).
    pub require_listed: bool,
    /// The coverage floor in percent.
    pub fail_under: Option<f64>,
}

/// Everything that fails the run, one line each (empty: it passes).
pub fn failures(report: &Report, gates: &Gates, strict: bool) -> Vec<String> {
    let mut out = Vec::new();
    let counts = report.counts();
    if counts.fails(strict) {
        out.push(format!("findings: {}", output::counts_text(&counts)));
    }
    for stale in &report.stale {
        out.push(format!(
            "stale unreached entry {} {} {}: {}",
            stale.entry.api, stale.entry.operation, stale.entry.status, stale.why
        ));
    }
    if gates.require_listed {
        for row in report.coverage.unexplained() {
            out.push(format!(
                "{} {} not reached and not on the unreached list",
                row.operation, row.status
            ));
        }
    }
    if let Some(floor) = gates.fail_under {
        let percent = report.coverage.percent();
        if percent < floor {
            out.push(format!(
                "coverage {percent:.1}% is under --fail-under {floor}%"
            ));
        }
    }
    out
}

pub fn render(report: &Report, format: Format, gates: &Gates, strict: bool) -> String {
    match format {
        Format::Text => text(report, gates, strict),
        Format::Json => format!("{:#}\n", json(report, gates, strict)),
        Format::Junit => junit(report, gates, strict),
    }
}

pub fn text(report: &Report, gates: &Gates, strict: bool) -> String {
    let mut out = format!(
        "verify {}: {} requests ({} flow steps, {} of {} links followed) in {:.1} s\n",
        report.api,
        report.requests,
        report.flow_steps,
        report.links_followed.len(),
        report.links_declared,
        report.elapsed.as_secs_f64()
    );
    for finding in &report.findings {
        let status = finding
            .status
            .map_or_else(|| "no answer".to_owned(), |s| s.to_string());
        let at = match &finding.location {
            Some(location) => format!(" [{location}]"),
            None => String::new(),
        };
        out.push_str(&format!(
            "  {} {} ({}) {} {} -> {}: {} at `{}`: {}{at}\n",
            finding.class,
            finding.operation,
            finding.request,
            finding.method,
            finding.path,
            status,
            finding.keyword,
            finding.pointer,
            finding.message
        ));
    }
    let coverage = &report.coverage;
    out.push_str(&format!(
        "coverage: {} of {} documented statuses reached ({:.1}%)\n",
        coverage.reached(),
        coverage.rows.len(),
        coverage.percent()
    ));
    let by_operation = coverage.by_operation();
    let width = by_operation.keys().map(|k| k.len()).max().unwrap_or(0);
    for (operation, rows) in &by_operation {
        let cells: Vec<String> = rows
            .iter()
            .map(|row| format!("{} {}", row.status, row.mark()))
            .collect();
        out.push_str(&format!("  {operation:width$}  {}\n", cells.join(", ")));
    }
    for (operation, reason) in &report.left_out {
        out.push_str(&format!("  left out: {operation}: {reason}\n"));
    }
    if let Some(stopped) = &report.stopped {
        out.push_str(&format!("  {stopped}\n"));
    }
    let failures = failures(report, gates, strict);
    if failures.is_empty() {
        out.push_str("result: pass\n");
    } else {
        for failure in &failures {
            out.push_str(&format!("FAIL: {failure}\n"));
        }
    }
    escape_controls(&out, true).into_owned()
}

pub fn json(report: &Report, gates: &Gates, strict: bool) -> Value {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            json!({
                "class": f.class.name(),
                "operation": f.operation,
                "request": f.request,
                "method": f.method,
                "path": f.path,
                "status": f.status,
                "keyword": f.keyword,
                "pointer": f.pointer,
                "spec_pointer": f.spec_pointer,
                "location": f.location,
                "message": f.message,
            })
        })
        .collect();
    let rows: Vec<Value> = report
        .coverage
        .rows
        .iter()
        .map(|row| {
            json!({
                "operation": row.operation,
                "status": row.status,
                "mark": row.mark(),
                "reached_by": row.reached_by,
                "skipped": row.skipped,
                "unreached_reason": row.expected_unreached,
            })
        })
        .collect();
    let stale: Vec<Value> = report
        .stale
        .iter()
        .map(|s| {
            json!({
                "api": s.entry.api,
                "operation": s.entry.operation,
                "status": s.entry.status,
                "why": s.why,
            })
        })
        .collect();
    let failures = failures(report, gates, strict);
    json!({
        "api": report.api,
        "requests": report.requests,
        "flow_steps": report.flow_steps,
        "links": {
            "declared": report.links_declared,
            "followed": report.links_followed,
        },
        "elapsed_ms": report.elapsed.as_millis() as u64,
        "counts": output::counts_json(&report.counts()),
        "findings": findings,
        "coverage": {
            "documented": report.coverage.rows.len(),
            "reached": report.coverage.reached(),
            "percent": (report.coverage.percent() * 10.0).round() / 10.0,
            "rows": rows,
        },
        "stale": stale,
        "left_out": report.left_out.iter().map(|(op, why)| json!({"operation": op, "why": why})).collect::<Vec<_>>(),
        "stopped": report.stopped,
        "passes": failures.is_empty(),
        "failures": failures,
    })
}

/// One test case per documented status (failing when not reached and not listed, with an
/// unreached list given) and one per finding.
pub fn junit(report: &Report, gates: &Gates, strict: bool) -> String {
    let mut cases = String::new();
    let mut failed = 0;
    let classname = format!("verify.{}", report.api);
    for row in &report.coverage.rows {
        let name = format!("{} {}", row.operation, row.status);
        let failure = (gates.require_listed && row.mark() == "NOT REACHED")
            .then_some(("not reached", "not reached and not on the unreached list"));
        failed += usize::from(failure.is_some());
        cases.push_str(&junit_case(&classname, &name, failure));
    }
    for finding in &report.findings {
        let name = format!(
            "{} {} ({})",
            finding.class, finding.operation, finding.request
        );
        let body = format!(
            "{} {} -> {:?}: {} at `{}`: {}",
            finding.method,
            finding.path,
            finding.status,
            finding.keyword,
            finding.pointer,
            finding.message
        );
        let fails = finding.class.fails(strict);
        failed += usize::from(fails);
        cases.push_str(&junit_case(
            &classname,
            &name,
            fails.then_some((finding.class.name(), body.as_str())),
        ));
    }
    for stale in &report.stale {
        failed += 1;
        let name = format!(
            "unreached list {} {}",
            stale.entry.operation, stale.entry.status
        );
        cases.push_str(&junit_case(&classname, &name, Some(("stale", &stale.why))));
    }
    let total = report.coverage.rows.len() + report.findings.len() + report.stale.len();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"{}\" tests=\"{total}\" failures=\"{failed}\">\n{cases}  </testsuite>\n</testsuites>\n",
        xml_escape(&classname)
    )
}
