//! `conformance validate` through the real binary: exit codes, formats, errors.

mod common;

use std::process::{Command, Stdio};

fn conformance(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    }
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn sample(path: &str) -> String {
    common::workspace_root()
        .join("spec/samples")
        .join(path)
        .display()
        .to_string()
}

fn spec(api: &str) -> String {
    common::spec_path(api).display().to_string()
}

#[test]
fn conforming_body_exits_0() {
    let (code, out, err) = conformance(
        &[
            "validate",
            "--spec",
            &spec("insightiq"),
            "--op",
            "list_profiles",
            "--status",
            "200",
            &sample("insightiq/list_profiles.response-200.json"),
        ],
        None,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("conforms: "), "{out}");
    assert!(
        out.trim_end()
            .ends_with("(insightiq list_profiles response 200)"),
        "{out}"
    );
}

#[test]
fn violating_body_exits_1_with_one_violation_per_line() {
    let (code, out, _) = conformance(
        &[
            "validate",
            "--spec",
            &spec("instabot"),
            "--op",
            "GET /users/{objectId}",
            "--status",
            "200",
            &sample("instabot/get_user.response-200.json"),
        ],
        None,
    );
    assert_eq!(code, 1, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0]
            .starts_with("violation /data/email: \"[email\u{a0}protected]\" is not a \"email\" ["),
        "{out}"
    );
    assert!(lines[0].contains("instabot.yaml:"), "{out}");
    assert!(
        lines[0].ends_with("#/components/schemas/User/properties/email/format]"),
        "{out}"
    );
    assert!(lines[1].starts_with("violates: "), "{out}");
    assert!(
        lines[1].ends_with("1 violation, 0 undocumented, 0 losses: FAILED"),
        "{out}"
    );
}

#[test]
fn request_from_stdin_and_json_format() {
    let (code, out, _) = conformance(
        &[
            "validate",
            "--spec",
            &spec("insightiq"),
            "--op",
            "create_user",
            "--request",
            "--format",
            "json",
        ],
        Some("{\"name\": 5}"),
    );
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["verdict"], "violates");
    assert_eq!(report["body"], "request");
    let pointers: Vec<&str> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["pointer"].as_str().unwrap())
        .collect();
    // The schema's findings only: a body that breaks the schema need not fit the generated
    // type, so its failure to deserialize is no loss.
    assert_eq!(pointers, ["", "/name"]);
    assert!(report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v["class"] == "violation"));
    assert_eq!(report["counts"]["loss"], 0, "{report}");
}

#[test]
fn junit_format() {
    let (code, out, _) = conformance(
        &[
            "validate",
            "--spec",
            &spec("publica"),
            "--op",
            "reactivate_user",
            "--status",
            "200",
            "--format",
            "junit",
            "-",
        ],
        Some("{\"CODE\": \"success\", \"data\": \"1\"}"),
    );
    assert_eq!(code, 1);
    assert!(out.contains("<testsuite name=\"conformance validate\" tests=\"1\" failures=\"1\">"));
    assert!(
        out.contains("<testcase classname=\"publica.reactivate_user\""),
        "{out}"
    );
    assert!(
        out.contains(
            "<failure message=\"1 violation, 0 undocumented, 0 losses\">violation /data: &quot;1&quot; is not of type"
        ),
        "{out}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let body = sample("insightiq/create_user.request.json");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["validate".into()], "required"),
        (
            vec![
                "validate",
                "--spec",
                &spec("insightiq"),
                "--op",
                "create_user",
                &body,
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            "--status",
        ),
        (
            vec![
                "validate",
                "--spec",
                &spec("insightiq"),
                "--op",
                "nope",
                "--request",
                &body,
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            "unknown operation `nope`",
        ),
        (
            vec![
                "validate",
                "--spec",
                &spec("insightiq"),
                "--op",
                "create_user",
                "--status",
                "204",
                &body,
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            "documents no response with status 204",
        ),
        (
            vec![
                "validate",
                "--spec",
                "/no/such/spec.yaml",
                "--op",
                "create_user",
                "--request",
                &body,
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            "cannot read",
        ),
        (
            vec![
                "validate",
                "--spec",
                &spec("publica"),
                "--op",
                "create_user",
                "--request",
                &sample("publica/create_user.request.json"),
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            "not JSON: key must be a string at line 5 column 24",
        ),
        (
            vec![
                "validate",
                "--spec",
                &spec("insightiq"),
                "--op",
                "create_user",
                "--request",
                "--status",
                "201",
                &body,
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            "cannot be used with",
        ),
    ];
    for (args, message) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = conformance(&args, None);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
    // A spec that is not YAML: reported with its line.
    let dir = std::env::temp_dir().join(format!("conformance-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "openapi: 3.0.3\npaths: [\n").unwrap();
    let (code, _, err) = conformance(
        &[
            "validate",
            "--spec",
            bad.to_str().unwrap(),
            "--op",
            "x",
            "--request",
            &body,
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("bad.yaml:"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn help_exits_0() {
    let (code, out, _) = conformance(&["--help"], None);
    assert_eq!(code, 0);
    assert!(out.contains("validate") && out.contains("traffic") && out.contains("report"));
}

#[test]
fn report_command() {
    let root = common::workspace_root().display().to_string();
    let (code, out, err) = conformance(&["report", "--root", &root], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out
        .lines()
        .last()
        .unwrap()
        .starts_with("totals: 22 samples"));
    let (code, _, err) = conformance(&["report", "--root", "/nonexistent"], None);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent"), "{err}");
}

#[test]
fn undocumented_members_pass_unless_strict() {
    let run = |extra: &[&str]| {
        let mut args = vec![
            "validate",
            "--spec",
            "",
            "--op",
            "update_user",
            "--request",
            "--format",
            "json",
        ];
        let spec = spec("instabot");
        args[2] = &spec;
        args.extend_from_slice(extra);
        let (code, out, _) = conformance(&args, Some("{\"username\": \"user1\"}"));
        (
            code,
            serde_json::from_str::<serde_json::Value>(&out).unwrap(),
        )
    };
    let (code, report) = run(&[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["verdict"], "undocumented");
    assert_eq!(report["violations"][0]["class"], "undocumented");
    assert_eq!(report["violations"][0]["pointer"], "/username");
    assert_eq!(report["violations"][0]["value"], "user1");
    let (code, report) = run(&["--strict"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["passes"], false);
}
