//! The `conformance` command line, callable in-process (tests, `cargo xtask`).

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::output::{self, Format, TrafficWriter};
use crate::roundtrip::TypedRoundTrip;
use crate::validate::{BodyKindArg, Validator};
use crate::{capture, traffic};

/// Exit code: no violation and no loss (undocumented members are reported and pass, unless
/// `--strict`).
pub const EXIT_OK: i32 = 0;
/// Exit code: a violation (schema, status, content type, unmatched operation), a loss through
/// the generated types, an undocumented member with `--strict` (or, for `report`, a verdict
/// that differs from the manifest).
pub const EXIT_VIOLATION: i32 = 1;
/// Exit code: usage error, unknown operation or status, unreadable spec, body or capture.
pub const EXIT_USAGE: i32 = 2;

/// Holds bodies, samples and traffic to the OpenAPI specs.
///
/// Every finding has a class: violation (breaks the schema, or the status, content type or
/// operation is not documented), undocumented (allowed by the schema but not described: a member
/// outside `properties`), loss (the generated Rust types drop or change what the spec
/// describes). Exit 0: no violation and no loss; 1: a violation or a loss, or an undocumented
/// member with --strict; 2: usage or input error.
#[derive(Debug, Parser)]
#[command(name = "conformance", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validates one JSON body against an operation's request or response schema.
    Validate(ValidateArgs),
    /// Validates every exchange of a HAR or NDJSON capture.
    Traffic(TrafficArgs),
    /// Checks every sample of spec/samples/manifest.yaml and every example of the specs.
    Report(ReportArgs),
    /// Aggregates what a capture shows that the spec does not describe, with each finding's
    /// spec location and a suggested edit (never applied). Exit 0: no drift; 1: drift.
    Drift(DriftArgs),
    /// A validating proxy: forwards to the upstream and reports every exchange's findings;
    /// Ctrl-C or SIGTERM prints the summary (exit 1 if something failed).
    Proxy(ProxyArgs),
    /// Drives a running implementation with requests built from the spec (examples, bounds,
    /// documented refusals, flows along `links`) and reports what it gets wrong, with the
    /// coverage of operation × documented status. Exit 0: nothing failed; 1: a violation or a
    /// loss, a stale or missing unreached entry, or coverage under --fail-under.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// The OpenAPI spec (YAML).
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// The implementation's base URL, base path included (http://127.0.0.1:8080/v1). Requests
    /// go there and nowhere else.
    #[arg(long, value_name = "URL")]
    url: String,
    /// A security scheme's value (its name in the spec; `user:password` for HTTP basic);
    /// repeatable. The environment variable CONFORMANCE_CREDENTIAL_<SCHEME> (upper case) is
    /// read for a scheme not given here, and keeps the value out of the process list. Values
    /// are never printed.
    #[arg(long = "credential", value_name = "SCHEME=VALUE")]
    credentials: Vec<String>,
    /// Requests sent at most (setup included); the run stops there and says so.
    #[arg(long, value_name = "N", default_value_t = crate::verify::DEFAULT_MAX_REQUESTS)]
    max_requests: usize,
    /// No request is started after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = crate::verify::DEFAULT_MAX_DURATION.as_secs())]
    max_duration_s: u64,
    /// A request not answered within this is a finding.
    #[arg(long, value_name = "MS", default_value_t = crate::verify::DEFAULT_REQUEST_TIMEOUT.as_millis() as u64)]
    request_timeout_ms: u64,
    /// Also send destructive operations (delete, deactivate, disconnect, force logout).
    #[arg(long)]
    allow_destructive: bool,
    /// Preconditions: a list of requests sent first, or a sandbox scenario document
    /// (PUT /_sandbox/state).
    #[arg(long, value_name = "FILE")]
    setup: Option<PathBuf>,
    /// The committed list of statuses expected to stay unreached: a status neither reached
    /// nor listed fails, and so does a stale entry (now reached, or naming nothing).
    #[arg(long, value_name = "FILE")]
    unreached: Option<PathBuf>,
    /// Fail when fewer than PERCENT of the documented statuses are reached.
    #[arg(long, value_name = "PERCENT")]
    fail_under: Option<f64>,
    /// Undocumented members fail too.
    #[arg(long)]
    strict: bool,
    /// Do not round-trip bodies through the generated types (no loss findings).
    #[arg(long)]
    no_round_trip: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Args)]
