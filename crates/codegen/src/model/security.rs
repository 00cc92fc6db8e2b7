//! The spec's security schemes, as the generators need them.
//!
//! progenitor ignores `securitySchemes`; auth is ours. The spec's security requirement (one set of
//! schemes, all required together) becomes one `Credentials` type in the types crate, which the
//! client turns into request headers and the server reads back from them.

use heck::ToSnakeCase;
use serde_json::Value;
use spec_model::Spec;

use crate::CodegenError;

/// How one scheme carries its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// `type: http, scheme: basic`: `Authorization: Basic base64(username:password)`.
    Basic,
    /// `type: apiKey, in: header`: `{header}: {prefix}{secret}`.
    ApiKeyHeader { header: String, prefix: String },
}

/// One security scheme of the requirement.
#[derive(Debug, Clone)]
pub struct Scheme {
    /// The scheme's name in `components/securitySchemes`.
    pub name: String,
    /// The Rust field name for its secret.
    pub field: String,
    pub description: String,
    pub kind: SchemeKind,
}

/// The schemes every operation requires, all together.
#[derive(Debug, Clone)]
pub struct Security {
    pub schemes: Vec<Scheme>,
}

/// Reads the one security requirement all operations share.
pub fn security(spec: &Spec) -> Result<Security, CodegenError> {
    let error = |pointer: &str, message: String| CodegenError::at(spec, pointer, message);
    let global = spec
        .document
        .get("security")
        .cloned()
        .unwrap_or(Value::Null);
    for op in spec.operations() {
        let pointer = op.pointer();
        if let Some(own) = spec.document.pointer(&format!("{pointer}/security")) {
            if own != &global {
                return Err(error(
                    &pointer,
                    format!("operation `{}` overrides the global security requirement; per-operation security is not supported by the generators", op.name()),
                ));
            }
        }
    }
    let requirements = global.as_array().cloned().unwrap_or_default();
    let [requirement] = requirements.as_slice() else {
        return Err(error(
            "/security",
            format!(
                "expected exactly one security requirement (found {}); alternatives are not supported",
                requirements.len()
            ),
        ));
    };
    let mut schemes = Vec::new();
    for name in requirement.as_object().into_iter().flat_map(|m| m.keys()) {
        let pointer = format!("/components/securitySchemes/{name}");
        let Some(raw) = spec.document.pointer(&pointer) else {
            return Err(error(
                &pointer,
                format!("security scheme `{name}` is not defined"),
            ));
        };
        let text = |key: &str| raw.get(key).and_then(Value::as_str).unwrap_or_default();
        let kind = match (text("type"), text("scheme").to_ascii_lowercase().as_str(), text("in")) {
            ("http", "basic", _) => SchemeKind::Basic,
            ("apiKey", _, "header") => SchemeKind::ApiKeyHeader {
                header: text("name").to_owned(),
                prefix: text("x-value-prefix").to_owned(),
            },
            (kind, scheme, location) => {
                return Err(error(
                    &pointer,
                    format!("unsupported security scheme (type `{kind}`, scheme `{scheme}`, in `{location}`): only http basic and apiKey in header are generated"),
                ))
            }
        };
        schemes.push(Scheme {
            name: name.clone(),
            field: name.to_snake_case(),
            description: text("description").trim().to_owned(),
            kind,
        });
    }
    Ok(Security { schemes })
}
