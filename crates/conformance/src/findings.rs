//! Findings: what a check found, in three classes, per body ([`Outcome`]), per exchange
//! ([`Verdict`]) and over a capture ([`Summary`]). Every command reports these types;
//! `output.rs` renders them (text, JSON through their `Serialize`, JUnit).
//!
//! The three classes every finding belongs to, and what each does to the exit code:
//!
//! | class | what it means | fails |
//! |---|---|---|
//! | [`Class::Violation`] | the body breaks the schema as an OAS 3.0 validator reads it, or the status, content type or operation is not documented | always (exit 1) |
//! | [`Class::Undocumented`] | the body carries what the schema allows but does not describe (a member outside `properties` where additional members are allowed) | only with `--strict` |
//! | [`Class::Loss`] | the generated Rust types drop or change something the spec describes: a generator defect | always (exit 1) |

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::index::Operation;

/// The class of one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    Violation,
    Undocumented,
    Loss,
}

impl Class {
    /// Every class, in report order.
    pub const ALL: [Class; 3] = [Class::Violation, Class::Undocumented, Class::Loss];

    /// The lowercase name used in every output format and in the samples manifest.
    pub fn name(self) -> &'static str {
        match self {
            Class::Violation => "violation",
            Class::Undocumented => "undocumented",
            Class::Loss => "loss",
        }
    }

    /// Parses [`Class::name`].
    pub fn from_name(name: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|class| class.name() == name)
    }

    /// Whether a finding of this class fails a run (`strict`: `--strict` was given).
    pub fn fails(self, strict: bool) -> bool {
        match self {
            Class::Violation | Class::Loss => true,
            Class::Undocumented => strict,
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Counts of findings per class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ClassCounts {
    pub violation: u64,
    pub undocumented: u64,
    pub loss: u64,
}

impl ClassCounts {
    pub fn add(&mut self, class: Class, count: u64) {
        match class {
            Class::Violation => self.violation += count,
            Class::Undocumented => self.undocumented += count,
            Class::Loss => self.loss += count,
        }
    }

    pub fn get(&self, class: Class) -> u64 {
        match class {
            Class::Violation => self.violation,
            Class::Undocumented => self.undocumented,
            Class::Loss => self.loss,
        }
    }

    pub fn merge(&mut self, other: &ClassCounts) {
        for class in Class::ALL {
            self.add(class, other.get(class));
        }
    }

    /// Whether these findings fail a run.
    pub fn fails(&self, strict: bool) -> bool {
        Class::ALL
            .into_iter()
            .any(|class| class.fails(strict) && self.get(class) > 0)
    }

    pub fn is_empty(&self) -> bool {
        self.violation == 0 && self.undocumented == 0 && self.loss == 0
    }
}

/// One finding: a place where a body disagrees with the spec, goes beyond it, or is not kept by
/// the generated types ([`Violation::class`]). Serialized as the JSON outputs show it (members in
/// this order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Violation, undocumented or loss.
    pub class: Class,
    /// JSON pointer into the body (`""` for the whole body).
    pub pointer: String,
    /// What failed: the JSON Schema keyword (`type`, `required`, `format`...), `round-trip` for a
    /// loss through the generated types, `body` for a missing or unexpected body.
    pub keyword: String,
    /// A plain message.
    pub message: String,
    /// JSON pointer into the spec of the schema keyword that failed, when there is one.
    pub spec_pointer: Option<String>,
    /// `file:line` of `spec_pointer` in the spec.
    pub location: Option<String>,
    /// The value found (undocumented members), for reports that aggregate them.
    pub value: Option<Value>,
}

impl Violation {
    /// A finding of class violation, with no spec location.
    pub fn schema_finding(pointer: &str, keyword: &str, message: String) -> Violation {
        Violation {
            class: Class::Violation,
            pointer: pointer.to_owned(),
            keyword: keyword.to_owned(),
            spec_pointer: None,
            location: None,
            message,
            value: None,
        }
    }

    /// The same finding at a spec pointer.
    pub fn at_spec(mut self, spec_pointer: String, location: Option<String>) -> Violation {
        self.spec_pointer = Some(spec_pointer);
        self.location = location;
        self
    }

    /// The short form used by the samples manifest: `CLASS POINTER KEYWORD`
    /// (`violation /data/0/id format`, `undocumented /username`, `loss /url round-trip`).
    pub fn finding(&self) -> String {
        match self.class {
            Class::Undocumented => format!("undocumented {}", display_pointer(&self.pointer)),
            class => format!(
                "{class} {} {}",
                display_pointer(&self.pointer),
                self.keyword
            ),
        }
    }
}

/// A body pointer for people: the root is `/`.
pub fn display_pointer(pointer: &str) -> &str {
    if pointer.is_empty() {
        "/"
    } else {
        pointer
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.class,
            display_pointer(&self.pointer),
            self.message
        )?;
        match (&self.location, &self.spec_pointer) {
            (Some(location), Some(pointer)) => write!(f, " [{location} #{pointer}]"),
            (None, Some(pointer)) => write!(f, " [#{pointer}]"),
            _ => Ok(()),
        }
    }
}

/// The result of checking one body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Every finding: schema violations first, then undocumented members, then round-trip
    /// losses.
    pub violations: Vec<Violation>,
    /// The unified diff between the body and its round trip through the generated types, when
    /// something was lost.
    pub diff: Option<String>,
}

