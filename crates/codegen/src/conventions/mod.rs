//! What the generators can express, checked on the spec before anything is generated.
//!
//! `spec_model::check` holds the invariants of every spec of the workspace (references resolve,
//! one success body schema, examples...). This module holds the rest: every convention the
//! emitters rely on, so that a spec written by someone else is refused in one run, with every
//! problem located (`file:line: pointer: message`) and said in the author's words, never later
//! by the generator or in a library's words (see `spec/README.md`, "What the generators
//! support").
//!
//! Architecture invariant: a spec that passes `spec_model::check` and [`check`] generates crates
//! that build and pass clippy; anything else is a generator defect.

mod document;
mod operations;

use spec_model::{Problem, Spec};

/// Where the conventions are explained, appended to each message.
const SEE: &str = "see spec/README.md, \"What the generators support\"";

/// Every generator convention `spec` breaks, in the order of the text.
pub fn check(spec: &Spec) -> Vec<Problem> {
    let mut found = Findings::default();
    document::check(spec, &mut found);
    operations::check(spec, &mut found);
    let mut problems: Vec<Problem> = found
        .0
        .into_iter()
        .map(|(pointer, message)| Problem {
            file: spec.path.clone(),
            line: spec.line_of(&pointer),
            pointer,
            message: format!("{message} ({SEE})"),
        })
        .collect();
    problems.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
    problems
}

/// The problems found so far: a pointer and what to write there.
#[derive(Default)]
struct Findings(Vec<(String, String)>);

impl Findings {
    fn push(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.0.push((pointer.into(), message.into()));
    }
}
