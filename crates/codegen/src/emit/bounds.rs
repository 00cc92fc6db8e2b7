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

/// The `Bound` of `constraints` through `client_runtime`'s const constructors
/// (`Bound::between(1.0, 100.0)`, `Bound::max_length(100).and(Bound::pattern(".."))`); the
/// pattern only when the client checks it (`with_pattern`).
pub fn literal(constraints: &Constraints, with_pattern: bool) -> TokenStream {
    let number = |v: f64| -> TokenStream {
        format!("{v:?}")
            .parse()
            .expect("a finite f64 prints as a literal")
    };
    let c = constraints;
    let mut parts: Vec<TokenStream> = Vec::new();
    match (c.minimum, c.maximum) {
        (Some(min), Some(max)) if !c.exclusive_minimum && !c.exclusive_maximum => {
            let (min, max) = (number(min), number(max));
            parts.push(quote!(Bound::between(#min, #max)));
        }
        (min, max) => {
            if let Some(min) = min {
                let min = number(min);
                parts.push(if c.exclusive_minimum {
                    quote!(Bound::greater_than(#min))
                } else {
                    quote!(Bound::at_least(#min))
                });
            }
            if let Some(max) = max {
                let max = number(max);
                parts.push(if c.exclusive_maximum {
                    quote!(Bound::less_than(#max))
                } else {
                    quote!(Bound::at_most(#max))
                });
            }
        }
    }
    let counts = [
        (c.min_length, quote!(min_length)),
        (c.max_length, quote!(max_length)),
        (c.min_items, quote!(min_items)),
        (c.max_items, quote!(max_items)),
    ];
    for (value, constructor) in counts {
        if let Some(value) = value {
            let value = proc_macro2::Literal::u64_unsuffixed(value);
            parts.push(quote!(Bound::#constructor(#value)));
        }
    }
    if let Some(pattern) = c.pattern.as_ref().filter(|_| with_pattern) {
        parts.push(quote!(Bound::pattern(#pattern)));
    }
    let mut parts = parts.into_iter();
    let first = parts.next().unwrap_or_else(|| quote!(Bound::NONE));
    quote!(#first #(.and(#parts))*)
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
