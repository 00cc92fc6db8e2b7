//! The constraint probe's part of `cargo xtask conformance`: every spec's constraints asked of
//! the generated code (`crates/constraint-probe`), judged with the accepted differences.

use std::path::Path;

use anyhow::{Context, Result};
use constraint_probe::{Accepted, Report};

/// The committed accepted differences, relative to the workspace root.
pub const ACCEPTED: &str = "crates/constraint-probe/accepted.yaml";

/// The probe's table and figures, and whether it passes (nothing failing, nothing stale).
pub fn run(root: &Path) -> Result<(String, bool)> {
    let accepted = Accepted::load(&root.join(ACCEPTED))?;
    let rows = constraint_probe::probe_workspace(&root.join("spec"))
        .map_err(anyhow::Error::msg)
        .context("probing the specs' constraints")?;
    let report = Report::new(rows, &accepted);
    let mut text = String::from(
        "\nconstraint probe (API, schema, pointer, line, constraint, side, verdict):\n",
    );
    text.push_str(&report.table());
    if !report.passes() {
        text.push_str(&format!(
            "constraint probe: FAILED: fix each NOT ENFORCED row in the generator or list it with its reason in {ACCEPTED}; remove STALE entries\n"
        ));
    }
    Ok((text, report.passes()))
}
