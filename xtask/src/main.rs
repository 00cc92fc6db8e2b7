//! `cargo xtask`: the workspace's automation entry point.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

mod delegate;
mod diff;
mod generate;
mod schemas;
mod semver;
mod specs;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Workspace automation for the vendor API specs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load every spec in spec/, check its invariants and print what it defines.
    Specs,
    /// Regenerate the types and client crates of every spec.
    Codegen {
        /// Change nothing: fail with a diff if any generated file is stale.
        #[arg(long)]
        check: bool,
    },
    /// List every spec change since a git base, classified for clients and for servers.
    Diff {
        /// The base revision (default: the merge base with main, or HEAD on main).
        #[arg(long)]
        base: Option<String>,
        /// text (default) or json.
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
        /// Exit 1 when a change breaks clients or servers.
        #[arg(long)]
        fail_on_breaking: bool,
    },
    /// The generated crates' Rust API against their versions, with cargo-semver-checks.
    ///
    /// Default: spec-diff's version rule against cargo-semver-checks' verdict on the crates the
    /// current generator makes from each spec before and after its changes since a git base;
    /// --scenarios does the same for a fixed edit per kind of change; --since-release checks
    /// the committed crates against the commit that released their current version. Exit 1
    /// when the Rust API breaks under a version that does not say so.
    Semver {
        /// The base revision (default: the merge base with main, or HEAD on main).
        #[arg(long, conflicts_with_all = ["scenarios", "since_release"])]
        base: Option<String>,
        /// Run the built-in scenarios instead of the git base.
        #[arg(long, conflicts_with = "since_release")]
        scenarios: bool,
        /// Check the committed crates against the commit that released their version.
        #[arg(long)]
        since_release: bool,
    },
    /// Write the JSON Schema of every component of every spec (the conversion validation uses)
    /// under target/schemas/<api>/.
    Schemas,
    /// Check every documented sample and spec example against the specs and the generated
    /// types, then the constraint probe (`cargo xtask conformance --help` for its options).
    ///
    /// Runs the `xtask-conformance` binary: it builds the HTTP stack that the other commands,
    /// `codegen` first, do not need.
    #[command(disable_help_flag = true)]
    Conformance {
        /// Passed on as they are: `--format text|json|junit`, `--help`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    // Exit 2 for an error of `diff` and `semver` (1 is their verdict), 1 for the others.
    let error_code = match cli.command {
        Command::Diff { .. } | Command::Semver { .. } => 2,
        _ => 1,
    };
    match run(&root, cli.command) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(error_code)
        }
    }
}

fn run(root: &Path, command: Command) -> Result<ExitCode> {
    match command {
        Command::Specs => specs::run(root),
        Command::Codegen { check } => generate::run(root, check),
        Command::Diff {
            base,
            format,
            fail_on_breaking,
        } => diff::run(root, base.as_deref(), format == "json", fail_on_breaking),
        Command::Semver {
            base,
            scenarios,
            since_release,
        } => {
            let mode = if scenarios {
                semver::Mode::Scenarios
            } else if since_release {
                semver::Mode::SinceRelease
            } else {
                semver::Mode::Base(base)
            };
            semver::run(root, mode)
        }
        Command::Schemas => schemas::run(root),
        Command::Conformance { args } => delegate::run(root, "xtask-conformance", &args),
    }
}

/// The workspace root: `XTASK_ROOT` (tests run the binary against a scratch copy), else the
/// parent of this package's directory as cargo names it when it runs the binary (`cargo
/// xtask`), else as it was when the binary was compiled. The run-time name comes first: the
/// fourth-API test builds a scratch copy whose artifacts share this workspace's build hashes,
/// and a binary compiled there must still work on the workspace that runs it.
fn workspace_root() -> PathBuf {
    if let Some(root) = std::env::var_os("XTASK_ROOT") {
        return PathBuf::from(root);
    }
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .map(Path::to_owned)
        .unwrap_or(manifest_dir)
}
