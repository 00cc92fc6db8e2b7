//! The adapter: runs progenitor once, post-processes its code, and reads from it, once, the facts
//! the model needs (each operation's argument, success and error types; the schema types; the
//! external crates the code names).
//!
//! progenitor keeps its per-operation model crate-private, so these facts exist only in the code
//! it generates. This module is the only part of the generator that ever looks at generated code
//! (the repository rule in `tests/tidy.rs` holds it to that); everything downstream reads the
//! [`ApiModel`](crate::model::ApiModel).

mod allows;
mod enums;
mod guard;
mod plain_newtypes;
mod progenitor_run;
mod schemars;
mod serde_attrs;
mod shapes;
pub mod timestamps;

use std::collections::BTreeMap;

use quote::ToTokens;
use spec_model::Spec;
use syn::visit::Visit;

use crate::model::{
    ArgValue, ClientArg, ExternalCrates, Instant, IntegerRepr, ProgenitorCode, Shape, Timestamps,
};
use crate::CodegenError;

use allows::explain_progenitor_allows;
pub use allows::unexplained_allows;

/// What the adapter read from progenitor's output.
pub struct Adapted {
    pub code: ProgenitorCode,
    /// Schema types by Rust name, in progenitor's order.
    pub type_names: Vec<String>,
    pub open_enums: Vec<String>,
    /// The constrained string newtypes, built from plain text (`plain_newtypes.rs`).
    pub plain_newtypes: std::collections::BTreeSet<String>,
    /// The record structs, with their required and optional members.
    pub shapes: Vec<Shape>,
    /// The positional client method of each operation, by operationId.
    pub methods: BTreeMap<String, ClientMethod>,
    pub types_crates: ExternalCrates,
    pub client_crates: ExternalCrates,
    /// The structs that get `instant()` (from `x-timestamp-form`'s `unix-seconds`).
    pub instants: Vec<Instant>,
}

/// One positional client method.
pub struct ClientMethod {
    /// Arguments after `&self`, in order.
    pub args: Vec<(syn::Ident, syn::Type)>,
    /// `S` of `Result<ResponseValue<S>, Error<E>>`.
    pub success: syn::Type,
    /// `E` of the same.
    pub error: syn::Type,
}

impl ClientMethod {
    /// The argument for a spec parameter named `name` (progenitor appends `_` to keywords).
    pub fn argument(&self, name: &str) -> Option<&(syn::Ident, syn::Type)> {
        use heck::ToSnakeCase;
        let snake = name.to_snake_case();
        self.args
            .iter()
            .find(|(ident, _)| ident.to_string().trim_end_matches('_') == snake)
    }

    pub fn body(&self) -> Option<&syn::Type> {
        self.args
            .iter()
            .find(|(ident, _)| ident == "body")
            .map(|(_, ty)| ty)
    }
}

/// Runs progenitor on the spec and reads its output.
pub fn adapt(spec: &Spec, timestamps: Option<&Timestamps>) -> Result<Adapted, CodegenError> {
    let output = progenitor_run::run(spec, timestamps)?;

    let mut types = output.types;
    enums::strip_blanket_allows(&mut types);
    let open_enums = enums::forward_compatible_enums(&mut types);
    // Which members are required is read before the nullable and timestamp rewrites blur it;
    // their final types are read after them.
    let shapes = shapes::shapes(&types);
    shapes::mark_non_exhaustive(&mut types);
    enums::tolerate_missing_nullable(&mut types);
    let timestamp_error =
        |message: String| CodegenError::at(spec, spec_model::timestamps::POINTER, message);
    let instants = match timestamps {
        Some(timestamps) => {
            timestamps::route_fields(&mut types).map_err(timestamp_error)?;
            timestamps::instants(&types, timestamps).map_err(timestamp_error)?
        }
        None => Vec::new(),
    };
    let shapes = shapes::with_final_types(shapes, &types);
    let plain_newtypes = plain_newtypes::plain_from_text(&mut types);
    schemars::derive_json_schema(&mut types);
    let type_names = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();

    let mut client = output.client;
    enums::strip_blanket_allows(&mut client);
    explain_progenitor_allows(&mut client);
    let client: Vec<syn::Item> = client
        .into_iter()
        .filter_map(private_runtime_reexports)
        .map(without_default_constructor)
        .map(allow_needless_lifetimes)
        .collect();
    let methods = client_methods(spec, &client)?;

    Ok(Adapted {
        types_crates: external_crates(&types),
        client_crates: external_crates(&client),
        code: ProgenitorCode { types, client },
        type_names,
        open_enums,
        plain_newtypes,
        shapes,
        methods,
        instants,
    })
}

fn client_methods(
    spec: &Spec,
    client: &[syn::Item],
) -> Result<BTreeMap<String, ClientMethod>, CodegenError> {
    let mut out = BTreeMap::new();
    for item in client {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        for inner in &imp.items {
            let syn::ImplItem::Fn(f) = inner else {
                continue;
            };
            let Some((success, error)) = result_types(&f.sig) else {
                continue;
            };
            let args = f
                .sig
                .inputs
                .iter()
                .filter_map(|input| match input {
                    syn::FnArg::Typed(t) => match &*t.pat {
                        syn::Pat::Ident(i) => Some((i.ident.clone(), (*t.ty).clone())),
                        _ => None,
                    },
                    _ => None,
                })
                .collect();
            out.insert(
                f.sig.ident.to_string(),
                ClientMethod {
                    args,
                    success,
                    error,
                },
            );
        }
    }
    for op in spec.operations() {
        if !out.contains_key(&op.name()) {
            return Err(CodegenError::at(
                spec,
                &op.pointer(),
                format!(
                    "progenitor generated no client method for operation `{}`",
                    op.name()
                ),
            ));
        }
    }
    Ok(out)
}

