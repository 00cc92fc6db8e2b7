//! Bounds on a request's head, answered in the API's error shape.
//!
//! hyper refuses an oversized head itself, with an empty 414 or 431 body; the sandbox serves with
//! hyper's bounds set above these ([`server_runtime::serve::ServeOptions`]), so that what a
//! client can send is refused here, in the body the API documents for errors.

use std::sync::OnceLock;

use server_runtime::axum::extract::{Request, State};
use server_runtime::axum::http::StatusCode;
use server_runtime::axum::middleware::Next;
use server_runtime::axum::response::Response;
use server_runtime::{ApiDescription, Rejection};

use crate::Api;

/// The longest request target (path and query), in bytes: 414 beyond.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// The most headers a request may carry: 431 beyond.
pub const MAX_HEADERS: usize = 100;
/// The most bytes of headers (names, values, and 4 per line for `: ` and CRLF): 431 beyond.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Refuses a request whose head is over the bounds above, in `api`'s error shape.
pub(crate) async fn enforce(State(api): State<Api>, request: Request, next: Next) -> Response {
    match refusal(&request) {
        Some(rejection) => error_response(api, &rejection),
        None => next.run(request).await,
    }
}

fn refusal(request: &Request) -> Option<Rejection> {
    let target = request
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    if target > MAX_URI_BYTES {
        return Some(Rejection::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!(
                "the request target is {target} bytes long; at most {MAX_URI_BYTES} are accepted"
            ),
        ));
    }
    let headers = request.headers();
    if headers.len() > MAX_HEADERS {
        return Some(Rejection::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "request_header_fields_too_large",
            format!(
                "the request has {} headers; at most {MAX_HEADERS} are accepted",
                headers.len()
            ),
        ));
    }
    let bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if bytes > MAX_HEADER_BYTES {
        return Some(Rejection::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "request_header_fields_too_large",
            format!(
                "the request headers are {bytes} bytes; at most {MAX_HEADER_BYTES} are accepted"
            ),
        ));
    }
    None
}

/// `rejection` in `api`'s error shape, with its request id where the API has one.
pub(crate) fn error_response(api: Api, rejection: &Rejection) -> Response {
    let description = description(api);
    let request_id = server_runtime::new_request_id();
    let response = server_runtime::rejection_response(description, rejection, &request_id);
    server_runtime::finish(description, response, &request_id, &[])
}

/// What the generated server of `api` knows of its errors, read from the spec compiled in: its
/// `x-error-template` and request-id header.
pub(crate) fn description(api: Api) -> &'static ApiDescription {
    static DESCRIPTIONS: [OnceLock<ApiDescription>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let (slot, request_id_header) = match api {
        Api::Insightiq => (&DESCRIPTIONS[0], Some("request-id")),
        Api::Publica => (&DESCRIPTIONS[1], None),
        Api::Instabot => (&DESCRIPTIONS[2], None),
    };
    slot.get_or_init(|| {
        let spec = crate::seeds::spec(api.spec());
        let template = spec
            .document
            .pointer("/components/schemas")
            .and_then(serde_json::Value::as_object)
            .and_then(|schemas| {
                schemas
                    .values()
                    .find_map(|schema| schema.get("x-error-template"))
            })
            .map(serde_json::Value::to_string)
            .unwrap_or_else(|| "{\"message\": \"{message}\"}".to_owned());
        ApiDescription {
            // Once per API for the life of the process.
            error_template: Box::leak(template.into_boxed_str()),
            request_id_header,
        }
    })
}
