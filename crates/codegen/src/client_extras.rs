//! What the client crates offer beyond progenitor: environments, credentials, documented
//! response headers (insightIQ's `request-id`) and pagination streams.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use spec_model::Spec;

use crate::CodegenError;

/// `Environment` (servers without variables) and `*_url` functions (servers with variables).
pub fn environments(spec: &Spec) -> TokenStream {
    let servers = &spec.openapi.servers;
    let mut variants = Vec::new();
    let mut templated = Vec::new();
    for (index, server) in servers.iter().enumerate() {
        let name = server
            .extensions
            .get("x-environment")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| server.description.clone())
            .unwrap_or_else(|| format!("server {}", index + 1));
        match &server.variables {
            Some(vars) if !vars.is_empty() => templated.push((name, server)),
            _ => variants.push((name, server)),
        }
    }
    let mut out = TokenStream::new();
    if !variants.is_empty() {
        let idents: Vec<_> = variants
            .iter()
            .map(|(name, _)| format_ident!("{}", name.to_upper_camel_case()))
            .collect();
        let docs: Vec<String> = variants
            .iter()
            .map(|(name, server)| match &server.description {
                Some(d) if d != name => format!("{d}: `{}`", server.url),
                _ => format!("`{}`", server.url),
            })
            .collect();
        let urls: Vec<&str> = variants.iter().map(|(_, s)| s.url.as_str()).collect();
        let defaults: Vec<TokenStream> = (0..idents.len())
            .map(|i| {
                if i == 0 {
                    quote!(#[default])
                } else {
                    TokenStream::new()
                }
            })
            .collect();
        out.extend(quote! {
            /// The servers the spec lists. `Environment::default()` is the first one.
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
            pub enum Environment {
                #(
                    #[doc = #docs]
                    #defaults
                    #idents,
                )*
            }

            impl Environment {
                /// Every environment, in the spec's order.
                pub const ALL: &'static [Environment] = &[#(Environment::#idents),*];

                /// The base URL to give to [`Client::new`] or [`Client::with_credentials`].
                pub const fn base_url(self) -> &'static str {
                    match self {
                        #(Environment::#idents => #urls,)*
                    }
                }
            }
        });
    }
    let single = templated.len() == 1;
    for (name, server) in templated {
        let function = if single {
            format_ident!("server_url")
        } else {
            format_ident!("{}_url", name.to_snake_case())
        };
        let constant = if single {
            format_ident!("DEFAULT_SERVER_URL")
        } else {
            format_ident!("DEFAULT_{}_URL", name.to_snake_case().to_uppercase())
        };
        let vars = server.variables.as_ref().expect("templated server");
        let mut params = Vec::new();
        let mut replaces = Vec::new();
        let mut docs = Vec::new();
        let mut default_url = server.url.clone();
        for (var, spec_var) in vars {
            let ident = format_ident!("{}", var.to_snake_case());
            let placeholder = format!("{{{var}}}");
            params.push(quote!(#ident: &str));
            replaces.push(quote!(.replace(#placeholder, #ident)));
            docs.push(format!(
                "- `{}`: {} (default `{}`)",
                var.to_snake_case(),
                spec_var.description.clone().unwrap_or_default().trim(),
                spec_var.default
            ));
            default_url = default_url.replace(&placeholder, &spec_var.default);
        }
        let doc = format!(
            "The base URL of the server `{}`{}.",
            server.url,
            server
                .description
                .as_ref()
                .map(|d| format!(" ({})", d.trim()))
                .unwrap_or_default()
        );
        let const_doc = format!("[`{function}`] with every variable at its default.");
        let url = &server.url;
        out.extend(quote! {
            #[doc = #doc]
            ///
            #(#[doc = #docs])*
            pub fn #function(#(#params),*) -> ::std::string::String {
                #url.to_owned() #(#replaces)*
            }

            #[doc = #const_doc]
            pub const #constant: &str = #default_url;
        });
    }
    out
}

/// `Client::with_credentials`, which sends the spec's credentials on every request.
pub fn credentials_constructor() -> TokenStream {
    quote! {
        /// Why [`Client::with_credentials`] could not build a client.
        #[derive(Debug)]
        pub enum ClientSetupError {
            /// A credential cannot be sent in an HTTP header (it contains control characters).
            InvalidHeader {
                /// The header's name.
                header: &'static str,
            },
            /// The HTTP client could not be built (TLS setup, for example).
            Build(reqwest::Error),
        }

        impl ::std::fmt::Display for ClientSetupError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    ClientSetupError::InvalidHeader { header } => {
                        write!(f, "the credentials cannot be sent in the `{header}` header")
                    }
                    ClientSetupError::Build(e) => write!(f, "cannot build the HTTP client: {e}"),
                }
            }
        }

        impl ::std::error::Error for ClientSetupError {}

        impl Client {
            /// A client for `base_url` that sends `credentials` with every request.
            ///
            /// The credential headers are marked sensitive, so they never appear in `Debug`
            /// output or logs. Connect and request timeouts are 15 seconds.
            pub fn with_credentials(
                base_url: &str,
                credentials: &types::auth::Credentials,
            ) -> ::std::result::Result<Self, ClientSetupError> {
                let mut headers = reqwest::header::HeaderMap::new();
                for (name, value) in credentials.to_headers() {
                    let mut value = reqwest::header::HeaderValue::from_str(value.expose())
                        .map_err(|_| ClientSetupError::InvalidHeader { header: name })?;
                    value.set_sensitive(true);
                    headers.insert(reqwest::header::HeaderName::from_static(name), value);
                }
                let timeout = ::std::time::Duration::from_secs(15);
                let client = reqwest::ClientBuilder::new()
                    .connect_timeout(timeout)
                    .timeout(timeout)
                    .default_headers(headers)
                    .build()
                    .map_err(ClientSetupError::Build)?;
                Ok(Self::new_with_client(base_url, client))
            }
        }
    }
}

