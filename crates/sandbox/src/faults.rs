//! Fault injection, opt-in: added latency, injected error responses and dropped connections,
//! per operation, drawn from a seeded generator so that a run is reproducible. With no rules
//! configured (the default) every request passes through untouched.
//!
//! Set at start (`--<api>-faults JSON` / `SANDBOX_<API>_FAULTS`) and at run time through
//! `PUT /_sandbox/faults`; `GET /_sandbox/faults` shows the set; `POST /_sandbox/reset` clears it.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use server_runtime::axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode},
    middleware::Next,
    response::Response,
};
use server_runtime::Rejection;
use spec_model::{RouteMatch, Routes};

use crate::Api;

/// The statuses a rule may inject (all sandbox-only: the specs do not document them).
pub const INJECTABLE_STATUSES: [u16; 3] = [429, 500, 503];
/// The largest `latency_ms` and `jitter_ms` a rule may set: five minutes, longer than any
/// client waits, so that a typo cannot hold requests for ever.
pub const MAX_LATENCY_MS: u64 = 300_000;

/// The faults of one API: a seed and the rules, the first rule naming the request's operation
/// (or naming none) applying.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultConfig {
    /// Seeds the generator the rates draw from (same seed, same requests: same faults).
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub rules: Vec<FaultRule>,
}

/// What happens to the requests of one operation (or of every operation).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// The spec's `operationId`; absent: every operation of the API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Added before the request is handled.
    #[serde(default)]
    pub latency_ms: u64,
    /// Up to this much more, uniformly drawn.
    #[serde(default)]
    pub jitter_ms: u64,
    /// An error answered instead of the operation, at its rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<InjectedError>,
    /// The share of requests (0 to 1) whose connection is closed without an answer.
    #[serde(default)]
    pub drop_rate: f64,
}

/// An injected error response, in the API's own error shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InjectedError {
    /// 429, 500 or 503.
    pub status: u16,
    /// The share of requests (0 to 1) that get it.
    pub rate: f64,
    /// The `Retry-After` header (seconds) of a 429 or 503; 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_s: Option<u64>,
}

/// Why a fault configuration was refused: the JSON pointer of the value and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultError {
    pub pointer: String,
    pub reason: String,
}

impl std::fmt::Display for FaultError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at `{}`: {}", self.pointer, self.reason)
    }
}

impl std::error::Error for FaultError {}

impl FaultConfig {
    /// Parses and checks a configuration for `api` (operations named must exist, rates lie in
    /// 0..=1, statuses are injectable).
    pub fn parse(api: Api, text: &str) -> Result<FaultConfig, FaultError> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|error| FaultError {
            pointer: String::new(),
            reason: format!("not JSON: {error}"),
        })?;
        let config = FaultConfig::deserialize(&value).map_err(|error| FaultError {
            pointer: locate(&value),
            reason: format!("not a fault configuration: {error}"),
        })?;
        config.check(api)?;
        Ok(config)
    }

    pub fn check(&self, api: Api) -> Result<(), FaultError> {
        let known = operation_ids(api);
        for (index, rule) in self.rules.iter().enumerate() {
            let at = |member: &str| format!("/rules/{index}/{member}");
            if let Some(operation) = &rule.operation {
                if !known.contains(&operation.as_str()) {
                    return Err(FaultError {
                        pointer: at("operation"),
                        reason: format!(
                            "{} has no operation `{operation}` (it has {})",
                            api.name(),
                            known.join(", ")
                        ),
                    });
                }
            }
            for (member, value) in [
                ("latency_ms", rule.latency_ms),
                ("jitter_ms", rule.jitter_ms),
            ] {
                if value > MAX_LATENCY_MS {
                    return Err(FaultError {
                        pointer: at(member),
                        reason: format!(
                            "{value} ms is over the most a rule may add, {MAX_LATENCY_MS} ms"
                        ),
                    });
                }
            }
            if !(0.0..=1.0).contains(&rule.drop_rate) {
                return Err(FaultError {
                    pointer: at("drop_rate"),
                    reason: format!("{} is not a rate between 0 and 1", rule.drop_rate),
                });
            }
            if let Some(error) = &rule.error {
                if !INJECTABLE_STATUSES.contains(&error.status) {
                    return Err(FaultError {
                        pointer: at("error/status"),
                        reason: format!("{} is not one of 429, 500, 503", error.status),
                    });
                }
                if !(0.0..=1.0).contains(&error.rate) {
                    return Err(FaultError {
                        pointer: at("error/rate"),
                        reason: format!("{} is not a rate between 0 and 1", error.rate),
                    });
                }
            }
        }
        Ok(())
    }
}

