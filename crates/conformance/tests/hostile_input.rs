//! Hostile captures and bodies: what cannot be checked is an input error (exit 2, saying where
//! and what), memory is bounded by the configured line size, text output is terminal-safe, and
//! integers are read as OpenAPI 3.0 reads them.

mod common;

use std::io::{self, BufRead, BufReader, Read};

use conformance::traffic::{self, CaptureFormat, Limits, TrafficError};

fn spec(api: &str) -> String {
    common::spec_path(api).display().to_string()
}

fn traffic_cli(capture: &str, extra: &[&str]) -> (i32, String, String) {
    let spec = spec("instabot");
    let mut args = vec!["traffic", "--spec", spec.as_str()];
    args.extend_from_slice(extra);
    args.push("-");
    common::cli(&args, capture)
}

fn har(status: &str) -> String {
    format!(
        r#"{{"log": {{"entries": [{{"request": {{"method": "GET", "url": "https://api.instabot.io/v1/users/1"}}, "response": {{"status": {status}, "content": {{"text": "{{\"not\": \"checked\"}}"}}}}}}]}}}}"#
    )
}

// Defect 1: a HAR status that is not a status is an input error, not "no response".
#[test]
fn har_statuses_outside_http_are_input_errors() {
    for status in ["-1", "70000", "99", "1000"] {
        let (code, out, err) = traffic_cli(&har(status), &[]);
        assert_eq!(code, 2, "{status}: {out}{err}");
        assert_eq!(
            err,
            format!("conformance: -: entry 1: response status {status} is not an HTTP status (100-999, or 0 for no response)\n")
        );
    }
}

// Defect 1: HAR's 0 ("no response") checks the request and says so in the summary.
#[test]
fn har_status_zero_is_counted_as_unanswered() {
    let (code, out, err) = traffic_cli(&har("0"), &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        out,
        "traffic instabot: 1 exchanges: 1 conform, 0 violate, 0 undocumented, 0 lose data, 0 match no operation (0 bodies validated; 1 without a response): ok\n"
    );
}

// Defect 1: NDJSON refuses the same statuses, with the same words.
#[test]
fn ndjson_statuses_outside_http_are_input_errors() {
    for status in ["-1", "0", "70000", "1000"] {
        let line = format!(r#"{{"method": "GET", "path": "/v1/users/1", "status": {status}}}"#);
        let (code, out, err) = traffic_cli(&line, &[]);
        assert_eq!(code, 2, "{status}: {out}{err}");
        assert_eq!(
            err,
            format!("conformance: -: line 1: `status` {status} is not an HTTP status (100-999)\n")
        );
    }
}

/// An endless capture: `prefix`, then `filler` for ever. Counts what was read.
struct Endless {
    prefix: Vec<u8>,
    filler: u8,
    read: usize,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        for (index, byte) in buf.iter_mut().enumerate() {
            let at = self.read + index;
            *byte = self.prefix.get(at).copied().unwrap_or(self.filler);
        }
        self.read += buf.len();
        Ok(buf.len())
    }
}

fn run_endless(format: CaptureFormat, prefix: &str, cap: usize) -> (String, usize) {
    let validator = common::validator("instabot");
    let mut endless = Endless {
        prefix: prefix.as_bytes().to_vec(),
        filler: b'x',
        read: 0,
    };
    let result = {
        let mut reader = BufReader::with_capacity(1 << 12, &mut endless);
        traffic::run_limited(
            &validator,
            &mut reader as &mut dyn BufRead,
            format,
            Limits {
                max_exchange_bytes: cap,
            },
            &mut |_, _| Ok(()),
        )
    };
    match result {
        Err(TrafficError::Input(message)) => (message, endless.read),
        other => panic!("expected an input error, got {other:?}"),
    }
}

// Defect 8: a line (or HAR entry) longer than the cap stops the run before more is read.
#[test]
fn an_endless_line_or_entry_stops_at_the_cap() {
    let cap = 64 * 1024;
    let (message, read) = run_endless(CaptureFormat::Ndjson, "{\"method\": \"", cap);
    assert_eq!(
        message,
        "line 1: longer than 65536 bytes, the limit on one exchange (--max-exchange-bytes)"
    );
    assert!(read <= cap + 2 * 4096, "read {read} bytes");

    let prefix = r#"{"log": {"entries": [{"request": {"method": "GET", "url": "/v1/users/1", "postData": {"text": ""#;
    let (message, read) = run_endless(CaptureFormat::Har, prefix, cap);
    assert_eq!(
        message,
        "entry 1: longer than 65536 bytes, the limit on one exchange (--max-exchange-bytes)"
    );
    assert!(read <= cap + 2 * 4096, "read {read} bytes");
}

