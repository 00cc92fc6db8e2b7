//! `conformance proxy` in front of the sandbox on loopback, against the sandbox served directly
//! and against Prism's validation proxy, in one run.
//!
//! ```sh
//! cargo build --release -p conformance -p sandbox --bins
//! npm install --prefix target/prism @stoplight/prism-cli   # optional: Prism is measured when present
//! cargo run --release -p conformance --example proxy_bench [-- --rate 2000 --seconds 10 \
//!     --connections 32 --throughput-seconds 5 --memory-seconds 60 --memory-rate N --no-prism]
//! ```
//!
//! The sandbox (`target/release/sandbox insightiq`), the proxy (`target/release/conformance
//! proxy`, round trips on, as a team runs it) and Prism (`prism proxy spec/insightiq.yaml ...
//! --errors=false`) run as child processes; the load generator is this process, on one thread
//! (tokio current-thread runtime, hyper client). Every request is `GET /v1/profiles?limit=10`
//! with the sandbox's demo credentials (a seeded list, validated and round-tripped by the proxy).
//!
//! 1. Latency, open loop: requests are scheduled at a fixed rate and each one's latency is
//!    measured from its *scheduled* send time (no coordinated omission: a stalled server is
//!    charged for every request it delays). p50/p99 direct, through the proxy, through Prism;
//!    the p99 the proxy adds (target: at most 1 ms).
//! 2. Saturated throughput, closed loop over N connections: direct, proxy, Prism; the proxy's
//!    share of direct (target: at least 40%) and its ratio to Prism.
//! 3. The proxy's resident memory (VmRSS) sampled every second over an open-loop run (at
//!    `--memory-rate`, default `--rate`): start, at 10 s, max and end. Above the rate the
//!    validation thread keeps up with, its queue (`--queue-bytes`, 32 MiB, and `--queue`, 4,096
//!    exchanges) fills and memory grows to that bound; below it memory should stay flat.
//!
//! The load average is printed at the start and the end: figures on a busy machine are lower.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;

type HttpClient = Client<HttpConnector, Empty<Bytes>>;

/// `demo:p@55w0rd`, the sandbox's default insightIQ credentials, as HTTP basic.
const AUTHORIZATION: &str = "Basic ZGVtbzpwQDU1dzByZA==";

struct Settings {
    rate: u32,
    seconds: u64,
    connections: usize,
    throughput_seconds: u64,
    memory_seconds: u64,
    /// The memory run's rate (default: `rate`).
    memory_rate: Option<u32>,
    prism: bool,
    /// A bare reverse proxy (nginx) in front of the same sandbox, when nginx is installed.
    nginx: bool,
    /// Latency runs per target, interleaved (direct, proxy, nginx, direct, ...).
    rounds: usize,
    /// Extra arguments for `conformance proxy` (`--proxy-arg --no-round-trip`).
    proxy_args: Vec<String>,
}

