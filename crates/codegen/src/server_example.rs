//! The doc example of a server crate: a struct implementing the API's trait (one stub per
//! operation, answering a documented error variant) served by `router`.
//!
//! The stubs are read from the generated trait itself, so the example compiles whatever the spec
//! declares; `cargo test --doc -p <api>-server` checks it. Only one method is shown, the others
//! are hidden lines (compiled, not rendered).

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;

use crate::naming::ApiNames;
use crate::server::variant_status;

/// Types that need no import in the example (prelude and primitives).
const IN_SCOPE: &[&str] = &[
    "Option", "Vec", "String", "Box", "bool", "str", "char", "f32", "f64", "i8", "i16", "i32",
    "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
];

/// `::std::string::String` -> `String` (and `Vec`, `Option`, `Box`): shorter signatures.
struct Shorten;

impl VisitMut for Shorten {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let idents: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let prelude = ["String", "Vec", "Option", "Box"];
        if path.leading_colon.is_some()
            && idents.len() == 3
            && idents[0] == "std"
            && prelude.contains(&idents[2].as_str())
        {
            let last = path.segments.pop().expect("three segments").into_value();
            path.leading_colon = None;
            path.segments.clear();
            path.segments.push(last);
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

/// The first segments of the relative type paths of `sig` that need an import.
fn imports_of(sig: &syn::Signature) -> BTreeSet<String> {
    struct Collect(BTreeSet<String>);
    impl VisitMut for Collect {
        fn visit_type_path_mut(&mut self, ty: &mut syn::TypePath) {
            if ty.qself.is_none() && ty.path.leading_colon.is_none() {
                if let Some(first) = ty.path.segments.first() {
                    let name = first.ident.to_string();
                    let in_scope = name == "Self" || IN_SCOPE.contains(&name.as_str());
                    if !(ty.path.segments.len() == 1 && in_scope) {
                        self.0.insert(name);
                    }
                }
            }
            syn::visit_mut::visit_type_path_mut(self, ty);
        }
    }
    let mut collect = Collect(BTreeSet::new());
    collect.visit_signature_mut(&mut sig.clone());
    collect.0
}

/// `impl Future<Output = R> + Send` -> `R`.
fn future_output(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let syn::Type::ImplTrait(imp) = ty.as_ref() else {
        return None;
    };
    imp.bounds.iter().find_map(|bound| {
        let syn::TypeParamBound::Trait(t) = bound else {
            return None;
        };
        let segment = t.path.segments.last()?;
        if segment.ident != "Future" {
            return None;
        }
        let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
            return None;
        };
        args.args.iter().find_map(|arg| match arg {
            syn::GenericArgument::AssocType(assoc) if assoc.ident == "Output" => {
                Some(assoc.ty.clone())
            }
            _ => None,
        })
    })
}

/// One operation's stub.
struct Stub {
    method: syn::ImplItemFn,
    response: syn::Ident,
    success: Option<(syn::Ident, bool)>,
    has_not_found: bool,
    imports: BTreeSet<String>,
}

fn stub(
    trait_fn: &syn::TraitItemFn,
    enums: &[&syn::ItemEnum],
    context: &syn::Ident,
) -> Result<Stub, String> {
    let name = trait_fn.sig.ident.to_string();
    let output = future_output(&trait_fn.sig.output)
        .ok_or_else(|| format!("`{name}` does not return `impl Future<Output = ...>`"))?;
    let response = match &output {
        syn::Type::Path(p) if p.path.segments.len() == 1 => p.path.segments[0].ident.clone(),
        _ => {
            return Err(format!(
                "`{name}` does not return a response enum of the crate"
            ))
        }
    };
    let response_enum = enums
        .iter()
        .find(|e| e.ident == response)
        .ok_or_else(|| format!("no enum `{response}` for `{name}`"))?;
    let mut errors = Vec::new();
    let mut success = None;
    for variant in &response_enum.variants {
        let Some(status) = variant_status(&variant.ident.to_string()) else {
            return Err(format!("`{response}::{}`: no status", variant.ident));
        };
        let error_body = match &variant.fields {
            syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                let ty = &fields.unnamed[0].ty;
                quote!(#ty).to_string().replace(' ', "") == "types::Error"
            }
            _ => false,
        };
        if status < 300 && success.is_none() {
            success = Some((
                variant.ident.clone(),
                !matches!(variant.fields, syn::Fields::Unit),
            ));
        } else if status >= 400 && error_body {
            errors.push((status, variant.ident.clone()));
        }
    }
    // Not found where documented; else the first error that is not about credentials.
    let (status, variant) = errors
        .iter()
        .find(|(s, _)| *s == 404)
        .or_else(|| errors.iter().find(|(s, _)| ![401, 403].contains(s)))
        .or_else(|| errors.first())
        .cloned()
        .ok_or_else(|| format!("`{response}` has no variant carrying `types::Error`"))?;

    let mut sig = trait_fn.sig.clone();
    sig.asyncness = Some(Default::default());
    sig.output = syn::ReturnType::Type(Default::default(), Box::new(output));
    let mut has_context = false;
    for input in sig.inputs.iter_mut() {
        let syn::FnArg::Typed(typed) = input else {
            continue;
        };
        let syn::Pat::Ident(pat) = typed.pat.as_mut() else {
            continue;
        };
        if pat.ident == *context {
            has_context = true;
        } else {
            pat.ident = format_ident!("_{}", pat.ident);
        }
    }
    if !has_context {
        return Err(format!("`{name}` has no `{context}` argument"));
    }
    Shorten.visit_signature_mut(&mut sig);
    let status_literal = syn::LitInt::new(&status.to_string(), proc_macro2::Span::call_site());
    let method: syn::ImplItemFn = syn::parse_quote! {
        #sig {
            let error = #context.error(#status_literal, "not_implemented", "not implemented yet", None);
            #response::#variant(error)
        }
    };
    let mut imports = imports_of(&sig);
    imports.insert(response.to_string());
    Ok(Stub {
        method,
        response,
        success,
        has_not_found: status == 404,
        imports,
    })
}

