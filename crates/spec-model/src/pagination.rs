//! `x-pagination`: how a list operation pages, stated by the spec instead of guessed from
//! parameter names.
//!
//! ```yaml
//! x-pagination:
//!   offset: offset            # query parameter: how many items to skip
//!   limit: limit              # query parameter: the page size
//!   items: data               # property of the success body holding the page's items
//!   has-more: hasMoreRecords  # optional: boolean property saying more pages follow
//! ```
//!
//! Without `has-more`, a page shorter than the page size is the last one, so `limit` must have
//! a `default` (the page size when the caller gives none).

use serde_json::Value;

use crate::{escape_pointer, OperationRef, Spec};

/// The extension's name.
pub const EXTENSION: &str = "x-pagination";

/// A validated `x-pagination`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// The offset (skip) query parameter's name.
    pub offset: String,
    /// The page-size query parameter's name.
    pub limit: String,
    /// The page-size parameter's `default`.
    pub limit_default: Option<u64>,
    /// The success body's property holding the items.
    pub items: String,
    /// The pointer of the items' schema (the array's `items`), references followed.
    pub item_schema: String,
    /// The boolean success-body property saying more pages follow, and whether it is required.
    pub has_more: Option<(String, bool)>,
}

/// A problem with an operation's `x-pagination`: the pointer at fault and what is wrong.
pub type PaginationError = (String, String);

/// Reads and validates the operation's `x-pagination`; `Ok(None)` when it has none.
pub fn pagination(
    spec: &Spec,
    op: &OperationRef<'_>,
) -> Result<Option<Pagination>, PaginationError> {
    let pointer = format!("{}/{EXTENSION}", op.pointer());
    let Some(raw) = spec.document.pointer(&pointer) else {
        return Ok(None);
    };
    let fail = |at: &str, message: String| Err((at.to_owned(), message));
    let Some(members) = raw.as_object() else {
        return fail(&pointer, format!("`{EXTENSION}` must be an object"));
    };
    for key in members.keys() {
        if !["offset", "limit", "items", "has-more"].contains(&key.as_str()) {
            return fail(
                &format!("{pointer}/{}", escape_pointer(key)),
                format!("unknown `{EXTENSION}` member `{key}` (expected offset, limit, items, has-more)"),
            );
        }
    }
    let text = |key: &str| -> Result<Option<String>, PaginationError> {
        match members.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err((
                format!("{pointer}/{key}"),
                format!("`{EXTENSION}.{key}` must be a string"),
            )),
        }
    };
    let required = |key: &str| -> Result<String, PaginationError> {
        text(key)?.ok_or_else(|| (pointer.clone(), format!("`{EXTENSION}` needs `{key}`")))
    };
    let offset = required("offset")?;
    let limit = required("limit")?;
    let items = required("items")?;
    let has_more = text("has-more")?;
    if op.method != "GET" {
        return fail(
            &pointer,
            format!(
                "`{EXTENSION}` is only supported on GET operations, not {}",
                op.method
            ),
        );
    }

    let query_param = |name: &str, key: &str| -> Result<Value, PaginationError> {
        let schema = query_parameters(spec, op)
            .into_iter()
            .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
            .ok_or_else(|| {
                (
                    format!("{pointer}/{key}"),
                    format!("`{name}` is not a query parameter of `{}`", op.name()),
                )
            })?
            .get("schema")
            .map(|s| {
                spec.follow(s)
                    .map(|f| f.value.clone())
                    .unwrap_or(Value::Null)
            })
            .unwrap_or(Value::Null);
        if schema.get("type").and_then(Value::as_str) != Some("integer") {
            return Err((
                format!("{pointer}/{key}"),
                format!("query parameter `{name}` must be an integer to page with"),
            ));
        }
        Ok(schema)
    };
    query_param(&offset, "offset")?;
    let limit_schema = query_param(&limit, "limit")?;
    let limit_default = limit_schema.get("default").and_then(Value::as_u64);
    if has_more.is_none() && limit_default.is_none() {
        return fail(
            &format!("{pointer}/limit"),
            format!("without `has-more`, the page-size parameter `{limit}` needs a `default`: a page shorter than the page size is the last one"),
        );
    }

    let (body, body_pointer) = success_schema(spec, op).ok_or_else(|| {
        (
            pointer.clone(),
            format!("`{}` has no JSON success body to page through", op.name()),
        )
    })?;
    let (properties, required_names) = properties(spec, body);
    let items_schema = properties
        .iter()
        .find(|(name, _)| *name == items)
        .map(|(_, schema)| *schema)
        .ok_or_else(|| {
            (
                format!("{pointer}/items"),
                format!("the success body ({body_pointer}) has no property `{items}`"),
            )
        })?;
    let items_schema = spec
        .follow(items_schema)
        .map(|f| f.value)
        .unwrap_or(items_schema);
    if items_schema.get("type").and_then(Value::as_str) != Some("array") {
        return fail(
            &format!("{pointer}/items"),
            format!("the success body's `{items}` must be an array"),
        );
    }
    let item_schema = match items_schema.get("items").and_then(|i| i.get("$ref")).and_then(Value::as_str) {
        Some(reference) => reference.trim_start_matches('#').to_owned(),
        None => {
            return fail(
                &format!("{pointer}/items"),
                format!("the items of `{items}` must be a `$ref` to a named schema (the stream's item type)"),
            )
        }
    };
    let has_more = match has_more {
        None => None,
        Some(name) => {
            let schema = properties
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, s)| spec.follow(s).map(|f| f.value).unwrap_or(s))
                .ok_or_else(|| {
                    (
                        format!("{pointer}/has-more"),
                        format!("the success body ({body_pointer}) has no property `{name}`"),
                    )
                })?;
            if schema.get("type").and_then(Value::as_str) != Some("boolean") {
                return fail(
                    &format!("{pointer}/has-more"),
                    format!("the success body's `{name}` must be a boolean"),
                );
            }
            let is_required = required_names.contains(&name);
            Some((name, is_required))
        }
    };
    Ok(Some(Pagination {
        offset,
        limit,
        limit_default,
        items,
        item_schema,
        has_more,
    }))
}

