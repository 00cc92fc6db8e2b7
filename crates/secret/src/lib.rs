//! What every generated types crate's `auth` module shares, written once: [`Secret`], a value
//! `Debug` never shows, and [`AuthError`], why request headers carry no credentials. The
//! per-API part (`Credentials`, from the spec's security schemes) stays generated.
//!
//! No dependencies, so the types crates' consumers pay nothing to build it.

use std::fmt;

/// A secret value (password, API key, token). `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// Why request headers do not carry credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthError {
    /// A header the security scheme requires is absent.
    Missing {
        /// The header's lower-case name.
        header: &'static str,
    },
    /// A header is present but not in the scheme's form.
    Malformed {
        /// The header's lower-case name.
        header: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::Missing { header } => write!(f, "the `{header}` header is missing"),
            AuthError::Malformed { header, reason } => {
                write!(f, "the `{header}` header is malformed: {reason}")
            }
        }
    }
}

impl std::error::Error for AuthError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_and_expose_gives_the_value() {
        let secret = Secret::from("hunter2");
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        assert_eq!(secret.expose(), "hunter2");
        assert_eq!(Secret::new(String::from("k")), Secret::from("k"));
    }

    #[test]
    fn auth_errors_name_the_header() {
        assert_eq!(
            AuthError::Missing {
                header: "authorization"
            }
            .to_string(),
            "the `authorization` header is missing"
        );
        let malformed = AuthError::Malformed {
            header: "x-api-key",
            reason: "expected `Bearer <key>`",
        };
        assert_eq!(
            malformed.to_string(),
            "the `x-api-key` header is malformed: expected `Bearer <key>`"
        );
    }
}
