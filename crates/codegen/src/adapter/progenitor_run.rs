//! Running progenitor on a spec and splitting its output into types and client code.

use openapiv3::OpenAPI;
use progenitor_impl::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;
use spec_model::Spec;

use super::guard;
use crate::model::Timestamps;
use crate::CodegenError;

/// progenitor's output, split: the items of its `types` module, and everything else.
pub struct ProgenitorOutput {
    pub types: Vec<syn::Item>,
    pub client: Vec<syn::Item>,
}

fn settings(timestamps: Option<&Timestamps>) -> GenerationSettings {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        // Every request goes through `client_runtime::Runtime` (retries, tracing): the client
        // crate implements `ClientHooks::exec` for it, and no default implementation may hide
        // a missing one.
        .with_inner_type(quote!(client_runtime::Runtime))
        .with_hooks(HooksMode::Expected);
    if let Some(timestamps) = timestamps {
        super::timestamps::replace_components(&mut settings, timestamps);
    }
    settings
}

fn generate_tokens(
    spec: &OpenAPI,
    timestamps: Option<&Timestamps>,
) -> Result<proc_macro2::TokenStream, String> {
    Generator::new(&settings(timestamps))
        .generate_tokens(&with_list_ready_parameter_docs(spec))
        .map_err(|e| e.to_string())
}

/// progenitor writes each parameter's description as an item of an `Arguments:` list in the
/// method's docs: a description of several lines needs its later lines indented to stay in
/// the item (else rustdoc and `clippy::doc_lazy_continuation` read them as a new paragraph).
fn with_list_ready_parameter_docs(spec: &OpenAPI) -> OpenAPI {
    fn indent(parameter: &mut openapiv3::ReferenceOr<openapiv3::Parameter>) {
        if let openapiv3::ReferenceOr::Item(parameter) = parameter {
            let data = match parameter {
                openapiv3::Parameter::Query { parameter_data, .. }
                | openapiv3::Parameter::Header { parameter_data, .. }
                | openapiv3::Parameter::Path { parameter_data, .. }
                | openapiv3::Parameter::Cookie { parameter_data, .. } => parameter_data,
            };
            if let Some(description) = &mut data.description {
                *description = description.trim_end().replace('\n', "\n  ");
            }
        }
    }
    let mut spec = spec.clone();
    for (_, item) in spec.paths.paths.iter_mut() {
        if let openapiv3::ReferenceOr::Item(item) = item {
            item.parameters.iter_mut().for_each(indent);
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ];
            for operation in operations.into_iter().flatten() {
                operation.parameters.iter_mut().for_each(indent);
            }
        }
    }
    if let Some(components) = &mut spec.components {
        components.parameters.values_mut().for_each(indent);
    }
    spec
}

/// Runs progenitor. A panic or an error inside progenitor or typify becomes a [`CodegenError`]
/// at the spec's file, line and pointer of the operation or schema that causes it (found by
/// generating each alone), with the library's words as a detail.
pub fn run(spec: &Spec, timestamps: Option<&Timestamps>) -> Result<ProgenitorOutput, CodegenError> {
    let (failure, panicked) = match guard::catch(|| generate_tokens(&spec.openapi, timestamps)) {
        Ok(Ok(tokens)) => return split(spec, tokens),
        Ok(Err(message)) => (message, false),
        Err(panic) => (panic, true),
    };
    // A partial spec is the culprit when it fails the same way (a partial spec may fail
    // otherwise, for example on a reference to a schema it leaves out).
    let fails = |partial: &OpenAPI| match guard::catch(|| generate_tokens(partial, timestamps)) {
        Err(_) => panicked,
        Ok(Err(message)) => !panicked && message == failure,
        Ok(Ok(_)) => false,
    };
    let message = format!("the code generator (progenitor) cannot handle it: {failure}");
    Err(match guard::culprit(&spec.openapi, fails) {
        Some((pointer, subject)) => CodegenError::at(spec, &pointer, message).about(subject),
        None => CodegenError::at(spec, "", message),
    })
}

fn split(spec: &Spec, tokens: proc_macro2::TokenStream) -> Result<ProgenitorOutput, CodegenError> {
    let parsed: syn::File = syn::parse2(tokens).map_err(|e| {
        CodegenError::at(spec, "", format!("progenitor's output does not parse: {e}"))
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