struct ProxyArgs {
    /// The OpenAPI spec (YAML).
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// Where requests go: http://HOST:PORT[/BASE] or https://...
    #[arg(long, value_name = "URL")]
    upstream: String,
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8090")]
    listen: std::net::SocketAddr,
    /// Write every exchange as extended NDJSON (credential headers redacted).
    #[arg(long, value_name = "FILE.ndjson")]
    record: Option<PathBuf>,
    /// Undocumented members fail too.
    #[arg(long)]
    strict: bool,
    /// PEM file of the CA that signed the upstream's certificate (instead of the system's).
    #[arg(long, value_name = "FILE")]
    upstream_ca: Option<PathBuf>,
    /// Answer 504 when the upstream has not answered within this many milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 30_000)]
    upstream_timeout_ms: u64,
    /// Bodies longer than this are forwarded as they arrive and reported as not validated.
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    max_body_bytes: usize,
    /// Exchanges waiting for validation at most (more are forwarded, counted as dropped).
    #[arg(long, value_name = "N", default_value_t = 4096)]
    queue: usize,
    /// Bytes (bodies and headers) waiting for validation at most: the bound on what the proxy
    /// holds when validation falls behind (more exchanges are forwarded, counted as dropped).
    #[arg(long, value_name = "BYTES", default_value_t = 32 * 1024 * 1024)]
    queue_bytes: usize,
    /// Do not round-trip bodies through the generated types (no loss findings).
    #[arg(long)]
    no_round_trip: bool,
    /// Answer 408 (and close the connection) when a request body sends nothing for this long.
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    body_idle_timeout_ms: u64,
    /// Answer 408 (and close the connection) when a request body is not complete this long
    /// after its head: a body sent a byte at a time does not hold a connection. The default
    /// is the servers' (`server_runtime::Limits::body_read_timeout`).
    #[arg(long, value_name = "MS", default_value_t = 30_000)]
    body_deadline_ms: u64,
    /// Close an upstream connection idle this long; keep it under the upstream's keep-alive
    /// timeout (the sandbox's is 10 s), so that a connection it closed is not reused.
    #[arg(long, value_name = "MS", default_value_t = 4_000)]
    pool_idle_timeout_ms: u64,
    /// Idle upstream connections kept at most (what a burst opened beyond it is closed).
    #[arg(long, value_name = "N", default_value_t = 32)]
    pool_max_idle_per_host: usize,
    /// Client connections served at once; more wait in the listen backlog.
    #[arg(long, value_name = "N", default_value_t = 256)]
    max_connections: usize,
    /// Also redact this member of request and response bodies in the recording and the log
    /// (a JSON pointer from the body's root; repeatable). Secret headers, query keys and
    /// `writeOnly` members of the spec are always redacted; the list is printed at start.
    #[arg(long, value_name = "POINTER")]
    redact: Vec<String>,
}

#[derive(Debug, Args)]
struct ValidateArgs {
    /// The OpenAPI spec (YAML).
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// operationId, or "METHOD /path/template".
    #[arg(long = "op", value_name = "OPERATION")]
    operation: String,
    /// Validate the response with this status code (or response key: 2XX, default).
    #[arg(
        long,
        value_name = "CODE",
        required_unless_present = "request",
        conflicts_with = "request"
    )]
    status: Option<String>,
    /// Validate the request body.
    #[arg(long)]
    request: bool,
    /// The JSON body; `-` or nothing reads standard input.
    #[arg(value_name = "BODY_FILE")]
    body: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Undocumented members fail too (exit 1).
    #[arg(long)]
    strict: bool,
}

