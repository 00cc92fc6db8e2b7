//! The binary's request-body timeouts (`--body-idle-timeout-ms`, `--body-read-timeout-ms`):
//! a body that stalls is answered 408 after the configured wait; a zero timeout is refused.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use support::spawn_binary;

#[test]
fn the_body_timeouts_are_set_by_flags() {
    let (mut child, url) = spawn_binary(
        "publica",
        &[
            "--body-idle-timeout-ms",
            "250",
            "--body-read-timeout-ms",
            "5000",
        ],
        &[],
    );
    let addr = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let started = Instant::now();
    stream
        .write_all(b"PUT /_sandbox/faults HTTP/1.1\r\nHost: s\r\nContent-Length: 100\r\n\r\n{")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let took = started.elapsed();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    assert!(
        answer.ends_with(r#""message":"`PUT /_sandbox/faults`: the request body stalled: nothing arrived for 250 ms (the limit between parts of a body); 1 bytes had arrived"}}"#),
        "{answer}"
    );
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[test]
fn a_zero_body_timeout_is_refused() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sandbox"))
        .args(["publica", "--body-read-timeout-ms", "0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--body-read-timeout-ms"), "{stderr}");
}
