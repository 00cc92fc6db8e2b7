//! `cargo xtask conformance` (the light `xtask` binary runs this one): every documented sample
//! and spec example against the specs and the generated types, then the constraint probe's
//! table. Kept out of `xtask` because `conformance` and `constraint-probe` bring the HTTP stack
//! (hyper, rustls, axum) that generating code does not need.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

mod probe;

/// Check every documented sample and spec example against the specs and the generated types:
/// one row per sample with its verdict, then totals; then the constraint probe's table and
/// figures per API. Exit 1 on a verdict that differs from spec/samples/manifest.yaml, or a
/// constraint neither enforced nor accepted (or a stale accepted entry) in
/// crates/constraint-probe/accepted.yaml.
#[derive(Parser)]
#[command(name = "cargo xtask conformance", bin_name = "cargo xtask conformance")]
struct Cli {
    /// text (default), json, or junit (one test case per sample).
    #[arg(long, value_enum, default_value_t)]
    format: conformance::Format,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    let (report, code) = conformance::run_all(&root, cli.format);
    print!("{report}");
    let passes = match probe::run(&root) {
        Ok((table, passes)) => {
            // JSON and JUnit output stay parseable: the probe's table goes to stderr with them.
            if matches!(cli.format, conformance::Format::Text) {
                print!("{table}");
            } else {
                eprint!("{table}");
            }
            passes
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    let code = if code == 0 && !passes { 1 } else { code };
    ExitCode::from(u8::try_from(code).unwrap_or(2))
}

/// The workspace root: `XTASK_ROOT` (set by `xtask`, and by tests running against a scratch
/// copy), else two levels above this package's directory as cargo names it at run time, or as
/// it was at compile time (see `xtask`'s `workspace_root`).
fn workspace_root() -> PathBuf {
    if let Some(root) = std::env::var_os("XTASK_ROOT") {
        return PathBuf::from(root);
    }
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .ancestors()
        .nth(2)
        .map(Path::to_owned)
        .unwrap_or(manifest_dir)
}
