//! `conformance drift` on a capture built here: the same exchanges against the insightIQ spec as
//! NDJSON and as HAR, each kind of drift asserted with its suggested edit, spec line and
//! pointer; and bad captures (exit 2, naming the file and the line or entry).

mod common;

use std::path::{Path, PathBuf};

use common::{cli, spec_path, workspace_root};
use serde_json::{json, Value};

/// One exchange of the test capture.
struct Exchange {
    path: &'static str,
    status: u16,
    content_type: &'static str,
    /// JSON, or text when the content type is not JSON.
    body: Value,
}

fn ten_profiles() -> Value {
    let text = std::fs::read_to_string(
        workspace_root().join("spec/samples/insightiq/list_profiles.response-200.json"),
    )
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The drift the test expects, one kind per exchange or two.
fn exchanges() -> Vec<Exchange> {
    let ok = |body| Exchange {
        path: "/v1/profiles",
        status: 200,
        content_type: "application/json",
        body,
    };
    let mut first = ten_profiles();
    first["data"][0]["follower_tier"] = json!("gold");
    first["data"][1]["follower_tier"] = json!("silver");
    let mut second = ten_profiles();
    second["data"][0]["follower_tier"] = Value::Null;
    second["data"][0]["addresses"][0]["type"] = json!("MOBILE");
    let mut third = ten_profiles();
    third["data"][0]["is_verified"] = Value::Null;
    third["data"][0]["work_platform"]["id"] = json!("not-a-uuid");
    third["data"][1]["addresses"][0]["type"] = json!("MOBILE");
    vec![
        ok(first),
        ok(second),
        ok(third),
        ok(ten_profiles()),
        Exchange {
            path: "/v1/profiles?limit=1",
            status: 418,
            content_type: "application/json",
            body: json!({"error": "teapot"}),
        },
        Exchange {
            path: "/v1/profiles",
            status: 200,
            content_type: "text/plain",
            body: json!("oops"),
        },
        Exchange {
            path: "/v1/unknown/123?x=1",
            status: 404,
            content_type: "application/json",
            body: json!({"error": "not found"}),
        },
        Exchange {
            path: "/v1/unknown/456",
            status: 404,
            content_type: "application/json",
            body: json!({"error": "not found"}),
        },
    ]
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("drift");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{}-{name}", std::process::id()))
}

fn ndjson(exchanges: &[Exchange]) -> String {
    let mut out = String::new();
    for exchange in exchanges {
        let mut line = json!({
            "method": "GET",
            "path": exchange.path,
            "status": exchange.status,
            "response_content_type": exchange.content_type,
        });
        match &exchange.body {
            Value::String(text) => line["response_body_text"] = json!(text),
            body => line["response_body"] = body.clone(),
        }
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

/// The same exchanges as HAR 1.2, with full URLs; every other body base64-encoded.
fn har(exchanges: &[Exchange]) -> String {
    let entries: Vec<Value> = exchanges
        .iter()
        .enumerate()
        .map(|(index, exchange)| {
            let text = match &exchange.body {
                Value::String(text) => text.clone(),
                body => body.to_string(),
            };
            let content = if index % 2 == 1 {
                json!({"mimeType": exchange.content_type, "text": base64(text.as_bytes()), "encoding": "base64"})
            } else {
                json!({"mimeType": exchange.content_type, "text": text})
            };
            json!({
                "startedDateTime": "2026-12-01T12:00:00Z",
                "request": {
                    "method": "GET",
                    "url": format!("https://api.insightiq.ai{}", exchange.path),
                    "headers": [{"name": "Authorization", "value": "Basic secret"}],
                },
                "response": {
                    "status": exchange.status,
                    "headers": [{"name": "Content-Type", "value": exchange.content_type}],
                    "content": content,
                },
            })
        })
        .collect();
    json!({"log": {"version": "1.2", "creator": {"name": "test"}, "entries": entries}}).to_string()
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn drift(capture: &Path, format: &str) -> (i32, String, String) {
    let spec = spec_path("insightiq");
    cli(
        &[
            "drift",
            "--spec",
            spec.to_str().unwrap(),
            capture.to_str().unwrap(),
            "--format",
            format,
        ],
        "",
    )
}

/// The 1-based line reached by finding `steps` in order: the first is a whole line, each
/// further one the next line (after the previous step) that starts, indentation aside, with it.
/// Independent of spec-model's pointer locator, which the report uses.
fn spec_line(steps: &[&str]) -> usize {
    let text = std::fs::read_to_string(spec_path("insightiq")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut at = lines
        .iter()
        .position(|line| *line == steps[0])
        .unwrap_or_else(|| panic!("no line {:?}", steps[0]));
    for step in &steps[1..] {
        at += lines[at + 1..]
            .iter()
            .position(|line| line.trim_start().starts_with(step))
            .unwrap_or_else(|| panic!("no {step:?} after line {}", at + 1))
            + 1;
    }
    at + 1
}

fn finding<'r>(report: &'r Value, kind: &str, subject: &str) -> &'r Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == kind && f["subject"] == subject)
        .unwrap_or_else(|| panic!("no {kind} finding {subject:?} in {report:#}"))
}

fn suggestion(finding: &Value) -> &str {
    finding["suggestion"].as_str().unwrap()
}

#[test]
fn drift_reports_each_kind_with_its_location_and_edit() {
    let exchanges = exchanges();
    let capture = scratch("capture.ndjson");
    std::fs::write(&capture, ndjson(&exchanges)).unwrap();
    let (code, out, err) = drift(&capture, "json");
    assert_eq!(code, 1, "drift exits 1; stderr: {err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["exchanges"], 8);
    assert_eq!(report["drifted"], true);
    assert_eq!(report["unmatched"], 2);
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        7,
        "{report:#}"
    );
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["file"] == report["spec"]));

    let member = finding(&report, "undocumented-member", "follower_tier");
    assert_eq!(member["operation"], "list_profiles");
    assert_eq!(member["count"], 3);
    assert_eq!(member["types"], json!(["null", "string"]));
    assert_eq!(member["samples"], json!(["\"gold\"", "\"silver\"", "null"]));
    assert_eq!(member["body_pointer"], "/data/0/follower_tier");
    assert_eq!(
        member["spec_pointer"],
        "/components/schemas/Profile/properties"
    );
    assert_eq!(member["line"], spec_line(&["    Profile:", "properties:"]));
    assert_eq!(
        suggestion(member),
        "# review: suggested by conformance drift from 3 observations\n\
         properties:\n  follower_tier:\n    type: string\n    nullable: true\n    x-source: observed\n    example: \"gold\"\n"
    );

    let enumeration = finding(&report, "enum-value", "");
    assert_eq!(enumeration["count"], 2);
    assert_eq!(
        enumeration["values"],
        json!([{"value": "\"MOBILE\"", "count": 2}])
    );
    assert_eq!(
        enumeration["spec_pointer"],
        "/components/schemas/ContactType/enum"
    );
    assert_eq!(
        enumeration["line"],
        spec_line(&["    ContactType:", "enum:"])
    );
    assert_eq!(
        suggestion(enumeration),
        "# review: suggested by conformance drift from 2 observations\n\
         enum: [\"WORK\", \"OTHER\", \"HOME\", \"MOBILE\"]\n"
    );

    let null = finding(&report, "null", "");
    assert_eq!(null["count"], 1);
    assert_eq!(null["body_pointer"], "/data/0/is_verified");
    assert_eq!(
        null["spec_pointer"],
        "/components/schemas/Profile/properties/is_verified"
    );
    assert_eq!(
        null["line"],
        spec_line(&["    Profile:", "properties:", "is_verified:"])
    );
    assert_eq!(
        suggestion(null),
        "# review: suggested by conformance drift from 1 observation\nis_verified:\n  nullable: true\n"
    );

    let format = finding(&report, "format", "uuid");
    assert_eq!(format["count"], 1);
    assert_eq!(format["samples"], json!(["\"not-a-uuid\""]));
    assert_eq!(
        format["spec_pointer"],
        "/components/schemas/WorkPlatformAttribute/properties/id/format"
    );
    assert_eq!(
        format["line"],
        spec_line(&["    WorkPlatformAttribute:", "id:", "format:"])
    );
    assert_eq!(
        suggestion(format),
        "# review: suggested by conformance drift from 1 observation\n\
         # replace `format: uuid` with (the vendor sends values that are not uuid):\n\
         x-doc-defect: \"Documented as format uuid; the vendor sends values that are not (seen: \\\"not-a-uuid\\\").\"\n"
    );

    let status = finding(&report, "status", "418");
    assert_eq!(status["count"], 1);
    assert_eq!(status["types"], json!(["object"]));
    assert_eq!(status["spec_pointer"], "/paths/~1profiles/get/responses");
    assert_eq!(
        status["line"],
        spec_line(&["  /profiles:", "get:", "responses:"])
    );
    assert_eq!(
        suggestion(status),
        "# review: suggested by conformance drift from 1 observation\n\
         responses:\n  '418':\n    description: Observed from the vendor, not in its documents; describe it.\n\
         \x20   content:\n      application/json:\n        schema:\n          type: object\n"
    );

    let content_type = finding(&report, "content-type", "text/plain");
    assert_eq!(
        content_type["spec_pointer"],
        "/paths/~1profiles/get/responses/200/content"
    );
    assert_eq!(
        content_type["line"],
        spec_line(&["  /profiles:", "get:", "responses:", "'200':", "content:"])
    );
    assert_eq!(
        suggestion(content_type),
        "# review: suggested by conformance drift from 1 observation\n\
         content:\n  text/plain:\n    schema:\n      type: string\n"
    );

    let unmatched = finding(&report, "unmatched", "GET /v1/unknown/{id}");
    assert_eq!(unmatched["operation"], Value::Null);
    assert_eq!(unmatched["count"], 2);
    assert_eq!(unmatched["values"], json!([{"value": "404", "count": 2}]));
    assert_eq!(unmatched["spec_pointer"], "/paths");
    assert_eq!(unmatched["line"], spec_line(&["paths:"]));
    assert_eq!(
        suggestion(unmatched),
        "# review: suggested by conformance drift from 2 observations\n\
         paths:\n  /unknown/{id}:\n    get:\n      x-source: observed\n      responses:\n\
         \x20       '404':\n          description: Observed from the vendor; describe it.\n"
    );

    // The text report carries the same locations and edits.
    let (code, text, _) = drift(&capture, "text");
    assert_eq!(code, 1);
    let spec = report["spec"].as_str().unwrap();
    assert!(text.contains(&format!(
        "at {spec}:{} #/components/schemas/Profile/properties\n",
        member["line"]
    )));
    assert!(
        text.contains("      follower_tier:\n        type: string\n"),
        "{text}"
    );
    assert!(text.contains("3 observations, first at /data/0/follower_tier; types null, string"));
}

#[test]
fn har_and_ndjson_of_the_same_exchanges_give_the_same_report() {
    let exchanges = exchanges();
    let ndjson_capture = scratch("same.ndjson");
    let har_capture = scratch("same.har");
    std::fs::write(&ndjson_capture, ndjson(&exchanges)).unwrap();
    std::fs::write(&har_capture, har(&exchanges)).unwrap();
    for format in ["json", "text"] {
        let (ndjson_code, from_ndjson, _) = drift(&ndjson_capture, format);
        let (har_code, from_har, err) = drift(&har_capture, format);
        assert_eq!((ndjson_code, har_code), (1, 1), "{err}");
        assert_eq!(from_ndjson, from_har, "{format} reports differ");
    }
}

#[test]
fn a_capture_without_drift_exits_0() {
    let capture = scratch("clean.ndjson");
    std::fs::write(&capture, ndjson(&exchanges()[3..4])).unwrap();
    let (code, out, err) = drift(&capture, "json");
    assert_eq!(code, 0, "{out}{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["findings"], json!([]));
    assert_eq!(report["drifted"], false);
}

#[test]
fn bad_captures_name_the_file_and_where() {
    let exchanges = exchanges();
    let har_text = har(&exchanges);
    let truncated = scratch("truncated.har");
    // Cut inside the third entry.
    let cut = har_text.match_indices("startedDateTime").nth(2).unwrap().0 + 40;
    std::fs::write(&truncated, &har_text[..cut]).unwrap();
    let (code, out, err) = drift(&truncated, "text");
    assert_eq!(code, 2, "{out}");
    assert!(err.contains(truncated.to_str().unwrap()), "{err}");
    assert!(err.contains("after entry 2"), "{err}");

    let not_json = scratch("not-json.ndjson");
    let mut text = ndjson(&exchanges[..1]);
    text.push_str("this is not json\n");
    std::fs::write(&not_json, text).unwrap();
    let (code, _, err) = drift(&not_json, "json");
    assert_eq!(code, 2);
    assert!(err.contains(not_json.to_str().unwrap()), "{err}");
    assert!(err.contains("line 2"), "{err}");

    let spec = scratch("bad-spec.yaml");
    std::fs::write(&spec, "openapi: [").unwrap();
    let (code, _, err) = cli(
        &[
            "drift",
            "--spec",
            spec.to_str().unwrap(),
            not_json.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code, 2);
    assert!(err.contains(spec.to_str().unwrap()), "{err}");
}

#[test]
fn other_violations_are_located_without_an_edit() {
    let mut body = ten_profiles();
    body["data"][0].as_object_mut().unwrap().remove("id");
    let capture = scratch("required.ndjson");
    let mut text = ndjson(&[Exchange {
        path: "/v1/profiles",
        status: 200,
        content_type: "application/json",
        body,
    }]);
    // A body that is not JSON: found on the whole body, located at the operation.
    text.push_str(
        "{\"method\":\"GET\",\"path\":\"/v1/profiles\",\"status\":200,\"response_body_text\":\"{oops\"}\n",
    );
    std::fs::write(&capture, text).unwrap();
    let (code, out, err) = drift(&capture, "json");
    assert_eq!(code, 1, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let required = finding(&report, "schema", "required");
    assert_eq!(required["count"], 1);
    assert_eq!(required["suggestion"], Value::Null);
    assert!(
        required["message"].as_str().unwrap().contains("\"id\""),
        "{required:#}"
    );
    assert!(required["spec_pointer"]
        .as_str()
        .unwrap()
        .starts_with("/components/schemas/"));
    let not_json = finding(&report, "schema", "json");
    assert_eq!(not_json["spec_pointer"], "/paths/~1profiles/get");
    assert_eq!(not_json["line"], spec_line(&["  /profiles:", "get:"]));
}
