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

/// Applies [`autolink`] to every `#[doc]` attribute of the items.
pub fn autolink_items(items: &mut [syn::Item]) {
    struct Links;
    impl VisitMut for Links {
        fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
            if !attr.path().is_ident("doc") {
                return;
            }
            if let syn::Meta::NameValue(nv) = &mut attr.meta {
                if let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) = &mut nv.value
                {
                    let mut fixed = autolink(&s.value());
                    // `#[doc = "text"]` prints as `///text`; hand-written docs have a space.
                    if !fixed.is_empty() && !fixed.starts_with([' ', '\n']) {
                        fixed.insert(0, ' ');
                    }
                    if fixed != s.value() {
                        *s = syn::LitStr::new(&fixed, s.span());
                    }
                }
            }
        }
    }
    for item in items.iter_mut() {
        Links.visit_item_mut(item);
    }
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
