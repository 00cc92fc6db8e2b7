//! A run's report as text, JSON or JUnit XML: the findings, the coverage table (operation ×
//! documented status), stale unreached entries, what was left out, and why the run fails. One
//! model, [`Document`] (its `Serialize` is the JSON report), read by the three renderings.

use serde::Serialize;

use super::coverage::Row;
use super::unreached::Stale;
use super::{Finding, Report};
use crate::findings::ClassCounts;
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

/// A run's report as every format shows it, its failures worked out once; serialized, the
/// JSON report (members in this order, `None` as `null`).
#[derive(Debug, Serialize)]
pub struct Document<'r> {
    api: &'r str,
    requests: usize,
    flow_steps: usize,
    links: Links<'r>,
    elapsed_ms: u64,
    counts: ClassCounts,
    findings: &'r [Finding],
    coverage: CoverageJson<'r>,
    stale: Vec<StaleJson<'r>>,
    left_out: Vec<LeftOut<'r>>,
    stopped: Option<&'r str>,
    passes: bool,
    failures: Vec<String>,
    /// What the text reads beyond the JSON (the unrounded percent, the table by operation).
    #[serde(skip)]
    report: &'r Report,
    /// A status neither reached nor listed is a failing JUnit case.
    #[serde(skip)]
    require_listed: bool,
    #[serde(skip)]
    strict: bool,
}

#[derive(Debug, Serialize)]
struct Links<'r> {
    declared: usize,
    followed: &'r std::collections::BTreeSet<String>,
}

#[derive(Debug, Serialize)]
struct CoverageJson<'r> {
    documented: usize,
    reached: usize,
    /// Rounded to one decimal, as the text shows it.
    percent: f64,
    rows: Vec<RowJson<'r>>,
}

/// A coverage row with its mark.
#[derive(Debug, Serialize)]
struct RowJson<'r> {
    operation: &'r str,
    status: &'r str,
    mark: &'static str,
    reached_by: Option<&'r str>,
    skipped: Option<&'r str>,
    unreached_reason: Option<&'r str>,
}

impl<'r> From<&'r Row> for RowJson<'r> {
    fn from(row: &'r Row) -> Self {
        RowJson {
            operation: &row.operation,
            status: &row.status,
            mark: row.mark(),
            reached_by: row.reached_by.as_deref(),
            skipped: row.skipped.as_deref(),
            unreached_reason: row.expected_unreached.as_deref(),
        }
    }
}

/// A stale unreached entry: the entry without its reason, and why it is stale.
#[derive(Debug, Serialize)]
struct StaleJson<'r> {
    api: &'r str,
    operation: &'r str,
    status: &'r str,
    why: &'r str,
}

impl<'r> From<&'r Stale> for StaleJson<'r> {
    fn from(stale: &'r Stale) -> Self {
        StaleJson {
            api: &stale.entry.api,
            operation: &stale.entry.operation,
            status: &stale.entry.status,
            why: &stale.why,
        }
    }
}

#[derive(Debug, Serialize)]
struct LeftOut<'r> {
    operation: &'r str,
    why: &'r str,
}

impl<'r> Document<'r> {
    pub fn new(report: &'r Report, gates: &Gates, strict: bool) -> Self {
        let coverage = &report.coverage;
        let failures = failures(report, gates, strict);
        Document {
            api: &report.api,
            requests: report.requests,
            flow_steps: report.flow_steps,
            links: Links {
                declared: report.links_declared,
                followed: &report.links_followed,
            },
            elapsed_ms: report.elapsed.as_millis() as u64,
            counts: report.counts(),
            findings: &report.findings,
            coverage: CoverageJson {
                documented: coverage.rows.len(),
                reached: coverage.reached(),
                percent: (coverage.percent() * 10.0).round() / 10.0,
                rows: coverage.rows.iter().map(RowJson::from).collect(),
            },
            stale: report.stale.iter().map(StaleJson::from).collect(),
            left_out: report
                .left_out
                .iter()
                .map(|(operation, why)| LeftOut { operation, why })
                .collect(),
            stopped: report.stopped.as_deref(),
            passes: failures.is_empty(),
            failures,
            report,
            require_listed: gates.require_listed,
            strict,
        }
    }

