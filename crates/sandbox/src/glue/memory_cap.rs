//! The memory cap: 507 in the API's error shape for an operation that adds stored bytes once the
//! state (with the received requests) holds the cap, and for a create that found no id left.

use std::sync::Arc;

use server_runtime::axum::extract::{Request, State};
use server_runtime::axum::http::StatusCode;
use server_runtime::axum::middleware::Next;
use server_runtime::axum::response::Response;
use server_runtime::Rejection;

use super::Glue;
use crate::control::REQUESTS_PATH;
use crate::state::ApiState;
use crate::storage::IDS_EXHAUSTED_MARK;
use crate::{faults, limits};

/// The middleware: refuses an operation that adds stored bytes once the state holds its cap
/// (507 in the API's error shape), and answers a create that found no id left with 507
/// `ids_exhausted`; every other request passes.
pub(super) async fn enforce<S: ApiState>(
    State(glue): State<Arc<Glue<S>>>,
    mut request: Request,
    next: Next,
) -> Response {
    let api = glue.api;
    let operation = faults::operation_of_request(api, &mut request);
    let response = refuse_when_full(&glue, operation, request, next).await;
    if !response.headers().contains_key(IDS_EXHAUSTED_MARK) {
        return response;
    }
    let rejection = Rejection::new(
        StatusCode::INSUFFICIENT_STORAGE,
        "ids_exhausted",
        format!(
            "`{}`: the sandbox has handed out every {} id up to {} (the largest there is); \
             reset it or import a state with smaller ids",
            operation.unwrap_or("create"),
            api.name(),
            i64::MAX
        ),
    );
    limits::error_response(api, &rejection)
}

/// The memory cap proper: 507 `storage_cap_reached` for a growing operation once the state
/// holds its cap.
async fn refuse_when_full<S: ApiState>(
    glue: &Glue<S>,
    operation: Option<&'static str>,
    request: Request,
    next: Next,
) -> Response {
    let state = &glue.sandbox;
    if let Some(operation) = operation.filter(|op| state.growing_operations().contains(op)) {
        // The received requests count toward the cap with the state.
        let (held, cap) = (
            state.stored_bytes() + glue.observers.received.bytes(),
            state.max_stored_bytes(),
        );
        if held >= cap {
            let rejection = Rejection::new(
                StatusCode::INSUFFICIENT_STORAGE,
                "storage_cap_reached",
                format!(
                    "`{operation}`: the sandbox holds {held} bytes of {} state and received \
                     requests, and its cap is {cap} (--max-stored-bytes); reset it (or clear \
                     `{REQUESTS_PATH}`) or import a smaller state",
                    glue.api.name()
                ),
            );
            return limits::error_response(glue.api, &rejection);
        }
    }
    next.run(request).await
}
