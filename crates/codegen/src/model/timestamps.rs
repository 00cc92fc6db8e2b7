//! The API's timestamps: its declared form (`info.x-timestamp-form`, validated by spec-model)
//! and where the generated code applies it.
//!
//! - every `format: date-time` field, and every component listed under `patterned`, is a
//!   `chrono::DateTime<Utc>` read and written through the types crate's `timestamp` module;
//! - a parameter whose schema is listed under `patterned` is a `DateTime<Utc>` in the client,
//!   written in the form, while the server keeps the pattern string it validates;
//! - an object with a `unix-seconds` member gets `instant()`.

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;
use spec_model::Spec;
use timestamp_form::Form;

use crate::CodegenError;

/// What the generators do with the API's timestamps.
#[derive(Debug, Clone)]
pub struct Timestamps {
    pub form: Form,
    /// Component schemas typify replaces by a date-time: (Rust name, nullable).
    pub replaced: Vec<(String, bool)>,
    /// Schema pointers under `patterned` that are not components: a parameter's schema.
    pub parameter_schemas: Vec<String>,
    /// Objects holding Unix seconds: (schema's Rust name, member's Rust name, pointer).
    pub unix_seconds: Vec<(String, String, String)>,
}

/// One object's `instant()`, resolved against the generated types.
#[derive(Debug, Clone)]
pub struct Instant {
    /// The struct holding the member (`DateObject`, `NullableDateObjectInner`).
    pub type_name: syn::Ident,
    pub member: syn::Ident,
}

impl Timestamps {
    /// Whether a parameter whose schema sits at `pointer` is a timestamp.
    pub fn is_parameter_schema(&self, pointer: &str) -> bool {
        self.parameter_schemas.iter().any(|p| p == pointer)
    }
}

/// Reads the declaration; `None` when the spec declares no form (chrono's serde applies).
pub fn timestamps(spec: &Spec) -> Result<Option<Timestamps>, CodegenError> {
    let declared = spec_model::timestamps::timestamp_form(spec)
        .map_err(|(pointer, message)| CodegenError::at(spec, &pointer, message))?;
    let Some(declared) = declared else {
        return Ok(None);
    };
    let mut replaced = Vec::new();
    let mut parameter_schemas = Vec::new();
    for pointer in &declared.patterned {
        match pointer.strip_prefix("/components/schemas/") {
            Some(name) if !name.contains('/') => {
                let nullable = spec
                    .document
                    .pointer(pointer)
                    .and_then(|s| s.get("nullable"))
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                replaced.push((
                    spec_model::unescape_pointer(name).to_upper_camel_case(),
                    nullable,
                ));
            }
            _ => parameter_schemas.push(pointer.clone()),
        }
    }
    let unix_seconds = declared
        .unix_seconds
        .iter()
        .map(|u| {
            (
                u.schema.to_upper_camel_case(),
                u.member.to_snake_case(),
                u.pointer.clone(),
            )
        })
        .collect();
    Ok(Some(Timestamps {
        form: declared.form,
        replaced,
        parameter_schemas,
        unix_seconds,
    }))
}

/// A `patterned` pointer that is neither a component nor the schema of a parameter some
/// operation uses: the generators cannot apply it, so they say so rather than ignore it.
pub fn check_parameters_used(
    spec: &Spec,
    timestamps: &Timestamps,
    used: &[String],
) -> Result<(), CodegenError> {
    match timestamps
        .parameter_schemas
        .iter()
        .position(|p| !used.contains(p))
    {
        None => Ok(()),
        Some(index) => {
            let pointer = &timestamps.parameter_schemas[index];
            let at = spec_model::timestamps::POINTER;
            Err(CodegenError::at(
                spec,
                &format!("{at}/patterned"),
                format!(
                    "`#{pointer}` is neither a schema under components/schemas nor the schema of an operation's parameter: the generators apply `patterned` only there"
                ),
            ))
        }
    }
}