impl Outcome {
    /// No violation and no loss (undocumented members are allowed: they fail only with
    /// `--strict`, see [`Outcome::passes`]).
    pub fn conforms(&self) -> bool {
        self.passes(false)
    }

    /// Whether nothing at all was found, undocumented members included.
    pub fn is_clean(&self) -> bool {
        self.violations.is_empty()
    }

    /// Whether the body passes: no finding of a class that fails (see [`Class::fails`]).
    pub fn passes(&self, strict: bool) -> bool {
        !self.violations.iter().any(|v| v.class.fails(strict))
    }

    /// The findings counted per class.
    pub fn counts(&self) -> ClassCounts {
        let mut counts = ClassCounts::default();
        for violation in &self.violations {
            counts.add(violation.class, 1);
        }
        counts
    }

    /// The findings of one class.
    pub fn of_class(&self, class: Class) -> impl Iterator<Item = &Violation> {
        self.violations.iter().filter(move |v| v.class == class)
    }
}

/// What was found for one exchange.
#[derive(Debug, Clone)]
pub enum Verdict<'a> {
    /// Nothing found at all.
    Conforms { operation: &'a Operation },
    /// At least one finding, of any class (see [`Verdict::passes`]).
    Findings {
        operation: &'a Operation,
        request: Outcome,
        response: Outcome,
        /// The response's status, when one was captured.
        status: Option<u16>,
    },
    /// No operation matches the exchange (a violation: the operation is not documented).
    Unmatched { reason: String },
}

impl Verdict<'_> {
    /// Nothing found at all.
    pub fn is_ok(&self) -> bool {
        matches!(self, Verdict::Conforms { .. })
    }

    /// Whether the exchange passes: no finding of a class that fails (`strict`: `--strict`).
    pub fn passes(&self, strict: bool) -> bool {
        match self {
            Verdict::Conforms { .. } => true,
            Verdict::Findings {
                request, response, ..
            } => request.passes(strict) && response.passes(strict),
            Verdict::Unmatched { .. } => false,
        }
    }

    /// The findings of both sides counted per class (an unmatched exchange is one violation).
    pub fn counts(&self) -> ClassCounts {
        match self {
            Verdict::Conforms { .. } => ClassCounts::default(),
            Verdict::Findings {
                request, response, ..
            } => {
                let mut counts = request.counts();
                counts.merge(&response.counts());
                counts
            }
            Verdict::Unmatched { .. } => ClassCounts {
                violation: 1,
                ..ClassCounts::default()
            },
        }
    }
}

/// Counts over a whole capture (serialized with its members in this order).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub exchanges: u64,
    /// Exchanges with no violation and no loss (undocumented members allowed).
    pub conforming: u64,
    /// Exchanges with at least one violation.
    pub violating: u64,
    /// Exchanges with at least one undocumented member.
    pub undocumented: u64,
    /// Exchanges with at least one loss through the generated types.
    pub lossy: u64,
    pub unmatched: u64,
    /// Findings counted per class, over every exchange.
    pub findings: ClassCounts,
    /// Bodies validated against a schema.
    pub bodies: u64,
    /// Exchanges captured without a response (HAR status 0): only their request was checked.
    pub unanswered: u64,
}

impl Summary {
    /// Whether the capture passes: no violation, no loss, every exchange matched, and with
    /// `strict` no undocumented member either.
    pub fn ok(&self, strict: bool) -> bool {
        self.violating == 0
            && self.lossy == 0
            && self.unmatched == 0
            && (!strict || self.undocumented == 0)
    }

    /// Adds one exchange's verdict.
    pub fn count(&mut self, verdict: &Verdict<'_>) {
        self.exchanges += 1;
        let counts = verdict.counts();
        match verdict {
            Verdict::Unmatched { .. } => self.unmatched += 1,
            _ => {
                self.violating += u64::from(counts.violation > 0);
                self.conforming += u64::from(verdict.passes(false));
            }
        }
        self.undocumented += u64::from(counts.undocumented > 0);
        self.lossy += u64::from(counts.loss > 0);
        if !matches!(verdict, Verdict::Unmatched { .. }) {
            self.findings.merge(&counts);
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} exchanges: {} conform, {} violate, {} undocumented, {} lose data, {} match no operation ({} bodies validated",
            self.exchanges,
            self.conforming,
            self.violating,
            self.undocumented,
            self.lossy,
            self.unmatched,
            self.bodies
        )?;
        if self.unanswered > 0 {
            write!(f, "; {} without a response", self.unanswered)?;
        }
        f.write_str(")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON outputs (`validate`, `traffic`, `verify`) print a finding through its
    /// `Serialize`: the members and their order are part of the output.
    #[test]
    fn a_finding_serializes_as_the_json_outputs_show_it() {
        let finding = Violation {
            class: Class::Undocumented,
            pointer: "/a".into(),
            keyword: "undocumented".into(),
            message: "member `a`".into(),
            spec_pointer: Some("/components/schemas/A".into()),
            location: None,
            value: Some(Value::from(1)),
        };
        assert_eq!(
            serde_json::to_string(&finding).unwrap(),
            r#"{"class":"undocumented","pointer":"/a","keyword":"undocumented","message":"member `a`","spec_pointer":"/components/schemas/A","location":null,"value":1}"#
        );
        let mut counts = ClassCounts::default();
        counts.add(Class::Loss, 2);
        assert_eq!(
            serde_json::to_string(&counts).unwrap(),
            r#"{"violation":0,"undocumented":0,"loss":2}"#
        );
    }
}
