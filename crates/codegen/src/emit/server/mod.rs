//! The server crate of one API: a trait with one async method per operation, typed per-status
//! response enums, input validation from the spec, auth and axum routing.
//!
//! progenitor does not generate servers. The request and response types are the types crate's,
//! and parameter types are the client's made owned (both from the model), so client and server
//! agree on every type by construction. The request plumbing lives in `server-runtime`; the
//! generated handlers only name their inputs and call the trait.

mod auth;
mod example;
mod handlers;
mod operation_enum;
mod responses;
mod schemas;

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::client::use_types;
use super::{CrateCode, CrateKind};
use crate::model::ApiModel;
use crate::CodegenError;

pub fn trait_ident(model: &ApiModel) -> syn::Ident {
    format_ident!("{}Api", model.names.api.to_upper_camel_case())
}

pub fn emit(model: &ApiModel) -> Result<CrateCode, CodegenError> {
    let trait_name = trait_ident(model);
    let mut schemas = schemas::Schemas::default();
    let mut response_enums = Vec::new();
    let mut query_structs = Vec::new();
    let mut trait_methods = Vec::new();
    let mut param_lists = Vec::new();
    let mut handlers = Vec::new();
    let mut routes: BTreeMap<&str, Vec<(&str, syn::Ident)>> = BTreeMap::new();
    for op in &model.operations {
        response_enums.push(responses::response_enum(op));
        let code = handlers::operation_code(op, &trait_name, &mut schemas);
        query_structs.extend(code.query_struct);
        trait_methods.push(code.trait_method);
        param_lists.extend(code.param_lists);
        handlers.push(code.handler);
        routes
            .entry(op.route.as_str())
            .or_default()
            .push((op.method, code.handler_ident));
    }
    let route_calls = routes.iter().map(|(path, methods)| {
        let mut names: Vec<&str> = methods.iter().map(|(m, _)| *m).collect();
        names.sort_unstable();
        let allow = names.join(", ");
        let chain = methods.iter().enumerate().map(|(i, (method, handler))| {
            let method_fn = format_ident!("{}", method.to_ascii_lowercase());
            if i == 0 {
                quote!(routing::#method_fn(#handler::<T>))
            } else {
                quote!(.#method_fn(#handler::<T>))
            }
        });
        quote! {
            .route(
                #path,
                #(#chain)*.fallback(::server_runtime::method_not_allowed(&API, #allow)),
            )
        }
    });

    // Only what this API uses: an API without parameters or bodies embeds no schema.
    let mut runtime_imports = vec![format_ident!("ApiDescription"), format_ident!("Endpoint")];
    if !schemas.statics().is_empty() {
        runtime_imports.push(format_ident!("LazySchema"));
    }
    if model.operations.iter().any(|op| !op.parameters.is_empty()) {
        runtime_imports.push(format_ident!("ParamKind"));
        runtime_imports.push(format_ident!("ParamSpec"));
    }
    runtime_imports.push(format_ident!("Input"));
    runtime_imports.push(format_ident!("Rejection"));
    runtime_imports.push(format_ident!("Reply"));
    let use_types = use_types(model, &model.names.client_crate);
    let context = context(model);
    let operation_enum = operation_enum::operation_enum(model);
    let authenticate = auth::authenticate_fn(model);
    let statics = schemas.statics();
    let error_template = render_template(&model.error_template);
    let request_id_header = match &model.request_id_header {
        Some(name) => quote!(Some(#name)),
        None => quote!(None),
    };
    let base_path = &model.base_path;
    let base_path_doc = format!(
        "The path prefix of every operation (the first server URL's path{}).",
        if model.base_path.is_empty() {
            ": none"
        } else {
            ""
        }
    );
    let trait_doc = format!(
        "The {} as a Rust trait: implement it, then serve it with [`router`].\n\nEvery method is called only with input that passed the spec's validation and carries valid credentials ([`Context::credentials`]).",
        model.title
    );
    let code = quote! {
        #use_types

        use ::std::sync::Arc;

        use ::server_runtime::axum::extract::{Request, State};
        use ::server_runtime::axum::http::{HeaderMap, StatusCode};
        use ::server_runtime::axum::response::{IntoResponse, Response};
        use ::server_runtime::axum::routing;
        use ::server_runtime::{#(#runtime_imports),*};

        /// The type of [`Context::request_id`], so implementations need no uuid dependency.
        pub use ::server_runtime::Uuid;

        #[doc = #base_path_doc]
        pub const BASE_PATH: &str = #base_path;

        #(#response_enums)*

        #(#query_structs)*

        #context

        #operation_enum

        #[doc = #trait_doc]
        pub trait #trait_name: Send + Sync + 'static {
            #(#trait_methods)*
        }

        /// What the server accepts: the credentials it expects, and its limits.
        #[derive(Debug, Clone)]
        pub struct ServerConfig {
            /// The only credentials accepted.
            pub credentials: types::auth::Credentials,
            /// Request body limits: its size, and the time it may take to arrive.
            pub limits: ::server_runtime::Limits,
        }

        impl ServerConfig {
            /// Accepts `credentials`, with the default limits (1 MiB bodies, 10 s idle, 30 s in all).
            pub fn new(credentials: types::auth::Credentials) -> Self {
                ServerConfig { credentials, limits: ::server_runtime::Limits::default() }
            }
        }

        struct Shared<T> {
            api: Arc<T>,
            config: ServerConfig,
        }

        impl<T> Shared<T> {
            /// The outline every handler shares, so that each states only its inputs and its
            /// call: the API's endpoint (error shape, limits, `invalid_input` for a rejected
            /// input), authentication, a fresh [`Context`], then `operation`.
            async fn handle<R, F, Fut>(&self, invalid_input: StatusCode, request: Request, operation: F) -> Response
            where
                R: IntoResponse,
                F: FnOnce(Input, Context) -> Fut,
                Fut: ::std::future::Future<Output = Result<Reply<R>, Rejection>>,
            {
                let endpoint = Endpoint { api: &API, invalid_input, limits: &self.config.limits };
                let authenticate = |headers: &HeaderMap| authenticate(&self.config, headers);
                ::server_runtime::handle(endpoint, request, authenticate, |input, credentials| {
                    let ctx = Context::new(credentials, input.request_id());
                    operation(input, ctx)
                })
                .await
            }
        }

        static API: ApiDescription = ApiDescription {
            error_template: #error_template,
            request_id_header: #request_id_header,
        };

        #(#statics)*

        #(#param_lists)*

        #authenticate

        #(#handlers)*

        /// An axum router serving every operation of the spec at its path (under [`BASE_PATH`]),
        /// answering unknown paths with 404 and other methods with 405, both in the API's error
        /// shape.
        pub fn router<T: #trait_name>(api: Arc<T>, config: ServerConfig) -> ::server_runtime::axum::Router {
            let shared = Arc::new(Shared { api, config });
            ::server_runtime::axum::Router::new()
                #(#route_calls)*
                .fallback(::server_runtime::not_found(&API))
                .with_state(shared)
        }
    };
    Ok(CrateCode {
        kind: CrateKind::Server,
        code,
        docs: docs(model)?,
    })
}

/// The error template as a readable raw string.
fn render_template(template: &str) -> TokenStream {
    let pretty = serde_json::from_str::<serde_json::Value>(template)
        .ok()
        .and_then(|value| serde_json::to_string_pretty(&value).ok())
        .unwrap_or_else(|| template.to_owned());
    crate::render::raw_string(&pretty)
}

fn context(model: &ApiModel) -> TokenStream {
    let request_id_doc = match &model.request_id_header {
        Some(header) => format!(
            "This request's id: a fresh uuid, which the implementation may replace. It goes into the `{header}` header of every response and into the API's error bodies."
        ),
        None if model.error_template_has_request_id => {
            "This request's id: a fresh uuid, which the implementation may replace. It goes into the API's error bodies.".to_owned()
        }
        None => "This request's id: a fresh uuid, which the implementation may replace. The API sends it nowhere (its spec declares no request-id header and its error body has no place for one); use it in logs.".to_owned(),
    };
    quote! {
        /// Per-request context handed to every trait method.
        #[derive(Debug)]
        pub struct Context {
            /// The credentials the request presented (already checked against [`ServerConfig`]).
            pub credentials: types::auth::Credentials,
            #[doc = #request_id_doc]
            pub request_id: Uuid,
            /// Extra response headers to send.
            pub response_headers: ::std::vec::Vec<(::std::string::String, ::std::string::String)>,
        }

        impl Context {
            fn new(credentials: types::auth::Credentials, request_id: Uuid) -> Self {
                Context { credentials, request_id, response_headers: ::std::vec::Vec::new() }
            }

            fn reply<R>(self, response: R) -> ::server_runtime::Reply<R> {
                ::server_runtime::Reply { response, request_id: self.request_id, headers: self.response_headers }
            }

            /// The API's error body (its `x-error-template`), for responses the implementation
            /// builds itself: `code` is machine-readable (used where the template has `{code}`),
            /// `field` names the offending input.
            pub fn error(&self, status: u16, code: &str, message: &str, field: ::std::option::Option<&str>) -> types::Error {
                let value = ::server_runtime::error_body(&API, status, code, message, field, &self.request_id.to_string());
                ::server_runtime::serde_json::from_value(value).expect("the spec's x-error-template matches its Error schema")
            }
        }
    }
}

fn docs(model: &ApiModel) -> Result<String, CodegenError> {
    let example = example::example(model).map_err(|message| {
        model.error(
            &model.names.server_crate,
            format!("cannot build the crate's doc example: {message}"),
        )
    })?;
    Ok(format!(
        "Server side of the {title}, generated from `spec/{api}.yaml`.\n\nImplement [`{camel}`] (one async method per operation, typed inputs, one response enum per\noperation) and serve it with [`router`]: routing at the spec's paths, validation of every\nparameter and body against the spec, credentials checked in constant time, the API's error\nbody for everything the server rejects itself, 413 beyond the body limit, and a 500 (not a\ncrash) when an implementation panics. The types are those of `{types}`, which `{client}`\nuses too.\n\n{example}",
        title = model.title,
        api = model.api,
        camel = trait_ident(model),
        types = model.names.types_crate,
        client = model.names.client_crate,
    ))
}
