//! Output formats shared by every command: text for people, JSON for tools, JUnit XML for CI.

use std::borrow::Cow;
use std::io::{self, Write};

use serde_json::{json, Value};

use crate::traffic::{Exchange, Summary, Verdict};
use crate::validate::{BodyKind, Outcome, Violation};

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

/// A violation as JSON.
pub fn violation_json(violation: &Violation) -> Value {
    json!({
        "pointer": violation.pointer,
        "keyword": violation.keyword,
        "message": violation.message,
        "spec_pointer": violation.spec_pointer,
        "location": violation.location,
    })
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

/// The printed result of `conformance validate`.
pub fn validate_report(
    format: Format,
    api: &str,
    operation: &str,
    kind: BodyKind,
    source: &str,
    outcome: &Outcome,
) -> String {
    let subject = format!("{api} {operation} {kind}");
    match format {
        Format::Text => {
            let source = escape_controls(source, false);
            let mut text = escape_controls(&outcome_lines(outcome), true).into_owned();
            if outcome.conforms() {
                text.push_str(&format!("conforms: {source} ({subject})\n"));
            } else {
                text.push_str(&format!(
                    "violates: {source} ({subject}): {} violation{}\n",
                    outcome.violations.len(),
                    plural(outcome.violations.len())
                ));
            }
            text
        }
        Format::Json => {
            let document = json!({
                "api": api,
                "operation": operation,
                "body": kind.to_string(),
                "source": source,
                "verdict": if outcome.conforms() { "conforms" } else { "violates" },
                "violations": outcome.violations.iter().map(violation_json).collect::<Vec<_>>(),
                "round_trip_diff": outcome.diff,
            });
            let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
            text.push('\n');
            text
        }
        Format::Junit => {
            let failures = usize::from(!outcome.conforms());
            let lines = outcome_lines(outcome);
            let failure = (!outcome.conforms()).then(|| {
                (
                    format!("{} violation(s)", outcome.violations.len()),
                    lines.as_str(),
                )
            });
            let case = junit_case(
                &format!("{api}.{operation}"),
                &format!("{kind} {source}"),
                failure.as_ref().map(|(m, t)| (m.as_str(), *t)),
            );
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"conformance validate\" tests=\"1\" failures=\"{failures}\">\n{case}  </testsuite>\n</testsuites>\n"
            )
        }
    }
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
}

impl<W: Write> TrafficWriter<W> {
    pub fn new(format: Format, out: W, api: &str) -> io::Result<Self> {
        let mut writer = TrafficWriter {
            format,
            out,
            api: api.to_owned(),
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

    /// Writes one exchange: text and JSON show violating and unmatched exchanges only; JUnit
    /// shows every exchange as a test case.
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
                let document = match verdict {
                    Verdict::Conforms { .. } => return Ok(()),
                    Verdict::Unmatched { reason } => json!({
                        "position": exchange.position,
                        "method": exchange.method,
                        "path": exchange.path,
                        "status": exchange.status,
                        "verdict": "unmatched",
                        "reason": reason,
                    }),
                    Verdict::Violates {
                        operation,
                        request,
                        response,
                        ..
                    } => json!({
                        "position": exchange.position,
                        "method": exchange.method,
                        "path": exchange.path,
                        "status": exchange.status,
                        "operation": operation.name,
                        "verdict": "violates",
                        "request": request.violations.iter().map(violation_json).collect::<Vec<_>>(),
                        "response": response.violations.iter().map(violation_json).collect::<Vec<_>>(),
                        "request_round_trip_diff": request.diff,
                        "response_round_trip_diff": response.diff,
                    }),
                };
                serde_json::to_writer(&mut self.out, &document)?;
                self.out.write_all(b"\n")
            }
            Format::Junit => {
                let classname = match verdict {
                    Verdict::Conforms { operation } | Verdict::Violates { operation, .. } => {
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
                    Verdict::Violates {
                        request, response, ..
                    } => {
                        let mut text = String::new();
                        for (which, outcome) in [("request", request), ("response", response)] {
                            for line in outcome_lines(outcome).lines() {
                                text.push_str(&format!("{which} {line}\n"));
                            }
                        }
                        let count = request.violations.len() + response.violations.len();
                        junit_case(
                            &classname,
                            &name,
                            Some((&format!("{count} violation(s)"), &text)),
                        )
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
            Verdict::Violates {
                operation,
                request: req,
                response,
                ..
            } => {
                let count = req.violations.len() + response.violations.len();
                writeln!(
                    self.out,
                    "{position}: {request} -> {status}: `{}` violates ({count} violation{})",
                    operation.name,
                    plural(count)
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
            Format::Text => writeln!(
                self.out,
                "traffic {}: {summary}: {}",
                self.api,
                if summary.ok() { "ok" } else { "FAILED" }
            )?,
            Format::Json => {
                let document = json!({"summary": {
                    "api": self.api,
                    "exchanges": summary.exchanges,
                    "conforming": summary.conforming,
                    "violating": summary.violating,
                    "unmatched": summary.unmatched,
                    "bodies": summary.bodies,
                    "unanswered": summary.unanswered,
                    "ok": summary.ok(),
                }});
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
