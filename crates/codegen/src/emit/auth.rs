//! The `auth` module of a types crate: the API's `Credentials` (shared by client and server),
//! with `Secret` and `AuthError` re-exported from the one `secret` crate.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{ApiModel, SchemeKind};

pub fn auth_module(model: &ApiModel) -> TokenStream {
    let security = &model.security;
    let mut fields = Vec::new();
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut debug_fields = Vec::new();
    let mut to_headers = Vec::new();
    let mut from_headers = Vec::new();
    let mut field_names = Vec::new();
    for scheme in &security.schemes {
        let doc = format!(
            "Scheme `{}`{}",
            scheme.name,
            if scheme.description.is_empty() {
                String::new()
            } else {
                format!(": {}", scheme.description)
            }
        );
        match &scheme.kind {
            SchemeKind::Basic => {
                fields.push(quote! {
                    #[doc = #doc]
                    ///
                    /// The HTTP basic user name.
                    pub username: ::std::string::String,
                    /// The HTTP basic password.
                    pub password: Secret,
                });
                params.push(
                    quote!(username: impl Into<::std::string::String>, password: impl Into<Secret>),
                );
                inits.push(quote!(username: username.into(), password: password.into(),));
                debug_fields.push(
                    quote!(.field("username", &self.username).field("password", &self.password)),
                );
                to_headers.push(quote! {
                    headers.push((
                        "authorization",
                        Secret::new(::std::format!(
                            "Basic {}",
                            ::base64::engine::Engine::encode(
                                &::base64::engine::general_purpose::STANDARD,
                                ::std::format!("{}:{}", self.username, self.password.expose()),
                            )
                        )),
                    ));
                });
                from_headers.push(quote! {
                    let value = header("authorization").ok_or(AuthError::Missing { header: "authorization" })?;
                    let malformed = |reason| AuthError::Malformed { header: "authorization", reason };
                    let (scheme, encoded) = value.trim().split_once(' ').ok_or_else(|| malformed("expected `Basic <base64>`"))?;
                    if !scheme.eq_ignore_ascii_case("basic") {
                        return Err(malformed("expected the Basic scheme"));
                    }
                    let decoded = ::base64::engine::Engine::decode(&::base64::engine::general_purpose::STANDARD, encoded.trim())
                        .map_err(|_| malformed("the credentials are not valid base64"))?;
                    let decoded = ::std::string::String::from_utf8(decoded).map_err(|_| malformed("the credentials are not UTF-8"))?;
                    let (username, password) = decoded.split_once(':').ok_or_else(|| malformed("expected `username:password`"))?;
                    let username = username.to_owned();
                    let password = Secret::new(password);
                });
                field_names.push(quote!(username));
                field_names.push(quote!(password));
            }
            SchemeKind::ApiKeyHeader { header, prefix } => {
                let field = format_ident!("{}", scheme.field);
                let field_name = scheme.field.clone();
                let header_lower = header.to_ascii_lowercase();
                let header_doc = if prefix.is_empty() {
                    format!("Sent as the `{header}` header.")
                } else {
                    format!("Sent as the `{header}` header, after the text `{prefix}`.")
                };
                fields.push(quote! {
                    #[doc = #doc]
                    ///
                    #[doc = #header_doc]
                    pub #field: Secret,
                });
                params.push(quote!(#field: impl Into<Secret>));
                inits.push(quote!(#field: #field.into(),));
                debug_fields.push(quote!(.field(#field_name, &self.#field)));
                to_headers.push(quote! {
                    headers.push((#header_lower, Secret::new(::std::format!("{}{}", #prefix, self.#field.expose()))));
                });
                let missing = format!("expected `{prefix}<key>`");
                from_headers.push(quote! {
                    let value = header(#header_lower).ok_or(AuthError::Missing { header: #header_lower })?;
                    let #field = value
                        .strip_prefix(#prefix)
                        .filter(|key| !key.is_empty())
                        .map(Secret::new)
                        .ok_or(AuthError::Malformed { header: #header_lower, reason: #missing })?;
                });
                field_names.push(quote!(#field));
            }
        }
    }
    quote! {
        /// Credentials, as the spec's security schemes define them.
        pub mod auth {
            /// The secret value and the header errors every API's credentials share.
            pub use ::secret::{AuthError, Secret};

            /// The credentials every operation requires, all together.
            #[derive(Clone)]
            pub struct Credentials {
                #(#fields)*
            }

            impl ::std::fmt::Debug for Credentials {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct("Credentials") #(#debug_fields)* .finish()
                }
            }

            impl Credentials {
                /// Credentials from their parts.
                pub fn new(#(#params),*) -> Self {
                    Credentials { #(#inits)* }
                }

                /// The request headers (lower-case name, value) that carry these credentials.
                pub fn to_headers(&self) -> ::std::vec::Vec<(&'static str, Secret)> {
                    let mut headers = ::std::vec::Vec::new();
                    #(#to_headers)*
                    headers
                }

                /// Reads credentials from request headers; `header` looks a header up by its
                /// lower-case name.
                pub fn from_headers<'a>(
                    header: impl Fn(&str) -> ::std::option::Option<&'a str>,
                ) -> ::std::result::Result<Self, AuthError> {
                    #(#from_headers)*
                    Ok(Credentials { #(#field_names),* })
                }
            }
        }
    }
}
