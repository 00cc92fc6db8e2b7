//! The client crate: progenitor's positional client plus what it lacks — environments,
//! credentials, the universal response headers, pagination streams — and the crate docs.

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{streams, CrateCode, CrateKind};
use crate::model::{ApiModel, ArgValue, ClientArgument};
use crate::naming::ApiNames;
use crate::CodegenError;

pub fn emit(model: &ApiModel) -> Result<CrateCode, CodegenError> {
    let use_types = use_types(model, &model.names.server_crate);
    let client = &model.code.client;
    let environments = environments(model);
    let credentials = credentials_constructor();
    let headers = response_headers_trait(model);
    let streams = streams::streams(model);
    Ok(CrateCode {
        kind: CrateKind::Client,
        code: quote! {
            #use_types
            #(#client)*
            #environments
            #credentials
            #headers
            #streams
        },
        docs: docs(model)?,
    })
}

/// `pub use <api>_types as types;`, documented for the crate it is in (`shared_with` is the
/// other crate that uses the same types).
pub fn use_types(model: &ApiModel, shared_with: &str) -> TokenStream {
    let types = ApiNames::ident(&model.names.types_crate);
    let doc = format!(
        "The API's types: the `{}` crate, generated from the spec's schemas and shared with `{shared_with}`.",
        model.names.types_crate
    );
    quote! {
        #[doc = #doc]
        pub use #types as types;
    }
}

/// `Environment` (servers without variables) and `*_url` functions (servers with variables).
fn environments(model: &ApiModel) -> TokenStream {
    let mut out = TokenStream::new();
    let fixed = &model.servers.environments;
    if !fixed.is_empty() {
        let idents: Vec<_> = fixed.iter().map(|e| &e.variant).collect();
        let docs: Vec<_> = fixed.iter().map(|e| &e.doc).collect();
        let urls: Vec<_> = fixed.iter().map(|e| &e.url).collect();
        let defaults = (0..fixed.len()).map(|i| {
            if i == 0 {
                quote!(#[default])
            } else {
                TokenStream::new()
            }
        });
        out.extend(quote! {
            /// The servers the spec lists. `Environment::default()` is the first one.
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
            pub enum Environment {
                #(
                    #[doc = #docs]
                    #defaults
                    #idents,
                )*
            }

            impl Environment {
                /// Every environment, in the spec's order.
                pub const ALL: &'static [Environment] = &[#(Environment::#idents),*];

                /// The base URL to give to [`Client::new`] or [`Client::with_credentials`].
                pub const fn base_url(self) -> &'static str {
                    match self {
                        #(Environment::#idents => #urls,)*
                    }
                }
            }
        });
    }
    for server in &model.servers.templated {
        let function = &server.function;
        let constant = &server.default_constant;
        let params = server.variables.iter().map(|v| {
            let ident = &v.ident;
            quote!(#ident: &str)
        });
        let replaces = server.variables.iter().map(|v| {
            let ident = &v.ident;
            let placeholder = &v.placeholder;
            quote!(.replace(#placeholder, #ident))
        });
        let docs = server.variables.iter().map(|v| &v.doc);
        let doc = &server.doc;
        let const_doc = format!("[`{function}`] with every variable at its default.");
        let url = &server.url;
        let default_url = &server.default_url;
        out.extend(quote! {
            #[doc = #doc]
            ///
            #(#[doc = #docs])*
            pub fn #function(#(#params),*) -> ::std::string::String {
                #url.to_owned() #(#replaces)*
            }

            #[doc = #const_doc]
            pub const #constant: &str = #default_url;
        });
    }
    out
}

/// `Client::with_credentials`, which sends the spec's credentials on every request.
fn credentials_constructor() -> TokenStream {
    quote! {
        /// Why [`Client::with_credentials`] could not build a client.
        #[derive(Debug)]
        pub enum ClientSetupError {
            /// A credential cannot be sent in an HTTP header (it contains control characters).
            InvalidHeader {
                /// The header's name.
                header: &'static str,
            },
            /// The HTTP client could not be built (TLS setup, for example).
            Build(reqwest::Error),
        }

        impl ::std::fmt::Display for ClientSetupError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    ClientSetupError::InvalidHeader { header } => {
                        write!(f, "the credentials cannot be sent in the `{header}` header")
                    }
                    ClientSetupError::Build(e) => write!(f, "cannot build the HTTP client: {e}"),
                }
            }
        }

        impl ::std::error::Error for ClientSetupError {}

        impl Client {
            /// A client for `base_url` that sends `credentials` with every request.
            ///
            /// The credential headers are marked sensitive, so they never appear in `Debug`
            /// output or logs. Connect and request timeouts are 15 seconds.
            pub fn with_credentials(
                base_url: &str,
                credentials: &types::auth::Credentials,
            ) -> ::std::result::Result<Self, ClientSetupError> {
                let mut headers = reqwest::header::HeaderMap::new();
                for (name, value) in credentials.to_headers() {
                    let mut value = reqwest::header::HeaderValue::from_str(value.expose())
                        .map_err(|_| ClientSetupError::InvalidHeader { header: name })?;
                    value.set_sensitive(true);
                    headers.insert(reqwest::header::HeaderName::from_static(name), value);
                }
                let timeout = ::std::time::Duration::from_secs(15);
                let client = reqwest::ClientBuilder::new()
                    .connect_timeout(timeout)
                    .timeout(timeout)
                    .default_headers(headers)
                    .build()
                    .map_err(ClientSetupError::Build)?;
                Ok(Self::new_with_client(base_url, client))
            }
        }
    }
}

