//! The `schemars` feature of every types crate: each schema type derives
//! `schemars::JsonSchema` behind `#[cfg_attr(feature = "schemars", ...)]`, so that teams who want
//! the Rust types' own JSON Schemas opt in and the rest pay no proc-macro cost.
//!
//! The derive describes structure (members, required, nullability, enum variants, element
//! types), not the constraints hand-written `Deserialize`/`FromStr` code checks; the constraint
//! probe (`crates/constraint-probe`) holds those.

use syn::{parse_quote, Item};

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
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

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
}
