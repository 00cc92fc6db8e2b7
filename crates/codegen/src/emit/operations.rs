//! The fluent operations: one method per operation on the public `Client`, taking the required
//! path and query parameters, returning a request builder (`operations::ListProfiles`) with
//! one setter per optional parameter and `.body(...)`; its `send()` checks every value against
//! the spec's bounds and then calls progenitor's positional method (private to the crate).
//! Paged operations' builders also have `.stream()`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::held::{builder_ident, held, Held};
use super::{bounds, streams};
use crate::model::{ApiModel, ArgValue, ClientArgument, ClientCheck, IntegerRepr, Operation};
use crate::CodegenError;

/// Names a builder method has of its own, which no parameter may take (refused before
/// generation by `conventions`, which reads this list).
pub(crate) const RESERVED: &[&str] = &["send", "body", "stream", "client"];

/// The `Client` methods and the `operations` module.
pub fn operations(model: &ApiModel) -> Result<TokenStream, CodegenError> {
    let krate = model.names.client_crate.replace('-', "_");
    let mut methods = Vec::new();
    let mut builders = Vec::new();
    for op in &model.operations {
        if let Some(clash) = op
            .parameters
            .iter()
            .find(|p| RESERVED.contains(&p.ident.to_string().as_str()))
        {
            return Err(model.error(
                &model.names.client_crate,
                format!(
                    "operation `{}`: parameter `{}` has the name of a request builder method ({})",
                    op.id,
                    clash.name,
                    RESERVED.join(", ")
                ),
            ));
        }
        let body_line = super::constructors::shortest_line(model, op);
        let (method, builder) = operation(op, &krate, body_line.as_deref());
        methods.push(method);
        builders.push(builder);
    }
    // Only where some `send()` checks a bound (a bounded parameter may be a type that holds it).
    let checks_bounds = model.operations.iter().any(|op| {
        op.parameters.iter().any(|p| p.client_check().is_some())
            || op.body.as_ref().is_some_and(|b| !b.bounds.is_empty())
    });
    let bounds_use = if checks_bounds {
        quote!(
            use crate::bounds::{self, Bound};
        )
    } else {
        TokenStream::new()
    };
    Ok(quote! {
        impl Client {
            #(#methods)*
        }

        /// The request builders, one per operation: made by the [`Client`] method of the same
        /// name, sent with `.send()`.
        pub mod operations {
            use crate::{types, Client, Error, ResponseValue};
            #bounds_use

            #(#builders)*
        }
    })
}

