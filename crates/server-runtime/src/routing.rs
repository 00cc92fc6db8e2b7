//! The answers of a generated router for what the spec does not route: 405 for a known path
//! with another method, 404 for an unknown path, both in the API's error shape. One helper each,
//! so the generated router names the allowed methods and nothing else.

use std::future::{ready, Ready};

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

use crate::error_body::{rejection_response, ApiDescription, Rejection};
use crate::handler::finish;
use crate::response::new_request_id;

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

/// A 404 or 405 for paths and methods the spec does not have.
pub fn not_routed(
    api: &ApiDescription,
    status: StatusCode,
    allow: Option<&'static str>,
    path: &str,
) -> Response {
    let request_id = new_request_id();
    let rejection = if status == StatusCode::METHOD_NOT_ALLOWED {
        Rejection::new(
            status,
            "method_not_allowed",
            format!(
                "`{path}` does not support this method (allowed: {})",
                allow.unwrap_or("none")
            ),
        )
    } else {
        Rejection::new(status, "not_found", format!("no operation at `{path}`"))
    };
    let mut response = rejection_response(api, &rejection, &request_id);
    if let Some(allow) = allow {
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(allow));
    }
    finish(api, response, &request_id, &[])
}
