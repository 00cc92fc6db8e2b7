//! Path templates and operation matching: which operation of a spec a concrete request
//! (`GET https://api.instabot.io/v1/users/42?x=1`) is for. The conformance tools, the sandbox
//! and the tests all route through [`Routes`], so a request is never given to one operation by
//! one tool and to another by the next.
//!
//! Matching follows OpenAPI's rule: the path first, concrete segments winning over templated
//! ones (`/users/lastUpdated` before `/users/{objectId}`), then the method.

use crate::Spec;

/// A path template as written under `paths` (`/users/{id}`, `/files/{name}.json`), parsed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    template: String,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    /// `{name}`, possibly with literal text around it (`{id}.json`).
    Param {
        prefix: String,
        suffix: String,
    },
}

impl PathTemplate {
    /// Parses `template`; a segment with `{` before `}` is a parameter, any other is literal.
    pub fn parse(template: &str) -> PathTemplate {
        let segments = template
            .split('/')
            .filter(|segment| !segment.is_empty())
            .map(|segment| match (segment.find('{'), segment.rfind('}')) {
                (Some(open), Some(close)) if open < close => Segment::Param {
                    prefix: segment[..open].to_owned(),
                    suffix: segment[close + 1..].to_owned(),
                },
                _ => Segment::Literal(segment.to_owned()),
            })
            .collect();
        PathTemplate {
            template: template.to_owned(),
            segments,
        }
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.template
    }

    /// Whether `path` (no base path, no query) is an instance of the template: a parameter
    /// matches one non-empty segment.
    pub fn matches(&self, path: &str) -> bool {
        self.specificity(path).is_some()
    }

    /// The number of literal segments when `path` is an instance of the template (the higher,
    /// the more specific the match), `None` otherwise.
    pub fn specificity(&self, path: &str) -> Option<usize> {
        let mut actual = path.split('/').filter(|segment| !segment.is_empty());
        let mut literals = 0;
        for part in &self.segments {
            let segment = actual.next()?;
            match part {
                Segment::Literal(literal) => {
                    if literal != segment {
                        return None;
                    }
                    literals += 1;
                }
                Segment::Param { prefix, suffix } => {
                    if segment.len() <= prefix.len() + suffix.len()
                        || !segment.starts_with(prefix.as_str())
                        || !segment.ends_with(suffix.as_str())
                    {
                        return None;
                    }
                }
            }
        }
        match actual.next() {
            Some(_) => None,
            None => Some(literals),
        }
    }
}

/// What a request is routed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteMatch<T> {
    /// The operation's value in the table.
    Operation(T),
    /// Some template matches the path, but none with this method (an HTTP 405).
    MethodNotAllowed,
    /// No template matches the path (an HTTP 404).
    NoPath,
}

/// One operation of a route table.
#[derive(Debug, Clone)]
struct Route<T> {
    /// Upper-case method.
    method: String,
    template: PathTemplate,
    value: T,
}

/// A spec's operations by method and path template, each carrying a value of the caller's
/// (an operationId, an index into its own operation list), with the base paths of its servers.
#[derive(Debug, Clone)]
pub struct Routes<T> {
    base_paths: Vec<String>,
    routes: Vec<Route<T>>,
}

impl<T> Routes<T> {
    /// An empty table for requests under `base_paths` (each is also tried without one).
    pub fn new(mut base_paths: Vec<String>) -> Routes<T> {
        base_paths.sort_by_key(|path| std::cmp::Reverse(path.len()));
        Routes {
            base_paths,
            routes: Vec::new(),
        }
    }

    /// Adds the operation `method` (any case) `template`.
    pub fn push(&mut self, method: &str, template: &str, value: T) {
        self.routes.push(Route {
            method: method.to_ascii_uppercase(),
            template: PathTemplate::parse(template),
            value,
        });
    }

