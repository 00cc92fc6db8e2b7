//! `cargo xtask codegen`, the README's first command, builds only what generation needs: the
//! `xtask` binary depends on no HTTP stack. The checks that do (`cargo xtask conformance`) run
//! the `xtask-conformance` binary instead (`xtask/src/delegate.rs`).

use std::collections::BTreeSet;
use std::process::Command;

/// Crates that only serving, proxying or sending HTTP needs; each would add minutes to a cold
/// `cargo xtask codegen`.
const HTTP_STACK: &[&str] = &[
    "axum",
    "hyper",
    "hyper-util",
    "reqwest",
    "rustls",
    "tokio",
    "aws-lc-sys",
    "tower",
];

/// The crates the binary may build, with room for a few new small dependencies; it was 202
/// distinct names before the split (every command in one binary) and 57 after.
const MOST_PACKAGES: usize = 90;

/// The distinct packages `cargo tree` lists for `package`'s normal and build dependencies.
fn dependencies(package: &str) -> BTreeSet<String> {
    let output = Command::new(env!("CARGO"))
        .args(["tree", "--locked", "--package", package])
        .args([
            "--edges",
            "normal,build",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo tree: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_generator_binary_builds_no_http_stack() {
    let packages = dependencies("xtask");
    let heavy: Vec<&&str> = HTTP_STACK
        .iter()
        .filter(|name| packages.contains(**name))
        .collect();
    assert!(
        heavy.is_empty(),
        "`xtask` depends on {heavy:?}: move the command that needs it to `xtask-conformance` \
         (or a binary of its own) so that `cargo xtask codegen` stays fast"
    );
    assert!(
        packages.len() <= MOST_PACKAGES,
        "`xtask` builds {} packages (at most {MOST_PACKAGES}): {packages:?}",
        packages.len()
    );
}

#[test]
fn the_check_catches_a_dependency_on_the_http_stack() {
    // The conformance binary does depend on the stack: the same reading must see it.
    let packages = dependencies("xtask-conformance");
    assert!(packages.contains("hyper"), "{packages:?}");
    assert!(packages.len() > MOST_PACKAGES, "{}", packages.len());
}
