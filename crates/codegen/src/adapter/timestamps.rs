//! Timestamps in progenitor's output: typify's replacements for the `patterned` components, the
//! `#[serde(with = ...)]` that routes every date-time field through the types crate's
//! `timestamp` module (the API's declared form), the client's timestamp parameters, and the
//! structs that get `instant()`.

use progenitor_impl::{GenerationSettings, TypeImpl};
use quote::{format_ident, ToTokens};
use syn::visit_mut::VisitMut;

use super::serde_attrs::has_serde_item;
use crate::model::{Instant, Timestamps};

const DATE_TIME: &str = "::chrono::DateTime<::chrono::offset::Utc>";

/// Asks typify to generate each `patterned` component as a date-time (a nullable one as its
/// `Option`) instead of a pattern-checked `String` newtype.
pub fn replace_components(settings: &mut GenerationSettings, timestamps: &Timestamps) {
    for (name, nullable) in &timestamps.replaced {
        if *nullable {
            let optional = format!("::std::option::Option<{DATE_TIME}>");
            settings.with_replacement(name, optional, std::iter::empty());
        } else {
            let impls = [TypeImpl::Display, TypeImpl::FromStr];
            settings.with_replacement(name, DATE_TIME, impls.into_iter());
        }
    }
}

/// Gives every date-time field the form's serde (`crate::timestamp`, `crate::timestamp::option`).
/// An optional field of a nullable replaced component is `Option<Option<_>>`: it becomes one
/// `Option` (absent and `null` both read as `None`, the same data for conformance). A date-time
/// anywhere else (inside a `Vec`, a map) is reported: the form could not reach it.
pub fn route_fields(types: &mut [syn::Item]) -> Result<(), String> {
    for item in types.iter_mut() {
        let (name, fields) = match item {
            syn::Item::Struct(s) => (s.ident.to_string(), &mut s.fields),
            _ => continue,
        };
        for field in fields.iter_mut() {
            let kind = match date_time_kind(&field.ty) {
                Some(kind) => kind,
                None if names_date_time(&field.ty) => {
                    return Err(format!(
                        "`{name}` has a date-time inside `{}`: the declared timestamp form applies only to a date-time field or an optional one",
                        field.ty.to_token_stream()
                    ))
                }
                None => continue,
            };
            match kind {
                Kind::Plain => field
                    .attrs
                    .push(syn::parse_quote!(#[serde(with = "crate::timestamp")])),
                Kind::Optional | Kind::DoublyOptional => {
                    field.ty = syn::parse_quote!(
                        ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>
                    );
                    // serde reads a missing `Option` as `None` by itself, but not through `with`.
                    let attr = if has_serde_item(&field.attrs, "default") {
                        syn::parse_quote!(#[serde(with = "crate::timestamp::option")])
                    } else {
                        syn::parse_quote!(#[serde(default, with = "crate::timestamp::option")])
                    };
                    field.attrs.push(attr);
                }
            }
        }
    }
    Ok(())
}

/// The structs with a Unix-seconds member: the schema's own struct, or typify's `…Inner` for a
/// nullable schema. The member must be an `i64` (`format: int64`).
pub fn instants(types: &[syn::Item], timestamps: &Timestamps) -> Result<Vec<Instant>, String> {
    let mut out = Vec::new();
    for (schema, member, pointer) in &timestamps.unix_seconds {
        let candidates = [schema.clone(), format!("{schema}Inner")];
        let found = types.iter().find_map(|item| match item {
            syn::Item::Struct(s) if candidates.contains(&s.ident.to_string()) => s
                .fields
                .iter()
                .find(|f| f.ident.as_ref().is_some_and(|i| i == member))
                .map(|f| (s.ident.clone(), f)),
            _ => None,
        });
        match found {
            Some((type_name, field)) if field.ty.to_token_stream().to_string() == "i64" => {
                out.push(Instant {
                    type_name,
                    member: format_ident!("{member}"),
                })
            }
            Some((type_name, field)) => {
                return Err(format!(
                    "`#{pointer}` is `{}` in `{type_name}`, not `i64`: give the member `format: int64`",
                    field.ty.to_token_stream()
                ))
            }
            None => {
                return Err(format!(
                    "`#{pointer}`: the generated types have no struct `{schema}` with a member `{member}`"
                ))
            }
        }
    }
    Ok(out)
}

/// Makes the client method `operation` take `argument` as a date-time (optional when
/// `optional`) and send it as `types::timestamp::text(..)`: the API's form, not chrono's.
pub fn retype_client_argument(
    client: &mut [syn::Item],
    operation: &str,
    argument: &syn::Ident,
    wire_name: &str,
    optional: bool,
) -> Result<syn::Type, String> {
    let new_type: syn::Type = if optional {
        syn::parse_quote!(::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>)
    } else {
        syn::parse_quote!(::chrono::DateTime<::chrono::offset::Utc>)
    };
    let method = client
        .iter_mut()
        .filter_map(|item| match item {
            syn::Item::Impl(imp) if imp.trait_.is_none() => Some(imp),
            _ => None,
        })
        .flat_map(|imp| imp.items.iter_mut())
        .find_map(|inner| match inner {
            syn::ImplItem::Fn(f) if f.sig.ident == operation => Some(f),
            _ => None,
        })
        .ok_or_else(|| format!("progenitor generated no client method `{operation}`"))?;
    let typed = method.sig.inputs.iter_mut().find_map(|input| match input {
        syn::FnArg::Typed(t) if matches!(&*t.pat, syn::Pat::Ident(i) if i.ident == *argument) => {
            Some(t)
        }
        _ => None,
    });
    let typed = typed.ok_or_else(|| format!("`{operation}` has no argument `{argument}`"))?;
    *typed.ty = new_type.clone();

    let text: syn::Expr = if optional {
        syn::parse_quote!(&#argument.as_ref().map(types::timestamp::text))
    } else {
        syn::parse_quote!(&types::timestamp::text(&#argument))
    };
    let mut rewrite = QueryValue {
        wire_name,
        text,
        done: false,
    };
    rewrite.visit_block_mut(&mut method.block);
    if rewrite.done {
        Ok(new_type)
    } else {
        Err(format!(
            "`{operation}` sends no query parameter `{wire_name}` through `QueryParam::new`: only a query parameter can be a timestamp"
        ))
    }
}

/// Replaces the value of `QueryParam::new("<wire_name>", value)`.
struct QueryValue<'a> {
    wire_name: &'a str,
    text: syn::Expr,
    done: bool,
}

impl VisitMut for QueryValue<'_> {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        let is_query_param = matches!(&*call.func, syn::Expr::Path(p)
            if p.path.segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>() == ["progenitor_client", "QueryParam", "new"]);
        let names_it = matches!(call.args.first(), Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })) if s.value() == self.wire_name);
        if is_query_param && names_it && call.args.len() == 2 {
            call.args[1] = self.text.clone();
            self.done = true;
        }
        syn::visit_mut::visit_expr_call_mut(self, call);
    }
}

enum Kind {
    Plain,
    Optional,
    DoublyOptional,
}

fn date_time_kind(ty: &syn::Type) -> Option<Kind> {
    if is_date_time(ty) {
        return Some(Kind::Plain);
    }
    let inner = option_inner(ty)?;
    if is_date_time(inner) {
        return Some(Kind::Optional);
    }
    option_inner(inner)
        .filter(|t| is_date_time(t))
        .map(|_| Kind::DoublyOptional)
}

fn is_date_time(ty: &syn::Type) -> bool {
    let text = ty.to_token_stream().to_string().replace(' ', "");
    text == DATE_TIME
}

fn names_date_time(ty: &syn::Type) -> bool {
    ty.to_token_stream().to_string().contains("DateTime")
}

fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}