    /// The report in `format`.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Text => self.text(),
            Format::Json => self.json(),
            Format::Junit => self.junit(),
        }
    }

    /// No finding of a failing class, no stale entry, no gate missed.
    pub fn passes(&self) -> bool {
        self.passes
    }

    /// The JSON report, pretty-printed, with a final newline.
    pub fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    pub fn text(&self) -> String {
        let report = self.report;
        let mut out = format!(
            "verify {}: {} requests ({} flow steps, {} of {} links followed) in {:.1} s\n",
            self.api,
            self.requests,
            self.flow_steps,
            self.links.followed.len(),
            self.links.declared,
            report.elapsed.as_secs_f64()
        );
        for finding in self.findings {
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
        out.push_str(&format!(
            "coverage: {} of {} documented statuses reached ({:.1}%)\n",
            self.coverage.reached,
            self.coverage.documented,
            report.coverage.percent()
        ));
        let by_operation = report.coverage.by_operation();
        let width = by_operation.keys().map(|k| k.len()).max().unwrap_or(0);
        for (operation, rows) in &by_operation {
            let cells: Vec<String> = rows
                .iter()
                .map(|row| format!("{} {}", row.status, row.mark()))
                .collect();
            out.push_str(&format!("  {operation:width$}  {}\n", cells.join(", ")));
        }
        for left_out in &self.left_out {
            out.push_str(&format!(
                "  left out: {}: {}\n",
                left_out.operation, left_out.why
            ));
        }
        if let Some(stopped) = self.stopped {
            out.push_str(&format!("  {stopped}\n"));
        }
        if self.failures.is_empty() {
            out.push_str("result: pass\n");
        } else {
            for failure in &self.failures {
                out.push_str(&format!("FAIL: {failure}\n"));
            }
        }
        escape_controls(&out, true).into_owned()
    }

    /// One test case per documented status (failing when not reached and not listed, with an
    /// unreached list given), one per finding and one per stale entry.
    pub fn junit(&self) -> String {
        let mut cases = String::new();
        let mut failed = 0;
        let classname = format!("verify.{}", self.api);
        for row in &self.coverage.rows {
            let name = format!("{} {}", row.operation, row.status);
            let failure = (self.require_listed && row.mark == "NOT REACHED")
                .then_some(("not reached", "not reached and not on the unreached list"));
            failed += usize::from(failure.is_some());
            cases.push_str(&junit_case(&classname, &name, failure));
        }
        for finding in self.findings {
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
            let fails = finding.class.fails(self.strict);
            failed += usize::from(fails);
            cases.push_str(&junit_case(
                &classname,
                &name,
                fails.then_some((finding.class.name(), body.as_str())),
            ));
        }
        for stale in &self.stale {
            failed += 1;
            let name = format!("unreached list {} {}", stale.operation, stale.status);
            cases.push_str(&junit_case(&classname, &name, Some(("stale", stale.why))));
        }
        let total = self.coverage.rows.len() + self.findings.len() + self.stale.len();
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"{}\" tests=\"{total}\" failures=\"{failed}\">\n{cases}  </testsuite>\n</testsuites>\n",
            xml_escape(&classname)
        )
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::findings::Class;
    use crate::verify::unreached::Entry;
    use crate::verify::Coverage;

    fn row(status: &str, reached_by: Option<&str>) -> Row {
        Row {
            operation: "get_user".to_owned(),
            status: status.to_owned(),
            reached_by: reached_by.map(str::to_owned),
            skipped: None,
            expected_unreached: None,
        }
    }

    fn report() -> Report {
        Report {
            api: "instabot".to_owned(),
            requests: 3,
            findings: vec![Finding {
                class: Class::Undocumented,
                operation: "get_user".to_owned(),
                request: "example".to_owned(),
                method: "GET".to_owned(),
                path: "/users/1".to_owned(),
                status: Some(200),
                keyword: "undocumented".to_owned(),
                pointer: "/extra".to_owned(),
                spec_pointer: None,
                location: None,
                message: "member `extra`".to_owned(),
            }],
            coverage: Coverage {
                rows: vec![
                    row("200", Some("example")),
                    row("401", Some("no credentials")),
                    row("404", None),
                ],
            },
            left_out: vec![("delete_user".to_owned(), "destructive".to_owned())],
            stopped: None,
            flow_steps: 0,
            links_declared: 1,
            links_followed: Default::default(),
            elapsed: Duration::from_millis(1500),
            stale: vec![Stale {
                entry: Entry {
                    api: "instabot".to_owned(),
                    operation: "get_user".to_owned(),
                    status: "418".to_owned(),
                    reason: "kept out of the JSON".to_owned(),
                },
                why: "no such status".to_owned(),
            }],
        }
    }

    #[test]
    fn every_rendering_reads_the_failures_worked_out_once() {
        let report = report();
        let gates = Gates {
            require_listed: true,
            fail_under: Some(70.0),
        };
        let document = Document::new(&report, &gates, false);
        assert!(!document.passes());
        let json: serde_json::Value = serde_json::from_str(&document.json()).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "api",
                "requests",
                "flow_steps",
                "links",
                "elapsed_ms",
                "counts",
                "findings",
                "coverage",
                "stale",
                "left_out",
                "stopped",
                "passes",
                "failures"
            ]
        );
        assert_eq!(json["coverage"]["percent"], 66.7);
        assert_eq!(json["coverage"]["rows"][2]["mark"], "NOT REACHED");
        assert_eq!(json["findings"][0]["class"], "undocumented");
        assert_eq!(json["findings"][0]["spec_pointer"], serde_json::Value::Null);
        assert_eq!(
            json["stale"][0],
            serde_json::json!({"api": "instabot", "operation": "get_user", "status": "418", "why": "no such status"})
        );
        let failures = json["failures"].as_array().unwrap();
        assert_eq!(failures.len(), 3, "{failures:?}");
        let text = document.text();
        for failure in failures {
            assert!(
                text.contains(&format!("FAIL: {}\n", failure.as_str().unwrap())),
                "{text}"
            );
        }
        // Three rows, one finding (undocumented: passes unless strict), one stale entry; the
        // unreached row and the stale entry fail.
        assert!(
            document.junit().contains("tests=\"5\" failures=\"2\""),
            "{}",
            document.junit()
        );
    }
}
