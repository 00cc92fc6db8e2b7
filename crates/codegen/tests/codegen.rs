//! The code generator: determinism, the stale check, and clear errors for bad specs.

use std::path::{Path, PathBuf};

use codegen::{compare, generate_dir, FileState, GeneratedFile};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn generate(spec_dir: &Path) -> Vec<GeneratedFile> {
    let apis = generate_dir(spec_dir).unwrap_or_else(|e| panic!("{e}"));
    let mut files: Vec<GeneratedFile> = apis.iter().flat_map(|api| api.files.clone()).collect();
    files.extend(codegen::registry(&apis));
    files
}

/// A copy of spec/ in a temporary directory, with `edit` applied to one file.
fn edited_specs(file: &str, edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("spec")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let mut text = std::fs::read_to_string(&path).unwrap();
            if path.file_name().unwrap() == file {
                text = edit(text);
            }
            std::fs::write(dir.path().join(path.file_name().unwrap()), text).unwrap();
        }
    }
    dir
}

#[test]
fn committed_generated_code_is_up_to_date() {
    let files = generate(&root().join("spec"));
    let stale: Vec<String> = compare(&root(), &files)
        .unwrap()
        .into_iter()
        .filter(|r| r.is_changed())
        .map(|r| match r.state {
            FileState::Stale { diff } => diff,
            _ => format!("missing: {}", r.path.display()),
        })
        .collect();
    assert!(
        stale.is_empty(),
        "generated code is stale; run `cargo xtask codegen`:\n{}",
        stale.join("\n")
    );
}

#[test]
fn generation_is_deterministic() {
    let first = generate(&root().join("spec"));
    let second = generate(&root().join("spec"));
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.path, b.path);
        assert!(
            a.contents == b.contents,
            "{} differs between runs",
            a.path.display()
        );
    }
    // Three crates of three files per API, and the registry's three files.
    let apis = spec_model::spec_files(root().join("spec")).unwrap().len();
    assert_eq!(first.len(), 3 * 3 * apis + 3);
}

