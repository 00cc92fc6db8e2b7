//! `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The wait a response asks for, if it carries a readable `Retry-After`. A date in the past is
/// a wait of zero; an unreadable value is ignored (the policy's own backoff applies).
pub(crate) fn requested_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn seconds_and_dates_are_read_and_garbage_is_ignored() {
        let now = httpdate::parse_http_date("Tue, 01 Dec 2026 12:00:00 GMT").unwrap();
        assert_eq!(
            requested_wait(&headers("7"), now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            requested_wait(&headers("Tue, 01 Dec 2026 12:00:30 GMT"), now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            requested_wait(&headers("Tue, 01 Dec 2026 11:00:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(requested_wait(&headers("soon"), now), None);
        assert_eq!(requested_wait(&HeaderMap::new(), now), None);
    }
}
