//! Output formats shared by every command: text for people, JSON for tools (each document a
//! `Serialize` type over the findings, which serialize themselves), JUnit XML for CI.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use crate::capture::Exchange;
use crate::findings::{ClassCounts, Outcome, Summary, Verdict, Violation};
use crate::index::BodyKind;

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Readable by a person (the default).
    #[default]
    Text,
    /// JSON: one document (validate, report) or one object per line (traffic).
    Json,
    /// JUnit XML: each body, sample or exchange is a test case.
    Junit,
}

/// `2 violations, 1 undocumented, 0 losses`.
pub fn counts_text(counts: &ClassCounts) -> String {
    format!(
        "{} violation{}, {} undocumented, {} loss{}",
        counts.violation,
        plural(counts.violation as usize),
        counts.undocumented,
        counts.loss,
        if counts.loss == 1 { "" } else { "es" }
    )
}

/// The verdict word of an outcome: `conforms`, `undocumented` (passes unless strict),
/// `violates` or `loses` (a loss without a violation).
pub fn verdict_word(counts: &ClassCounts) -> &'static str {
    if counts.violation > 0 {
        "violates"
    } else if counts.loss > 0 {
        "loses"
    } else if counts.undocumented > 0 {
        "undocumented"
    } else {
        "conforms"
    }
}

/// Text from a capture or a body made safe for a terminal: control characters (C0, DEL, C1,
/// which start ANSI escape sequences) and the bidirectional overrides that reorder what is
/// shown are written as `\u{1b}`; `\n` is kept only when `keep_newlines` (text we laid out).
pub fn escape_controls(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && !(keep_newlines && c == '\n'))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Escapes text for XML attributes and content.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry, and DEL/C1 controls, which it should not.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// One JUnit test case; `failure` holds the failure's message and body text.
pub fn junit_case(classname: &str, name: &str, failure: Option<(&str, &str)>) -> String {
    let head = format!(
        "    <testcase classname=\"{}\" name=\"{}\"",
        xml_escape(classname),
        xml_escape(name)
    );
    match failure {
        None => format!("{head}/>\n"),
        Some((message, text)) => format!(
            "{head}>\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
            xml_escape(message),
            xml_escape(text)
        ),
    }
}

/// The lines of an outcome's violations (and diff), for text and JUnit bodies.
pub fn outcome_lines(outcome: &Outcome) -> String {
    let mut text = String::new();
    for violation in &outcome.violations {
        text.push_str(&violation.to_string());
        text.push('\n');
    }
    if let Some(diff) = &outcome.diff {
        text.push_str(diff);
    }
    text
}

/// The printed result of `conformance validate`; `strict` makes undocumented members fail.
pub fn validate_report(
    format: Format,
    api: &str,
    operation: &str,
    kind: BodyKind,
    source: &str,
    outcome: &Outcome,
    strict: bool,
) -> String {
    let subject = format!("{api} {operation} {kind}");
    let counts = outcome.counts();
    let verdict = verdict_word(&counts);
    let passes = outcome.passes(strict);
    match format {
        Format::Text => {
            let source = escape_controls(source, false);
            let mut text = escape_controls(&outcome_lines(outcome), true).into_owned();
            if outcome.is_clean() {
                text.push_str(&format!("conforms: {source} ({subject})\n"));
            } else {
                text.push_str(&format!(
                    "{verdict}: {source} ({subject}): {}{}\n",
                    counts_text(&counts),
                    if passes { "" } else { ": FAILED" }
                ));
            }
            text
        }
        Format::Json => {
            let document = ValidateJson {
                api,
                operation,
                body: kind.to_string(),
                source,
                verdict,
                passes,
                strict,
                counts,
                violations: &outcome.violations,
                round_trip_diff: outcome.diff.as_deref(),
            };
            let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
            text.push('\n');
            text
        }
        Format::Junit => {
            let failures = usize::from(!passes);
            let lines = outcome_lines(outcome);
            let message = counts_text(&counts);
            let failure = (!passes).then_some((message.as_str(), lines.as_str()));
            let mut case = junit_case(
                &format!("{api}.{operation}"),
                &format!("{kind} {source}"),
                failure,
            );
            if passes && !outcome.is_clean() {
                // Reported, not failed: CI readers show system-out.
                case = junit_case_with_output(
                    &format!("{api}.{operation}"),
                    &format!("{kind} {source}"),
                    &lines,
                );
            }
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"conformance validate\" tests=\"1\" failures=\"{failures}\">\n{case}  </testsuite>\n</testsuites>\n"
            )
        }
    }
}

