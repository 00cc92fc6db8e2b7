//! Reading typify's record structs for the model's [`Shape`]s, and marking them
//! `#[non_exhaustive]` so that a new optional property is a minor change: code outside the
//! types crate builds them through the constructors the types emitter writes.

use quote::ToTokens;
use syn::{parse_quote, Item};

use super::serde_attrs::serde_items;
use crate::model::{option_inner, Shape, ShapeField};

/// The structs with named fields, as typify wrote them. Must run before
/// `enums::tolerate_missing_nullable`, which gives required nullable fields a `default`: typify
/// marks exactly the optional members, with `#[serde(default...)]` or (an `Option`, which serde
/// reads as `None` when absent) `#[serde(skip_serializing_if = ...)]`; a required nullable
/// member is an `Option` with neither.
pub fn shapes(items: &[Item]) -> Vec<Shape> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => match &s.fields {
                syn::Fields::Named(named) => Some(Shape {
                    ident: s.ident.clone(),
                    fields: named.named.iter().filter_map(field).collect(),
                }),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn field(field: &syn::Field) -> Option<ShapeField> {
    let ident = field.ident.clone()?;
    let serde = serde_items(&field.attrs);
    // `Some(None)` for `#[serde(default)]` or an `Option` typify lets be absent,
    // `Some(Some(path))` for `#[serde(default = "path")]`, `None` for a required member.
    let default = match serde.iter().find(|item| item.name == "default") {
        Some(item) => Some(item.value.clone()),
        None if serde.iter().any(|item| item.name == "skip_serializing_if") => Some(None),
        None => None,
    };
    let option_of = option_inner(&field.ty);
    let initial = match &default {
        Some(Some(function)) => {
            let path: syn::Path = syn::parse_str(function).ok()?;
            parse_quote!(#path())
        }
        _ => parse_quote!(::std::default::Default::default()),
    };
    Some(ShapeField {
        ident,
        required: default.is_none(),
        option_of: if default.is_some() { option_of } else { None },
        ty: field.ty.clone(),
        initial,
        doc: doc_text(&field.attrs),
    })
}

fn doc_text(attrs: &[syn::Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value().trim().to_owned()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let text = lines.join(" ").trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// Every struct with named fields becomes `#[non_exhaustive]`.
pub fn mark_non_exhaustive(items: &mut [Item]) {
    for item in items.iter_mut() {
        if let Item::Struct(s) = item {
            let named = matches!(s.fields, syn::Fields::Named(_));
            let marked = s
                .attrs
                .iter()
                .any(|a| a.to_token_stream().to_string().contains("non_exhaustive"));
            if named && !marked {
                s.attrs.push(parse_quote!(#[non_exhaustive]));
            }
        }
    }
}

/// `shapes` with each member's type (and optional inner type) as it is after every rewrite of
/// the items (the timestamp rewrite collapses `Option<Option<_>>`, for one); which members are
/// required stays as first read.
pub fn with_final_types(mut shapes: Vec<Shape>, items: &[Item]) -> Vec<Shape> {
    let finals = self::shapes(items);
    for shape in &mut shapes {
        let Some(last) = finals.iter().find(|f| f.ident == shape.ident) else {
            continue;
        };
        for field in &mut shape.fields {
            if let Some(final_field) = last.fields.iter().find(|f| f.ident == field.ident) {
                field.ty = final_field.ty.clone();
                if !field.required {
                    field.option_of = option_inner(&field.ty);
                }
            }
        }
    }
    shapes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_optional_members_are_those_typify_lets_be_absent() {
        let item: Item = parse_quote!(
            pub struct A {
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub optional: ::std::option::Option<i64>,
                pub required_nullable: ::std::option::Option<i64>,
                pub required: ::std::string::String,
                #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub list: ::std::vec::Vec<i64>,
                #[serde(default = "defaults::a_limit")]
                pub limit: i64,
            }
        );
        let shapes = shapes(&[item]);
        let required: Vec<(String, bool)> = shapes[0]
            .fields
            .iter()
            .map(|f| (f.ident.to_string(), f.required))
            .collect();
        assert_eq!(
            required,
            [
                ("optional".to_owned(), false),
                ("required_nullable".to_owned(), true),
                ("required".to_owned(), true),
                ("list".to_owned(), false),
                ("limit".to_owned(), false),
            ]
        );
        let limit = &shapes[0].fields[4];
        assert_eq!(
            limit.initial.to_token_stream().to_string(),
            "defaults :: a_limit ()"
        );
        // An optional `Option` member's setter takes the inner type.
        assert!(shapes[0].fields[0].option_of.is_some());
        assert!(shapes[0].fields[1].option_of.is_none());
    }
}
