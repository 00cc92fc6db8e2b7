//! `spec/samples/manifest.yaml`: the sample files, each with its operation, body and expected
//! verdict, and the spec examples expected not to conform.

use std::path::Path;

use serde::Deserialize;

use super::Expected;

/// `spec/samples/manifest.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub samples: Vec<SampleEntry>,
    /// Spec examples that are expected not to conform (none by default).
    #[serde(default)]
    pub spec_examples: Vec<ExampleException>,
}

/// Request or response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Request,
    Response,
}

/// The expected verdict's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VerdictKind {
    Conforms,
    Deviation,
}

/// One sample file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleEntry {
    /// Path relative to `spec/samples/`.
    pub file: String,
    pub api: String,
    pub operation: String,
    pub kind: Kind,
    /// Responses only.
    #[serde(default)]
    pub status: Option<u16>,
    /// `seed-file.txt:FIRST-LAST`: the lines of the page the text was copied from.
    pub source: String,
    pub verdict: VerdictKind,
    #[serde(default)]
    pub deviation: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub expect: Vec<String>,
}

/// A spec example expected not to conform.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleException {
    pub api: String,
    /// JSON pointer of the example value in the spec.
    pub pointer: String,
    pub deviation: String,
    pub reason: String,
    pub expect: Vec<String>,
}

/// Loads the manifest.
pub fn load_manifest(path: &Path) -> Result<Manifest, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The verdict an entry expects, or why the entry is malformed.
pub(super) fn expected_of(
    verdict: VerdictKind,
    deviation: &Option<String>,
    reason: &Option<String>,
    expect: &[String],
) -> Result<Expected, String> {
    match verdict {
        VerdictKind::Conforms => {
            if deviation.is_some() || !expect.is_empty() {
                return Err("`verdict: conforms` takes no `deviation` or `expect`".into());
            }
            Ok(Expected::Conforms)
        }
        VerdictKind::Deviation => {
            let name = deviation
                .clone()
                .ok_or("`verdict: deviation` needs a `deviation` name")?;
            let reason = reason
                .clone()
                .ok_or("`verdict: deviation` needs a `reason`")?;
            if expect.is_empty() {
                return Err("`verdict: deviation` needs the `expect`ed findings".into());
            }
            let mut findings = expect.to_vec();
            findings.sort();
            findings.dedup();
            Ok(Expected::Deviation {
                name,
                reason,
                findings,
            })
        }
    }
}
