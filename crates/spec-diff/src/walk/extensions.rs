//! The generator extensions of [`crate::GENERATOR_EXTENSIONS`], compared where they sit.

use serde_json::Value;
use spec_model::escape_pointer;

use super::{compact, Differ, Place};
use crate::extensions::{at, Site};
use crate::model::Kind;

impl<'a> Differ<'a> {
    /// Compares the extensions read at `site` on one object in both versions (`None`: the
    /// object does not exist in that version). `place.pointer` is the object's pointer.
    pub(super) fn extensions(
        &mut self,
        site: Site,
        old: Option<&Value>,
        new: Option<&Value>,
        place: &Place<'_>,
    ) {
        for extension in at(site) {
            let name = extension.name;
            let pointer = format!("{}/{}", place.pointer, escape_pointer(name));
            let (o, n) = (old.and_then(|v| v.get(name)), new.and_then(|v| v.get(name)));
            let (kind, message) = match (o, n) {
                (None, None) => continue,
                (Some(o), Some(n)) if o == n => continue,
                (None, Some(n)) => (Kind::ExtensionAdded(name), format!("new {name} {n}")),
                (Some(_), None) => (Kind::ExtensionRemoved(name), format!("{name} removed")),
                (Some(_), Some(_)) => (
                    Kind::ExtensionChanged(name),
                    format!("{name} {} -> {}", compact(o), compact(n)),
                ),
            };
            let message = match place.what.as_str() {
                "" => message,
                what => format!("{what}: {message}"),
            };
            self.push(kind, place, pointer, message);
        }
    }

    /// The spec-wide sites: `info`, schemas (by name, either version), security schemes (by
    /// name, both versions: adding or removing a scheme is a security change) and servers (by
    /// URL, both versions).
    pub(super) fn spec_extensions(&mut self) {
        let spec_wide = Place::request(None, String::new());
        let (old, new) = (self.old, self.new);
        let info = spec_wide.at("/info".to_owned(), "info".to_owned());
        self.extensions(Site::Info, old.get("info"), new.get("info"), &info);
        let map = |doc: &'a Value, pointer: &str| doc.pointer(pointer).and_then(Value::as_object);
        let (old_schemas, new_schemas) = (
            map(old, "/components/schemas"),
            map(new, "/components/schemas"),
        );
        let new_names = new_schemas.into_iter().flat_map(|m| m.keys());
        let old_only = old_schemas
            .into_iter()
            .flat_map(|m| m.keys())
            .filter(|name| !new_schemas.is_some_and(|m| m.contains_key(*name)));
        for name in new_names.chain(old_only) {
            let place = spec_wide.at(
                format!("/components/schemas/{}", escape_pointer(name)),
                format!("schema {name}"),
            );
            let (o, n) = (
                old_schemas.and_then(|m| m.get(name)),
                new_schemas.and_then(|m| m.get(name)),
            );
            self.extensions(Site::Schema, o, n, &place);
        }
        let old_schemes = map(old, "/components/securitySchemes");
        for (name, scheme) in map(new, "/components/securitySchemes")
            .into_iter()
            .flatten()
        {
            if let Some(old_scheme) = old_schemes.and_then(|m| m.get(name)) {
                let place = spec_wide.at(
                    format!("/components/securitySchemes/{}", escape_pointer(name)),
                    format!("security scheme {name}"),
                );
                self.extensions(Site::SecurityScheme, Some(old_scheme), Some(scheme), &place);
            }
        }
        let servers = |doc: &'a Value| {
            doc.get("servers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        };
        for (index, server) in servers(new).enumerate() {
            let url = server.get("url");
            if let Some(old_server) = servers(old).find(|s| s.get("url") == url) {
                let place = spec_wide.at(
                    format!("/servers/{index}"),
                    format!("server {}", compact(url)),
                );
                self.extensions(Site::Server, Some(old_server), Some(server), &place);
            }
        }
    }
}
