//! Per operation: the trait method, its query struct, and a thin handler that reads the
//! operation's inputs and calls the trait inside the crate's one outline (`Shared::handle`, over
//! `server_runtime::handle`).

use heck::{ToShoutySnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::responses::response_ident;
use super::schemas::Schemas;
use crate::model::{Location, Operation, ParamKind, Parameter};

/// What one operation adds to the server crate.
pub struct OperationCode {
    pub trait_method: TokenStream,
    /// The query struct, if the operation takes query parameters.
    pub query_struct: Option<TokenStream>,
    /// The `static` parameter lists.
    pub param_lists: Vec<TokenStream>,
    pub handler: TokenStream,
    pub handler_ident: syn::Ident,
}

pub fn query_ident(op: &Operation) -> syn::Ident {
    format_ident!("{}Query", op.id.to_upper_camel_case())
}

pub fn operation_code(
    op: &Operation,
    trait_name: &syn::Ident,
    schemas: &mut Schemas,
) -> OperationCode {
    let op_ident = format_ident!("{}", op.id);
    let handler_ident = format_ident!("handle_{}", op.id);
    let response = response_ident(op);
    let shouty = op.id.to_shouty_snake_case();
    let mut param_lists = Vec::new();
    let mut method_params = vec![quote!(ctx: &mut Context)];
    let mut call_args = vec![quote!(&mut ctx)];
    let mut steps = Vec::new();

    let path: Vec<&Parameter> = op.path_parameters().collect();
    if !path.is_empty() {
        let list = format_ident!("{shouty}_PATH");
        param_lists.push(param_list(&list, &shouty, &path, schemas));
        steps.push(quote!(input.path_params(#list).await?;));
        for p in &path {
            let ident = &p.ident;
            let ty = &p.owned_type;
            let name = &p.name;
            method_params.push(quote!(#ident: #ty));
            call_args.push(quote!(#ident));
            steps.push(quote!(let #ident: #ty = input.path_param(#name)?;));
        }
    }

    let query: Vec<&Parameter> = op.query_parameters().collect();
    let query_struct = if query.is_empty() {
        steps.push(quote!(input.no_query()?;));
        None
    } else {
        let list = format_ident!("{shouty}_QUERY");
        param_lists.push(param_list(&list, &shouty, &query, schemas));
        let ident = query_ident(op);
        method_params.push(quote!(query: #ident));
        call_args.push(quote!(query));
        steps.push(quote!(let query: #ident = input.query(#list)?;));
        Some(query_struct(op, &ident, &query))
    };

    match &op.body {
        Some(body) => {
            let ty = &body.owned_type;
            let required = body.required;
            let schema = schemas.intern(&format!("{shouty}_BODY"), &body.schema);
            method_params.push(quote!(body: #ty));
            call_args.push(quote!(body));
            steps.push(quote!(let body: #ty = input.json_body(&#schema, #required).await?;));
        }
        None => steps.push(quote!(input.no_body().await?;)),
    }

    let doc = op.doc();
    let trait_method = quote! {
        #[doc = #doc]
        fn #op_ident(&self, #(#method_params),*) -> impl ::std::future::Future<Output = #response> + Send;
    };
    let invalid_input = &op.invalid_input_status;
    // The outline (endpoint, authentication, context) is `Shared::handle`, once per crate.
    let handler = quote! {
        async fn #handler_ident<T: #trait_name>(State(shared): State<Arc<Shared<T>>>, request: Request) -> Response {
            let api = &*shared.api;
            shared.handle(StatusCode::#invalid_input, request, |mut input, mut ctx| async move {
                #(#steps)*
                let response = api.#op_ident(#(#call_args),*).await;
                Ok(ctx.reply(response))
            })
            .await
        }
    };
    OperationCode {
        trait_method,
        query_struct,
        param_lists,
        handler,
        handler_ident,
    }
}

/// `static <LIST>: &[ParamSpec] = &[...];` with each parameter's schema interned.
fn param_list(
    list: &syn::Ident,
    shouty: &str,
    params: &[&Parameter],
    schemas: &mut Schemas,
) -> TokenStream {
    let specs = params.iter().map(|p| {
        let name = &p.name;
        let kind = match p.kind {
            ParamKind::String => quote!(ParamKind::String),
            ParamKind::Integer => quote!(ParamKind::Integer),
            ParamKind::Number => quote!(ParamKind::Number),
            ParamKind::Boolean => quote!(ParamKind::Boolean),
        };
        let required = p.required;
        let default = match &p.default {
            Some(d) => {
                let text = d.to_string();
                quote!(Some(#text))
            }
            None => quote!(None),
        };
        let location = match p.location {
            Location::Path => "PATH",
            Location::Query => "QUERY",
        };
        let schema = schemas.intern(&format!("{shouty}_{location}_{}", p.name.to_shouty_snake_case()), &p.schema);
        quote! {
            ParamSpec { name: #name, kind: #kind, required: #required, default: #default, schema: &#schema }
        }
    });
    quote! {
        static #list: &[ParamSpec] = &[#(#specs),*];
    }
}

fn query_struct(op: &Operation, ident: &syn::Ident, params: &[&Parameter]) -> TokenStream {
    let fields = params.iter().map(|p| {
        let field = &p.ident;
        let ty = &p.owned_type;
        let name = &p.name;
        let doc = p
            .description
            .clone()
            .unwrap_or_else(|| format!("The `{name}` query parameter."));
        if p.client_arg.optional {
            quote!(#[doc = #doc] #[serde(rename = #name, default)] pub #field: #ty,)
        } else {
            quote!(#[doc = #doc] #[serde(rename = #name)] pub #field: #ty,)
        }
    });
    let doc = format!(
        "The query parameters of `{}`, validated against the spec (defaults filled in).",
        op.id
    );
    let required: Vec<&&Parameter> = params.iter().filter(|p| !p.client_arg.optional).collect();
    let args = required.iter().map(|p| {
        let field = &p.ident;
        let ty = &p.owned_type;
        quote!(#field: impl ::std::convert::Into<#ty>)
    });
    let inits = params.iter().map(|p| {
        let field = &p.ident;
        if p.client_arg.optional {
            quote!(#field: ::std::option::Option::None)
        } else {
            quote!(#field: #field.into())
        }
    });
    let setters = params.iter().filter(|p| p.client_arg.optional).map(|p| {
        let field = &p.ident;
        let setter = format_ident!("with_{}", field.to_string().trim_end_matches('_'));
        let inner =
            crate::model::option_inner(&p.owned_type).unwrap_or_else(|| p.owned_type.clone());
        let doc = format!("Sets the `{}` query parameter.", p.name);
        quote! {
            #[doc = #doc]
            #[must_use]
            pub fn #setter(mut self, value: impl ::std::convert::Into<#inner>) -> Self {
                self.#field = ::std::option::Option::Some(value.into());
                self
            }
        }
    });
    let new_doc = format!(
        "The query of `{}` from its required parameters{}; the optional ones start unset and have `with_…` setters (for tests that call the trait directly).",
        op.id,
        if required.is_empty() { " (it has none)" } else { "" }
    );
    // With no required parameter, `new()` is `Default` too (clippy's `new_without_default`).
    let default = if required.is_empty() {
        quote!(Default,)
    } else {
        quote!()
    };
    quote! {
        #[doc = #doc]
        ///
        /// `#[non_exhaustive]`: a new optional query parameter is a minor release.
        #[derive(Debug, Clone, #default ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct #ident {
            #(#fields)*
        }

        impl #ident {
            #[doc = #new_doc]
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits,)* }
            }

            #(#setters)*
        }
    }
}
