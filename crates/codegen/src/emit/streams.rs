//! `{operation}_stream` methods: every item of an operation with `x-pagination`, page after page.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{ApiModel, ArgValue, ClientArgument, IntegerRepr, Operation, Pagination};

pub fn streams(model: &ApiModel) -> TokenStream {
    let methods: Vec<TokenStream> = model
        .operations
        .iter()
        .filter_map(|op| op.pagination.as_ref().map(|paging| stream(op, paging)))
        .collect();
    if methods.is_empty() {
        return TokenStream::new();
    }
    quote! {
        impl Client {
            #(#methods)*
        }
    }
}

fn stream(op: &Operation, paging: &Pagination) -> TokenStream {
    let operation = format_ident!("{}", op.id);
    let stream = format_ident!("{}_stream", op.id);
    let error_type = &op.error_type;
    let error_type = quote!(Error<#error_type>);
    let mut params = Vec::new();
    let mut args = Vec::new();
    let mut clones = Vec::new();
    let mut limit_to_u64 = TokenStream::new();
    for argument in &op.client_arguments {
        let ClientArgument::Parameter(index) = argument else {
            continue;
        };
        let param = &op.parameters[*index];
        let ident = &param.ident;
        let ty = &param.client_type;
        if param.name == paging.offset {
            args.push(match param.client_arg.value {
                ArgValue::Integer(IntegerRepr::U64) if param.client_arg.optional => {
                    quote!(Some(offset))
                }
                ArgValue::Integer(IntegerRepr::U64) => quote!(offset),
                _ if param.client_arg.optional => {
                    quote!(::std::convert::TryInto::try_into(offset).ok())
                }
                _ => quote!(::std::convert::TryInto::try_into(offset).unwrap_or_default()),
            });
            continue;
        }
        if param.name == paging.limit {
            limit_to_u64 = match param.client_arg.value {
                ArgValue::Integer(IntegerRepr::NonZeroU64) => quote!(.map(|l| l.get())),
                ArgValue::Integer(IntegerRepr::U64) => TokenStream::new(),
                _ => quote!(.and_then(|l| ::std::convert::TryInto::<u64>::try_into(l).ok())),
            };
        }
        params.push(quote!(#ident: #ty));
        // Owned values of the types crate are not `Copy` (open enums hold a String): each
        // page's request gets its own clone.
        if param.client_arg.value == ArgValue::TypesValue {
            clones.push(quote!(let #ident = #ident.clone();));
        }
        args.push(quote!(#ident));
    }
    let items_field = &paging.items_field;
    let item_type = &paging.item_type;
    let (next, page_size, stop) = match &paging.has_more {
        Some(has_more) => {
            let field = &has_more.field;
            let more = if has_more.required {
                quote!(page.#field)
            } else {
                quote!(page.#field.unwrap_or(false))
            };
            (
                quote!(#more && !items.is_empty()),
                TokenStream::new(),
                "the server says there are no more records".to_owned(),
            )
        }
        None => {
            // spec-model refuses `x-pagination` without `has-more` when the limit has no default.
            let default = paging.limit_default.unwrap_or(1);
            (
                quote!(items.len() as u64 >= page_size && !items.is_empty()),
                quote! { let page_size: u64 = limit #limit_to_u64 .unwrap_or(#default); },
                format!(
                    "a page comes back shorter than the page size (`{}`, the spec's default {default} when `None`)",
                    paging.limit
                ),
            )
        }
    };
    let doc = format!(
        "Every item of [`Client::{op}`], page after page: `{offset}` starts at 0 and advances by the size of each page until {stop}.",
        op = op.id,
        offset = paging.offset,
    );
    quote! {
        #[doc = #doc]
        ///
        /// The stream ends after the first error, which it yields.
        pub fn #stream<'a>(
            &'a self,
            #(#params),*
        ) -> impl ::futures_core::Stream<Item = ::std::result::Result<types::#item_type, #error_type>> + Unpin + 'a {
            #page_size
            let pages = ::futures_util::stream::try_unfold(Some(0u64), move |offset| {
                #(#clones)*
                async move {
                let Some(offset) = offset else { return Ok::<_, #error_type>(None) };
                let page = self.#operation(#(#args),*).await?.into_inner();
                let items = page.#items_field;
                let next = if #next {
                    Some(offset + items.len() as u64)
                } else {
                    None
                };
                Ok(Some((::futures_util::stream::iter(items.into_iter().map(Ok)), next)))
                }
            });
            Box::pin(::futures_util::TryStreamExt::try_flatten(pages))
        }
    }
}
