//! Comparing the credentials a request presents with the configured ones.

/// Constant-time comparison of two secrets.
pub fn secrets_equal(presented: &str, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    // Lengths are not secret enough to hide; contents are compared in constant time.
    presented.len() == expected.len() && bool::from(presented.as_bytes().ct_eq(expected.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_by_content() {
        assert!(secrets_equal("demo-token", "demo-token"));
        assert!(!secrets_equal("demo-token", "demo-tokex"));
        assert!(!secrets_equal("demo", "demo-token"));
    }
}
