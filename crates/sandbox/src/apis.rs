//! The APIs as types, so that a [`crate::TestSandbox`] of one API takes only that API's
//! operations: `TestSandbox::start(Insightiq)` names operations with
//! `insightiq_server::Operation`, and naming a Publica.la operation does not compile.
//! `TestSandbox::start(Api::Insightiq)` (the API as a value) still works and takes operationIds
//! as strings, checked when they are given.

use crate::Api;

/// An API a [`crate::TestSandbox`] serves, and how it names an operation.
pub trait SandboxApi: Copy + Send + Sync + 'static {
    /// How the API's operations are named: the generated server crate's `Operation` enum, or an
    /// operationId string for [`Api`].
    type Operation: Copy + std::fmt::Debug + Send + Sync + 'static;

    /// Which API this is.
    fn api(self) -> Api;

    /// The operationId of `operation`, or the message refusing it (an unknown name, listing the
    /// known ones).
    fn operation_id(self, operation: Self::Operation) -> Result<&'static str, String>;
}

/// The insightIQ API, typed: its operations are [`insightiq_server::Operation`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Insightiq;

/// The Publica.la API, typed: its operations are [`publica_server::Operation`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Publica;

/// The Instabot API, typed: its operations are [`instabot_server::Operation`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Instabot;

impl SandboxApi for Insightiq {
    type Operation = insightiq_server::Operation;
    fn api(self) -> Api {
        Api::Insightiq
    }
    fn operation_id(self, operation: Self::Operation) -> Result<&'static str, String> {
        Ok(operation.id())
    }
}

impl SandboxApi for Publica {
    type Operation = publica_server::Operation;
    fn api(self) -> Api {
        Api::Publica
    }
    fn operation_id(self, operation: Self::Operation) -> Result<&'static str, String> {
        Ok(operation.id())
    }
}

impl SandboxApi for Instabot {
    type Operation = instabot_server::Operation;
    fn api(self) -> Api {
        Api::Instabot
    }
    fn operation_id(self, operation: Self::Operation) -> Result<&'static str, String> {
        Ok(operation.id())
    }
}

/// The API as a value: operations are operationId strings, checked when given.
impl SandboxApi for Api {
    type Operation = &'static str;
    fn api(self) -> Api {
        self
    }
    fn operation_id(self, operation: &'static str) -> Result<&'static str, String> {
        known_operation(self, operation)
    }
}

/// `name` when `api` has an operation of that id; otherwise the message listing those it has
/// (the same words the generated `UnknownOperation` and `PUT /_sandbox/faults` use).
pub fn known_operation(api: Api, name: &str) -> Result<&'static str, String> {
    let known = crate::faults::operation_ids(api);
    known.iter().copied().find(|id| *id == name).ok_or_else(|| {
        format!(
            "{} has no operation `{name}` (it has {})",
            api.name(),
            known.join(", ")
        )
    })
}
