//! The documents' samples (`spec/samples/`) and the specs' own examples, each with the verdict
//! it is expected to get.
//!
//! # The manifest
//!
//! `spec/samples/manifest.yaml` lists every sample file under `spec/samples/<api>/`, with the
//! operation, the body (request, or response and status), where the text is on the vendor's
//! page, and the expected verdict:
//!
//! - `verdict: conforms`: the text is JSON and the body validates;
//! - `verdict: deviation`, with a `deviation` name, a `reason`, and `expect`: the exact list of
//!   findings the check produces, each `POINTER KEYWORD` (`/data/email format`) or
//!   `invalid-json at LINE:COLUMN`.
//!
//! A check fails when its findings differ from the manifest in any way, so a spec edit that
//! breaks a documented sample, or silently fixes a documented deviation, is caught.
//!
//! # The specs' examples
//!
//! Every example of every spec is checked too: media type `example` and `examples` (named
//! component examples through their `$ref`) for each operation's request and responses,
//! parameter and header `example`/`examples` against their schema, and each schema's own
//! `example` against that schema. Each must conform. `x-doc-defect` on an example does not
//! exempt it: by the spec's convention it marks an example that is the *minimal repair* of a
//! broken sample, which must itself conform. The only exemptions are the entries of the
//! manifest's `spec_examples` list (api, JSON pointer of the example value, and the same
//! `deviation`/`reason`/`expect` fields as a sample).

//!
//! `manifest.rs` reads the manifest, `checks.rs` checks the sample files and `examples.rs` the
//! specs' examples, each into [`Row`]s; `report.rs` checks them all and renders the report.

mod checks;
mod examples;
mod manifest;
pub mod report;

use std::fmt;

use crate::findings::Outcome;

pub use checks::{check_samples, check_text};
pub use examples::{check_spec_examples, spec_examples, SpecExample, Target};
pub use manifest::{load_manifest, ExampleException, Kind, Manifest, SampleEntry, VerdictKind};

/// What a check expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    Conforms,
    Deviation {
        name: String,
        reason: String,
        findings: Vec<String>,
    },
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Conforms => f.write_str("conforms"),
            Expected::Deviation { name, findings, .. } => {
                write!(f, "deviation {name} ({})", findings.join(", "))
            }
        }
    }
}

/// Sample (a file under `spec/samples/`) or spec example.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Sample,
    SpecExample,
}

/// One checked sample or example.
#[derive(Debug, Clone)]
pub struct Row {
    pub group: Group,
    pub api: String,
    /// operationId, or `-` for a schema or parameter example.
    pub operation: String,
    /// `request`, `response 200`, `schema`, `parameter`.
    pub body: String,
    /// The sample file (relative to `spec/samples/`) or `#/json/pointer` of the example.
    pub subject: String,
    /// Where the text is on the vendor's page (samples).
    pub source: Option<String>,
    pub expected: Expected,
    /// What the check found (empty: conforms).
    pub findings: Vec<String>,
    /// The violations in full, for people.
    pub details: Vec<String>,
    /// Whether `findings` is what `expected` says.
    pub ok: bool,
}

impl Row {
    /// The verdict found, in words.
    pub fn verdict(&self) -> String {
        if self.findings.is_empty() {
            return "conforms".into();
        }
        match &self.expected {
            Expected::Deviation { name, findings, .. } if *findings == self.findings => {
                format!("deviation {name}")
            }
            _ => format!("violates ({})", self.findings.join(", ")),
        }
    }
}

/// The findings of a checked body: violations as `POINTER KEYWORD`, sorted.
pub fn findings(outcome: &Outcome) -> Vec<String> {
    let mut found: Vec<String> = outcome.violations.iter().map(|v| v.finding()).collect();
    found.sort();
    found.dedup();
    found
}

/// Whether the findings are what the manifest expects.
fn is_ok(expected: &Expected, findings: &[String]) -> bool {
    match expected {
        Expected::Conforms => findings.is_empty(),
        Expected::Deviation { findings: want, .. } => want == findings,
    }
}
