//! `cargo xtask schemas`: the faithful JSON Schema of every component of every spec, as the
//! project converts it for validation (`openapi-jsonschema`), one file per component under
//! `target/schemas/<api>/<Component>.json` (and `<Component>.request.json` where the request
//! direction differs, i.e. the schema has `readOnly` members).

use std::path::Path;

use anyhow::{Context, Result};
use openapi_jsonschema::{convert, Direction};
use serde_json::Value;

pub fn run(root: &Path) -> Result<std::process::ExitCode> {
    let specs = spec_model::load_dir(root.join("spec")).map_err(|e| anyhow::anyhow!("{e}"))?;
    let out = root.join("target/schemas");
    let mut written = 0;
    for spec in &specs {
        let dir = out.join(&spec.api);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let names: Vec<String> = spec
            .document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        for name in names {
            let reference = format!("#/components/schemas/{}", spec_model::escape_pointer(&name));
            let response = convert(spec, &reference, Direction::Response)
                .map_err(|e| anyhow::anyhow!("{}: {e}", spec.location(&e.pointer)))?;
            let request = convert(spec, &reference, Direction::Request)
                .map_err(|e| anyhow::anyhow!("{}: {e}", spec.location(&e.pointer)))?;
            write(&dir.join(format!("{name}.json")), &response)?;
            written += 1;
            if request != response {
                write(&dir.join(format!("{name}.request.json")), &request)?;
                written += 1;
            }
        }
        println!("{}: {}", spec.api, dir.display());
    }
    println!("{written} schemas written under {}", out.display());
    Ok(std::process::ExitCode::SUCCESS)
}

fn write(path: &Path, schema: &Value) -> Result<()> {
    let mut text = serde_json::to_string_pretty(schema)?;
    text.push('\n');
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}
