//! The generated-types seam: a fake `TypedRoundTrip` and the comparison with its unified diff.

mod common;

use conformance::roundtrip::{compare, Change};
use conformance::{BodyKind, BodyKindArg, Class, TypedRoundTrip};
use serde_json::{json, Value};

/// Pretends to be the generated types: insightIQ's Profile drops null optional fields (as a
/// `skip_serializing_if = "Option::is_none"` would: not a loss), drops `url` and rewrites
/// `platform_username` (losses); create_user's
/// request does not deserialize without `name`; everything else round-trips unchanged; Publica
/// has no types.
struct Fake;

impl TypedRoundTrip for Fake {
    fn round_trip(
        &self,
        api: &str,
        operation_id: &str,
        body: &BodyKind,
        value: &Value,
    ) -> Option<Result<Value, String>> {
        match (api, operation_id, body) {
            ("publica", _, _) => None,
            ("insightiq", "get_profile", BodyKind::Response(200)) => {
                let mut out = value.clone();
                let map = out.as_object_mut().unwrap();
                map.retain(|k, v| !(v.is_null() || k == "url"));
                if let Some(Value::String(text)) = map.get_mut("platform_username") {
                    *text = text.to_uppercase();
                }
                Some(Ok(out))
            }
            ("insightiq", "create_user", BodyKind::Request) => {
                if value.get("name").is_some() {
                    Some(Ok(value.clone()))
                } else {
                    Some(Err("missing field `name` at line 1 column 2".into()))
                }
            }
            _ => Some(Ok(value.clone())),
        }
    }
}

#[test]
fn compare_finds_dropped_added_and_changed_values() {
    let before =
        json!({"a": 1, "b": "gone", "c": {"d": [1, 2.0, "x"]}, "e": 1.0, "n": null, "l": []});
    let after = json!({"c": {"d": [1, 2, "y"]}, "a": 1, "e": 1, "f": true, "m": null});
    let loss = compare(&before, &after).unwrap();
    let found: Vec<(String, &Change)> = loss
        .differences
        .iter()
        .map(|d| (d.pointer.clone(), &d.change))
        .collect();
    assert_eq!(
        found,
        [
            ("/b".to_string(), &Change::Dropped(json!("gone"))),
            (
                "/c/d/2".to_string(),
                &Change::Changed {
                    from: json!("x"),
                    to: json!("y")
                }
            ),
            ("/f".to_string(), &Change::Added(json!(true))),
        ]
    );
    assert!(
        loss.diff.starts_with("--- body\n+++ round trip\n"),
        "{}",
        loss.diff
    );
    assert!(
        loss.diff.contains("\n-  \"b\": \"gone\",\n"),
        "{}",
        loss.diff
    );
    assert!(
        loss.diff.contains("\n-      \"x\"\n+      \"y\"\n"),
        "{}",
        loss.diff
    );
    // Key order and 1 vs 1.0 are not losses.
    assert!(compare(&json!({"x": 1, "y": 2.0}), &json!({"y": 2, "x": 1.0})).is_none());
}