/// The JSON pointer of the first member of `value` that does not deserialize as its
/// [`FaultConfig`] field (serde's own error names no path): an unknown member, or one of the
/// wrong type; the enclosing object when no single member is at fault (a required one missing).
fn locate(value: &serde_json::Value) -> String {
    use serde_json::json;
    let escape = |name: &str| name.replace('~', "~0").replace('/', "~1");
    let Some(config) = value.as_object() else {
        return String::new();
    };
    for (name, member) in config {
        match name.as_str() {
            // A bad seed falls through to the last arm: its own pointer.
            "seed" if u64::deserialize(member).is_ok() => {}
            "rules" => {
                let Some(rules) = member.as_array() else {
                    return "/rules".into();
                };
                for (index, rule) in rules.iter().enumerate() {
                    if FaultRule::deserialize(rule).is_ok() {
                        continue;
                    }
                    let at = format!("/rules/{index}");
                    let Some(rule) = rule.as_object() else {
                        return at;
                    };
                    for (name, field) in rule {
                        // Every member of a rule is optional: alone, only a bad one fails.
                        if FaultRule::deserialize(&json!({ name: field })).is_ok() {
                            continue;
                        }
                        let at = format!("{at}/{}", escape(name));
                        if let (true, Some(error)) = (name == "error", field.as_object()) {
                            for (name, field) in error {
                                // The required members given valid values, this one as sent.
                                let mut trial = json!({"status": 429, "rate": 0.0});
                                trial[name] = field.clone();
                                if InjectedError::deserialize(&trial).is_err() {
                                    return format!("{at}/{}", escape(name));
                                }
                            }
                        }
                        return at;
                    }
                    return at;
                }
            }
            _ => return format!("/{}", escape(name)),
        }
    }
    String::new()
}

/// An API's faults as they run: the configuration and the generator it seeded.
#[derive(Debug)]
pub struct Faults {
    api: Api,
    running: Mutex<(FaultConfig, fastrand::Rng)>,
}

/// What the draw decided for one request.
struct Decision {
    delay: Duration,
    drop: bool,
    error: Option<InjectedError>,
}

