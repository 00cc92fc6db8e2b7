//! What the spec says beyond each operation's messages: security schemes and requirements,
//! servers (global, path and operation), and component names.

use serde_json::{Map, Value};
use spec_model::{escape_pointer, DocumentOperation};

use super::{compact, Differ, Place};
use crate::extensions::{at, Site};
use crate::model::Kind;

impl<'a> Differ<'a> {
    /// The security schemes, by name: added, removed, or changed in what they mean (their
    /// descriptions and generator extensions aside: the extensions are classified on their
    /// own).
    pub(super) fn security_schemes(&mut self) {
        let spec_wide = Place::request(None, String::new());
        let schemes = |doc: &'a Value| {
            doc.pointer("/components/securitySchemes")
                .and_then(Value::as_object)
        };
        let (old, new) = (schemes(self.old), schemes(self.new));
        let names = union_of_keys(old, new);
        for name in names {
            let pointer = format!("/components/securitySchemes/{}", escape_pointer(&name));
            let (o, n) = (
                old.and_then(|m| m.get(&name)).map(scheme_meaning),
                new.and_then(|m| m.get(&name)).map(scheme_meaning),
            );
            let (kind, message) = match (o, n) {
                (Some(o), Some(n)) if o == n => continue,
                (Some(o), Some(n)) => (
                    Kind::SecurityChanged,
                    format!("security scheme {name}: {o} -> {n}"),
                ),
                (None, Some(_)) => (
                    Kind::SecuritySchemeAdded,
                    format!("new security scheme {name}"),
                ),
                (Some(_), None) => (
                    Kind::SecuritySchemeRemoved,
                    format!("security scheme {name} removed"),
                ),
                (None, None) => continue,
            };
            self.push(kind, &spec_wide, pointer, message);
        }
    }

    /// An operation's effective security requirement (its own, or the global one), compared
    /// alternative by alternative; no requirement is the anonymous alternative `{}`.
    pub(super) fn security_requirements(
        &mut self,
        old: &DocumentOperation<'a>,
        new: &DocumentOperation<'a>,
        place: &Place<'_>,
    ) {
        let effective = |doc: &'a Value, op: &DocumentOperation<'a>| {
            let (requirement, pointer) = match op.value.get("security") {
                Some(own) => (Some(own), format!("{}/security", op.pointer())),
                None => (doc.get("security"), "/security".to_owned()),
            };
            let mut alternatives: Vec<Value> = requirement
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .cloned()
                .collect();
            if alternatives.is_empty() {
                alternatives.push(Value::Object(Map::new()));
            }
            (alternatives, pointer)
        };
        let (old_alternatives, _) = effective(self.old, old);
        let (new_alternatives, pointer) = effective(self.new, new);
        for alternative in new_alternatives
            .iter()
            .filter(|a| !old_alternatives.contains(a))
        {
            self.push(
                Kind::SecurityRequirementAdded,
                place,
                pointer.clone(),
                format!("security: new alternative {alternative}"),
            );
        }
        for alternative in old_alternatives
            .iter()
            .filter(|a| !new_alternatives.contains(a))
        {
            self.push(
                Kind::SecurityRequirementRemoved,
                place,
                pointer.clone(),
                format!("security: alternative {alternative} removed"),
            );
        }
    }

    /// A `servers` list (global, a path item's or an operation's; `place.pointer` is the
    /// list's), by URL: added, removed, and each kept server's variables (default and enum);
    /// for the global list, its first server too.
    pub(super) fn servers_at(
        &mut self,
        site: ServerSite,
        old: Option<&'a Value>,
        new: Option<&'a Value>,
        place: &Place<'_>,
    ) {
        let list = |v: Option<&'a Value>| -> Vec<&'a Value> {
            v.and_then(Value::as_array).into_iter().flatten().collect()
        };
        let (old, new) = (list(old), list(new));
        let url = |s: &Value| {
            s.get("url")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let (added, removed) = match site {
            ServerSite::Global => (Kind::ServerAdded, Kind::ServerRemoved),
            ServerSite::PathOrOperation => {
                (Kind::OperationServerAdded, Kind::OperationServerRemoved)
            }
        };
        if let (ServerSite::Global, Some(o), Some(n)) = (site, old.first(), new.first()) {
            if url(o) != url(n) {
                let message = format!("the first (default) server {} -> {}", url(o), url(n));
                let pointer = format!("{}/0", place.pointer);
                self.push(Kind::DefaultServerChanged, place, pointer, message);
            }
        }
        for (index, server) in new.iter().enumerate() {
            let pointer = format!("{}/{index}", place.pointer);
            let Some(old_server) = old.iter().find(|o| url(o) == url(server)) else {
                let message = format!("new server {}", url(server));
                self.push(added, place, pointer, message);
                continue;
            };
            let variables = |s: &'a Value| s.get("variables").and_then(Value::as_object);
            let (old_vars, new_vars) = (variables(old_server), variables(server));
            for name in union_of_keys(old_vars, new_vars) {
                let meaning = |vars: Option<&Map<String, Value>>| {
                    vars.and_then(|m| m.get(&name))
                        .map(|v| (v.get("default").cloned(), v.get("enum").cloned()))
                };
                let (o, n) = (meaning(old_vars), meaning(new_vars));
                if o != n {
                    let show = |m: Option<(Option<Value>, Option<Value>)>| match m {
                        None => "(none)".to_owned(),
                        Some((default, values)) => format!(
                            "default {} enum {}",
                            compact(default.as_ref()),
                            compact(values.as_ref())
                        ),
                    };
                    self.push(
                        Kind::ServerVariableChanged,
                        place,
                        format!("{pointer}/variables/{}", escape_pointer(&name)),
                        format!(
                            "server {} variable {name}: {} -> {}",
                            url(server),
                            show(o),
                            show(n)
                        ),
                    );
                }
            }
        }
        for server in old.iter().filter(|o| !new.iter().any(|n| url(n) == url(o))) {
            let message = format!("server {} removed", url(server));
            self.push(removed, place, place.pointer.clone(), message);
        }
    }

    /// Schemas under `components/schemas` renamed: an old name gone and a new name with the
    /// same content. The wire is the same (`$ref`s are followed); the Rust type's name is not.
    pub(super) fn component_names(&mut self) {
        let spec_wide = Place::request(None, String::new());
        let schemas = |doc: &'a Value| {
            doc.pointer("/components/schemas")
                .and_then(Value::as_object)
        };
        let (Some(old), Some(new)) = (schemas(self.old), schemas(self.new)) else {
            return;
        };
        let gone = old.iter().filter(|(name, _)| !new.contains_key(*name));
        for (old_name, schema) in gone {
            let renamed = new
                .iter()
                .find(|(name, s)| !old.contains_key(*name) && *s == schema);
            if let Some((new_name, _)) = renamed {
                self.push(
                    Kind::ComponentRenamed,
                    &spec_wide,
                    format!("/components/schemas/{}", escape_pointer(new_name)),
                    format!("schema {old_name} renamed to {new_name} (the Rust type is renamed)"),
                );
            }
        }
    }
}

/// Which `servers` list: the generator reads only the global one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ServerSite {
    Global,
    PathOrOperation,
}

/// The keys of either map, each once, the new map's order first.
fn union_of_keys(
    old: Option<&Map<String, Value>>,
    new: Option<&Map<String, Value>>,
) -> Vec<String> {
    let mut keys: Vec<String> = new.into_iter().flat_map(|m| m.keys().cloned()).collect();
    for key in old.into_iter().flat_map(|m| m.keys()) {
        if !keys.contains(key) {
            keys.push(key.clone());
        }
    }
    keys
}

/// A security scheme without what does not change its meaning: its description and the
/// generator extensions (classified by their own rows).
fn scheme_meaning(scheme: &Value) -> Value {
    let mut scheme = scheme.clone();
    if let Some(map) = scheme.as_object_mut() {
        map.remove("description");
        for extension in at(Site::SecurityScheme) {
            map.remove(extension.name);
        }
    }
    scheme
}
