//! Where the sandbox's own endpoints live (`/_sandbox/*`, outside every API's paths) and the one
//! error shape they answer in, whatever the API.

use serde_json::json;
use server_runtime::axum::extract::Request;
use server_runtime::axum::http::{HeaderValue, StatusCode};
use server_runtime::axum::response::Response;

/// The path of the reset endpoint.
pub const RESET_PATH: &str = "/_sandbox/reset";
/// The path of the state endpoint (`GET` exports the state, `PUT` replaces it).
pub const STATE_PATH: &str = "/_sandbox/state";
/// The path of the faults endpoint (`GET` shows them, `PUT` replaces them).
pub const FAULTS_PATH: &str = "/_sandbox/faults";
/// The path of the received-requests endpoint (`GET` lists them, `?operation=ID` filters,
/// `DELETE` forgets them).
pub const REQUESTS_PATH: &str = "/_sandbox/requests";
/// Where the sandbox's own endpoints live, outside every API's paths.
pub const SANDBOX_PREFIX: &str = "/_sandbox";

/// An error of the sandbox's own endpoints (`/_sandbox/*`), the same for every API:
/// `{"sandbox_error": {"status": 405, "code": "method_not_allowed", "message": "..."}}`.
pub fn sandbox_error(status: StatusCode, code: &str, message: &str) -> Response {
    server_runtime::json_response(
        status,
        &json!({"sandbox_error": {"status": status.as_u16(), "code": code, "message": message}}),
    )
}

/// A 405 of a sandbox endpoint, with its `Allow` header.
pub(crate) fn method_not_allowed(
    request: &Request,
    path: &str,
    name: &str,
    allow: &'static str,
) -> Response {
    let mut response = sandbox_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        &format!(
            "`{} {path}`: the {name} endpoint takes {allow}",
            request.method()
        ),
    );
    response
        .headers_mut()
        .insert("allow", HeaderValue::from_static(allow));
    response
}