#[derive(Debug, Args)]
struct TrafficArgs {
    /// The OpenAPI spec (YAML).
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// A HAR file, or NDJSON with one exchange per line; `-` reads standard input.
    #[arg(value_name = "CAPTURE")]
    capture: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also round-trip every body through the generated Rust types (slower).
    #[arg(long)]
    round_trip: bool,
    /// Undocumented members fail too (exit 1).
    #[arg(long)]
    strict: bool,
    /// The longest NDJSON line or HAR entry, in bytes; a longer one stops the run with exit 2
    /// before more than this is read (memory is bounded by this, not by the capture).
    #[arg(long, value_name = "BYTES", default_value_t = capture::Limits::DEFAULT_MAX_EXCHANGE_BYTES)]
    max_exchange_bytes: usize,
}

#[derive(Debug, Args)]
struct DriftArgs {
    /// The OpenAPI spec (YAML).
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// A HAR file, or NDJSON with one exchange per line; `-` reads standard input.
    #[arg(value_name = "CAPTURE")]
    capture: PathBuf,
    #[arg(long, value_enum, default_value_t = DriftFormat::Text)]
    format: DriftFormat,
    /// The longest NDJSON line or HAR entry, in bytes (as for `traffic`).
    #[arg(long, value_name = "BYTES", default_value_t = capture::Limits::DEFAULT_MAX_EXCHANGE_BYTES)]
    max_exchange_bytes: usize,
}

/// `drift`'s output formats (one report, so no JUnit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DriftFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
struct ReportArgs {
    /// The workspace root (holding spec/ and spec/samples/); found from the current
    /// directory by default.
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Runs the command line with these arguments (the first is the program name) and returns the
/// exit code. `types`, when given, round-trips bodies through generated types (`validate` and
/// `report` always, `traffic` with `--round-trip`).
pub fn run(
    args: impl IntoIterator<Item = OsString>,
    types: Option<&dyn TypedRoundTrip>,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            use clap::error::ErrorKind;
            let text = error.render().to_string();
            return match error.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    let _ = stdout.write_all(text.as_bytes());
                    EXIT_OK
                }
                _ => {
                    let _ = stderr.write_all(text.as_bytes());
                    EXIT_USAGE
                }
            };
        }
    };
    let result = match cli.command {
        Command::Validate(args) => validate(args, types, stdin, stdout),
        Command::Traffic(args) => traffic(args, types, stdin, stdout),
        Command::Report(args) => report(args, types, stdout),
        Command::Drift(args) => drift(args, stdin, stdout),
        Command::Verify(args) => verify(args, types, stdout),
        Command::Proxy(args) => crate::proxy::run(
            crate::proxy::Config {
                spec: args.spec,
                upstream: args.upstream,
                listen: args.listen,
                record: args.record,
                strict: args.strict,
                upstream_ca: args.upstream_ca,
                timeout: std::time::Duration::from_millis(args.upstream_timeout_ms),
                max_body_bytes: args.max_body_bytes,
                queue: args.queue,
                queue_bytes: args.queue_bytes,
                round_trip: types.is_some() && !args.no_round_trip,
                body_timers: crate::proxy::body::Timers {
                    idle: std::time::Duration::from_millis(args.body_idle_timeout_ms),
                    total: std::time::Duration::from_millis(args.body_deadline_ms),
                },
                pool: crate::proxy::upstream::Pool {
                    idle_timeout: std::time::Duration::from_millis(args.pool_idle_timeout_ms),
                    max_idle_per_host: args.pool_max_idle_per_host,
                },
                max_connections: args.max_connections,
                redact: args.redact,
            },
            stdout,
            Box::new(std::io::stderr()),
        ),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            let _ = stdout.flush();
            let _ = writeln!(
                stderr,
                "conformance: {}",
                output::escape_controls(&message, false)
            );
            EXIT_USAGE
        }
    }
}

