//! The answers of a generated router for what the spec does not route: 405 for a known path
//! with another method, 404 for an unknown path, both in the API's error shape. One helper each,
//! so the generated router names the allowed methods and nothing else.

use std::future::{ready, Ready};

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::Response;

use crate::{not_routed, ApiDescription};

/// The fallback of one route: 405 with `Allow: <allow>` (`"GET, POST"`).
pub fn method_not_allowed(
    api: &'static ApiDescription,
    allow: &'static str,
) -> impl FnOnce(Request) -> Ready<Response> + Clone + Send + Sync + 'static {
    move |request: Request| {
        ready(not_routed(
            api,
            StatusCode::METHOD_NOT_ALLOWED,
            Some(allow),
            request.uri().path(),
        ))
    }
}

/// The router's fallback: 404 for a path the spec does not have.
pub fn not_found(
    api: &'static ApiDescription,
) -> impl FnOnce(Request) -> Ready<Response> + Clone + Send + Sync + 'static {
    move |request: Request| {
        ready(not_routed(
            api,
            StatusCode::NOT_FOUND,
            None,
            request.uri().path(),
        ))
    }
}