    /// Each operation's value, in the order pushed.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.routes.iter().map(|route| &route.value)
    }

    /// The base paths requests may carry, longest first.
    pub fn base_paths(&self) -> &[String] {
        &self.base_paths
    }

    /// Routes `method` (any case) and `target`: a path or a full URL, with or without a base
    /// path, a query string or a fragment. A path under a base path is matched without it
    /// first, then as it is.
    pub fn route(&self, method: &str, target: &str) -> RouteMatch<&T> {
        let path = url_path(target);
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let under_base = self.base_paths.iter().filter_map(|base| {
            path.strip_prefix(base.as_str())
                .filter(|rest| rest.is_empty() || rest.starts_with('/'))
        });
        for candidate in under_base.chain(std::iter::once(path)) {
            let mut best: Option<(usize, &str)> = None;
            for route in &self.routes {
                if let Some(score) = route.template.specificity(candidate) {
                    if best.is_none_or(|(best_score, _)| score > best_score) {
                        best = Some((score, route.template.as_str()));
                    }
                }
            }
            if let Some((_, template)) = best {
                return self
                    .routes
                    .iter()
                    .find(|route| {
                        route.template.as_str() == template
                            && route.method.eq_ignore_ascii_case(method)
                    })
                    .map_or(RouteMatch::MethodNotAllowed, |route| {
                        RouteMatch::Operation(&route.value)
                    });
            }
        }
        RouteMatch::NoPath
    }
}

impl Spec {
    /// The base paths of the spec's servers (`/v1` for `https://api.instabot.io/v1`), server
    /// variables replaced by their defaults, without a trailing slash, longest first; a server
    /// at the host's root adds none.
    pub fn base_paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = Vec::new();
        for server in &self.openapi.servers {
            let mut url = server.url.clone();
            if let Some(variables) = &server.variables {
                for (name, variable) in variables {
                    url = url.replace(&format!("{{{name}}}"), &variable.default);
                }
            }
            let path = url_path(&url).trim_end_matches('/').to_owned();
            if !path.is_empty() && !paths.contains(&path) {
                paths.push(path);
            }
        }
        paths.sort_by_key(|path| std::cmp::Reverse(path.len()));
        paths
    }
}

/// The part of `url` from its path on (`https://host/a/b?x` -> `/a/b?x`, a host alone -> ``);
/// a path is returned as it is.
pub fn url_path(url: &str) -> &str {
    match url.find("://") {
        Some(index) => {
            let rest = &url[index + 3..];
            match rest.find('/') {
                Some(slash) => &rest[slash..],
                None => "",
            }
        }
        None => url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Routes<&'static str> {
        let mut routes = Routes::new(vec!["/v1".to_owned()]);
        routes.push("get", "/users/{objectId}", "get_user");
        routes.push("GET", "/users/lastUpdated", "last_updated");
        routes.push("delete", "/users/{objectId}", "delete_user");
        routes.push("get", "/files/{name}.json", "get_file");
        routes
    }

    #[test]
    fn a_concrete_segment_wins_over_a_templated_one_whatever_the_order() {
        let routes = table();
        assert_eq!(
            routes.route("GET", "/v1/users/lastUpdated"),
            RouteMatch::Operation(&"last_updated")
        );
        assert_eq!(
            routes.route("get", "/v1/users/42"),
            RouteMatch::Operation(&"get_user")
        );
    }

    #[test]
    fn a_url_a_query_and_a_missing_base_path_are_all_routed() {
        let routes = table();
        for target in [
            "https://api.instabot.io/v1/users/42?fields=a#top",
            "/users/42",
            "/v1/users/42/",
        ] {
            assert_eq!(
                routes.route("DELETE", target),
                RouteMatch::Operation(&"delete_user"),
                "{target}"
            );
        }
    }

    #[test]
    fn a_known_path_with_another_method_is_405_and_an_unknown_path_404() {
        let routes = table();
        assert_eq!(
            routes.route("PUT", "/v1/users/42"),
            RouteMatch::MethodNotAllowed
        );
        assert_eq!(routes.route("GET", "/v1/accounts"), RouteMatch::NoPath);
        assert_eq!(routes.route("GET", "/v1/users/42/x"), RouteMatch::NoPath);
        assert_eq!(routes.route("GET", "/v1/users"), RouteMatch::NoPath);
    }

    #[test]
    fn a_parameter_with_literal_text_around_it_needs_a_non_empty_value() {
        let template = PathTemplate::parse("/files/{name}.json");
        assert!(template.matches("/files/a.json"));
        assert!(!template.matches("/files/.json"));
        assert!(!template.matches("/files/a.yaml"));
        assert!(!PathTemplate::parse("/users/{id}").matches("/users/"));
    }

    #[test]
    fn url_path_drops_the_scheme_and_host_only() {
        assert_eq!(url_path("https://api.instabot.io/v1"), "/v1");
        assert_eq!(url_path("https://example.publica.la"), "");
        assert_eq!(url_path("/v1/users?x"), "/v1/users?x");
    }
}