fn operation(op: &Operation, krate: &str, body_line: Option<&str>) -> (TokenStream, TokenStream) {
    let name = format_ident!("{}", op.id);
    let builder = builder_ident(op);
    let id = &op.id;
    let success = &op.success_type;
    let error = &op.error_type;
    let held: Vec<Held> = op.parameters.iter().map(held).collect();
    let required: Vec<&Held> = held
        .iter()
        .filter(|h| !h.param.client_arg.optional)
        .collect();
    let optional: Vec<&Held> = held
        .iter()
        .filter(|h| h.param.client_arg.optional)
        .collect();

    // The Client method.
    let required_body = op.body.as_ref().filter(|b| b.required);
    let mut args: Vec<TokenStream> = required
        .iter()
        .map(|h| {
            let ident = &h.param.ident;
            let ty = &h.argument;
            quote!(#ident: #ty)
        })
        .collect();
    if let Some(body) = required_body {
        let ty = &body.owned_type;
        args.push(quote!(body: #ty));
    }
    let inits = held.iter().map(|h| {
        let ident = &h.param.ident;
        match (h.param.client_arg.optional, h.converts) {
            (true, _) => quote!(#ident: None),
            (false, true) => quote!(#ident: #ident.into()),
            (false, false) => quote!(#ident),
        }
    });
    // A required body is an argument (leaving it out is a compile error); an optional one a
    // setter.
    let body_init = op.body.as_ref().map(|b| {
        if b.required {
            quote!(body,)
        } else {
            quote!(body: None,)
        }
    });
    let method_doc = super::operation_docs::method_doc(op, krate, body_line);
    let method = quote! {
        #[doc = #method_doc]
        pub fn #name(&self, #(#args),*) -> operations::#builder<'_> {
            operations::#builder {
                client: self,
                #(#inits,)*
                #body_init
            }
        }
    };

    // The builder.
    let fields = held.iter().map(|h| {
        let ident = &h.param.ident;
        let stored = &h.stored;
        if h.param.client_arg.optional {
            quote!(pub(crate) #ident: Option<#stored>,)
        } else {
            quote!(pub(crate) #ident: #stored,)
        }
    });
    let body_field = op.body.as_ref().map(|b| {
        let ty = &b.owned_type;
        if b.required {
            quote!(pub(crate) body: #ty,)
        } else {
            quote!(pub(crate) body: Option<#ty>,)
        }
    });
    let setters = optional.iter().map(|h| {
        let ident = &h.param.ident;
        let ty = &h.argument;
        let value = if h.converts {
            quote!(value.into())
        } else {
            quote!(value)
        };
        let doc = super::operation_docs::parameter_doc(h.param);
        quote! {
            #[doc = #doc]
            pub fn #ident(mut self, value: #ty) -> Self {
                self.#ident = Some(#value);
                self
            }
        }
    });
    let body_setter = op.body.as_ref().filter(|b| !b.required).map(|b| {
        let ty = &b.owned_type;
        quote! {
            /// The request body (optional: without it the request sends the type's default).
            pub fn body(mut self, value: #ty) -> Self {
                self.body = Some(value);
                self
            }
        }
    });

    // send(): checks, conversions, the positional call.
    let mut checks = Vec::new();
    for h in &held {
        checks.extend(check(op, h));
    }
    let mut call_args = Vec::new();
    for argument in &op.client_arguments {
        match argument {
            ClientArgument::Parameter(index) => call_args.push(pass(&held[*index])),
            ClientArgument::Body => {
                let by_reference = op.body.as_ref().is_some_and(|b| b.client_by_reference);
                call_args.push(if by_reference {
                    quote!(&body)
                } else {
                    quote!(body)
                });
            }
        }
    }
    let body_check = op.body.as_ref().map(|b| {
        let take = if b.required {
            quote! {
                let body = self.body;
            }
        } else {
            quote! {
                let body = self.body.unwrap_or_default();
            }
        };
        let bounded = if b.bounds.is_empty() {
            TokenStream::new()
        } else {
            let entries = b.bounds.iter().map(|bound| {
                let path = &bound.path;
                let literal = bounds::literal(&bound.constraints, true);
                quote!((&[#(#path),*], #literal))
            });
            let unserializable = format!("`{id}`: the request body cannot be serialized: {{e}}");
            quote! {
                let json = ::serde_json::to_value(&body)
                    .map_err(|e| Error::InvalidRequest(format!(#unserializable)))?;
                bounds::check_body(#id, &json, &[#(#entries),*]).map_err(Error::InvalidRequest)?;
            }
        };
        quote!(#take #bounded)
    });
    let stream = op
        .pagination
        .as_ref()
        .map(|paging| streams::stream(op, paging, &held));
    let doc = format!(
        "The request of [`Client::{id}`]: set optional parameters, then `.send().await`{}.",
        if op.pagination.is_some() {
            " (or `.stream()` for every item)"
        } else {
            ""
        }
    );
    let builder = quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent with `.send()`"]
        pub struct #builder<'a> {
            pub(crate) client: &'a Client,
            #(#fields)*
            #body_field
        }

        impl<'a> #builder<'a> {
            #(#setters)*
            #body_setter

            /// Checks every value against the spec's bounds (an error names the parameter or
            /// body member and the bound; nothing is sent then), and sends the request.
            pub async fn send(self) -> Result<ResponseValue<#success>, Error<#error>> {
                #(#checks)*
                #body_check
                self.client.inner.#name(#(#call_args),*).await
            }

            #stream
        }
    };
    (method, builder)
}

/// The bound check (and `NonZeroU64` conversion) of one parameter, before the call.
fn check(op: &Operation, h: &Held) -> TokenStream {
    let p = h.param;
    let ident = &p.ident;
    let id = &op.id;
    let what = format!("parameter `{}`", p.name);
    let test = match p.client_check() {
        Some(ClientCheck::Number(constraints)) => {
            let literal = bounds::literal(&constraints, false);
            quote!(bounds::check_number(#id, #what, bounds::AsNumber::as_number(value), &#literal).map_err(Error::InvalidRequest)?;)
        }
        Some(ClientCheck::Text(constraints)) => {
            let literal = bounds::literal(&constraints, true);
            // A types-crate newtype (a constrained string) is text through `Deref`.
            let text = if p.client_arg.value == ArgValue::TypesValue {
                quote!(value.as_str())
            } else {
                quote!(value)
            };
            quote!(bounds::check_text(#id, #what, #text, &#literal).map_err(Error::InvalidRequest)?;)
        }
        None => TokenStream::new(),
    };
    let mut out = if test.is_empty() {
        TokenStream::new()
    } else if p.client_arg.optional {
        quote!(if let Some(value) = &self.#ident { #test })
    } else {
        quote!({ let value = &self.#ident; #test })
    };
    if p.client_arg.value == ArgValue::Integer(IntegerRepr::NonZeroU64) {
        let zero = format!("`{id}`: {what} is 0, but the spec requires it to be at least 1");
        let refuse = quote!(.ok_or_else(|| Error::InvalidRequest(#zero.to_owned()))?);
        out.extend(if p.client_arg.optional {
            quote! {
                let #ident = match self.#ident {
                    Some(value) => Some(::std::num::NonZeroU64::new(value) #refuse),
                    None => None,
                };
            }
        } else {
            quote!(let #ident = ::std::num::NonZeroU64::new(self.#ident) #refuse;)
        });
    }
    out
}

/// The positional method's argument for one parameter.
fn pass(h: &Held) -> TokenStream {
    let p = h.param;
    let ident = &p.ident;
    if p.client_arg.value == ArgValue::Integer(IntegerRepr::NonZeroU64) {
        return quote!(#ident);
    }
    match (p.client_arg.optional, p.client_arg.by_reference) {
        (true, true) if p.client_arg.value == ArgValue::Str => quote!(self.#ident.as_deref()),
        (true, true) => quote!(self.#ident.as_ref()),
        (false, true) => quote!(&self.#ident),
        (_, false) => quote!(self.#ident),
    }
}
