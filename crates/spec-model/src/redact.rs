//! What must never be written down in clear: the secrets a spec declares.
//!
//! One [`Redaction`] is built from a spec and used by everything that records or logs traffic
//! (the conformance proxy's `--record` file and finding lines, the sandbox's request log), so
//! that they cannot disagree about what is secret. It lives here because it is spec knowledge
//! and JSON only: both the conformance tool and the sandbox already depend on this crate, and
//! neither depends on the other.
//!
//! Secret are:
//! - every header and query parameter a security scheme carries (`apiKey` by its `name` and
//!   `in`; `http`, `oauth2` and `openIdConnect` by `Authorization`), and the headers that carry
//!   credentials whatever the spec says (`authorization`, `proxy-authorization`, `cookie`,
//!   `set-cookie`, `x-api-key`), and the query keys that conventionally do (`api_key`, `apikey`,
//!   `access_token`, `token`: a client sending one the spec does not declare still sends a
//!   secret);
//! - every object member a schema marks `writeOnly: true` (a password sent, never returned), by
//!   name, at any depth of a body;
//! - every JSON pointer added with [`Redaction::with_pointer`] (`--redact POINTER`).

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde_json::Value;

use crate::Spec;

/// What replaces a secret value.
pub const REDACTED: &str = "[redacted]";

/// The secrets of one spec, and the functions that hide them. [`Redaction::default`] holds
/// the secrets of any API (credential headers and query keys), [`Redaction::from_spec`] adds a
/// spec's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redaction {
    /// Lowercase header names.
    headers: BTreeSet<String>,
    /// Query parameter names, as written (query keys are case-sensitive).
    query: BTreeSet<String>,
    /// Object member names marked `writeOnly`.
    members: BTreeSet<String>,
    /// JSON pointers into a body, added by hand.
    pointers: BTreeSet<String>,
}

/// Headers that carry credentials in any API.
const CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
];

/// Query keys that carry credentials in any API.
const CREDENTIAL_QUERY_KEYS: &[&str] = &["access_token", "api_key", "apikey", "token"];

impl Default for Redaction {
    fn default() -> Self {
        Redaction {
            headers: CREDENTIAL_HEADERS.iter().map(|h| (*h).to_owned()).collect(),
            query: CREDENTIAL_QUERY_KEYS
                .iter()
                .map(|k| (*k).to_owned())
                .collect(),
            members: BTreeSet::new(),
            pointers: BTreeSet::new(),
        }
    }
}

impl Redaction {
    /// The secrets `spec` declares (see the module docs), and those of any API.
    pub fn from_spec(spec: &Spec) -> Redaction {
        let mut redaction = Redaction::default();
        let schemes = spec
            .document
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object);
        for scheme in schemes.into_iter().flat_map(|s| s.values()) {
            let scheme = spec.follow(scheme).map_or(scheme, |f| f.value);
            let name = scheme.get("name").and_then(Value::as_str);
            match (
                scheme.get("type").and_then(Value::as_str),
                scheme.get("in").and_then(Value::as_str),
                name,
            ) {
                (Some("apiKey"), Some("header"), Some(name)) => {
                    redaction.headers.insert(name.to_ascii_lowercase());
                }
                (Some("apiKey"), Some("query"), Some(name)) => {
                    redaction.query.insert(name.to_owned());
                }
                // Cookies are redacted whole already.
                _ => {}
            }
        }
        collect_write_only(&spec.document, &mut redaction.members);
        redaction
    }

    /// Also redacts the body member at `pointer` (RFC 6901, from the body's root).
    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Redaction {
        self.pointers.insert(pointer.into());
        self
    }

    /// Whether the header `name` (any case) carries a secret.
    pub fn is_secret_header(&self, name: &str) -> bool {
        self.headers.contains(&name.to_ascii_lowercase())
    }

    /// `value`, or [`REDACTED`] when the header `name` is secret.
    pub fn header<'v>(&self, name: &str, value: &'v str) -> &'v str {
        if self.is_secret_header(name) {
            REDACTED
        } else {
            value
        }
    }

    /// A request target (`/path?query`) with the value of each secret query parameter
    /// replaced; borrowed when there is none.
    pub fn target<'t>(&self, target: &'t str) -> Cow<'t, str> {
        let Some((path, query)) = target.split_once('?') else {
            return Cow::Borrowed(target);
        };
        let secret = |pair: &str| {
            let key = pair.split_once('=').map_or(pair, |(key, _)| key);
            self.query.contains(&*percent_decode(key))
        };
        if !query.split('&').any(secret) {
            return Cow::Borrowed(target);
        }
        let pairs: Vec<Cow<'_, str>> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if secret(pair) => Cow::Owned(format!("{key}={REDACTED}")),
                _ => Cow::Borrowed(pair),
            })
            .collect();
        Cow::Owned(format!("{path}?{}", pairs.join("&")))
    }

    /// Replaces, in a JSON body, the value of every `writeOnly` member (at any depth) and of
    /// every added pointer with [`REDACTED`]. Returns whether anything was replaced.
    pub fn body(&self, value: &mut Value) -> bool {
        let mut changed = false;
        if !self.members.is_empty() {
            redact_members(value, &self.members, &mut changed);
        }
        for pointer in &self.pointers {
            if let Some(found) = value.pointer_mut(pointer) {
                *found = Value::String(REDACTED.to_owned());
                changed = true;
            }
        }
        changed
    }

    /// Whether a finding at `pointer` (into a body) lies in a redacted member, so that its
    /// message, which may quote the value, is not printed.
    pub fn covers_pointer(&self, pointer: &str) -> bool {
        self.pointers
            .iter()
            .any(|p| pointer == p || pointer.starts_with(&format!("{p}/")))
            || pointer
                .split('/')
                .skip(1)
                .any(|segment| self.members.contains(&*crate::unescape_pointer(segment)))
    }

    /// One line per kind, for the list printed at start: `headers: a, b`, `query: ...`,
    /// `members: ...`, `pointers: ...` (kinds with nothing left out).
    pub fn describe(&self) -> Vec<String> {
        [
            ("headers", &self.headers),
            ("query parameters", &self.query),
            ("writeOnly members", &self.members),
            ("pointers", &self.pointers),
        ]
        .into_iter()
        .filter(|(_, set)| !set.is_empty())
        .map(|(kind, set)| {
            format!(
                "{kind}: {}",
                set.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        })
        .collect()
    }
}

