//! The shell every API's sandbox shares: its state ([`Sandbox`], an API module's [`ApiState`])
//! served behind the generated router with the sandbox's own endpoints and layers (`glue`).

use std::sync::Arc;

use server_runtime::axum::Router;
use server_runtime::Limits;

use crate::exchange::Observers;
use crate::faults::{FaultConfig, Faults};
use crate::glue;
pub use crate::state::{ApiState, Sandbox};

/// The sandbox behind the generated router, with the sandbox's own endpoints (no faults to
/// begin with) and the request log.
pub fn app<S: ApiState>(sandbox: Arc<Sandbox<S>>, credentials: S::Credentials) -> Router {
    app_with(
        sandbox,
        credentials,
        Arc::new(Faults::new(S::API, FaultConfig::default())),
    )
}

/// [`app`] with the given faults.
pub fn app_with<S: ApiState>(
    sandbox: Arc<Sandbox<S>>,
    credentials: S::Credentials,
    faults: Arc<Faults>,
) -> Router {
    app_limited(sandbox, credentials, faults, Limits::default())
}

/// [`app_with`] reading request bodies within `limits` (the control endpoints take their
/// timeouts, with a size limit of their own: [`crate::control_body_limit`]).
pub fn app_limited<S: ApiState>(
    sandbox: Arc<Sandbox<S>>,
    credentials: S::Credentials,
    faults: Arc<Faults>,
    limits: Limits,
) -> Router {
    glue::router(sandbox, credentials, faults, limits, Observers::new(S::API))
}
