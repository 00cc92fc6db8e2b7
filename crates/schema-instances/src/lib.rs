//! JSON instances of a spec's schemas, built from the spec alone (spec-model and
//! openapi-jsonschema, never the generator), so that whatever holds code or specs to a schema
//! can share them:
//!
//! - [`valid`]: an instance that satisfies a schema, in a [`Direction`] (a request leaves out
//!   `readOnly` members, a response `writeOnly` ones);
//! - [`probes`]: per constraint the schema states, a pair of whole instances of its root, one
//!   that satisfies the schema and one that breaks exactly that constraint (or one that a
//!   constraint only allows: `nullable`, an enum's value);
//! - [`boundaries`]: per bound a schema states, a whole instance with the value exactly at it
//!   (what `conformance verify` sends as a request a server must accept);
//! - [`Validator`]: the project's JSON Schema of a root, which judges both.
//!
//! The constraint probe asks the generated code about these pairs; spec-diff's oracle asks two
//! versions of a schema.

mod instance;
mod probe;
mod validator;

pub use instance::{valid, Direction};
pub use probe::{boundaries, probes, Probe, Walk};
pub use validator::Validator;
