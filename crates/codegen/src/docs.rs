//! Making spec descriptions safe as rustdoc: bare URLs become `<autolinks>`, so `cargo doc`
//! stays warning-free whatever the spec's descriptions contain; every doc line starts with a
//! space, as hand-written `///` docs do.

use syn::visit_mut::VisitMut;

/// Wraps every bare `http(s)://` URL of a doc text in `<...>`.
pub fn autolink(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut in_code = false;
    let mut rest = text;
    while !rest.is_empty() {
        let next = rest.find(['`', 'h']).unwrap_or(rest.len());
        out.push_str(&rest[..next]);
        rest = &rest[next..];
        if rest.is_empty() {
            break;
        }
        if rest.starts_with('`') {
            in_code = !in_code;
            out.push('`');
            rest = &rest[1..];
            continue;
        }
        let is_url = rest.starts_with("http://") || rest.starts_with("https://");
        let after_bracket = out.ends_with('<') || out.ends_with("](");
        if is_url && !in_code && !after_bracket {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, ')' | '"' | '\'' | '>' | ','))
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
        } else {
            out.push('h');
            rest = &rest[1..];
        }
    }
    out
}

/// Applies [`autolink`] to every `#[doc]` attribute of the items, and writes each doc line as
/// its own attribute: prettyplease prints a multi-line `#[doc]` as a `/** … */` block with its
/// text at column 0, one line per attribute as `///` lines, as hand-written docs read.
pub fn autolink_items(items: &mut [syn::Item]) {
    struct Docs;
    impl VisitMut for Docs {
        fn visit_item_struct_mut(&mut self, node: &mut syn::ItemStruct) {
            doc_lines(&mut node.attrs);
            syn::visit_mut::visit_item_struct_mut(self, node);
        }
        fn visit_item_enum_mut(&mut self, node: &mut syn::ItemEnum) {
            doc_lines(&mut node.attrs);
            syn::visit_mut::visit_item_enum_mut(self, node);
        }
        fn visit_item_fn_mut(&mut self, node: &mut syn::ItemFn) {
            doc_lines(&mut node.attrs);
            syn::visit_mut::visit_item_fn_mut(self, node);
        }
        fn visit_item_impl_mut(&mut self, node: &mut syn::ItemImpl) {
            doc_lines(&mut node.attrs);
            syn::visit_mut::visit_item_impl_mut(self, node);
        }
        fn visit_item_mod_mut(&mut self, node: &mut syn::ItemMod) {
            doc_lines(&mut node.attrs);
            syn::visit_mut::visit_item_mod_mut(self, node);
        }
        fn visit_item_trait_mut(&mut self, node: &mut syn::ItemTrait) {
            doc_lines(&mut node.attrs);
            syn::visit_mut::visit_item_trait_mut(self, node);
        }
        fn visit_item_const_mut(&mut self, node: &mut syn::ItemConst) {
            doc_lines(&mut node.attrs);
            syn::visit_mut::visit_item_const_mut(self, node);
        }
        fn visit_item_static_mut(&mut self, node: &mut syn::ItemStatic) {
            doc_lines(&mut node.attrs);
            syn::visit_mut::visit_item_static_mut(self, node);
        }
        fn visit_item_type_mut(&mut self, node: &mut syn::ItemType) {
            doc_lines(&mut node.attrs);
            syn::visit_mut::visit_item_type_mut(self, node);
        }
        fn visit_item_use_mut(&mut self, node: &mut syn::ItemUse) {
            doc_lines(&mut node.attrs);
            syn::visit_mut::visit_item_use_mut(self, node);
        }
        fn visit_field_mut(&mut self, node: &mut syn::Field) {
            doc_lines(&mut node.attrs);
            syn::visit_mut::visit_field_mut(self, node);
        }
        fn visit_variant_mut(&mut self, node: &mut syn::Variant) {
            doc_lines(&mut node.attrs);
            syn::visit_mut::visit_variant_mut(self, node);
        }
        fn visit_impl_item_fn_mut(&mut self, node: &mut syn::ImplItemFn) {
            doc_lines(&mut node.attrs);
            syn::visit_mut::visit_impl_item_fn_mut(self, node);
        }
        fn visit_impl_item_const_mut(&mut self, node: &mut syn::ImplItemConst) {
            doc_lines(&mut node.attrs);
            syn::visit_mut::visit_impl_item_const_mut(self, node);
        }
        fn visit_impl_item_type_mut(&mut self, node: &mut syn::ImplItemType) {
            doc_lines(&mut node.attrs);
            syn::visit_mut::visit_impl_item_type_mut(self, node);
        }
        fn visit_trait_item_fn_mut(&mut self, node: &mut syn::TraitItemFn) {
            doc_lines(&mut node.attrs);
            syn::visit_mut::visit_trait_item_fn_mut(self, node);
        }
        fn visit_trait_item_type_mut(&mut self, node: &mut syn::TraitItemType) {
            doc_lines(&mut node.attrs);
            syn::visit_mut::visit_trait_item_type_mut(self, node);
        }
    }
    for item in items.iter_mut() {
        Docs.visit_item_mut(item);
    }
}

/// Autolinks each outer `#[doc]` attribute and splits it into one attribute per line, each
/// starting with a space (`#[doc = "text"]` prints as `///text`; hand-written docs have one).
fn doc_lines(attrs: &mut Vec<syn::Attribute>) {
    let mut out = Vec::with_capacity(attrs.len());
    for attr in attrs.drain(..) {
        let text = match (&attr.style, &attr.meta) {
            (syn::AttrStyle::Outer, syn::Meta::NameValue(nv)) if attr.path().is_ident("doc") => {
                match &nv.value {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => Some((s.value(), s.span())),
                    _ => None,
                }
            }
            _ => None,
        };
        let Some((text, span)) = text else {
            out.push(attr);
            continue;
        };
        // A `///` line already starts with a space; a text written as one `#[doc]` gets one
        // on every line, so its code blocks keep their indentation.
        let spaced = text.starts_with(' ');
        for line in autolink(&text).split('\n') {
            let line = line.trim_end();
            let line = if line.is_empty() || spaced {
                line.to_owned()
            } else {
                format!(" {line}")
            };
            let lit = syn::LitStr::new(&line, span);
            out.push(syn::parse_quote!(#[doc = #lit]));
        }
    }
    *attrs = out;
}

#[cfg(test)]
mod tests {
    use super::autolink;

    #[test]
    fn wraps_bare_urls_only() {
        assert_eq!(
            autolink("see (https://a.example/x). and `https://code` or <https://ok>"),
            "see (<https://a.example/x>). and `https://code` or <https://ok>"
        );
        assert_eq!(autolink("no links here, just hh"), "no links here, just hh");
    }
}
