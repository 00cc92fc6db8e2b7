//! Post-processing of typify's types: forward-compatible enums and tolerant nullable fields.
//!
//! Vendors add enum values (a new account status, a new product) without notice. typify's enums
//! reject unknown values, which would make an older client fail on the whole response. Every plain
//! string enum therefore gets a last variant `#[serde(untagged)] Unknown(String)` that catches any
//! other string and serializes back to it unchanged, and is `#[non_exhaustive]`, so that the
//! variant a later spec adds for that value is a minor change for code matching on the enum.

use std::collections::{BTreeMap, BTreeSet};

use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{parse_quote, Item, ItemEnum, ItemImpl, Path, Token};

fn derive_paths(attr: &syn::Attribute) -> Option<Punctuated<Path, Token![,]>> {
    if !attr.path().is_ident("derive") {
        return None;
    }
    attr.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
        .ok()
}

fn last_ident(path: &Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// An enum-level `#[serde(untagged | tag | content)]` changes the representation: such an enum
/// is a `oneOf`, not a list of strings.
fn has_representation_attr(e: &ItemEnum) -> bool {
    e.attrs.iter().any(|attr| {
        if !attr.path().is_ident("serde") {
            return false;
        }
        let mut found = false;
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("untagged")
                || meta.path.is_ident("tag")
                || meta.path.is_ident("content")
            {
                found = true;
            }
            if meta.input.peek(Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
        found
    })
}

fn is_plain_string_enum(e: &ItemEnum) -> bool {
    !e.variants.is_empty()
        && e.variants
            .iter()
            .all(|v| matches!(v.fields, syn::Fields::Unit))
        && e.attrs
            .iter()
            .filter_map(derive_paths)
            .flatten()
            .any(|p| last_ident(&p) == "Deserialize")
        && !has_representation_attr(e)
}

fn unknown_ident(e: &ItemEnum) -> syn::Ident {
    let names: BTreeSet<String> = e.variants.iter().map(|v| v.ident.to_string()).collect();
    let mut name = "Unknown".to_owned();
    let mut n = 1;
    while names.contains(&name) {
        name = format!(
            "UnknownValue{}",
            if n == 1 { String::new() } else { n.to_string() }
        );
        n += 1;
    }
    syn::Ident::new(&name, proc_macro2::Span::call_site())
}

fn patch_enum(e: &mut ItemEnum) -> syn::Ident {
    for attr in e.attrs.iter_mut() {
        if let Some(paths) = derive_paths(attr) {
            let kept: Vec<Path> = paths
                .into_iter()
                .filter(|p| last_ident(p) != "Copy")
                .collect();
            *attr = parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    // Non-exhaustive: a value the vendor adds later becomes a new variant when the spec is
    // updated, which must be a minor change for code that matches on the enum (cargo
    // semver-checks agrees with spec-diff only this way).
    e.attrs.push(parse_quote!(#[non_exhaustive]));
    let unknown = unknown_ident(e);
    e.variants.push(parse_quote! {
        /// A value the spec does not list (added by the vendor after this code was generated).
        /// It is kept verbatim and serialized back unchanged.
        #[serde(untagged)]
        #unknown(::std::string::String)
    });
    unknown
}

fn impl_self_ident(imp: &ItemImpl) -> Option<String> {
    match &*imp.self_ty {
        syn::Type::Path(tp) if tp.qself.is_none() => Some(last_ident(&tp.path)),
        _ => None,
    }
}

struct ImplPatcher {
    unknown: syn::Ident,
    trait_name: String,
}

impl VisitMut for ImplPatcher {
    fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
        let unknown = &self.unknown;
        match self.trait_name.as_str() {
            "Display" => {
                if let syn::Expr::Unary(u) = &*m.expr {
                    if matches!(u.op, syn::UnOp::Deref(_)) {
                        m.expr = u.expr.clone();
                    }
                }
                m.arms
                    .push(parse_quote! { Self::#unknown(s) => f.write_str(s), });
            }
            "FromStr" => {
                for arm in m.arms.iter_mut() {
                    if matches!(arm.pat, syn::Pat::Wild(_)) {
                        *arm.body = parse_quote! { Ok(Self::#unknown(value.to_string())) };
                    }
                }
            }
            _ => {}
        }
        syn::visit_mut::visit_expr_match_mut(self, m);
    }
}

/// Adds the `Unknown(String)` variant to every plain string enum and fixes their `Display` and
/// `FromStr` impls. Returns the names of the patched enums.
pub fn forward_compatible_enums(items: &mut [Item]) -> Vec<String> {
    let mut patched = BTreeMap::new();
    for item in items.iter_mut() {
        if let Item::Enum(e) = item {
            if is_plain_string_enum(e) {
                let unknown = patch_enum(e);
                patched.insert(e.ident.to_string(), unknown);
            }
        }
    }
    for item in items.iter_mut() {
        if let Item::Impl(imp) = item {
            let (Some(ty), Some((_, trait_path, _))) = (impl_self_ident(imp), imp.trait_.as_ref())
            else {
                continue;
            };
            let trait_name = last_ident(trait_path);
            if let Some(unknown) = patched.get(&ty) {
                ImplPatcher {
                    unknown: unknown.clone(),
                    trait_name,
                }
                .visit_item_impl_mut(imp);
            }
        }
    }
    patched.into_keys().collect()
}

/// typify turns a required + nullable property into `Option<T>` with
/// `deserialize_with = "Option::deserialize"`, which fails when the key is missing. We decide:
/// a missing key reads as `null` (`#[serde(default)]`), and the value is still always serialized
/// (as `null` when `None`), so what we send keeps the key the spec requires. The schema check in
/// `crates/conformance` still reports a missing required key.
pub fn tolerate_missing_nullable(items: &mut [Item]) -> usize {
    struct Fix(usize);
    impl VisitMut for Fix {
        fn visit_field_mut(&mut self, field: &mut syn::Field) {
            for attr in field.attrs.iter_mut() {
                if attr.path().is_ident("serde") {
                    let text = quote::ToTokens::to_token_stream(attr).to_string();
                    if text.contains("deserialize_with")
                        && (text.contains("Option::deserialize")
                            || text.contains("Option :: deserialize"))
                    {
                        *attr = parse_quote!(#[serde(default)]);
                        self.0 += 1;
                    }
                }
            }
        }
    }
    let mut fix = Fix(0);
    for item in items.iter_mut() {
        fix.visit_item_mut(item);
    }
    fix.0 + tolerate_missing_nullable_newtypes(items)
}

/// typify also writes a required + nullable `$ref` (or enum) as a transparent newtype over
/// `Option` (`pub struct Gender(pub Option<GenderInner>)`) held by a plain field. Same decision:
/// such a newtype derives `Default` (`None`) and the fields holding it get `#[serde(default)]`.
fn tolerate_missing_nullable_newtypes(items: &mut [Item]) -> usize {
    let newtypes: BTreeSet<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => {
                let transparent = s.attrs.iter().any(|a| {
                    a.path().is_ident("serde")
                        && quote::ToTokens::to_token_stream(a)
                            .to_string()
                            .contains("transparent")
                });
                let over_option = match &s.fields {
                    syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                        let ty = &fields.unnamed[0].ty;
                        quote::ToTokens::to_token_stream(ty)
                            .to_string()
                            .replace(' ', "")
                            .starts_with("::std::option::Option<")
                    }
                    _ => false,
                };
                (transparent && over_option).then(|| s.ident.to_string())
            }
            _ => None,
        })
        .collect();
    if newtypes.is_empty() {
        return 0;
    }
    struct Fix<'a> {
        newtypes: &'a BTreeSet<String>,
        count: usize,
    }
    impl VisitMut for Fix<'_> {
        fn visit_field_mut(&mut self, field: &mut syn::Field) {
            let syn::Type::Path(ty) = &field.ty else {
                return;
            };
            if field.ident.is_none() || !self.newtypes.contains(&last_ident(&ty.path)) {
                return;
            }
            let has_default = field.attrs.iter().any(|a| {
                a.path().is_ident("serde")
                    && quote::ToTokens::to_token_stream(a)
                        .to_string()
                        .contains("default")
            });
            if !has_default {
                field.attrs.push(parse_quote!(#[serde(default)]));
                self.count += 1;
            }
        }
    }
    let mut fix = Fix {
        newtypes: &newtypes,
        count: 0,
    };
    for item in items.iter_mut() {
        fix.visit_item_mut(item);
    }
    if fix.count > 0 {
        for item in items.iter_mut() {
            if let Item::Struct(s) = item {
                let derives_default = s
                    .attrs
                    .iter()
                    .filter_map(derive_paths)
                    .any(|paths| paths.iter().any(|p| last_ident(p) == "Default"));
                if newtypes.contains(&s.ident.to_string()) && !derives_default {
                    s.attrs.push(parse_quote!(#[derive(Default)]));
                }
            }
        }
    }
    fix.count
}

/// Removes progenitor's blanket `#[allow(clippy::all)]`: generated code must be clippy-clean on
/// its own merits (targeted allows are emitted where needed, with a reason).
pub fn strip_blanket_allows(items: &mut [Item]) {
    struct Strip;
    impl VisitMut for Strip {
        fn visit_attributes_mut(&mut self, attrs: &mut Vec<syn::Attribute>) {
            attrs.retain(|attr| {
                let text = quote::ToTokens::to_token_stream(attr).to_string();
                !(attr.path().is_ident("allow") && text.contains("clippy :: all"))
            });
        }
    }
    for item in items.iter_mut() {
        Strip.visit_item_mut(item);
    }
}