/// A passing JUnit test case that still reports findings (undocumented members, not strict).
pub fn junit_case_with_output(classname: &str, name: &str, output: &str) -> String {
    format!(
        "    <testcase classname=\"{}\" name=\"{}\">\n      <system-out>{}</system-out>\n    </testcase>\n",
        xml_escape(classname),
        xml_escape(name),
        xml_escape(output)
    )
}

pub fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// Streams the results of `conformance traffic`.
pub struct TrafficWriter<W: Write> {
    format: Format,
    out: W,
    api: String,
    strict: bool,
}

impl<W: Write> TrafficWriter<W> {
    /// `strict`: undocumented members fail (JUnit failures, the closing verdict).
    pub fn new(format: Format, out: W, api: &str, strict: bool) -> io::Result<Self> {
        let mut writer = TrafficWriter {
            format,
            out,
            api: api.to_owned(),
            strict,
        };
        if format == Format::Junit {
            // The counts are only known at the end: CI readers count the test cases.
            writeln!(
                writer.out,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"conformance traffic {}\">",
                xml_escape(api)
            )?;
        }
        Ok(writer)
    }

    /// Writes one exchange: text and JSON show exchanges with findings (of any class) and
    /// unmatched ones only; JUnit shows every exchange as a test case.
    pub fn exchange(&mut self, exchange: &Exchange, verdict: &Verdict<'_>) -> io::Result<()> {
        let request = format!("{} {}", exchange.method.to_ascii_uppercase(), exchange.path);
        let status = exchange
            .status
            .map_or_else(|| "no response".to_owned(), |s| s.to_string());
        match self.format {
            Format::Text => {
                let request = escape_controls(&request, false).into_owned();
                self.text_exchange(exchange, &request, verdict)
            }
            Format::Json => {
                let seen = ExchangeJson {
                    position: &exchange.position,
                    method: &exchange.method,
                    path: &exchange.path,
                    status: exchange.status,
                };
                let document = match verdict {
                    Verdict::Conforms { .. } => return Ok(()),
                    Verdict::Unmatched { reason } => VerdictJson::Unmatched {
                        exchange: seen,
                        verdict: "unmatched",
                        reason,
                    },
                    Verdict::Findings {
                        operation,
                        request,
                        response,
                        ..
                    } => VerdictJson::Findings {
                        exchange: seen,
                        operation: &operation.name,
                        verdict: verdict_word(&verdict.counts()),
                        passes: verdict.passes(self.strict),
                        counts: verdict.counts(),
                        request: &request.violations,
                        response: &response.violations,
                        request_round_trip_diff: request.diff.as_deref(),
                        response_round_trip_diff: response.diff.as_deref(),
                    },
                };
                serde_json::to_writer(&mut self.out, &document)?;
                self.out.write_all(b"\n")
            }
            Format::Junit => {
                let classname = match verdict {
                    Verdict::Conforms { operation } | Verdict::Findings { operation, .. } => {
                        format!("{}.{}", self.api, operation.name)
                    }
                    Verdict::Unmatched { .. } => format!("{}.unmatched", self.api),
                };
                let name = format!("{}: {request} -> {status}", exchange.position);
                let case = match verdict {
                    Verdict::Conforms { .. } => junit_case(&classname, &name, None),
                    Verdict::Unmatched { reason } => junit_case(
                        &classname,
                        &name,
                        Some(("matches no operation", reason.as_str())),
                    ),
                    Verdict::Findings {
                        request, response, ..
                    } => {
                        let mut text = String::new();
                        for (which, outcome) in [("request", request), ("response", response)] {
                            for line in outcome_lines(outcome).lines() {
                                text.push_str(&format!("{which} {line}\n"));
                            }
                        }
                        if verdict.passes(self.strict) {
                            junit_case_with_output(&classname, &name, &text)
                        } else {
                            junit_case(
                                &classname,
                                &name,
                                Some((&counts_text(&verdict.counts()), &text)),
                            )
                        }
                    }
                };
                self.out.write_all(case.as_bytes())
            }
        }
    }

