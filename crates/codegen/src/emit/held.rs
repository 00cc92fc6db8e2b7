//! What an operation's request builder holds for each parameter, and the builder's name: the
//! leaf that `operations`, `operation_docs` and `streams` share (so none of them imports
//! another for it).

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{option_inner, ArgValue, IntegerRepr, Operation, Parameter};

/// How a builder holds a parameter and hands it to the positional method.
pub(super) struct Held<'a> {
    pub param: &'a Parameter,
    /// The stored type (without `Option` for optional parameters).
    pub stored: TokenStream,
    /// The argument type of the operation method (required) or setter (optional).
    pub argument: TokenStream,
    /// `.into()` after the argument.
    pub converts: bool,
}

pub(super) fn held(param: &Parameter) -> Held<'_> {
    let inner = option_inner(&param.client_type).unwrap_or_else(|| param.client_type.clone());
    let owned_inner = option_inner(&param.owned_type).unwrap_or_else(|| param.owned_type.clone());
    let (stored, argument, converts) = match param.client_arg.value {
        ArgValue::Str => (quote!(String), quote!(impl Into<String>), true),
        ArgValue::Integer(IntegerRepr::NonZeroU64) => (quote!(u64), quote!(u64), false),
        ArgValue::TypesValue => (quote!(#owned_inner), quote!(impl Into<#owned_inner>), true),
        _ if param.client_arg.by_reference => (quote!(#owned_inner), quote!(#owned_inner), false),
        _ => (quote!(#inner), quote!(#inner), false),
    };
    Held {
        param,
        stored,
        argument,
        converts,
    }
}

pub(super) fn builder_ident(op: &Operation) -> syn::Ident {
    format_ident!("{}", op.id.to_upper_camel_case())
}
