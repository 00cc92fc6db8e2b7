//! `.stream()` on the request builder of an operation with `x-pagination`: every item, page
//! after page, each page a clone of the builder with the offset advanced.

use proc_macro2::TokenStream;
use quote::quote;

use super::held::Held;
use crate::model::{ArgValue, IntegerRepr, Operation, Pagination};

pub fn stream(op: &Operation, paging: &Pagination, held: &[Held]) -> TokenStream {
    let error_type = &op.error_type;
    let error_type = quote!(Error<#error_type>);
    let item_type = &paging.item_type;
    let items_field = &paging.items_field;
    let id = &op.id;

    let set_offset = held
        .iter()
        .find(|h| h.param.name == paging.offset)
        .map(|h| {
            let ident = &h.param.ident;
            let value = match h.param.client_arg.value {
                ArgValue::Integer(IntegerRepr::U64 | IntegerRepr::NonZeroU64) => quote!(offset),
                _ => {
                    let message = format!(
                        "`{id}`: offset {{offset}} does not fit the `{}` parameter",
                        paging.offset
                    );
                    quote!(TryInto::try_into(offset)
                        .map_err(|_| Error::InvalidRequest(format!(#message)))?)
                }
            };
            if h.param.client_arg.optional {
                quote!(request.#ident = Some(#value);)
            } else {
                quote!(request.#ident = #value;)
            }
        })
        .unwrap_or_default();
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
            let limit = held.iter().find(|h| h.param.name == paging.limit);
            let size = match limit {
                Some(h) => {
                    let ident = &h.param.ident;
                    let as_u64 = match h.param.client_arg.value {
                        ArgValue::Integer(IntegerRepr::U64 | IntegerRepr::NonZeroU64) => {
                            TokenStream::new()
                        }
                        _ => {
                            quote!(.and_then(|l| TryInto::<u64>::try_into(l).ok()))
                        }
                    };
                    if h.param.client_arg.optional {
                        quote!(self.#ident #as_u64 .unwrap_or(#default))
                    } else {
                        quote!(Some(self.#ident) #as_u64 .unwrap_or(#default))
                    }
                }
                None => quote!(#default),
            };
            (
                quote!(items.len() as u64 >= page_size && !items.is_empty()),
                quote! { let page_size: u64 = #size; },
                format!(
                    "a page comes back shorter than the page size (`{}`, the spec's default {default} when unset)",
                    paging.limit
                ),
            )
        }
    };
    let doc = format!(
        "Every item of `{id}`, page after page: `{offset}` starts at 0 and advances by the size of each page until {stop}.",
        offset = paging.offset,
    );
    quote! {
        #[doc = #doc]
        ///
        /// Each page is checked and sent as `send()` does; the stream ends after the first
        /// error, which it yields.
        pub fn stream(self) -> impl ::futures_core::Stream<Item = Result<types::#item_type, #error_type>> + Unpin + 'a {
            #page_size
            let pages = ::futures_util::stream::try_unfold(Some(0u64), move |offset| {
                let mut request = self.clone();
                async move {
                    let Some(offset) = offset else {
                        return Ok::<_, #error_type>(None);
                    };
                    #set_offset
                    let page = request.send().await?.into_inner();
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