    /// The text lines of one exchange, every captured string escaped ([`escape_controls`]).
    fn text_exchange(
        &mut self,
        exchange: &Exchange,
        request: &str,
        verdict: &Verdict<'_>,
    ) -> io::Result<()> {
        let position = escape_controls(&exchange.position, false);
        let status = exchange
            .status
            .map_or_else(|| "no response".to_owned(), |s| s.to_string());
        match verdict {
            Verdict::Conforms { .. } => Ok(()),
            Verdict::Unmatched { reason } => writeln!(
                self.out,
                "{position}: {request} -> {status}: matches no operation: {}",
                escape_controls(reason, false)
            ),
            Verdict::Findings {
                operation,
                request: req,
                response,
                ..
            } => {
                let counts = verdict.counts();
                writeln!(
                    self.out,
                    "{position}: {request} -> {status}: `{}` {} ({})",
                    operation.name,
                    verdict_word(&counts),
                    counts_text(&counts)
                )?;
                for (which, outcome) in [("request", req), ("response", response)] {
                    for violation in &outcome.violations {
                        let line = violation.to_string();
                        writeln!(self.out, "  {which} {}", escape_controls(&line, false))?;
                    }
                    if let Some(diff) = &outcome.diff {
                        for line in diff.lines() {
                            writeln!(self.out, "    {}", escape_controls(line, false))?;
                        }
                    }
                }
                Ok(())
            }
        }
    }

    /// Writes the closing summary and returns the writer.
    pub fn finish(mut self, summary: &Summary) -> io::Result<W> {
        match self.format {
            Format::Text => {
                let findings = if summary.findings.is_empty() {
                    String::new()
                } else {
                    format!("; findings: {}", counts_text(&summary.findings))
                };
                writeln!(
                    self.out,
                    "traffic {}: {summary}{findings}: {}",
                    self.api,
                    if summary.ok(self.strict) {
                        "ok"
                    } else {
                        "FAILED"
                    }
                )?
            }
            Format::Json => {
                let document = SummaryLine {
                    summary: SummaryJson {
                        api: &self.api,
                        summary,
                        strict: self.strict,
                        ok: summary.ok(self.strict),
                    },
                };
                serde_json::to_writer(&mut self.out, &document)?;
                self.out.write_all(b"\n")?;
            }
            Format::Junit => writeln!(
                self.out,
                "    <system-out>{}</system-out>\n  </testsuite>\n</testsuites>",
                xml_escape(&summary.to_string())
            )?,
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// The closing line of `conformance traffic --format json`.
#[derive(Serialize)]
struct SummaryLine<'s> {
    summary: SummaryJson<'s>,
}

/// The summary's own members (its `Serialize`) between the API and the verdict.
#[derive(Serialize)]
struct SummaryJson<'s> {
    api: &'s str,
    #[serde(flatten)]
    summary: &'s Summary,
    strict: bool,
    ok: bool,
}

/// The document of `conformance validate --format json`.
#[derive(Serialize)]
struct ValidateJson<'v> {
    api: &'v str,
    operation: &'v str,
    body: String,
    source: &'v str,
    verdict: &'v str,
    passes: bool,
    strict: bool,
    counts: ClassCounts,
    violations: &'v [Violation],
    round_trip_diff: Option<&'v str>,
}

/// What every line of `conformance traffic --format json` says of the exchange itself.
#[derive(Serialize)]
struct ExchangeJson<'e> {
    position: &'e str,
    method: &'e str,
    path: &'e str,
    status: Option<u16>,
}

/// One line of `conformance traffic --format json`: an exchange that matches no operation, or
/// one with findings (conforming exchanges are not printed).
#[derive(Serialize)]
#[serde(untagged)]
enum VerdictJson<'e> {
    Unmatched {
        #[serde(flatten)]
        exchange: ExchangeJson<'e>,
        verdict: &'static str,
        reason: &'e str,
    },
    Findings {
        #[serde(flatten)]
        exchange: ExchangeJson<'e>,
        operation: &'e str,
        verdict: &'static str,
        passes: bool,
        counts: ClassCounts,
        request: &'e [Violation],
        response: &'e [Violation],
        request_round_trip_diff: Option<&'e str>,
        response_round_trip_diff: Option<&'e str>,
    },
}
