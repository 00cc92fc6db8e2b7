//! `conformance verify`: drives an implementation of an API with requests built from its spec
//! and reports what it gets wrong.
//!
//! Per operation it sends every request example and one request per bound, enum value and
//! `nullable` of the parameters and body ([`plan`]), the negative cases the operation documents
//! ([`negatives`]: no and wrong credentials, invalid input per constraint, an unknown id), and
//! the stateful flows along the spec's `links` ([`flows`]). Every answer is checked by
//! [`crate::traffic::check_exchange`] (the three classes: violation, undocumented, loss) and
//! against what the spec documents for that request ([`request::Expect`]); a flow's read must
//! show what its write sent. [`coverage`] holds operation × documented status, [`unreached`]
//! the committed list of statuses expected to stay unreached.
//!
//! A run is bounded: at most [`Options::max_requests`] requests (2000) and
//! [`Options::max_duration`] (5 min), each request answered within
//! [`Options::request_timeout`] (10 s). Destructive operations (delete, deactivate,
//! disconnect, logout) are sent only with [`Options::allow_destructive`], and last.
//!
//! Targets ([`target`]): a URL, or an axum `Router` in process ([`verify_router`]).

pub mod auth;
pub mod coverage;
pub mod flows;
pub mod negatives;
pub mod plan;
pub mod render;
pub mod request;
pub mod setup;
pub mod target;
pub mod unreached;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::Method;
use serde::Serialize;
use serde_json::Value;

use crate::capture::{Body, Exchange};
use crate::findings::{Class, ClassCounts, Verdict};
use crate::index::Operation;
use crate::traffic::{self};
use crate::validate::Validator;
pub use auth::{Auth, Credentials};
pub use coverage::Coverage;
use plan::OperationPlan;
pub use request::{Expect, Planned, Purpose};
pub use setup::Setup;
pub use target::{RouterTarget, Target, UrlTarget};

/// What a flow step hook is told before the step is sent (Pact's provider states: put the
/// implementation in the state the step needs).
#[derive(Debug, Clone)]
pub struct StepInfo<'a> {
    pub flow: &'a str,
    /// 1 for the flow's first request.
    pub step: usize,
    pub operation: &'a str,
    /// The path and query values the step carries from earlier answers.
    pub values: &'a BTreeMap<String, Value>,
}

/// A function called before each flow step.
pub type StepHook = Arc<dyn Fn(&StepInfo<'_>) + Send + Sync>;

/// How a run goes.
#[derive(Clone)]
pub struct Options {
    pub credentials: Credentials,
    /// Requests sent at most (setup included).
    pub max_requests: usize,
    /// The run stops starting requests after this long.
    pub max_duration: Duration,
    /// A request not answered within this is a finding.
    pub request_timeout: Duration,
    /// Send delete, deactivate, disconnect and logout operations too.
    pub allow_destructive: bool,
    /// Sent first.
    pub setup: Option<Setup>,
    pub step_hook: Option<StepHook>,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("credentials", &self.credentials)
            .field("max_requests", &self.max_requests)
            .field("max_duration", &self.max_duration)
            .field("request_timeout", &self.request_timeout)
            .field("allow_destructive", &self.allow_destructive)
            .field("setup", &self.setup)
            .field("step_hook", &self.step_hook.is_some())
            .finish()
    }
}

/// Default of [`Options::max_requests`].
pub const DEFAULT_MAX_REQUESTS: usize = 2000;
/// Default of [`Options::max_duration`].
pub const DEFAULT_MAX_DURATION: Duration = Duration::from_secs(300);
/// Default of [`Options::request_timeout`].
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

impl Default for Options {
    fn default() -> Options {
        Options {
            credentials: Credentials::new(),
            max_requests: DEFAULT_MAX_REQUESTS,
            max_duration: DEFAULT_MAX_DURATION,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            allow_destructive: false,
            setup: None,
            step_hook: None,
        }
    }
}

