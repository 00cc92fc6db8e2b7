//! The client crate's `bounds`: the spec's bounds as data (`client_runtime::bounds::Bound`
//! literals from the model) for the checks the request builders run before sending; the checks
//! themselves live in `client_runtime::bounds`, once for every client.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{ApiModel, Constraints};

/// Whether any operation of the API has a bound the client checks.
pub fn needed(model: &ApiModel) -> bool {
    model.operations.iter().any(|op| {
        op.parameters.iter().any(|p| !p.constraints.is_empty())
            || op.body.as_ref().is_some_and(|b| !b.bounds.is_empty())
    })
}

/// `bounds::Bound { .. }` for `constraints`; the pattern only when the client checks it
/// (`with_pattern`: a text argument, not a type that already enforces it).
pub fn literal(constraints: &Constraints, with_pattern: bool) -> TokenStream {
    let f = |v: Option<f64>| match v {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    };
    let u = |v: Option<u64>| match v {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    };
    let (minimum, maximum) = (f(constraints.minimum), f(constraints.maximum));
    let (min_length, max_length) = (u(constraints.min_length), u(constraints.max_length));
    let (min_items, max_items) = (u(constraints.min_items), u(constraints.max_items));
    let (exclusive_minimum, exclusive_maximum) =
        (constraints.exclusive_minimum, constraints.exclusive_maximum);
    let pattern = match constraints.pattern.as_ref().filter(|_| with_pattern) {
        Some(p) => quote!(::std::option::Option::Some(#p)),
        None => quote!(::std::option::Option::None),
    };
    quote! {
        crate::bounds::Bound {
            minimum: #minimum,
            exclusive_minimum: #exclusive_minimum,
            maximum: #maximum,
            exclusive_maximum: #exclusive_maximum,
            min_length: #min_length,
            max_length: #max_length,
            pattern: #pattern,
            min_items: #min_items,
            max_items: #max_items,
        }
    }
}

/// `pub use client_runtime::bounds;` (nothing when no operation has a bound).
pub fn module(model: &ApiModel) -> TokenStream {
    if !needed(model) {
        return TokenStream::new();
    }
    quote! {
        /// The checks every request builder runs before it sends: a value out of the spec's
        /// bounds is refused with [`Error::InvalidRequest`](crate::Error::InvalidRequest) naming
        /// the operation, the parameter or body pointer, and the bound. Public so a team can run
        /// a check itself.
        pub use client_runtime::bounds;
    }
}
