//! What the generators cannot express is refused by `codegen::conventions::check`, located and
//! in the author's words: one test per message class, each an edit of a fixture the generators
//! support (`fx_shared_component.yaml`). The seven constructs that once passed every check and
//! then did not compile are here too, each refused before anything is generated.

use std::path::Path;

use spec_model::Problem;

const FIXTURE: &str = "tests/fixtures/fx_shared_component.yaml";

fn fixture() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE)).unwrap()
}

/// Every problem of the fixture after replacing `from` by `to` (each must occur).
fn problems_after(edits: &[(&str, &str)]) -> (String, Vec<Problem>) {
    let mut text = fixture();
    for (from, to) in edits {
        assert!(text.contains(from), "the fixture has no {from:?}");
        text = text.replacen(from, to, 1);
    }
    let spec = spec_model::parse("spec/acme.yaml", text.clone()).unwrap_or_else(|e| panic!("{e}"));
    let mut problems = spec_model::check(&spec);
    problems.extend(codegen::conventions::check(&spec));
    (text, problems)
}

/// The one problem of an edit, checked for its pointer, its line (the line where `line_text`, one
/// or more lines, first starts in the edited text) and the words of its message.
fn the_problem(edits: &[(&str, &str)], pointer: &str, line_text: &str, words: &[&str]) -> Problem {
    let (text, problems) = problems_after(edits);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let problem = problems.into_iter().next().unwrap();
    assert_eq!(problem.pointer, pointer);
    let at = text
        .find(line_text)
        .expect("the edited text contains line_text");
    let line = text[..at].matches('\n').count() + 1;
    assert_eq!(problem.line, Some(line), "{problem}");
    assert_eq!(problem.file, Path::new("spec/acme.yaml"));
    for word in words {
        assert!(problem.message.contains(word), "{word:?} in {problem}");
    }
    assert!(
        problem.message.contains("spec/README.md") || problem.message.contains("what to write"),
        "points at the conventions: {problem}"
    );
    problem
}

#[test]
fn the_fixture_passes_every_check() {
    let (_, problems) = problems_after(&[]);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn a_version_cargo_cannot_read_is_refused_with_the_version_to_write() {
    let problem = the_problem(
        &[("version: 1.0.0", "version: '1.0'")],
        "/info/version",
        "version: '1.0'",
        &["`1.0` is not a semantic version", "`1.0.0`", "Cargo.toml"],
    );
    assert!(problem
        .to_string()
        .starts_with("spec/acme.yaml:4: /info/version: "));
}

#[test]
fn a_pre_release_version_is_refused_because_the_version_gate_could_not_order_it() {
    the_problem(
        &[("version: 1.0.0", "version: 1.0.0-beta.2")],
        "/info/version",
        "version: 1.0.0-beta.2",
        &[
            "`1.0.0-beta.2` has a pre-release or build suffix",
            "write `1.0.0`",
            "cargo xtask semver",
        ],
    );
}

#[test]
fn a_spec_without_servers_is_told_what_to_add() {
    the_problem(
        &[("servers:\n  - url: https://api.example.com\n", "")],
        "/info",
        "info:",
        &["lists no server", "servers:"],
    );
}

#[test]
fn a_camel_case_operation_id_is_refused_with_its_snake_case() {
    the_problem(
        &[("operationId: create_note", "operationId: createNote")],
        "/paths/~1notes/post/operationId",
        "operationId: createNote",
        &["`createNote` is not snake_case", "write `create_note`"],
    );
}

#[test]
fn a_missing_error_schema_is_named_with_what_to_create() {
    let (_, problems) = problems_after(&[
        ("  schemas:\n    Error:", "  schemas:\n    Failure:"),
        (
            "                $ref: '#/components/schemas/Error'",
            "                $ref: '#/components/schemas/Failure'",
        ),
        (
            "                $ref: '#/components/schemas/Error'",
            "                $ref: '#/components/schemas/Failure'",
        ),
    ]);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].pointer, "/components/schemas");
    assert!(problems[0]
        .message
        .contains("has no `components/schemas/Error`: add"));
    assert!(problems[0].message.contains("x-error-template"));
}

#[test]
fn an_error_schema_without_its_template_is_told_to_add_one() {
    the_problem(
        &[(
            "      x-error-template:\n        message: \"{message}\"\n",
            "",
        )],
        "/components/schemas/Error",
        "    Error:",
        &["has no `x-error-template`: add"],
    );
}

#[test]
fn an_operation_without_an_error_body_is_told_to_document_one() {
    the_problem(
        &[(
            "        '400':\n          description: Invalid note.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Error'\n  /notes/{id}:",
            "  /notes/{id}:",
        )],
        "/paths/~1notes/post/responses",
        "      responses:",
        &["documents no error response with a body", "4xx"],
    );
}

#[test]
fn an_unsupported_security_scheme_says_which_are_supported() {
    the_problem(
        &[(
            "      type: http\n      scheme: basic",
            "      type: http\n      scheme: bearer",
        )],
        "/components/securitySchemes/basicAuth",
        "    basicAuth:",
        &["only http basic and apiKey in header"],
    );
}

#[test]
fn a_public_operation_is_refused_with_the_supported_schemes() {
    the_problem(
        &[(
            "      operationId: create_note",
            "      operationId: create_note\n      security: []",
        )],
        "/paths/~1notes/post",
        "    post:",
        &[
            "has no security requirement",
            "public operations",
            "scheme: basic",
        ],
    );
}

