//! `traffic`: HAR and NDJSON captures, operation matching, violations and the summary line.

mod common;

use std::fs::File;
use std::io::BufReader;

use conformance::traffic::{self, CaptureFormat, Verdict};
use conformance::validate::Match;

/// Runs a capture through the library: one `(position, operation or "-", findings)` per
/// exchange, and the summary.
fn run(api: &str, fixture: &str) -> (Vec<(String, String, Vec<String>)>, traffic::Summary) {
    let v = common::validator(api);
    let mut reader = BufReader::new(File::open(common::fixture(fixture)).unwrap());
    let format = traffic::detect(&mut reader).unwrap();
    let mut rows = Vec::new();
    let summary = traffic::run(&v, &mut reader, format, &mut |exchange, verdict| {
        let (operation, found) = match verdict {
            Verdict::Conforms { operation } => (operation.name.clone(), vec![]),
            Verdict::Findings {
                operation,
                request,
                response,
                ..
            } => {
                let mut found: Vec<String> = request
                    .violations
                    .iter()
                    .map(|v| format!("request {}", v.finding()))
                    .chain(
                        response
                            .violations
                            .iter()
                            .map(|v| format!("response {}", v.finding())),
                    )
                    .collect();
                found.sort();
                (operation.name.clone(), found)
            }
            Verdict::Unmatched { reason } => ("-".into(), vec![format!("unmatched: {reason}")]),
        };
        rows.push((exchange.position.clone(), operation, found));
        Ok(())
    })
    .unwrap();
    (rows, summary)
}

fn row(position: &str, operation: &str, found: &[&str]) -> (String, String, Vec<String>) {
    (
        position.into(),
        operation.into(),
        found.iter().map(|s| s.to_string()).collect(),
    )
}

#[test]
fn concrete_path_wins_over_template() {
    let v = common::validator("instabot");
    let name = |m: Match<'_>| match m {
        Match::Operation(op) => op.name.clone(),
        Match::MethodNotAllowed => "405".into(),
        Match::NoPath => "404".into(),
    };
    assert_eq!(
        name(v.match_request("GET", "/v1/users/lastUpdated?since=2017-03-30T14:44:55")),
        "list_users_updated_since"
    );
    assert_eq!(
        name(v.match_request("GET", "/v1/users/70627747")),
        "get_user"
    );
    assert_eq!(name(v.match_request("get", "/users/70627747")), "get_user");
    assert_eq!(
        name(v.match_request("PUT", "https://api.instabot.io/v1/users/1")),
        "update_user"
    );
    assert_eq!(name(v.match_request("POST", "/v1/users/")), "create_user");
    // The concrete path is chosen first; it has no PUT.
    assert_eq!(name(v.match_request("PUT", "/v1/users/lastUpdated")), "405");
    assert_eq!(name(v.match_request("GET", "/v1/users/1/extra")), "404");
    assert_eq!(name(v.match_request("GET", "/v2/things")), "404");

    let insightiq = common::validator("insightiq");
    assert_eq!(
        name(insightiq.match_request("GET", "/v1/profiles/9bd39495-ad21-40f7-a8a6-9c8cf9d6a822")),
        "get_profile"
    );
    assert_eq!(
        name(insightiq.match_request("GET", "/v1/users/external_id/abc")),
        "get_user_by_external_id"
    );
    let publica = common::validator("publica");
    assert_eq!(
        name(publica.match_request(
            "PUT",
            "/integration-api/v1/dashboard/users/923242/re-activate"
        )),
        "reactivate_user"
    );
    assert_eq!(
        name(publica.match_request("DELETE", "/integration-api/v1/dashboard/users/923242")),
        "deactivate_user"
    );
}

#[test]
fn ndjson_capture() {
    let (rows, summary) = run("instabot", "instabot.ndjson");
    assert_eq!(
        rows,
        [
            row("line 1", "list_users_updated_since", &[]),
            row("line 2", "get_user", &[]),
            row(
                "line 3",
                "get_user",
                &[
                    "response violation /data/createDate format",
                    "response violation /data/userType enum"
                ]
            ),
            row("line 4", "create_user", &["request violation / required"]),
            row(
                "line 5",
                "-",
                &["unmatched: no path template of the spec matches"]
            ),
            row(
                "line 6",
                "-",
                &["unmatched: the spec documents no PATCH operation for this path"]
            ),
            row("line 7", "delete_user", &[]),
            row("line 8", "get_user", &["response violation / status"]),
        ]
    );
    assert_eq!(
        summary.to_string(),
        "8 exchanges: 3 conform, 3 violate, 0 undocumented, 0 lose data, 2 match no operation (6 bodies validated)"
    );
    assert!(!summary.ok(false));
}

#[test]
fn har_capture() {
    let mut reader = BufReader::new(File::open(common::fixture("instabot.har")).unwrap());
    assert_eq!(traffic::detect(&mut reader).unwrap(), CaptureFormat::Har);
    let (rows, summary) = run("instabot", "instabot.har");
    assert_eq!(
        rows,
        [
            row("entry 1", "list_users_updated_since", &[]),
            // base64-encoded response content
            row("entry 2", "get_user", &[]),
            row("entry 3", "update_user", &["request violation /phone type"]),
            row(
                "entry 4",
                "-",
                &["unmatched: no path template of the spec matches"]
            ),
            // no response content captured: only the status is checked
            row("entry 5", "get_user", &[]),
            // A text/html body where JSON is documented: its content type is the violation.
            row(
                "entry 6",
                "create_user",
                &["response violation / content-type"]
            ),
        ]
    );
    assert_eq!(
        summary.to_string(),
        "6 exchanges: 3 conform, 2 violate, 0 undocumented, 0 lose data, 1 match no operation (5 bodies validated)"
    );
}

