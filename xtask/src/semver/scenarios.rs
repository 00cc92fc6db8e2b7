//! The built-in scenarios of `cargo xtask semver --scenarios`: one fixed spec edit per kind of
//! change, each with the verdicts it must keep.

use anyhow::{anyhow, Result};
use serde_json::{json, Value};
use spec_diff::Bump;

/// One spec edit with the verdicts it must get.
pub(super) struct Scenario {
    pub(super) name: &'static str,
    pub(super) api: &'static str,
    /// The edit, on the spec's JSON document; `Err` names what it did not find.
    pub(super) edit: fn(&mut Value) -> Result<()>,
    pub(super) bump: Bump,
    /// cargo-semver-checks fails a minor release of the generated crates.
    pub(super) semver_checks_major: bool,
}

/// The member at `pointer`, or an error naming it (a spec edited since the scenario was
/// written).
fn at<'a>(doc: &'a mut Value, pointer: &str) -> Result<&'a mut Value> {
    doc.pointer_mut(pointer)
        .ok_or_else(|| anyhow!("the spec has no {pointer}"))
}

/// The array at `pointer`.
fn array_at<'a>(doc: &'a mut Value, pointer: &str) -> Result<&'a mut Vec<Value>> {
    at(doc, pointer)?
        .as_array_mut()
        .ok_or_else(|| anyhow!("{pointer} is not an array"))
}

/// Sets `name` in the object at `pointer`.
fn set(doc: &mut Value, pointer: &str, name: &str, value: Value) -> Result<()> {
    at(doc, pointer)?
        .as_object_mut()
        .ok_or_else(|| anyhow!("{pointer} is not an object"))?
        .insert(name.to_owned(), value);
    Ok(())
}

const PUBLICA_USERS: &str = "/paths/~1integration-api~1v1~1dashboard~1users";
const PUBLICA_USER: &str = "/paths/~1integration-api~1v1~1dashboard~1users~1{user_id}";
const PUBLICA_LOGOUT_PATH: &str = "/integration-api/v1/users/{user_id}/force-logout";
const PUBLICA_LOGOUT: &str = "/paths/~1integration-api~1v1~1users~1{user_id}~1force-logout";

