//! Generating the types and client crates of one API.

use quote::quote;
use spec_model::Spec;

use crate::crates::{self, CrateFiles, UsedCrates};
use crate::naming::ApiNames;
use crate::{
    allows, auth_types, client_extras, docs, enums, progenitor_run, security, server,
    server_example, CodegenError, GeneratedFile,
};

/// What was generated for one API, for the summary `cargo xtask codegen` prints.
#[derive(Debug, Clone, Default)]
pub struct ApiOutput {
    pub api: String,
    pub files: Vec<GeneratedFile>,
    pub operations: Vec<String>,
    pub types: Vec<String>,
    pub open_enums: Vec<String>,
    pub streams: Vec<String>,
}

pub fn generate(spec: &Spec) -> Result<ApiOutput, CodegenError> {
    let file = spec.path.display().to_string();
    let names = ApiNames::new(&spec.api);
    let security = security::security(spec)?;
    let progenitor = progenitor_run::run(&file, &spec.openapi)?;

    // The types crate.
    let mut types = progenitor.types;
    enums::strip_blanket_allows(&mut types);
    let open_enums = enums::forward_compatible_enums(&mut types);
    enums::tolerate_missing_nullable(&mut types);
    let type_names: Vec<String> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    types.extend(crates::parse_items(auth_types::auth_module(&security)));
    types.extend(crates::parse_items(server::round_trip_fn(
        spec,
        &progenitor.client,
    )?));
    docs::autolink_items(&mut types);
    let types_code = crates::format_items(types);
    require_reasons(&file, &names.types_crate, &types_code)?;
    let types_used = UsedCrates::of(&types_code);
    let title = &spec.openapi.info.title;
    let mut files = crates::files(
        spec,
        &names,
        CrateFiles {
            name: names.types_crate.clone(),
            description: format!("Types of the {title} (generated from spec/{}.yaml)", spec.api),
            dependencies: format!(
                "base64 = \"0.22\"\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n{}",
                types_used.toml_lines()
            ),
            features: String::new(),
            lib_docs: types_docs(spec, &names, &open_enums),
            generated: types_code,
        },
    );

    // The client crate.
    let mut client = progenitor.client;
    enums::strip_blanket_allows(&mut client);
    allows::explain_progenitor_allows(&mut client);
    let operations: Vec<String> = spec.operations().iter().map(|op| op.name()).collect();
    let (streams_tokens, streams) = client_extras::pagination(spec, &client)?;
    let headers = client_extras::universal_response_headers(spec);
    let extras = vec![
        client_extras::environments(spec),
        client_extras::credentials_constructor(),
        client_extras::response_headers_trait(&headers),
        streams_tokens,
    ];
    let client_for_server = client.clone();
    let mut items = vec![crates::use_types(&names)];
    items.extend(client.into_iter().map(allow_needless_lifetimes));
    for tokens in extras {
        items.extend(crates::parse_items(tokens));
    }
    docs::autolink_items(&mut items);
    let client_code = crates::format_items(items);
    require_reasons(&file, &names.client_crate, &client_code)?;
    let client_used = UsedCrates::of(&client_code);
    let streams_deps = if streams.is_empty() {
        ""
    } else {
        "futures-core = \"0.3\"\nfutures-util = { version = \"0.3\", default-features = false, features = [\"std\"] }\n"
    };
    files.extend(crates::files(
        spec,
        &names,
        CrateFiles {
            name: names.client_crate.clone(),
            description: format!("HTTP client for the {title} (generated from spec/{}.yaml)", spec.api),
            dependencies: format!(
                "{types} = {{ path = \"../{types}\", version = \"{version}\" }}\n{streams_deps}progenitor-client = \"0.15\"\nreqwest = {{ version = \"0.13\", default-features = false, features = [\"json\", \"query\", \"stream\"] }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n{used}",
                types = names.types_crate,
                version = spec.openapi.info.version,
                used = client_used.toml_lines(),
            ),
            features: "\n[features]\ndefault = [\"rustls\"]\n# HTTPS through rustls. Turn default features off to bring your own TLS setup.\nrustls = [\"reqwest/rustls\"]\n".to_owned(),
            lib_docs: client_docs(spec, &names, &security, &headers, &client_code)?,
            generated: client_code,
        },
    ));

    // The server crate.
    let (server_tokens, server_operations) =
        server::server_code(spec, &names, &client_for_server, &security, &headers)?;
    let mut server_items = vec![crates::use_types(&names)];
    server_items.extend(crates::parse_items(server_tokens));
    docs::autolink_items(&mut server_items);
    let server_code = crates::format_items(server_items);
    require_reasons(&file, &names.server_crate, &server_code)?;
    let server_used = UsedCrates::of(&server_code);
    files.extend(crates::files(
        spec,
        &names,
        CrateFiles {
            name: names.server_crate.clone(),
            description: format!("Server trait and axum routing for the {title} (generated from spec/{}.yaml)", spec.api),
            dependencies: format!(
                "{types} = {{ path = \"../{types}\", version = \"{version}\" }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserver-runtime = {{ path = \"../server-runtime\" }}\n{used}",
                types = names.types_crate,
                version = spec.openapi.info.version,
                used = server_used.toml_lines(),
            ),
            features: String::new(),
            lib_docs: server_docs(spec, &names, &security, &server_code)?,
            generated: server_code,
        },
    ));
    debug_assert_eq!(server_operations.len(), operations.len());

    Ok(ApiOutput {
        api: spec.api.clone(),
        files,
        operations,
        types: type_names,
        open_enums,
        streams,
    })
}

