//! The doc example of a server crate: a struct implementing the API's trait (one stub per
//! operation, answering a documented error variant) served by `router`.
//!
//! The stubs come from the model, as the trait does, so the example compiles whatever the spec
//! declares; `cargo test --doc -p <api>-server` checks it. Only one method is shown, the others
//! are hidden lines (compiled, not rendered).

use std::collections::BTreeSet;

use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;

use super::handlers::query_ident;
use super::responses::response_ident;
use super::trait_ident;
use crate::model::{ApiModel, Operation};

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

/// The first segments of a type's relative paths that need an import (`types` for
/// `types::User`).
fn imports_of(ty: &syn::Type, into: &mut BTreeSet<String>) {
    struct Collect<'a>(&'a mut BTreeSet<String>);
    impl<'ast> syn::visit::Visit<'ast> for Collect<'_> {
        fn visit_type_path(&mut self, ty: &'ast syn::TypePath) {
            if ty.qself.is_none() && ty.path.leading_colon.is_none() {
                if let Some(first) = ty.path.segments.first() {
                    let name = first.ident.to_string();
                    if !(ty.path.segments.len() == 1 && IN_SCOPE.contains(&name.as_str())) {
                        self.0.insert(name);
                    }
                }
            }
            syn::visit::visit_type_path(self, ty);
        }
    }
    syn::visit::Visit::visit_type(&mut Collect(into), ty);
}

/// One operation's stub.
struct Stub {
    method: syn::ImplItemFn,
    /// The success variant and whether it carries a body.
    success: Option<(syn::Ident, bool)>,
    has_not_found: bool,
    imports: BTreeSet<String>,
}

fn stub(op: &Operation) -> Result<Stub, String> {
    let response = response_ident(op);
    let success = op
        .responses
        .iter()
        .find(|r| r.status < 300)
        .map(|r| (r.variant.clone(), r.body.is_some()));
    let errors: Vec<_> = op
        .responses
        .iter()
        .filter(|r| r.is_error && r.body.is_some())
        .collect();
    // Not found where documented; else the first error that is not about credentials.
    let error = errors
        .iter()
        .find(|r| r.status == 404)
        .or_else(|| errors.iter().find(|r| ![401, 403].contains(&r.status)))
        .or_else(|| errors.first())
        .ok_or_else(|| format!("`{response}` has no variant carrying the error body"))?;

    let mut imports = BTreeSet::from([response.to_string()]);
    let mut params = Vec::new();
    for p in op.path_parameters() {
        let ident = format_ident!("_{}", p.ident);
        let mut ty = p.owned_type.clone();
        Shorten.visit_type_mut(&mut ty);
        imports_of(&ty, &mut imports);
        params.push(quote!(#ident: #ty));
    }
    if op.query_parameters().next().is_some() {
        let query = query_ident(op);
        imports.insert(query.to_string());
        params.push(quote!(_query: #query));
    }
    if let Some(body) = &op.body {
        let mut ty = body.owned_type.clone();
        Shorten.visit_type_mut(&mut ty);
        imports_of(&ty, &mut imports);
        params.push(quote!(_body: #ty));
    }
    let name = format_ident!("{}", op.id);
    let status = syn::LitInt::new(&error.status.to_string(), proc_macro2::Span::call_site());
    let variant = &error.variant;
    let method: syn::ImplItemFn = syn::parse_quote! {
        async fn #name(&self, ctx: &mut Context, #(#params),*) -> #response {
            let error = ctx.error(#status, "not_implemented", "not implemented yet", None);
            #response::#variant(error)
        }
    };
    Ok(Stub {
        method,
        success,
        has_not_found: error.status == 404,
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
pub fn example(model: &ApiModel) -> Result<String, String> {
    let trait_name = trait_ident(model);
    let mut stubs = model
        .operations
        .iter()
        .map(stub)
        .collect::<Result<Vec<_>, _>>()?;
    if stubs.is_empty() {
        return Err(format!("`{trait_name}` has no methods"));
    }
    // Show the first operation answering "not found" (the most natural stub), hide the others.
    let shown = stubs.iter().position(|s| s.has_not_found).unwrap_or(0);
    let visible = stubs.remove(shown);

    let krate = model.names.server_crate.replace('-', "_");
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
    let response = response_ident(&model.operations[shown]);
    let answer = match &visible.success {
        Some((variant, true)) => format!(" `{response}::{variant}(..)`"),
        Some((variant, false)) => format!(" `{response}::{variant}`"),
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
        "/// Serves the API on `listener` until the process ends.".to_owned(),
        "async fn serve(listener: server_runtime::serve::TcpListener) -> std::io::Result<()> {"
            .to_owned(),
        format!(
            "    let credentials = Credentials::new({});",
            model.credentials_placeholders()
        ),
        "    let app = router(Arc::new(MyApi), ServerConfig::new(credentials));".to_owned(),
        "    // Header-read timeout, connection cap, bounded shutdown: what `axum::serve` lacks."
            .to_owned(),
        "    let options = server_runtime::serve::ServeOptions::default();".to_owned(),
        "    server_runtime::serve::serve(listener, app, options, std::future::pending()).await"
            .to_owned(),
        "}".to_owned(),
        "```".to_owned(),
    ]);
    Ok(out.join("\n"))
}
