//! The workspace's generated types crates behind [`TypedRoundTrip`]: what the CLI, `cargo xtask
//! conformance` and the test suite round-trip bodies through.

use serde_json::Value;

use crate::index::BodyKind;
use crate::roundtrip::TypedRoundTrip;

/// Every API's generated types crate (through `api-registry`, generated from the set of spec
/// files), by the spec's name.
#[derive(Debug, Clone, Copy, Default)]
pub struct GeneratedTypes;

impl GeneratedTypes {
    /// The APIs whose generated types this round-trips through.
    pub fn apis(&self) -> &'static [&'static str] {
        api_registry::APIS
    }
}

impl TypedRoundTrip for GeneratedTypes {
    fn round_trip(
        &self,
        api: &str,
        operation_id: &str,
        body: &BodyKind,
        value: &Value,
    ) -> Option<Result<Value, String>> {
        api_registry::round_trip(api, operation_id, body.status(), value)
    }
}
