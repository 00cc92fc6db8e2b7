//! The committed list of documented statuses `verify` is expected not to reach, each with its
//! reason, checked for staleness like `constraint-probe/accepted.yaml`: an entry whose status
//! is now reached, or that names no documented status of an operation, fails the run.

use std::path::Path;

use serde::Deserialize;

use super::coverage::Coverage;

/// One entry: a documented status of an API's operation, and why it stays unreached.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The spec's file stem (`insightiq`).
    pub api: String,
    pub operation: String,
    /// The key under `responses` (`400`, `4XX`, `default`).
    #[serde(deserialize_with = "status_text")]
    pub status: String,
    pub reason: String,
}

/// An entry that no longer holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub entry: Entry,
    pub why: String,
}

/// Why the list cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
}

/// Reads a list (a YAML sequence of entries; an empty file is an empty list).
pub fn load(path: &Path) -> Result<Vec<Entry>, ListError> {
    let text = std::fs::read_to_string(path).map_err(|source| ListError::Read {
        path: path.display().to_string(),
        source,
    })?;
    parse(&text).map_err(|message| ListError::Parse {
        path: path.display().to_string(),
        message,
    })
}

/// Parses a list's text; errors carry the line (`line 3 column 5: ...`).
pub fn parse(text: &str) -> Result<Vec<Entry>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let entries: Option<Vec<Entry>> = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    let entries = entries.unwrap_or_default();
    if let Some(empty) = entries.iter().find(|e| e.reason.trim().is_empty()) {
        return Err(format!(
            "{} {} {}: every entry says why (an empty reason)",
            empty.api, empty.operation, empty.status
        ));
    }
    Ok(entries)
}

/// Marks the rows of `coverage` that `entries` of `api` list, and returns the stale entries.
pub fn apply(entries: &[Entry], api: &str, coverage: &mut Coverage) -> Vec<Stale> {
    let mut stale = Vec::new();
    for entry in entries.iter().filter(|e| e.api == api) {
        let row = coverage
            .rows
            .iter_mut()
            .find(|row| row.operation == entry.operation && row.status == entry.status);
        match row {
            None => stale.push(Stale {
                entry: entry.clone(),
                why: format!(
                    "names nothing: `{}` documents no status {}",
                    entry.operation, entry.status
                ),
            }),
            Some(row) => match &row.reached_by {
                Some(by) => stale.push(Stale {
                    entry: entry.clone(),
                    why: format!("now reached (by {by}): remove the entry"),
                }),
                None => row.expected_unreached = Some(entry.reason.clone()),
            },
        }
    }
    stale
}

fn status_text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Status {
        Code(u16),
        Key(String),
    }
    Ok(match Status::deserialize(deserializer)? {
        Status::Code(code) => code.to_string(),
        Status::Key(key) => key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::coverage::Row;

    fn coverage() -> Coverage {
        let row = |status: &str, reached: bool| Row {
            operation: "get_user".into(),
            status: status.into(),
            reached_by: reached.then(|| "example".to_owned()),
            skipped: None,
            expected_unreached: None,
        };
        Coverage {
            rows: vec![row("200", true), row("400", false)],
        }
    }

    #[test]
    fn a_listed_status_is_marked_and_stale_entries_are_reported() {
        let entries = parse(
            "- {api: x, operation: get_user, status: 400, reason: needs a broken server}\n\
             - {api: x, operation: get_user, status: 200, reason: was hard}\n\
             - {api: x, operation: get_user, status: 500, reason: names nothing}\n\
             - {api: y, operation: other, status: 500, reason: another API}\n",
        )
        .unwrap();
        let mut coverage = coverage();
        let stale = apply(&entries, "x", &mut coverage);
        assert_eq!(
            coverage.rows[1].expected_unreached.as_deref(),
            Some("needs a broken server")
        );
        let whys: Vec<&str> = stale.iter().map(|s| s.why.as_str()).collect();
        assert_eq!(stale.len(), 2, "{whys:?}");
        assert!(whys[0].starts_with("now reached"), "{whys:?}");
        assert!(whys[1].starts_with("names nothing"), "{whys:?}");
        assert_eq!(coverage.unexplained().count(), 0);
    }

    #[test]
    fn an_entry_without_a_reason_is_refused() {
        let error = parse("- {api: x, operation: y, status: 404, reason: ''}").unwrap_err();
        assert!(error.contains("every entry says why"), "{error}");
    }
}