// Defect 8: the cap is a documented option of the command line.
#[test]
fn the_cap_is_configurable() {
    let line = format!(
        r#"{{"method": "GET", "path": "/v1/users/1", "status": 200, "response_body": "{}"}}"#,
        "y".repeat(2000)
    );
    let (code, _, err) = traffic_cli(&line, &["--max-exchange-bytes", "1000"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "conformance: -: line 1: longer than 1000 bytes, the limit on one exchange (--max-exchange-bytes)\n"
    );
    let (code, out, _) = traffic_cli(&line, &["--max-exchange-bytes", "4000"]);
    assert_eq!(
        code, 1,
        "within the cap it is checked (and violates): {out}"
    );
}

// Defect 9: control characters from a capture never reach the terminal raw.
#[test]
fn control_characters_are_escaped_in_text_output() {
    let line =
        r#"{"method": "GET", "path": "/nowhere/\u001b[31mred\u001b[0m\u202e\n", "status": 200}"#;
    let (code, out, _) = traffic_cli(line, &[]);
    assert_eq!(code, 1);
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{202e}'),
        "{out:?}"
    );
    assert_eq!(
        out.lines().next().unwrap(),
        r"line 1: GET /nowhere/\u{1b}[31mred\u{1b}[0m\u{202e}\u{a} -> 200: matches no operation: no path template of the spec matches"
    );
}

// Defect 7: `1.0`, `1e2`, `-0.0` are not integers (field named, spec line given); `-0` is.
#[test]
fn integers_are_read_as_openapi_3_0_reads_them() {
    let spec = spec("instabot");
    let validate = |number: &str| {
        let body = format!(
            r#"{{"userName": "u", "userPassword": "p", "photoFile": {{"objectId": {number}}}}}"#
        );
        common::cli(
            &[
                "validate",
                "--spec",
                &spec,
                "--op",
                "create_user",
                "--request",
                "-",
            ],
            &body,
        )
    };
    for (number, shown) in [("1.0", "1.0"), ("1e2", "100.0"), ("-0.0", "-0.0")] {
        let (code, out, err) = validate(number);
        assert_eq!(code, 1, "{number}: {out}{err}");
        let first = out.lines().next().unwrap();
        assert!(
            first.starts_with(&format!(
                "violation /photoFile/objectId: {shown} is not of type \"integer\" (OpenAPI 3.0: an integer is written without a fraction or exponent) [",
            )) && first.ends_with("/properties/objectId/type]"),
            "{number}: {first}"
        );
    }
    let (code, out, err) = validate("-0");
    assert_eq!(code, 0, "{out}{err}");
}

// Issue 25: a member named twice is a violation in the one parse of traffic, drift and the
// proxy (serde_json alone keeps the last `data`, a valid user here).
#[test]
fn a_duplicate_member_is_a_violation_not_the_last_one_wins() {
    let body = r#"{\"apiStatusCode\": \"Success\", \"data\": \"x\", \"data\": {\"objectId\": 1}}"#;
    let line = format!(
        r#"{{"method": "GET", "path": "/v1/users/1", "status": 200, "response_body_text": "{body}"}}"#
    );
    let (code, out, err) = traffic_cli(&line, &[]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains(
            "violation /: body is not JSON: the member `data` appears twice in one object"
        ),
        "{out}"
    );
}

/// A HAR capture of one `GET /v1/users/1` answered 200 with `content` as given (JSON text).
fn har_with_content(content: &str) -> String {
    format!(
        r#"{{"log": {{"entries": [{{"request": {{"method": "GET", "url": "https://api.instabot.io/v1/users/1"}}, "response": {{"status": 200, "content": {content}}}}}]}}}}"#
    )
}