/// Response headers the spec declares on every response of every operation.
pub fn universal_response_headers(spec: &Spec) -> Vec<(String, String)> {
    let mut common: Option<Vec<(String, String)>> = None;
    for op in spec.operations() {
        let Some(responses) = spec
            .document
            .pointer(&format!("{}/responses", op.pointer()))
            .and_then(Value::as_object)
        else {
            continue;
        };
        for response in responses.values() {
            let response = follow(spec, response);
            let mut here = Vec::new();
            for (name, header) in response
                .get("headers")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let header = follow(spec, header);
                let description = header
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                here.push((name.to_ascii_lowercase(), description));
            }
            common = Some(match common {
                None => here,
                Some(previous) => previous
                    .into_iter()
                    .filter(|(n, _)| here.iter().any(|(m, _)| m == n))
                    .collect(),
            });
        }
    }
    common.unwrap_or_default()
}

/// `ResponseHeaders`: each universal header, read from a success or an error in one call.
pub fn response_headers_trait(headers: &[(String, String)]) -> TokenStream {
    if headers.is_empty() {
        return TokenStream::new();
    }
    let methods: Vec<_> = headers
        .iter()
        .map(|(name, _)| format_ident!("{}", name.to_snake_case()))
        .collect();
    let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
    let docs: Vec<String> = headers
        .iter()
        .map(|(name, description)| format!("The `{name}` response header: {description}"))
        .collect();
    quote! {
        /// The response headers the spec declares on every response, readable from a success
        /// ([`ResponseValue`]) and from an error ([`Error`]) alike.
        ///
        /// An error that carries no response (a connection failure, or a body that did not
        /// deserialize) has no headers: the methods return `None` for it.
        pub trait ResponseHeaders {
            /// A response header by lower-case name, if the response carried it as text.
            fn documented_header(&self, name: &str) -> ::std::option::Option<&str>;

            #(
                #[doc = #docs]
                fn #methods(&self) -> ::std::option::Option<&str> {
                    self.documented_header(#names)
                }
            )*
        }

        impl<T> ResponseHeaders for ResponseValue<T> {
            fn documented_header(&self, name: &str) -> ::std::option::Option<&str> {
                self.headers().get(name).and_then(|v| v.to_str().ok())
            }
        }

        impl<E> ResponseHeaders for Error<E> {
            fn documented_header(&self, name: &str) -> ::std::option::Option<&str> {
                let headers = match self {
                    Error::ErrorResponse(response) => response.headers(),
                    Error::UnexpectedResponse(response) => response.headers(),
                    _ => return None,
                };
                headers.get(name).and_then(|v| v.to_str().ok())
            }
        }
    }
}

fn follow<'a>(spec: &'a Spec, mut value: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| spec.resolve(r))
        {
            Some(next) => value = next,
            None => break,
        }
    }
    value
}

