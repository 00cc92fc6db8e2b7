//! Start-plus-shutdown cost of one `sandbox::TestSandbox` beside wiremock's
//! `MockServer::start()`, measured in the same process, interleaved round by round (so that
//! load on the machine affects both alike), on a current-thread Tokio runtime as `#[tokio::test]`
//! uses.
//!
//! `cargo run --manifest-path crates/sandbox/bench/Cargo.toml [-- ROUNDS]` (default 300; the
//! dev profile, as tests run). Prints, per kind, the median, p90 and mean in microseconds, for
//! a bare start + shutdown and for start + one request + shutdown. It asserts nothing.
//!
//! wiremock keeps a pool of servers: `MockServer::start()` hands out a recycled one when it can,
//! and dropping it returns it to the pool, so its figure after the first round is a pool
//! checkout, not a new listener.

use std::time::{Duration, Instant};

use sandbox::{Insightiq, TestSandbox};

const AUTHORIZATION: &str = "Basic ZGVtbzpwQDU1dzByZA==";

#[derive(Default)]
struct Samples(Vec<Duration>);

impl Samples {
    fn line(&mut self, name: &str) -> String {
        self.0.sort_unstable();
        let micros = |d: Duration| d.as_secs_f64() * 1e6;
        let median = micros(self.0[self.0.len() / 2]);
        let p90 = micros(self.0[self.0.len() * 9 / 10]);
        let mean = self.0.iter().map(|d| micros(*d)).sum::<f64>() / self.0.len() as f64;
        format!("{name:<52} {median:>10.0} {p90:>10.0} {mean:>10.0}")
    }
}

async fn sandbox_round(http: Option<&reqwest::Client>) -> Duration {
    let started = Instant::now();
    let sandbox = TestSandbox::start(Insightiq)
        .await
        .expect("the sandbox starts");
    if let Some(http) = http {
        let status = http
            .get(format!("{}/profiles?limit=1", sandbox.base_url()))
            .header("authorization", AUTHORIZATION)
            .send()
            .await
            .expect("the sandbox answers")
            .status();
        assert_eq!(status, 200);
    }
    sandbox.shutdown().await.expect("the sandbox stops");
    started.elapsed()
}

async fn wiremock_round(http: Option<&reqwest::Client>) -> Duration {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let started = Instant::now();
    let server = MockServer::start().await;
    if let Some(http) = http {
        Mock::given(method("GET"))
            .and(path("/v1/profiles"))
            .respond_with(ResponseTemplate::new(200).set_body_string("{\"data\": []}"))
            .mount(&server)
            .await;
        let status = http
            .get(format!("{}/v1/profiles?limit=1", server.uri()))
            .header("authorization", AUTHORIZATION)
            .send()
            .await
            .expect("wiremock answers")
            .status();
        assert_eq!(status, 200);
    }
    drop(server);
    started.elapsed()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse().expect("ROUNDS is a number"))
        .unwrap_or(300);
    // A fresh connection per round, as a test's client would have.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("a client");
    // The first sandbox of a process reads the spec's seeds and routes (once per process): shown
    // apart, then warm rounds.
    let first_sandbox = sandbox_round(None).await;
    let first_wiremock = wiremock_round(None).await;
    let mut kinds: [(&str, Samples); 4] = Default::default();
    kinds[0].0 = "sandbox TestSandbox::start + shutdown";
    kinds[1].0 = "wiremock MockServer::start + drop";
    kinds[2].0 = "sandbox start + 1 GET + shutdown";
    kinds[3].0 = "wiremock start + mount + 1 GET + drop";
    for _ in 0..rounds {
        kinds[0].1 .0.push(sandbox_round(None).await);
        kinds[1].1 .0.push(wiremock_round(None).await);
        kinds[2].1 .0.push(sandbox_round(Some(&http)).await);
        kinds[3].1 .0.push(wiremock_round(Some(&http)).await);
    }
    println!(
        "first in the process: sandbox {:.0} us, wiremock {:.0} us",
        first_sandbox.as_secs_f64() * 1e6,
        first_wiremock.as_secs_f64() * 1e6
    );
    // Of a sandbox's start, how much is seeding its state (the documents' samples as records).
    let seeding = Instant::now();
    for _ in 0..rounds {
        drop(sandbox::insightiq::Sandbox::new());
    }
    println!(
        "of which seeding the insightIQ state: {:.0} us (mean of {rounds})",
        seeding.elapsed().as_secs_f64() * 1e6 / rounds as f64
    );
    println!("{rounds} rounds each, interleaved; microseconds per sandbox / mock server");
    println!(
        "{:<52} {:>10} {:>10} {:>10}",
        "kind", "median", "p90", "mean"
    );
    for (name, samples) in &mut kinds {
        println!("{}", samples.line(name));
    }
}
