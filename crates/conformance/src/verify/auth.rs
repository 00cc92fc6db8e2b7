//! Credentials by security scheme, put on a request the way the spec's scheme says (basic,
//! bearer, API key in a header, query or cookie, with `x-value-prefix`). Values are never
//! printed: `Debug` shows the scheme names only.

use std::collections::BTreeMap;

use base64::Engine;
use serde_json::Value;
use spec_model::Spec;

/// The environment variable prefix: `CONFORMANCE_CREDENTIAL_<SCHEME>` (the scheme's name in
/// upper case, `-` as `_`) holds that scheme's value.
pub const ENV_PREFIX: &str = "CONFORMANCE_CREDENTIAL_";

/// One value per security scheme name: `user:password` for HTTP basic, the token or key
/// otherwise.
#[derive(Clone, Default)]
pub struct Credentials {
    values: BTreeMap<String, String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("schemes", &self.values.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Credentials {
    pub fn new() -> Credentials {
        Credentials::default()
    }

    /// Adds (or replaces) the value of a scheme.
    pub fn with(mut self, scheme: &str, value: &str) -> Credentials {
        self.values.insert(scheme.to_owned(), value.to_owned());
        self
    }

    /// Parses `SCHEME=VALUE` (the `--credential` flag).
    pub fn add_assignment(&mut self, assignment: &str) -> Result<(), String> {
        let (scheme, value) = assignment
            .split_once('=')
            .filter(|(scheme, _)| !scheme.is_empty())
            .ok_or("--credential: write SCHEME=VALUE (the security scheme's name in the spec)")?;
        self.values.insert(scheme.to_owned(), value.to_owned());
        Ok(())
    }

    /// Adds, for each scheme of the spec without a value yet, the value of its environment
    /// variable ([`ENV_PREFIX`]) when set.
    pub fn add_from_env(&mut self, spec: &Spec) {
        for scheme in schemes(spec).keys() {
            if self.values.contains_key(scheme) {
                continue;
            }
            let name = format!(
                "{ENV_PREFIX}{}",
                scheme.to_ascii_uppercase().replace('-', "_")
            );
            if let Ok(value) = std::env::var(name) {
                self.values.insert(scheme.clone(), value);
            }
        }
    }

    pub fn get(&self, scheme: &str) -> Option<&str> {
        self.values.get(scheme).map(String::as_str)
    }
}

/// Which credentials a request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// The given credentials.
    Valid,
    /// None at all.
    Missing,
    /// Each value altered (same shape, wrong secret).
    Wrong,
}

/// Where the credentials of a request go.
#[derive(Debug, Default)]
pub struct Placed {
    pub headers: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
}

/// The security schemes of the spec by name, `$ref`s followed.
pub fn schemes(spec: &Spec) -> BTreeMap<String, Value> {
    let Some(map) = spec
        .document
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
    else {
        return BTreeMap::new();
    };
    map.iter()
        .map(|(name, scheme)| {
            let scheme = spec.follow(scheme).map(|f| f.value).unwrap_or(scheme);
            (name.clone(), scheme.clone())
        })
        .collect()
}

/// The security requirement alternatives of an operation (its own `security`, else the
/// spec's): each a list of scheme names. Empty: the operation needs no credentials.
pub fn requirements(spec: &Spec, operation: &Value) -> Vec<Vec<String>> {
    let security = operation
        .get("security")
        .or_else(|| spec.document.get("security"));
    security
        .and_then(Value::as_array)
        .map(|alternatives| {
            alternatives
                .iter()
                .filter_map(Value::as_object)
                .map(|requirement| requirement.keys().cloned().collect())
                .collect()
        })
        .unwrap_or_default()
}

/// Whether an operation can be called without credentials (no requirement, or an empty one).
pub fn optional(requirements: &[Vec<String>]) -> bool {
    requirements.is_empty() || requirements.iter().any(Vec::is_empty)
}

/// The credentials of the first requirement alternative every scheme of which has a value;
/// `Err` names the schemes missing a value.
pub fn place(
    spec: &Spec,
    requirements: &[Vec<String>],
    credentials: &Credentials,
    auth: Auth,
) -> Result<Placed, String> {
    let mut placed = Placed::default();
    if auth == Auth::Missing || optional(requirements) && auth == Auth::Valid {
        return Ok(placed);
    }
    let schemes = schemes(spec);
    let chosen = requirements
        .iter()
        .filter(|alternative| !alternative.is_empty())
        .find(|alternative| alternative.iter().all(|s| credentials.get(s).is_some()));
    let Some(chosen) = chosen else {
        let wanted: Vec<String> = requirements
            .iter()
            .map(|alternative| alternative.join(" + "))
            .collect();
        return Err(format!(
            "no credentials for {} (give --credential SCHEME=VALUE or {ENV_PREFIX}<SCHEME>)",
            wanted.join(" or ")
        ));
    };
    for name in chosen {
        let Some(value) = credentials.get(name) else {
            continue;
        };
        let value = match auth {
            Auth::Wrong => wrong(value),
            _ => value.to_owned(),
        };
        let scheme = schemes.get(name).cloned().unwrap_or(Value::Null);
        let text = |key: &str| scheme.get(key).and_then(Value::as_str).unwrap_or_default();
        match (text("type"), text("scheme").to_ascii_lowercase().as_str()) {
            ("http", "basic") => {
                let encoded = base64::engine::general_purpose::STANDARD.encode(value);
                placed
                    .headers
                    .push(("authorization".into(), format!("Basic {encoded}")));
            }
            ("http", _) => placed
                .headers
                .push(("authorization".into(), format!("Bearer {value}"))),
            ("apiKey", _) => {
                let value = format!("{}{value}", text("x-value-prefix"));
                let key = text("name").to_owned();
                match text("in") {
                    "query" => placed.query.push((key, value)),
                    "cookie" => placed
                        .headers
                        .push(("cookie".into(), format!("{key}={value}"))),
                    _ => placed.headers.push((key.to_ascii_lowercase(), value)),
                }
            }
            _ => placed
                .headers
                .push(("authorization".into(), format!("Bearer {value}"))),
        }
    }
    Ok(placed)
}

/// A value of the same shape that is not the secret (`user:password` keeps its user).
fn wrong(value: &str) -> String {
    match value.split_once(':') {
        Some((user, _)) => format!("{user}:verify-wrong-secret"),
        None => format!("{value}-verify-wrong"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_value() {
        let credentials = Credentials::new().with("basicAuth", "demo:secret");
        let shown = format!("{credentials:?}");
        assert!(shown.contains("basicAuth"), "{shown}");
        assert!(!shown.contains("secret\""), "{shown}");
        assert!(!shown.contains("demo"), "{shown}");
    }

    #[test]
    fn a_wrong_value_keeps_its_shape_and_differs() {
        assert_eq!(wrong("demo:p@55w0rd"), "demo:verify-wrong-secret");
        assert_ne!(wrong("token"), "token");
    }
}
