//! The probe's table and its figures: each row with its verdict once the accepted differences
//! are applied, the stale entries, and per API the counts (checked / enforced / accepted /
//! failing).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::accepted::{Accepted, AcceptedEntry};
use crate::{Outcome, Row};

/// A row's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Enforced,
    /// Not enforced, listed in the accepted differences with this reason.
    Accepted(String),
    /// Not enforced and not accepted: the check fails.
    Failing,
    /// The probe could not build a fair pair of instances.
    NotProbed,
}

/// Figures for one API.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Rows judged (enforced + accepted + failing).
    pub checked: usize,
    pub enforced: usize,
    pub accepted: usize,
    pub failing: usize,
    pub not_probed: usize,
}

/// Rows with verdicts, and the accepted entries that matched no unenforced row.
pub struct Report {
    pub rows: Vec<(Row, Verdict)>,
    /// Stale entries, with what they match now.
    pub stale: Vec<(AcceptedEntry, String)>,
}

impl Report {
    pub fn new(rows: Vec<Row>, accepted: &Accepted) -> Report {
        let rows: Vec<(Row, Verdict)> = rows
            .into_iter()
            .map(|row| {
                let verdict = match &row.outcome {
                    Outcome::Enforced => Verdict::Enforced,
                    Outcome::NotProbed(_) => Verdict::NotProbed,
                    Outcome::Unenforced(_) => match accepted.find(&row) {
                        Some(entry) => Verdict::Accepted(entry.reason.clone()),
                        None => Verdict::Failing,
                    },
                };
                (row, verdict)
            })
            .collect();
        // An entry for a side this run did not ask (the schemars comparison needs the feature,
        // and runs in the test suite) is neither used nor stale here.
        let sides: std::collections::BTreeSet<&str> =
            rows.iter().map(|(r, _)| r.side.name()).collect();
        let stale = accepted
            .entries
            .iter()
            .filter(|entry| {
                entry
                    .side
                    .as_deref()
                    .is_none_or(|side| sides.contains(side))
            })
            .filter_map(|entry| {
                let matching: Vec<&Row> = rows
                    .iter()
                    .map(|(r, _)| r)
                    .filter(|r| entry.matches(r))
                    .collect();
                if matching
                    .iter()
                    .any(|r| matches!(r.outcome, Outcome::Unenforced(_)))
                {
                    return None;
                }
                let why = if matching.is_empty() {
                    "matches no constraint the probe checks".to_owned()
                } else {
                    format!("accepted but now enforced ({} rows)", matching.len())
                };
                Some((entry.clone(), why))
            })
            .collect();
        Report { rows, stale }
    }

    /// Counts per API, sorted by API.
    pub fn counts(&self) -> BTreeMap<String, Counts> {
        let mut out: BTreeMap<String, Counts> = BTreeMap::new();
        for (row, verdict) in &self.rows {
            let c = out.entry(row.api.clone()).or_default();
            match verdict {
                Verdict::Enforced => c.enforced += 1,
                Verdict::Accepted(_) => c.accepted += 1,
                Verdict::Failing => c.failing += 1,
                Verdict::NotProbed => c.not_probed += 1,
            }
            if *verdict != Verdict::NotProbed {
                c.checked += 1;
            }
        }
        out
    }

    /// Rows the check fails on.
    pub fn failing(&self) -> impl Iterator<Item = &Row> {
        self.rows
            .iter()
            .filter(|(_, v)| *v == Verdict::Failing)
            .map(|(r, _)| r)
    }

    /// Whether the check passes: nothing failing, nothing stale.
    pub fn passes(&self) -> bool {
        self.failing().next().is_none() && self.stale.is_empty()
    }

    /// The table: one line per row (API, subject, pointer, line, constraint, side, verdict),
    /// then stale entries, then the figures per API.
    pub fn table(&self) -> String {
        let mut out = String::new();
        for (row, verdict) in &self.rows {
            let line = row
                .line
                .map(|l| l.to_string())
                .unwrap_or_else(|| "-".to_owned());
            let verdict = match (verdict, &row.outcome) {
                (Verdict::Enforced, _) => "enforced".to_owned(),
                (Verdict::Accepted(reason), Outcome::Unenforced(what)) => {
                    format!("accepted: {what} ({reason})")
                }
                (Verdict::Failing, Outcome::Unenforced(what)) => format!("NOT ENFORCED: {what}"),
                (Verdict::NotProbed, Outcome::NotProbed(why)) => format!("not probed: {why}"),
                (other, _) => format!("{other:?}"),
            };
            let _ = writeln!(
                out,
                "{}\t{}\t{}\tline {line}\t{}\t{}\t{verdict}",
                row.api,
                row.subject,
                row.pointer,
                row.constraint,
                row.side.name()
            );
        }
        for (entry, why) in &self.stale {
            let _ = writeln!(out, "STALE accepted entry: {}: {why}", entry.key());
        }
        for (api, c) in self.counts() {
            let _ = writeln!(
                out,
                "{api}: {} constraints checked, {} enforced, {} accepted, {} failing ({} not probed)",
                c.checked, c.enforced, c.accepted, c.failing, c.not_probed
            );
        }
        out
    }
}
