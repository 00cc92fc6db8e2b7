//! The parameters an operation takes: its own and its path item's, in one list.

use serde_json::Value;

use crate::{RefError, Spec};

/// One parameter of an operation, `$ref` followed.
#[derive(Debug, Clone)]
pub struct ParameterRef<'a> {
    /// Where the parameter object is: the `$ref` target, or its place in the list.
    pub pointer: String,
    /// The parameter object.
    pub value: &'a Value,
    /// `name` (empty when missing).
    pub name: &'a str,
    /// `in` (empty when missing).
    pub location: &'a str,
}

/// A parameter whose `$ref` cannot be followed: where the `$ref` is, and why.
#[derive(Debug, Clone)]
pub struct BrokenParameter {
    pub pointer: String,
    pub error: RefError,
}

impl Spec {
    /// The parameters of the operation at `operation_pointer` (see [`document_parameters`]).
    pub fn parameters(
        &self,
        operation_pointer: &str,
    ) -> Vec<Result<ParameterRef<'_>, BrokenParameter>> {
        document_parameters(&self.document, operation_pointer)
    }
}

/// The parameters of the operation at `operation_pointer` of `document`: its own first, then
/// its path item's, an own parameter hiding the path item's of the same name and location (as
/// OpenAPI says). A broken `$ref` is its error, in its place (`check` reports it too). Tools
/// that hold only a JSON document (spec-diff compares two) call it directly.
pub fn document_parameters<'a>(
    document: &'a Value,
    operation_pointer: &str,
) -> Vec<Result<ParameterRef<'a>, BrokenParameter>> {
    let path_item = operation_pointer
        .rsplit_once('/')
        .map_or("", |(item, _)| item);
    let mut out: Vec<Result<ParameterRef<'a>, BrokenParameter>> = Vec::new();
    for owner in [operation_pointer, path_item] {
        let list_pointer = format!("{owner}/parameters");
        let Some(list) = document.pointer(&list_pointer).and_then(Value::as_array) else {
            continue;
        };
        for (index, raw) in list.iter().enumerate() {
            let here = format!("{list_pointer}/{index}");
            let followed = match crate::follow(document, raw) {
                Ok(followed) => followed,
                Err(error) => {
                    out.push(Err(BrokenParameter {
                        pointer: here,
                        error,
                    }));
                    continue;
                }
            };
            let text = |key: &str| {
                followed
                    .value
                    .get(key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
            };
            let (name, location) = (text("name"), text("in"));
            let hidden = out
                .iter()
                .flatten()
                .any(|p: &ParameterRef<'_>| p.name == name && p.location == location);
            if !hidden {
                out.push(Ok(ParameterRef {
                    pointer: followed.pointer_or(&here),
                    value: followed.value,
                    name,
                    location,
                }));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::parse;

    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: t, version: 1.0.0}\npaths:\n  /a/{id}:\n    parameters:\n      - {name: id, in: path, required: true, schema: {type: string}}\n      - {name: limit, in: query, schema: {type: integer}}\n    get:\n      parameters:\n        - {name: limit, in: query, schema: {type: string}}\n        - $ref: '#/components/parameters/Q'\n        - $ref: '#/components/parameters/Missing'\n      responses: {'200': {description: ok}}\ncomponents:\n  parameters:\n    Q: {name: q, in: query, schema: {type: string}}\n";

    #[test]
    fn own_parameters_hide_the_path_items_and_references_are_followed() {
        let spec = parse("spec/t.yaml", SPEC.to_owned()).unwrap();
        let listed: Vec<String> = spec
            .parameters("/paths/~1a~1{id}/get")
            .into_iter()
            .map(|p| match p {
                Ok(p) => format!("{} {} {}", p.location, p.name, p.pointer),
                Err(broken) => format!("broken {}", broken.pointer),
            })
            .collect();
        assert_eq!(
            listed,
            [
                "query limit /paths/~1a~1{id}/get/parameters/0",
                "query q /components/parameters/Q",
                "broken /paths/~1a~1{id}/get/parameters/2",
                "path id /paths/~1a~1{id}/parameters/0",
            ]
        );
    }
}
