//! The specs' invariants: every spec loads, every `$ref` resolves, operationIds are unique, every
//! operation has security and an example for its success body; and the checker itself catches
//! each kind of breakage with the file and JSON pointer; and the decision table of
//! `spec/README.md` names every marked node, only nodes that exist, and quotes the pages
//! verbatim.

#[path = "support/defect_table.rs"]
mod defect_table;

use spec_model::{check, load, parse};
use workspace_tests::{spec_dir, workspace_root};

const APIS: [(&str, &[&str]); 3] = [
    (
        "insightiq",
        &[
            "create_user",
            "get_user_by_external_id",
            "create_sdk_token",
            "disconnect_account",
            "get_profile",
            "list_profiles",
        ],
    ),
    (
        "publica",
        &[
            "create_user",
            "list_users",
            "update_user",
            "deactivate_user",
            "reactivate_user",
            "force_logout_user",
        ],
    ),
    (
        "instabot",
        &[
            "create_user",
            "update_user",
            "delete_user",
            "restore_user",
            "get_user",
            "list_users",
            "list_users_updated_since",
        ],
    ),
];

fn spec_text(api: &str) -> String {
    std::fs::read_to_string(spec_dir().join(format!("{api}.yaml"))).unwrap()
}

#[test]
fn every_spec_holds_its_invariants() {
    let mut report = Vec::new();
    for (api, _) in APIS {
        let spec = load(spec_dir().join(format!("{api}.yaml"))).unwrap_or_else(|e| panic!("{e}"));
        report.extend(check(&spec).into_iter().map(|p| p.to_string()));
    }
    assert!(report.is_empty(), "spec problems:\n{}", report.join("\n"));
}

#[test]
fn the_nineteen_documented_operations_are_all_there() {
    let mut total = 0;
    for (api, expected) in APIS {
        let spec = load(spec_dir().join(format!("{api}.yaml"))).unwrap();
        let mut found: Vec<String> = spec.operations().iter().map(|op| op.name()).collect();
        let mut expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        found.sort();
        expected.sort();
        assert_eq!(found, expected, "operations of {api}");
        assert_eq!(spec.openapi.openapi, "3.0.3", "{api} is OpenAPI 3.0.3");
        total += found.len();
    }
    assert_eq!(total, 19);
}

fn problems_after(api: &str, from: &str, to: &str) -> Vec<spec_model::Problem> {
    let text = spec_text(api);
    assert!(text.contains(from), "{api}.yaml contains {from:?}");
    let edited = text.replacen(from, to, 1);
    let spec = parse(format!("spec/{api}.yaml"), edited).unwrap_or_else(|e| panic!("{e}"));
    check(&spec)
}

#[test]
fn a_broken_reference_is_reported_with_file_pointer_and_line() {
    let problems = problems_after(
        "insightiq",
        "$ref: '#/components/schemas/UserCreateRequest'",
        "$ref: '#/components/schemas/NoSuchSchema'",
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
    let problem = &problems[0];
    assert_eq!(
        problem.pointer,
        "/paths/~1users/post/requestBody/content/application~1json/schema/$ref"
    );
    assert!(problem
        .message
        .contains("#/components/schemas/NoSuchSchema"));
    let line = problem.line.expect("line is known");
    let text = spec_text("insightiq");
    let original_line = text.lines().nth(line - 1).unwrap();
    assert!(original_line.contains("$ref: '#/components/schemas/UserCreateRequest'"));
    assert!(problem
        .to_string()
        .starts_with(&format!("spec/insightiq.yaml:{line}: ")));
}

#[test]
fn a_duplicate_operation_id_is_reported() {
    let problems = problems_after(
        "insightiq",
        "operationId: get_profile",
        "operationId: list_profiles",
    );
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("duplicate operationId `list_profiles`")),
        "{problems:?}"
    );
}

#[test]
fn a_spec_without_security_is_told_once_which_schemes_are_supported() {
    let problems = problems_after("insightiq", "security:\n  - basicAuth: []\n", "");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].pointer, "/info");
    assert!(problems[0]
        .message
        .contains("states no security requirement"));
    assert!(problems[0]
        .message
        .contains("`type: http, scheme: basic` and `type: apiKey, in: header`"));
}

