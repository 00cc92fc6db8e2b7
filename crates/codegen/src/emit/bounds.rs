//! The client crate's `bounds` module: the spec's bounds as data and the checks the request
//! builders run before sending, so a value out of bounds never reaches the server and the error
//! names the parameter (or body pointer) and the bound.

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

/// Whether a checked parameter has a pattern (the module then compiles it with `regress`).
pub fn checks_patterns(model: &ApiModel) -> bool {
    model.operations.iter().any(|op| {
        op.parameters.iter().any(|p| {
            p.constraints.pattern.is_some() && p.client_arg.value == crate::model::ArgValue::Str
        })
    })
}

/// `bounds::Bound { .. }` for `constraints`.
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
    let pattern = if with_pattern {
        let value = match &constraints.pattern {
            Some(p) => quote!(::std::option::Option::Some(#p)),
            None => quote!(::std::option::Option::None),
        };
        quote!(pattern: #value,)
    } else {
        TokenStream::new()
    };
    quote! {
        crate::bounds::Bound {
            minimum: #minimum,
            exclusive_minimum: #exclusive_minimum,
            maximum: #maximum,
            exclusive_maximum: #exclusive_maximum,
            min_length: #min_length,
            max_length: #max_length,
            #pattern
            min_items: #min_items,
            max_items: #max_items,
        }
    }
}

/// The module itself (empty when no operation has a bound).
pub fn module(model: &ApiModel) -> TokenStream {
    if !needed(model) {
        return TokenStream::new();
    }
    let patterns = checks_patterns(model);
    let (pattern_field, pattern_check) = if patterns {
        (
            quote! {
                /// `pattern` (ECMA 262, as the spec's JSON Schema dialect reads it).
                pub pattern: ::std::option::Option<&'static str>,
            },
            quote! {
                if let ::std::option::Option::Some(pattern) = bound.pattern {
                    let regex = ::regress::Regex::new(pattern)
                        .map_err(|e| format!("`{operation}`: the spec's pattern `{pattern}` for {what} does not compile: {e}"))?;
                    if regex.find(value).is_none() {
                        return Err(format!("`{operation}`: {what} is {value:?}, which does not match the pattern `{pattern}`"));
                    }
                }
            },
        )
    } else {
        (TokenStream::new(), TokenStream::new())
    };
    quote! {
        /// The spec's bounds on parameters and body members, and the checks every request
        /// builder runs before it sends: a value out of bounds is refused with
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) naming the operation, the
        /// parameter or body pointer, and the bound. Public so a team can run a check itself.
        pub mod bounds {
            /// The bounds one schema of the spec puts on a value.
            #[derive(Debug, Clone, Copy, PartialEq)]
            pub struct Bound {
                /// `minimum`.
                pub minimum: ::std::option::Option<f64>,
                /// OpenAPI 3.0's `exclusiveMinimum: true`.
                pub exclusive_minimum: bool,
                /// `maximum`.
                pub maximum: ::std::option::Option<f64>,
                /// OpenAPI 3.0's `exclusiveMaximum: true`.
                pub exclusive_maximum: bool,
                /// `minLength`, in characters.
                pub min_length: ::std::option::Option<u64>,
                /// `maxLength`, in characters.
                pub max_length: ::std::option::Option<u64>,
                #pattern_field
                /// `minItems`.
                pub min_items: ::std::option::Option<u64>,
                /// `maxItems`.
                pub max_items: ::std::option::Option<u64>,
            }

            /// A number a bound can be compared with.
            pub trait AsNumber {
                /// The value as `f64` (exact for every bound the specs write).
                fn as_number(&self) -> f64;
            }

            macro_rules! as_number {
                ($($ty:ty),*) => {
                    $(impl AsNumber for $ty {
                        fn as_number(&self) -> f64 {
                            *self as f64
                        }
                    })*
                };
            }

            as_number!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, f32, f64);

            /// Checks a number against `bound`'s `minimum` and `maximum`.
            pub fn check_number(operation: &str, what: &str, value: f64, bound: &Bound) -> ::std::result::Result<(), ::std::string::String> {
                if let ::std::option::Option::Some(minimum) = bound.minimum {
                    if value < minimum || (bound.exclusive_minimum && value == minimum) {
                        let relation = if bound.exclusive_minimum { "greater than" } else { "at least" };
                        return Err(format!("`{operation}`: {what} is {value}, but the spec requires it to be {relation} {minimum} (minimum)"));
                    }
                }
                if let ::std::option::Option::Some(maximum) = bound.maximum {
                    if value > maximum || (bound.exclusive_maximum && value == maximum) {
                        let relation = if bound.exclusive_maximum { "less than" } else { "at most" };
                        return Err(format!("`{operation}`: {what} is {value}, but the spec requires it to be {relation} {maximum} (maximum)"));
                    }
                }
                Ok(())
            }

            /// Checks a text against `bound`'s lengths (in characters) and pattern.
            pub fn check_text(operation: &str, what: &str, value: &str, bound: &Bound) -> ::std::result::Result<(), ::std::string::String> {
                let length = value.chars().count() as u64;
                if let ::std::option::Option::Some(min) = bound.min_length {
                    if length < min {
                        return Err(format!("`{operation}`: {what} is {length} characters long, but the spec requires at least {min} (minLength)"));
                    }
                }
                if let ::std::option::Option::Some(max) = bound.max_length {
                    if length > max {
                        return Err(format!("`{operation}`: {what} is {length} characters long, but the spec allows at most {max} (maxLength)"));
                    }
                }
                #pattern_check
                Ok(())
            }

            /// Checks an array's length against `bound`'s item counts.
            pub fn check_items(operation: &str, what: &str, count: usize, bound: &Bound) -> ::std::result::Result<(), ::std::string::String> {
                let count = count as u64;
                if let ::std::option::Option::Some(min) = bound.min_items {
                    if count < min {
                        return Err(format!("`{operation}`: {what} has {count} items, but the spec requires at least {min} (minItems)"));
                    }
                }
                if let ::std::option::Option::Some(max) = bound.max_items {
                    if count > max {
                        return Err(format!("`{operation}`: {what} has {count} items, but the spec allows at most {max} (maxItems)"));
                    }
                }
                Ok(())
            }

            /// Checks a serialized body: each `(path, bound)` names a place from the root
            /// (`*` for every item of an array); absent members are not checked.
            pub fn check_body(operation: &str, body: &::serde_json::Value, bounds: &[(&[&str], Bound)]) -> ::std::result::Result<(), ::std::string::String> {
                for (path, bound) in bounds {
                    check_at(operation, body, path, ::std::string::String::new(), bound)?;
                }
                Ok(())
            }

            fn check_at(operation: &str, value: &::serde_json::Value, path: &[&str], pointer: ::std::string::String, bound: &Bound) -> ::std::result::Result<(), ::std::string::String> {
                match path.split_first() {
                    None => {
                        let what = if pointer.is_empty() {
                            "the body".to_owned()
                        } else {
                            format!("body member `{pointer}`")
                        };
                        match value {
                            ::serde_json::Value::Number(n) => match n.as_f64() {
                                ::std::option::Option::Some(number) => check_number(operation, &what, number, bound),
                                ::std::option::Option::None => Ok(()),
                            },
                            ::serde_json::Value::String(text) => check_text(operation, &what, text, bound),
                            ::serde_json::Value::Array(items) => check_items(operation, &what, items.len(), bound),
                            _ => Ok(()),
                        }
                    }
                    Some((&"*", rest)) => {
                        for (index, item) in value.as_array().into_iter().flatten().enumerate() {
                            check_at(operation, item, rest, format!("{pointer}/{index}"), bound)?;
                        }
                        Ok(())
                    }
                    Some((name, rest)) => match value.get(*name) {
                        ::std::option::Option::Some(member) => {
                            let escaped = name.replace('~', "~0").replace('/', "~1");
                            check_at(operation, member, rest, format!("{pointer}/{escaped}"), bound)
                        }
                        ::std::option::Option::None => Ok(()),
                    },
                }
            }
        }
    }
}
