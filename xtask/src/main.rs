//! `cargo xtask`: the workspace's automation entry point.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Workspace automation for the vendor API specs")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load every spec in spec/, check its invariants and print what it defines.
    Specs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    match cli.command {
        Command::Specs => specs(&root.join("spec")),
    }
}

fn workspace_root() -> PathBuf {
    // xtask lives in <root>/xtask.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask has a parent directory")
        .to_owned()
}

fn specs(dir: &Path) -> ExitCode {
    let files = match spec_model::spec_files(dir) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut failed = false;
    println!("{:<12} {:>10} {:>8} {:>9}", "api", "operations", "schemas", "examples");
    for file in files {
        let spec = match spec_model::load(&file) {
            Ok(spec) => spec,
            Err(error) => {
                eprintln!("error: {error}");
                failed = true;
                continue;
            }
        };
        let summary = spec.summary();
        println!(
            "{:<12} {:>10} {:>8} {:>9}",
            spec.api, summary.operations, summary.schemas, summary.examples
        );
        for op in spec.operations() {
            println!("    {:<28} {:<6} {}", op.name(), op.method, op.path);
        }
        for problem in spec_model::check(&spec) {
            eprintln!("error: {problem}");
            failed = true;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
