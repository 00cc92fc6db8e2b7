//! `cargo xtask codegen [--check]`: the spec checks, then the version gate, then generation.
//! Nothing is written unless all three pass.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

/// `cargo xtask codegen`; with `check`, changes nothing and fails with a diff when a generated
/// file is stale.
pub fn run(root: &Path, check: bool) -> Result<ExitCode> {
    // A spec error is reported where it is (file, line, pointer), before any version advice
    // and before the generator meets it.
    let problems = crate::specs::problems(root)?;
    if !problems.is_empty() {
        for problem in &problems {
            eprintln!("error: {problem}");
        }
        eprintln!(
            "nothing was written: {} spec problem(s) (`cargo xtask specs` lists them)",
            problems.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    // A spec change needs the version bump it implies before anything is generated from it.
    let gate = crate::diff::version_gate(root);
    for note in &gate.notes {
        eprintln!("note: {note}");
    }
    if !gate.refusals.is_empty() {
        for refusal in &gate.refusals {
            eprintln!("error: {refusal}");
        }
        eprintln!("nothing was written (see `cargo xtask diff`)");
        return Ok(ExitCode::FAILURE);
    }
    // Loaded with paths relative to the root, as the checks above were: a generator error names
    // `spec/<api>.yaml`, not where the checkout happens to be.
    let mut apis = Vec::new();
    for loaded in crate::specs::load_all(root)? {
        let generated = loaded
            .map_err(|error| error.to_string())
            .and_then(|spec| codegen::generate(&spec).map_err(|error| error.to_string()));
        match generated {
            Ok(api) => apis.push(api),
            Err(error) => {
                eprintln!("error: {error}");
                eprintln!("nothing was written");
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    let mut files: Vec<codegen::GeneratedFile> =
        apis.iter().flat_map(|a| a.files.clone()).collect();
    let registry = codegen::registry(&apis);
    files.extend(registry.iter().cloned());
    let reports = if check {
        codegen::compare(root, &files).context("cannot compare the generated files with disk")?
    } else {
        codegen::write_changed(root, &files).context("cannot write the generated files")?
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
        return Ok(ExitCode::FAILURE);
    }
    if !check {
        println!(
            "{} file(s) written, {} unchanged",
            stale.len(),
            reports.len() - stale.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
