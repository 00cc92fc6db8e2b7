//! Constructors and setters of the types crate's record structs, which are `#[non_exhaustive]`:
//! `X::new(required…)` takes every required member (a missing one is a compile error) and
//! `with_…` sets an optional one, so a new optional property is a minor release. Where two
//! required members share a type, `X::builder()` names them instead (`typestate.rs`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::typestate;
use crate::model::{ApiModel, Operation, Shape, ShapeField};
use crate::naming::type_text;

pub fn constructors(model: &ApiModel) -> TokenStream {
    let krate = model.names.types_crate.replace('-', "_");
    let shapes: TokenStream = model.shapes.iter().map(|s| shape(s, &krate)).collect();
    let marker = typestate::marker_module(model);
    quote!(#shapes #marker)
}

/// The shortest line building each request body type, for the crate docs' doctest.
pub fn shortest_lines(model: &ApiModel) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for op in &model.operations {
        if let Some(line) = shortest_line(model, op) {
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
    }
    lines
}

/// The shortest line building `op`'s request body (`types::UserCreateRequest::new("ext-1",
/// "John")`), from the spec's example where it gives a plain value; `None` when the body is not
/// a record struct.
pub fn shortest_line(model: &ApiModel, op: &Operation) -> Option<String> {
    let body = op.body.as_ref()?;
    let ty = type_text(&body.owned_type);
    let name = ty.strip_prefix("types::").unwrap_or(&ty);
    let shape = model.shapes.iter().find(|s| s.ident == name)?;
    let example = body.example.as_ref();
    let value = |f: &ShapeField| {
        let member = f.ident.to_string();
        let member = member.trim_end_matches('_');
        plain_literal(model, &f.ty, example.and_then(|e| e.get(member)))
    };
    Some(if typestate::needs_builder(shape) {
        let setters: String = shape
            .required()
            .map(|f| format!(".{}({})", f.ident, value(f)))
            .collect();
        format!("types::{name}::builder(){setters}.build()")
    } else {
        let args: Vec<String> = shape.required().map(value).collect();
        format!("types::{name}::new({})", args.join(", "))
    })
}

/// A literal for a constructor argument of type `ty`: the example's value where it is plain,
/// else a neutral one; through serde for a type with no literal form.
fn plain_literal(model: &ApiModel, ty: &syn::Type, example: Option<&Value>) -> String {
    let text = type_text(ty);
    let is_text = text == "::std::string::String" || model.plain_newtypes.contains(&text);
    match (text.as_str(), example) {
        _ if is_text => format!("{:?}", example.and_then(Value::as_str).unwrap_or("text")),
        ("i64" | "i32" | "u64" | "u32", _) => {
            example.and_then(Value::as_i64).unwrap_or(1).to_string()
        }
        ("f64" | "f32", _) => "1.0".to_owned(),
        ("bool", _) => example.and_then(Value::as_bool).unwrap_or(true).to_string(),
        (t, None) if t.starts_with("::std::vec::Vec<") => "Vec::new()".to_owned(),
        (t, _) if t.starts_with("::std::option::Option<") => "None".to_owned(),
        (_, Some(value)) => format!(
            "serde_json::from_value::<{}>(serde_json::json!({value}))?",
            in_types(ty)
        ),
        _ => "Default::default()".to_owned(),
    }
}

fn shape(shape: &Shape, krate: &str) -> TokenStream {
    let ident = &shape.ident;
    let required: Vec<_> = shape.required().collect();
    let params = required.iter().map(|f| {
        let name = &f.ident;
        let ty = &f.ty;
        quote!(#name: impl ::std::convert::Into<#ty>)
    });
    let inits = shape.fields.iter().map(|f| {
        let name = &f.ident;
        if f.required {
            quote!(#name: #name.into())
        } else {
            let initial = &f.initial;
            quote!(#name: #initial)
        }
    });
    let mut doc = format!("A `{ident}` from its required members");
    if required.is_empty() {
        doc.push_str(" (it has none)");
    }
    doc.push_str(
        "; the optional ones start unset (or at the spec's default) and have `with_…` setters.",
    );
    let member_docs = required.iter().map(|f| {
        format!(
            "- `{}`: {}",
            f.ident.to_string().trim_end_matches('_'),
            f.doc.as_deref().unwrap_or("(undocumented)")
        )
    });
    let setters = shape.optional().map(|f| {
        let name = &f.ident;
        let setter = format_ident!("with_{}", f.ident.to_string().trim_end_matches('_'));
        let doc = format!(
            "Sets `{}`{}",
            f.ident.to_string().trim_end_matches('_'),
            f.doc
                .as_deref()
                .map(|d| format!(": {d}"))
                .unwrap_or_else(|| ".".to_owned())
        );
        match &f.option_of {
            Some(inner) => quote! {
                #[doc = #doc]
                #[must_use]
                pub fn #setter(mut self, value: impl ::std::convert::Into<#inner>) -> Self {
                    self.#name = ::std::option::Option::Some(value.into());
                    self
                }
            },
            None => {
                let ty = &f.ty;
                quote! {
                    #[doc = #doc]
                    #[must_use]
                    pub fn #setter(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                        self.#name = value.into();
                        self
                    }
                }
            }
        }
    });
    let new_doc_block = if required.is_empty() {
        quote!()
    } else {
        quote!(#[doc = ""] #(#[doc = #member_docs])*)
    };
    let allow = if required.len() > 7 {
        quote!(#[allow(clippy::too_many_arguments, reason = "one argument per required member of the schema")])
    } else {
        quote!()
    };
    let must_use = if required.is_empty() {
        quote!(#[must_use])
    } else {
        quote!()
    };
    if typestate::needs_builder(shape) {
        let builder = typestate::builder(shape, krate);
        // No empty `impl` block for a struct whose members are all required.
        let setters: Vec<TokenStream> = setters.collect();
        let setters = (!setters.is_empty()).then(|| quote!(impl #ident { #(#setters)* }));
        return quote! {
            #setters

            #builder
        };
    }
    quote! {
        impl #ident {
            #[doc = #doc]
            #new_doc_block
            #allow
            #must_use
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits,)* }
            }

            #(#setters)*
        }
    }
}

/// `ty` as an example writes it, with `types` in scope: `Vec<types::Product>`.
fn in_types(ty: &syn::Type) -> String {
    struct Qualify;
    impl syn::visit_mut::VisitMut for Qualify {
        fn visit_type_path_mut(&mut self, node: &mut syn::TypePath) {
            syn::visit_mut::visit_type_path_mut(self, node);
            let path = &mut node.path;
            if node.qself.is_none() && path.leading_colon.is_none() && path.segments.len() == 1 {
                path.segments.insert(0, syn::parse_quote!(types));
            }
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Qualify, &mut ty);
    type_text(&ty)
        .replace("::std::vec::Vec<", "Vec<")
        .replace("::std::string::String", "String")
        .replace("::std::option::Option<", "Option<")
}
