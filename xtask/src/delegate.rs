//! Commands that live in a binary of their own (`xtask-conformance`), so that `xtask` itself
//! builds only what generation needs: run through cargo, with the workspace root passed on.

use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result};

/// `cargo run --quiet --package PACKAGE -- ARGS` at `root`, its output and exit code passed
/// through unchanged.
pub fn run(root: &Path, package: &str, args: &[String]) -> Result<ExitCode> {
    // The cargo that runs this binary (`cargo xtask` sets CARGO), so that the toolchain and its
    // flags match.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["run", "--quiet", "--package", package, "--"])
        .args(args)
        .current_dir(root)
        .env("XTASK_ROOT", root)
        .status()
        .with_context(|| format!("cannot run the `{package}` binary through cargo"))?;
    // A signal leaves no code: report it as a failure of the command.
    let code = status.code().unwrap_or(1);
    Ok(ExitCode::from(u8::try_from(code).unwrap_or(1)))
}
