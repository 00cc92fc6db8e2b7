//! Which operation a captured or proxied request is for: the index's operations in a
//! [`spec_model::Routes`] table (template matching and base paths live there, once for the
//! workspace), answered as a [`Match`] on the index's operations.

use spec_model::{RouteMatch, Routes};

use super::Operation;

/// The result of matching a request to an operation.
#[derive(Debug, Clone, Copy)]
pub enum Match<'a> {
    Operation(&'a Operation),
    /// Some template matches the path, but none with this method.
    MethodNotAllowed,
    NoPath,
}

/// Each operation's position in the index, by method and path template.
#[derive(Debug, Clone)]
pub struct OperationRoutes {
    routes: Routes<usize>,
}

impl OperationRoutes {
    /// The routes of `operations`, under the spec's server base paths.
    pub fn new(base_paths: Vec<String>, operations: &[Operation]) -> OperationRoutes {
        let mut routes = Routes::new(base_paths);
        for (index, operation) in operations.iter().enumerate() {
            routes.push(operation.method, &operation.path, index);
        }
        OperationRoutes { routes }
    }

    /// The base paths of the spec's servers, longest first.
    pub fn base_paths(&self) -> &[String] {
        self.routes.base_paths()
    }

    /// Matches a concrete request path (with or without the server's base path, query string
    /// or scheme and host) and method to one of `operations` (those the routes were built from).
    /// Like OpenAPI routing, the path is matched first (concrete segments win over templated
    /// ones: `/users/lastUpdated` before `/users/{objectId}`), then the method.
    pub fn route<'a>(&self, operations: &'a [Operation], method: &str, path: &str) -> Match<'a> {
        match self.routes.route(method, path) {
            RouteMatch::Operation(&index) => Match::Operation(&operations[index]),
            RouteMatch::MethodNotAllowed => Match::MethodNotAllowed,
            RouteMatch::NoPath => Match::NoPath,
        }
    }
}
