//! The spec's servers: an `Environment` per fixed URL, a URL function per templated one, and the
//! base path the server crate routes under.

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;
use spec_model::Spec;

/// The servers of a spec, as the client crate offers them.
pub struct Servers {
    /// Servers without variables: the variants of `Environment`, the first being the default.
    pub environments: Vec<EnvironmentServer>,
    /// Servers with variables: one URL function each.
    pub templated: Vec<TemplatedServer>,
}

pub struct EnvironmentServer {
    /// The variant name (`x-environment`, else the description, else `Server1`).
    pub variant: syn::Ident,
    pub url: String,
    pub doc: String,
}

pub struct TemplatedServer {
    /// `server_url` when it is the only templated server, else `<name>_url`.
    pub function: syn::Ident,
    /// The URL with every variable at its default, as a constant.
    pub default_constant: syn::Ident,
    pub url: String,
    pub default_url: String,
    pub variables: Vec<ServerVariable>,
    pub doc: String,
}

pub struct ServerVariable {
    pub ident: syn::Ident,
    /// `{name}` as it stands in the URL.
    pub placeholder: String,
    pub doc: String,
}

pub fn servers(spec: &Spec) -> Servers {
    let mut fixed = Vec::new();
    let mut templated = Vec::new();
    for (index, server) in spec.openapi.servers.iter().enumerate() {
        let name = server
            .extensions
            .get("x-environment")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| server.description.clone())
            .unwrap_or_else(|| format!("server {}", index + 1));
        match &server.variables {
            Some(vars) if !vars.is_empty() => templated.push((name, server)),
            _ => fixed.push((name, server)),
        }
    }
    let environments = fixed
        .into_iter()
        .map(|(name, server)| EnvironmentServer {
            variant: quote::format_ident!("{}", name.to_upper_camel_case()),
            url: server.url.clone(),
            doc: match &server.description {
                Some(d) if *d != name => format!("{d}: `{}`", server.url),
                _ => format!("`{}`", server.url),
            },
        })
        .collect();
    let single = templated.len() == 1;
    let templated = templated
        .into_iter()
        .map(|(name, server)| {
            let (function, default_constant) = if single {
                (
                    quote::format_ident!("server_url"),
                    quote::format_ident!("DEFAULT_SERVER_URL"),
                )
            } else {
                let snake = name.to_snake_case();
                (
                    quote::format_ident!("{snake}_url"),
                    quote::format_ident!("DEFAULT_{}_URL", snake.to_uppercase()),
                )
            };
            let mut default_url = server.url.clone();
            let mut variables = Vec::new();
            for (var, spec_var) in server.variables.iter().flatten() {
                let placeholder = format!("{{{var}}}");
                variables.push(ServerVariable {
                    ident: quote::format_ident!("{}", var.to_snake_case()),
                    doc: format!(
                        "- `{}`: {} (default `{}`)",
                        var.to_snake_case(),
                        spec_var.description.clone().unwrap_or_default().trim(),
                        spec_var.default
                    ),
                    placeholder: placeholder.clone(),
                });
                default_url = default_url.replace(&placeholder, &spec_var.default);
            }
            TemplatedServer {
                doc: format!(
                    "The base URL of the server `{}`{}.",
                    server.url,
                    server
                        .description
                        .as_ref()
                        .map(|d| format!(" ({})", d.trim()))
                        .unwrap_or_default()
                ),
                function,
                default_constant,
                url: server.url.clone(),
                default_url,
                variables,
            }
        })
        .collect();
    Servers {
        environments,
        templated,
    }
}

/// The path part of the first server URL, without a trailing slash (`/v1`, or empty).
pub fn base_path(spec: &Spec) -> String {
    let url = spec
        .openapi
        .servers
        .first()
        .map(|s| s.url.as_str())
        .unwrap_or("");
    spec_model::url_path(url).trim_end_matches('/').to_owned()
}
