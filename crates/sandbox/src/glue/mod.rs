//! The glue around one API's generated router (served by `shell`'s `app`): the sandbox's own endpoints (`endpoints`), the
//! memory cap (`memory_cap`), the faults, what tests observe (`exchange`), the head limits and
//! the request log, assembled in one order for every API.
//!
//! What they share is one `Glue` per API, built once and handed to axum as router state
//! (`with_state`) and middleware state (`from_fn_with_state`); a layer that needs only the API
//! takes the [`Api`] itself.

mod endpoints;
mod memory_cap;

use std::sync::Arc;

use server_runtime::axum::extract::{Request, State};
use server_runtime::axum::middleware::{from_fn_with_state, Next};
use server_runtime::axum::response::Response;
use server_runtime::axum::routing::{any, get, post};
use server_runtime::axum::Router;
use server_runtime::Limits;

use crate::api::Api;
use crate::control::{FAULTS_PATH, REQUESTS_PATH, RESET_PATH, SANDBOX_PREFIX, STATE_PATH};
use crate::control_body::ControlBodies;
use crate::exchange::{self, Observers};
use crate::faults::{self, Faults};
use crate::state::{ApiState, Sandbox};
use crate::{limits, request_log};

/// What the glue of one API shares, held once: the sandbox, its faults, what its tests observe,
/// and how request bodies are read.
pub(crate) struct Glue<S> {
    api: Api,
    sandbox: Arc<Sandbox<S>>,
    faults: Arc<Faults>,
    observers: Observers,
    /// The API's body limits (the recording copies up to its size limit).
    limits: Limits,
    /// One reader for the state and faults endpoints: their bodies are read one at a time.
    control_bodies: ControlBodies,
}

/// The generated router over `sandbox` with the sandbox's own endpoints and layers, recording
/// into `observers`.
pub(crate) fn router<S: ApiState>(
    sandbox: Arc<Sandbox<S>>,
    credentials: S::Credentials,
    faults: Arc<Faults>,
    limits: Limits,
    observers: Observers,
) -> Router {
    let api = S::API;
    let generated = S::router(Arc::clone(&sandbox), credentials, limits.clone());
    let glue = Arc::new(Glue {
        api,
        sandbox,
        faults,
        observers,
        control_bodies: ControlBodies::new(limits.clone()),
        limits,
    });
    let control = Router::new()
        .route(
            RESET_PATH,
            post(endpoints::reset::<S>).fallback(endpoints::reset_not_allowed),
        )
        .route(
            STATE_PATH,
            get(endpoints::get_state::<S>)
                .put(endpoints::put_state::<S>)
                .fallback(endpoints::state_not_allowed),
        )
        .route(
            FAULTS_PATH,
            get(endpoints::get_faults::<S>)
                .put(endpoints::put_faults::<S>)
                .fallback(endpoints::faults_not_allowed),
        )
        .route(
            REQUESTS_PATH,
            get(endpoints::list_requests::<S>)
                .delete(endpoints::clear_requests::<S>)
                .fallback(endpoints::requests_not_allowed),
        )
        .route(
            &format!("{SANDBOX_PREFIX}/{{*rest}}"),
            any(endpoints::unknown),
        )
        .with_state(Arc::clone(&glue));
    generated
        // Innermost, around the generated router only: where stubs are chosen.
        .layer(from_fn_with_state(api, exchange::scope))
        .merge(control)
        .layer(from_fn_with_state(
            Arc::clone(&glue),
            memory_cap::enforce::<S>,
        ))
        .layer(from_fn_with_state(Arc::clone(&glue.faults), faults::inject))
        .layer(from_fn_with_state(glue, record::<S>))
        .layer(from_fn_with_state(api, limits::enforce))
        .layer(from_fn_with_state(api, request_log::log_request))
}

/// [`exchange::record`] with this API's observers, body limit and memory cap.
async fn record<S: ApiState>(
    State(glue): State<Arc<Glue<S>>>,
    request: Request,
    next: Next,
) -> Response {
    exchange::record(
        glue.api,
        &glue.observers,
        || glue.sandbox.max_stored_bytes(),
        glue.limits.max_body_bytes,
        request,
        next,
    )
    .await
}
