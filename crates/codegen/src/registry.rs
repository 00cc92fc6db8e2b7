//! `crates/api-registry`: the set of APIs as a crate, generated from the set of `spec/*.yaml`
//! files, so that nothing downstream lists the APIs by hand. `crates/conformance` round-trips
//! bodies through it; adding `spec/acme.yaml` and running `cargo xtask codegen` adds `acme`.

use std::path::Path;

use quote::quote;

use crate::naming::ApiNames;
use crate::{render, ApiOutput, GeneratedFile};

/// The registry crate's directory, relative to the workspace root.
pub const REGISTRY_DIR: &str = "crates/api-registry";

/// The registry crate's files for these APIs.
pub fn registry(apis: &[ApiOutput]) -> Vec<GeneratedFile> {
    let mut apis: Vec<&ApiOutput> = apis.iter().collect();
    apis.sort_by(|a, b| a.api.cmp(&b.api));
    let names: Vec<&str> = apis.iter().map(|a| a.api.as_str()).collect();
    let arms = apis.iter().map(|a| {
        let name = &a.api;
        let krate = ApiNames::ident(&ApiNames::new(&a.api).types_crate);
        quote!(#name => #krate::round_trip::round_trip(operation, status, body),)
    });
    let deserialize_arms = apis.iter().map(|a| {
        let name = &a.api;
        let krate = ApiNames::ident(&ApiNames::new(&a.api).types_crate);
        quote!(#name => #krate::schema_types::deserialize(type_name, value),)
    });
    let schema_arms = apis.iter().map(|a| {
        let name = &a.api;
        let krate = ApiNames::ident(&ApiNames::new(&a.api).types_crate);
        quote!(#name => #krate::schema_types::json_schema(type_name),)
    });
    let tokens = quote! {
        /// Every API of the workspace, by its spec's file stem, sorted.
        pub const APIS: &[&str] = &[#(#names),*];

        /// Round-trips `body` through the generated type `api`'s spec gives `operation`'s request
        /// (`status: None`) or its response with `status` (see each types crate's `round_trip`).
        /// `None` for an unknown API, operation or status, or a body without a type.
        pub fn round_trip(
            api: &str,
            operation: &str,
            status: ::std::option::Option<u16>,
            body: &::serde_json::Value,
        ) -> ::std::option::Option<::std::result::Result<::serde_json::Value, ::std::string::String>> {
            match api {
                #(#arms)*
                _ => None,
            }
        }

        /// Deserializes `value` as `api`'s schema type named `type_name` (see each types crate's
        /// `schema_types`). `None` for an unknown API or type name.
        pub fn deserialize(
            api: &str,
            type_name: &str,
            value: &::serde_json::Value,
        ) -> ::std::option::Option<::std::result::Result<(), ::std::string::String>> {
            match api {
                #(#deserialize_arms)*
                _ => None,
            }
        }

        /// The JSON Schema schemars derives for `api`'s schema type named `type_name`.
        #[cfg(feature = "schemars")]
        pub fn json_schema(
            api: &str,
            type_name: &str,
        ) -> ::std::option::Option<::schemars::schema::RootSchema> {
            match api {
                #(#schema_arms)*
                _ => None,
            }
        }
    };
    let items = render::items(tokens).expect("the registry's tokens parse");
    let code = render::format_items(items);
    let mut dependencies = String::from("serde_json = \"1\"\n");
    let mut schemars_features = vec!["\"dep:schemars\"".to_owned()];
    for api in &apis {
        let types = ApiNames::new(&api.api).types_crate;
        dependencies.push_str(&format!("{types} = {{ path = \"../{types}\" }}\n"));
        schemars_features.push(format!("\"{types}/schemars\""));
    }
    // The same pin as the types crates' (`emit::manifest`).
    dependencies.push_str("schemars = { version = \"0.8\", optional = true }\n\n[features]\n# `json_schema`: every types crate's schemars derive.\n");
    dependencies.push_str(&format!("schemars = [{}]\n", schemars_features.join(", ")));
    let header = render::header("*", "#");
    let manifest = format!(
        "{header}[package]\nname = \"api-registry\"\nversion = \"0.1.0\"\ndescription = \"The workspace's APIs, one per spec file, and their generated types' round trips\"\nedition.workspace = true\nlicense.workspace = true\npublish.workspace = true\n\n[dependencies]\n{dependencies}"
    );
    let docs = "The workspace's APIs, one per `spec/*.yaml` file: [`APIS`], [`round_trip`] and [`deserialize`]\nover every generated types crate (with the `schemars` feature, `json_schema` too). Generated, so\nthat a new spec needs no hand edit downstream.";
    render::crate_files(Path::new(REGISTRY_DIR), "*", manifest, docs, &code)
}
