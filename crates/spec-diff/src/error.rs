//! Why two specs could not be compared.

use std::fmt;

use spec_model::RefError;

/// Which of the two documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Old,
    New,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Old => "the old spec",
            Side::New => "the new spec",
        })
    }
}

/// A comparison that could not be made: a `$ref` of one document does not resolve or never
/// reaches content (an alias cycle). `spec_model::check` reports the same, with a line.
/// The message carries the reason, so it is not also a `source()` (which would print twice in
/// an error chain).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    #[error("{side}: {pointer}: {error}")]
    Reference {
        side: Side,
        /// JSON pointer of the value holding the `$ref`.
        pointer: String,
        error: RefError,
    },
}
