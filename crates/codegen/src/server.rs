//! The server crate of one API: a trait with one async method per operation, typed per-status
//! response enums, input validation from the spec, auth extraction and axum routing.
//!
//! progenitor does not generate servers. The request and response types are the types crate's;
//! parameter types are read from progenitor's client method signatures (references made owned),
//! so client and server agree on every type by construction.

use std::collections::BTreeMap;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use spec_model::Spec;

use crate::naming::ApiNames;
use crate::security::{SchemeKind, Security};
use crate::CodegenError;

struct Param {
    name: String,
    ident: syn::Ident,
    ty: syn::Type,
    kind: TokenStream,
    required: bool,
    default: Option<String>,
    schema_static: syn::Ident,
    schema_json: String,
}

struct ResponseCase {
    status: u16,
    variant: syn::Ident,
    description: String,
    body: Option<syn::Type>,
}

struct Operation {
    name: String,
    method: &'static str,
    route: String,
    doc: String,
    path_params: Vec<Param>,
    query_params: Vec<Param>,
    body: Option<(syn::Type, bool, syn::Ident, String)>,
    responses: Vec<ResponseCase>,
    validation_status: u16,
}

fn variant_name(status: u16) -> String {
    match status {
        200 => "Ok".into(),
        201 => "Created".into(),
        202 => "Accepted".into(),
        204 => "NoContent".into(),
        400 => "BadRequest".into(),
        401 => "Unauthorized".into(),
        403 => "Forbidden".into(),
        404 => "NotFound".into(),
        409 => "Conflict".into(),
        422 => "UnprocessableEntity".into(),
        429 => "TooManyRequests".into(),
        500 => "InternalServerError".into(),
        other => format!("Status{other}"),
    }
}

/// The status of a response enum variant named by [`variant_name`].
pub fn variant_status(variant: &str) -> Option<u16> {
    if let Some(code) = variant.strip_prefix("Status") {
        return code.parse().ok();
    }
    (100..600).find(|&status| variant_name(status) == variant)
}

/// `&'a str` -> `String`, `&'a T` -> `T`, inside `Option<..>` too.
fn owned(ty: &syn::Type) -> syn::Type {
    struct Own;
    impl syn::visit_mut::VisitMut for Own {
        fn visit_type_mut(&mut self, ty: &mut syn::Type) {
            if let syn::Type::Reference(reference) = ty {
                let inner = (*reference.elem).clone();
                *ty = match &inner {
                    syn::Type::Path(p) if p.path.is_ident("str") => {
                        syn::parse_quote!(::std::string::String)
                    }
                    _ => inner,
                };
            }
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Own, &mut ty);
    ty
}

fn follow<'a>(spec: &'a Spec, value: &'a Value) -> (&'a Value, Option<String>) {
    let mut value = value;
    let mut pointer = None;
    for _ in 0..16 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(r) => match spec.resolve(r) {
                Some(next) => {
                    pointer = Some(r.trim_start_matches('#').to_owned());
                    value = next;
                }
                None => break,
            },
            None => break,
        }
    }
    (value, pointer)
}

fn signature<'a>(client: &'a [syn::Item], name: &str) -> Option<&'a syn::Signature> {
    client.iter().find_map(|item| match item {
        syn::Item::Impl(imp) if imp.trait_.is_none() => imp.items.iter().find_map(|i| match i {
            syn::ImplItem::Fn(f) if f.sig.ident == name => Some(&f.sig),
            _ => None,
        }),
        _ => None,
    })
}

/// `Result<ResponseValue<S>, Error<E>>` -> (S, E).
fn result_types(sig: &syn::Signature) -> Option<(syn::Type, syn::Type)> {
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    let generic = |ty: &syn::Type, index: usize| -> Option<syn::Type> {
        let syn::Type::Path(p) = ty else { return None };
        let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
            return None;
        };
        match args.args.iter().nth(index)? {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        }
    };
    let ok = generic(ty, 0)?;
    let err = generic(ty, 1)?;
    Some((generic(&ok, 0)?, generic(&err, 0)?))
}

fn base_path(spec: &Spec) -> String {
    let url = spec
        .openapi
        .servers
        .first()
        .map(|s| s.url.as_str())
        .unwrap_or("");
    let without_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    match without_scheme.find('/') {
        Some(index) => without_scheme[index..].trim_end_matches('/').to_owned(),
        None => String::new(),
    }
}

