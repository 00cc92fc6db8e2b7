//! `conformance drift`: what a capture shows the vendor doing that the spec does not describe,
//! aggregated over the whole capture, each finding with its spec location and a suggested edit.
//!
//! The capture is read and checked by [`traffic`] (the same streaming readers, matching and
//! validation: one exchange in memory at a time); [`aggregate`] folds each exchange's findings
//! into counts and a few sample values per finding, [`suggest`] writes the YAML a maintainer can
//! review and paste, [`render`] prints the report. Drift never edits the spec. Text kept from
//! the capture (paths, member names, messages) is cut by [`summarise`]: a long one is known by
//! its prefix, length and stable hash, and gets no suggested edit.

pub mod aggregate;
pub mod render;
pub mod suggest;
pub mod summarise;

use std::collections::BTreeSet;
use std::io::BufRead;

use crate::capture::{CaptureFormat, Limits};
use crate::findings::Summary;
use crate::traffic::{self, TrafficError};
use crate::validate::Validator;

pub use aggregate::Aggregator;

/// What kind of drift a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A member the schema allows but does not describe.
    UndocumentedMember,
    /// A value outside a closed `enum`.
    EnumValue,
    /// `null` where the schema is not nullable.
    Null,
    /// A string that fails the schema's `format`.
    Format,
    /// A response status the operation does not document.
    Status,
    /// A body content type the operation does not document.
    ContentType,
    /// A request no operation matches.
    Unmatched,
    /// Any other schema violation (a missing required member, a wrong type...): located, with
    /// no suggested edit.
    Schema,
}

impl Kind {
    /// The name used in the JSON report.
    pub fn name(self) -> &'static str {
        match self {
            Kind::UndocumentedMember => "undocumented-member",
            Kind::EnumValue => "enum-value",
            Kind::Null => "null",
            Kind::Format => "format",
            Kind::Status => "status",
            Kind::ContentType => "content-type",
            Kind::Unmatched => "unmatched",
            Kind::Schema => "schema",
        }
    }
}

/// A value seen in the capture, as JSON text cut to [`aggregate::SAMPLE_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub text: String,
    /// Whether `text` is the whole value (not cut).
    pub complete: bool,
}

/// One aggregated finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: Kind,
    /// The operation (`None` for a request that matches none).
    pub operation: Option<String>,
    /// Which body, as first seen: `request`, `response 200` (empty for an unmatched request).
    pub side: String,
    /// What the finding is about: the member name, the format, the status, the content type,
    /// `METHOD /path`, the failing keyword; empty for an enum (its values are in `values`).
    pub subject: String,
    /// JSON pointer into the spec where the suggested edit goes.
    pub spec_pointer: String,
    /// The spec line of `spec_pointer`.
    pub line: Option<usize>,
    /// How many times it was seen.
    pub count: u64,
    /// JSON types of the values seen (`string`, `integer`, `null`...).
    pub types: BTreeSet<&'static str>,
    /// The first few distinct values seen.
    pub samples: Vec<Sample>,
    /// Distinct values with their counts: the enum values, the content types of an undocumented
    /// status, the statuses of an unmatched request (at most [`aggregate::MAX_VALUES`]).
    pub values: Vec<(String, u64)>,
    /// Observations whose value did not fit in `values` any more.
    pub other_values: u64,
    /// The body pointer where it was first seen.
    pub body_pointer: Option<String>,
    /// The validator's message, as first seen.
    pub message: String,
    /// The suggested spec edit (YAML, marked for review); `None` for [`Kind::Schema`] and for
    /// a summarised subject.
    pub suggestion: Option<String>,
    /// Whether `subject` is a summary ([`summarise::summarise`]) of a longer text: such a
    /// finding gets no suggested edit, as the name or path it would write is not kept.
    pub summarised: bool,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The spec file, as given.
    pub spec: String,
    /// What `traffic` counted over the capture.
    pub summary: Summary,
    /// Sorted by kind, operation, spec pointer, subject.
    pub findings: Vec<Finding>,
    /// Observations not aggregated because [`aggregate::MAX_FINDINGS`] distinct findings were
    /// already held (counted so that the report says so).
    pub dropped: u64,
}

impl Report {
    /// Whether the capture shows anything the spec does not describe.
    pub fn drifted(&self) -> bool {
        !self.findings.is_empty() || self.dropped > 0
    }
}

/// Reads a capture and aggregates its drift from the validator's spec. The validator should
/// have no generated types (drift is about the spec, not the generator).
pub fn run(
    validator: &Validator<'_>,
    reader: &mut dyn BufRead,
    format: CaptureFormat,
    limits: Limits,
) -> Result<Report, TrafficError> {
    let mut aggregator = Aggregator::new(validator);
    let summary = traffic::run_limited(
        validator,
        reader,
        format,
        limits,
        &mut |exchange, verdict| {
            aggregator.add(exchange, verdict);
            Ok(())
        },
    )?;
    Ok(aggregator.finish(summary))
}