#[test]
fn a_success_body_without_example_is_reported() {
    let problems = problems_after(
        "insightiq",
        "              examples:\n                sdk_token:\n                  summary: The documents' sample response\n",
        "              x-examples:\n                sdk_token:\n                  summary: The documents' sample response\n",
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(
        problems[0].pointer,
        "/paths/~1sdk-tokens/post/responses/201/content/application~1json"
    );
}

#[test]
fn a_spec_that_does_not_parse_reports_line_and_column() {
    let text = spec_text("insightiq").replacen("  /users:\n", "  /users: [\n", 1);
    let error = parse("spec/insightiq.yaml", text).unwrap_err().to_string();
    assert!(
        error.starts_with("spec/insightiq.yaml:"),
        "error names the file: {error}"
    );
    let mut parts = error.splitn(4, ':');
    parts.next();
    let line: usize = parts.next().unwrap().parse().expect("a line number");
    let column: usize = parts.next().unwrap().parse().expect("a column number");
    assert!(line > 1 && column > 0, "{error}");
}

#[test]
fn openapi_3_1_is_refused_by_name() {
    let text = spec_text("insightiq").replacen("openapi: 3.0.3", "openapi: 3.1.0", 1);
    let error = parse("spec/insightiq.yaml", text).unwrap_err().to_string();
    assert!(
        error.contains("3.1.0") && error.contains("3.0.3"),
        "{error}"
    );
}

/// The pages' text with whitespace collapsed, or why it cannot be read.
fn seeds_text() -> String {
    let dir = workspace_root().join("../shared/seeds");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the vendor pages must be beside the repository)",
            dir.display()
        )
    });
    let mut paths: Vec<_> = entries
        .map(|entry| entry.expect("seed entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "{}: no *.txt pages", dir.display());
    let pages: Vec<String> = paths
        .iter()
        .map(|path| {
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        })
        .collect();
    defect_table::collapse_whitespace(&pages.join("\n"))
}

/// What is wrong with the decision table `readme` against the specs and the pages.
fn decision_table_problems(readme: &str, seeds: &str) -> Vec<String> {
    let rows = match defect_table::parse(readme) {
        Ok(rows) => rows,
        Err(e) => return vec![e],
    };
    let mut problems = Vec::new();
    for (api, _) in APIS {
        let spec = load(spec_dir().join(format!("{api}.yaml"))).unwrap();
        let api_rows: Vec<_> = rows.iter().filter(|row| row.api == api).collect();
        for pointer in defect_table::marked_pointers(&spec.document) {
            if !api_rows.iter().any(|row| row.pointers.contains(&pointer)) {
                let line = spec.line_of(&pointer).unwrap_or(0);
                problems.push(format!(
                    "spec/{api}.yaml:{line}: {pointer} carries x-doc-defect or x-source: not-in-docs but no row of spec/README.md names it"
                ));
            }
        }
        for row in &api_rows {
            for pointer in &row.pointers {
                if spec
                    .document
                    .pointer(pointer.trim_start_matches('#'))
                    .is_none()
                {
                    problems.push(format!(
                        "spec/README.md:{}: {pointer} names nothing in spec/{api}.yaml",
                        row.line
                    ));
                }
            }
        }
    }
    for row in &rows {
        for quote in &row.quotes {
            if !seeds.contains(&defect_table::collapse_whitespace(quote)) {
                problems.push(format!(
                    "spec/README.md:{}: “{quote}” is not in ../shared/seeds/*.txt",
                    row.line
                ));
            }
        }
    }
    problems
}

fn readme_text() -> String {
    std::fs::read_to_string(spec_dir().join("README.md")).unwrap()
}

#[test]
fn every_defect_and_unstated_choice_has_a_row() {
    let problems = decision_table_problems(&readme_text(), &seeds_text());
    assert!(
        problems.is_empty(),
        "decision table problems:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_decision_table_check_catches_a_missing_row_a_stale_pointer_and_a_misquote() {
    let readme = readme_text();
    let seeds = seeds_text();
    let photo_file = "`#/components/schemas/User/properties/photoFile`";
    assert!(readme.contains(photo_file));

    let unlisted = readme.replace(photo_file, "`#/components/schemas/User`");
    let problems = decision_table_problems(&unlisted, &seeds);
    assert!(
        problems.iter().any(|p| p.contains("spec/instabot.yaml:")
            && p.contains("#/components/schemas/User/properties/photoFile carries")),
        "{problems:?}"
    );

    let stale = readme.replace(
        photo_file,
        "`#/components/schemas/User/properties/photo_file`",
    );
    let problems = decision_table_problems(&stale, &seeds);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("photo_file names nothing in spec/instabot.yaml")),
        "{problems:?}"
    );

    let misquoted = readme.replace(
        "“Possible values - mobile, web”",
        "“Possible values - Mobile, Web”",
    );
    assert_ne!(misquoted, readme);
    let problems = decision_table_problems(&misquoted, &seeds);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("“Possible values - Mobile, Web” is not in"),
        "{problems:?}"
    );
}

