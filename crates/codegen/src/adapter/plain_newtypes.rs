//! typify's constrained strings (`maxLength`, `pattern`) built from plain text.
//!
//! typify makes each a newtype with only `TryFrom`, so the first constructor a newcomer writes,
//! `UserCreateRequest::new("ext-1", "John")`, does not compile. The bound is checked where it
//! matters anyway: the client checks every body member and parameter before sending (naming
//! the member and the bound), the server when it reads the request, and deserializing (through
//! `FromStr`, left as typify writes it) refuses a value out of bounds. So `TryFrom<&str>`,
//! `TryFrom<&String>` and `TryFrom<String>` become `From` (the blanket `TryFrom` remains, with
//! `Infallible`), and `"text".parse()` stays the way to check a value up front.

use std::collections::BTreeSet;

use quote::ToTokens;
use syn::{parse_quote, Item, ItemImpl};

/// Rewrites the types' constrained string newtypes; returns their names.
pub fn plain_from_text(types: &mut [Item]) -> BTreeSet<String> {
    let newtypes: BTreeSet<String> = types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) if wraps_string(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    for item in types.iter_mut() {
        match item {
            Item::Struct(s) if newtypes.contains(&s.ident.to_string()) => {
                let doc: Vec<syn::Attribute> = parse_quote! {
                    ///
                    /// Built from plain text with `From` (`"text".into()`); the spec's bound is
                    /// checked when a request carrying it is sent or read, and `"text".parse()`
                    /// checks it at once.
                };
                let at = s
                    .attrs
                    .iter()
                    .rposition(|a| a.path().is_ident("doc"))
                    .map_or(0, |i| i + 1);
                s.attrs.splice(at..at, doc);
            }
            Item::Impl(imp) => {
                if let Some((source, target)) = text_try_from(imp, &newtypes) {
                    let owned = if is_text(&source, false) {
                        quote::quote!(value)
                    } else {
                        quote::quote!(value.to_owned())
                    };
                    *imp = parse_quote! {
                        impl ::std::convert::From<#source> for #target {
                            fn from(value: #source) -> Self {
                                Self(#owned)
                            }
                        }
                    };
                }
            }
            _ => {}
        }
    }
    newtypes
}

/// `struct X(String);` with `#[serde(transparent)]`: typify's constrained string.
fn wraps_string(s: &syn::ItemStruct) -> bool {
    let syn::Fields::Unnamed(fields) = &s.fields else {
        return false;
    };
    fields.unnamed.len() == 1
        && is_text(&fields.unnamed[0].ty, false)
        && s.attrs.iter().any(|a| {
            a.path().is_ident("serde") && a.to_token_stream().to_string().contains("transparent")
        })
}

/// `String` (or `&str`, `&String` with `reference`).
fn is_text(ty: &syn::Type, reference: bool) -> bool {
    let text: String = ty
        .to_token_stream()
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    match text.as_str() {
        "::std::string::String" | "String" => true,
        "&str" | "&::std::string::String" | "&String" => reference,
        _ => false,
    }
}

/// `impl TryFrom<text> for Newtype`: its source and target types.
fn text_try_from(imp: &ItemImpl, newtypes: &BTreeSet<String>) -> Option<(syn::Type, syn::Type)> {
    let (_, path, _) = imp.trait_.as_ref()?;
    let last = path.segments.last()?;
    if last.ident != "TryFrom" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let Some(syn::GenericArgument::Type(source)) = args.args.first() else {
        return None;
    };
    let target = imp.self_ty.to_token_stream().to_string();
    (is_text(source, true) && newtypes.contains(&target))
        .then(|| (source.clone(), (*imp.self_ty).clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn try_from_text_becomes_from_and_from_str_stays() {
        let file: syn::File = parse_quote! {
            #[serde(transparent)]
            pub struct Id(::std::string::String);
            impl ::std::str::FromStr for Id {
                type Err = E;
                fn from_str(value: &str) -> Result<Self, E> { todo!() }
            }
            impl ::std::convert::TryFrom<&str> for Id {
                type Error = E;
                fn try_from(value: &str) -> Result<Self, E> { value.parse() }
            }
            impl ::std::convert::TryFrom<::std::string::String> for Id {
                type Error = E;
                fn try_from(value: ::std::string::String) -> Result<Self, E> { value.parse() }
            }
            pub struct Other(i64);
        };
        let mut items = file.items;
        let names = plain_from_text(&mut items);
        assert_eq!(names.into_iter().collect::<Vec<_>>(), vec!["Id".to_owned()]);
        let text = quote::quote!(#(#items)*).to_string();
        assert!(text.contains("impl :: std :: convert :: From < & str > for Id"));
        assert!(
            text.contains("impl :: std :: convert :: From < :: std :: string :: String > for Id")
        );
        assert!(text.contains("FromStr for Id"));
        assert!(!text.contains("TryFrom"));
    }
}