/// The `#[allow(...)]` and `#![allow(...)]` attributes of `code` that do not say why.
fn allows_without_reason(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (start, _) in code.match_indices("allow(") {
        let before = &code[..start];
        if !(before.ends_with("#[") || before.ends_with("#![")) {
            continue;
        }
        let mut depth = 0;
        let mut end = start;
        for (offset, c) in code[start..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = start + offset + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        let attr = &code[start..end];
        if !attr.contains("reason = \"") {
            let line = before.matches('\n').count() + 1;
            found.push(format!(
                "line {line}: {}",
                attr.split_whitespace().collect::<Vec<_>>().join(" ")
            ));
        }
    }
    found
}

#[test]
fn every_allow_in_generated_code_says_why() {
    let files = generate(&root().join("spec"));
    let mut unexplained = Vec::new();
    let mut allows = 0;
    for file in files
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
    {
        allows += file.contents.matches("#[allow(").count();
        for found in allows_without_reason(&file.contents) {
            unexplained.push(format!("{}: {found}", file.path.display()));
        }
    }
    assert!(allows > 0, "the scan found no allow at all");
    assert!(
        unexplained.is_empty(),
        "every #[allow] in generated code needs a `reason`:\n{}",
        unexplained.join("\n")
    );
    // The scan itself.
    assert_eq!(
        allows_without_reason("#[allow(unused_mut)]\nlet mut a = 1;\n#![allow(\n    dead_code,\n    reason = \"why\"\n)]"),
        ["line 1: allow(unused_mut)"]
    );
}

#[test]
fn every_server_crate_documents_an_implementation_with_a_doctest() {
    let files = generate(&root().join("spec"));
    let libs: Vec<&GeneratedFile> = files
        .iter()
        .filter(|f| f.path.starts_with("crates") && f.path.ends_with("src/lib.rs"))
        .filter(|f| f.path.to_string_lossy().contains("-server/"))
        .collect();
    assert_eq!(libs.len(), 3);
    for lib in libs {
        let docs = &lib.contents;
        assert!(docs.contains("//! ```no_run\n"), "{}", lib.path.display());
        assert!(
            docs.contains(
                "//!     let app = router(Arc::new(MyApi), ServerConfig::new(credentials));"
            ),
            "{}",
            lib.path.display()
        );
        // One `async fn` per trait method, shown or hidden.
        let generated = files
            .iter()
            .find(|f| f.path == lib.path.with_file_name("generated.rs"))
            .unwrap();
        let trait_methods = generated
            .contents
            .matches(") -> impl ::std::future::Future<Output = ")
            .count();
        assert!(trait_methods > 0);
        assert_eq!(
            docs.matches("async fn ").count(),
            trait_methods + 1, // and `serve`
            "{}",
            lib.path.display()
        );
    }
}

#[test]
fn an_edited_spec_makes_the_check_fail_with_a_diff() {
    let specs = edited_specs("insightiq.yaml", |text| {
        text.replacen(
            "description: Retrieve the information of the User with the supplied External id.",
            "description: Look a user up by the ID you gave it.",
            1,
        )
    });
    let reports = compare(&root(), &generate(specs.path())).unwrap();
    let stale: Vec<_> = reports.iter().filter(|r| r.is_changed()).collect();
    assert!(!stale.is_empty());
    assert!(stale
        .iter()
        .all(|r| r.path.starts_with("crates/insightiq-client")
            || r.path.starts_with("crates/insightiq-server")));
    let FileState::Stale { diff } = &stale[0].state else {
        panic!("expected a diff")
    };
    assert!(
        diff.contains("-")
            && diff.contains("+")
            && diff.contains("Look a user up by the ID you gave it."),
        "{diff}"
    );
    assert!(
        diff.contains("(committed)") && diff.contains("(generated)"),
        "{diff}"
    );
}

#[test]
fn a_progenitor_panic_is_an_error_naming_the_operation() {
    // Two different 2xx body schemas: progenitor asserts and panics on this.
    let specs = edited_specs("insightiq.yaml", |text| {
        let anchor = "        '400':\n          $ref: '#/components/responses/CreateUserBadRequest'\n        '401':\n          $ref: '#/components/responses/Unauthorized'\n  /users/external_id/{external_id}:";
        assert!(text.contains(anchor));
        text.replacen(
            anchor,
            &format!(
                "        '200':\n          description: other\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/SdkToken'\n{anchor}"
            ),
            1,
        )
    });
    let error = generate_dir(specs.path()).unwrap_err();
    assert!(error.file.ends_with("insightiq.yaml"), "{error}");
    assert_eq!(
        error.subject.as_deref(),
        Some("operation `create_user` (POST /users)"),
        "{error}"
    );
    assert_eq!(
        error.pointer.as_deref(),
        Some("/paths/~1users/post"),
        "{error}"
    );
    assert!(error.line.is_some_and(|line| line > 1), "{error}");
    assert!(
        error
            .message
            .starts_with("the code generator (progenitor) cannot handle it"),
        "{error}"
    );
    // The library's own source location means nothing to a spec author.
    assert!(!error.to_string().contains(".rs:"), "{error}");
}

#[test]
fn a_spec_that_does_not_parse_is_an_error_with_line_and_column() {
    let specs = edited_specs("publica.yaml", |text| {
        text.replacen("paths:\n", "paths: [\n", 1)
    });
    let error = generate_dir(specs.path()).unwrap_err().to_string();
    let tail = error.split("publica.yaml:").nth(1).expect(&error);
    let mut numbers = tail.split(':');
    let line: usize = numbers.next().unwrap().parse().expect(&error);
    let column: usize = numbers.next().unwrap().parse().expect(&error);
    assert!(line > 1 && column > 0, "{error}");
}

/// The items of a generated file, by name, as text. Trait methods, the functions of an
/// `impl` block and the items of a module count as items of their own (`trait::name`,
/// `impl Type::name`, `module::name`), so that one operation's change shows as its own items.
fn items_by_name(code: &str) -> std::collections::BTreeMap<String, String> {
    let file: syn::File = syn::parse_str(code).unwrap();
    let mut out = std::collections::BTreeMap::new();
    collect_items(&file.items, "", &mut out);
    out
}

fn collect_items(
    items: &[syn::Item],
    prefix: &str,
    out: &mut std::collections::BTreeMap<String, String>,
) {
    use quote::ToTokens;
    for item in items {
        let name = match item {
            syn::Item::Struct(s) => s.ident.to_string(),
            syn::Item::Enum(e) => e.ident.to_string(),
            syn::Item::Fn(f) => f.sig.ident.to_string(),
            syn::Item::Static(s) => s.ident.to_string(),
            syn::Item::Trait(t) => {
                for trait_item in &t.items {
                    if let syn::TraitItem::Fn(f) = trait_item {
                        out.insert(
                            format!("{prefix}trait::{}", f.sig.ident),
                            f.to_token_stream().to_string(),
                        );
                    }
                }
                continue;
            }
            syn::Item::Impl(i) => {
                let this = format!(
                    "impl {}{}",
                    i.trait_
                        .as_ref()
                        .map(|(_, path, _)| format!("{} for ", path.to_token_stream()))
                        .unwrap_or_default(),
                    i.self_ty.to_token_stream()
                );
                for impl_item in &i.items {
                    let entry = match impl_item {
                        syn::ImplItem::Fn(f) => format!("{prefix}{this}::{}", f.sig.ident),
                        other => format!("{prefix}{this}::{}", other.to_token_stream()),
                    };
                    let text = impl_item.to_token_stream().to_string();
                    out.entry(entry)
                        .and_modify(|t: &mut String| t.push_str(&text))
                        .or_insert(text);
                }
                continue;
            }
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    collect_items(inner, &format!("{prefix}{}::", m.ident), out);
                }
                continue;
            }
            other => other.to_token_stream().to_string(),
        };
        out.insert(
            format!("{prefix}{name}"),
            item.to_token_stream().to_string(),
        );
    }
}

