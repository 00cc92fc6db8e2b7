//! The generated crates' documentation says what the spec says, about the crate it is in and
//! the API it describes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use codegen::{generate_dir, ApiOutput};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn generated() -> Vec<ApiOutput> {
    generate_dir(&root().join("spec")).unwrap_or_else(|e| panic!("{e}"))
}

fn file<'a>(api: &'a ApiOutput, suffix: &str) -> &'a str {
    api.files
        .iter()
        .find(|f| f.path.to_string_lossy().ends_with(suffix))
        .map(|f| f.contents.as_str())
        .unwrap_or_else(|| panic!("{} has {suffix}", api.api))
}

/// Every doc text of a file: `//!` and `///` lines and `#[doc = "..."]` attributes.
fn docs_of(code: &str) -> String {
    let mut out = String::new();
    for line in code.lines() {
        let line = line.trim_start();
        if let Some(doc) = line
            .strip_prefix("//!")
            .or_else(|| line.strip_prefix("///"))
        {
            out.push_str(doc);
            out.push('\n');
        }
    }
    out
}

/// The doc of each field of each `...Query` struct: (struct, serde name) -> doc.
fn query_field_docs(server_code: &str) -> BTreeMap<(String, String), String> {
    let file = syn::parse_file(server_code).unwrap();
    let mut out = BTreeMap::new();
    for item in &file.items {
        let syn::Item::Struct(s) = item else { continue };
        if !s.ident.to_string().ends_with("Query") {
            continue;
        }
        for field in &s.fields {
            let mut doc = String::new();
            let mut name = field.ident.as_ref().unwrap().to_string();
            for attr in &field.attrs {
                if attr.path().is_ident("doc") {
                    if let syn::Meta::NameValue(nv) = &attr.meta {
                        if let syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(text),
                            ..
                        }) = &nv.value
                        {
                            // One attribute per doc line.
                            doc.push(' ');
                            doc.push_str(text.value().trim());
                        }
                    }
                }
                if attr.path().is_ident("serde") {
                    let _ = attr.parse_nested_meta(|meta| {
                        if meta.path.is_ident("rename") {
                            let text: syn::LitStr = meta.value()?.parse()?;
                            name = text.value();
                        }
                        Ok(())
                    });
                }
            }
            out.insert((s.ident.to_string(), name), doc);
        }
    }
    out
}

#[test]
fn each_query_field_is_documented_with_the_specs_description() {
    let mut checked = 0;
    for api in generated() {
        let spec = spec_model::load(root().join(format!("spec/{}.yaml", api.api))).unwrap();
        let docs = query_field_docs(file(&api, "-server/src/generated.rs"));
        for op in spec.operations() {
            let raw = op.value;
            for param in raw
                .get("parameters")
                .and_then(|p| p.as_array())
                .into_iter()
                .flatten()
            {
                let param = spec.follow(param).unwrap().value;
                if param["in"] != "query" {
                    continue;
                }
                let name = param["name"].as_str().unwrap();
                let Some(description) = param.get("description").and_then(|d| d.as_str()) else {
                    continue;
                };
                use heck::ToUpperCamelCase;
                let key = (
                    format!("{}Query", op.name().to_upper_camel_case()),
                    name.to_owned(),
                );
                let doc = docs
                    .get(&key)
                    .unwrap_or_else(|| panic!("{}: {key:?} is generated", api.api));
                let normalise = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
                assert_eq!(
                    normalise(doc),
                    normalise(description),
                    "{}: {key:?}",
                    api.api
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 8,
        "query parameters with descriptions checked: {checked}"
    );
}

#[test]
fn no_crate_documents_another_api() {
    let apis = generated();
    let names: Vec<String> = apis.iter().map(|a| a.api.clone()).collect();
    for api in &apis {
        for generated in &api.files {
            let docs = docs_of(&generated.contents).to_lowercase();
            for other in names.iter().filter(|n| **n != api.api) {
                // As a word: `publica` (Publica.la), not `publication`.
                let named = docs.match_indices(other.as_str()).any(|(at, _)| {
                    let before = docs[..at].chars().next_back();
                    let after = docs[at + other.len()..].chars().next();
                    !before.is_some_and(char::is_alphanumeric)
                        && !after.is_some_and(char::is_alphanumeric)
                });
                assert!(
                    !named,
                    "{} names the {other} API in its docs",
                    generated.path.display()
                );
            }
        }
    }
}

#[test]
fn each_crate_documents_itself() {
    for api in generated() {
        let server = docs_of(file(&api, "-server/src/lib.rs"));
        assert!(
            server.trim_start().starts_with("Server side of the"),
            "{server}"
        );
        assert!(
            server.contains("[`router`]") && !server.contains("HTTP client for"),
            "{server}"
        );
        let client = docs_of(file(&api, "-client/src/lib.rs"));
        assert!(
            client.trim_start().starts_with("HTTP client for the"),
            "{client}"
        );
        let types = docs_of(file(&api, "-types/src/lib.rs"));
        assert!(types.trim_start().starts_with("Types of the"), "{types}");
        // The `types` re-export names the crate it is in correctly.
        let server_code = file(&api, "-server/src/generated.rs");
        let client_code = file(&api, "-client/src/generated.rs");
        assert!(
            server_code.contains(&format!("shared with `{}-client`", api.api)),
            "{}",
            api.api
        );
        assert!(
            client_code.contains(&format!("shared with `{}-server`", api.api)),
            "{}",
            api.api
        );
        assert!(
            !server_code.contains("shared with the server crate"),
            "{}",
            api.api
        );
        // The request id is documented for what this API does with it.
        let context_doc = docs_of(server_code);
        let has_header = context_doc.contains("header of every response");
        assert_eq!(
            has_header,
            api.api == "insightiq",
            "{}: request-id docs",
            api.api
        );
    }
}
