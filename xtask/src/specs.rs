//! `cargo xtask specs`, and the spec checks that `cargo xtask codegen` runs first.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use spec_model::{LoadError, Spec};

/// Every `spec/*.yaml`, loaded with its path relative to the root, so that messages read
/// `spec/publica.yaml:12: ...`. A spec that does not load is its error.
pub fn load_all(root: &Path) -> Result<Vec<Result<Spec, LoadError>>> {
    let files = spec_model::spec_files(root.join("spec"))?;
    Ok(files
        .iter()
        .map(|file| {
            let relative = file.strip_prefix(root).unwrap_or(file);
            let text = std::fs::read_to_string(file).map_err(|error| LoadError::Io {
                path: relative.to_owned(),
                error,
            })?;
            spec_model::parse(relative, text)
        })
        .collect())
}

/// Every problem of every spec, one `file:line: pointer: message` (or a load error) each.
pub fn problems(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for loaded in load_all(root)? {
        match loaded {
            Ok(spec) => problems.extend(problems_of(&spec).iter().map(ToString::to_string)),
            Err(error) => problems.push(error.to_string()),
        }
    }
    Ok(problems)
}

/// The spec's invariants, then what the generators need of it: one list, so that a spec written
/// elsewhere learns everything it must change in one run.
fn problems_of(spec: &Spec) -> Vec<spec_model::Problem> {
    let mut problems = spec_model::check(spec);
    problems.extend(codegen::conventions::check(spec));
    problems.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
    problems
}

/// `cargo xtask specs`: loads and checks every spec and prints what it defines; exit 1 on any
/// problem.
pub fn run(root: &Path) -> Result<ExitCode> {
    let mut failed = false;
    println!(
        "{:<12} {:>10} {:>8} {:>9}",
        "api", "operations", "schemas", "examples"
    );
    for loaded in load_all(root)? {
        let spec = match loaded {
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
        for problem in problems_of(&spec) {
            eprintln!("error: {problem}");
            failed = true;
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
