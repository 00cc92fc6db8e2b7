//! The JSON Schemas a server crate embeds: each distinct schema once, as readable JSON.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::render;

/// The `static` schemas of a server crate, deduplicated by content.
#[derive(Default)]
pub struct Schemas {
    by_text: BTreeMap<String, syn::Ident>,
    statics: Vec<TokenStream>,
}

impl Schemas {
    /// The static holding `schema`: a new one named `name` (SHOUTY_SNAKE), or the one already
    /// holding the same schema.
    pub fn intern(&mut self, name: &str, schema: &Value) -> syn::Ident {
        let text = serde_json::to_string_pretty(schema).expect("JSON values serialize");
        if let Some(ident) = self.by_text.get(&text) {
            return ident.clone();
        }
        let ident = format_ident!("{name}_SCHEMA");
        let literal = render::raw_string(&text);
        self.statics.push(quote! {
            static #ident: LazySchema = LazySchema::new(#literal);
        });
        self.by_text.insert(text, ident.clone());
        ident
    }

    pub fn statics(&self) -> &[TokenStream] {
        &self.statics
    }
}