/// Generated code is clippy-clean without blanket allows: every `#[allow]` must say why.
fn require_reasons(file: &str, krate: &str, code: &str) -> Result<(), CodegenError> {
    let unexplained = allows::unexplained_allows(code).map_err(|e| {
        CodegenError::new(
            file,
            Some(krate.to_owned()),
            format!("generated code does not parse: {e}"),
        )
    })?;
    if unexplained.is_empty() {
        return Ok(());
    }
    Err(CodegenError::new(
        file,
        Some(krate.to_owned()),
        format!(
            "generated code has an `#[allow]` without `reason` ({}): give it one in crates/codegen/src/allows.rs",
            unexplained.join("; ")
        ),
    ))
}

/// progenitor's positional methods declare `<'a>` even when no argument borrows; clippy's
/// `needless_lifetimes` would fire on those. The allow is targeted and says why.
fn allow_needless_lifetimes(item: syn::Item) -> syn::Item {
    match item {
        syn::Item::Impl(mut imp) if imp.trait_.is_none() => {
            imp.attrs.push(syn::parse_quote! {
                #[allow(
                    clippy::needless_lifetimes,
                    clippy::unnecessary_to_owned,
                    reason = "progenitor declares <'a> on every operation method and formats every path parameter with to_string()"
                )]
            });
            syn::Item::Impl(imp)
        }
        other => other,
    }
}

fn server_docs(
    spec: &Spec,
    names: &ApiNames,
    security: &security::Security,
    server_code: &str,
) -> Result<String, CodegenError> {
    use heck::ToUpperCamelCase;
    let title = &spec.openapi.info.title;
    let example = server_example::example(names, &credentials_args(security), server_code)
        .map_err(|message| {
            CodegenError::new(
                &spec.path.display().to_string(),
                Some(names.server_crate.clone()),
                format!("cannot build the crate's doc example: {message}"),
            )
        })?;
    Ok(format!(
        "Server side of the {title}, generated from `spec/{api}.yaml`.\n\nImplement [`{camel}Api`] (one async method per operation, typed inputs, one response enum per\noperation) and serve it with [`router`]: routing at the spec's paths, validation of every\nparameter and body against the spec, credentials checked in constant time, the API's error\nbody for everything the server rejects itself, 413 beyond the body limit, and a 500 (not a\ncrash) when an implementation panics. The types are those of `{types}`, shared with\n`{client}`.\n\n{example}",
        api = spec.api,
        camel = names.api.to_upper_camel_case(),
        types = names.types_crate,
        client = names.client_crate,
    ))
}

/// The arguments of `Credentials::new` in the doc examples: placeholders, one per secret.
fn credentials_args(security: &security::Security) -> String {
    let args: Vec<String> = security
        .schemes
        .iter()
        .flat_map(|s| match s.kind {
            security::SchemeKind::Basic => {
                vec!["\"client-id\"".to_owned(), "\"client-secret\"".to_owned()]
            }
            security::SchemeKind::ApiKeyHeader { .. } => {
                vec![format!("\"{}\"", s.field.replace('_', "-"))]
            }
        })
        .collect();
    args.join(", ")
}

