//! `GET /_sandbox/requests[?operation=ID]` (the received requests, oldest first, as JSON) and
//! `DELETE /_sandbox/requests` (forget them): [`crate::TestSandbox::received`] for teams that
//! test in other languages.

use serde_json::json;
use server_runtime::axum::{
    extract::Request,
    http::StatusCode,
    response::{IntoResponse, Response},
};

use crate::received::Received;
use crate::{sandbox_error, Api, REQUESTS_PATH};

/// `GET`: `{"requests": [...], "dropped": N}`; an unknown operation is refused (400
/// `unknown_operation`, listing the known ones), as is any other query parameter.
pub(crate) fn list(api: Api, received: &Received, request: &Request) -> Response {
    let mut operation = None;
    for piece in request.uri().query().unwrap_or_default().split('&') {
        if piece.is_empty() {
            continue;
        }
        match piece.split_once('=') {
            Some(("operation", name)) => match crate::apis::known_operation(api, name) {
                Ok(id) => operation = Some(id),
                Err(message) => {
                    return sandbox_error(
                        StatusCode::BAD_REQUEST,
                        "unknown_operation",
                        &format!("`GET {REQUESTS_PATH}`: {message}"),
                    )
                }
            },
            _ => {
                return sandbox_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_query",
                    &format!(
                        "`GET {REQUESTS_PATH}`: unknown query `{piece}` (it takes operation=ID)"
                    ),
                )
            }
        }
    }
    server_runtime::json_response(
        StatusCode::OK,
        &json!({"requests": received.list(operation), "dropped": received.dropped()}),
    )
}

/// `DELETE`: 204, the log empty.
pub(crate) fn clear(received: &Received) -> Response {
    received.clear();
    StatusCode::NO_CONTENT.into_response()
}
