//! `sandbox <insightiq|publica|instabot|all> [--listen ADDR]`: see `sandbox --help`.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use sandbox::{Api, Credentials, FaultConfig, Options};

#[derive(Parser)]
#[command(
    name = "sandbox",
    about = "The insightIQ, Publica.la and Instabot APIs running locally, in memory, seeded from the documents' samples",
    after_help = "Default credentials: insightIQ basic demo:p@55w0rd; Publica.la X-User-Token: demo-token; \
                  Instabot X-Instabot-Api-Key: demo-api-key with Authorization: X-Instabot-Master-Api-Key demo-master-key.\n\
                  Logs: one line per request on stderr (RUST_LOG is not read; --quiet turns them off).\n\
                  POST /_sandbox/reset puts an API's state back to the seeds and clears its faults; \
                  GET/PUT /_sandbox/faults shows/sets them; GET /_sandbox/requests[?operation=ID] lists the \
                  requests received (secrets redacted), DELETE forgets them (see the sandbox README)."
)]
struct Args {
    /// Which API to serve (insightiq, publica, instabot), or all three (all).
    #[arg(value_name = "API")]
    api: String,
    /// Address to listen on. With `all`, the three APIs take this port and the next two
    /// (insightiq, publica, instabot).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// insightIQ client id (HTTP basic user).
    #[arg(long, env = "SANDBOX_INSIGHTIQ_CLIENT_ID", default_value = sandbox::insightiq::DEFAULT_CLIENT_ID)]
    insightiq_client_id: String,
    /// insightIQ client secret (HTTP basic password).
    #[arg(long, env = "SANDBOX_INSIGHTIQ_CLIENT_SECRET", default_value = sandbox::insightiq::DEFAULT_CLIENT_SECRET, hide_default_value = true)]
    insightiq_client_secret: String,
    /// Publica.la store api_token (X-User-Token).
    #[arg(long, env = "SANDBOX_PUBLICA_TOKEN", default_value = sandbox::publica::DEFAULT_USER_TOKEN, hide_default_value = true)]
    publica_token: String,
    /// Instabot X-Instabot-Api-Key.
    #[arg(long, env = "SANDBOX_INSTABOT_API_KEY", default_value = sandbox::instabot::DEFAULT_API_KEY, hide_default_value = true)]
    instabot_api_key: String,
    /// Instabot master API key (Authorization: X-Instabot-Master-Api-Key KEY).
    #[arg(long, env = "SANDBOX_INSTABOT_MASTER_KEY", default_value = sandbox::instabot::DEFAULT_MASTER_API_KEY, hide_default_value = true)]
    instabot_master_key: String,
    /// insightIQ faults from the start, as `PUT /_sandbox/faults` takes them (JSON).
    #[arg(long, env = "SANDBOX_INSIGHTIQ_FAULTS")]
    insightiq_faults: Option<String>,
    /// Publica.la faults from the start (JSON, as `PUT /_sandbox/faults` takes them).
    #[arg(long, env = "SANDBOX_PUBLICA_FAULTS")]
    publica_faults: Option<String>,
    /// Instabot faults from the start (JSON, as `PUT /_sandbox/faults` takes them).
    #[arg(long, env = "SANDBOX_INSTABOT_FAULTS")]
    instabot_faults: Option<String>,
    /// Start from this scenario (a `GET /_sandbox/state` document) instead of the seeds; one
    /// API only.
    #[arg(long, value_name = "FILE")]
    state: Option<std::path::PathBuf>,
    /// The memory cap on each API's stored bytes: past it, creates get 507 (reads keep working).
    #[arg(long, env = "SANDBOX_MAX_STORED_BYTES", default_value_t = sandbox::DEFAULT_MAX_STORED_BYTES)]
    max_stored_bytes: usize,
    /// The longest wait for the next part of a request body, in ms: 408 beyond.
    #[arg(long, env = "SANDBOX_BODY_IDLE_TIMEOUT_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    body_idle_timeout_ms: u64,
    /// The longest a whole request body may take to arrive, in ms: 408 beyond.
    #[arg(long, env = "SANDBOX_BODY_READ_TIMEOUT_MS", default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(1..))]
    body_read_timeout_ms: u64,
    /// No request log.
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Which {
    Insightiq,
    Publica,
    Instabot,
    All,
}

/// The API named on the command line. An API with a spec (in `api_registry::APIS`) but no
/// hand-written sandbox is named as such, not reported as an unknown value.
fn which(name: &str, registry: &[&str]) -> Result<Which, String> {
    if let Ok(which) = <Which as clap::ValueEnum>::from_str(name, false) {
        return Ok(which);
    }
    let served = "insightiq, publica, instabot or all";
    if registry.contains(&name) {
        Err(format!(
            "`{name}` has a spec (spec/{name}.yaml) but no sandbox: its in-memory implementation \
             of the generated server trait is hand-written, and none exists yet for it \
             (crates/sandbox/src/{name}.rs); sandboxes exist for {served}"
        ))
    } else {
        Err(format!(
            "no API named `{name}`: sandboxes exist for {served}"
        ))
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let which = match which(&args.api, api_registry::APIS) {
        Ok(which) => which,
        Err(message) => {
            eprintln!("sandbox: {message}");
            return ExitCode::from(2);
        }
    };
    if !args.quiet {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_target(false)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init();
    }
    let options = match options(&args, which) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("sandbox: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("sandbox: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args, which, options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("sandbox: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The start options of each API, from the flags; a flag that does not parse is named.
fn options(args: &Args, which: Which) -> Result<Vec<(Api, Options)>, String> {
    let faults = [
        (Api::Insightiq, "--insightiq-faults", &args.insightiq_faults),
        (Api::Publica, "--publica-faults", &args.publica_faults),
        (Api::Instabot, "--instabot-faults", &args.instabot_faults),
    ];
    faults
        .into_iter()
        .map(|(api, flag, text)| {
            let faults = match text {
                Some(text) => FaultConfig::parse(api, text)
                    .map_err(|error| format!("{flag} (or its environment variable): {error}"))?,
                None => FaultConfig::default(),
            };
            Ok((
                api,
                Options {
                    faults,
                    state: None,
                    max_stored_bytes: Some(args.max_stored_bytes),
                    body_limits: server_runtime::Limits {
                        body_idle_timeout: Duration::from_millis(args.body_idle_timeout_ms),
                        body_read_timeout: Duration::from_millis(args.body_read_timeout_ms),
                        ..server_runtime::Limits::default()
                    },
                },
            ))
        })
        .collect::<Result<Vec<_>, String>>()
        .and_then(|mut options| {
            if let Some(path) = &args.state {
                let (api, document) = start_state(which, path, args.max_stored_bytes)?;
                if let Some((_, start)) = options.iter_mut().find(|(a, _)| *a == api) {
                    start.state = Some(document);
                }
            }
            Ok(options)
        })
}

/// The `--state` file, read and checked as `PUT /_sandbox/state` checks a document (its size
/// and the memory cap included).
fn start_state(
    which: Which,
    path: &std::path::Path,
    max_stored_bytes: usize,
) -> Result<(Api, serde_json::Value), String> {
    let api = match which {
        Which::Insightiq => Api::Insightiq,
        Which::Publica => Api::Publica,
        Which::Instabot => Api::Instabot,
        Which::All => {
            return Err(
                "--state holds one API's state: start one API, or PUT /_sandbox/state to each"
                    .into(),
            )
        }
    };
    let shown = path.display();
    // Read no more than `PUT /_sandbox/state` would: the file is not trusted to be small.
    let limit = sandbox::control_body_limit(max_stored_bytes);
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|file| {
            use std::io::Read as _;
            file.take(limit as u64 + 1).read_to_string(&mut text)
        })
        .map_err(|error| format!("--state {shown}: cannot read it: {error}"))?;
    if text.len() > limit {
        return Err(format!(
            "--state {shown}: the file is over {limit} bytes, the most `PUT /_sandbox/state` \
             takes under --max-stored-bytes {max_stored_bytes} ({} x the cap)",
            sandbox::CONTROL_BODY_BYTES_PER_STORED_BYTE
        ));
    }
    let document: serde_json::Value = serde_json::from_str(&text)
        .map_err(|error| format!("--state {shown}: not JSON: {error}"))?;
    sandbox::check_state(api, &document, max_stored_bytes)
        .map_err(|error| format!("--state {shown}: {} state refused: {error}", api.name()))?;
    Ok((api, document))
}

async fn run(args: Args, which: Which, options: Vec<(Api, Options)>) -> std::io::Result<()> {
    let credentials = Credentials {
        insightiq: insightiq_server::types::auth::Credentials::new(
            args.insightiq_client_id.clone(),
            args.insightiq_client_secret.clone(),
        ),
        publica: publica_server::types::auth::Credentials::new(args.publica_token.clone()),
        instabot: instabot_server::types::auth::Credentials::new(
            args.instabot_api_key.clone(),
            args.instabot_master_key.clone(),
        ),
    };
    let plan: Vec<(Api, SocketAddr)> = match which {
        Which::Insightiq => vec![(Api::Insightiq, args.listen)],
        Which::Publica => vec![(Api::Publica, args.listen)],
        Which::Instabot => vec![(Api::Instabot, args.listen)],
        Which::All => Api::ALL
            .iter()
            .enumerate()
            .map(|(index, api)| {
                let mut addr = args.listen;
                if addr.port() != 0 {
                    addr.set_port(addr.port() + index as u16);
                }
                (*api, addr)
            })
            .collect(),
    };
    let mut running = Vec::new();
    for (api, addr) in plan {
        let start = options
            .iter()
            .find(|(a, _)| *a == api)
            .map(|(_, options)| options.clone())
            .unwrap_or_default();
        let server = sandbox::start_with(api, addr, credentials.clone(), start).await?;
        announce(&banner(&server, &args));
        running.push(server);
    }
    let _ = tokio::signal::ctrl_c().await;
    announce("shutting down");
    for server in running {
        server.shutdown().await?;
    }
    Ok(())
}

/// Prints a line for whoever watches stdout. Informational only: a closed or full stdout (a
/// parent that read the banner's first line and went away) must not stop the servers, as a
/// failed `println!` would by panicking.
fn announce(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

fn banner(server: &sandbox::Running, args: &Args) -> String {
    let url = server.base_url();
    match server.api {
        Api::Insightiq => format!(
            "insightiq listening on {url}\n  curl -u '{}:{}' '{url}/profiles?limit=2'",
            args.insightiq_client_id, args.insightiq_client_secret
        ),
        Api::Publica => format!(
            "publica listening on {url}\n  curl -H 'X-User-Token: {}' '{url}/integration-api/v1/dashboard/users'",
            args.publica_token
        ),
        Api::Instabot => format!(
            "instabot listening on {url}\n  curl -H 'X-Instabot-Api-Key: {}' -H 'Authorization: X-Instabot-Master-Api-Key {}' '{url}/users'",
            args.instabot_api_key, args.instabot_master_key
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_with_a_spec_but_no_sandbox_is_named_as_such() {
        let registry = ["insightiq", "instabot", "newvendor", "publica"];
        assert_eq!(which("publica", &registry), Ok(Which::Publica));
        assert_eq!(which("all", &registry), Ok(Which::All));
        let message = which("newvendor", &registry).unwrap_err();
        assert!(message.contains("`newvendor` has a spec"), "{message}");
        assert!(message.contains("no sandbox"), "{message}");
        let message = which("nothing", &registry).unwrap_err();
        assert!(message.starts_with("no API named `nothing`"), "{message}");
    }

    #[test]
    fn every_sandbox_has_a_spec() {
        for api in Api::ALL {
            assert!(api_registry::APIS.contains(&api.name()), "{}", api.name());
        }
    }
}
