//! The version rule: the bump a set of changes requires, and whether a spec's `info.version`
//! moved that far.

use std::fmt;

use serde_json::Value;

use crate::error::DiffError;
use crate::model::{Bump, Change};

/// A spec's release version: spec-model's, read with the rule codegen's first-run check uses.
pub use spec_model::SpecVersion as Version;

/// The smallest version after `version` that a bump allows.
pub fn bumped(version: Version, bump: Bump) -> Version {
    match bump {
        Bump::Major => version.next_breaking(),
        Bump::Minor => version.next_additive(),
        Bump::None => version,
    }
}

/// Major for any breaking change, minor for any other, none for no change.
pub fn required_bump(changes: &[Change]) -> Bump {
    if changes.iter().any(|c| c.impact.is_breaking()) {
        Bump::Major
    } else if changes.is_empty() {
        Bump::None
    } else {
        Bump::Minor
    }
}

/// A spec's new version is not enough for its changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionShortfall {
    pub spec: String,
    pub old: Version,
    pub new: Version,
    pub required: Version,
    pub bump: Bump,
    /// The changes that require the bump (the breaking ones when the bump is major).
    pub reasons: Vec<Change>,
}

impl fmt::Display for VersionShortfall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.bump == Bump::Major {
            "breaking"
        } else {
            "additive"
        };
        writeln!(
            f,
            "{}: {} {what} change(s) need info.version {} or later (it is {}):",
            self.spec,
            self.reasons.len(),
            self.required,
            self.new
        )?;
        for change in &self.reasons {
            writeln!(f, "  {change}")?;
        }
        write!(
            f,
            "edit {}: info.version: {} -> {}",
            self.spec, self.new, self.required
        )
    }
}

/// Why [`check_version`] refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// An `info.version` that is not `MAJOR.MINOR.PATCH` (see [`Version::parse`]).
    #[error("{spec}: {which} info.version {text:?} is not MAJOR.MINOR.PATCH")]
    Unreadable {
        spec: String,
        /// `the base's` or `the`.
        which: &'static str,
        text: String,
    },
    /// The two documents could not be compared (the reason is in the message, not a source).
    #[error("{spec}: {error}")]
    Diff { spec: String, error: DiffError },
    /// The version did not move as far as the changes require.
    #[error("{0}")]
    Shortfall(Box<VersionShortfall>),
}

/// Checks that a spec's `info.version` moved as far as its changes require and returns the
/// changes. `spec` names the file for the message.
pub fn check_version(spec: &str, old: &Value, new: &Value) -> Result<Vec<Change>, VersionError> {
    let version = |doc: &Value, which: &'static str| {
        let text = doc
            .pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or_default();
        Version::parse(text).map_err(|_| VersionError::Unreadable {
            spec: spec.to_owned(),
            which,
            text: text.to_owned(),
        })
    };
    let (old_version, new_version) = (version(old, "the base's")?, version(new, "the")?);
    let changes = crate::diff(old, new).map_err(|error| VersionError::Diff {
        spec: spec.to_owned(),
        error,
    })?;
    let bump = required_bump(&changes);
    let required = bumped(old_version, bump);
    if new_version < required {
        let reasons = changes
            .iter()
            .filter(|c| bump != Bump::Major || c.impact.is_breaking())
            .cloned()
            .collect();
        return Err(VersionError::Shortfall(Box::new(VersionShortfall {
            spec: spec.to_owned(),
            old: old_version,
            new: new_version,
            required,
            bump,
            reasons,
        })));
    }
    Ok(changes)
}
