//! The accepted differences: constraints the generated code does not enforce on purpose, each
//! with its reason (`crates/constraint-probe/accepted.yaml`).
//!
//! An entry is keyed by API, pointer and constraint (optionally one side); `*` in any of them
//! matches any run of characters, so one entry can cover a family (every optional member's
//! `not-nullable`). An entry that matches no unenforced row is *stale* and reported: the
//! constraint is now enforced (or gone), and the entry should go.

use std::path::Path;

use serde::Deserialize;

use crate::{Row, Side};

/// One accepted difference.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AcceptedEntry {
    pub api: String,
    pub pointer: String,
    pub constraint: String,
    /// `types`, `client`, `server` or `schemars`; every side when absent.
    #[serde(default)]
    pub side: Option<String>,
    pub reason: String,
}

impl AcceptedEntry {
    pub fn matches(&self, row: &Row) -> bool {
        glob(&self.api, &row.api)
            && glob(&self.pointer, &row.pointer)
            && glob(&self.constraint, &row.constraint)
            && self
                .side
                .as_deref()
                .is_none_or(|side| side == row.side.name())
    }

    /// How the entry is named in messages.
    pub fn key(&self) -> String {
        let side = self
            .side
            .as_deref()
            .map(|s| format!(" [{s}]"))
            .unwrap_or_default();
        format!("{} {} {}{side}", self.api, self.pointer, self.constraint)
    }
}

/// The whole file.
#[derive(Debug, Clone, Default)]
pub struct Accepted {
    pub entries: Vec<AcceptedEntry>,
}

#[derive(Debug, thiserror::Error)]
pub enum AcceptedError {
    #[error("{file}: {error}")]
    Io { file: String, error: std::io::Error },
    #[error("{file}: {error}")]
    Parse {
        file: String,
        error: serde_yaml::Error,
    },
    #[error("{file}: entry {index} ({key}): {message}")]
    Entry {
        file: String,
        index: usize,
        key: String,
        message: String,
    },
}

impl Accepted {
    pub fn load(path: &Path) -> Result<Accepted, AcceptedError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| AcceptedError::Io {
            file: file.clone(),
            error,
        })?;
        Accepted::parse(&file, &text)
    }

    /// Parses the file's text; `file` names it in errors (serde_yaml's carry line and column).
    pub fn parse(file: &str, text: &str) -> Result<Accepted, AcceptedError> {
        let entries: Vec<AcceptedEntry> = if text.trim().is_empty() {
            Vec::new()
        } else {
            serde_yaml::from_str(text).map_err(|error| AcceptedError::Parse {
                file: file.to_owned(),
                error,
            })?
        };
        for (index, entry) in entries.iter().enumerate() {
            let problem = if entry.reason.trim().is_empty() {
                Some("has no reason".to_owned())
            } else {
                entry
                    .side
                    .as_deref()
                    .filter(|s| {
                        ![Side::Types, Side::Client, Side::Server, Side::Schemars]
                            .iter()
                            .any(|k| k.name() == *s)
                    })
                    .map(|s| format!("side `{s}` is not one of types, client, server, schemars"))
            };
            if let Some(message) = problem {
                return Err(AcceptedError::Entry {
                    file: file.to_owned(),
                    index,
                    key: entry.key(),
                    message,
                });
            }
        }
        Ok(Accepted { entries })
    }

    /// The first entry accepting `row`.
    pub fn find(&self, row: &Row) -> Option<&AcceptedEntry> {
        self.entries.iter().find(|e| e.matches(row))
    }
}

/// `pattern` against `text`, `*` matching any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    let mut pieces = pattern.split('*');
    let first = pieces.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else {
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn glob_matches_runs_and_exact_text() {
        assert!(glob(
            "#/components/schemas/*/properties/*",
            "#/components/schemas/A/properties/b"
        ));
        assert!(glob("maximum", "maximum"));
        assert!(!glob("maximum", "maximum2"));
        assert!(glob("format(*)", "format(uri)"));
        assert!(!glob("#/a/*/c", "#/a/b/d"));
        assert!(glob("*", ""));
    }
}