#[test]
fn cli_text_output_and_summary_line() {
    let spec = common::spec_path("instabot");
    let capture = common::fixture("instabot.ndjson");
    let (code, out, err) = common::cli(
        &[
            "traffic",
            "--spec",
            spec.to_str().unwrap(),
            capture.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code, 1, "{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    // Conforming exchanges are not printed; the violating ones are, with their violations.
    assert!(
        lines[0].starts_with(
            "line 3: GET /v1/users/322673814 -> 200: `get_user` violates (2 violations, 0 undocumented, 0 losses)"
        ),
        "{out}"
    );
    assert!(
        out.contains("  response violation /data/userType: \"admin\" is not one of"),
        "{out}"
    );
    assert!(
        out.contains("line 5: GET /v1/nothing/here -> 200: matches no operation"),
        "{out}"
    );
    assert_eq!(
        *lines.last().unwrap(),
        "traffic instabot: 8 exchanges: 3 conform, 3 violate, 0 undocumented, 0 lose data, 2 match no operation (6 bodies validated); findings: 4 violations, 0 undocumented, 0 losses: FAILED"
    );
}

#[test]
fn cli_conforming_capture_exits_0() {
    let spec = common::spec_path("instabot");
    let capture = "{\"method\":\"DELETE\",\"path\":\"/v1/users/1\",\"status\":200,\"response_body\":{\"apiStatusCode\":\"Success\",\"data\":{\"objectId\":1}}}\n";
    let (code, out, _) = common::cli(&["traffic", "--spec", spec.to_str().unwrap(), "-"], capture);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out,
        "traffic instabot: 1 exchanges: 1 conform, 0 violate, 0 undocumented, 0 lose data, 0 match no operation (1 bodies validated): ok\n"
    );
}

#[test]
fn cli_json_and_junit_output() {
    let spec = common::spec_path("instabot");
    let capture = common::fixture("instabot.har");
    let args = |format| {
        common::cli(
            &[
                "traffic",
                "--spec",
                spec.to_str().unwrap(),
                capture.to_str().unwrap(),
                "--format",
                format,
            ],
            "",
        )
    };
    let (code, out, _) = args("json");
    assert_eq!(code, 1);
    let documents: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(documents.len(), 4); // 2 violating + 1 unmatched + summary
    assert_eq!(documents[0]["operation"], "update_user");
    assert_eq!(documents[0]["request"][0]["pointer"], "/phone");
    assert_eq!(documents[3]["summary"]["exchanges"], 6);

    let (code, out, _) = args("junit");
    assert_eq!(code, 1);
    assert!(out.starts_with("<?xml"));
    assert_eq!(out.matches("<testcase ").count(), 6, "{out}");
    assert_eq!(out.matches("<failure ").count(), 3, "{out}");
    assert!(out.trim_end().ends_with("</testsuites>"));
}

#[test]
fn malformed_captures_exit_2() {
    let spec = common::spec_path("instabot");
    let spec = spec.to_str().unwrap();
    let truncated = common::fixture("truncated.har");
    let (code, _, err) = common::cli(
        &["traffic", "--spec", spec, truncated.to_str().unwrap()],
        "",
    );
    assert_eq!(code, 2);
    assert!(err.contains("malformed HAR file"), "{err}");

    let broken = common::fixture("broken.ndjson");
    let (code, out, err) = common::cli(&["traffic", "--spec", spec, broken.to_str().unwrap()], "");
    assert_eq!(code, 2);
    assert!(err.contains("broken.ndjson: line 2, column"), "{err}");
    assert!(out.is_empty(), "{out}");

    let (code, _, err) = common::cli(&["traffic", "--spec", spec, "/no/such/capture.har"], "");
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");

    let (code, _, err) = common::cli(
        &["traffic", "--spec", spec, "-"],
        "{\"log\": {\"pages\": []}}",
    );
    assert_eq!(code, 2);
    assert!(err.contains("no log.entries"), "{err}");
}

/// The extended NDJSON fields (content types, recorded headers, text bodies) are read, and a
/// content type the operation does not document is a violation; today's lines read as before.
#[test]
fn extended_ndjson_carries_content_types_headers_and_text_bodies() {
    let v = common::validator("instabot");
    let capture = concat!(
        r#"{"method":"GET","path":"/v1/users/1","status":200,"response_content_type":"text/html","response_headers":{"content-type":"text/html","x-request-id":"r-1"},"response_body_text":"<html>oops</html>"}"#,
        "\n",
        r#"{"method":"GET","path":"/v1/users/1","status":200,"response_content_type":"application/json; charset=utf-8","response_body_text":"{not json"}"#,
        "\n",
        r#"{"method":"DELETE","path":"/v1/users/1","status":200}"#,
        "\n",
    );
    let mut reader = BufReader::new(capture.as_bytes());
    let mut seen = Vec::new();
    let summary = traffic::run(
        &v,
        &mut reader,
        CaptureFormat::Ndjson,
        &mut |exchange, verdict| {
            let found: Vec<String> = match verdict {
                Verdict::Findings { response, .. } => {
                    response.violations.iter().map(|v| v.finding()).collect()
                }
                _ => vec![],
            };
            seen.push((
                exchange.response_header("x-request-id").map(str::to_owned),
                exchange.response_body.clone(),
                found,
            ));
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(summary.exchanges, 3);
    assert_eq!(seen[0].0.as_deref(), Some("r-1"));
    assert_eq!(seen[0].1, traffic::Body::Text("<html>oops</html>".into()));
    assert_eq!(seen[0].2, ["violation / content-type"]);
    assert_eq!(seen[1].2, ["violation / json"]);
    assert!(seen[2].2.is_empty());
}