/// The method as prettyplease prints it inside an impl block (indented by four spaces).
fn method_lines(trait_name: &syn::Ident, method: &syn::ImplItemFn) -> Vec<String> {
    let text = prettyplease::unparse(&syn::parse_quote! {
        impl #trait_name for MyApi {
            #method
        }
    });
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[1..lines.len() - 1].to_vec()
}

/// `use krate::{a, b, C};` with lower-case names first, as rustfmt orders them.
fn use_line(krate: &str, names: &BTreeSet<String>) -> String {
    let (lower, upper): (Vec<&String>, Vec<&String>) = names
        .iter()
        .partition(|n| n.starts_with(|c: char| c.is_lowercase()));
    let all: Vec<&str> = lower.into_iter().chain(upper).map(String::as_str).collect();
    match all.as_slice() {
        [one] => format!("use {krate}::{one};"),
        _ => format!("use {krate}::{{{}}};", all.join(", ")),
    }
}

/// The example (a fenced `no_run` doctest) for the server crate's docs.
pub fn example(
    names: &ApiNames,
    credentials_args: &str,
    server_code: &str,
) -> Result<String, String> {
    let file: syn::File = syn::parse_str(server_code).map_err(|e| e.to_string())?;
    let trait_name = format_ident!("{}Api", names.api.to_upper_camel_case());
    let context = format_ident!("ctx");
    let api_trait = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Trait(t) if t.ident == trait_name => Some(t),
            _ => None,
        })
        .ok_or_else(|| format!("no trait `{trait_name}`"))?;
    let enums: Vec<&syn::ItemEnum> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Enum(e) => Some(e),
            _ => None,
        })
        .collect();
    let mut stubs = Vec::new();
    for item in &api_trait.items {
        if let syn::TraitItem::Fn(f) = item {
            stubs.push(stub(f, &enums, &context)?);
        }
    }
    if stubs.is_empty() {
        return Err(format!("`{trait_name}` has no methods"));
    }
    // Show the first operation answering "not found" (the most natural stub), hide the others.
    let shown = stubs.iter().position(|s| s.has_not_found).unwrap_or(0);
    let visible = stubs.remove(shown);

    let krate = names.server_crate.replace('-', "_");
    let mut shown_imports: BTreeSet<String> = ["router", "Context", "ServerConfig"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    shown_imports.insert(trait_name.to_string());
    shown_imports.extend(visible.imports.iter().cloned());
    let hidden_imports: BTreeSet<String> = stubs
        .iter()
        .flat_map(|s| s.imports.iter().cloned())
        .filter(|n| !shown_imports.contains(n))
        .collect();

    let mut out = vec![
        "```no_run".to_owned(),
        "use std::sync::Arc;".to_owned(),
        String::new(),
        format!("use {krate}::types::auth::Credentials;"),
        use_line(&krate, &shown_imports),
    ];
    if !hidden_imports.is_empty() {
        out.push(format!("# {}", use_line(&krate, &hidden_imports)));
    }
    out.extend([
        "use server_runtime::axum; // or an `axum = \"0.8\"` dependency of your own".to_owned(),
        String::new(),
        "struct MyApi;".to_owned(),
        String::new(),
        format!("impl {trait_name} for MyApi {{"),
    ]);
    let mut lines = method_lines(&trait_name, &visible.method);
    let body = lines
        .iter()
        .position(|l| l.trim_end().ends_with('{'))
        .ok_or("no method body")?;
    let answer = match &visible.success {
        Some((variant, true)) => format!(" `{}::{variant}(..)`", visible.response),
        Some((variant, false)) => format!(" `{}::{variant}`", visible.response),
        None => String::new(),
    };
    lines.insert(
        body + 1,
        format!("        // A real implementation does the work and answers{answer}."),
    );
    out.extend(lines);
    if !stubs.is_empty() {
        out.push(
            "    // ... and one method per other operation (hidden here), likewise.".to_owned(),
        );
        for stub in &stubs {
            out.extend(
                method_lines(&trait_name, &stub.method)
                    .into_iter()
                    .map(|l| format!("# {l}")),
            );
        }
    }
    out.extend([
        "}".to_owned(),
        String::new(),
        "/// Serves the API on `listener` (a `tokio::net::TcpListener`, for example).".to_owned(),
        "async fn serve<L>(listener: L) -> std::io::Result<()>".to_owned(),
        "where".to_owned(),
        "    L: axum::serve::Listener,".to_owned(),
        "    L::Addr: std::fmt::Debug,".to_owned(),
        "{".to_owned(),
        format!("    let credentials = Credentials::new({credentials_args});"),
        "    let app = router(Arc::new(MyApi), ServerConfig::new(credentials));".to_owned(),
        "    axum::serve(listener, app).await".to_owned(),
        "}".to_owned(),
        "```".to_owned(),
    ]);
    Ok(out.join("\n"))
}