/// One thing the implementation got wrong; serialized as the JSON report lists it (the members
/// and their order are part of the output).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub class: Class,
    pub operation: String,
    /// Why the request was sent ([`Purpose`]'s text).
    pub request: String,
    pub method: String,
    /// The path and query sent (below the base path).
    pub path: String,
    pub status: Option<u16>,
    /// What failed: a JSON Schema keyword, `status`, `transport`, `reflects`...
    pub keyword: String,
    /// JSON pointer into the answer's body (`""`: the whole answer).
    pub pointer: String,
    pub spec_pointer: Option<String>,
    /// `file:line` of the spec pointer.
    pub location: Option<String>,
    pub message: String,
}

/// What a run found.
#[derive(Debug, Clone)]
pub struct Report {
    /// The spec's API name (its file stem).
    pub api: String,
    pub requests: usize,
    pub findings: Vec<Finding>,
    pub coverage: Coverage,
    /// `(operation, kind of request not sent and why)`.
    pub left_out: Vec<(String, String)>,
    /// Why the run stopped early (a bound), if it did.
    pub stopped: Option<String>,
    /// Flow steps sent.
    pub flow_steps: usize,
    /// The `links` of the spec's success answers.
    pub links_declared: usize,
    /// The links a flow step was sent along and answered (`operation.link`).
    pub links_followed: std::collections::BTreeSet<String>,
    pub elapsed: Duration,
    /// Entries of the unreached list that no longer hold ([`unreached::apply`]).
    pub stale: Vec<unreached::Stale>,
}

impl Report {
    pub fn counts(&self) -> ClassCounts {
        let mut counts = ClassCounts::default();
        for finding in &self.findings {
            counts.add(finding.class, 1);
        }
        counts
    }

    /// No finding of a failing class and no stale unreached entry.
    pub fn passes(&self, strict: bool) -> bool {
        !self.counts().fails(strict) && self.stale.is_empty()
    }
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("{0}")]
    Credentials(String),
    #[error("setup: {0}")]
    Setup(String),
}

/// Verifies an axum `Router` in process: `base_path` is where it serves the operations (the
/// generated server's `BASE_PATH`).
pub async fn verify_router(
    validator: &Validator<'_>,
    router: server_runtime::axum::Router,
    base_path: &str,
    options: &Options,
) -> Result<Report, VerifyError> {
    run(validator, &RouterTarget::new(router, base_path), options).await
}

/// Runs every request of the plan against `target`.
pub async fn run(
    validator: &Validator<'_>,
    target: &dyn Target,
    options: &Options,
) -> Result<Report, VerifyError> {
    let spec = validator.spec();
    let plans: Vec<OperationPlan<'_>> = validator
        .operations()
        .iter()
        .map(|op| OperationPlan::read(spec, op))
        .collect();
    if let Some(plan) = plans.iter().find(|p| !auth::optional(&p.requirements)) {
        auth::place(spec, &plan.requirements, &options.credentials, Auth::Valid)
            .map_err(VerifyError::Credentials)?;
    }
    let mut runner = Runner {
        validator,
        target,
        options,
        started: Instant::now(),
        report: Report {
            api: spec.api.clone(),
            requests: 0,
            findings: Vec::new(),
            coverage: Coverage::new(validator.operations()),
            left_out: Vec::new(),
            stopped: None,
            flow_steps: 0,
            links_declared: 0,
            links_followed: Default::default(),
            elapsed: Duration::ZERO,
            stale: Vec::new(),
        },
    };
    if let Some(setup) = &options.setup {
        setup::send(&mut runner, setup).await?;
    }
    let (safe, destructive): (Vec<&OperationPlan<'_>>, Vec<&OperationPlan<'_>>) =
        plans.iter().partition(|plan| !plan.destructive);
    for plan in &destructive {
        if !options.allow_destructive {
            runner.report.coverage.skip(
                &plan.op.name,
                "destructive: sent only with --allow-destructive",
            );
        }
    }
    let sendable: Vec<&OperationPlan<'_>> = if options.allow_destructive {
        safe.iter().chain(destructive.iter()).copied().collect()
    } else {
        safe.clone()
    };
    // Reads and writes first, refusals next (they change nothing), flows, destructive last.
    for plan in &safe {
        for planned in plan::accepted(spec, validator, plan) {
            runner.send(plan, &planned).await;
        }
    }
    for plan in &sendable {
        let (requests, left_out) = negatives::refused(spec, validator, plan);
        for reason in left_out {
            runner.report.left_out.push((plan.op.name.clone(), reason));
        }
        for planned in requests {
            runner.send(plan, &planned).await;
        }
    }
    flows::run(&mut runner, &plans).await;
    if options.allow_destructive {
        for plan in &destructive {
            for planned in plan::accepted(spec, validator, plan) {
                runner.send(plan, &planned).await;
            }
        }
    }
    runner.report.elapsed = runner.started.elapsed();
    Ok(runner.report)
}

