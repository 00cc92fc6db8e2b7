//! What the sandbox's integration tests share.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The binary on an ephemeral port; returns it and the base URL its banner prints.
pub fn spawn_binary(api: &str, args: &[&str], env: &[(&str, &str)]) -> (Child, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sandbox"));
    command
        .args([api, "--listen", "127.0.0.1:0", "--quiet"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    let url = first
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in the banner {first:?}"))
        .to_owned();
    (child, url)
}