/// The positional client is private to the crate (the public `Client` wraps it): its
/// `prelude` goes, and its re-export of progenitor's runtime types becomes a private import
/// (the client emitter re-exports them at the crate root).
fn private_runtime_reexports(item: syn::Item) -> Option<syn::Item> {
    match item {
        syn::Item::Mod(module) if module.ident == "prelude" => None,
        syn::Item::Use(mut import)
            if matches!(import.vis, syn::Visibility::Public(_))
                && import
                    .tree
                    .to_token_stream()
                    .to_string()
                    .starts_with("progenitor_client") =>
        {
            import.vis = syn::Visibility::Inherited;
            import.attrs.push(syn::parse_quote! {
                #[allow(unused_imports, reason = "progenitor imports every runtime type; which of them the operations use depends on the spec")]
            });
            Some(syn::Item::Use(import))
        }
        other => Some(other),
    }
}

/// progenitor's `Client::new(baseurl, inner)` builds a reqwest client with fixed 15 s timeouts;
/// the public client builds one from `client_runtime::ClientOptions` and calls
/// `new_with_client`, so `new` would be dead code.
fn without_default_constructor(item: syn::Item) -> syn::Item {
    match item {
        syn::Item::Impl(mut imp) if imp.trait_.is_none() => {
            imp.items
                .retain(|inner| !matches!(inner, syn::ImplItem::Fn(f) if f.sig.ident == "new"));
            syn::Item::Impl(imp)
        }
        other => other,
    }
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

/// `Result<ResponseValue<S>, Error<E>>` -> (S, E).
fn result_types(sig: &syn::Signature) -> Option<(syn::Type, syn::Type)> {
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    let ok = generic_argument(ty, 0)?;
    let err = generic_argument(ty, 1)?;
    Some((generic_argument(&ok, 0)?, generic_argument(&err, 0)?))
}

fn generic_argument(ty: &syn::Type, index: usize) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    match args.args.iter().nth(index)? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

/// `&'a str` -> `String`, `&'a T` -> `T`, inside `Option<..>` too.
pub fn owned(ty: &syn::Type) -> syn::Type {
    struct Own;
    impl syn::visit_mut::VisitMut for Own {
        fn visit_type_mut(&mut self, ty: &mut syn::Type) {
            if let syn::Type::Reference(reference) = ty {
                let inner = (*reference.elem).clone();
                *ty = match &inner {
                    syn::Type::Path(p) if p.path.is_ident("str") => {
                        syn::parse_quote!(::std::string::String)
                    }
                    _ => inner,
                };
            }
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Own, &mut ty);
    ty
}

/// What a client argument type holds.
pub fn client_arg(ty: &syn::Type) -> ClientArg {
    let (optional, inner) = match generic_argument(ty, 0) {
        Some(inner) if last_segment(ty).as_deref() == Some("Option") => (true, inner),
        _ => (false, ty.clone()),
    };
    let by_reference = matches!(inner, syn::Type::Reference(_));
    let value = match &inner {
        syn::Type::Reference(r) if matches!(&*r.elem, syn::Type::Path(p) if p.path.is_ident("str")) => {
            ArgValue::Str
        }
        syn::Type::Reference(_) => ArgValue::Other,
        syn::Type::Path(p) => {
            let first = p.path.segments.first().map(|s| s.ident.to_string());
            match last_segment(&inner).as_deref() {
                Some("u64") => ArgValue::Integer(IntegerRepr::U64),
                Some("NonZeroU64") => ArgValue::Integer(IntegerRepr::NonZeroU64),
                Some(
                    "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "NonZeroU32"
                    | "NonZeroI64" | "usize" | "isize",
                ) => ArgValue::Integer(IntegerRepr::Other),
                _ if first.as_deref() == Some("types") => ArgValue::TypesValue,
                _ => ArgValue::Other,
            }
        }
        _ => ArgValue::Other,
    };
    ClientArg {
        optional,
        by_reference,
        value,
    }
}

fn last_segment(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The external crates (`::chrono`, `::uuid`, `::regress`) that items name.
pub fn external_crates(items: &[syn::Item]) -> ExternalCrates {
    let mut found = Found::default();
    for item in items {
        found.visit_item(item);
    }
    found.0
}

/// The external crates a type names.
pub fn external_crates_of_type(ty: &syn::Type) -> ExternalCrates {
    let mut found = Found::default();
    found.visit_type(ty);
    found.0
}

#[derive(Default)]
struct Found(ExternalCrates);

impl Found {
    fn note(&mut self, name: &str) {
        match name {
            "chrono" => self.0.chrono = true,
            "uuid" => self.0.uuid = true,
            "regress" => self.0.regress = true,
            _ => {}
        }
    }
}

impl<'ast> Visit<'ast> for Found {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if let Some(first) = path.segments.first() {
            self.note(&first.ident.to_string());
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // A path inside a macro body is invisible to the visitor: read the tokens too.
        for tree in mac.tokens.to_token_stream() {
            if let proc_macro2::TokenTree::Ident(ident) = tree {
                self.note(&ident.to_string());
            }
        }
        syn::visit::visit_macro(self, mac);
    }
}
