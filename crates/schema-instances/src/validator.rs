//! The project's own JSON Schema of a root (openapi-jsonschema's conversion, validated the way
//! OpenAPI 3.0 reads JSON), which judges instances.

use serde_json::Value;
use spec_model::Spec;

use crate::instance::Direction;

/// The project's own JSON Schema of a root, which judges the probe's instances.
pub struct Validator(Result<jsonschema::Validator, String>);

impl Validator {
    pub fn from_schema(schema: &Value) -> Validator {
        Validator(
            jsonschema_oas30::with_oas30_integers(jsonschema::options())
                .should_validate_formats(true)
                .build(schema)
                .map_err(|e| e.to_string()),
        )
    }

    pub fn convert(spec: &Spec, pointer: &str, direction: Direction) -> Validator {
        match openapi_jsonschema::convert(spec, pointer, direction) {
            Ok(schema) => Validator::from_schema(&schema),
            Err(e) => Validator(Err(e.to_string())),
        }
    }

    /// `Ok(true)` when `value` satisfies the schema; `Err` when the schema did not compile.
    pub fn satisfied(&self, value: &Value) -> Result<bool, String> {
        self.0
            .as_ref()
            .map(|v| v.is_valid(value))
            .map_err(Clone::clone)
    }
}
