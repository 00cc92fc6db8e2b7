//! What a request body or a response carries: its media types (each one's schema compared)
//! and, for a response, its headers.

use serde_json::{Map, Value};
use spec_model::escape_pointer;

use super::{Differ, Place};
use crate::error::{DiffError, Side};
use crate::model::Kind;
use crate::rules::{impact, optional_addition};

impl<'a> Differ<'a> {
    /// Compares the `content` of a request body or response (`place.pointer` is the body's or
    /// response's pointer): a media type added or removed (a body removed: every media type
    /// removed), and the schemas of the media types both have.
    pub(super) fn content<'v>(
        &mut self,
        old: &'v Value,
        new: &'v Value,
        place: &Place<'_>,
    ) -> Result<(), DiffError>
    where
        'a: 'v,
    {
        let content = |v: &'v Value| v.get("content").and_then(Value::as_object);
        let (old_types, new_types) = (content(old), content(new));
        let what = &place.what;
        for (media_type, body) in new_types.into_iter().flatten() {
            let pointer = format!("{}/content/{}", place.pointer, escape_pointer(media_type));
            let Some(old_body) = old_types.and_then(|m| m.get(media_type)) else {
                let message = format!("{what}: new media type {media_type}");
                self.push(Kind::MediaTypeAdded, place, pointer, message);
                continue;
            };
            if let (Some(o), Some(n)) = (old_body.get("schema"), body.get("schema")) {
                self.top_schema(o, n, &place.at(format!("{pointer}/schema"), what.clone()))?;
            }
        }
        let gone = old_types
            .into_iter()
            .flat_map(Map::keys)
            .filter(|t| !new_types.is_some_and(|m| m.contains_key(*t)));
        for media_type in gone {
            let pointer = format!("{}/content/{}", place.pointer, escape_pointer(media_type));
            let message = format!("{what}: media type {media_type} removed");
            self.push(Kind::MediaTypeRemoved, place, pointer, message);
        }
        Ok(())
    }

    /// Compares a response's headers, by name (case-insensitive, as HTTP reads them):
    /// added, removed, required flipped, and their schemas.
    pub(super) fn headers<'v>(
        &mut self,
        old: &'v Value,
        new: &'v Value,
        place: &Place<'_>,
    ) -> Result<(), DiffError>
    where
        'a: 'v,
    {
        let headers = |v: &'v Value| v.get("headers").and_then(Value::as_object);
        let (old_headers, new_headers) = (headers(old), headers(new));
        let find = |map: Option<&'v Map<String, Value>>, name: &str| {
            map.into_iter()
                .flatten()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        };
        let required = |h: &Value| h.get("required").and_then(Value::as_bool) == Some(true);
        let what = &place.what;
        for (name, header) in new_headers.into_iter().flatten() {
            let pointer = format!("{}/headers/{}", place.pointer, escape_pointer(name));
            let followed = self.follow(Side::New, header, &pointer)?;
            let (header, pointer) = (followed.value, followed.pointer_or(&pointer));
            let Some(old_header) = find(old_headers, name) else {
                // An optional header is the server's to send or not.
                let (impact, adjective) = if required(header) {
                    (
                        impact(Kind::ResponseHeaderAdded, place.direction),
                        "required",
                    )
                } else {
                    (optional_addition(Kind::ResponseHeaderAdded), "optional")
                };
                let message = format!("{what}: new {adjective} header {name}");
                self.push_impact(Kind::ResponseHeaderAdded, place, pointer, message, impact);
                continue;
            };
            let old_header = self.follow(Side::Old, old_header, &pointer)?.value;
            match (required(old_header), required(header)) {
                (false, true) => self.push(
                    Kind::ResponseHeaderMadeRequired,
                    place,
                    format!("{pointer}/required"),
                    format!("{what}: header {name} is now required"),
                ),
                (true, false) => self.push(
                    Kind::ResponseHeaderMadeOptional,
                    place,
                    format!("{pointer}/required"),
                    format!("{what}: header {name} is now optional"),
                ),
                _ => {}
            }
            if let (Some(o), Some(n)) = (old_header.get("schema"), header.get("schema")) {
                let at = place.at(format!("{pointer}/schema"), format!("{what} header {name}"));
                self.top_schema(o, n, &at)?;
            }
        }
        for (name, _) in old_headers
            .into_iter()
            .flatten()
            .filter(|(name, _)| find(new_headers, name).is_none())
        {
            let pointer = format!("{}/headers/{}", place.pointer, escape_pointer(name));
            let message = format!("{what}: header {name} removed");
            self.push(Kind::ResponseHeaderRemoved, place, pointer, message);
        }
        Ok(())
    }
}
