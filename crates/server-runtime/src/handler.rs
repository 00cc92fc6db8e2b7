//! The request outline every generated handler shares.
//!
//! A generated handler only says which inputs its operation takes and which trait method to
//! call; [`handle`] does the rest, the same way for every operation: a fresh request id,
//! authentication, the body's size and time limits, every rejection answered in the API's error body, a panic in
//! the implementation contained as a 500, and the request-id and implementation headers on the
//! way out.

use std::future::Future;
use std::panic::AssertUnwindSafe;

use axum::body::Body;
use axum::extract::{FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::body::{is_timeout, json_body, read_body, Limits};
use crate::error_body::{rejection_response, ApiDescription, Rejection};
use crate::params::{query_pairs, read_params, ParamSpec};
use crate::schema::{from_json, LazySchema};

/// What one operation's handler tells the outline.
pub struct Endpoint<'a> {
    pub api: &'static ApiDescription,
    /// The status invalid input gets (the operation's documented 400 or 422).
    pub invalid_input: StatusCode,
    pub limits: &'a Limits,
}

/// A request on its way to the implementation: the operation's inputs are taken from it one
/// by one, each validated against the spec.
pub struct Input {
    parts: Parts,
    body: Option<Body>,
    request_id: Uuid,
    invalid_input: StatusCode,
    limits: Limits,
    path: Map<String, Value>,
}

impl Input {
    /// The request headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.parts.headers
    }

    /// This request's id.
    pub fn request_id(&self) -> Uuid {
        self.request_id
    }

    /// Reads and validates the path parameters; take each with [`Input::path_param`].
    pub async fn path_params(&mut self, specs: &[ParamSpec]) -> Result<(), Rejection> {
        let Path(pairs) =
            <Path<Vec<(String, String)>> as FromRequestParts<()>>::from_request_parts(
                &mut self.parts,
                &(),
            )
            .await
            .map_err(|e| Rejection::new(self.invalid_input, "invalid_path", e.to_string()))?;
        self.path = read_params(&pairs, specs, "path", self.invalid_input)?;
        Ok(())
    }

    /// One path parameter read by [`Input::path_params`], as its Rust type.
    pub fn path_param<T: DeserializeOwned>(&mut self, name: &str) -> Result<T, Rejection> {
        let value = self.path.remove(name).unwrap_or(Value::Null);
        from_json(value, self.invalid_input)
    }

    /// The query parameters, validated (defaults filled in), as the operation's query struct.
    pub fn query<T: DeserializeOwned>(&self, specs: &[ParamSpec]) -> Result<T, Rejection> {
        let pairs = query_pairs(self.parts.uri.query(), self.invalid_input)?;
        let query = read_params(&pairs, specs, "query", self.invalid_input)?;
        from_json(Value::Object(query), self.invalid_input)
    }

    /// For an operation without query parameters: any one sent is refused like an unknown one.
    pub fn no_query(&self) -> Result<(), Rejection> {
        let pairs = query_pairs(self.parts.uri.query(), self.invalid_input)?;
        read_params(&pairs, &[], "query", self.invalid_input).map(drop)
    }

    /// The JSON body (content type, syntax, schema checked), as the operation's body type. An
    /// absent optional body reads as `{}`.
    pub async fn json_body<T: DeserializeOwned>(
        &mut self,
        schema: &LazySchema,
        required: bool,
    ) -> Result<T, Rejection> {
        let bytes = self.body_bytes().await?;
        let body = json_body(
            &self.parts.headers,
            &bytes,
            schema,
            required,
            self.invalid_input,
        )?;
        from_json(
            body.unwrap_or_else(|| Value::Object(Map::new())),
            self.invalid_input,
        )
    }

    /// For an operation without a body: the body is still read, so the size limit holds.
    pub async fn no_body(&mut self) -> Result<(), Rejection> {
        self.body_bytes().await.map(drop)
    }

    async fn body_bytes(&mut self) -> Result<axum::body::Bytes, Rejection> {
        let body = self.body.take().unwrap_or_else(Body::empty);
        read_body(body, &self.limits).await
    }
}

/// The implementation's answer, with what its request context adds to the response.
pub struct Reply<R> {
    pub response: R,
    /// The request id the implementation settled on (it may replace the fresh one).
    pub request_id: Uuid,
    /// Extra response headers the implementation asked for.
    pub headers: Vec<(String, String)>,
}

/// Runs one operation: `authenticate` reads the credentials from the headers, `operation`
/// takes its inputs from the [`Input`] and calls the implementation.
pub async fn handle<C, R, A, F, Fut>(
    endpoint: Endpoint<'_>,
    request: Request,
    authenticate: A,
    operation: F,
) -> Response
where
    R: IntoResponse,
    A: FnOnce(&HeaderMap) -> Result<C, Rejection>,
    F: FnOnce(Input, C) -> Fut,
    Fut: Future<Output = Result<Reply<R>, Rejection>>,
{
    let request_id = Uuid::new_v4();
    let (parts, body) = request.into_parts();
    let input = Input {
        parts,
        body: Some(body),
        request_id,
        invalid_input: endpoint.invalid_input,
        limits: endpoint.limits.clone(),
        path: Map::new(),
    };
    let outcome = match authenticate(input.headers()) {
        Ok(credentials) => catch_panic(operation(input, credentials))
            .await
            .and_then(|result| result),
        Err(rejection) => Err(rejection),
    };
    match outcome {
        Ok(reply) => finish(
            endpoint.api,
            reply.response.into_response(),
            &reply.request_id.to_string(),
            &reply.headers,
        ),
        Err(rejection) => {
            let request_id = request_id.to_string();
            let mut response = finish(
                endpoint.api,
                rejection_response(endpoint.api, &rejection, &request_id),
                &request_id,
                &[],
            );
            if is_timeout(&rejection) {
                // The rest of the body was never read: the connection cannot carry another
                // request.
                response
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            response
        }
    }
}

/// Adds the request-id header (when the API has one and the response lacks it) and the headers
/// the implementation asked for.
pub fn finish(
    api: &ApiDescription,
    mut response: Response,
    request_id: &str,
    extra_headers: &[(String, String)],
) -> Response {
    for (name, value) in extra_headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    if let Some(header) = api.request_id_header {
        if !response.headers().contains_key(header) {
            if let Ok(value) = HeaderValue::try_from(request_id) {
                response
                    .headers_mut()
                    .insert(HeaderName::from_static(header), value);
            }
        }
    }
    response
}

/// Runs an implementation's future; a panic becomes `Err` (the caller answers 500) and the
/// server keeps serving.
pub async fn catch_panic<F: Future>(future: F) -> Result<F::Output, Rejection> {
    AssertUnwindSafe(future).catch_unwind().await.map_err(|_| {
        Rejection::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "the server failed while handling the request",
        )
    })
}
