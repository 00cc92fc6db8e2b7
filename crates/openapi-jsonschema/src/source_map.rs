//! Where each part of a produced schema came from in the spec.

use std::collections::BTreeMap;

/// Maps JSON pointers of a produced schema to JSON pointers of the spec.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    /// Schema node (or synthesised keyword) pointer in the output -> spec pointer.
    entries: BTreeMap<String, String>,
}

impl SourceMap {
    pub(crate) fn new(entries: BTreeMap<String, String>) -> SourceMap {
        SourceMap { entries }
    }

    /// The spec pointer a location of the produced schema comes from: `location` is a JSON
    /// pointer into the produced document (a validator's keyword location, with or without a
    /// leading `#`), e.g. `/$defs/Profile/properties/id/format` gives
    /// `/components/schemas/Profile/properties/id/format`. Keywords the conversion synthesised
    /// point at what they were made from (`minimum` from `format: int32` points at `format`, the
    /// `null` branch of a nullable wrapper at `nullable`).
    pub fn spec_pointer(&self, location: &str) -> Option<String> {
        let location = location.strip_prefix('#').unwrap_or(location);
        let mut prefix = location;
        loop {
            if let Some(source) = self.entries.get(prefix) {
                let rest = &location[prefix.len()..];
                return Some(format!("{source}{rest}"));
            }
            match prefix.rfind('/') {
                Some(index) => prefix = &prefix[..index],
                None => return None,
            }
        }
    }
}
