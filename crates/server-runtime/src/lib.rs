//! The runtime every generated server crate (`crates/<api>-server`) shares.
//!
//! Generated code describes *what* an API accepts (per-parameter and per-body JSON Schemas
//! converted from the spec, the error-body template, the security scheme); this crate does the
//! *how*: coercing query and path strings into JSON values, validating them and JSON bodies with
//! the `jsonschema` crate, shaping the vendor's error body, bounding request bodies, adding the
//! request id, and turning a panicking implementation into a 500 without taking the server down.
//! It has no HTTP-client dependency. [`serve`] serves a router with the connection-level bounds
//! (header-read timeout, connection cap, bounded shutdown) every server of this project uses.
//!
//! One job a module, in the manner of dropshot's `extractor/`: `error_body` (the vendor's error
//! body and [`Rejection`]), `params` (query and path parameters), `body` (request bodies within
//! bounds, JSON bodies checked), `schema` (the generated schemas), `handler` (the request outline
//! every generated handler shares), `routing` (404 and 405), `response`, `secrets` and
//! [`serve`]. This file only declares them and re-exports what generated code calls, at the
//! crate root where it always has been.

mod body;
mod error_body;
mod handler;
mod params;
mod response;
mod routing;
mod schema;
mod secrets;
pub mod serve;

pub use axum;
pub use body::{
    is_timeout, json_body, read_body, Limits, DEFAULT_BODY_IDLE_TIMEOUT, DEFAULT_BODY_READ_TIMEOUT,
};
pub use error_body::{error_body, rejection_response, ApiDescription, Rejection};
pub use handler::{catch_panic, finish, handle, Endpoint, Input, Reply};
pub use params::{query_pairs, read_params, ParamKind, ParamSpec};
pub use response::{empty_response, json_response, new_request_id, typed_json};
pub use routing::{method_not_allowed, not_found, not_routed};
pub use schema::{from_json, LazySchema};
pub use secrets::secrets_equal;
pub use serde_json;
/// The type of the generated servers' request ids (`Context::request_id`).
pub use uuid::Uuid;