// Issue 25: a body declared base64 that no encoder could have written (`A` decodes to nothing)
// is an input error naming the entry, not an empty body that conforms.
#[test]
fn impossible_base64_bodies_are_input_errors() {
    for text in ["A", "AB==", "eyJ*fQ=="] {
        let capture = har_with_content(&format!(
            r#"{{"mimeType": "application/json", "encoding": "base64", "text": "{text}"}}"#
        ));
        let (code, out, err) = traffic_cli(&capture, &[]);
        assert_eq!(code, 2, "{text}: {out}{err}");
        assert!(out.is_empty(), "{text}: {out}");
        assert!(
            err.starts_with(
                "conformance: -: entry 1: `response.content`: declared base64 (`encoding: base64`) but is not base64 ("
            ),
            "{text}: {err}"
        );
    }
    // The same body written by an encoder is read: `{"a":1}` is checked, not refused.
    let capture = har_with_content(
        r#"{"mimeType": "application/json", "encoding": "base64", "text": "eyJhIjoxfQ=="}"#,
    );
    let (code, _, err) = traffic_cli(&capture, &[]);
    assert_ne!(code, 2, "{err}");
}

/// What a run of the `conformance` binary as a child gave: its exit code, its standard output
/// and its peak resident set in KiB (`ru_maxrss` from `wait4`, the figure `VmHWM` shows,
/// read once the child has exited, so that no race with its exit can lose it).
#[cfg(target_os = "linux")]
// The child is reaped by `wait4` (which `Child::wait` cannot do: it gives no resource usage).
#[allow(clippy::zombie_processes)]
fn run_measured(
    args: &[&str],
    capture: impl Iterator<Item = Vec<u8>> + Send + 'static,
) -> (i32, Vec<u8>, i64) {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        for line in capture {
            if stdin.write_all(&line).is_err() {
                break;
            }
        }
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut output = Vec::new();
    stdout.read_to_end(&mut output).unwrap();
    writer.join().unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `rusage` is plain data that `wait4` fills in; the pid is our own child's.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4: {}", io::Error::last_os_error());
    assert!(libc::WIFEXITED(status), "the child exited by itself");
    (libc::WEXITSTATUS(status), output, usage.ru_maxrss)
}

// Issue 25: distinct 1 MiB paths and member names do not make drift's memory or output follow
// the capture: each finding keeps a summary (prefix, length, stable hash) and says why it has
// no suggested edit. Before the fix, 400 such paths took 3.1 GB and printed 839 MB.
#[cfg(target_os = "linux")]
#[test]
fn drift_output_and_memory_stay_bounded_whatever_the_capture_holds() {
    const MIB: usize = 1024 * 1024;
    const PATHS: usize = 48;
    const MEMBERS: usize = 24;
    let capture = (0..PATHS + MEMBERS).map(|index| {
        let filler = "a".repeat(MIB);
        let line = if index < PATHS {
            format!(r#"{{"method":"GET","path":"/v1/nowhere-{index:06}-{filler}","status":404}}"#)
        } else {
            format!(
                r#"{{"method":"POST","path":"/v1/users","status":201,"request_body":{{"userName":"u","userPassword":"p","m{index:06}{filler}":1}}}}"#
            )
        };
        format!("{line}\n").into_bytes()
    });
    let spec = spec("instabot");
    let (code, output, peak_kib) = run_measured(
        &["drift", "--spec", &spec, "--format", "json", "-"],
        capture,
    );
    assert_eq!(code, 1, "drift found");
    // Every finding is a few hundred bytes whatever its path or member name: 2 KiB is ample.
    let findings = PATHS + MEMBERS;
    assert!(
        output.len() < findings * 2048,
        "{} bytes of output for {findings} findings",
        output.len()
    );
    let report: serde_json::Value = serde_json::from_slice(&output).unwrap();
    let summarised: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["summarised"] == true)
        .collect();
    assert_eq!(
        summarised.len(),
        findings,
        "one finding per distinct long name"
    );
    for finding in &summarised {
        let subject = finding["subject"].as_str().unwrap();
        assert!(subject.chars().count() < 200, "{subject}");
        assert!(subject.contains(" bytes, fnv1a64 "), "{subject}");
        assert!(finding["suggestion"].is_null());
        assert!(finding["no_suggestion_because"]
            .as_str()
            .unwrap()
            .starts_with("the subject is over 200 characters"));
    }
    // About 40 MiB whatever the capture (the 1 MiB line being read, the spec, the runtime);
    // holding the names whole would take well over 100 MiB for these 72 MiB.
    assert!(peak_kib < 100 * 1024, "peak resident set {peak_kib} KiB");
}