#[test]
fn default_and_range_responses_are_refused_with_what_to_list() {
    the_problem(
        &[(
            "        '400':\n          description: Invalid note.",
            "        default:\n          description: Invalid note.",
        )],
        "/paths/~1notes/post/responses/default",
        "default:",
        &["`default` response is not supported", "list each status"],
    );
    the_problem(
        &[(
            "        '400':\n          description: Invalid note.",
            "        4XX:\n          description: Invalid note.",
        )],
        "/paths/~14XX"
            .replace("~14XX", "~1notes/post/responses/4XX")
            .as_str(),
        "4XX:",
        &["status range `4XX`"],
    );
}

#[test]
fn redirects_and_upgrades_are_refused() {
    let (_, problems) = problems_after(&[(
        "        '400':\n          description: Invalid note.",
        "        '302':\n          description: Elsewhere.\n        '400':\n          description: Invalid note.",
    )]);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].message.contains("status 302 is not supported"));
}

#[test]
fn a_header_parameter_is_refused_located_at_its_in() {
    the_problem(
        &[("          in: path", "          in: header")],
        "/paths/~1notes~1{id}/put/parameters/0/in",
        "in: header",
        &["is in `header`", "only `path` and `query`"],
    );
}

// The seven constructs that passed every check and then did not compile.

#[test]
fn construct_a_free_form_body_is_refused() {
    the_problem(
        &[(
            "            schema:\n              $ref: '#/components/schemas/Note'\n            examples:",
            "            schema:\n              type: object\n              additionalProperties: true\n            examples:",
        )],
        "/paths/~1notes/post/requestBody/content/application~1json/schema",
        "schema:\n              type: object\n              additionalProperties",
        &["request body is free-form"],
    );
}

#[test]
fn construct_b_a_non_zero_unsigned_parameter_is_refused() {
    the_problem(
        &[("          schema:\n            type: string\n", "          schema:\n            type: integer\n            format: uint32\n            minimum: 1\n")],
        "/paths/~1notes~1{id}/put/parameters/0/schema",
        "schema:\n            type: integer",
        &["`uint32`", "NonZero", "format: int64"],
    );
}

#[test]
fn construct_c_dropshot_pagination_is_refused() {
    the_problem(
        &[(
            "      operationId: replace_note",
            "      operationId: replace_note\n      x-dropshot-pagination:\n        required: []",
        )],
        "/paths/~1notes~1{id}/put/x-dropshot-pagination",
        "x-dropshot-pagination:",
        &["not read by the generators", "x-pagination"],
    );
}

#[test]
fn construct_d_an_optional_request_body_is_refused() {
    the_problem(
        &[(
            "      requestBody:\n        required: true",
            "      requestBody:\n        required: false",
        )],
        "/paths/~1notes/post/requestBody",
        "      requestBody:",
        &[
            "request body of `create_note` is optional",
            "required: true",
        ],
    );
}

#[test]
fn construct_e_a_path_parameter_named_like_a_server_input_is_refused() {
    the_problem(
        &[
            ("  /notes/{id}:", "  /notes/{query}:"),
            ("        - name: id", "        - name: query"),
        ],
        "/paths/~1notes~1{query}/put/parameters/0/name",
        "- name: query",
        &["`query`", "generated server uses for its own input"],
    );
}

#[test]
fn construct_f_a_body_under_any_media_type_is_refused() {
    the_problem(
        &[(
            "          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Note'\n              examples:\n                note:\n                  value: {id: n1, text: bye}",
            "          content:\n            '*/*':\n              schema:\n                $ref: '#/components/schemas/Note'\n              examples:\n                note:\n                  value: {id: n1, text: bye}",
        )],
        "/paths/~1notes~1{id}/put/responses/200/content/*~1*",
        "'*/*':",
        &["under `*/*` is not supported", "only `application/json`"],
    );
}

#[test]
fn a_json_media_type_with_parameters_is_told_to_drop_them() {
    the_problem(
        &[(
            "        content:\n          application/json:\n            schema:\n              $ref: '#/components/schemas/Note'\n            examples:",
            "        content:\n          application/json; charset=utf-8:\n            schema:\n              $ref: '#/components/schemas/Note'\n            examples:",
        )],
        "/paths/~1notes/post/requestBody/content/application~1json;%20charset=utf-8"
            .replace("%20", " ")
            .as_str(),
        "application/json; charset=utf-8:",
        &["write `application/json` without parameters"],
    );
}

#[test]
fn construct_g_more_than_seven_parameters_are_refused() {
    let extra: String = (1..=7)
        .map(|i| format!("        - name: q{i}\n          in: query\n          schema:\n            type: string\n"))
        .collect();
    the_problem(
        &[(
            "          schema:\n            type: string\n      requestBody:",
            &format!("          schema:\n            type: string\n{extra}      requestBody:"),
        )],
        "/paths/~1notes~1{id}/put/parameters",
        "      parameters:",
        &["takes 8 parameters", "at most 7"],
    );
}

#[test]
fn every_problem_of_a_spec_is_reported_at_once() {
    let (_, problems) = problems_after(&[
        ("version: 1.0.0", "version: v1"),
        ("operationId: create_note", "operationId: createNote"),
        ("          in: path", "          in: cookie"),
        (
            "      requestBody:\n        required: true",
            "      requestBody:\n        required: false",
        ),
    ]);
    let pointers: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/info/version",
            "/paths/~1notes/post/operationId",
            "/paths/~1notes/post/requestBody",
            "/paths/~1notes~1{id}/put/parameters/0/in",
        ],
        "{problems:#?}"
    );
}

#[test]
fn a_parameter_named_like_a_request_builder_method_is_refused() {
    the_problem(
        &[(
            "          schema:\n            type: string\n      requestBody:",
            "          schema:\n            type: string\n        - name: stream\n          in: query\n          schema:\n            type: string\n      requestBody:",
        )],
        "/paths/~1notes~1{id}/put/parameters/1/name",
        "- name: stream",
        &["`stream`", "request builder uses for a method of its own"],
    );
}
