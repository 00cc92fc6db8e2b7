//! `cargo xtask`: the workspace's automation entry point.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod diff;
mod semver;

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
    /// Check every documented sample and spec example against the specs and the generated
    /// types: one row per sample with its verdict, then totals. Exit 1 on a verdict that differs
    /// from spec/samples/manifest.yaml.
    Conformance {
        /// text (default), json, or junit (one test case per sample).
        #[arg(long, value_enum, default_value_t)]
        format: conformance::Format,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    match cli.command {
        Command::Specs => specs(&root.join("spec")),
        Command::Codegen { check } => codegen(&root, check),
        Command::Diff {
            base,
            format,
            fail_on_breaking,
        } => diff::run(&root, base.as_deref(), format == "json", fail_on_breaking),
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
            semver::run(&root, mode)
        }
        Command::Conformance { format } => {
            let (report, code) = conformance::run_all(&root, format);
            print!("{report}");
            ExitCode::from(u8::try_from(code).unwrap_or(2))
        }
    }
}

fn workspace_root() -> PathBuf {
    // Tests run the binary against a scratch copy of the workspace.
    if let Some(root) = std::env::var_os("XTASK_ROOT") {
        return PathBuf::from(root);
    }
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
    println!(
        "{:<12} {:>10} {:>8} {:>9}",
        "api", "operations", "schemas", "examples"
    );
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

fn codegen(root: &Path, check: bool) -> ExitCode {
    // A spec change needs the version bump it implies before anything is generated from it.
    let (refusals, notes) = diff::version_gate(root);
    for note in notes {
        eprintln!("note: {note}");
    }
    if !refusals.is_empty() {
        for refusal in refusals {
            eprintln!("error: {refusal}");
        }
        eprintln!("nothing was written (see `cargo xtask diff`)");
        return ExitCode::FAILURE;
    }
    let apis = match codegen::generate_dir(&root.join("spec")) {
        Ok(apis) => apis,
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!("nothing was written");
            return ExitCode::FAILURE;
        }
    };
    let mut files: Vec<codegen::GeneratedFile> =
        apis.iter().flat_map(|a| a.files.clone()).collect();
    let registry = codegen::registry(&apis);
    files.extend(registry.iter().cloned());
    let reports = if check {
        codegen::compare(root, &files)
    } else {
        codegen::write_changed(root, &files)
    };
    let reports = match reports {
        Ok(reports) => reports,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    for api in &apis {
        println!(
            "{}: {} operations, {} types ({} open enums), {} pagination streams",
            api.api,
            api.operations.len(),
            api.types.len(),
            api.open_enums.len(),
            api.streams.len()
        );
        println!("    operations: {}", api.operations.join(", "));
        println!("    types:      {}", api.types.join(", "));
        if !api.streams.is_empty() {
            println!("    streams:    {}", api.streams.join(", "));
        }
        for report in reports
            .iter()
            .filter(|r| api.files.iter().any(|f| f.path == r.path))
        {
            println!("    {report}");
        }
    }
    println!("the API registry ({}):", codegen::REGISTRY_DIR);
    for report in reports
        .iter()
        .filter(|r| registry.iter().any(|f| f.path == r.path))
    {
        println!("    {report}");
    }
    let stale: Vec<&codegen::FileReport> = reports.iter().filter(|r| r.is_changed()).collect();
    if check && !stale.is_empty() {
        for report in &stale {
            match &report.state {
                codegen::FileState::Stale { diff } => eprintln!("{diff}"),
                _ => eprintln!("missing: {}", report.path.display()),
            }
        }
        eprintln!(
            "error: {} generated file(s) are stale; run `cargo xtask codegen` and commit the result",
            stale.len()
        );
        return ExitCode::FAILURE;
    }
    if !check {
        println!(
            "{} file(s) written, {} unchanged",
            stale.len(),
            reports.len() - stale.len()
        );
    }
    ExitCode::SUCCESS
}