pub(super) fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario {
            name: "response property added (optional)",
            api: "publica",
            edit: |doc| {
                let nickname = json!({"type": "string", "nullable": true});
                set(
                    doc,
                    "/components/schemas/UserCreated/properties",
                    "nickname",
                    nickname,
                )
            },
            bump: Bump::Minor,
            semver_checks_major: false,
        },
        Scenario {
            // `UserCreateRequest` has two required strings, so it is built with the typestate
            // `builder()`: the new member is a `with_locale` setter on the built struct and a
            // default in `build()`, not a builder type parameter, hence minor.
            name: "request property added (optional; struct built with builder())",
            api: "publica",
            edit: |doc| {
                let properties = "/components/schemas/UserCreateRequest/properties";
                set(doc, properties, "locale", json!({"type": "string"}))
            },
            bump: Bump::Minor,
            semver_checks_major: false,
        },
        Scenario {
            // A new required member is a new type parameter of the builder: major.
            name: "request property added (required; a builder type parameter)",
            api: "publica",
            edit: |doc| {
                let properties = "/components/schemas/UserCreateRequest/properties";
                set(doc, properties, "locale", json!({"type": "string"}))?;
                array_at(doc, "/components/schemas/UserCreateRequest/required")?
                    .push(json!("locale"));
                Ok(())
            },
            bump: Bump::Major,
            semver_checks_major: true,
        },
        Scenario {
            name: "response enum value added",
            api: "publica",
            edit: |doc| {
                array_at(doc, "/components/schemas/SuccessCode/enum")?.push(json!("partial"));
                Ok(())
            },
            bump: Bump::Minor,
            semver_checks_major: false,
        },
        Scenario {
            name: "request enum value removed",
            api: "publica",
            edit: |doc| {
                let query = format!("{PUBLICA_USERS}/get/parameters/1/schema/enum");
                array_at(doc, &query)?.pop();
                Ok(())
            },
            bump: Bump::Major,
            semver_checks_major: true,
        },
        Scenario {
            // `maximum` alone leaves the Rust type as it is; spec-diff's Rust column is the
            // cautious one (other bounds can change the type typify picks).
            name: "request bound tightened",
            api: "publica",
            edit: |doc| {
                let properties = "/components/schemas/UserCreateRequest/properties";
                set(
                    doc,
                    &format!("{properties}/sessions_limit"),
                    "maximum",
                    json!(1000),
                )
            },
            bump: Bump::Major,
            semver_checks_major: false,
        },
        Scenario {
            name: "optional query parameter added (client builder setter and server ListUsersQuery field)",
            api: "publica",
            edit: |doc| {
                array_at(doc, &format!("{PUBLICA_USERS}/get/parameters"))?.push(json!({
                    "name": "page", "in": "query", "required": false,
                    "schema": {"type": "integer", "format": "int64"}
                }));
                Ok(())
            },
            bump: Bump::Minor,
            semver_checks_major: false,
        },
        Scenario {
            name: "operation removed",
            api: "publica",
            edit: |doc| {
                at(doc, "/paths")?
                    .as_object_mut()
                    .and_then(|paths| paths.remove(PUBLICA_LOGOUT_PATH))
                    .map(drop)
                    .ok_or_else(|| anyhow!("the spec has no path {PUBLICA_LOGOUT_PATH}"))
            },
            bump: Bump::Major,
            semver_checks_major: true,
        },
        Scenario {
            name: "operation added",
            api: "publica",
            edit: |doc| {
                let mut operation = at(doc, &format!("{PUBLICA_LOGOUT}/post"))?.clone();
                operation["operationId"] = json!("force_logout_user_everywhere");
                let path = "/integration-api/v1/users/{user_id}/force-logout-all";
                set(doc, "/paths", path, json!({"post": operation}))
            },
            bump: Bump::Major,
            semver_checks_major: true,
        },
        Scenario {
            name: "status code added",
            api: "publica",
            edit: |doc| {
                let not_found = at(doc, &format!("{PUBLICA_USER}/delete/responses/404"))?.clone();
                set(
                    doc,
                    &format!("{PUBLICA_USER}/delete/responses"),
                    "409",
                    not_found,
                )
            },
            bump: Bump::Minor,
            semver_checks_major: false,
        },
        Scenario {
            // cargo-semver-checks 0.51 has no lint for a field's type.
            name: "response property type changed",
            api: "publica",
            edit: |doc| {
                let properties = "/components/schemas/UserCreated/properties";
                let picture = json!({"type": "integer", "format": "int64"});
                set(doc, properties, "picture", picture)
            },
            bump: Bump::Major,
            semver_checks_major: false,
        },
        Scenario {
            // A renamed header keeps every signature; spec-diff's Rust column is cautious
            // (adding or removing a scheme changes `auth::Credentials`).
            name: "security scheme changed",
            api: "publica",
            edit: |doc| {
                let scheme = "/components/securitySchemes/userToken";
                set(doc, scheme, "name", json!("X-Api-Token"))
            },
            bump: Bump::Major,
            semver_checks_major: false,
        },
        Scenario {
            // The wire is the same; the Rust type's name is not.
            name: "component renamed",
            api: "publica",
            edit: |doc| rename_component(doc, "UserCreated", "CreatedUser"),
            bump: Bump::Major,
            semver_checks_major: true,
        },
        Scenario {
            name: "composition member added (allOf)",
            api: "insightiq",
            edit: |doc| {
                let status = "/components/schemas/User/properties/status/allOf";
                array_at(doc, status)?.push(json!({"type": "string", "maxLength": 32}));
                Ok(())
            },
            bump: Bump::Major,
            semver_checks_major: false,
        },
        Scenario {
            // `request-id` stops being on every response: `Context` no longer carries it, and the
            // client's `ResponseHeaders` trait goes.
            name: "response header removed",
            api: "insightiq",
            edit: |doc| {
                at(doc, "/paths/~1users/post/responses/201")?
                    .as_object_mut()
                    .and_then(|response| response.remove("headers"))
                    .map(drop)
                    .ok_or_else(|| anyhow!("the 201 response of create_user has no headers"))
            },
            bump: Bump::Major,
            semver_checks_major: true,
        },
    ]
}

/// Renames the component schema `from` to `to`, and every `$ref` to it.
fn rename_component(doc: &mut Value, from: &str, to: &str) -> Result<()> {
    let schemas = at(doc, "/components/schemas")?
        .as_object_mut()
        .ok_or_else(|| anyhow!("/components/schemas is not an object"))?;
    let schema = schemas
        .remove(from)
        .ok_or_else(|| anyhow!("the spec has no component {from}"))?;
    schemas.insert(to.to_owned(), schema);
    let (old, new) = (
        format!("#/components/schemas/{from}"),
        format!("#/components/schemas/{to}"),
    );
    fn visit(value: &mut Value, old: &str, new: &str) {
        match value {
            Value::Object(members) => {
                for (name, member) in members.iter_mut() {
                    if name == "$ref" && member.as_str() == Some(old) {
                        *member = Value::String(new.to_owned());
                    } else {
                        visit(member, old, new);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| visit(item, old, new)),
            _ => {}
        }
    }
    visit(doc, &old, &new);
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn every_scenario_edit_applies_and_changes_the_spec() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        for scenario in scenarios() {
            let old = spec_model::load(root.join(format!("spec/{}.yaml", scenario.api)))
                .unwrap()
                .document;
            let mut new = old.clone();
            (scenario.edit)(&mut new).unwrap();
            let bump = spec_diff::required_bump(&spec_diff::diff(&old, &new).unwrap());
            assert_eq!(bump, scenario.bump, "{}", scenario.name);
        }
    }
}
