//! Scenarios: an API's whole state as JSON (`GET /_sandbox/state`), replaced whole by
//! `PUT /_sandbox/state` or `--state FILE`. Each record is the resource as the spec describes
//! it (validated against the spec's schema on import), plus the sandbox's own fields under one
//! member, [`SANDBOX_MEMBER`]. An import that is refused changes nothing.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use server_runtime::LazySchema;

use crate::Api;

/// The member of a record that holds the sandbox's own fields (Publica.la's `external_id`,
/// Instabot's soft-delete flag and stored password).
pub const SANDBOX_MEMBER: &str = "_sandbox";

/// Why an import was refused: the record (`users/3`), the JSON pointer into the document, and
/// what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct StateError {
    pub record: Option<String>,
    pub pointer: String,
    pub reason: String,
}

impl std::fmt::Display for StateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.record {
            Some(record) => write!(f, "record {record}, at `{}`: {}", self.pointer, self.reason),
            None => write!(f, "at `{}`: {}", self.pointer, self.reason),
        }
    }
}

impl std::error::Error for StateError {}

fn error(record: Option<String>, pointer: String, reason: impl Into<String>) -> StateError {
    StateError {
        record,
        pointer,
        reason: reason.into(),
    }
}

/// The collections of a state document, read against the members an API's state has: every
/// member must be one of `collections`, and each an array.
pub(crate) fn collections<'a>(
    document: &'a Value,
    collections: &[&str],
) -> Result<HashMap<String, &'a [Value]>, StateError> {
    let Some(object) = document.as_object() else {
        return Err(error(
            None,
            String::new(),
            "a state document is a JSON object",
        ));
    };
    let mut found = HashMap::new();
    for (member, value) in object {
        if !collections.contains(&member.as_str()) {
            return Err(error(
                None,
                format!("/{member}"),
                format!("no such collection (there are {})", collections.join(", ")),
            ));
        }
        let Some(records) = value.as_array() else {
            return Err(error(
                None,
                format!("/{member}"),
                "a collection is an array",
            ));
        };
        found.insert(member.clone(), records.as_slice());
    }
    Ok(found)
}

/// One record of an import: its resource (checked against `schema`, then typed) and its
/// sandbox member (typed, when the API has one).
pub(crate) struct Imported<R, X> {
    pub resource: R,
    pub sandbox: X,
}

/// Reads record `index` of `collection`: the resource against the spec's `schema` (a
/// `components/schemas` name), the sandbox member as `X` (absent: `X::default()`).
pub(crate) fn record<R: DeserializeOwned, X: DeserializeOwned + Default>(
    api: Api,
    collection: &str,
    index: usize,
    value: &Value,
    schema: &str,
) -> Result<Imported<R, X>, StateError> {
    let name = format!("{collection}/{index}");
    let at = |pointer: &str| format!("/{collection}/{index}{pointer}");
    let mut resource = value.clone();
    let sandbox = match resource.as_object_mut() {
        Some(object) => object.remove(SANDBOX_MEMBER),
        None => return Err(error(Some(name), at(""), "a record is a JSON object")),
    };
    if let Some((pointer, reason)) = validator(api, schema).first_error(&resource) {
        return Err(error(
            Some(name),
            at(&pointer),
            format!("not a valid {schema}: {reason}"),
        ));
    }
    let resource: R = serde_json::from_value(resource)
        .map_err(|e| error(Some(name.clone()), at(""), format!("not a {schema}: {e}")))?;
    let sandbox: X = match sandbox {
        Some(member) => serde_json::from_value(member).map_err(|e| {
            error(
                Some(name.clone()),
                at(&format!("/{SANDBOX_MEMBER}")),
                e.to_string(),
            )
        })?,
        None => X::default(),
    };
    Ok(Imported { resource, sandbox })
}

/// The id a create takes after an imported `id` (record `index`, at `/{collection}/{index}/{member}`),
/// or why none could follow it: creates count up from the largest id, and `i64::MAX` is the
/// largest there is.
pub(crate) fn id_after(
    collection: &str,
    index: usize,
    member: &str,
    id: i64,
) -> Result<i64, StateError> {
    id.checked_add(1).ok_or_else(|| {
        error(
            Some(format!("{collection}/{index}")),
            format!("/{collection}/{index}/{member}"),
            format!(
                "{member} {id} leaves no id for a create (creates take the id after the largest, \
                 and {} is the largest there is)",
                i64::MAX
            ),
        )
    })
}

/// A unique key met twice.
pub(crate) fn duplicate(collection: &str, index: usize, member: &str, key: &str) -> StateError {
    error(
        Some(format!("{collection}/{index}")),
        format!("/{collection}/{index}/{member}"),
        format!("{member} {key:?} is held by an earlier record"),
    )
}

/// A resource with its sandbox member added (nothing added when `sandbox` is `None`).
pub(crate) fn exported<R: serde::Serialize, X: serde::Serialize>(
    resource: &R,
    sandbox: Option<&X>,
) -> Value {
    let mut value = serde_json::to_value(resource).unwrap_or(Value::Null);
    if let (Some(object), Some(sandbox)) = (value.as_object_mut(), sandbox) {
        object.insert(
            SANDBOX_MEMBER.to_owned(),
            serde_json::to_value(sandbox).unwrap_or(Value::Null),
        );
    }
    value
}

/// A document of named collections.
pub(crate) fn document(collections: Vec<(&str, Vec<Value>)>) -> Value {
    let mut object = Map::new();
    for (name, records) in collections {
        object.insert(name.to_owned(), Value::Array(records));
    }
    Value::Object(object)
}

/// The spec's `components/schemas/NAME` of `api` as a compiled JSON Schema (response side),
/// converted once.
fn validator(api: Api, name: &str) -> &'static LazySchema {
    static SCHEMAS: OnceLock<Mutex<HashMap<(&'static str, String), &'static LazySchema>>> =
        OnceLock::new();
    let mut schemas = SCHEMAS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    schemas
        .entry((api.name(), name.to_owned()))
        .or_insert_with(|| {
            let spec = crate::seeds::spec(api.spec());
            let schema = openapi_jsonschema::convert(
                &spec,
                &format!("#/components/schemas/{name}"),
                openapi_jsonschema::Direction::Response,
            )
            .expect("the spec's schemas convert");
            // Converted once per schema for the life of the process.
            let text: &'static str = Box::leak(schema.to_string().into_boxed_str());
            Box::leak(Box::new(LazySchema::new(text)))
        })
}
