//! The one `$ref` follower of the workspace.
//!
//! Every crate that reads a spec's JSON tree follows references through [`follow`], so that a
//! reference is resolved the same way everywhere and an alias chain that never reaches content
//! (`A -> B -> A`, `A -> A`) is one error, with the chain of pointers, wherever it is met.
//! Recursion *through* a schema's members (a tree type whose `children` items `$ref` the tree)
//! is not a chain: [`follow`] only walks objects that are nothing but a `$ref`.

use std::fmt;

use serde_json::Value;

/// Why a `$ref` could not be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefError {
    /// `$ref` is not a string.
    NotAString,
    /// The reference points outside the document (`other.yaml#/...`, a URL).
    External { reference: String },
    /// Nothing sits at the reference's pointer.
    Broken { reference: String },
    /// The chain of references comes back to a pointer it already visited, so it never reaches
    /// a value with content. `chain` lists the pointers in order, the repeated one last.
    Cycle { chain: Vec<String> },
}

impl fmt::Display for RefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefError::NotAString => write!(f, "`$ref` is not a string"),
            RefError::External { reference } => {
                write!(f, "external reference `{reference}` is not supported")
            }
            RefError::Broken { reference } => {
                write!(f, "broken reference `{reference}`: nothing at that pointer")
            }
            RefError::Cycle { chain } => write!(
                f,
                "`$ref` cycle that never reaches a schema: {}",
                chain.join(" -> ")
            ),
        }
    }
}

impl std::error::Error for RefError {}

/// Where a followed value sits.
#[derive(Debug, Clone)]
pub struct Followed<'a> {
    /// The value at the end of the chain (the input itself when it is not a `$ref`).
    pub value: &'a Value,
    /// The JSON pointer of `value` when at least one `$ref` was followed; `None` when the input
    /// was not a reference (its pointer is the caller's).
    pub pointer: Option<String>,
}

impl Followed<'_> {
    /// The pointer of the value: the target's, or `here` when no reference was followed.
    pub fn pointer_or(&self, here: &str) -> String {
        self.pointer.clone().unwrap_or_else(|| here.to_owned())
    }
}

/// The JSON pointer a local reference names: `#/components/schemas/A` -> `/components/schemas/A`.
pub fn reference_pointer(reference: &str) -> Result<&str, RefError> {
    match reference.strip_prefix('#') {
        Some(pointer) => Ok(pointer),
        None => Err(RefError::External {
            reference: reference.to_owned(),
        }),
    }
}

/// The `$ref` of a value, if it has one.
pub fn reference_of(value: &Value) -> Option<Result<&str, RefError>> {
    let reference = value.as_object()?.get("$ref")?;
    Some(reference.as_str().ok_or(RefError::NotAString))
}

/// Follows `value`'s `$ref`s through `document` until a value that is not a reference.
///
/// Siblings of `$ref` are ignored, as OpenAPI 3.0 says. A value that is not a reference comes
/// back unchanged with `pointer: None`.
pub fn follow<'a>(document: &'a Value, value: &'a Value) -> Result<Followed<'a>, RefError> {
    walk(document, value, Vec::new())
}

/// Follows a reference given by its text (`#/components/...`), as [`follow`] does.
pub fn follow_reference<'a>(
    document: &'a Value,
    reference: &str,
) -> Result<Followed<'a>, RefError> {
    let pointer = reference_pointer(reference)?;
    let target = document.pointer(pointer).ok_or_else(|| RefError::Broken {
        reference: reference.to_owned(),
    })?;
    walk(document, target, vec![pointer.to_owned()])
}

fn walk<'a>(
    document: &'a Value,
    mut current: &'a Value,
    mut chain: Vec<String>,
) -> Result<Followed<'a>, RefError> {
    while let Some(reference) = reference_of(current) {
        let reference = reference?;
        let pointer = reference_pointer(reference)?;
        let seen = chain.iter().any(|p| p == pointer);
        chain.push(pointer.to_owned());
        if seen {
            return Err(RefError::Cycle { chain });
        }
        current = document.pointer(pointer).ok_or_else(|| RefError::Broken {
            reference: reference.to_owned(),
        })?;
    }
    Ok(Followed {
        value: current,
        pointer: chain.pop(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn doc() -> Value {
        json!({
            "components": {"schemas": {
                "A": {"$ref": "#/components/schemas/B"},
                "B": {"$ref": "#/components/schemas/A"},
                "Self": {"$ref": "#/components/schemas/Self"},
                "C": {"$ref": "#/components/schemas/D"},
                "D": {"type": "object"},
                "Tree": {"type": "object", "properties": {
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}}
                }},
                "Gone": {"$ref": "#/components/schemas/Nope"},
                "Far": {"$ref": "other.yaml#/A"},
                "Odd": {"$ref": 5}
            }}
        })
    }

    #[test]
    fn a_chain_ends_at_content_with_its_pointer() {
        let doc = doc();
        let followed = follow(&doc, &doc["components"]["schemas"]["C"]).unwrap();
        assert_eq!(followed.value, &json!({"type": "object"}));
        assert_eq!(followed.pointer.as_deref(), Some("/components/schemas/D"));
        let plain = follow(&doc, &doc["components"]["schemas"]["D"]).unwrap();
        assert_eq!(plain.pointer, None);
        assert_eq!(plain.pointer_or("/here"), "/here");
    }

    #[test]
    fn alias_cycles_are_errors_with_the_chain() {
        let doc = doc();
        let err = follow(&doc, &doc["components"]["schemas"]["A"]).unwrap_err();
        assert_eq!(
            err,
            RefError::Cycle {
                chain: vec![
                    "/components/schemas/B".into(),
                    "/components/schemas/A".into(),
                    "/components/schemas/B".into()
                ]
            }
        );
        assert_eq!(
            err.to_string(),
            "`$ref` cycle that never reaches a schema: /components/schemas/B -> /components/schemas/A -> /components/schemas/B"
        );
        let err = follow_reference(&doc, "#/components/schemas/Self").unwrap_err();
        assert!(matches!(err, RefError::Cycle { .. }), "{err}");
    }

    #[test]
    fn recursion_through_members_is_not_a_cycle() {
        let doc = doc();
        let tree = follow_reference(&doc, "#/components/schemas/Tree").unwrap();
        assert_eq!(tree.value["type"], "object");
        let items = &tree.value["properties"]["children"]["items"];
        let again = follow(&doc, items).unwrap();
        assert_eq!(again.pointer.as_deref(), Some("/components/schemas/Tree"));
    }

    #[test]
    fn broken_external_and_non_string_references_are_named() {
        let doc = doc();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            follow(&doc, &schemas["Gone"]).unwrap_err().to_string(),
            "broken reference `#/components/schemas/Nope`: nothing at that pointer"
        );
        assert_eq!(
            follow(&doc, &schemas["Far"]).unwrap_err(),
            RefError::External {
                reference: "other.yaml#/A".into()
            }
        );
        assert_eq!(
            follow(&doc, &schemas["Odd"]).unwrap_err(),
            RefError::NotAString
        );
    }
}
