//! Reading typify's `#[serde(...)]` field attributes: the one reader every adapter pass asks.

/// One item of a `#[serde(...)]` attribute: `default` (no value), `default = "path"`,
/// `skip_serializing_if = "..."`, `with = "..."`.
pub struct SerdeItem {
    pub name: String,
    /// The string literal after `=`, if there is one.
    pub value: Option<String>,
}

/// Every item of every `#[serde(...)]` attribute in `attrs`, in order. An attribute that does
/// not parse contributes the items before the error (typify's always parse).
pub fn serde_items(attrs: &[syn::Attribute]) -> Vec<SerdeItem> {
    let mut items = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            let name = quote::ToTokens::to_token_stream(&meta.path).to_string();
            let value = if meta.input.peek(syn::Token![=]) {
                match meta.value()?.parse::<syn::Expr>()? {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }) => Some(text.value()),
                    _ => None,
                }
            } else {
                None
            };
            items.push(SerdeItem { name, value });
            Ok(())
        });
    }
    items
}

/// Whether `attrs` hold the serde item `name`.
pub fn has_serde_item(attrs: &[syn::Attribute], name: &str) -> bool {
    serde_items(attrs).iter().any(|item| item.name == name)
}