/// Every property name under a `properties` whose schema says `writeOnly: true`.
fn collect_write_only(value: &Value, names: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                for (name, schema) in properties {
                    if schema.get("writeOnly") == Some(&Value::Bool(true)) {
                        names.insert(name.clone());
                    }
                }
            }
            for child in map.values() {
                collect_write_only(child, names);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_write_only(item, names);
            }
        }
        _ => {}
    }
}

fn redact_members(value: &mut Value, members: &BTreeSet<String>, changed: &mut bool) {
    match value {
        Value::Object(map) => {
            for (name, member) in map.iter_mut() {
                if members.contains(name) {
                    *member = Value::String(REDACTED.to_owned());
                    *changed = true;
                } else {
                    redact_members(member, members, changed);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                redact_members(item, members, changed);
            }
        }
        _ => {}
    }
}

/// `%XX` sequences and `+` decoded, so that `api%5Fkey=` is recognised as `api_key=`.
fn percent_decode(text: &str) -> Cow<'_, str> {
    if !text.contains(['%', '+']) {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match bytes[index] {
            b'%' => match (hex(index + 1), hex(index + 2)) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    index += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            byte => out.push(byte),
        }
        index += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Spec {
        let text = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  securitySchemes:
    key: {type: apiKey, in: query, name: sig}
    header: {type: apiKey, in: header, name: X-Api-Key}
    basic: {type: http, scheme: basic}
  schemas:
    User:
      type: object
      properties:
        name: {type: string}
        userPassword: {type: string, writeOnly: true}
"#;
        crate::parse("t.yaml", text.to_owned()).unwrap()
    }

    #[test]
    fn scheme_headers_query_keys_and_write_only_members_are_redacted() {
        let redaction = Redaction::from_spec(&spec()).with_pointer("/data/token");
        assert!(redaction.is_secret_header("x-api-key"));
        assert!(redaction.is_secret_header("Authorization"));
        assert!(!redaction.is_secret_header("content-type"));
        assert_eq!(
            redaction.target("/v1/users?limit=1&sig=s3cret&api%5Fkey=x&token"),
            "/v1/users?limit=1&sig=[redacted]&api%5Fkey=[redacted]&token"
        );
        assert_eq!(redaction.target("/v1/users?limit=1"), "/v1/users?limit=1");
        let mut body =
            json!({"data": {"token": "t", "users": [{"name": "a", "userPassword": "p"}]}});
        assert!(redaction.body(&mut body));
        assert_eq!(
            body,
            json!({"data": {"token": REDACTED, "users": [{"name": "a", "userPassword": REDACTED}]}})
        );
        assert!(redaction.covers_pointer("/data/users/0/userPassword"));
        assert!(redaction.covers_pointer("/data/token"));
        assert!(!redaction.covers_pointer("/data/users/0/name"));
        assert_eq!(
            redaction.describe(),
            vec![
                "headers: authorization, cookie, proxy-authorization, set-cookie, x-api-key",
                "query parameters: access_token, api_key, apikey, sig, token",
                "writeOnly members: userPassword",
                "pointers: /data/token",
            ]
        );
    }
}
