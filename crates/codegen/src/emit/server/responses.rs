//! One response enum per operation: a variant per documented status, sent as its status with
//! its body.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::Operation;

pub fn response_ident(op: &Operation) -> syn::Ident {
    format_ident!("{}Response", op.id.to_upper_camel_case())
}

pub fn response_enum(op: &Operation) -> TokenStream {
    let ident = response_ident(op);
    let variants = op.responses.iter().map(|r| {
        let variant = &r.variant;
        let doc = format!("{}: {}", r.status, r.description);
        match &r.body {
            Some(body) => quote!(#[doc = #doc] #variant(#body),),
            None => quote!(#[doc = #doc] #variant,),
        }
    });
    let arms = op.responses.iter().map(|r| {
        let variant = &r.variant;
        let status = &r.status_const;
        match &r.body {
            Some(_) => quote! {
                #ident::#variant(body) => ::server_runtime::typed_json(StatusCode::#status, &body),
            },
            None => quote! {
                #ident::#variant => ::server_runtime::empty_response(StatusCode::#status),
            },
        }
    });
    // Non-exhaustive: a status the spec documents later is a new variant, and that must be a
    // minor release (implementations only build these; spec-diff's rule and
    // cargo-semver-checks agree on it, see `cargo xtask semver`).
    let doc = format!(
        "The documented responses of `{}`, one variant per status (more may be documented later).",
        op.id
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        #[allow(
            clippy::large_enum_variant,
            reason = "a response is built once and moved straight into the HTTP body"
        )]
        pub enum #ident {
            #(#variants)*
        }

        impl IntoResponse for #ident {
            fn into_response(self) -> Response {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}
