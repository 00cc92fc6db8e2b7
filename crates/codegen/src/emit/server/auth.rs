//! `authenticate`: the spec's credentials read from the request and compared, in constant time,
//! with the configured ones.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{ApiModel, SchemeKind};

pub fn authenticate_fn(model: &ApiModel) -> TokenStream {
    let checks = model.security.schemes.iter().map(|scheme| match &scheme.kind {
        SchemeKind::Basic => quote! {
            & ::server_runtime::secrets_equal(&presented.username, &expected.username)
            & ::server_runtime::secrets_equal(presented.password.expose(), expected.password.expose())
        },
        SchemeKind::ApiKeyHeader { .. } => {
            let field = format_ident!("{}", scheme.field);
            quote! {
                & ::server_runtime::secrets_equal(presented.#field.expose(), expected.#field.expose())
            }
        }
    });
    quote! {
        /// Reads the credentials of the spec's security schemes and compares them, in constant
        /// time, with the configured ones.
        fn authenticate(
            config: &ServerConfig,
            headers: &::server_runtime::axum::http::HeaderMap,
        ) -> ::std::result::Result<types::auth::Credentials, Rejection> {
            let unauthorized = |message: ::std::string::String| {
                Rejection::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
            };
            let presented = types::auth::Credentials::from_headers(|name| {
                ::server_runtime::header_text(headers, name)
            })
            .map_err(|e| unauthorized(e.to_string()))?;
            let expected = &config.credentials;
            let valid = true #(#checks)*;
            if valid {
                Ok(presented)
            } else {
                Err(unauthorized("the credentials are not valid".to_owned()))
            }
        }
    }
}
