//! `authenticate`: the spec's credentials read from the request and compared, in constant time,
//! with the configured ones.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{ApiModel, SchemeKind};

pub fn authenticate_fn(model: &ApiModel) -> TokenStream {
    let header_names: Vec<String> = model
        .security
        .schemes
        .iter()
        .map(|scheme| match &scheme.kind {
            SchemeKind::Basic => "authorization".to_owned(),
            SchemeKind::ApiKeyHeader { header, .. } => header.to_ascii_lowercase(),
        })
        .collect();
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
            // A credential header that is present but not visible ASCII is malformed, not
            // missing.
            for name in [#(#header_names),*] {
                if headers.get(name).is_some_and(|value| value.to_str().is_err()) {
                    let reason = "not visible ASCII text";
                    return Err(unauthorized(types::auth::AuthError::Malformed { header: name, reason }.to_string()));
                }
            }
            let presented = types::auth::Credentials::from_headers(|name| {
                headers.get(name).and_then(|value| value.to_str().ok())
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
