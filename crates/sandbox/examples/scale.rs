//! The scale benchmark (issue 16): per API, the lookup and create rates with the seeds alone
//! and after `RECORDS` records, and the p99 latency of creates, at 16 connections over
//! loopback. Prints figures; asserts nothing (machine load decides them).
//!
//! `cargo run --release -p sandbox --example scale [-- RECORDS SECONDS]` (defaults 100000 3).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sandbox::{Api, Credentials};
use serde_json::{json, Value};

const CONNECTIONS: usize = 16;

/// One API's requests: a create with a unique key `n`, and a lookup of the record created
/// with key `probe`.
struct Workload {
    api: Api,
    lookup_name: &'static str,
    create_name: &'static str,
}

const WORKLOADS: [Workload; 3] = [
    Workload {
        api: Api::Insightiq,
        lookup_name: "GET /users/external_id/{id}",
        create_name: "POST /users",
    },
    Workload {
        api: Api::Publica,
        lookup_name: "GET .../dashboard/users?email=",
        create_name: "POST .../dashboard/users",
    },
    Workload {
        api: Api::Instabot,
        lookup_name: "GET /users/{objectId}",
        create_name: "POST /users",
    },
];

fn authorized(api: Api, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    match api {
        Api::Insightiq => request.basic_auth(
            sandbox::insightiq::DEFAULT_CLIENT_ID,
            Some(sandbox::insightiq::DEFAULT_CLIENT_SECRET),
        ),
        Api::Publica => request.header("x-user-token", sandbox::publica::DEFAULT_USER_TOKEN),
        Api::Instabot => request
            .header("x-instabot-api-key", sandbox::instabot::DEFAULT_API_KEY)
            .header(
                "authorization",
                format!(
                    "X-Instabot-Master-Api-Key {}",
                    sandbox::instabot::DEFAULT_MASTER_API_KEY
                ),
            ),
    }
}

fn create(client: &reqwest::Client, api: Api, base: &str, n: u64) -> reqwest::RequestBuilder {
    let (path, body) = match api {
        Api::Insightiq => (
            "/users",
            json!({"name": format!("bench {n}"), "external_id": format!("bench-{n}")}),
        ),
        Api::Publica => (
            "/integration-api/v1/dashboard/users",
            json!({"email": format!("bench-{n}@example.com"), "external_id": format!("bench-{n}")}),
        ),
        Api::Instabot => (
            "/users",
            json!({"userName": format!("bench-{n}"), "userPassword": "secret", "customProperties": {}}),
        ),
    };
    authorized(api, client.post(format!("{base}{path}")).json(&body))
}

/// The probe's key: insightIQ's external_id, Publica.la's e-mail, Instabot's objectId.
fn lookup(client: &reqwest::Client, api: Api, base: &str, probe: &str) -> reqwest::RequestBuilder {
    let url = match api {
        Api::Insightiq => format!("{base}/users/external_id/{probe}"),
        Api::Publica => {
            format!("{base}/integration-api/v1/dashboard/users?email={probe}")
        }
        Api::Instabot => format!("{base}/users/{probe}"),
    };
    authorized(api, client.get(url))
}

/// Requests per second over `seconds` at [`CONNECTIONS`], and the p99 latency.
async fn measure<F>(seconds: f64, make: F) -> (f64, Duration)
where
    F: Fn(u64) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let make = Arc::new(make);
    let counter = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let make = Arc::clone(&make);
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    let sent = Instant::now();
                    let response = make(n).send().await.expect("the sandbox answers");
                    let status = response.status();
                    let _ = response.bytes().await;
                    assert!(status.is_success(), "unexpected {status}");
                    latencies.push(sent.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("a load task finishes"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let p99 = latencies
        .get(latencies.len() * 99 / 100)
        .copied()
        .unwrap_or_default();
    (latencies.len() as f64 / elapsed, p99)
}

/// Creates `count` records with keys starting at `first`, [`CONNECTIONS`] at a time.
async fn fill(client: &reqwest::Client, api: Api, base: &str, first: u64, count: u64) {
    let next = Arc::new(AtomicU64::new(first));
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let (client, base, next) = (client.clone(), base.to_owned(), Arc::clone(&next));
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= first + count {
                        break;
                    }
                    let response = create(&client, api, &base, n)
                        .send()
                        .await
                        .expect("answers");
                    assert!(
                        response.status().is_success(),
                        "fill: {}",
                        response.status()
                    );
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a fill task finishes");
    }
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let records: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let seconds: f64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(3.0);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()
        .expect("a client");
    println!("{CONNECTIONS} connections, {seconds} s per figure, {records} records");
    println!("| API | operation | seeds only | after {records} records | ratio |");
    println!("|---|---|---|---|---|");
    for workload in WORKLOADS {
        let api = workload.api;
        let server = sandbox::start(api, "127.0.0.1:0".parse().unwrap(), Credentials::defaults())
            .await
            .expect("the sandbox starts");
        let base = server.base_url();
        // The probe record the lookups read.
        let created: Value = create(&client, api, &base, u64::MAX)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .expect("the probe is created")
            .json()
            .await
            .expect("JSON");
        let probe = match api {
            Api::Insightiq => format!("bench-{}", u64::MAX),
            Api::Publica => format!("bench-{}@example.com", u64::MAX),
            Api::Instabot => created["data"]["objectId"].to_string(),
        };
        let keys = Arc::new(AtomicU64::new(0));
        let run_lookups = |client: reqwest::Client, base: String, probe: String| {
            measure(seconds, move |_| lookup(&client, api, &base, &probe))
        };
        let run_creates = |client: reqwest::Client, base: String, keys: Arc<AtomicU64>| {
            measure(seconds, move |_| {
                create(&client, api, &base, keys.fetch_add(1, Ordering::Relaxed))
            })
        };
        let (lookup_seeds, lookup_p99_seeds) =
            run_lookups(client.clone(), base.clone(), probe.clone()).await;
        let (create_seeds, create_p99_seeds) =
            run_creates(client.clone(), base.clone(), Arc::clone(&keys)).await;
        let already = keys.load(Ordering::Relaxed);
        fill(
            &client,
            api,
            &base,
            already,
            records.saturating_sub(already),
        )
        .await;
        keys.store(records.max(already), Ordering::Relaxed);
        let (lookup_full, lookup_p99_full) =
            run_lookups(client.clone(), base.clone(), probe.clone()).await;
        let (create_full, create_p99_full) =
            run_creates(client.clone(), base.clone(), Arc::clone(&keys)).await;
        let name = api.name();
        println!(
            "| {name} | {} (rate/s) | {lookup_seeds:.0} | {lookup_full:.0} | {:.0}% |",
            workload.lookup_name,
            100.0 * lookup_full / lookup_seeds
        );
        println!(
            "| {name} | {} (rate/s) | {create_seeds:.0} | {create_full:.0} | {:.0}% |",
            workload.create_name,
            100.0 * create_full / create_seeds
        );
        println!(
            "| {name} | lookup p99 | {:.2} ms | {:.2} ms | |",
            ms(lookup_p99_seeds),
            ms(lookup_p99_full)
        );
        println!(
            "| {name} | create (write) p99 | {:.2} ms | {:.2} ms | |",
            ms(create_p99_seeds),
            ms(create_p99_full)
        );
        server.shutdown().await.expect("the sandbox stops");
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
