//! The workspace's generated types crates behind [`TypedRoundTrip`]: what the CLI, `cargo xtask
//! conformance` and the test suite round-trip bodies through.

use serde_json::Value;

use crate::roundtrip::TypedRoundTrip;
use crate::validate::BodyKind;

/// `insightiq-types`, `publica-types` and `instabot-types`, by the spec's name.
#[derive(Debug, Clone, Copy, Default)]
pub struct GeneratedTypes;

impl TypedRoundTrip for GeneratedTypes {
    fn round_trip(
        &self,
        api: &str,
        operation_id: &str,
        body: &BodyKind,
        value: &Value,
    ) -> Option<Result<Value, String>> {
        let status = body.status();
        match api {
            "insightiq" => insightiq_types::round_trip::round_trip(operation_id, status, value),
            "publica" => publica_types::round_trip::round_trip(operation_id, status, value),
            "instabot" => instabot_types::round_trip::round_trip(operation_id, status, value),
            _ => None,
        }
    }
}
