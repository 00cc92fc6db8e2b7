//! Running progenitor on a spec and splitting its output into types and client code.

use openapiv3::OpenAPI;
use progenitor_impl::{GenerationSettings, Generator, InterfaceStyle, TagStyle};

use crate::guard;
use crate::CodegenError;

/// progenitor's output, split: the items of its `types` module, and everything else.
pub struct ProgenitorOutput {
    pub types: Vec<syn::Item>,
    pub client: Vec<syn::Item>,
}

fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged);
    settings
}

fn generate_tokens(spec: &OpenAPI) -> Result<proc_macro2::TokenStream, String> {
    Generator::new(&settings())
        .generate_tokens(spec)
        .map_err(|e| e.to_string())
}

/// Runs progenitor; a panic or an error becomes a [`CodegenError`] naming the spec file and, for
/// a panic, the operation or schema that causes it.
pub fn run(file: &str, spec: &OpenAPI) -> Result<ProgenitorOutput, CodegenError> {
    let tokens = match guard::catch(|| generate_tokens(spec)) {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(message)) => {
            return Err(CodegenError::new(
                file,
                None,
                format!("progenitor: {message}"),
            ))
        }
        Err(panic) => {
            let location = guard::culprit(spec, |partial| {
                guard::catch(|| generate_tokens(partial)).is_err()
            });
            return Err(CodegenError::new(
                file,
                location,
                format!("progenitor panicked: {panic}"),
            ));
        }
    };
    let parsed: syn::File = syn::parse2(tokens).map_err(|e| {
        CodegenError::new(file, None, format!("progenitor output does not parse: {e}"))
    })?;
    let mut types = Vec::new();
    let mut client = Vec::new();
    for item in parsed.items {
        match item {
            syn::Item::Mod(module) if module.ident == "types" => {
                if let Some((_, items)) = module.content {
                    types = items;
                }
            }
            other => client.push(other),
        }
    }
    Ok(ProgenitorOutput { types, client })
}