#[test]
fn validator_reports_round_trip_losses_with_a_diff() {
    let fake = Fake;
    let v = common::validator("insightiq").with_types(Some(&fake));
    let profile: Value = serde_json::from_str(
        &std::fs::read_to_string(
            common::workspace_root().join("spec/samples/insightiq/get_profile.response-200.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let (_, _, outcome) = v
        .validate("get_profile", BodyKindArg::Status("200"), &profile)
        .unwrap();
    let mut found: Vec<String> = outcome.violations.iter().map(|v| v.finding()).collect();
    found.sort();
    assert_eq!(
        found,
        ["loss /platform_username round-trip", "loss /url round-trip"]
    );
    assert!(outcome.violations.iter().all(|v| v.class == Class::Loss));
    assert!(!outcome.conforms(), "a loss always fails");
    let messages: Vec<&str> = outcome
        .violations
        .iter()
        .map(|v| v.message.as_str())
        .collect();
    assert!(
        messages.contains(&"\"https://www.instagram.com/robertdowney/\" dropped by the generated type's round trip"),
        "{messages:?}"
    );
    let diff = outcome.diff.unwrap();
    assert!(
        diff.contains("-  \"platform_username\": \"robertdowney\",\n+  \"platform_username\": \"ROBERTDOWNEY\",\n"),
        "{diff}"
    );
    // Dropped nulls are the same data, so they are neither findings nor in the diff.
    assert!(!diff.contains("first_name"), "{diff}");

    // A body that breaks the schema need not fit the type: the violation alone is reported.
    let (_, _, outcome) = v
        .validate(
            "create_user",
            BodyKindArg::Request,
            &json!({"external_id": "x"}),
        )
        .unwrap();
    let found: Vec<String> = outcome.violations.iter().map(|v| v.finding()).collect();
    assert_eq!(found, ["violation / required"]);

    // No type: nothing more than the schema.
    let publica = common::validator("publica").with_types(Some(&fake));
    let (_, _, outcome) = publica
        .validate(
            "reactivate_user",
            BodyKindArg::Status("200"),
            &json!({"CODE": "success", "data": 1}),
        )
        .unwrap();
    assert!(outcome.conforms());
}

#[test]
fn report_with_types_flags_lossy_samples() {
    let fake = Fake;
    let rows = conformance::check_all(&common::workspace_root(), Some(&fake)).unwrap();
    let bad: Vec<&str> = rows
        .iter()
        .filter(|r| !r.ok)
        .map(|r| r.subject.as_str())
        .collect();
    // The get_profile sample and the spec's get_profile example lose `url`. Instabot's
    // `username` is undocumented whatever the types do, as the manifest says.
    assert_eq!(
        bad,
        [
            "insightiq/get_profile.response-200.json",
            "#/paths/~1profiles~1{id}/get/responses/200/content/application~1json/examples/profile/value",
        ]
    );
}

#[test]
fn traffic_round_trip_is_a_separate_switch() {
    let profile = std::fs::read_to_string(
        common::workspace_root().join("spec/samples/insightiq/get_profile.response-200.json"),
    )
    .unwrap();
    let profile: Value = serde_json::from_str(&profile).unwrap();
    let capture = format!(
        "{}\n",
        json!({"method": "GET", "path": "/v1/profiles/9bd39495-ad21-40f7-a8a6-9c8cf9d6a822",
               "status": 200, "response_body": profile})
    );
    let spec = common::spec_path("insightiq");
    let run = |extra: &[&str], types: Option<&dyn TypedRoundTrip>| {
        let mut args = vec![
            "conformance",
            "traffic",
            "--spec",
            spec.to_str().unwrap(),
            "-",
        ];
        args.extend_from_slice(extra);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = conformance::cli::run(
            args.into_iter().map(std::ffi::OsString::from),
            types,
            &mut capture.as_bytes(),
            &mut out,
            &mut err,
        );
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    };
    let fake = Fake;
    // Without the switch, the types are not used.
    let (code, out, _) = run(&[], Some(&fake));
    assert_eq!(code, 0, "{out}");
    // With it, losses are violations, shown with the diff.
    let (code, out, _) = run(&["--round-trip"], Some(&fake));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("response loss /url: \"https://www.instagram.com/robertdowney/\" dropped by the generated type's round trip"),
        "{out}"
    );
    assert!(out.contains("    --- body"), "{out}");
    // A build without types refuses the switch.
    let (code, _, err) = run(&["--round-trip"], None);
    assert_eq!(code, 2);
    assert!(err.contains("no generated types"), "{err}");
}

#[test]
fn compare_takes_encodings_of_the_same_data_as_equal() {
    // Absent, null and [] members; two spellings of one instant; 1 and 1.0.
    let before = json!({"a": null, "b": [], "t": "2018-03-21T14:15:26.9713Z", "n": 1.0});
    let after = json!({"t": "2018-03-21T14:15:26.971300Z", "n": 1, "c": null});
    assert_eq!(compare(&before, &after), None);
    // A different instant, or a date-time against a non-date, is a change.
    let changed = compare(
        &json!({"t": "2018-03-21T14:15:26.9713Z"}),
        &json!({"t": "2018-03-21T14:15:26.9714Z"}),
    )
    .unwrap();
    assert_eq!(changed.differences[0].pointer, "/t");
    // A non-empty array or an empty object is data.
    let dropped = compare(&json!({"a": [1], "o": {}}), &json!({})).unwrap();
    let pointers: Vec<&str> = dropped
        .differences
        .iter()
        .map(|d| d.pointer.as_str())
        .collect();
    assert_eq!(pointers, ["/a", "/o"]);
}

#[test]
fn generated_types_round_trip_every_sample_as_the_manifest_says() {
    let rows = conformance::check_all(
        &common::workspace_root(),
        Some(&conformance::GeneratedTypes),
    )
    .unwrap();
    let bad: Vec<String> = rows
        .iter()
        .filter(|r| !r.ok)
        .map(|r| {
            format!(
                "{} {}: {}\n{}",
                r.api,
                r.subject,
                r.verdict(),
                r.details.join("\n")
            )
        })
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // No loss anywhere; the `username` spelling is undocumented, in the sample and in the
    // spec example.
    assert!(
        rows.iter()
            .all(|r| r.findings.iter().all(|f| !f.starts_with("loss "))),
        "no sample or example loses data through the generated types"
    );
    let username: Vec<&str> = rows
        .iter()
        .filter(|r| r.findings.iter().any(|f| f == "undocumented /username"))
        .map(|r| r.subject.as_str())
        .collect();
    assert_eq!(username.len(), 2, "{username:?}");
}
