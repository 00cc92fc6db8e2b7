//! Throughput of schema validation against a bare `serde_json` parse of the same text.
//!
//! ```sh
//! cargo run --release -p conformance --example bench [-- --iterations N --lines N --keep]
//! ```
//!
//! 1. The documents' ten-profile list response (`spec/samples/insightiq/list_profiles.response-200.json`,
//!    16 KB) is parsed N times, then parsed and validated N times through the library, then
//!    handled N times by the proxy's validation thread (`proxy::findings::Worker`: as forwarded,
//!    parsed, validated, undocumented members, the round trip through the generated types).
//! 2. An NDJSON capture of `--lines` `GET /v1/profiles` exchanges carrying that body is generated
//!    under `target/`, read by a bare parse loop (line by line, one `serde_json::Value` each),
//!    then run through the `traffic` command and the `drift` command (in-process, output
//!    discarded). One line in 100 carries an undocumented member, so that drift has something
//!    to aggregate (and traffic something to report).
//!
//! Both print bodies per second and the ratio to the bare parse, drift's rate as a share of
//! traffic's (the target is 70% or more), then the peak resident memory (VmHWM) of each run:
//! the peak is reset (`/proc/self/clear_refs`) before each, so each figure is that run's own.
//! Everything runs on one thread.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use conformance::proxy::findings::{Forwarded, Seen, Summary, Worker};
use conformance::{BodyKindArg, Validator};
use serde_json::Value;

// The `conformance` binary's allocator, so that the figures are the binary's.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut iterations: u32 = 5_000;
    let mut lines: u32 = 20_000;
    let mut keep = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--iterations" => {
                iterations = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(iterations)
            }
            "--lines" => lines = args.next().and_then(|v| v.parse().ok()).unwrap_or(lines),
            "--keep" => keep = true,
            other => {
                eprintln!(
                    "unknown argument {other}; usage: bench [--iterations N] [--lines N] [--keep]"
                );
                std::process::exit(2);
            }
        }
    }
    if cfg!(debug_assertions) {
        eprintln!("warning: a debug build; run with --release for meaningful figures");
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let spec_path = root.join("spec/insightiq.yaml");
    let body_text = std::fs::read_to_string(
        root.join("spec/samples/insightiq/list_profiles.response-200.json"),
    )
    .expect("the ten-profile sample");
    let validator = Validator::new(spec_model::load(&spec_path).expect("spec loads"));
    validator.compile_all().expect("schemas compile");

    println!("ten-profile list body: {} bytes", body_text.len());

    // 1. In memory.
    let bare = time(iterations, || {
        let value: Value = serde_json::from_str(&body_text).unwrap();
        std::hint::black_box(value);
    });
    let parsed: Value = serde_json::from_str(&body_text).unwrap();
    let validate_only = time(iterations, || {
        let (_, _, outcome) = validator
            .validate("list_profiles", BodyKindArg::Status("200"), &parsed)
            .unwrap();
        assert!(outcome.conforms());
    });
    let both = time(iterations, || {
        let value: Value = serde_json::from_str(&body_text).unwrap();
        let (_, _, outcome) = validator
            .validate("list_profiles", BodyKindArg::Status("200"), &value)
            .unwrap();
        assert!(outcome.conforms());
    });
    println!("\nin memory, {iterations} iterations:");
    row("bare serde_json parse", iterations, bare, bare);
    row(
        "validation only (parsed once)",
        iterations,
        validate_only,
        bare,
    );
    row("parse + validate", iterations, both, bare);
    // What the proxy's validation thread spends per exchange (its `Worker`, as the proxy runs
    // it: the body as forwarded, parsed, validated, undocumented members found, round trip).
    let forwarded = Forwarded {
        method: "GET".into(),
        target: "/v1/profiles?limit=10".into(),
        status: 200,
        request_headers: vec![("accept".into(), "application/json".into())],
        response_headers: vec![("content-type".into(), "application/json".into())],
        request_body: Seen::Bytes(Bytes::new()),
        response_body: Seen::Bytes(Bytes::from(serde_json::to_string(&parsed).unwrap())),
    };
    static TYPES: conformance::GeneratedTypes = conformance::GeneratedTypes;
    for round_trip in [false, true] {
        let summary = Arc::new(Mutex::new(Summary::default()));
        let mut worker = Worker {
            validator: Validator::new(validator.spec().clone())
                .with_types(round_trip.then_some(&TYPES as &dyn conformance::TypedRoundTrip)),
            summary: Arc::clone(&summary),
            log: Box::new(std::io::sink()),
            record: None,
            max_body_bytes: 1 << 20,
            sequence: 0,
            redaction: Default::default(),
        };
        let elapsed = time(iterations, || worker.handle(forwarded.clone()));
        let totals = summary.lock().unwrap().totals;
        assert_eq!(totals.classes, conformance::ClassCounts::default());
        row(
            if round_trip {
                "proxy worker, round trip on (default)"
            } else {
                "proxy worker, --no-round-trip"
            },
            iterations,
            elapsed,
            bare,
        );
    }

    // 2. A large NDJSON capture through `traffic`.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    std::fs::create_dir_all(&target).unwrap();
    let capture = target.join("conformance-bench.ndjson");
    let compact: String = serde_json::to_string(&parsed).unwrap();
    {
        let mut out = BufWriter::new(std::fs::File::create(&capture).unwrap());
        let mut drifted = parsed.clone();
        drifted["data"][0]["follower_tier"] = Value::from("gold");
        let drifted = serde_json::to_string(&drifted).unwrap();
        for index in 0..lines {
            let body = if index % 100 == 99 {
                &drifted
            } else {
                &compact
            };
            writeln!(
                out,
                "{{\"method\":\"GET\",\"path\":\"/v1/profiles?offset={}\",\"status\":200,\"response_body\":{body}}}",
                index * 10
            )
            .unwrap();
        }
    }
    let size = std::fs::metadata(&capture).unwrap().len();
    println!(
        "\nNDJSON capture: {} ({lines} lines, {:.0} MB)",
        capture.display(),
        size as f64 / 1e6
    );
    let hwm_before = peak_rss_kb();

    let start = Instant::now();
    let mut reader = BufReader::with_capacity(1 << 16, std::fs::File::open(&capture).unwrap());
    let mut line = String::new();
    let mut count = 0u32;
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        let value: Value = serde_json::from_str(line.trim()).unwrap();
        std::hint::black_box(value);
        count += 1;
    }
    let bare_lines = start.elapsed();
    assert_eq!(count, lines);

    reset_peak_rss();
    let (traffic, traffic_code, traffic_out) = command(&["traffic"], &spec_path, &capture);
    let traffic_hwm = peak_rss_kb();
    assert_eq!(traffic_code, 0, "{traffic_out}");
    print!(
        "traffic: {}",
        traffic_out.lines().last().unwrap_or_default()
    );
    println!();
    reset_peak_rss();
    let (drift, drift_code, drift_out) = command(&["drift"], &spec_path, &capture);
    let drift_hwm = peak_rss_kb();
    assert_eq!(
        drift_code, 1,
        "drift finds the undocumented member: {drift_out}"
    );
    println!("drift: {}", drift_out.lines().next().unwrap_or_default());
    row(
        "bare parse loop (read_line + parse)",
        lines,
        bare_lines,
        bare_lines,
    );
    row("conformance traffic", lines, traffic, bare_lines);
    row("conformance drift", lines, drift, bare_lines);
    println!(
        "drift's rate is {:.0}% of traffic's (target: at least 70%)",
        100.0 * traffic.as_secs_f64() / drift.as_secs_f64()
    );
    println!(
        "peak RSS (VmHWM): {} kB before the capture was read; traffic {} kB, drift {} kB{}",
        hwm_before.unwrap_or(0),
        traffic_hwm.unwrap_or(0),
        drift_hwm.unwrap_or(0),
        if peak_reset_works() {
            ""
        } else {
            " (peak not resettable here: cumulative)"
        }
    );
    if !keep {
        std::fs::remove_file(&capture).ok();
    }
}