fn types_docs(spec: &Spec, names: &ApiNames, open_enums: &[String]) -> String {
    let title = &spec.openapi.info.title;
    format!(
        "Types of the {title}, generated from `spec/{api}.yaml`.\n\nShared by `{client}` and `{server}`: one Rust type per schema of the spec, plus\n[`auth::Credentials`] for its security schemes.\n\n- Enums are open: a value the spec does not list deserializes into an `Unknown(String)`\n  variant instead of failing ({count} enums).\n- A required, nullable field whose key is missing reads as `None`.",
        api = spec.api,
        client = names.client_crate,
        server = names.server_crate,
        count = open_enums.len(),
    )
}

fn client_docs(
    spec: &Spec,
    names: &ApiNames,
    security: &security::Security,
    headers: &[(String, String)],
    client_code: &str,
) -> Result<String, CodegenError> {
    let title = &spec.openapi.info.title;
    let krate = names.client_crate.replace('-', "_");
    let base_url = if client_code.contains("pub enum Environment") {
        "Environment::default().base_url()".to_owned()
    } else {
        "&server_url(\"example.com\")".to_owned()
    };
    let base_import = if client_code.contains("pub enum Environment") {
        "Environment"
    } else {
        "server_url"
    };
    let (call, label) = example_call(spec, client_code).ok_or_else(|| {
        CodegenError::new(
            &spec.path.display().to_string(),
            None,
            "no operation is simple enough for the crate's doc example",
        )
    })?;
    let header_line = headers
        .first()
        .map(|(name, _)| {
            use heck::ToSnakeCase;
            format!(
                "//! println!(\"{name}: {{:?}}\", response.{}());\n",
                name.to_snake_case()
            )
        })
        .unwrap_or_default();
    let header_import = if headers.is_empty() {
        ""
    } else {
        ", ResponseHeaders"
    };
    let example = format!(
        "```no_run\n# async fn example() -> Result<(), Box<dyn std::error::Error>> {{\nuse {krate}::{{types::auth::Credentials, Client, {base_import}{header_import}}};\n\nlet credentials = Credentials::new({args});\nlet client = Client::with_credentials({base_url}, &credentials)?;\n// {label}\nlet response = client.{call}.await?;\n{header}let body = response.into_inner();\n# let _ = body;\n# Ok(())\n# }}\n```",
        args = credentials_args(security),
        header = header_line.trim_start_matches("//! "),
    );
    Ok(format!(
        "HTTP client for the {title}, generated from `spec/{api}.yaml` with progenitor.\n\nOne async method per operation on [`Client`]; the request and response types are in\n[`types`] (the `{types}` crate, shared with `{server}`).\n\n{example}",
        api = spec.api,
        types = names.types_crate,
        server = names.server_crate,
    ))
}

/// A call of the first operation whose arguments can all be written as literals.
fn example_call(spec: &Spec, client_code: &str) -> Option<(String, String)> {
    let file: syn::File = syn::parse_str(client_code).ok()?;
    for op in spec.operations() {
        let name = op.name();
        let Some(sig) = file.items.iter().find_map(|item| match item {
            syn::Item::Impl(imp) => imp.items.iter().find_map(|i| match i {
                syn::ImplItem::Fn(f) if f.sig.ident == name => Some(f.sig.clone()),
                _ => None,
            }),
            _ => None,
        }) else {
            continue;
        };
        let mut args = Vec::new();
        let mut ok = true;
        for input in sig.inputs.iter().skip(1) {
            let syn::FnArg::Typed(typed) = input else {
                continue;
            };
            let ty = typed.ty.as_ref();
            let text = quote!(#ty).to_string().replace(' ', "");
            args.push(if text.starts_with("Option<") {
                "None".to_owned()
            } else if text.ends_with("str") {
                "\"9bd39495-ad21-40f7-a8a6-9c8cf9d6a822\"".to_owned()
            } else if ["i64", "u64", "i32", "u32"].contains(&text.as_str()) {
                "322673814".to_owned()
            } else {
                ok = false;
                String::new()
            });
        }
        if ok {
            let summary = op.operation.summary.clone().unwrap_or_else(|| name.clone());
            return Some((format!("{name}({})", args.join(", ")), summary));
        }
    }
    None
}