/// What one request got.
#[derive(Debug, Clone)]
pub struct Sent {
    pub status: u16,
    pub body: Option<Value>,
    /// The request's JSON body.
    pub request_body: Option<Value>,
}

/// The state of one run.
pub struct Runner<'r, 'v> {
    pub(crate) validator: &'r Validator<'v>,
    target: &'r dyn Target,
    pub(crate) options: &'r Options,
    started: Instant,
    pub(crate) report: Report,
}

impl Runner<'_, '_> {
    /// Whether a bound stops the run (and says which, once).
    fn exhausted(&mut self) -> bool {
        if self.report.stopped.is_some() {
            return true;
        }
        if self.report.requests >= self.options.max_requests {
            self.report.stopped = Some(format!(
                "stopped after {} requests (--max-requests)",
                self.report.requests
            ));
        } else if self.started.elapsed() >= self.options.max_duration {
            self.report.stopped = Some(format!(
                "stopped after {:?} (--max-duration)",
                self.options.max_duration
            ));
        }
        self.report.stopped.is_some()
    }

    /// Sends one planned request and checks its answer; `None` when it was not sent or not
    /// answered.
    pub async fn send(&mut self, plan: &OperationPlan<'_>, planned: &Planned) -> Option<Sent> {
        if self.exhausted() {
            return None;
        }
        let spec = self.validator.spec();
        let placed = match auth::place(
            spec,
            &plan.requirements,
            &self.options.credentials,
            planned.auth,
        ) {
            Ok(placed) => placed,
            Err(reason) => {
                self.report.left_out.push((
                    plan.op.name.clone(),
                    format!("{}: {reason}", planned.purpose),
                ));
                return None;
            }
        };
        let mut query = planned.query.clone();
        query.extend(placed.query);
        let path = format!(
            "{}{}",
            request::fill_path(&plan.op.path, &planned.path_values),
            request::query_string(&query)
        );
        let mut headers = placed.headers;
        headers.push(("accept".into(), "application/json".into()));
        let body_bytes = planned.body.as_ref().map(|body| {
            headers.push(("content-type".into(), "application/json".into()));
            body.to_string().into_bytes()
        });
        let method = Method::from_bytes(planned.method.to_ascii_uppercase().as_bytes())
            .unwrap_or(Method::GET);
        let outgoing = target::Outgoing {
            method,
            path_and_query: path.clone(),
            headers,
            body: body_bytes,
        };
        self.report.requests += 1;
        let label = planned.purpose.to_string();
        let answer =
            match tokio::time::timeout(self.options.request_timeout, self.target.send(outgoing))
                .await
            {
                Ok(Ok(answer)) => answer,
                Ok(Err(reason)) => {
                    self.finding(plan.op, planned, &path, None, "transport", reason);
                    return None;
                }
                Err(_) => {
                    let reason = format!(
                        "no answer within {:?} (--request-timeout-ms)",
                        self.options.request_timeout
                    );
                    self.finding(plan.op, planned, &path, None, "transport", reason);
                    return None;
                }
            };
        let content_type = answer.header("content-type").map(str::to_owned);
        let mut exchange = Exchange::new(
            label.clone(),
            planned.method.to_owned(),
            path.clone(),
            Some(answer.status),
        );
        exchange.request_body = planned.body.clone().map_or(Body::Absent, Body::Json);
        exchange.request_content_type = planned.body.as_ref().map(|_| "application/json".into());
        exchange.response_body = Body::from_captured_bytes(&answer.body, content_type.as_deref());
        exchange.response_content_type = content_type;
        exchange.response_headers = answer.headers.clone();
        self.check(plan.op, planned, &path, &exchange);
        let documented = plan.op.response(answer.status);
        if let Some(response) = documented {
            self.report
                .coverage
                .reach(&plan.op.name, &response.key, &label);
        }
        if !planned.expect.met(answer.status, documented.is_some()) {
            let message = format!(
                "{} answered {}; the spec documents {} for this request",
                plan.op.name, answer.status, planned.expect
            );
            self.finding(
                plan.op,
                planned,
                &path,
                Some(answer.status),
                "status",
                message,
            );
        }
        let body = match exchange.response_body {
            Body::Json(value) => Some(value),
            _ => None,
        };
        Some(Sent {
            status: answer.status,
            body,
            request_body: planned.body.clone(),
        })
    }

