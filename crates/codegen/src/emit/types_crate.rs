//! The types crate: the schema types, `auth` and `round_trip`.

use quote::quote;

use super::{auth, constructors, schema_types, timestamps, CrateCode, CrateKind};
use crate::model::ApiModel;
use crate::CodegenError;

pub fn emit(model: &ApiModel) -> Result<CrateCode, CodegenError> {
    let types = &model.code.types;
    let auth = auth::auth_module(model);
    let round_trip = round_trip(model);
    let constructors = constructors::constructors(model);
    let timestamps = timestamps::items(model);
    let schema_types = schema_types::schema_types_module(model);
    Ok(CrateCode {
        kind: CrateKind::Types,
        code: quote! {
            #(#types)*
            #constructors
            #auth
            #timestamps
            #round_trip
            #schema_types
        },
        docs: docs(model),
    })
}

fn docs(model: &ApiModel) -> String {
    let lines = constructors::shortest_lines(model);
    let requests = if lines.is_empty() {
        String::new()
    } else {
        let krate = model.names.types_crate.replace('-', "_");
        let lets: String = lines
            .iter()
            .enumerate()
            .map(|(i, line)| format!("let request_{i} = {line};\n"))
            .collect();
        let uses: String = (0..lines.len())
            .map(|i| format!("# let _ = request_{i};\n"))
            .collect();
        format!(
            "\n\n# Building a request body\n\nThe shortest line for each request body of the spec. Constrained strings (a\n`maxLength`, a `pattern`) take plain text; the client checks the bound before sending and the\nserver when it reads the request, each error naming the member and the bound. Where two\nrequired members share a type, `X::builder()` names them, so they cannot be swapped.\n\n```\n# fn main() -> Result<(), Box<dyn std::error::Error>> {{\nuse {krate} as types;\n{lets}{uses}# Ok(())\n# }}\n```"
        )
    };
    format!(
        "Types of the {title}, generated from `spec/{api}.yaml`.\n\nShared by `{client}` and `{server}`: one Rust type per schema of the spec, plus\n[`auth::Credentials`] for its security schemes.\n\n- Enums are open: a value the spec does not list deserializes into an `Unknown(String)`\n  variant instead of failing ({count} enums).\n- A required, nullable field whose key is missing reads as `None`.\n- Structs are `#[non_exhaustive]`: build one with `X::new(required members…)` and the\n  `with_…` setters of its optional members, so a property the vendor adds later is a minor\n  release ({shapes} structs).\n- [`schema_types`] reaches each schema type by name; the default-off `schemars` feature\n  derives `schemars::JsonSchema` on every schema type.{requests}",
        title = model.title,
        api = model.api,
        client = model.names.client_crate,
        server = model.names.server_crate,
        count = model.open_enums.len(),
        shapes = model.shapes.len(),
    )
}

/// `round_trip`: deserialize a body into the Rust type the spec gives it for an operation's
/// request or response status, serialize it back. `crates/conformance` compares the two JSON
/// documents to find what the generated types lose.
fn round_trip(model: &ApiModel) -> proc_macro2::TokenStream {
    let mut arms = Vec::new();
    for op in &model.operations {
        let name = &op.id;
        if let Some(body) = &op.body {
            let ty = &body.owned_type;
            arms.push(quote! {
                (#name, None) => Some(convert::<#ty>(body)),
            });
        }
        for response in &op.responses {
            if let Some(ty) = &response.body {
                let status = response.status;
                arms.push(quote! {
                    (#name, Some(#status)) => Some(convert::<#ty>(body)),
                });
            }
        }
    }
    quote! {
        /// Round trips of bodies through the generated types, for conformance checks.
        pub mod round_trip {
            use crate as types;

            fn convert<T: ::serde::de::DeserializeOwned + ::serde::Serialize>(
                body: &::serde_json::Value,
            ) -> ::std::result::Result<::serde_json::Value, ::std::string::String> {
                // From the borrowed value: `from_value` would need a clone of the whole body.
                let typed = <T as ::serde::Deserialize>::deserialize(body).map_err(|e| e.to_string())?;
                ::serde_json::to_value(&typed).map_err(|e| e.to_string())
            }

            /// Deserializes `body` into the type of `operation`'s request (`status: None`) or of
            /// its response with `status`, and serializes it back. `None` when the spec gives
            /// that body no type.
            pub fn round_trip(
                operation: &str,
                status: ::std::option::Option<u16>,
                body: &::serde_json::Value,
            ) -> ::std::option::Option<::std::result::Result<::serde_json::Value, ::std::string::String>> {
                match (operation, status) {
                    #(#arms)*
                    _ => None,
                }
            }
        }
    }
}
