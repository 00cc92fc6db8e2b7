//! The three verdict classes every finding belongs to, and what each does to the exit code.
//!
//! | class | what it means | fails |
//! |---|---|---|
//! | [`Class::Violation`] | the body breaks the schema as an OAS 3.0 validator reads it, or the status, content type or operation is not documented | always (exit 1) |
//! | [`Class::Undocumented`] | the body carries what the schema allows but does not describe (a member outside `properties` where additional members are allowed) | only with `--strict` |
//! | [`Class::Loss`] | the generated Rust types drop or change something the spec describes: a generator defect | always (exit 1) |

use std::fmt;

/// The class of one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
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