/// `ResponseHeaders`: each universal header, read from a success or an error in one call.
fn response_headers_trait(model: &ApiModel) -> TokenStream {
    let headers = &model.universal_headers;
    if headers.is_empty() {
        return TokenStream::new();
    }
    let methods = headers
        .iter()
        .map(|h| format_ident!("{}", h.name.to_snake_case()));
    let names = headers.iter().map(|h| &h.name);
    let docs = headers
        .iter()
        .map(|h| format!("The `{}` response header: {}", h.name, h.description));
    quote! {
        /// The response headers the spec declares on every response, readable from a success
        /// ([`ResponseValue`]) and from an error ([`Error`]) alike.
        ///
        /// An error that carries no response (a connection failure, or a body that did not
        /// deserialize) has no headers: the methods return `None` for it.
        pub trait ResponseHeaders {
            /// A response header by lower-case name, if the response carried it as text.
            fn documented_header(&self, name: &str) -> ::std::option::Option<&str>;

            #(
                #[doc = #docs]
                fn #methods(&self) -> ::std::option::Option<&str> {
                    self.documented_header(#names)
                }
            )*
        }

        impl<T> ResponseHeaders for ResponseValue<T> {
            fn documented_header(&self, name: &str) -> ::std::option::Option<&str> {
                self.headers().get(name).and_then(|v| v.to_str().ok())
            }
        }

        impl<E> ResponseHeaders for Error<E> {
            fn documented_header(&self, name: &str) -> ::std::option::Option<&str> {
                let headers = match self {
                    Error::ErrorResponse(response) => response.headers(),
                    Error::UnexpectedResponse(response) => response.headers(),
                    _ => return None,
                };
                headers.get(name).and_then(|v| v.to_str().ok())
            }
        }
    }
}

fn docs(model: &ApiModel) -> Result<String, CodegenError> {
    let krate = model.names.client_crate.replace('-', "_");
    let (base_import, base_url) = if model.servers.environments.is_empty() {
        let function = model
            .servers
            .templated
            .first()
            .map(|s| s.function.to_string())
            .ok_or_else(|| model.error(&model.names.client_crate, "the spec lists no server"))?;
        let args = vec!["\"example.com\""; model.servers.templated[0].variables.len()];
        (
            function.clone(),
            format!("&{function}({})", args.join(", ")),
        )
    } else {
        (
            "Environment".to_owned(),
            "Environment::default().base_url()".to_owned(),
        )
    };
    let ExampleCall { setup, call, label } = example_call(model).ok_or_else(|| {
        model.error(
            &model.names.client_crate,
            "no operation is simple enough for the crate's doc example",
        )
    })?;
    let header_line = model
        .universal_headers
        .first()
        .map(|h| {
            format!(
                "println!(\"{}: {{:?}}\", response.{}());\n",
                h.name,
                h.name.to_snake_case()
            )
        })
        .unwrap_or_default();
    let header_import = if model.universal_headers.is_empty() {
        ""
    } else {
        ", ResponseHeaders"
    };
    let example = format!(
        "```no_run\n# async fn example() -> Result<(), Box<dyn std::error::Error>> {{\nuse {krate}::{{types::auth::Credentials, Client, {base_import}{header_import}}};\n\nlet credentials = Credentials::new({args});\nlet client = Client::with_credentials({base_url}, &credentials)?;\n{setup}// {label}\nlet response = client.{call}.await?;\n{header_line}let body = response.into_inner();\n# let _ = body;\n# Ok(())\n# }}\n```",
        args = model.credentials_placeholders(),
    );
    Ok(format!(
        "HTTP client for the {title}, generated from `spec/{api}.yaml` with progenitor.\n\nOne async method per operation on [`Client`]; the request and response types are in\n[`types`] (the `{types}` crate, shared with `{server}`).\n\n{example}",
        title = model.title,
        api = model.api,
        types = model.names.types_crate,
        server = model.names.server_crate,
    ))
}

struct ExampleCall {
    /// Lines before the call (a body built from the spec's example).
    setup: String,
    call: String,
    /// What the call does, in words.
    label: String,
}

/// A call of the first operation whose arguments can all be written as literals, preferring
/// one without a body.
fn example_call(model: &ApiModel) -> Option<ExampleCall> {
    example_call_where(model, false).or_else(|| example_call_where(model, true))
}

fn example_call_where(model: &ApiModel, with_body: bool) -> Option<ExampleCall> {
    'operations: for op in &model.operations {
        if op.body.is_some() != with_body {
            continue;
        }
        let mut args = Vec::new();
        let mut setup = String::new();
        for argument in &op.client_arguments {
            let ClientArgument::Parameter(index) = argument else {
                let Some(body) = op.body.as_ref() else {
                    continue 'operations;
                };
                let Some(example) = &body.example else {
                    continue 'operations;
                };
                setup = format!(
                    "// The body, from the spec's example.\nlet body = serde_json::from_value(serde_json::json!({example}))?;\n"
                );
                args.push(
                    if body.client_by_reference {
                        "&body"
                    } else {
                        "body"
                    }
                    .to_owned(),
                );
                continue;
            };
            let param = &op.parameters[*index];
            args.push(match (param.client_arg.optional, param.client_arg.value) {
                (true, _) => "None".to_owned(),
                (false, ArgValue::Str) => "\"9bd39495-ad21-40f7-a8a6-9c8cf9d6a822\"".to_owned(),
                (false, ArgValue::Integer(_)) => "322673814".to_owned(),
                _ => continue 'operations,
            });
        }
        let summary = op.summary.clone().unwrap_or_else(|| op.id.clone());
        return Some(ExampleCall {
            setup,
            call: format!("{}({})", op.id, args.join(", ")),
            label: summary,
        });
    }
    None
}