fn verify(
    args: VerifyArgs,
    types: Option<&dyn TypedRoundTrip>,
    stdout: &mut dyn Write,
) -> Result<i32, String> {
    use crate::verify::{self, render, unreached};
    let spec = load(&args.spec)?;
    let mut credentials = verify::Credentials::new();
    for assignment in &args.credentials {
        credentials.add_assignment(assignment)?;
    }
    credentials.add_from_env(&spec);
    let entries = match &args.unreached {
        Some(path) => Some(unreached::load(path).map_err(|e| e.to_string())?),
        None => None,
    };
    let setup = match &args.setup {
        Some(path) => Some(verify::Setup::load(path)?),
        None => None,
    };
    if let Some(floor) = args.fail_under {
        if !(0.0..=100.0).contains(&floor) {
            return Err(format!(
                "--fail-under {floor}: give a percentage from 0 to 100"
            ));
        }
    }
    let options = verify::Options {
        credentials,
        max_requests: args.max_requests,
        max_duration: std::time::Duration::from_secs(args.max_duration_s),
        request_timeout: std::time::Duration::from_millis(args.request_timeout_ms),
        allow_destructive: args.allow_destructive,
        setup,
        step_hook: None,
    };
    let target = verify::UrlTarget::new(&args.url)?;
    let validator = Validator::new(spec).with_types(if args.no_round_trip { None } else { types });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let mut report = runtime
        .block_on(verify::run(&validator, &target, &options))
        .map_err(|e| e.to_string())?;
    if let Some(entries) = &entries {
        let api = report.api.clone();
        report.stale = unreached::apply(entries, &api, &mut report.coverage);
    }
    let gates = render::Gates {
        require_listed: entries.is_some(),
        fail_under: args.fail_under,
    };
    let document = render::Document::new(&report, &gates, args.strict);
    stdout
        .write_all(document.render(args.format).as_bytes())
        .map_err(|e| e.to_string())?;
    Ok(if document.passes() {
        EXIT_OK
    } else {
        EXIT_VIOLATION
    })
}

fn load(path: &Path) -> Result<spec_model::Spec, String> {
    spec_model::load(path).map_err(|e| e.to_string())
}

fn is_stdin(path: Option<&Path>) -> bool {
    path.is_none_or(|p| p.as_os_str() == "-")
}

fn validate(
    args: ValidateArgs,
    types: Option<&dyn TypedRoundTrip>,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
) -> Result<i32, String> {
    let spec = load(&args.spec)?;
    let api = spec.api.clone();
    let validator = Validator::new(spec).with_types(types);
    let (source, text) = if is_stdin(args.body.as_deref()) {
        let mut text = String::new();
        stdin
            .read_to_string(&mut text)
            .map_err(|e| format!("standard input: cannot read: {e}"))?;
        ("standard input".to_owned(), text)
    } else {
        let path = args.body.as_deref().unwrap_or(Path::new("-"));
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        (path.display().to_string(), text)
    };
    let body: serde_json::Value = jsonschema_oas30::parse_json(text.as_bytes())
        .map_err(|e| format!("{source}: not JSON: {e}"))?;
    let kind = match &args.status {
        Some(status) => BodyKindArg::Status(status),
        None => BodyKindArg::Request,
    };
    let (operation, kind, outcome) =
        validator
            .validate(&args.operation, kind, &body)
            .map_err(|e| match e {
                // Already located: `file:line: pointer: message`.
                crate::validate::Error::Schema(located) => located,
                other => format!("{}: {other}", args.spec.display()),
            })?;
    let text = output::validate_report(
        args.format,
        &api,
        &operation.name,
        kind,
        &source,
        &outcome,
        args.strict,
    );
    stdout
        .write_all(text.as_bytes())
        .map_err(|e| e.to_string())?;
    Ok(if outcome.passes(args.strict) {
        EXIT_OK
    } else {
        EXIT_VIOLATION
    })
}

