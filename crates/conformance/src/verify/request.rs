//! One request `verify` plans: which operation, why (its [`Purpose`]), what it sends, which
//! credentials, and which statuses the spec allows for it ([`Expect`]).

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use super::auth::Auth;

/// Why a request is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// An example of the spec (a named request body example, or a parameter's).
    Example(String),
    /// A value exactly at a bound, or a value an enum or `nullable` allows: accepted.
    Boundary {
        pointer: String,
        constraint: String,
    },
    /// Input that breaks one constraint: refused with a documented 400/422.
    Invalid {
        pointer: String,
        constraint: String,
    },
    NoCredentials,
    WrongCredentials,
    /// A path parameter no resource has: 404.
    UnknownId {
        parameter: String,
    },
    /// A step of a flow along the spec's `links`.
    Flow {
        flow: String,
        step: usize,
    },
    /// A request of `--setup`.
    Setup(usize),
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Purpose::Example(name) => write!(f, "example {name}"),
            Purpose::Boundary {
                pointer,
                constraint,
            } => write!(f, "{constraint} at {pointer}"),
            Purpose::Invalid {
                pointer,
                constraint,
            } => write!(f, "breaks {constraint} at {pointer}"),
            Purpose::NoCredentials => f.write_str("no credentials"),
            Purpose::WrongCredentials => f.write_str("wrong credentials"),
            Purpose::UnknownId { parameter } => write!(f, "unknown {parameter}"),
            Purpose::Flow { flow, step } => write!(f, "flow {flow}, step {step}"),
            Purpose::Setup(index) => write!(f, "setup request {index}"),
        }
    }
}

/// Which statuses a request may get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Any status the operation documents, except a refusal of the credentials (401, 403): a
    /// write may be refused for the state it meets (a taken e-mail address).
    Accepted,
    /// As [`Expect::Accepted`], and not a refusal of the input (400, 422) either: a read sent
    /// valid input.
    InputAccepted,
    /// A documented success (2xx): a flow step.
    Success,
    /// One of these (documented) statuses.
    OneOf(Vec<u16>),
}

impl Expect {
    /// Whether `status` meets the expectation (`documented`: the operation documents it).
    pub fn met(&self, status: u16, documented: bool) -> bool {
        match self {
            Expect::Accepted => documented && status != 401 && status != 403,
            Expect::InputAccepted => documented && ![400, 401, 403, 422].contains(&status),
            Expect::Success => documented && (200..300).contains(&status),
            Expect::OneOf(statuses) => statuses.contains(&status),
        }
    }
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expect::Accepted => f.write_str("a documented status other than 401/403"),
            Expect::InputAccepted => {
                f.write_str("a documented status other than 400/401/403/422 (valid input)")
            }
            Expect::Success => f.write_str("a documented 2xx"),
            Expect::OneOf(statuses) => {
                let list: Vec<String> = statuses.iter().map(u16::to_string).collect();
                write!(f, "{}", list.join(" or "))
            }
        }
    }
}

/// A request, ready to send.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The operation's name (its operationId).
    pub operation: String,
    pub method: &'static str,
    /// The path template with its parameters' values.
    pub path_values: BTreeMap<String, String>,
    pub query: Vec<(String, String)>,
    /// A JSON body.
    pub body: Option<Value>,
    pub auth: Auth,
    pub purpose: Purpose,
    pub expect: Expect,
}

/// The path of `template` with `values` put in (each percent-encoded as a path segment).
pub fn fill_path(template: &str, values: &BTreeMap<String, String>) -> String {
    let mut path = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        path.push_str(&rest[..open]);
        let name = &rest[open + 1..open + close];
        match values.get(name) {
            Some(value) => path.push_str(&encode(value)),
            None => path.push_str(&rest[open..=open + close]),
        }
        rest = &rest[open + close + 1..];
    }
    path.push_str(rest);
    path
}

/// `?a=1&b=x%20y`, or nothing for no pairs.
pub fn query_string(pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let joined: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect();
    format!("?{}", joined.join("&"))
}

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const NOT_UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, NOT_UNRESERVED).to_string()
}

/// A parameter's JSON value as it travels (text; a string as it is).
pub fn wire_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_with_valid_input_may_not_be_refused_for_it() {
        assert!(Expect::Accepted.met(422, true));
        assert!(!Expect::InputAccepted.met(422, true));
        assert!(!Expect::InputAccepted.met(400, true));
        assert!(Expect::InputAccepted.met(404, true));
        assert!(!Expect::InputAccepted.met(418, false));
        assert!(!Expect::Accepted.met(401, true));
    }

    #[test]
    fn path_values_are_encoded_as_segments() {
        let values = BTreeMap::from([("id".to_owned(), "a b/c".to_owned())]);
        assert_eq!(fill_path("/users/{id}/x", &values), "/users/a%20b%2Fc/x");
    }

    #[test]
    fn the_query_is_encoded() {
        let pairs = vec![("email".to_owned(), "a+b@example.com".to_owned())];
        assert_eq!(query_string(&pairs), "?email=a%2Bb%40example.com");
    }
}
