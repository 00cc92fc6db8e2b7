//! One log line per request, and what it leaves out: the secrets the API's spec declares.

use std::sync::OnceLock;
use std::time::Instant;

use server_runtime::axum::extract::{Request, State};
use server_runtime::axum::http::HeaderValue;
use server_runtime::axum::middleware::Next;
use server_runtime::axum::response::Response;

use crate::api::Api;

/// What the request log leaves out of a target: the secrets `api`'s spec declares, by the one
/// function the conformance proxy's recording uses too ([`spec_model::redact`]).
pub(crate) fn redaction(api: Api) -> &'static spec_model::redact::Redaction {
    static REDACTIONS: [OnceLock<spec_model::redact::Redaction>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let index = Api::ALL.iter().position(|a| *a == api).unwrap_or_default();
    REDACTIONS[index]
        .get_or_init(|| spec_model::redact::Redaction::from_spec(&crate::seeds::spec(api.spec())))
}

/// The middleware: one log line per request, the target with its secret query values redacted.
/// APIs whose spec declares no request-id header get an `x-request-id`, so that a log line can
/// still be matched to a response.
pub(crate) async fn log_request(State(api): State<Api>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let target = request.uri().path_and_query().map_or_else(
        || "/".to_owned(),
        |p| redaction(api).target(p.as_str()).into_owned(),
    );
    let mut response = next.run(request).await;
    let request_id = match response.headers().get("request-id") {
        Some(id) => id.to_str().unwrap_or("-").to_owned(),
        None => {
            let id = server_runtime::new_request_id();
            if let Ok(value) = HeaderValue::from_str(&id) {
                response.headers_mut().insert("x-request-id", value);
            }
            id
        }
    };
    tracing::info!(
        api = api.name(),
        method = %method,
        target = %target,
        status = response.status().as_u16(),
        latency_us = started.elapsed().as_micros() as u64,
        request_id = %request_id,
        "request"
    );
    response
}
