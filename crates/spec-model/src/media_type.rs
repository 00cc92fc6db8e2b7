//! Media types as a spec's `content` maps and a message's `Content-Type` name them. The
//! generated servers read a request's content type in server-runtime, which keeps its own
//! check so that a server carries no spec reader.

use serde_json::{Map, Value};

/// `application/json; charset=utf-8` -> `application/json`: the type without parameters,
/// lowercase.
pub fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Whether a media type is JSON: `application/json`, `*/json` or `*/*+json`, with any
/// parameters.
pub fn is_json(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence.ends_with("/json") || essence.ends_with("+json")
}

/// The key of a `content` map a JSON body is read under: `application/json`, else the first
/// JSON one or `*/*`.
pub fn json_key(content: &Map<String, Value>) -> Option<&str> {
    if content.contains_key("application/json") {
        return Some("application/json");
    }
    content
        .keys()
        .find(|key| is_json(key) || essence(key) == "*/*")
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_and_case_do_not_change_the_essence() {
        assert_eq!(
            essence(" Application/JSON ; charset=utf-8"),
            "application/json"
        );
        assert!(is_json("application/problem+json"));
        assert!(is_json("text/json; charset=utf-8"));
        assert!(!is_json("application/jsonl"));
        assert!(!is_json("text/plain"));
    }

    #[test]
    fn application_json_is_preferred_then_any_json_then_anything() {
        let content = |keys: &[&str]| -> Map<String, Value> {
            keys.iter()
                .map(|key| ((*key).to_owned(), Value::Null))
                .collect()
        };
        let both = content(&["application/vnd.api+json", "application/json"]);
        assert_eq!(json_key(&both), Some("application/json"));
        let vendor = content(&["text/plain", "application/vnd.api+json"]);
        assert_eq!(json_key(&vendor), Some("application/vnd.api+json"));
        assert_eq!(json_key(&content(&["*/*"])), Some("*/*"));
        assert_eq!(json_key(&content(&["text/plain"])), None);
    }
}
