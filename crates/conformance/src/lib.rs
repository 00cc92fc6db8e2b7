//! Conformance: holds the vendor documents' samples, the specs and the generated types to each
//! other.
//!
//! - [`index`]: the spec's operations, bodies and routes, read once ([`SpecIndex`]) for every
//!   consumer below;
//! - [`validate`]: a JSON body against the schema of an operation's request or response
//!   ([`Validator`]), with every violation's body pointer, spec location and message;
//! - [`roundtrip`]: the same body through the generated Rust types ([`TypedRoundTrip`]), any loss
//!   shown as a unified diff;
//! - [`findings`]: what a check finds (classes, per body, per exchange, per capture);
//! - [`capture`]: HAR and NDJSON captures, streamed one exchange at a time
//!   ([`capture::CaptureReader`]);
//! - [`traffic`]: each captured exchange matched to its operation and checked;
//! - [`samples`] (and its [`report`]): the documents' samples (`spec/samples/`) and the specs'
//!   own examples against the verdicts of `spec/samples/manifest.yaml`;
//! - [`drift`]: what a capture shows that the spec does not describe, aggregated, with spec
//!   locations and suggested edits;
//! - [`verify`]: drives an implementation (a URL, or an axum `Router` in process) with requests
//!   built from the spec and reports what it gets wrong, with a coverage table;
//! - [`cli`]: the `conformance` command (`validate`, `traffic`, `report`, `drift`, `proxy`,
//!   `verify`).
//!
//! Benchmarks (examples; see their headers): `cargo run --release -p conformance --example
//! bench -- --lines 80000` (validation against a bare parse; `traffic` and `drift` over the same
//! capture, each run's peak memory) and, after `cargo build --release -p conformance -p sandbox
//! --bins`, `cargo run --release -p conformance --example proxy_bench` (the proxy in front of
//! the sandbox against the sandbox directly and Prism: open-loop latency, saturated
//! throughput, the proxy's memory over 60 s).
//!
//! Schemas are converted from OpenAPI 3.0 to JSON Schema 2020-12 by the `openapi-jsonschema`
//! crate and validated by the `jsonschema` crate with formats asserted, `type: integer` read as
//! OpenAPI 3.0 reads it (`jsonschema-oas30`: `1.0` is not an integer, `-0` is). Text output
//! escapes control characters from captures ([`output::escape_controls`]).

pub mod capture;
pub mod cli;
pub mod drift;
pub mod findings;
pub mod generated;
pub mod index;
pub mod output;
pub mod proxy;
pub mod roundtrip;
pub mod samples;
pub mod traffic;
pub mod undocumented;
mod unique_keys;
pub mod validate;
pub mod verify;

pub use findings::{Class, ClassCounts, Outcome, Summary, Verdict, Violation};
pub use generated::GeneratedTypes;
pub use index::{BodyKind, SpecIndex};
pub use openapi_jsonschema::Direction;
pub use output::Format;
pub use roundtrip::{compare, Loss, TypedRoundTrip};
pub use samples::report;
pub use samples::report::{check_all, run_all, run_all_with_types};
pub use validate::{BodyKindArg, Error, Validator};