/// Runs `conformance <subcommand> --spec SPEC CAPTURE` in-process: (time, exit code, stdout).
fn command(
    subcommand: &[&str],
    spec: &std::path::Path,
    capture: &std::path::Path,
) -> (Duration, i32, String) {
    let args = std::iter::once("conformance")
        .chain(subcommand.iter().copied())
        .chain(["--spec", spec.to_str().unwrap(), capture.to_str().unwrap()])
        .map(std::ffi::OsString::from);
    let mut out = Vec::new();
    let start = Instant::now();
    let code = conformance::cli::run(
        args,
        None,
        &mut std::io::empty(),
        &mut out,
        &mut std::io::stderr(),
    );
    (
        start.elapsed(),
        code,
        String::from_utf8_lossy(&out).into_owned(),
    )
}

/// Resets the peak resident set size (VmHWM) to the current one (Linux: `clear_refs` 5).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_reset_works() -> bool {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/proc/self/clear_refs")
        .is_ok()
}

fn time(iterations: u32, mut f: impl FnMut()) -> Duration {
    // Warm up.
    for _ in 0..(iterations / 10).max(1) {
        f();
    }
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed()
}

fn row(label: &str, count: u32, elapsed: Duration, baseline: Duration) {
    let per_body = elapsed.as_secs_f64() / f64::from(count);
    println!(
        "  {label:<38} {:>9.0} bodies/s  {:>7.1} µs/body  {:>5.0}% of the bare-parse rate",
        1.0 / per_body,
        per_body * 1e6,
        100.0 * baseline.as_secs_f64() / elapsed.as_secs_f64()
    );
}

fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
