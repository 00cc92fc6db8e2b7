//! `schema_types`: every schema type of a types crate reachable by its Rust name, so that tools
//! (the constraint probe, the schemars comparison) can ask one type at a time whether it
//! accepts a JSON value, or for its derived JSON Schema (behind the `schemars` feature).

use quote::{format_ident, quote};

use crate::model::ApiModel;

pub fn schema_types_module(model: &ApiModel) -> proc_macro2::TokenStream {
    let names = &model.type_names;
    let idents: Vec<_> = names.iter().map(|n| format_ident!("{}", n)).collect();
    quote! {
        /// Every schema type by its Rust name: deserialization one type at a time (the
        /// constraint probe asks each whether it accepts a JSON value) and, with the `schemars`
        /// feature, each type's derived JSON Schema.
        pub mod schema_types {
            use crate as types;

            /// The Rust names of the schema types, in the generator's order.
            pub const NAMES: &[&str] = &[#(#names),*];

            fn accepts<T: ::serde::de::DeserializeOwned>(
                value: &::serde_json::Value,
            ) -> ::std::result::Result<(), ::std::string::String> {
                T::deserialize(value).map(|_| ()).map_err(|e| e.to_string())
            }

            /// Deserializes `value` as the schema type named `type_name`: `Err` with serde's
            /// message when the type refuses it, `None` for a name that is not a schema type.
            pub fn deserialize(
                type_name: &str,
                value: &::serde_json::Value,
            ) -> ::std::option::Option<::std::result::Result<(), ::std::string::String>> {
                match type_name {
                    #(#names => Some(accepts::<types::#idents>(value)),)*
                    _ => None,
                }
            }

            /// The JSON Schema schemars derives for the schema type named `type_name`.
            #[cfg(feature = "schemars")]
            pub fn json_schema(type_name: &str) -> ::std::option::Option<::schemars::schema::RootSchema> {
                match type_name {
                    #(#names => Some(::schemars::schema_for!(types::#idents)),)*
                    _ => None,
                }
            }
        }
    }
}