/// The operation's query parameters (path-level ones included), references followed.
fn query_parameters<'a>(spec: &'a Spec, op: &OperationRef<'a>) -> Vec<&'a Value> {
    spec.parameters(&op.pointer())
        .into_iter()
        .flatten()
        .filter(|p| p.location == "query")
        .map(|p| p.value)
        .collect()
}

/// The first 2xx response's JSON body schema, references followed, with its pointer.
fn success_schema<'a>(spec: &'a Spec, op: &OperationRef<'a>) -> Option<(&'a Value, String)> {
    let responses = spec
        .document
        .pointer(&format!("{}/responses", op.pointer()))?
        .as_object()?;
    let (status, response) = responses.iter().find(|(s, _)| s.starts_with('2'))?;
    let response = spec.follow(response).ok()?.value;
    let schema = response.pointer("/content/application~1json/schema")?;
    let followed = spec.follow(schema).ok()?;
    let pointer = followed.pointer_or(&format!(
        "{}/responses/{status}/content/application~1json/schema",
        op.pointer()
    ));
    Some((followed.value, pointer))
}

/// An object schema's properties and required names, through `allOf`.
fn properties<'a>(spec: &'a Spec, schema: &'a Value) -> (Vec<(String, &'a Value)>, Vec<String>) {
    let mut props = Vec::new();
    let mut required = Vec::new();
    let schema = spec.follow(schema).map(|f| f.value).unwrap_or(schema);
    if let Some(map) = schema.get("properties").and_then(Value::as_object) {
        props.extend(map.iter().map(|(k, v)| (k.clone(), v)));
    }
    if let Some(names) = schema.get("required").and_then(Value::as_array) {
        required.extend(names.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (p, r) = properties(spec, part);
        props.extend(p);
        required.extend(r);
    }
    (props, required)
}
