//! Building the [`ApiModel`] from a loaded spec and the adapter's reading of progenitor: the
//! one module that reads both, so that the model (the emitters' vocabulary, which the adapter
//! also speaks) never depends on the adapter.

use heck::{ToSnakeCase, ToUpperCamelCase};
use quote::format_ident;
use serde_json::Value;
use spec_model::Spec;

use crate::adapter::{self, ClientMethod};
use crate::model::{
    security, servers, status, timestamps, ApiModel, ClientArgument, Dependencies, HasMore, Header,
    Location, Operation, Pagination, ParamKind, Parameter, RequestBody, Response,
};
use crate::naming::ApiNames;
use crate::CodegenError;

/// Builds the model of one API. The spec is expected to have passed `spec_model::check`; what
/// the generators cannot express is reported here, at the spec's file, line and pointer.
pub fn build_model(spec: &Spec) -> Result<ApiModel, CodegenError> {
    let security = security::security(spec)?;
    let timestamps = timestamps::timestamps(spec)?;
    let mut adapted = adapter::adapt(spec, timestamps.as_ref())?;
    let base_path = servers::base_path(spec);
    let universal_headers = universal_headers(spec);
    let request_id_header = universal_headers
        .iter()
        .map(|h| h.name.clone())
        .find(|name| name.contains("request-id") || name.contains("request_id"));
    let error_template = spec
        .document
        .pointer("/components/schemas/Error/x-error-template")
        .map(Value::to_string)
        .ok_or_else(|| {
            CodegenError::at(
                spec,
                "/components/schemas/Error",
                "the server generator needs `x-error-template` on the Error schema (see spec/README.md)",
            )
        })?;

    let mut operations = Vec::new();
    for op in spec.operations() {
        let method = &adapted.methods[&op.name()];
        operations.push(operation(
            spec,
            &op,
            method,
            &base_path,
            timestamps.as_ref(),
        )?);
    }
    if let Some(timestamps) = &timestamps {
        timestamp_arguments(spec, timestamps, &mut operations, &mut adapted.code.client)?;
        adapted.client_crates = adapter::external_crates(&adapted.code.client);
        adapted.types_crates.chrono = true;
        adapted.types_crates.timestamp_form = true;
    }

    let mut server_crates = Default::default();
    for op in &operations {
        let types = op
            .parameters
            .iter()
            .map(|p| &p.owned_type)
            .chain(op.body.iter().map(|b| &b.owned_type))
            .chain(op.responses.iter().filter_map(|r| r.body.as_ref()));
        for ty in types {
            server_crates = adapter::external_crates_of_type(ty).union(server_crates);
        }
    }

    // The client's bound checks (patterns included) are `client_runtime::bounds`.
    let client_crates = crate::model::ExternalCrates::default().union(adapted.client_crates);

    Ok(ApiModel {
        file: spec.path.display().to_string(),
        api: spec.api.clone(),
        names: ApiNames::new(&spec.api),
        title: spec.openapi.info.title.clone(),
        version: spec.openapi.info.version.clone(),
        servers: servers::servers(spec),
        base_path,
        security,
        operations,
        universal_headers,
        request_id_header,
        error_template_has_request_id: error_template.contains("{request_id}"),
        error_template,
        type_names: adapted.type_names,
        open_enums: adapted.open_enums,
        plain_newtypes: adapted.plain_newtypes,
        shapes: adapted.shapes,
        dependencies: Dependencies {
            types: adapted.types_crates,
            client: client_crates,
            server: server_crates,
        },
        code: adapted.code,
        timestamps,
        instants: adapted.instants,
    })
}

/// The client takes each timestamp parameter as a date-time and writes it in the API's form;
/// every `patterned` parameter schema must be used by some query parameter.
fn timestamp_arguments(
    spec: &Spec,
    timestamps: &timestamps::Timestamps,
    operations: &mut [Operation],
    client: &mut [syn::Item],
) -> Result<(), CodegenError> {
    let mut used = Vec::new();
    for op in operations.iter_mut() {
        for param in op.parameters.iter_mut().filter(|p| p.timestamp) {
            let located = |message: String| {
                CodegenError::at(spec, &param.pointer, message)
                    .about(format!("operation `{}`", op.id))
            };
            if param.location != Location::Query {
                return Err(located(format!(
                    "a timestamp `{}` parameter is not supported by the generators (only query parameters)",
                    param.location.as_str()
                )));
            }
            let new_type = adapter::timestamps::retype_client_argument(
                client,
                &op.id,
                &param.ident,
                &param.name,
                !param.required,
            )
            .map_err(located)?;
            param.client_arg = adapter::client_arg(&new_type);
            param.client_type = new_type;
            used.push(format!("{}/schema", param.pointer));
        }
    }
    timestamps::check_parameters_used(spec, timestamps, &used)
}

