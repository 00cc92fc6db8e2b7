//! A stub's answer held to the spec: its status must be one the operation documents, and its
//! body must validate against that status's schema (converted by `openapi-jsonschema` as the
//! servers' schemas are, response side, so `writeOnly` members are refused), unless the stub is
//! marked `.undocumented()`. Also: the headers the spec declares on every response of an
//! operation (insightIQ's `request-id`), which a stubbed answer carries as the sandbox's own do.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde_json::Value;
use server_runtime::LazySchema;

use crate::Api;

/// Why a stub was refused: the operation, the status, and where its body breaks the schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stub of `{operation}` answering {status}: {reason}")]
pub struct StubError {
    pub operation: String,
    pub status: u16,
    /// The JSON pointer into the stub's body at fault (empty: the body as a whole or the
    /// status).
    pub pointer: String,
    pub reason: String,
}

/// What the spec documents for one response of an operation.
struct Documented {
    /// The compiled schema of its `application/json` body; `None`: it has no body.
    schema: Option<&'static LazySchema>,
    /// Its JSON pointer in the spec, for messages.
    pointer: String,
}

/// What the spec documents for one operation.
#[derive(Default)]
pub(crate) struct OperationResponses {
    by_status: HashMap<u16, Documented>,
    /// Headers declared on every documented response (lower case).
    pub(crate) every_response_headers: Vec<String>,
}

/// Checks the answer `status` with `body` of `operation` against the spec.
pub(crate) fn check(
    api: Api,
    operation: &'static str,
    status: u16,
    body: Option<&Value>,
) -> Result<(), StubError> {
    let refuse = |pointer: &str, reason: String| StubError {
        operation: operation.to_owned(),
        status,
        pointer: pointer.to_owned(),
        reason,
    };
    let responses = responses(api, operation);
    let Some(documented) = responses.by_status.get(&status) else {
        let mut known: Vec<u16> = responses.by_status.keys().copied().collect();
        known.sort_unstable();
        let known: Vec<String> = known.iter().map(u16::to_string).collect();
        return Err(refuse(
            "",
            format!(
                "the spec documents no {status} for `{operation}` (it documents {}); mark the \
                 stub .undocumented() to answer it anyway",
                known.join(", ")
            ),
        ));
    };
    match (documented.schema, body) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(refuse(
            "",
            format!("the spec's {} has no body", documented.pointer),
        )),
        (Some(_), None) => Err(refuse(
            "",
            format!(
                "the spec's {} has a JSON body; the stub gives none",
                documented.pointer
            ),
        )),
        (Some(schema), Some(body)) => match schema.first_error(body) {
            None => Ok(()),
            Some((pointer, message)) => Err(refuse(
                &pointer,
                format!(
                    "at `{pointer}`: {message} (schema of {})",
                    documented.pointer
                ),
            )),
        },
    }
}

/// The documented responses of `operation`, read from the spec once per process.
pub(crate) fn responses(api: Api, operation: &'static str) -> &'static OperationResponses {
    type Cache = HashMap<(&'static str, &'static str), &'static OperationResponses>;
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    cache
        .entry((api.name(), operation))
        .or_insert_with(|| Box::leak(Box::new(read(api, operation))))
}

fn read(api: Api, operation: &str) -> OperationResponses {
    let spec = crate::seeds::spec(api.spec());
    let mut out = OperationResponses::default();
    let operations = spec_model::document_operations(&spec.document);
    let Some(found) = operations.iter().find(|op| op.name() == operation) else {
        return out;
    };
    let base = found.pointer();
    let mut header_sets: Vec<Vec<String>> = Vec::new();
    for (status, response) in found
        .value
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let Ok(code) = status.parse::<u16>() else {
            continue;
        };
        let at = format!("{base}/responses/{status}");
        let (response, response_at) = match spec.follow(response) {
            Ok(followed) => (
                followed.value,
                followed.pointer.unwrap_or_else(|| at.clone()),
            ),
            Err(_) => continue,
        };
        header_sets.push(
            response
                .get("headers")
                .and_then(Value::as_object)
                .map(|headers| headers.keys().map(|h| h.to_ascii_lowercase()).collect())
                .unwrap_or_default(),
        );
        let schema = response
            .pointer("/content/application~1json/schema")
            .map(|_| format!("{response_at}/content/application~1json/schema"))
            .and_then(|pointer| {
                openapi_jsonschema::convert(
                    &spec,
                    &pointer,
                    openapi_jsonschema::Direction::Response,
                )
                .ok()
            })
            .map(|schema| {
                // Converted once per response for the life of the process.
                let text: &'static str = Box::leak(schema.to_string().into_boxed_str());
                &*Box::leak(Box::new(LazySchema::new(text)))
            });
        out.by_status.insert(
            code,
            Documented {
                schema,
                pointer: at,
            },
        );
    }
    if let Some((first, rest)) = header_sets.split_first() {
        out.every_response_headers = first
            .iter()
            .filter(|header| rest.iter().all(|set| set.contains(header)))
            .cloned()
            .collect();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documented_statuses_and_schemas_decide() {
        let refused = check(Api::Publica, "create_user", 418, Some(&json!({}))).unwrap_err();
        assert!(refused.reason.contains("documents no 418"), "{refused}");
        let refused = check(
            Api::Publica,
            "create_user",
            422,
            Some(&json!({"message": 5})),
        )
        .unwrap_err();
        assert_eq!(refused.pointer, "/message", "{refused}");
        assert!(responses(Api::Insightiq, "list_profiles")
            .every_response_headers
            .contains(&"request-id".to_owned()));
    }
}