fn operations(spec: &Spec, client: &[syn::Item]) -> Result<Vec<Operation>, CodegenError> {
    let file = spec.path.display().to_string();
    let base = base_path(spec);
    let mut out = Vec::new();
    for op in spec.operations() {
        let name = op.name();
        let pointer = op.pointer();
        let error = |message: String| {
            CodegenError::new(&file, Some(format!("operation `{name}`")), message)
        };
        let raw = spec.document.pointer(&pointer).unwrap_or(&Value::Null);
        let sig = signature(client, &name)
            .ok_or_else(|| error("progenitor generated no client method".into()))?;
        let inputs: Vec<(String, syn::Type)> = sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(t) => match &*t.pat {
                    syn::Pat::Ident(i) => Some((i.ident.to_string(), (*t.ty).clone())),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let (success_type, error_type) =
            result_types(sig).ok_or_else(|| error("unexpected client method signature".into()))?;
        let status_ok = 400u16;
        let mut path_params = Vec::new();
        let mut query_params = Vec::new();
        for (index, param) in raw
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let (param, resolved) = follow(spec, param);
            let param_pointer = resolved.unwrap_or_else(|| format!("{pointer}/parameters/{index}"));
            let param_name = param
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let location = param.get("in").and_then(Value::as_str).unwrap_or_default();
            let snake = param_name.to_snake_case();
            let (ident, ty) = inputs
                .iter()
                .find(|(ident, _)| ident.trim_end_matches('_') == snake)
                .ok_or_else(|| error(format!("no client argument for parameter `{param_name}`")))?;
            let (schema, _) = follow(spec, param.get("schema").unwrap_or(&Value::Null));
            let kind = match schema.get("type").and_then(Value::as_str) {
                Some("integer") => quote!(ParamKind::Integer),
                Some("number") => quote!(ParamKind::Number),
                Some("boolean") => quote!(ParamKind::Boolean),
                _ => quote!(ParamKind::String),
            };
            let schema_json = openapi_jsonschema::convert(
                spec,
                &format!("{param_pointer}/schema"),
                openapi_jsonschema::Direction::Request,
            )
            .map_err(|e| CodegenError::new(&file, Some(e.pointer.clone()), e.message))?;
            let required = param
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let entry = Param {
                name: param_name.to_owned(),
                ident: format_ident!("{}", ident),
                ty: owned(ty),
                kind,
                required,
                default: schema.get("default").map(Value::to_string),
                schema_static: format_ident!(
                    "{}_{}_{}",
                    name.to_shouty_snake_case(),
                    location.to_uppercase(),
                    snake.to_shouty_snake_case()
                ),
                schema_json: schema_json.to_string(),
            };
            match location {
                "path" => path_params.push(entry),
                "query" => query_params.push(entry),
                other => {
                    return Err(error(format!(
                        "parameters in `{other}` are not supported by the server generator"
                    )))
                }
            }
        }
        let body = match raw.get("requestBody") {
            Some(request_body) => {
                let (request_body, resolved) = follow(spec, request_body);
                let body_pointer = resolved.unwrap_or_else(|| format!("{pointer}/requestBody"));
                let required = request_body
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                let ty = inputs
                    .iter()
                    .find(|(ident, _)| ident == "body")
                    .map(|(_, ty)| owned(ty))
                    .ok_or_else(|| error("no client argument for the request body".into()))?;
                let schema_json = openapi_jsonschema::convert(
                    spec,
                    &format!("{body_pointer}/content/application~1json/schema"),
                    openapi_jsonschema::Direction::Request,
                )
                .map_err(|e| CodegenError::new(&file, Some(e.pointer.clone()), e.message))?;
                Some((
                    ty,
                    required,
                    format_ident!("{}_BODY", name.to_shouty_snake_case()),
                    schema_json.to_string(),
                ))
            }
            None => None,
        };
        let mut responses = Vec::new();
        for (status, response) in raw
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let Ok(code) = status.parse::<u16>() else {
                return Err(error(format!(
                    "response `{status}`: only numeric status codes are supported by the server generator"
                )));
            };
            let (response, _) = follow(spec, response);
            let has_body = response
                .get("content")
                .and_then(Value::as_object)
                .is_some_and(|c| !c.is_empty());
            let body = has_body.then(|| {
                if code < 300 {
                    success_type.clone()
                } else {
                    error_type.clone()
                }
            });
            responses.push(ResponseCase {
                status: code,
                variant: format_ident!("{}", variant_name(code)),
                description: response
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .trim()
                    .to_owned(),
                body,
            });
        }
        responses.sort_by_key(|r| r.status);
        let documented: Vec<u16> = responses.iter().map(|r| r.status).collect();
        let validation_status = [422u16, 400]
            .into_iter()
            .find(|s| documented.contains(s))
            .unwrap_or(status_ok);
        let summary = op.operation.summary.clone().unwrap_or_default();
        let description = op.operation.description.clone().unwrap_or_default();
        out.push(Operation {
            route: format!("{base}{}", op.path),
            method: op.method,
            doc: format!(
                "{summary}\n\n{}\n\n`{} {}`",
                description.trim(),
                op.method,
                op.path
            )
            .trim()
            .to_owned(),
            name,
            path_params,
            query_params,
            body,
            responses,
            validation_status,
        });
    }
    Ok(out)
}