/// A list operation that pages with `limit` and an offset-like parameter.
struct Paged {
    operation: String,
    offset_param: String,
    limit_default: u64,
    items_field: String,
    /// A boolean body field saying whether more pages exist, and whether it is required.
    more_field: Option<(String, bool)>,
    item_type: String,
}

fn paged_operations(spec: &Spec) -> Vec<Paged> {
    let mut out = Vec::new();
    for op in spec.operations() {
        let raw = spec.document.pointer(&op.pointer()).unwrap_or(&Value::Null);
        let params: Vec<&Value> = raw
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|p| follow(spec, p))
            .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
            .collect();
        let param = |name: &str| {
            params
                .iter()
                .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
        };
        let Some(limit) = param("limit") else {
            continue;
        };
        let Some(offset) = ["offset", "skip"].into_iter().find(|n| param(n).is_some()) else {
            continue;
        };
        let limit_default = limit
            .pointer("/schema/default")
            .and_then(Value::as_u64)
            .unwrap_or(10);
        // The success body: an object with one array-of-$ref property.
        let Some(success) = raw
            .get("responses")
            .and_then(Value::as_object)
            .and_then(|r| r.iter().find(|(s, _)| s.starts_with('2')))
            .map(|(_, r)| follow(spec, r))
            .and_then(|r| r.pointer("/content/application~1json/schema"))
            .map(|s| follow(spec, s))
        else {
            continue;
        };
        let properties = collect_properties(spec, success);
        let required = collect_required(spec, success);
        let Some((items_field, item_ref)) = properties.iter().find_map(|(name, schema)| {
            let schema = follow(spec, schema);
            (schema.get("type").and_then(Value::as_str) == Some("array"))
                .then(|| schema.pointer("/items/$ref").and_then(Value::as_str))
                .flatten()
                .map(|r| (name.clone(), r.to_owned()))
        }) else {
            continue;
        };
        let more_field = properties.iter().find_map(|(name, schema)| {
            let is_bool =
                follow(spec, schema).get("type").and_then(Value::as_str) == Some("boolean");
            (is_bool && name.to_ascii_lowercase().contains("more"))
                .then(|| (name.clone(), required.contains(name)))
        });
        out.push(Paged {
            operation: op.name(),
            offset_param: offset.to_owned(),
            limit_default,
            items_field,
            more_field,
            item_type: item_ref
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_upper_camel_case(),
        });
    }
    out
}

/// Properties of an object schema, through `allOf`.
fn collect_properties(spec: &Spec, schema: &Value) -> Vec<(String, Value)> {
    let schema = follow(spec, schema);
    let mut out: Vec<(String, Value)> = schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.extend(collect_properties(spec, part));
    }
    out
}

fn collect_required(spec: &Spec, schema: &Value) -> Vec<String> {
    let schema = follow(spec, schema);
    let mut out: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.extend(collect_required(spec, part));
    }
    out
}

