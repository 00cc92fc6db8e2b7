//! OpenAPI 3.0 schemas to JSON Schema (draft 2020-12).
//!
//! An OpenAPI 3.0 Schema Object is not JSON Schema: `nullable`, boolean `exclusiveMinimum`,
//! `int32`/`int64` formats, `readOnly`/`writeOnly` semantics and a handful of OpenAPI-only
//! keywords mean that a JSON Schema validator reads it wrongly. [`convert`] turns the schema at a
//! pointer of a loaded [`Spec`] into one self-contained JSON Schema document:
//!
//! - `"$schema": "https://json-schema.org/draft/2020-12/schema"` at the root;
//! - every `components/schemas` entry the schema reaches (directly or through other entries) is
//!   converted into `$defs`, in the spec's order, and `#/components/schemas/Name` references are
//!   rewritten to `#/$defs/Name`; any other local reference is inlined;
//! - the output is deterministic: the same spec gives the same bytes (keys keep the spec's order,
//!   synthesised keywords are placed where the source keyword was).
//!
//! The rules, those of Schemathesis and `openapi-schema-to-json-schema`:
//!
//! | OpenAPI 3.0 | JSON Schema 2020-12 |
//! |---|---|
//! | `type: T, nullable: true` | `type: [T, "null"]`, and `null` appended to `enum` if there is one |
//! | `nullable: true` without `type`, or next to `allOf`/`anyOf`/`oneOf`/`not`/`$ref` | `anyOf: [{type: "null"}, <the schema>]` |
//! | `nullable: false` | dropped |
//! | `$ref` with siblings | siblings are ignored (OpenAPI 3.0), except `nullable`, `readOnly`, `writeOnly`, `description` |
//! | `exclusiveMinimum: true` + `minimum: n` | `exclusiveMinimum: n` (same for maximum); `false` is dropped |
//! | `format: int32` / `int64` | `minimum`/`maximum` of the type's range unless the schema has its own bound; format dropped |
//! | `format: float`, `double`, `byte`, `binary`, `password` | dropped (not JSON Schema formats) |
//! | `example`, `discriminator`, `xml`, `externalDocs`, `x-*` | dropped |
//! | `readOnly` property, [`Direction::Request`] | removed from `required` |
//! | `writeOnly` property, [`Direction::Response`] | removed from `required` |
//!
//! Everything else (`description`, `default`, `readOnly`, `format: date-time`, `pattern`, ...)
//! is copied as it is. A read-only property sent in a request (or a write-only one returned in a
//! response) is still validated against its schema: OpenAPI says such properties SHOULD NOT be
//! sent, not MUST NOT.
//!
//! [`convert_mapped`] also returns a [`SourceMap`], which maps a location in the produced schema
//! (a validator's keyword location) back to the JSON pointer of the spec it came from.

mod converter;
mod error;
mod source_map;
#[cfg(test)]
mod tests;

use serde_json::Value;
use spec_model::Spec;

pub use error::ConvertError;
pub use source_map::SourceMap;

/// The `$schema` of every produced document.
pub const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Which side of an exchange the schema validates (spec-model's, the one definition).
pub use spec_model::Direction;

/// A converted schema and where each part of it came from.
#[derive(Debug, Clone)]
pub struct Mapped {
    /// The self-contained JSON Schema document.
    pub schema: Value,
    /// Locations in `schema` mapped to JSON pointers of the spec.
    pub source_map: SourceMap,
}

/// Converts the schema at `reference` of `spec` into a self-contained JSON Schema document.
///
/// `reference` is a JSON pointer into the spec (`/paths/~1users/post/requestBody/content/application~1json/schema`)
/// or a local `$ref` (`#/components/schemas/User`).
pub fn convert(spec: &Spec, reference: &str, direction: Direction) -> Result<Value, ConvertError> {
    convert_mapped(spec, reference, direction).map(|mapped| mapped.schema)
}

/// [`convert`], also returning the [`SourceMap`] of the produced schema.
pub fn convert_mapped(
    spec: &Spec,
    reference: &str,
    direction: Direction,
) -> Result<Mapped, ConvertError> {
    let (schema, entries) = converter::convert_document(spec, reference, direction)?;
    Ok(Mapped {
        schema,
        source_map: SourceMap::new(entries),
    })
}