fn authenticate_fn(security: &Security) -> TokenStream {
    let mut checks = Vec::new();
    for scheme in &security.schemes {
        match &scheme.kind {
            SchemeKind::Basic => checks.push(quote! {
                & ::server_runtime::secrets_equal(&presented.username, &expected.username)
                & ::server_runtime::secrets_equal(presented.password.expose(), expected.password.expose())
            }),
            SchemeKind::ApiKeyHeader { .. } => {
                let field = format_ident!("{}", scheme.field);
                checks.push(quote! {
                    & ::server_runtime::secrets_equal(presented.#field.expose(), expected.#field.expose())
                });
            }
        }
    }
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
                headers.get(name).and_then(|v| v.to_str().ok())
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

pub fn server_code(
    spec: &Spec,
    names: &ApiNames,
    client: &[syn::Item],
    security: &Security,
    universal_headers: &[(String, String)],
) -> Result<(TokenStream, Vec<String>), CodegenError> {
    let ops = operations(spec, client)?;
    let trait_name = format_ident!("{}Api", names.api.to_upper_camel_case());
    let error_template = spec
        .document
        .pointer("/components/schemas/Error/x-error-template")
        .map(Value::to_string)
        .ok_or_else(|| {
            CodegenError::new(
                &spec.path.display().to_string(),
                Some("/components/schemas/Error".into()),
                "the server generator needs `x-error-template` on the Error schema (see spec/README.md)",
            )
        })?;
    let request_id_header = universal_headers
        .iter()
        .find(|(name, _)| name.contains("request-id") || name.contains("request_id"))
        .map(|(name, _)| quote!(Some(#name)))
        .unwrap_or_else(|| quote!(None));

    let mut items = Vec::new();
    let mut trait_methods = Vec::new();
    let mut handlers = Vec::new();
    let mut statics = Vec::new();
    let mut routes: BTreeMap<String, Vec<(&'static str, syn::Ident)>> = BTreeMap::new();
    for op in &ops {
        let op_ident = format_ident!("{}", op.name);
        let camel = op.name.to_upper_camel_case();
        let response_ident = format_ident!("{}Response", camel);
        let query_ident = format_ident!("{}Query", camel);
        let handler_ident = format_ident!("handle_{}", op.name);
        let validation_status = op.validation_status;

        // Response enum.
        let variants = op.responses.iter().map(|r| {
            let variant = &r.variant;
            let doc = format!("{}: {}", r.status, r.description);
            match &r.body {
                Some(body) => quote!(#[doc = #doc] #variant(#body),),
                None => quote!(#[doc = #doc] #variant,),
            }
        });
        let arms = op.responses.iter().map(|r| {
            let variant = &r.variant;
            let status = r.status;
            match &r.body {
                Some(_) => quote! {
                    #response_ident::#variant(body) => ::server_runtime::typed_json(
                        StatusCode::from_u16(#status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                        &body,
                    ),
                },
                None => quote! {
                    #response_ident::#variant => ::server_runtime::empty_response(
                        StatusCode::from_u16(#status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                    ),
                },
            }
        });
        // Non-exhaustive: a status the spec documents later is a new variant, and that must
        // be a minor release (implementations only build these; spec-diff's rule and
        // cargo-semver-checks agree on it, see `cargo xtask semver`).
        let enum_doc = format!(
            "The documented responses of `{}`, one variant per status (more may be documented later).",
            op.name
        );
        items.push(quote! {
            #[doc = #enum_doc]
            #[derive(Debug, Clone)]
            #[non_exhaustive]
            #[allow(
                clippy::large_enum_variant,
                reason = "a response is built once and moved straight into the HTTP body"
            )]
            pub enum #response_ident {
                #(#variants)*
            }

            impl ::server_runtime::axum::response::IntoResponse for #response_ident {
                fn into_response(self) -> ::server_runtime::axum::response::Response {
                    match self {
                        #(#arms)*
                    }
                }
            }
        });

        // Parameter schemas.
        let mut param_specs = |params: &[Param]| {
            params
                .iter()
                .map(|p| {
                    let name = &p.name;
                    let kind = &p.kind;
                    let required = p.required;
                    let static_ident = &p.schema_static;
                    let json = &p.schema_json;
                    let default = match &p.default {
                        Some(d) => quote!(Some(#d)),
                        None => quote!(None),
                    };
                    statics.push(quote! {
                        static #static_ident: LazySchema = LazySchema::new(#json);
                    });
                    quote! {
                        ParamSpec { name: #name, kind: #kind, required: #required, default: #default, schema: &#static_ident }
                    }
                })
                .collect::<Vec<_>>()
        };
        let path_specs = param_specs(&op.path_params);
        let query_specs = param_specs(&op.query_params);

        // Trait method.
        let mut method_params = vec![quote!(ctx: &mut Context)];
        let mut call_args = vec![quote!(&mut ctx)];
        let mut extraction = Vec::new();
        if !op.path_params.is_empty() {
            extraction.push(quote! {
                let ::server_runtime::axum::extract::Path(pairs) =
                    <::server_runtime::axum::extract::Path<::std::vec::Vec<(::std::string::String, ::std::string::String)>>
                        as ::server_runtime::axum::extract::FromRequestParts<()>>::from_request_parts(&mut parts, &())
                    .await
                    .map_err(|e| Rejection::new(validation_status, "invalid_path", e.to_string()))?;
                let mut path = ::server_runtime::read_params(&pairs, &[#(#path_specs),*], "path", validation_status)?;
            });
            for p in &op.path_params {
                let ident = &p.ident;
                let ty = &p.ty;
                let name = &p.name;
                method_params.push(quote!(#ident: #ty));
                call_args.push(quote!(#ident));
                extraction.push(quote! {
                    let #ident: #ty = ::server_runtime::from_json(
                        path.remove(#name).unwrap_or(::server_runtime::serde_json::Value::Null),
                        validation_status,
                    )?;
                });
            }
        }
        if !op.query_params.is_empty() {
            let fields = op.query_params.iter().map(|p| {
                let ident = &p.ident;
                let ty = &p.ty;
                let name = &p.name;
                let doc = format!("The `{name}` query parameter.");
                if quote!(#ty).to_string().starts_with("Option") {
                    quote!(#[doc = #doc] #[serde(rename = #name, default)] pub #ident: #ty,)
                } else {
                    quote!(#[doc = #doc] #[serde(rename = #name)] pub #ident: #ty,)
                }
            });
            let query_doc = format!(
                "The query parameters of `{}`, validated against the spec (defaults filled in).",
                op.name
            );
            items.push(quote! {
                #[doc = #query_doc]
                #[derive(Debug, Clone, ::serde::Deserialize)]
                pub struct #query_ident {
                    #(#fields)*
                }
            });
            method_params.push(quote!(query: #query_ident));
            call_args.push(quote!(query));
            extraction.push(quote! {
                let pairs = ::server_runtime::query_pairs(parts.uri.query(), validation_status)?;
                let query = ::server_runtime::read_params(&pairs, &[#(#query_specs),*], "query", validation_status)?;
                let query: #query_ident = ::server_runtime::from_json(
                    ::server_runtime::serde_json::Value::Object(query),
                    validation_status,
                )?;
            });
        } else {
            // No query parameter is declared: any one sent is refused like an unknown one.
            extraction.push(quote! {
                let pairs = ::server_runtime::query_pairs(parts.uri.query(), validation_status)?;
                ::server_runtime::read_params(&pairs, &[], "query", validation_status)?;
            });
        }
        if let Some((ty, required, static_ident, json)) = &op.body {
            statics.push(quote! {
                static #static_ident: LazySchema = LazySchema::new(#json);
            });
            method_params.push(quote!(body: #ty));
            call_args.push(quote!(body));
            extraction.push(quote! {
                let bytes = ::server_runtime::read_body(body, config.limits.max_body_bytes).await?;
                let body = ::server_runtime::json_body(&parts.headers, &bytes, &#static_ident, #required, validation_status)?;
                let body: #ty = ::server_runtime::from_json(
                    body.unwrap_or_else(|| ::server_runtime::serde_json::json!({})),
                    validation_status,
                )?;
            });
        } else {
            extraction.push(quote! {
                ::server_runtime::read_body(body, config.limits.max_body_bytes).await?;
            });
        }
        let split_parts = if op.path_params.is_empty() {
            quote!(let (parts, body) = request.into_parts();)
        } else {
            quote!(let (mut parts, body) = request.into_parts();)
        };
        let doc = &op.doc;
        trait_methods.push(quote! {
            #[doc = #doc]
            fn #op_ident(&self, #(#method_params),*) -> impl ::std::future::Future<Output = #response_ident> + Send;
        });
        handlers.push(quote! {
            async fn #handler_ident<T: #trait_name>(
                ::server_runtime::axum::extract::State(shared): ::server_runtime::axum::extract::State<::std::sync::Arc<Shared<T>>>,
                request: ::server_runtime::axum::extract::Request,
            ) -> ::server_runtime::axum::response::Response {
                let request_id = ::server_runtime::Uuid::new_v4();
                let validation_status = StatusCode::from_u16(#validation_status).unwrap_or(StatusCode::BAD_REQUEST);
                let config = &shared.config;
                let outcome: ::std::result::Result<::server_runtime::axum::response::Response, Rejection> = async {
                    #split_parts
                    let credentials = authenticate(config, &parts.headers)?;
                    #(#extraction)*
                    let mut ctx = Context {
                        credentials,
                        request_id,
                        response_headers: ::std::vec::Vec::new(),
                    };
                    let response = ::server_runtime::catch_panic(shared.api.#op_ident(#(#call_args),*)).await?;
                    Ok(::server_runtime::finish(
                        &API,
                        ::server_runtime::axum::response::IntoResponse::into_response(response),
                        &ctx.request_id.to_string(),
                        &ctx.response_headers,
                    ))
                }
                .await;
                match outcome {
                    Ok(response) => response,
                    Err(rejection) => {
                        let request_id = request_id.to_string();
                        ::server_runtime::finish(
                            &API,
                            ::server_runtime::rejection_response(&API, &rejection, &request_id),
                            &request_id,
                            &[],
                        )
                    }
                }
            }
        });
        routes
            .entry(op.route.clone())
            .or_default()
            .push((op.method, handler_ident));
    }

    let route_calls = routes.iter().map(|(path, methods)| {
        let mut names: Vec<&str> = methods.iter().map(|(m, _)| *m).collect();
        names.sort_unstable();
        let allow = names.join(", ");
        let chain = methods.iter().enumerate().map(|(i, (method, handler))| {
            let method_fn = format_ident!("{}", method.to_ascii_lowercase());
            if i == 0 {
                quote!(::server_runtime::axum::routing::#method_fn(#handler::<T>))
            } else {
                quote!(.#method_fn(#handler::<T>))
            }
        });
        quote! {
            .route(
                #path,
                #(#chain)*.fallback(|request: ::server_runtime::axum::extract::Request| async move {
                    ::server_runtime::not_routed(&API, StatusCode::METHOD_NOT_ALLOWED, Some(#allow), request.uri().path())
                }),
            )
        }
    });
    let authenticate = authenticate_fn(security);
    let trait_doc = format!(
        "The {} as a Rust trait: implement it, then serve it with [`router`].\n\nEvery method is called only with input that passed the spec's validation and carries valid credentials ([`Context::credentials`]).",
        spec.openapi.info.title
    );
    let tokens = quote! {
        use ::server_runtime::axum::http::StatusCode;
        use ::server_runtime::{ApiDescription, LazySchema, ParamKind, ParamSpec, Rejection};

        /// The type of [`Context::request_id`], so implementations need no uuid dependency.
        pub use ::server_runtime::Uuid;

        #(#items)*

        /// Per-request context handed to every trait method.
        #[derive(Debug)]
        pub struct Context {
            /// The credentials the request presented (already checked against [`ServerConfig`]).
            pub credentials: types::auth::Credentials,
            /// This request's id: a fresh uuid, which the implementation may replace. It goes
            /// into the API's error bodies and, where the spec declares one on every response
            /// (insightIQ's `request-id`, a uuid), into that header.
            pub request_id: ::server_runtime::Uuid,
            /// Extra response headers to send.
            pub response_headers: ::std::vec::Vec<(::std::string::String, ::std::string::String)>,
        }

        impl Context {
            /// The API's error body (its `x-error-template`), for responses the implementation
            /// builds itself: `code` is machine-readable (used where the template has `{code}`),
            /// `field` names the offending input.
            pub fn error(&self, status: u16, code: &str, message: &str, field: ::std::option::Option<&str>) -> types::Error {
                let value = ::server_runtime::error_body(&API, status, code, message, field, &self.request_id.to_string());
                ::server_runtime::serde_json::from_value(value).expect("the spec's x-error-template matches its Error schema")
            }
        }

        #[doc = #trait_doc]
        pub trait #trait_name: Send + Sync + 'static {
            #(#trait_methods)*
        }

        /// What the server accepts: the credentials it expects, and its limits.
        #[derive(Debug, Clone)]
        pub struct ServerConfig {
            /// The only credentials accepted.
            pub credentials: types::auth::Credentials,
            /// Request size limits.
            pub limits: ::server_runtime::Limits,
        }

        impl ServerConfig {
            /// Accepts `credentials`, with the default limits (1 MiB bodies).
            pub fn new(credentials: types::auth::Credentials) -> Self {
                ServerConfig { credentials, limits: ::server_runtime::Limits::default() }
            }
        }

        struct Shared<T> {
            api: ::std::sync::Arc<T>,
            config: ServerConfig,
        }

        static API: ApiDescription = ApiDescription {
            error_template: #error_template,
            request_id_header: #request_id_header,
        };

        #(#statics)*

        #authenticate

        #(#handlers)*

        /// An axum router serving every operation of the spec at its path (with the server URL's
        /// base path), answering unknown paths with 404 and other methods with 405, both in the
        /// API's error shape.
        pub fn router<T: #trait_name>(api: ::std::sync::Arc<T>, config: ServerConfig) -> ::server_runtime::axum::Router {
            let shared = ::std::sync::Arc::new(Shared { api, config });
            ::server_runtime::axum::Router::new()
                #(#route_calls)*
                .fallback(|request: ::server_runtime::axum::extract::Request| async move {
                    ::server_runtime::not_routed(&API, StatusCode::NOT_FOUND, None, request.uri().path())
                })
                .with_state(shared)
        }
    };
    Ok((tokens, ops.iter().map(|o| o.name.clone()).collect()))
}

/// `round_trip` for the types crate: deserialize a body into the Rust type the spec gives it
/// for an operation's request or response status, serialize it back. `crates/conformance`
/// compares the two JSON documents to find what the generated types lose.
pub fn round_trip_fn(spec: &Spec, client: &[syn::Item]) -> Result<TokenStream, CodegenError> {
    let mut arms = Vec::new();
    for op in operations(spec, client)? {
        let name = &op.name;
        if let Some((ty, ..)) = &op.body {
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
    Ok(quote! {
        /// Round trips of bodies through the generated types, for conformance checks.
        pub mod round_trip {
            use crate as types;

            fn convert<T: ::serde::de::DeserializeOwned + ::serde::Serialize>(
                body: &::serde_json::Value,
            ) -> ::std::result::Result<::serde_json::Value, ::std::string::String> {
                let typed: T = ::serde_json::from_value(body.clone()).map_err(|e| e.to_string())?;
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
    })
}