impl Faults {
    pub fn new(api: Api, config: FaultConfig) -> Faults {
        let rng = fastrand::Rng::with_seed(config.seed);
        Faults {
            api,
            running: Mutex::new((config, rng)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (FaultConfig, fastrand::Rng)> {
        self.running
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The configuration in force.
    pub fn get(&self) -> FaultConfig {
        self.lock().0.clone()
    }

    /// Replaces the configuration (checked by the caller) and reseeds the generator.
    pub(crate) fn set(&self, config: FaultConfig) {
        let rng = fastrand::Rng::with_seed(config.seed);
        *self.lock() = (config, rng);
    }

    /// Checks a configuration for this API and, when it is accepted, puts it in force.
    pub fn replace(&self, config: FaultConfig) -> Result<(), FaultError> {
        config.check(self.api)?;
        self.set(config);
        Ok(())
    }

    /// No faults.
    pub fn clear(&self) {
        self.set(FaultConfig::default());
    }

    fn decide(&self, operation: &str) -> Option<Decision> {
        let mut guard = self.lock();
        let (config, rng) = &mut *guard;
        let rule = config.rules.iter().find(|rule| {
            rule.operation
                .as_deref()
                .is_none_or(|name| name == operation)
        })?;
        let jitter = if rule.jitter_ms > 0 {
            rng.u64(0..=rule.jitter_ms)
        } else {
            0
        };
        let drop = rule.drop_rate > 0.0 && rng.f64() < rule.drop_rate;
        let error = rule
            .error
            .as_ref()
            .filter(|error| error.rate > 0.0 && rng.f64() < error.rate)
            .cloned();
        Some(Decision {
            delay: Duration::from_millis(rule.latency_ms.saturating_add(jitter)),
            drop,
            error,
        })
    }
}

/// The middleware: applies the faults of the request's operation, if any.
pub(crate) async fn inject(
    State(faults): State<Arc<Faults>>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(operation) = operation_of_request(faults.api, &mut request) else {
        return next.run(request).await;
    };
    let Some(decision) = faults.decide(operation) else {
        return next.run(request).await;
    };
    if !decision.delay.is_zero() {
        tokio::time::sleep(decision.delay).await;
    }
    if decision.drop {
        return dropped_connection();
    }
    match decision.error {
        Some(error) => injected_error(faults.api, operation, &error),
        None => next.run(request).await,
    }
}

/// A response whose body fails at once: hyper closes the connection without an answer.
fn dropped_connection() -> Response {
    Response::new(Body::from_stream(Failing(false)))
}

/// A body stream whose first item is an error.
struct Failing(bool);

impl futures_core::Stream for Failing {
    type Item = Result<Vec<u8>, std::io::Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        if self.0 {
            return std::task::Poll::Ready(None);
        }
        self.0 = true;
        std::task::Poll::Ready(Some(Err(std::io::Error::other(
            "the sandbox's faults drop this connection",
        ))))
    }
}

fn injected_error(api: Api, operation: &str, error: &InjectedError) -> Response {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let code = match error.status {
        429 => "rate_limited",
        500 => "internal_error",
        _ => "service_unavailable",
    };
    let rejection = Rejection::new(
        status,
        code,
        format!("`{operation}`: injected by the sandbox's faults (status {status})"),
    );
    let mut response = crate::limits::error_response(api, &rejection);
    if error.status != 500 {
        let seconds = error.retry_after_s.unwrap_or(1);
        if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert("retry-after", value);
        }
    }
    response
}

/// The operation a request was routed to, kept in its extensions by the first layer that asks.
#[derive(Debug, Clone, Copy)]
struct Routed(Option<&'static str>);

/// The operationId `request` is routed to, if any ([`operation_of`]), routed once per request:
/// the recording, the faults and the memory cap each ask, in whichever order they are layered.
pub(crate) fn operation_of_request(api: Api, request: &mut Request) -> Option<&'static str> {
    if let Some(Routed(operation)) = request.extensions().get::<Routed>() {
        return *operation;
    }
    let operation = operation_of(api, request.method(), request.uri().path());
    request.extensions_mut().insert(Routed(operation));
    operation
}

/// The operationId `method path` is routed to, if any (a path outside the API's base path is
/// routed to none).
fn operation_of(api: Api, method: &Method, path: &str) -> Option<&'static str> {
    match routes(api).route(method.as_str(), path) {
        RouteMatch::Operation(operation) => Some(operation.as_str()),
        RouteMatch::MethodNotAllowed | RouteMatch::NoPath => None,
    }
}

/// The operationIds of `api`'s spec, in `spec_model::document_operations`' order (the generated
/// `UnknownOperation`'s).
pub(crate) fn operation_ids(api: Api) -> Vec<&'static str> {
    routes(api).values().map(String::as_str).collect()
}

/// `api`'s operations by method and full path (its base path included, and required: the
/// sandbox serves nothing outside it), built once.
fn routes(api: Api) -> &'static Routes<String> {
    static ROUTES: [OnceLock<Routes<String>>; Api::ALL.len()] =
        [const { OnceLock::new() }; Api::ALL.len()];
    let index = Api::ALL.iter().position(|a| *a == api).unwrap_or(0);
    ROUTES[index].get_or_init(|| {
        let spec = crate::seeds::spec(api.spec());
        let mut routes = Routes::new(Vec::new());
        for operation in spec_model::document_operations(&spec.document) {
            let full = format!("{}{}", api.base_path(), operation.path);
            routes.push(operation.method, &full, operation.name());
        }
        routes
    })
}