fn main() {
    let settings = match parse_args() {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("{message}; usage: proxy_bench [--rate N] [--seconds N] [--connections N] [--throughput-seconds N] [--memory-seconds N] [--memory-rate N] [--rounds N] [--no-prism] [--no-nginx] [--proxy-arg ARG]...");
            std::process::exit(2);
        }
    };
    if cfg!(debug_assertions) {
        eprintln!("warning: a debug build; run with --release for meaningful figures");
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let bin_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(Path::to_path_buf))
        .expect("the example runs from target/<profile>/examples");
    let (sandbox_bin, conformance_bin) = (bin_dir.join("sandbox"), bin_dir.join("conformance"));
    for bin in [&sandbox_bin, &conformance_bin] {
        if !bin.is_file() {
            eprintln!(
                "{} is missing: build it first (cargo build --release -p conformance -p sandbox --bins)",
                bin.display()
            );
            std::process::exit(2);
        }
    }
    let spec = root.join("spec/insightiq.yaml");
    println!("load average at the start: {}", load_average());

    let sandbox = Process::sandbox(&sandbox_bin);
    let proxy = Process::proxy(&conformance_bin, &spec, sandbox.addr, &settings.proxy_args);
    let prism = if settings.prism {
        Process::prism(&root, &spec, sandbox.addr)
    } else {
        Err("skipped (--no-prism)".into())
    };
    if let Err(reason) = &prism {
        println!("Prism: not measured: {reason}");
    }
    let nginx = if settings.nginx {
        Process::nginx(&bin_dir, sandbox.addr)
    } else {
        Err("skipped (--no-nginx)".into())
    };
    if let Err(reason) = &nginx {
        println!("nginx: not measured: {reason}");
    }
    // Prism is given the upstream's base path and requests without it, so that its router
    // matches `/profiles` (our proxy strips the spec's server base path itself).
    let targets: Vec<(&str, String)> = [
        Some((
            "direct",
            format!("http://{}/v1/profiles?limit=10", sandbox.addr),
        )),
        Some((
            "proxy",
            format!("http://{}/v1/profiles?limit=10", proxy.addr),
        )),
        nginx
            .as_ref()
            .ok()
            .map(|p| ("nginx", format!("http://{}/v1/profiles?limit=10", p.addr))),
        prism
            .as_ref()
            .ok()
            .map(|p| ("Prism", format!("http://{}/profiles?limit=10", p.addr))),
    ]
    .into_iter()
    .flatten()
    .collect();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
        for (name, url) in &targets {
            let (status, body) = get(&client, url).await.expect("the target answers");
            println!("{name:<7} GET {url} -> {status}, {} bytes", body.len());
            assert_eq!(status, 200, "{name}: {}", String::from_utf8_lossy(&body));
        }

        println!(
            "\n1. latency, open loop at {} requests/s for {} s per run, {} rounds interleaved (from the scheduled send time):",
            settings.rate, settings.seconds, settings.rounds
        );
        // The machine's noise (other tenants, steal) moves a p99 by milliseconds from one run
        // to the next; interleaved rounds and their median give each target the same luck.
        let mut p99: Vec<(&str, Vec<Duration>)> = Vec::new();
        // Prism cannot keep up with this rate: one run, after the rounds, says so (its backlog
        // would still load the sandbox during the next target's run).
        let runs = (0..settings.rounds)
            .flat_map(|_| targets.iter().filter(|(name, _)| *name != "Prism"))
            .chain(targets.iter().filter(|(name, _)| *name == "Prism"));
        {
            for (name, url) in runs {
                open_loop(&client, url, settings.rate, Duration::from_secs(1)).await;
                let run = open_loop(
                    &client,
                    url,
                    settings.rate,
                    Duration::from_secs(settings.seconds),
                )
                .await;
                println!(
                    "  {name:<7} p50 {:>8.3} ms  p99 {:>8.3} ms  max {:>8.3} ms  ({} requests, {} failed)",
                    ms(run.percentile(50.0)),
                    ms(run.percentile(99.0)),
                    ms(run.percentile(100.0)),
                    run.latencies.len(),
                    run.failed
                );
                if let Some(error) = &run.first_error {
                    println!("          first failure: {error}");
                }
                if *name == "proxy" {
                    println!("          {}", validation_summary(&client, proxy.addr).await);
                }
                if *name == "Prism" {
                    // Let Prism's backlog drain before the next runs load the sandbox.
                    tokio::time::sleep(Duration::from_secs(10)).await;
                }
                match p99.iter_mut().find(|(n, _)| n == name) {
                    Some((_, runs)) => runs.push(run.percentile(99.0)),
                    None => p99.push((name, vec![run.percentile(99.0)])),
                }
            }
        }
        let p99_of = |wanted: &str| {
            p99.iter()
                .find(|(n, _)| *n == wanted)
                .map(|(_, runs)| median(runs))
        };
        for (name, runs) in &p99 {
            println!(
                "  {name:<7} median p99 {:>8.3} ms over {} run(s)",
                ms(median(runs)),
                runs.len()
            );
        }
        if let (Some(direct), Some(proxied)) = (p99_of("direct"), p99_of("proxy")) {
            println!(
                "  p99 added by the proxy: {:.3} ms (median p99 through it minus direct; target: at most 1 ms)",
                ms(proxied.saturating_sub(direct))
            );
            if let Some(bare) = p99_of("nginx") {
                println!(
                    "  p99 added by a bare reverse proxy (nginx, no validation) on the same machine: {:.3} ms",
                    ms(bare.saturating_sub(direct))
                );
            }
        }

        println!(
            "\n2. saturated throughput, closed loop over {} connections for {} s:",
            settings.connections, settings.throughput_seconds
        );
        let mut rates = Vec::new();
        for (name, url) in &targets {
            closed_loop(&client, url, settings.connections, Duration::from_secs(1)).await;
            let (done, failed, elapsed) = closed_loop(
                &client,
                url,
                settings.connections,
                Duration::from_secs(settings.throughput_seconds),
            )
            .await;
            let rate = done as f64 / elapsed.as_secs_f64();
            println!("  {name:<7} {rate:>9.0} requests/s  ({done} answered, {failed} failed)");
            rates.push((*name, rate));
        }
        let rate_of = |wanted: &str| rates.iter().find(|(n, _)| *n == wanted).map(|(_, r)| *r);
        if let (Some(direct), Some(proxied)) = (rate_of("direct"), rate_of("proxy")) {
            println!(
                "  the proxy passes {:.0}% of the direct rate (target: at least 40%)",
                100.0 * proxied / direct
            );
        }
        if let (Some(proxied), Some(prism)) = (rate_of("proxy"), rate_of("Prism")) {
            let (ours, theirs) = (p99_of("proxy").unwrap(), p99_of("Prism").unwrap());
            println!(
                "  ours vs Prism: {:.1}x the throughput; p99 {:.3} ms vs {:.3} ms ({:.1}x lower)",
                proxied / prism,
                ms(ours),
                ms(theirs),
                theirs.as_secs_f64() / ours.as_secs_f64().max(1e-9)
            );
        }

        let memory_rate = settings.memory_rate.unwrap_or(settings.rate);
        println!(
            "\n3. the proxy's resident memory over {} s at {memory_rate} requests/s:",
            settings.memory_seconds
        );
        let url = &targets[1].1;
        let pid = proxy.child.id();
        let sampler = std::thread::spawn(move || {
            let mut samples = Vec::new();
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(settings.memory_seconds) {
                samples.push(rss_kb(pid).unwrap_or(0));
                std::thread::sleep(Duration::from_secs(1));
            }
            samples
        });
        let before = validation_counts(&client, proxy.addr).await;
        let run = open_loop(
            &client,
            url,
            memory_rate,
            Duration::from_secs(settings.memory_seconds),
        )
        .await;
        // Give validation the moment it needs to finish the last exchanges of the run.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let after = validation_counts(&client, proxy.addr).await;
        let samples = sampler.join().unwrap();
        let end = rss_kb(pid).unwrap_or(0);
        let start = samples.first().copied().unwrap_or(0);
        let max = samples.iter().copied().max().unwrap_or(0).max(end);
        // The first seconds fill the allocator's pools and, if validation falls behind, the
        // queue (bounded by `--queue-bytes`); flat means no growth after them.
        let settled = samples.get(10).copied().unwrap_or(start);
        let late_max = samples.iter().skip(10).copied().max().unwrap_or(end).max(end);
        println!(
            "  VmRSS start {start} kB, at 10 s {settled} kB, max {max} kB, end {end} kB; from 10 s to the end {:+} kB (max after 10 s {late_max} kB) ({} requests, {} failed)",
            end as i64 - settled as i64,
            run.latencies.len(),
            run.failed
        );
        if let Some(error) = &run.first_error {
            println!("  first failure: {error}");
        }
        if let (Some(before), Some(after)) = (before, after) {
            println!(
                "  during this run the proxy validated {} exchanges and dropped {} (the queue may hold the saturated runs' exchanges at its start)",
                after.0 - before.0,
                after.1 - before.1
            );
        }
    });
    println!("\nload average at the end: {}", load_average());
    drop(prism);
    drop(nginx);
    drop(proxy);
    drop(sandbox);
}

