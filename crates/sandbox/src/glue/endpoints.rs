//! The sandbox's own endpoints (`/_sandbox/*`: reset, state, faults, received requests), each a
//! handler on the API's [`Glue`], answering errors in the sandbox's own shape
//! ([`crate::sandbox_error`]).

use std::sync::Arc;

use serde_json::Value;
use server_runtime::axum::body::Body;
use server_runtime::axum::extract::{Request, State};
use server_runtime::axum::http::{HeaderValue, StatusCode};
use server_runtime::axum::response::{IntoResponse, Response};

use super::Glue;
use crate::control::{
    method_not_allowed, sandbox_error, FAULTS_PATH, REQUESTS_PATH, RESET_PATH, STATE_PATH,
};
use crate::control_body::{control_body_limit, CONTROL_BODY_BYTES_PER_STORED_BYTE};
use crate::faults::FaultConfig;
use crate::requests_endpoint;
use crate::state::ApiState;

/// `POST /_sandbox/reset`: the state back to the seeds, the faults cleared.
pub(super) async fn reset<S: ApiState>(State(glue): State<Arc<Glue<S>>>) -> StatusCode {
    glue.sandbox.reset();
    glue.faults.clear();
    tracing::info!(
        api = glue.api.name(),
        "state reset to the seeds, faults cleared"
    );
    StatusCode::NO_CONTENT
}

/// `GET /_sandbox/state`: the export, or 507 `export_too_large` when `PUT /_sandbox/state`
/// could not take it back.
pub(super) async fn get_state<S: ApiState>(State(glue): State<Arc<Glue<S>>>) -> Response {
    export_response(
        &glue.sandbox.export_state(),
        glue.sandbox.max_stored_bytes(),
    )
}

/// `export` as `GET /_sandbox/state` answers it under a memory cap of `max_stored_bytes`.
fn export_response(export: &Value, max_stored_bytes: usize) -> Response {
    let bytes = serde_json::to_vec(export).unwrap_or_else(|_| b"null".to_vec());
    let limit = control_body_limit(max_stored_bytes);
    if bytes.len() > limit {
        return sandbox_error(
            StatusCode::INSUFFICIENT_STORAGE,
            "export_too_large",
            &format!(
                "`GET {STATE_PATH}`: the export would be {} bytes, over the {limit} bytes \
                 `PUT {STATE_PATH}` takes ({CONTROL_BODY_BYTES_PER_STORED_BYTE} x \
                 --max-stored-bytes), so it could not be imported back; raise \
                 --max-stored-bytes or reset",
                bytes.len()
            ),
        );
    }
    let mut response = Response::new(Body::from(bytes));
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    response
}

/// `PUT /_sandbox/state`: the new state (checked whole; nothing changes when it is refused).
pub(super) async fn put_state<S: ApiState>(
    State(glue): State<Arc<Glue<S>>>,
    request: Request,
) -> Response {
    let body = match glue
        .control_bodies
        .read(STATE_PATH, glue.sandbox.max_stored_bytes(), request)
        .await
    {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let outcome = serde_json::from_slice(&body)
        .map_err(|error| format!("not JSON: {error}"))
        .and_then(|document| {
            glue.sandbox
                .import_state(&document)
                .map_err(|error| error.to_string())
        });
    match outcome {
        Ok(()) => {
            tracing::info!(api = glue.api.name(), "state imported");
            StatusCode::NO_CONTENT.into_response()
        }
        Err(message) => sandbox_error(
            StatusCode::BAD_REQUEST,
            "invalid_state",
            &format!("`PUT {STATE_PATH}`: {message}"),
        ),
    }
}

/// `GET /_sandbox/faults`: the faults in force.
pub(super) async fn get_faults<S: ApiState>(State(glue): State<Arc<Glue<S>>>) -> Response {
    server_runtime::typed_json(StatusCode::OK, &glue.faults.get())
}

/// `PUT /_sandbox/faults`: the new set (checked whole; nothing changes when it is refused).
pub(super) async fn put_faults<S: ApiState>(
    State(glue): State<Arc<Glue<S>>>,
    request: Request,
) -> Response {
    let body = match glue
        .control_bodies
        .read(FAULTS_PATH, glue.sandbox.max_stored_bytes(), request)
        .await
    {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let text = String::from_utf8_lossy(&body);
    match FaultConfig::parse(glue.api, &text) {
        Ok(config) => {
            tracing::info!(
                api = glue.api.name(),
                rules = config.rules.len(),
                "faults set"
            );
            glue.faults.set(config);
            server_runtime::typed_json(StatusCode::OK, &glue.faults.get())
        }
        Err(error) => sandbox_error(
            StatusCode::BAD_REQUEST,
            "invalid_faults",
            &format!("`PUT {FAULTS_PATH}`: {error}"),
        ),
    }
}

/// `GET /_sandbox/requests`: the received requests.
pub(super) async fn list_requests<S: ApiState>(
    State(glue): State<Arc<Glue<S>>>,
    request: Request,
) -> Response {
    requests_endpoint::list(glue.api, &glue.observers.received, &request)
}

/// `DELETE /_sandbox/requests`: forgets them.
pub(super) async fn clear_requests<S: ApiState>(State(glue): State<Arc<Glue<S>>>) -> Response {
    requests_endpoint::clear(&glue.observers.received)
}

pub(super) async fn reset_not_allowed(request: Request) -> Response {
    method_not_allowed(&request, RESET_PATH, "reset", "POST")
}

pub(super) async fn state_not_allowed(request: Request) -> Response {
    method_not_allowed(&request, STATE_PATH, "state", "GET, PUT")
}

pub(super) async fn faults_not_allowed(request: Request) -> Response {
    method_not_allowed(&request, FAULTS_PATH, "faults", "GET, PUT")
}

pub(super) async fn requests_not_allowed(request: Request) -> Response {
    method_not_allowed(&request, REQUESTS_PATH, "requests", "GET, DELETE")
}

/// Any other path under `/_sandbox`: 404 naming the endpoints there are.
pub(super) async fn unknown(request: Request) -> Response {
    sandbox_error(
        StatusCode::NOT_FOUND,
        "not_found",
        &format!(
            "no sandbox endpoint at `{}` (there are {RESET_PATH}, {STATE_PATH}, {FAULTS_PATH} and {REQUESTS_PATH})",
            request.uri().path()
        ),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::control_body::MIN_CONTROL_BODY_BYTES;

    /// An export `bytes` long (the two quotes make up the rest).
    fn export_of(bytes: usize) -> Value {
        Value::String("x".repeat(bytes - 2))
    }

    #[tokio::test]
    async fn an_export_that_could_not_be_imported_back_is_refused() {
        // Under a memory cap of 1 byte, the limit is 1 MiB.
        let fits = export_response(&export_of(MIN_CONTROL_BODY_BYTES), 1);
        assert_eq!(fits.status(), StatusCode::OK);
        let refused = export_response(&export_of(MIN_CONTROL_BODY_BYTES + 1), 1);
        assert_eq!(refused.status(), StatusCode::INSUFFICIENT_STORAGE);
        let body = server_runtime::axum::body::to_bytes(refused.into_body(), usize::MAX)
            .await
            .unwrap();
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            body,
            json!({"sandbox_error": {"status": 507, "code": "export_too_large", "message":
                "`GET /_sandbox/state`: the export would be 1048577 bytes, over the 1048576 bytes \
                 `PUT /_sandbox/state` takes (4 x --max-stored-bytes), so it could not be imported \
                 back; raise --max-stored-bytes or reset"}})
        );
    }
}
