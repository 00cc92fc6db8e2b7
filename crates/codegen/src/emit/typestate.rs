//! Named construction for record structs whose required members share a type: where
//! `new(email, external_id)` would take two `impl Into<String>` and let a caller swap them
//! silently, the struct gets `X::builder().email(..).external_id(..).build()` instead.
//!
//! The builder is a typestate, written out here rather than derived (`bon`, `typed-builder`), so
//! the types crates keep no proc-macro dependency: each required member is a type parameter,
//! [`builder::Missing`] until its setter runs, and `build()` exists only once every one is set,
//! so a missing member is a compile error, as a missing `new` argument was. Optional members
//! keep their `with_…` setters on the built struct, so a new optional member is still a minor
//! release; a new required member adds a type parameter (major, as a `new` argument was). The
//! parameters have no defaults, so cargo-semver-checks sees that one
//! (`type_requires_more_generic_type_params`), not only spec-diff.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{ApiModel, Shape};
use crate::naming::type_text;

/// Whether two required members of `shape` have the same type.
pub fn needs_builder(shape: &Shape) -> bool {
    let types: Vec<String> = shape.required().map(|f| type_text(&f.ty)).collect();
    types
        .iter()
        .enumerate()
        .any(|(i, ty)| types[i + 1..].contains(ty))
}

/// `pub mod builder { pub struct Missing; }` when a shape of the API needs a builder.
pub fn marker_module(model: &ApiModel) -> TokenStream {
    if !model.shapes.iter().any(needs_builder) {
        return TokenStream::new();
    }
    quote! {
        /// What the typestate builders (`X::builder()`) share.
        pub mod builder {
            /// A required member not given to a builder yet: `build()` exists only once no
            /// member is `Missing`.
            #[derive(Debug, Clone, Copy, Default)]
            pub struct Missing;
        }
    }
}

/// `X::builder()`, the builder struct and its setters and `build()`.
pub fn builder(shape: &Shape, krate: &str) -> TokenStream {
    let ident = &shape.ident;
    let builder = format_ident!("{}Builder", ident);
    let required: Vec<_> = shape.required().collect();
    let names: Vec<_> = required.iter().map(|f| &f.ident).collect();
    let states: Vec<syn::Ident> = required
        .iter()
        .map(|f| {
            let member = f.ident.to_string();
            format_ident!(
                "{}State",
                member.trim_end_matches('_').to_upper_camel_case()
            )
        })
        .collect();
    // One type parameter per required member: a long list reads as a complex type to clippy.
    let complex = (required.len() > 4).then(|| {
        quote!(#[allow(clippy::type_complexity, reason = "the typestate: one type parameter per required member")])
    });
    let setters = required.iter().enumerate().map(|(i, f)| {
        let name = &f.ident;
        let ty = &f.ty;
        let member = f.ident.to_string();
        let member = member.trim_end_matches('_');
        // Every state but this member's stays generic; this one goes from Missing to its type.
        let generics = states
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, s)| s);
        let before = states.iter().enumerate().map(|(j, s)| {
            if j == i {
                quote!(builder::Missing)
            } else {
                quote!(#s)
            }
        });
        let after = states
            .iter()
            .enumerate()
            .map(|(j, s)| if j == i { quote!(#ty) } else { quote!(#s) });
        let moves = names.iter().map(|other| {
            if *other == name {
                quote!(#other: value.into())
            } else {
                quote!(#other: self.#other)
            }
        });
        let doc = format!(
            "Sets `{member}` (required): {}",
            f.doc.as_deref().unwrap_or("(undocumented)")
        );
        quote! {
            impl<#(#generics),*> #builder<#(#before),*> {
                #[doc = #doc]
                #complex
                pub fn #name(self, value: impl Into<#ty>) -> #builder<#(#after),*> {
                    #builder { #(#moves,)* }
                }
            }
        }
    });
    let optional = shape.optional().map(|f| {
        let name = &f.ident;
        let initial = &f.initial;
        quote!(#name: #initial)
    });
    let types = required.iter().map(|f| &f.ty);
    let doc = format!(
        "Builds a [`{ident}`] naming each required member, so two of the same type cannot be \
         swapped: `{ident}::builder().{}.build()`. Setting a member twice, or calling `build()` \
         before every one is set, does not compile.",
        names
            .iter()
            .map(|n| format!("{}(..)", n.to_string().trim_end_matches('_')))
            .collect::<Vec<_>>()
            .join(".")
    );
    let positional = vec!["\"text\""; names.len()].join(", ");
    let entry_doc = format!(
        "A builder naming each required member (two of them share a type, so a positional \
         `new` could swap them); optional members are set on the built `{ident}` with its \
         `with_…` setters. There is no positional constructor:\n\n```compile_fail\nlet _ = \
         {krate}::{ident}::new({positional});\n```"
    );
    let missing = states.iter().map(|_| quote!(builder::Missing));
    let starts = names.iter().map(|n| quote!(#n: builder::Missing));
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        #[must_use = "a builder does nothing until `build()`"]
        pub struct #builder<#(#states),*> {
            #(#names: #states,)*
        }

        #(#setters)*

        #complex
        impl #builder<#(#types),*> {
            /// The struct, every required member set; the optional ones start unset (or at the
            /// spec's default).
            pub fn build(self) -> #ident {
                #ident {
                    #(#names: self.#names,)*
                    #(#optional,)*
                }
            }
        }

        impl #ident {
            #[doc = #entry_doc]
            #complex
            pub fn builder() -> #builder<#(#missing),*> {
                #builder { #(#starts,)* }
            }
        }
    }
}
