//! The names of everything generated for one API, derived from the spec's file name.

use heck::ToSnakeCase;

/// Names of the crates generated for one API (`insightiq` -> `insightiq-types`, ...).
#[derive(Debug, Clone)]
pub struct ApiNames {
    /// The spec's file stem: `insightiq`.
    pub api: String,
    pub types_crate: String,
    pub client_crate: String,
    pub server_crate: String,
}

impl ApiNames {
    pub fn new(api: &str) -> Self {
        let api = api.to_snake_case().replace('_', "-");
        ApiNames {
            types_crate: format!("{api}-types"),
            client_crate: format!("{api}-client"),
            server_crate: format!("{api}-server"),
            api,
        }
    }

    /// A crate name as a Rust identifier (`insightiq-types` -> `insightiq_types`).
    pub fn ident(crate_name: &str) -> syn::Ident {
        syn::Ident::new(
            &crate_name.replace('-', "_"),
            proc_macro2::Span::call_site(),
        )
    }
}

/// A model type as compact text (`types::UserCreateRequest`, `::std::string::String`), for docs
/// and for comparing two members' types.
pub fn type_text(ty: &syn::Type) -> String {
    quote::ToTokens::to_token_stream(ty)
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}