/// The names of the items that differ between the committed `path` and its generation from
/// `specs`.
fn changed_items(specs: &Path, path: &str) -> Vec<String> {
    let before = std::fs::read_to_string(root().join(path)).unwrap();
    let after = generate(specs)
        .into_iter()
        .find(|f| f.path == Path::new(path))
        .unwrap()
        .contents;
    let (before, after) = (items_by_name(&before), items_by_name(&after));
    let mut changed: Vec<String> = after
        .keys()
        .chain(before.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect();
    changed.sort();
    changed.dedup();
    changed
}

#[test]
fn changing_one_operations_request_and_responses_changes_only_its_items() {
    // create_sdk_token: a new optional request property (SdkTokenRequest is its own) and a
    // new documented status.
    let specs = edited_specs("insightiq.yaml", |text| {
        let schema = "    SdkTokenRequest:\n";
        let properties = text[text.find(schema).unwrap()..]
            .find("      properties:\n")
            .unwrap()
            + text.find(schema).unwrap();
        let mut text = text.to_owned();
        text.insert_str(
            properties + "      properties:\n".len(),
            "        locale:\n          type: string\n          description: The SDK's language.\n",
        );
        let anchor = "        '400':\n          $ref: '#/components/responses/CreateSdkTokenBadRequest'\n        '401':\n          $ref: '#/components/responses/Unauthorized'\n  /accounts/{id}/disconnect:";
        assert!(text.contains(anchor), "the anchor moved");
        text.replacen(
            anchor,
            &anchor.replacen(
                "        '401':",
                "        '409':\n          $ref: '#/components/responses/CreateSdkTokenBadRequest'\n        '401':",
                1,
            ),
            1,
        )
    });
    // `round_trip::round_trip` is the one dispatcher over every (operation, status): the new
    // 409 is a new arm of it.
    let belongs = |name: &str| {
        let lower = name.to_lowercase().replace('_', "");
        lower.contains("createsdktoken")
            || lower.contains("sdktokenrequest")
            || name == "round_trip::round_trip"
    };
    for path in [
        "crates/insightiq-types/src/generated.rs",
        "crates/insightiq-client/src/generated.rs",
        "crates/insightiq-server/src/generated.rs",
    ] {
        let changed = changed_items(specs.path(), path);
        for name in &changed {
            assert!(
                belongs(name),
                "{path}: `{name}` changed although only create_sdk_token was edited"
            );
        }
        if path.contains("types") {
            assert!(
                changed.iter().any(|n| n == "SdkTokenRequest"),
                "{changed:?}"
            );
        }
        if path.contains("client") {
            assert!(
                changed.iter().any(|n| n.ends_with("::create_sdk_token")),
                "{changed:?}"
            );
        }
        if path.contains("server") {
            assert!(
                changed.iter().any(|n| n == "CreateSdkTokenResponse"),
                "{changed:?}"
            );
        }
    }
}

#[test]
fn changing_one_operation_changes_only_its_server_items() {
    let specs = edited_specs("insightiq.yaml", |text| {
        let anchor = "          example: 154813a5-d26e-42f2-8b1d-ebbed59b062d\n";
        assert!(text.contains(anchor));
        text.replacen(
            anchor,
            &format!("{anchor}        - name: include_inactive\n          in: query\n          description: Also return inactive users.\n          schema:\n            type: boolean\n"),
            1,
        )
    });
    let changed = changed_items(specs.path(), "crates/insightiq-server/src/generated.rs");
    assert!(!changed.is_empty());
    for name in &changed {
        let lower = name.to_lowercase();
        assert!(
            lower.contains("get_user_by_external_id") || lower.contains("getuserbyexternalid"),
            "`{name}` changed although only get_user_by_external_id was edited"
        );
    }
    assert!(
        changed
            .iter()
            .any(|n| n.as_str() == "GetUserByExternalIdQuery"),
        "{changed:?}"
    );
    assert!(
        changed
            .iter()
            .any(|n| n.as_str() == "trait::get_user_by_external_id"),
        "{changed:?}"
    );
}
