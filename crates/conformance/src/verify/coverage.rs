//! The coverage table: every operation × every status it documents, reached (and by which
//! request) or not, and the share reached.

use std::collections::BTreeMap;

use crate::index::Operation;

/// One documented status of one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub operation: String,
    /// The key under `responses` (`200`, `4XX`, `default`).
    pub status: String,
    /// The first request that got it.
    pub reached_by: Option<String>,
    /// Why the operation was not exercised at all (destructive without the flag).
    pub skipped: Option<String>,
    /// The reason of its entry in the unreached list, when it has one.
    pub expected_unreached: Option<String>,
}

/// The table, in the spec's order of operations and statuses.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    pub rows: Vec<Row>,
}

impl Coverage {
    pub fn new(operations: &[Operation]) -> Coverage {
        let rows = operations
            .iter()
            .flat_map(|op| {
                op.responses.iter().map(|response| Row {
                    operation: op.name.clone(),
                    status: response.key.clone(),
                    reached_by: None,
                    skipped: None,
                    expected_unreached: None,
                })
            })
            .collect();
        Coverage { rows }
    }

    /// Records that `operation` answered with the documented response `key`.
    pub fn reach(&mut self, operation: &str, key: &str, by: &str) {
        if let Some(row) = self
            .rows
            .iter_mut()
            .find(|row| row.operation == operation && row.status == key)
        {
            row.reached_by.get_or_insert_with(|| by.to_owned());
        }
    }

    /// Marks every status of `operation` as not exercised, and why.
    pub fn skip(&mut self, operation: &str, reason: &str) {
        for row in self.rows.iter_mut().filter(|r| r.operation == operation) {
            row.skipped = Some(reason.to_owned());
        }
    }

    pub fn reached(&self) -> usize {
        self.rows.iter().filter(|r| r.reached_by.is_some()).count()
    }

    /// Reached statuses over documented ones, in percent (100 for an API with none).
    pub fn percent(&self) -> f64 {
        if self.rows.is_empty() {
            return 100.0;
        }
        100.0 * self.reached() as f64 / self.rows.len() as f64
    }

    /// The statuses neither reached nor on the unreached list.
    pub fn unexplained(&self) -> impl Iterator<Item = &Row> {
        self.rows
            .iter()
            .filter(|r| r.reached_by.is_none() && r.expected_unreached.is_none())
    }

    /// Statuses per operation, for the table: `operation -> [(status, mark)]`.
    pub fn by_operation(&self) -> BTreeMap<&str, Vec<&Row>> {
        let mut map: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
        for row in &self.rows {
            map.entry(row.operation.as_str()).or_default().push(row);
        }
        map
    }
}

impl Row {
    /// `reached`, `listed` (on the unreached list), `skipped` or `NOT REACHED`.
    pub fn mark(&self) -> &'static str {
        match (&self.reached_by, &self.expected_unreached, &self.skipped) {
            (Some(_), _, _) => "reached",
            (None, Some(_), _) => "listed",
            (None, None, Some(_)) => "skipped",
            (None, None, None) => "NOT REACHED",
        }
    }
}
