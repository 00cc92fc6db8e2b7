//! The JSON Schemas generated code embeds, compiled on first use, and reading a value they
//! validated into its generated type.

use std::sync::OnceLock;

use axum::http::StatusCode;
use serde_json::Value;

use crate::error_body::Rejection;

/// A JSON Schema compiled on first use, from JSON text embedded by the generator.
pub struct LazySchema {
    text: &'static str,
    compiled: OnceLock<jsonschema::Validator>,
}

impl LazySchema {
    pub const fn new(text: &'static str) -> Self {
        LazySchema {
            text,
            compiled: OnceLock::new(),
        }
    }

    fn validator(&self) -> &jsonschema::Validator {
        self.compiled.get_or_init(|| {
            let schema: Value =
                serde_json::from_str(self.text).expect("generated schemas are valid JSON");
            jsonschema_oas30::with_oas30_integers(jsonschema::options())
                .should_validate_formats(true)
                .build(&schema)
                .expect("generated schemas compile")
        })
    }

    /// The first violation of `value`: (JSON pointer into the value, message).
    pub fn first_error(&self, value: &Value) -> Option<(String, String)> {
        let validator = self.validator();
        if validator.is_valid(value) {
            return None;
        }
        validator
            .iter_errors(value)
            .next()
            .map(|e| (e.instance_path().as_str().to_owned(), e.to_string()))
    }
}

/// Deserializes validated JSON into the generated type (a mismatch here is a generator bug,
/// reported as a 400 rather than a panic).
pub fn from_json<T: serde::de::DeserializeOwned>(
    value: Value,
    status: StatusCode,
) -> Result<T, Rejection> {
    serde_json::from_value(value).map_err(|e| {
        Rejection::new(
            status,
            "invalid_request",
            format!("the request does not match its type: {e}"),
        )
    })
}
