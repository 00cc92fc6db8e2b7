//! The API's operations as a Rust enum, `Operation`: what a test double (the sandbox's faults,
//! expectations and stubs) names instead of an operationId string, so that a typo or another
//! API's operation is a compile error. Each variant knows its operationId, method, path and
//! route; `FromStr` reads an operationId and refuses an unknown one with the list of known ones
//! (for the places that still take strings, such as JSON endpoints).
//!
//! Self-contained: it reads only the model (ids, methods, paths, routes, summaries).

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::ApiModel;

pub fn operation_enum(model: &ApiModel) -> TokenStream {
    let variants: Vec<syn::Ident> = model
        .operations
        .iter()
        .map(|op| format_ident!("{}", op.id.to_upper_camel_case()))
        .collect();
    let variant_items = model.operations.iter().zip(&variants).map(|(op, variant)| {
        let doc = match &op.summary {
            Some(summary) => format!("`{} {}` (`{}`): {summary}", op.method, op.path, op.id),
            None => format!("`{} {}` (`{}`).", op.method, op.path, op.id),
        };
        quote!(#[doc = #doc] #variant,)
    });
    let arms = |value: &dyn Fn(&crate::model::Operation) -> String| {
        model
            .operations
            .iter()
            .zip(&variants)
            .map(|(op, variant)| {
                let text = value(op);
                quote!(Operation::#variant => #text,)
            })
            .collect::<Vec<_>>()
    };
    let id_arms = arms(&|op| op.id.clone());
    let method_arms = arms(&|op| op.method.to_owned());
    let path_arms = arms(&|op| op.path.clone());
    let route_arms = arms(&|op| op.route.clone());
    let known = model
        .operations
        .iter()
        .map(|op| op.id.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let enum_doc = format!(
        "The operations of the {}, one variant per operationId (more may be added later): what test doubles name instead of a string, so that a typo or another API's operation does not compile.",
        model.title
    );
    let unknown_message = format!("{} has no operation `{{}}` (it has {known})", model.title);
    // An API without operations still gets the enum (empty), so code naming it compiles.
    let id_body = if variants.is_empty() {
        quote!(match self {})
    } else {
        quote!(match self { #(#id_arms)* })
    };
    let method_body = if variants.is_empty() {
        quote!(match self {})
    } else {
        quote!(match self { #(#method_arms)* })
    };
    let path_body = if variants.is_empty() {
        quote!(match self {})
    } else {
        quote!(match self { #(#path_arms)* })
    };
    let route_body = if variants.is_empty() {
        quote!(match self {})
    } else {
        quote!(match self { #(#route_arms)* })
    };
    quote! {
        #[doc = #enum_doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Operation {
            #(#variant_items)*
        }

        impl Operation {
            /// Every operation, in the spec's order.
            pub const ALL: &'static [Operation] = &[#(Operation::#variants),*];

            /// The spec's operationId.
            pub const fn id(self) -> &'static str {
                #id_body
            }

            /// The upper-case HTTP method.
            pub const fn method(self) -> &'static str {
                #method_body
            }

            /// The path template as the spec writes it under `paths`.
            pub const fn path(self) -> &'static str {
                #path_body
            }

            /// Where the server routes it: [`BASE_PATH`] and the path template.
            pub const fn route(self) -> &'static str {
                #route_body
            }
        }

        impl ::std::fmt::Display for Operation {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.id())
            }
        }

        impl ::std::str::FromStr for Operation {
            type Err = UnknownOperation;

            /// Reads an operationId.
            fn from_str(id: &str) -> ::std::result::Result<Self, Self::Err> {
                Operation::ALL
                    .iter()
                    .copied()
                    .find(|operation| operation.id() == id)
                    .ok_or_else(|| UnknownOperation { name: id.to_owned() })
            }
        }

        /// An operationId this API does not have; its message lists the ones it has.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct UnknownOperation {
            /// The name that was given.
            pub name: ::std::string::String,
        }

        impl ::std::fmt::Display for UnknownOperation {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, #unknown_message, self.name)
            }
        }

        impl ::std::error::Error for UnknownOperation {}
    }
}
