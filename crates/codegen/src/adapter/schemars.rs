//! The `schemars` feature of every types crate: each schema type derives
//! `schemars::JsonSchema` behind `#[cfg_attr(feature = "schemars", ...)]`, so that teams who want
//! the Rust types' own JSON Schemas opt in and the rest pay no proc-macro cost.
//!
//! The derive describes structure (members, required, nullability, enum variants, element
//! types), not the constraints hand-written `Deserialize`/`FromStr` code checks; the constraint
//! probe (`crates/constraint-probe`) holds those.

use quote::ToTokens;
use syn::{parse_quote, Item};

use super::serde_attrs::has_serde_item;

/// Adds the feature-gated derive to every struct and enum that serde derives or implements
/// `Deserialize` for: every schema type typify emits.
pub fn derive_json_schema(types: &mut [Item]) {
    for item in types {
        let attrs = match item {
            Item::Struct(s) => &mut s.attrs,
            Item::Enum(e) => &mut e.attrs,
            _ => continue,
        };
        attrs.push(parse_quote!(#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]));
        if let Item::Struct(s) = item {
            describe_fields_by_type(&mut s.fields);
        }
    }
}

/// schemars reads `#[serde(with = "module")]` as the name of the type to describe, and the
/// timestamp fields are written through such modules (`crate::timestamp::…`): those fields are
/// described by their own Rust type instead.
fn describe_fields_by_type(fields: &mut syn::Fields) {
    for field in fields.iter_mut() {
        if !has_serde_item(&field.attrs, "with") {
            continue;
        }
        let ty = field.ty.to_token_stream().to_string();
        field
            .attrs
            .push(parse_quote!(#[cfg_attr(feature = "schemars", schemars(with = #ty))]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_struct_and_enum_gets_the_gated_derive_and_nothing_else_does() {
        let mut items: Vec<Item> = vec![
            parse_quote!(
                pub struct A {
                    pub x: i64,
                }
            ),
            parse_quote!(
                pub enum B {
                    X,
                }
            ),
            parse_quote!(impl A {}),
        ];
        derive_json_schema(&mut items);
        let text: Vec<String> = items
            .iter()
            .map(|i| i.to_token_stream().to_string())
            .collect();
        assert!(
            text[0]
                .contains("cfg_attr (feature = \"schemars\" , derive (:: schemars :: JsonSchema))"),
            "{}",
            text[0]
        );
        assert!(text[1].contains("schemars :: JsonSchema"), "{}", text[1]);
        assert!(!text[2].contains("schemars"), "{}", text[2]);
    }

    #[test]
    fn a_field_written_through_a_serde_module_is_described_by_its_type() {
        let mut items: Vec<Item> = vec![parse_quote!(
            pub struct A {
                #[serde(default, with = "crate::timestamp::option")]
                pub at: Option<DateTime<Utc>>,
                #[serde(default)]
                pub n: i64,
            }
        )];
        derive_json_schema(&mut items);
        let Item::Struct(s) = &items[0] else {
            unreachable!()
        };
        let attrs: Vec<Vec<String>> = s
            .fields
            .iter()
            .map(|f| {
                f.attrs
                    .iter()
                    .map(|a| a.to_token_stream().to_string())
                    .collect()
            })
            .collect();
        assert_eq!(
            attrs[0][1],
            "# [cfg_attr (feature = \"schemars\" , schemars (with = \"Option < DateTime < Utc > >\"))]"
        );
        assert_eq!(attrs[1].len(), 1, "{:?}", attrs[1]);
    }
}
