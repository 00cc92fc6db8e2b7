//! Constructors and setters of the types crate's record structs, which are `#[non_exhaustive]`:
//! `X::new(required…)` takes every required member (a missing one is a compile error) and
//! `with_…` sets an optional one, so a new optional property is a minor release.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{ApiModel, Shape};

pub fn constructors(model: &ApiModel) -> TokenStream {
    model.shapes.iter().map(shape).collect()
}

fn shape(shape: &Shape) -> TokenStream {
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
