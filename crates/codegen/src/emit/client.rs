//! The client crate: progenitor's positional client, private (`mod positional`), behind a
//! public `Client` with fluent operations (`operations.rs`), bounds checked before sending
//! (`bounds.rs`), environments, credentials, the universal response headers, and the crate docs.

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{bounds, operation_docs, operations, CrateCode, CrateKind};
use crate::model::ApiModel;
use crate::naming::ApiNames;
use crate::CodegenError;

pub fn emit(model: &ApiModel) -> Result<CrateCode, CodegenError> {
    let use_types = use_types(model, &model.names.server_crate);
    let client = &model.code.client;
    let environments = environments(model);
    let credentials = credentials_constructor();
    let headers = response_headers_trait(model);
    let public_client = public_client(model);
    let operations = operations::operations(model)?;
    let bounds = bounds::module(model);
    Ok(CrateCode {
        kind: CrateKind::Client,
        code: quote! {
            #use_types
            pub use progenitor_client::{ByteStream, Error, ResponseValue};

            use std::fmt;
            use std::sync::Arc;
            use std::time::Duration;

            /// progenitor's positional client: one method per operation, every parameter an
            /// argument. Private: [`Client`]'s request builders check the values and call it.
            mod positional {
                use crate::types;

                #(#client)*
            }

            #public_client
            #operations
            #bounds
            #environments
            #credentials
            #headers
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
            pub fn #function(#(#params),*) -> String {
                #url.to_owned() #(#replaces)*
            }

            #[doc = #const_doc]
            pub const #constant: &str = #default_url;
        });
    }
    out
}