#[test]
fn a_wrong_x_pagination_is_reported_where_it_is_wrong() {
    let at = "/paths/~1profiles/get/x-pagination";
    let cases = [
        (
            "insightiq",
            "        offset: offset\n",
            "        offset: ofset\n",
            format!("{at}/offset"),
            "`ofset` is not a query parameter of `list_profiles`",
        ),
        (
            "insightiq",
            "        items: data\n",
            "        items: records\n",
            format!("{at}/items"),
            "has no property `records`",
        ),
        (
            "insightiq",
            "        items: data\n",
            "        items: data\n        page: 2\n",
            format!("{at}/page"),
            "unknown `x-pagination` member `page`",
        ),
        (
            "insightiq",
            "            maximum: 100\n            default: 10\n",
            "            maximum: 100\n",
            format!("{at}/limit"),
            "needs a `default`",
        ),
        (
            "instabot",
            "        has-more: hasMoreRecords\n",
            "        has-more: totalCount\n",
            "/paths/~1users/get/x-pagination/has-more".to_owned(),
            "`totalCount` must be a boolean",
        ),
    ];
    for (api, from, to, pointer, message) in cases {
        let problems = problems_after(api, from, to);
        assert_eq!(problems.len(), 1, "{api} {to:?}: {problems:?}");
        assert_eq!(problems[0].pointer, pointer, "{problems:?}");
        assert!(problems[0].message.contains(message), "{problems:?}");
        let line = problems[0].line.expect("the line is known");
        assert!(line > 1, "{problems:?}");
    }
}

#[test]
fn a_ref_alias_cycle_is_reported_with_the_pointer_chain() {
    let problems = problems_after(
        "insightiq",
        "\n  schemas:\n",
        "\n  schemas:\n    LoopA:\n      $ref: '#/components/schemas/LoopB'\n    LoopB:\n      $ref: '#/components/schemas/LoopA'\n",
    );
    assert!(!problems.is_empty());
    assert!(
        problems.iter().any(|p| p.pointer == "/components/schemas/LoopA/$ref"
            && p.message.contains(
                "/components/schemas/LoopB -> /components/schemas/LoopA -> /components/schemas/LoopB"
            )),
        "{problems:?}"
    );
}

/// The secrets each spec declares are what recordings and logs redact (`spec_model::redact`):
/// every credential header or query key of a security scheme, and every password, which the
/// specs mark `writeOnly` (a member that never comes back in an answer).
#[test]
fn every_password_and_credential_the_specs_declare_is_redacted() {
    let expected: [(&str, &[&str], &[&str]); 3] = [
        ("insightiq", &["authorization"], &[]),
        ("publica", &["x-user-token"], &["new_password"]),
        (
            "instabot",
            &["x-instabot-api-key", "authorization"],
            &["userPassword"],
        ),
    ];
    for (api, headers, members) in expected {
        let spec = load(spec_dir().join(format!("{api}.yaml"))).unwrap();
        let redaction = spec_model::redact::Redaction::from_spec(&spec);
        for header in headers {
            assert!(redaction.is_secret_header(header), "{api}: {header}");
        }
        for member in members {
            let pointer = format!("/{member}");
            assert!(redaction.covers_pointer(&pointer), "{api}: {member}");
            let mut body = serde_json::json!({ *member: "s3cret" });
            assert!(redaction.body(&mut body), "{api}: {member}");
            assert_ne!(body[*member], "s3cret", "{api}: {member}");
        }
    }
}