fn operation<'a>(
    spec: &'a Spec,
    op: &spec_model::OperationRef<'a>,
    method: &ClientMethod,
    base_path: &str,
    timestamps: Option<&timestamps::Timestamps>,
) -> Result<Operation, CodegenError> {
    let pointer = op.pointer();
    let raw = spec.document.pointer(&pointer).unwrap_or(&Value::Null);
    let located = |at: &str, message: String| {
        CodegenError::at(spec, at, message).about(format!("operation `{}`", op.name()))
    };
    let follow = |value: &'a Value, at: &str| -> Result<spec_model::Followed<'a>, CodegenError> {
        spec.follow(value).map_err(|e| located(at, e.to_string()))
    };

    let mut parameters = Vec::new();
    for listed in spec.parameters(&pointer) {
        let param = listed.map_err(|broken| located(&broken.pointer, broken.error.to_string()))?;
        let param_pointer = param.pointer;
        let name = param.name.to_owned();
        let location = match param.location {
            "path" => Location::Path,
            "query" => Location::Query,
            other => {
                return Err(located(
                    &format!("{param_pointer}/in"),
                    format!("parameters in `{other}` are not supported by the generators"),
                ))
            }
        };
        let param = param.value;
        let schema = match param.get("schema") {
            Some(schema) => follow(schema, &format!("{param_pointer}/schema"))?.value,
            None => &Value::Null,
        };
        let kind = match schema.get("type").and_then(Value::as_str) {
            Some("integer") => ParamKind::Integer,
            Some("number") => ParamKind::Number,
            Some("boolean") => ParamKind::Boolean,
            _ => ParamKind::String,
        };
        let json_schema = openapi_jsonschema::convert(
            spec,
            &format!("{param_pointer}/schema"),
            openapi_jsonschema::Direction::Request,
        )
        .map_err(|e| located(&e.pointer, e.message))?;
        let (ident, client_type) = method.argument(&name).cloned().ok_or_else(|| {
            located(
                &param_pointer,
                format!("progenitor generated no client argument for parameter `{name}`"),
            )
        })?;
        parameters.push(Parameter {
            owned_type: adapter::owned(&client_type),
            client_arg: adapter::client_arg(&client_type),
            client_type,
            ident,
            required: param
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            default: schema.get("default").cloned(),
            description: param
                .get("description")
                .and_then(Value::as_str)
                .map(|d| d.trim().to_owned())
                .filter(|d| !d.is_empty()),
            kind,
            constraints: crate::model::Constraints::of(schema),
            example: param
                .get("example")
                .or_else(|| schema.get("example"))
                .cloned(),
            schema: json_schema,
            timestamp: timestamps
                .is_some_and(|t| t.is_parameter_schema(&format!("{param_pointer}/schema"))),
            pointer: param_pointer,
            location,
            name,
        });
    }

    let body = match raw.get("requestBody") {
        None => None,
        Some(request_body) => {
            let here = format!("{pointer}/requestBody");
            let followed = follow(request_body, &here)?;
            let body_pointer = followed.pointer_or(&here);
            let owned_type = method.body().map(adapter::owned).ok_or_else(|| {
                located(
                    &body_pointer,
                    "progenitor generated no client argument for the request body".into(),
                )
            })?;
            let schema = openapi_jsonschema::convert(
                spec,
                &format!("{body_pointer}/content/application~1json/schema"),
                openapi_jsonschema::Direction::Request,
            )
            .map_err(|e| located(&e.pointer, e.message))?;
            let media = followed.value.pointer("/content/application~1json");
            let example = media.and_then(|m| m.get("example").cloned()).or_else(|| {
                let first = media?.get("examples")?.as_object()?.values().next()?;
                let first = spec.follow(first).ok()?.value;
                first.get("value").cloned()
            });
            let bounds = match media.and_then(|m| m.get("schema")) {
                Some(schema) => crate::model::constraints::body_bounds(spec, schema),
                None => Vec::new(),
            };
            Some(RequestBody {
                bounds,
                client_by_reference: matches!(method.body(), Some(syn::Type::Reference(_))),
                example,
                owned_type,
                required: followed
                    .value
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                schema,
                pointer: body_pointer,
            })
        }
    };

    let mut responses = Vec::new();
    for (code, response) in raw
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let here = format!("{pointer}/responses/{}", spec_model::escape_pointer(code));
        let Ok(status) = code.parse::<u16>() else {
            return Err(located(
                &here,
                format!(
                    "response `{code}`: only numeric status codes are supported by the generators"
                ),
            ));
        };
        let Some((constant, variant)) = status::names(status) else {
            return Err(located(
                &here,
                format!("status {status} is not a standard HTTP status the generators can name"),
            ));
        };
        let response = follow(response, &here)?.value;
        let has_body = response
            .get("content")
            .and_then(Value::as_object)
            .is_some_and(|c| !c.is_empty());
        let is_error = status >= 300;
        responses.push(Response {
            status,
            variant: format_ident!("{variant}"),
            status_const: format_ident!("{constant}"),
            description: response
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .trim()
                .to_owned(),
            body: has_body.then(|| {
                if is_error {
                    method.error.clone()
                } else {
                    method.success.clone()
                }
            }),
            is_error,
        });
    }
    responses.sort_by_key(|r| r.status);
    let invalid_input = if responses.iter().any(|r| r.status == 422) {
        422
    } else {
        400
    };
    let (invalid_input_const, _) = status::names(invalid_input).expect("400 and 422 have names");

    let pagination = spec_model::pagination::pagination(spec, op)
        .map_err(|(at, message)| located(&at, message))?
        .map(|paging| Pagination {
            item_type: format_ident!(
                "{}",
                paging
                    .item_schema
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_upper_camel_case()
            ),
            items_field: format_ident!("{}", paging.items.to_snake_case()),
            has_more: paging.has_more.map(|(field, required)| HasMore {
                field: format_ident!("{}", field.to_snake_case()),
                required,
            }),
            offset: paging.offset,
            limit: paging.limit,
            limit_default: paging.limit_default,
        });

    let client_arguments = method
        .args
        .iter()
        .map(|(ident, _)| {
            match parameters.iter().position(|p: &Parameter| p.ident == *ident) {
                Some(index) => Ok(ClientArgument::Parameter(index)),
                None if ident == "body" && body.is_some() => Ok(ClientArgument::Body),
                None => Err(located(&pointer, format!("progenitor's client method has an argument `{ident}` the spec does not declare"))),
            }
        })
        .collect::<Result<_, _>>()?;

    Ok(Operation {
        client_arguments,
        id: op.name(),
        method: op.method,
        path: op.path.to_owned(),
        route: format!("{base_path}{}", op.path),
        summary: op.operation.summary.clone(),
        description: op.operation.description.clone(),
        pointer,
        parameters,
        body,
        responses,
        invalid_input_status: format_ident!("{invalid_input_const}"),
        pagination,
        error_type: method.error.clone(),
        success_type: method.success.clone(),
    })
}

/// Response headers the spec declares on every response of every operation.
fn universal_headers(spec: &Spec) -> Vec<Header> {
    let mut common: Option<Vec<Header>> = None;
    for op in spec.operations() {
        let responses = spec
            .document
            .pointer(&format!("{}/responses", op.pointer()))
            .and_then(Value::as_object);
        for response in responses.into_iter().flat_map(|r| r.values()) {
            let Ok(response) = spec.follow(response) else {
                continue;
            };
            let mut here = Vec::new();
            for (name, header) in response
                .value
                .get("headers")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let description = spec
                    .follow(header)
                    .ok()
                    .and_then(|h| h.value.get("description").and_then(Value::as_str))
                    .unwrap_or_default()
                    .trim()
                    .to_owned();
                here.push(Header {
                    name: name.to_ascii_lowercase(),
                    description,
                });
            }
            common = Some(match common {
                None => here,
                Some(previous) => previous
                    .into_iter()
                    .filter(|h| here.iter().any(|m| m.name == h.name))
                    .collect(),
            });
        }
    }
    common.unwrap_or_default()
}