/// The public `Client`: the positional client inside, fluent operations outside; every
/// request goes through `client_runtime::Runtime` (retries, timeouts, one tracing span).
fn public_client(model: &ApiModel) -> TokenStream {
    let doc = format!(
        "Client for the {} (version {}): one method per operation, each returning a request builder (see [`operations`]).\n\nBuild one with [`Client::builder`] (credentials, timeouts, retry policy, user agent) or [`Client::with_credentials`] (the defaults). Every call is sent under [`RetryPolicy::standard`] unless the builder sets another, in one `tracing` span named `operation`.",
        model.title, model.version
    );
    let api = &model.api;
    let request_id_header = match &model.request_id_header {
        Some(name) => quote!(Some(#name)),
        None => quote!(None),
    };
    let user_agent = format!("{}/{}", model.names.client_crate, model.version);
    let builder_doc = format!(
        "Builds a [`Client`]: `Client::builder(base_url).credentials(&c).timeout(t).build()?`.\n\nDefaults: no credentials, a 15-second timeout per attempt and for connecting, the user agent `{user_agent}`, [`RetryPolicy::standard`], tokio's sleep."
    );
    quote! {
        pub use client_runtime::{self, RetryPolicy, Sleep};

        /// Sends each request of the positional client through the runtime: the seam
        /// progenitor leaves open (`ClientHooks::exec` receives the request and its operationId).
        impl progenitor_client::ClientHooks<client_runtime::Runtime> for positional::Client {
            async fn exec(
                &self,
                request: reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                self.inner.execute(&self.client, request, info.operation_id).await
            }
        }

        #[doc = #doc]
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: positional::Client,
        }

        impl Client {
            /// A client for `base_url` with no credentials and the default options (15-second
            /// timeouts, [`RetryPolicy::standard`]).
            ///
            /// # Panics
            ///
            /// If the TLS backend cannot be initialised, as `reqwest::Client::new` does;
            /// [`Client::builder`] returns that as an error instead.
            pub fn new(base_url: &str) -> Self {
                match Self::builder(base_url).build() {
                    Ok(client) => client,
                    Err(error) => panic!("{error}"),
                }
            }

            /// A client for `base_url` over an existing `reqwest::Client` (its timeouts, its
            /// default headers), with [`RetryPolicy::standard`].
            pub fn new_with_client(base_url: &str, client: reqwest::Client) -> Self {
                let runtime = client_runtime::ClientOptions::default().runtime(#api, #request_id_header);
                Self { inner: positional::Client::new_with_client(base_url, client, runtime) }
            }

            /// Starts a client for `base_url`: set credentials, timeouts, the retry policy and
            /// the user agent, then [`ClientBuilder::build`].
            pub fn builder(base_url: &str) -> ClientBuilder {
                ClientBuilder {
                    base_url: base_url.to_owned(),
                    credentials: None,
                    options: client_runtime::ClientOptions::default().user_agent(#user_agent),
                }
            }

            /// The base URL every operation's path is appended to.
            pub fn baseurl(&self) -> &str {
                progenitor_client::ClientInfo::baseurl(&self.inner)
            }

            /// The retry policy every call is sent under.
            pub fn retry_policy(&self) -> &RetryPolicy {
                progenitor_client::ClientInfo::inner(&self.inner).policy()
            }
        }

        #[doc = #builder_doc]
        #[derive(Clone)]
        #[must_use = "a builder does nothing until `.build()`"]
        pub struct ClientBuilder {
            base_url: String,
            credentials: Option<types::auth::Credentials>,
            options: client_runtime::ClientOptions,
        }

        impl fmt::Debug for ClientBuilder {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("ClientBuilder")
                    .field("base_url", &self.base_url)
                    .field("credentials", &self.credentials.as_ref().map(|_| "<set>"))
                    .field("options", &self.options)
                    .finish()
            }
        }

        impl ClientBuilder {
            /// The credentials sent with every request (their headers are marked sensitive, so
            /// they never appear in `Debug` output or logs).
            pub fn credentials(mut self, credentials: &types::auth::Credentials) -> Self {
                self.credentials = Some(credentials.clone());
                self
            }

            /// The longest one attempt may take, from connecting to the end of the response.
            pub fn timeout(mut self, timeout: Duration) -> Self {
                self.options = self.options.timeout(timeout);
                self
            }

            /// The longest connecting may take.
            pub fn connect_timeout(mut self, timeout: Duration) -> Self {
                self.options = self.options.connect_timeout(timeout);
                self
            }

            /// The retry policy ([`RetryPolicy::disabled`] sends every request once).
            pub fn retry(mut self, policy: RetryPolicy) -> Self {
                self.options = self.options.retry(policy);
                self
            }

            /// The `User-Agent` header of every request.
            pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
                self.options = self.options.user_agent(user_agent);
                self
            }

            /// How the client waits between attempts (a test passes one that records the waits
            /// instead of sleeping).
            pub fn sleep(mut self, sleep: Arc<dyn Sleep>) -> Self {
                self.options = self.options.sleep(sleep);
                self
            }

            /// The client, or why it cannot be built (a credential that is no header value, the
            /// TLS backend).
            pub fn build(self) -> Result<Client, ClientSetupError> {
                let mut headers = reqwest::header::HeaderMap::new();
                if let Some(credentials) = &self.credentials {
                    for (name, value) in credentials.to_headers() {
                        let mut value = reqwest::header::HeaderValue::from_str(value.expose())
                            .map_err(|_| ClientSetupError::InvalidHeader { header: name })?;
                        value.set_sensitive(true);
                        headers.insert(reqwest::header::HeaderName::from_static(name), value);
                    }
                }
                let http = self.options.http_client(headers).map_err(ClientSetupError::Build)?;
                let runtime = self.options.runtime(#api, #request_id_header);
                Ok(Client {
                    inner: positional::Client::new_with_client(&self.base_url, http, runtime),
                })
            }
        }
    }
}

/// `ClientSetupError` and `Client::with_credentials`, the builder with its defaults.
fn credentials_constructor() -> TokenStream {
    quote! {
        /// Why [`ClientBuilder::build`] or [`Client::with_credentials`] could not build a client.
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

        impl fmt::Display for ClientSetupError {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
            /// A client for `base_url` that sends `credentials` with every request, with the
            /// builder's defaults (15-second timeouts, [`RetryPolicy::standard`]):
            /// `Client::builder(base_url).credentials(credentials).build()`.
            pub fn with_credentials(
                base_url: &str,
                credentials: &types::auth::Credentials,
            ) -> Result<Self, ClientSetupError> {
                Self::builder(base_url).credentials(credentials).build()
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
            fn documented_header(&self, name: &str) -> Option<&str>;

            #(
                #[doc = #docs]
                fn #methods(&self) -> Option<&str> {
                    self.documented_header(#names)
                }
            )*
        }

        impl<T> ResponseHeaders for ResponseValue<T> {
            fn documented_header(&self, name: &str) -> Option<&str> {
                self.headers().get(name).and_then(|v| v.to_str().ok())
            }
        }

        impl<E> ResponseHeaders for Error<E> {
            fn documented_header(&self, name: &str) -> Option<&str> {
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
    let op = example_operation(model).ok_or_else(|| {
        model.error(
            &model.names.client_crate,
            "the spec has no operation for the crate's doc example",
        )
    })?;
    let body_line = super::constructors::shortest_line(model, op);
    let operation_docs::Call { setup, call } = operation_docs::call(op, body_line.as_deref());
    let label = op.summary.clone().unwrap_or_else(|| op.id.clone());
    let stream = model
        .operations
        .iter()
        .find(|op| op.pagination.is_some() && op.parameters.iter().all(|p| p.client_arg.optional))
        .map(|op| {
            format!(
                "\n// Every item of a paged list, page after page.\nlet mut items = client.{}().stream();\nwhile let Some(item) = futures_util::TryStreamExt::try_next(&mut items).await? {{\n    println!(\"{{item:?}}\");\n}}\n",
                op.id
            )
        })
        .unwrap_or_default();
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
        "```no_run\n# async fn example() -> Result<(), Box<dyn std::error::Error>> {{\nuse std::time::Duration;\n\nuse {krate}::{{types::{{self, auth::Credentials}}, Client, RetryPolicy, {base_import}{header_import}}};\n\nlet credentials = Credentials::new({args});\nlet client = Client::builder({base_url})\n    .credentials(&credentials)\n    .timeout(Duration::from_secs(10))\n    .retry(RetryPolicy::standard().max_attempts(5))\n    .user_agent(\"my-service/1.0\")\n    .build()?;\n{setup}// {label}\nlet response = client.{call}.send().await?;\n{header_line}let body = response.into_inner();\n# let _ = body;\n{stream}# Ok(())\n# }}\n```",
        args = model.credentials_placeholders(),
    );
    let required_body = required_body_example(model, &krate);
    Ok(format!(
        "HTTP client for the {title}, generated from `spec/{api}.yaml`.\n\nOne method per operation on [`Client`]; it takes the required path and query parameters and\nreturns a request builder ([`operations`]) with a setter per optional parameter and\n`.body(...)`. `.send().await` checks every value against the spec's bounds (a value out of\nbounds is refused before any request, naming the parameter and the bound) and sends it; paged\nlists also have `.stream()`. The request and response types are in [`types`] (the `{types}`\ncrate, shared with `{server}`): `#[non_exhaustive]` structs built with `X::new(required…)`\nand `with_…` setters.\n\nEvery call goes through [`client_runtime`]'s runtime: the retry policy ([`RetryPolicy::standard`]\nby default: three attempts, exponential backoff with jitter, `Retry-After` honoured up to 20 s;\nconnect errors and 429 retried for every method, 5xx and timeouts only for GET, HEAD, PUT and\nDELETE unless the policy opts in), the timeouts and user agent of [`Client::builder`], and one\n`tracing` span per call named `operation` (fields `api`, `operation_id`, `method`, `path`,\n`status`, `latency_ms`, `attempts`, `request_id`).\n\n{example}{required_body}",
        title = model.title,
        api = model.api,
        types = model.names.types_crate,
        server = model.names.server_crate,
    ))
}

/// The section showing that a required body is an argument: the call with it compiles, the
/// call without it does not (a `compile_fail` doctest, independent of rustc's message text).
fn required_body_example(model: &ApiModel, krate: &str) -> String {
    let Some(op) = model.operations.iter().find(|op| {
        op.body.as_ref().is_some_and(|b| b.required)
            && op.parameters.iter().all(|p| p.client_arg.optional)
    }) else {
        return String::new();
    };
    let body = op.body.as_ref().expect("found with a body");
    let ty = quote::ToTokens::to_token_stream(&body.owned_type)
        .to_string()
        .replace(' ', "");
    let id = &op.id;
    let ty = ty.strip_prefix("types::").unwrap_or(&ty);
    format!(
        "\n\n# Required inputs are arguments\n\nA required body is the last argument of its operation method, like a required path or\nquery parameter:\n\n```no_run\n# async fn example(client: &{krate}::Client, body: {krate}::types::{ty}) -> Result<(), Box<dyn std::error::Error>> {{\nlet response = client.{id}(body).send().await?;\n# let _ = response;\n# Ok(())\n# }}\n```\n\nso leaving it out does not compile:\n\n```compile_fail\n# async fn example(client: &{krate}::Client) -> Result<(), Box<dyn std::error::Error>> {{\nlet response = client.{id}().send().await?;\n# let _ = response;\n# Ok(())\n# }}\n```"
    )
}

/// The first operation without a body whose required parameters take literals, else the
/// first operation.
fn example_operation(model: &ApiModel) -> Option<&crate::model::Operation> {
    use crate::model::ArgValue;
    model
        .operations
        .iter()
        .find(|op| {
            op.body.is_none()
                && op.parameters.iter().all(|p| {
                    p.client_arg.optional
                        || matches!(p.client_arg.value, ArgValue::Str | ArgValue::Integer(_))
                })
        })
        .or_else(|| model.operations.first())
}
