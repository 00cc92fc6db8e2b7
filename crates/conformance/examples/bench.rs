//! Throughput of schema validation against a bare `serde_json` parse of the same text.
//!
//! ```sh
//! cargo run --release -p conformance --example bench [-- --iterations N --lines N --keep]
//! ```
//!
//! 1. The documents' ten-profile list response (`spec/samples/insightiq/list_profiles.response-200.json`,
//!    16 KB) is parsed N times, then parsed and validated N times through the library.
//! 2. An NDJSON capture of `--lines` `GET /v1/profiles` exchanges carrying that body is generated
//!    under `target/`, read by a bare parse loop (line by line, one `serde_json::Value` each),
//!    then run through the `traffic` command (in-process, output discarded).
//!
//! Both print bodies per second and the ratio to the bare parse, then the peak resident memory
//! (VmHWM). Everything runs on one thread.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use conformance::{BodyKindArg, Validator};
use serde_json::Value;

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

    // 2. A large NDJSON capture through `traffic`.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    std::fs::create_dir_all(&target).unwrap();
    let capture = target.join("conformance-bench.ndjson");
    let compact: String = serde_json::to_string(&parsed).unwrap();
    {
        let mut out = BufWriter::new(std::fs::File::create(&capture).unwrap());
        for index in 0..lines {
            writeln!(
                out,
                "{{\"method\":\"GET\",\"path\":\"/v1/profiles?offset={}\",\"status\":200,\"response_body\":{compact}}}",
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

    let start = Instant::now();
    let args = [
        "conformance",
        "traffic",
        "--spec",
        spec_path.to_str().unwrap(),
        capture.to_str().unwrap(),
    ]
    .map(std::ffi::OsString::from);
    let mut summary = Vec::new();
    let code = conformance::cli::run(
        args,
        None,
        &mut std::io::empty(),
        &mut summary,
        &mut std::io::stderr(),
    );
    let traffic = start.elapsed();
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&summary));
    print!("traffic: {}", String::from_utf8_lossy(&summary));
    row(
        "bare parse loop (read_line + parse)",
        lines,
        bare_lines,
        bare_lines,
    );
    row("conformance traffic", lines, traffic, bare_lines);
    println!(
        "peak RSS (VmHWM): {} kB before the capture was read, {} kB after",
        hwm_before.unwrap_or(0),
        peak_rss_kb().unwrap_or(0)
    );
    if !keep {
        std::fs::remove_file(&capture).ok();
    }
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