/// `{operation}_stream` methods: every item of a paged list operation, page after page.
pub fn pagination(
    spec: &Spec,
    client_items: &[syn::Item],
) -> Result<(TokenStream, Vec<String>), CodegenError> {
    let mut methods = Vec::new();
    let mut names = Vec::new();
    for paged in paged_operations(spec) {
        let Some(signature) = find_method(client_items, &paged.operation) else {
            return Err(CodegenError::new(
                &spec.path.display().to_string(),
                Some(format!("operation `{}`", paged.operation)),
                "progenitor generated no method for this paged operation",
            ));
        };
        let operation = format_ident!("{}", paged.operation);
        let stream = format_ident!("{}_stream", paged.operation);
        let offset_name = paged.offset_param.to_snake_case();
        let mut params = Vec::new();
        let mut args = Vec::new();
        let mut output = None;
        let mut clones = Vec::new();
        let mut limit_to_u64 = None;
        for input in &signature.inputs {
            let syn::FnArg::Typed(typed) = input else {
                continue;
            };
            let syn::Pat::Ident(ident) = &*typed.pat else {
                continue;
            };
            let name = ident.ident.to_string();
            let type_text = {
                let ty = &typed.ty;
                quote!(#ty).to_string().replace(' ', "")
            };
            if name == "limit" {
                limit_to_u64 = Some(if type_text.contains("NonZeroU64") {
                    quote!(.map(|l| l.get()))
                } else if type_text == "Option<u64>" {
                    TokenStream::new()
                } else {
                    quote!(.and_then(|l| ::std::convert::TryInto::<u64>::try_into(l).ok()))
                });
            }
            if name == offset_name {
                args.push(if type_text == "Option<u64>" {
                    quote!(Some(offset))
                } else {
                    quote!(::std::convert::TryInto::try_into(offset).ok())
                });
            } else {
                let ty = &typed.ty;
                let ident = &ident.ident;
                params.push(quote!(#ident: #ty));
                // Owned values of the types crate are not `Copy` (open enums hold a String):
                // each page's request gets its own clone.
                let owned_type = !matches!(**ty, syn::Type::Reference(_))
                    && quote!(#ty).to_string().contains("types ::")
                    && !quote!(#ty).to_string().contains('&');
                if owned_type {
                    clones.push(quote!(let #ident = #ident.clone();));
                }
                args.push(quote!(#ident));
            }
        }
        if let syn::ReturnType::Type(_, ty) = &signature.output {
            output = Some(ty.clone());
        }
        // `Result<ResponseValue<T>, Error<E>>`: we need `Error<E>`.
        let error_type = output
            .as_ref()
            .and_then(|ty| error_type_of(ty))
            .unwrap_or_else(|| quote!(Error<()>));
        let items_field = format_ident!("{}", paged.items_field.to_snake_case());
        let item_type = format_ident!("{}", paged.item_type);
        let limit_default = paged.limit_default;
        let next = match &paged.more_field {
            Some((field, required)) => {
                let field = format_ident!("{}", field.to_snake_case());
                let more = if *required {
                    quote!(page.#field)
                } else {
                    quote!(page.#field.unwrap_or(false))
                };
                quote!(#more && !items.is_empty())
            }
            None => quote!(items.len() as u64 >= page_size && !items.is_empty()),
        };
        let page_size = if paged.more_field.is_some() {
            TokenStream::new()
        } else {
            let to_u64 = limit_to_u64.clone().unwrap_or_default();
            quote! {
                let page_size: u64 = limit #to_u64 .unwrap_or(#limit_default);
            }
        };
        let doc = format!(
            "Every item of [`Client::{op}`], page after page: `{offset}` starts at 0 and advances by the size of each page until {stop}. `limit` is the page size (the spec's default, {limit_default}, when `None`).",
            op = paged.operation,
            offset = paged.offset_param,
            stop = if paged.more_field.is_some() {
                "the server says there are no more records"
            } else {
                "a page comes back shorter than the page size"
            },
        );
        methods.push(quote! {
            #[doc = #doc]
            ///
            /// The stream ends after the first error, which it yields.
            pub fn #stream<'a>(
                &'a self,
                #(#params),*
            ) -> impl ::futures_core::Stream<Item = ::std::result::Result<types::#item_type, #error_type>> + Unpin + 'a {
                #page_size
                let pages = ::futures_util::stream::try_unfold(Some(0u64), move |offset| {
                    #(#clones)*
                    async move {
                    let Some(offset) = offset else { return Ok::<_, #error_type>(None) };
                    let page = self.#operation(#(#args),*).await?.into_inner();
                    let items = page.#items_field;
                    let next = if #next {
                        Some(offset + items.len() as u64)
                    } else {
                        None
                    };
                    Ok(Some((::futures_util::stream::iter(items.into_iter().map(Ok)), next)))
                    }
                });
                Box::pin(::futures_util::TryStreamExt::try_flatten(pages))
            }
        });
        names.push(format!("{}_stream", paged.operation));
    }
    if methods.is_empty() {
        return Ok((TokenStream::new(), names));
    }
    Ok((
        quote! {
            impl Client {
                #(#methods)*
            }
        },
        names,
    ))
}

fn error_type_of(ty: &syn::Type) -> Option<TokenStream> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let error = args.args.iter().nth(1)?;
    Some(quote!(#error))
}

fn find_method<'a>(items: &'a [syn::Item], name: &str) -> Option<&'a syn::Signature> {
    items.iter().find_map(|item| match item {
        syn::Item::Impl(imp) if imp.trait_.is_none() => imp.items.iter().find_map(|i| match i {
            syn::ImplItem::Fn(f) if f.sig.ident == name => Some(&f.sig),
            _ => None,
        }),
        _ => None,
    })
}
