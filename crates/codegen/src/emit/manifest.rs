//! Each generated crate's `Cargo.toml`, its dependencies taken from the model.

use std::path::Path;

use super::CrateKind;
use crate::model::{ApiModel, ExternalCrates};
use crate::render;

pub fn manifest(model: &ApiModel, kind: CrateKind, dir: &Path, runtime_dir: &Path) -> String {
    let names = &model.names;
    let title = &model.title;
    let api = &model.api;
    let types_dep = format!(
        "{types} = {{ path = \"../{types}\", version = \"{version}\" }}\n",
        types = names.types_crate,
        version = model.version,
    );
    let (name, description, dependencies, features) = match kind {
        CrateKind::Types => (
            &names.types_crate,
            format!("Types of the {title} (generated from spec/{api}.yaml)"),
            format!(
                "base64 = \"0.22\"\nsecret = {{ path = \"{}\" }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n{}{}",
                render::relative_path(dir, &runtime_dir.with_file_name("secret")).display(),
                external(model.dependencies.types),
                timestamp_form(model.dependencies.types, dir, runtime_dir),
            ),
            schemars_feature(model.dependencies.types),
        ),
        CrateKind::Client => {
            let streams = if model.operations.iter().any(|op| op.pagination.is_some()) {
                "futures-core = \"0.3\"\nfutures-util = { version = \"0.3\", default-features = false, features = [\"std\"] }\n"
            } else {
                ""
            };
            (
                &names.client_crate,
                format!("HTTP client for the {title} (generated from spec/{api}.yaml)"),
                format!(
                    "{types_dep}client-runtime = {{ path = \"{}\" }}\n{streams}progenitor-client = \"0.15\"\nreqwest = {{ version = \"0.13\", default-features = false, features = [\"json\", \"query\", \"stream\"] }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n{}",
                    render::relative_path(dir, &runtime_dir.with_file_name("client-runtime")).display(),
                    external(model.dependencies.client)
                ),
                "\n[features]\ndefault = [\"rustls\"]\n# HTTPS through rustls. Turn default features off to bring your own TLS setup.\nrustls = [\"reqwest/rustls\"]\n".to_owned(),
            )
        }
        CrateKind::Server => (
            &names.server_crate,
            format!("Server trait and axum routing for the {title} (generated from spec/{api}.yaml)"),
            format!(
                "{types_dep}serde = {{ version = \"1\", features = [\"derive\"] }}\nserver-runtime = {{ path = \"{}\" }}\n{}",
                render::relative_path(dir, runtime_dir).display(),
                external(model.dependencies.server)
            ),
            String::new(),
        ),
    };
    format!(
        "{header}[package]\nname = \"{name}\"\nversion = \"{version}\"\ndescription = \"{description}\"\nedition.workspace = true\nlicense.workspace = true\npublish.workspace = true\n\n[dependencies]\n{dependencies}{features}",
        header = render::header(api, "#"),
        version = model.version,
        description = description.replace('"', "'"),
    )
}

/// The workspace's `timestamp-form` crate, beside `server-runtime` (as is `client-runtime`).
fn timestamp_form(crates: ExternalCrates, dir: &Path, runtime_dir: &Path) -> String {
    if !crates.timestamp_form {
        return String::new();
    }
    let path = render::relative_path(dir, &runtime_dir.with_file_name("timestamp-form"));
    format!("timestamp-form = {{ path = \"{}\" }}\n", path.display())
}

fn external(crates: ExternalCrates) -> String {
    let mut out = String::new();
    if crates.chrono {
        out.push_str("chrono = { version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }\n");
    }
    if crates.regress {
        out.push_str("regress = \"0.12\"\n");
    }
    if crates.uuid {
        out.push_str("uuid = { version = \"1\", features = [\"serde\"] }\n");
    }
    out
}

/// The schemars major version the types crates pin (the one typify already brings into the
/// lock file, so the feature adds no second copy).
const SCHEMARS_VERSION: &str = "0.8";

/// The types crate's optional schemars dependency and its default-off feature, with the
/// schemars features the types' external crates need (`chrono`, `uuid1`).
fn schemars_feature(crates: ExternalCrates) -> String {
    let mut features = Vec::new();
    if crates.chrono {
        features.push("\"chrono\"");
    }
    if crates.uuid {
        features.push("\"uuid1\"");
    }
    format!(
        "schemars = {{ version = \"{version}\", optional = true, features = [{features}] }}\n\n[features]\n# `schemars::JsonSchema` on every schema type, and `schema_types::json_schema`.\nschemars = [\"dep:schemars\"]\n",
        version = SCHEMARS_VERSION,
        features = features.join(", "),
    )
}
