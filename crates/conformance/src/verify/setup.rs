//! `--setup FILE`: preconditions without code. Either a list of requests sent first (any
//! server), or a scenario document (the sandbox's state format, `PUT /_sandbox/state`), which
//! the sandbox checks against the spec itself.
//!
//! ```yaml
//! - method: POST
//!   path: /users            # below the base path
//!   query: {limit: 1}       # optional
//!   body: {name: Ann, external_id: ann-1}
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use hyper::Method;
use serde::Deserialize;
use serde_json::Value;

use super::auth::{self, Auth};
use super::request::{encode, query_string};
use super::target::Outgoing;
use super::{Runner, VerifyError};

/// Where the sandbox takes a whole state.
pub const SANDBOX_STATE_PATH: &str = "/_sandbox/state";

/// Preconditions of a run.
#[derive(Debug, Clone, PartialEq)]
pub enum Setup {
    Requests(Vec<SetupRequest>),
    /// A sandbox scenario document.
    Scenario(Value),
}

/// One request of a setup list.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    pub method: String,
    /// Below the API's base path, starting with `/`.
    pub path: String,
    #[serde(default)]
    pub query: BTreeMap<String, Value>,
    #[serde(default)]
    pub body: Option<Value>,
}

impl Setup {
    /// Reads a setup file (YAML or JSON): a sequence (or `{requests: [...]}`) is a request
    /// list, any other object a scenario document.
    pub fn load(path: &Path) -> Result<Setup, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        Setup::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Setup, String> {
        let document: Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        let list = match &document {
            Value::Array(_) => Some(document.clone()),
            Value::Object(map) if map.len() == 1 && map.contains_key("requests") => {
                Some(map["requests"].clone())
            }
            Value::Object(_) => None,
            _ => return Err("a setup file is a list of requests or a scenario document".into()),
        };
        match list {
            Some(list) => {
                let requests: Vec<SetupRequest> =
                    serde_json::from_value(list).map_err(|e| format!("a setup request: {e}"))?;
                if let Some(bad) = requests.iter().find(|r| !r.path.starts_with('/')) {
                    return Err(format!("setup path `{}` does not start with /", bad.path));
                }
                Ok(Setup::Requests(requests))
            }
            None => Ok(Setup::Scenario(document)),
        }
    }
}

/// Sends the setup; any answer but a 2xx stops the run before it starts.
pub async fn send(runner: &mut Runner<'_, '_>, setup: &Setup) -> Result<(), VerifyError> {
    let spec = runner.validator.spec();
    match setup {
        Setup::Scenario(document) => {
            let outgoing = Outgoing {
                method: Method::PUT,
                path_and_query: SANDBOX_STATE_PATH.to_owned(),
                headers: vec![("content-type".into(), "application/json".into())],
                body: Some(document.to_string().into_bytes()),
            };
            let answer = runner
                .send_raw(outgoing, true)
                .await
                .map_err(VerifyError::Setup)?;
            if !(200..300).contains(&answer.status) {
                return Err(VerifyError::Setup(format!(
                    "PUT {SANDBOX_STATE_PATH} answered {}: {}",
                    answer.status,
                    String::from_utf8_lossy(&answer.body)
                )));
            }
        }
        Setup::Requests(requests) => {
            for (index, request) in requests.iter().enumerate() {
                let method = Method::from_bytes(request.method.to_ascii_uppercase().as_bytes())
                    .map_err(|_| {
                        VerifyError::Setup(format!(
                            "request {}: method `{}`",
                            index + 1,
                            request.method
                        ))
                    })?;
                let requirements = match runner
                    .validator
                    .match_request(method.as_str(), &request.path)
                {
                    crate::index::routing::Match::Operation(op) => auth::requirements(
                        spec,
                        spec.document.pointer(&op.pointer).unwrap_or(&Value::Null),
                    ),
                    _ => auth::requirements(spec, &Value::Null),
                };
                let placed = auth::place(
                    spec,
                    &requirements,
                    &runner.options.credentials,
                    Auth::Valid,
                )
                .map_err(VerifyError::Setup)?;
                let mut query: Vec<(String, String)> = request
                    .query
                    .iter()
                    .map(|(k, v)| (k.clone(), super::request::wire_text(v)))
                    .collect();
                query.extend(placed.query);
                let mut headers = placed.headers;
                let body = request.body.as_ref().map(|body| {
                    headers.push(("content-type".into(), "application/json".into()));
                    body.to_string().into_bytes()
                });
                let path: String = request
                    .path
                    .split('/')
                    .map(encode_segment)
                    .collect::<Vec<_>>()
                    .join("/");
                let outgoing = Outgoing {
                    method: method.clone(),
                    path_and_query: format!("{path}{}", query_string(&query)),
                    headers,
                    body,
                };
                let answer = runner
                    .send_raw(outgoing, false)
                    .await
                    .map_err(|e| VerifyError::Setup(format!("request {}: {e}", index + 1)))?;
                if !(200..300).contains(&answer.status) {
                    return Err(VerifyError::Setup(format!(
                        "request {} ({method} {}) answered {}",
                        index + 1,
                        request.path,
                        answer.status
                    )));
                }
            }
        }
    }
    Ok(())
}

/// A path segment as given, percent-encoding what is not already a valid segment character.
fn encode_segment(segment: &str) -> String {
    if segment
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=:@".contains(&b))
    {
        segment.to_owned()
    } else {
        encode(segment)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_is_requests_and_an_object_a_scenario() {
        let list = Setup::parse("- {method: POST, path: /users, body: {name: a}}").unwrap();
        assert!(matches!(list, Setup::Requests(ref r) if r.len() == 1 && r[0].method == "POST"));
        let scenario = Setup::parse("users: []").unwrap();
        assert!(matches!(scenario, Setup::Scenario(_)));
        let error = Setup::parse("- {method: GET, path: users}").unwrap_err();
        assert!(error.contains("does not start with /"), "{error}");
    }
}