fn parse_args() -> Result<Settings, String> {
    let mut settings = Settings {
        rate: 2_000,
        seconds: 10,
        connections: 32,
        throughput_seconds: 5,
        memory_seconds: 60,
        memory_rate: None,
        prism: true,
        nginx: true,
        rounds: 3,
        proxy_args: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            args.next()
                .and_then(|v| v.parse().ok())
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{name} takes a positive number"))
        };
        match arg.as_str() {
            "--rate" => settings.rate = number("--rate")? as u32,
            "--seconds" => settings.seconds = number("--seconds")?,
            "--connections" => settings.connections = number("--connections")? as usize,
            "--throughput-seconds" => settings.throughput_seconds = number("--throughput-seconds")?,
            "--memory-seconds" => settings.memory_seconds = number("--memory-seconds")?,
            "--memory-rate" => settings.memory_rate = Some(number("--memory-rate")? as u32),
            "--no-prism" => settings.prism = false,
            "--no-nginx" => settings.nginx = false,
            "--rounds" => settings.rounds = number("--rounds")? as usize,
            "--proxy-arg" => settings
                .proxy_args
                .push(args.next().ok_or("--proxy-arg takes an argument")?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(settings)
}

/// A child process, killed when dropped.
struct Process {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Process {
    fn sandbox(bin: &Path) -> Process {
        let mut child = Command::new(bin)
            .args(["insightiq", "--listen", "127.0.0.1:0", "--quiet"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the sandbox starts");
        let line = first_line_then_drain(child.stdout.take().unwrap());
        // `insightiq listening on http://127.0.0.1:PORT/v1`
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|addr| addr.parse().ok())
            .unwrap_or_else(|| panic!("the sandbox's first line: {line}"));
        Process { child, addr }
    }

    fn proxy(bin: &Path, spec: &Path, upstream: SocketAddr, extra: &[String]) -> Process {
        let mut child = Command::new(bin)
            .arg("proxy")
            .args(extra)
            .arg("--spec")
            .arg(spec)
            .args(["--upstream", &format!("http://{upstream}")])
            .args(["--listen", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the proxy starts");
        let line = first_line_then_drain(child.stderr.take().unwrap());
        let addr = line
            .trim()
            .strip_prefix("conformance proxy: listening on ")
            .and_then(|addr| addr.parse().ok())
            .unwrap_or_else(|| panic!("the proxy's first line: {line}"));
        Process { child, addr }
    }

    /// nginx (from PATH or /usr/sbin) as a bare reverse proxy to `upstream`, one worker, pooled
    /// upstream connections: the cost of one more hop on this machine, without validation.
    fn nginx(target: &Path, upstream: SocketAddr) -> Result<Process, String> {
        let bin = ["nginx", "/usr/sbin/nginx"]
            .into_iter()
            .find(|bin| Command::new(bin).arg("-v").output().is_ok())
            .ok_or("nginx is not installed (apt-get install nginx-light)")?;
        let dir = target.join("proxy-bench-nginx");
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let port = free_port()?;
        let config = format!(
            "daemon off;\nworker_processes 1;\npid {dir}/nginx.pid;\nerror_log {dir}/error.log;\n\
             events {{ worker_connections 1024; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {dir};\n  proxy_temp_path {dir};\n\
               upstream sandbox {{ server {upstream}; keepalive 64; }}\n\
               server {{\n    listen 127.0.0.1:{port};\n\
                 location / {{ proxy_pass http://sandbox; proxy_http_version 1.1; proxy_set_header Connection \"\"; }}\n  }}\n}}\n",
            dir = dir.display()
        );
        let config_path = dir.join("nginx.conf");
        std::fs::write(&config_path, config).map_err(|e| e.to_string())?;
        let child = Command::new(bin)
            .arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(&config_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start nginx: {e}"))?;
        Process::listening(child, port, Duration::from_secs(10))
            .map_err(|e| format!("nginx {e} (see {})", dir.join("error.log").display()))
    }

    /// Prism from `target/prism` (installed there with npm when it is not yet).
    fn prism(root: &Path, spec: &Path, upstream: SocketAddr) -> Result<Process, String> {
        let prefix = root.join("target/prism");
        let bin = prefix.join("node_modules/.bin/prism");
        if !bin.is_file() {
            println!(
                "Prism: installing @stoplight/prism-cli under {}",
                prefix.display()
            );
            let status = Command::new("npm")
                .arg("install")
                .arg("--prefix")
                .arg(&prefix)
                .arg("@stoplight/prism-cli")
                .stdout(Stdio::null())
                .status()
                .map_err(|e| format!("cannot run npm: {e}"))?;
            if !status.success() || !bin.is_file() {
                return Err(format!("npm install failed ({status})"));
            }
        }
        let port = free_port()?;
        let child = Command::new(&bin)
            .arg("proxy")
            .arg(spec)
            .arg(format!("http://{upstream}/v1"))
            .args(["--errors=false", "--host", "127.0.0.1", "--port"])
            .arg(port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        Process::listening(child, port, Duration::from_secs(60)).map_err(|e| format!("Prism {e}"))
    }

    /// `child`, once it accepts connections on `127.0.0.1:port` (killed if it does not within
    /// `within`).
    fn listening(child: Child, port: u16, within: Duration) -> Result<Process, String> {
        let process = Process {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        };
        let started = Instant::now();
        while std::net::TcpStream::connect(process.addr).is_err() {
            if started.elapsed() > within {
                return Err(format!("did not listen within {} s", within.as_secs()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(process)
    }
}

/// A loopback port free now (bound, read, released) for a child that takes its port as an
/// argument.
fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|e| e.to_string())
}

/// The first line of a child's pipe; the rest is read and dropped on a thread, so that the
/// child never blocks on a full pipe.
fn first_line_then_drain(pipe: impl std::io::Read + Send + 'static) -> String {
    let mut reader = BufReader::new(pipe);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    line
}

async fn get(client: &HttpClient, url: &str) -> Result<(u16, Bytes), String> {
    let request = hyper::Request::get(url)
        .header(hyper::header::AUTHORIZATION, AUTHORIZATION)
        .body(Empty::<Bytes>::new())
        .map_err(|e| e.to_string())?;
    let response = client.request(request).await.map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((status, body))
}

/// What the proxy's validation thread got through so far (its `/_conformance/summary`):
/// exchanges validated and dropped.
async fn validation_counts(client: &HttpClient, proxy: SocketAddr) -> Option<(u64, u64)> {
    let url = format!("http://{proxy}{}", conformance::proxy::SUMMARY_PATH);
    let (200, body) = get(client, &url).await.ok()? else {
        return None;
    };
    let summary: serde_json::Value = serde_json::from_slice(&body).ok()?;
    Some((
        summary["totals"]["exchanges"].as_u64()?,
        summary["dropped"].as_u64()?,
    ))
}

async fn validation_summary(client: &HttpClient, proxy: SocketAddr) -> String {
    match validation_counts(client, proxy).await {
        Some((validated, dropped)) => format!(
            "proxy so far: {validated} exchanges validated, {dropped} dropped (validation behind)"
        ),
        None => "proxy summary: unavailable".to_owned(),
    }
}

/// One request: `Err(why)` unless it is answered 200 within 10 s.
async fn ok(client: &HttpClient, url: &str) -> Result<(), String> {
    match tokio::time::timeout(Duration::from_secs(10), get(client, url)).await {
        Ok(Ok((200, _))) => Ok(()),
        Ok(Ok((status, _))) => Err(format!("status {status}")),
        Ok(Err(error)) => Err(error),
        Err(_) => Err("no answer within 10 s".into()),
    }
}

struct OpenLoop {
    /// Sorted.
    latencies: Vec<Duration>,
    failed: u64,
    /// Why the first failed request failed.
    first_error: Option<String>,
}

impl OpenLoop {
    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let index = ((p / 100.0) * (self.latencies.len() - 1) as f64).round() as usize;
        self.latencies[index]
    }
}

/// Sends `rate` requests per second for `duration`, each at its scheduled time whatever the
/// previous ones are doing (at most 1,024 in flight; a request waiting for a slot is charged
/// the wait), and measures each from its scheduled time; one unanswered 10 s after it is a
/// failure.
async fn open_loop(client: &HttpClient, url: &str, rate: u32, duration: Duration) -> OpenLoop {
    let count = (f64::from(rate) * duration.as_secs_f64()) as u64;
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate));
    let slots = Arc::new(tokio::sync::Semaphore::new(1024));
    let start = tokio::time::Instant::now() + Duration::from_millis(10);
    let mut handles = Vec::with_capacity(count as usize);
    for index in 0..count {
        let scheduled = start + interval.mul_f64(index as f64);
        tokio::time::sleep_until(scheduled).await;
        let (client, url, slots) = (client.clone(), url.to_owned(), Arc::clone(&slots));
        handles.push(tokio::spawn(async move {
            // A request not answered within 10 s of its scheduled time failed (so that a
            // saturated target, Prism at this rate, ends the run 10 s late at most).
            let answered = tokio::time::timeout_at(scheduled + Duration::from_secs(10), async {
                let _slot = slots.acquire_owned().await.unwrap();
                ok(&client, &url).await
            })
            .await
            .unwrap_or_else(|_| Err("not answered within 10 s of its scheduled time".into()));
            (scheduled.elapsed(), answered)
        }));
    }
    let mut run = OpenLoop {
        latencies: Vec::with_capacity(handles.len()),
        failed: 0,
        first_error: None,
    };
    for handle in handles {
        let (latency, answered) = handle.await.unwrap();
        match answered {
            Ok(()) => run.latencies.push(latency),
            Err(error) => {
                run.failed += 1;
                run.first_error.get_or_insert(error);
            }
        }
    }
    run.latencies.sort();
    run
}

/// `connections` loops each sending the next request when the last is answered, for
/// `duration`: (answered, failed, elapsed).
async fn closed_loop(
    client: &HttpClient,
    url: &str,
    connections: usize,
    duration: Duration,
) -> (u64, u64, Duration) {
    let start = Instant::now();
    let deadline = start + duration;
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let (client, url) = (client.clone(), url.to_owned());
            tokio::spawn(async move {
                let (mut done, mut failed) = (0u64, 0u64);
                while Instant::now() < deadline {
                    match ok(&client, &url).await {
                        Ok(()) => done += 1,
                        Err(_) => failed += 1,
                    }
                }
                (done, failed)
            })
        })
        .collect();
    let (mut done, mut failed) = (0, 0);
    for worker in workers {
        let (d, f) = worker.await.unwrap();
        done += d;
        failed += f;
    }
    (done, failed, start.elapsed())
}

fn median(runs: &[Duration]) -> Duration {
    let mut sorted = runs.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".into())
}
