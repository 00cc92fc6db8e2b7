//! The one operation listing of the workspace: every operation of a spec's JSON document, in
//! document order (paths as written, methods in OpenAPI's order), with its JSON pointer.
//!
//! [`crate::Spec::operations`] is built on it; tools that hold only a JSON document (spec-diff
//! compares two of them) call [`document_operations`] directly.

use serde_json::Value;

use crate::escape_pointer;

/// The methods of a path item, in the order OpenAPI (and `openapiv3`) lists them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of a JSON document.
#[derive(Debug, Clone, Copy)]
pub struct DocumentOperation<'a> {
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// The path template, as written under `paths`.
    pub path: &'a str,
    /// The operation object.
    pub value: &'a Value,
    /// The path item holding it (its `parameters` apply to every operation of the path).
    pub path_item: &'a Value,
}

impl DocumentOperation<'_> {
    /// The operationId, or `METHOD /path` when the operation has none.
    pub fn name(&self) -> String {
        match self.value.get("operationId").and_then(Value::as_str) {
            Some(id) => id.to_owned(),
            None => format!("{} {}", self.method, self.path),
        }
    }

    /// JSON pointer of the operation object.
    pub fn pointer(&self) -> String {
        operation_pointer(self.path, self.method)
    }

    /// JSON pointer of the path item.
    pub fn path_item_pointer(&self) -> String {
        format!("/paths/{}", escape_pointer(self.path))
    }
}

/// JSON pointer of the operation `method` (any case) of the path template `path`.
pub fn operation_pointer(path: &str, method: &str) -> String {
    format!(
        "/paths/{}/{}",
        escape_pointer(path),
        method.to_ascii_lowercase()
    )
}

/// Every operation of `document`, in document order. A path item that is a `$ref` holds no
/// operations here (the specs never use one; `openapiv3` does not resolve them either).
pub fn document_operations(document: &Value) -> Vec<DocumentOperation<'_>> {
    let mut out = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for method in METHODS {
            if let Some(value) = item.get(method) {
                out.push(DocumentOperation {
                    method: upper(method),
                    path,
                    value,
                    path_item: item,
                });
            }
        }
    }
    out
}

fn upper(method: &str) -> &'static str {
    match method {
        "get" => "GET",
        "put" => "PUT",
        "post" => "POST",
        "delete" => "DELETE",
        "options" => "OPTIONS",
        "head" => "HEAD",
        "patch" => "PATCH",
        _ => "TRACE",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn operations_in_document_order_with_pointers() {
        let doc = json!({"paths": {
            "/b/{id}": {"parameters": [{"name": "id"}], "delete": {}, "get": {"operationId": "get_b"}},
            "/a": {"post": {"operationId": "make_a"}}
        }});
        let ops = document_operations(&doc);
        let listed: Vec<(String, String)> =
            ops.iter().map(|op| (op.name(), op.pointer())).collect();
        assert_eq!(
            listed,
            [
                ("get_b".to_owned(), "/paths/~1b~1{id}/get".to_owned()),
                (
                    "DELETE /b/{id}".to_owned(),
                    "/paths/~1b~1{id}/delete".to_owned()
                ),
                ("make_a".to_owned(), "/paths/~1a/post".to_owned()),
            ]
        );
        assert_eq!(ops[0].path_item_pointer(), "/paths/~1b~1{id}");
        assert_eq!(ops[0].path_item["parameters"][0]["name"], "id");
        assert!(document_operations(&json!({})).is_empty());
    }
}