/// Opens a capture (`-`: standard input) and tells its format.
fn open_capture<'i>(
    capture: &Path,
    stdin: &'i mut dyn Read,
) -> Result<(Box<dyn BufRead + 'i>, capture::CaptureFormat), String> {
    let name = capture.display();
    let mut reader: Box<dyn BufRead + 'i> = if is_stdin(Some(capture)) {
        Box::new(BufReader::with_capacity(1 << 16, stdin))
    } else {
        let file = std::fs::File::open(capture).map_err(|e| format!("{name}: cannot read: {e}"))?;
        Box::new(BufReader::with_capacity(1 << 16, file))
    };
    let format = capture::detect(&mut reader).map_err(|e| format!("{name}: {e}"))?;
    Ok((reader, format))
}

fn drift(args: DriftArgs, stdin: &mut dyn Read, stdout: &mut dyn Write) -> Result<i32, String> {
    let validator = Validator::new(load(&args.spec)?);
    let (mut reader, format) = open_capture(&args.capture, stdin)?;
    let limits = capture::Limits {
        max_exchange_bytes: args.max_exchange_bytes,
    };
    let report = crate::drift::run(&validator, &mut reader, format, limits)
        .map_err(|e| format!("{}: {e}", args.capture.display()))?;
    let text = match args.format {
        DriftFormat::Text => crate::drift::render::text(&report),
        DriftFormat::Json => crate::drift::render::json(&report),
    };
    stdout
        .write_all(text.as_bytes())
        .map_err(|e| e.to_string())?;
    Ok(if report.drifted() {
        EXIT_VIOLATION
    } else {
        EXIT_OK
    })
}

fn traffic(
    args: TrafficArgs,
    types: Option<&dyn TypedRoundTrip>,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
) -> Result<i32, String> {
    if args.round_trip && types.is_none() {
        return Err("--round-trip: this build has no generated types to round-trip through".into());
    }
    let spec = load(&args.spec)?;
    let api = spec.api.clone();
    let validator = Validator::new(spec).with_types(if args.round_trip { types } else { None });
    let capture_name = args.capture.display().to_string();
    let (mut reader, format) = open_capture(&args.capture, stdin)?;
    let mut writer = TrafficWriter::new(args.format, &mut *stdout, &api, args.strict)
        .map_err(|e| e.to_string())?;
    let limits = capture::Limits {
        max_exchange_bytes: args.max_exchange_bytes,
    };
    let summary = traffic::run_limited(
        &validator,
        &mut reader,
        format,
        limits,
        &mut |exchange, verdict| writer.exchange(exchange, verdict),
    )
    .map_err(|e| format!("{capture_name}: {e}"))?;
    writer.finish(&summary).map_err(|e| e.to_string())?;
    Ok(if summary.ok(args.strict) {
        EXIT_OK
    } else {
        EXIT_VIOLATION
    })
}

fn report(
    args: ReportArgs,
    types: Option<&dyn TypedRoundTrip>,
    stdout: &mut dyn Write,
) -> Result<i32, String> {
    let root = match args.root {
        Some(root) => root,
        None => find_root()?,
    };
    let (text, code) = crate::samples::report::run_all_with_types(&root, args.format, types);
    if code == EXIT_USAGE {
        return Err(text
            .trim_end()
            .trim_start_matches("conformance: ")
            .to_owned());
    }
    stdout
        .write_all(text.as_bytes())
        .map_err(|e| e.to_string())?;
    Ok(code)
}

/// The nearest directory, from the current one up, holding the samples manifest.
fn find_root() -> Result<PathBuf, String> {
    let start = std::env::current_dir().map_err(|e| e.to_string())?;
    start
        .ancestors()
        .find(|dir| dir.join(crate::samples::report::MANIFEST).is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            format!(
                "no {} in {} or above; give --root",
                crate::samples::report::MANIFEST,
                start.display()
            )
        })
}