    /// The answer's findings in the three classes (the request side is ours: not judged).
    fn check(&mut self, op: &Operation, planned: &Planned, path: &str, exchange: &Exchange) {
        let verdict = match traffic::check_exchange(self.validator, exchange) {
            Ok((verdict, _)) => verdict,
            Err(error) => {
                self.finding(
                    op,
                    planned,
                    path,
                    exchange.status,
                    "spec",
                    error.to_string(),
                );
                return;
            }
        };
        let violations = match verdict {
            Verdict::Conforms { .. } => return,
            Verdict::Unmatched { reason } => {
                self.finding(op, planned, path, exchange.status, "operation", reason);
                return;
            }
            Verdict::Findings {
                operation,
                response,
                ..
            } => {
                if operation.name != op.name {
                    let message =
                        format!("the path matched `{}`, not `{}`", operation.name, op.name);
                    self.finding(op, planned, path, exchange.status, "operation", message);
                    return;
                }
                response.violations
            }
        };
        // A status the spec does not document is reported once, by the expectation.
        for violation in violations.into_iter().filter(|v| v.keyword != "status") {
            self.report.findings.push(Finding {
                class: violation.class,
                operation: op.name.clone(),
                request: planned.purpose.to_string(),
                method: planned.method.to_ascii_uppercase(),
                path: path.to_owned(),
                status: exchange.status,
                keyword: violation.keyword,
                pointer: violation.pointer,
                spec_pointer: violation.spec_pointer,
                location: violation.location,
                message: violation.message,
            });
        }
    }

    /// Records a violation about the request as a whole.
    pub(crate) fn finding(
        &mut self,
        op: &Operation,
        planned: &Planned,
        path: &str,
        status: Option<u16>,
        keyword: &str,
        message: String,
    ) {
        let spec_pointer = format!("{}/responses", op.pointer);
        self.report.findings.push(Finding {
            class: Class::Violation,
            operation: op.name.clone(),
            request: planned.purpose.to_string(),
            method: planned.method.to_ascii_uppercase(),
            path: path.to_owned(),
            status,
            keyword: keyword.to_owned(),
            pointer: String::new(),
            location: self.validator.location_of(&spec_pointer),
            spec_pointer: Some(spec_pointer),
            message,
        });
    }

    /// Sends a request outside the plan (setup), counted against the bounds.
    pub(crate) async fn send_raw(
        &mut self,
        outgoing: target::Outgoing,
        at_root: bool,
    ) -> Result<target::Answer, String> {
        if self.exhausted() {
            return Err(self.report.stopped.clone().unwrap_or_default());
        }
        self.report.requests += 1;
        let sending = if at_root {
            self.target.send_at_root(outgoing)
        } else {
            self.target.send(outgoing)
        };
        match tokio::time::timeout(self.options.request_timeout, sending).await {
            Ok(result) => result,
            Err(_) => Err(format!(
                "no answer within {:?}",
                self.options.request_timeout
            )),
        }
    }
}
