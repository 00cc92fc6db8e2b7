//! Shared helpers of the integration tests (included with `mod common;`).
#![allow(dead_code)]

use std::path::PathBuf;

use conformance::Validator;

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn spec_path(api: &str) -> PathBuf {
    workspace_root().join("spec").join(format!("{api}.yaml"))
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn validator(api: &str) -> Validator<'static> {
    Validator::new(spec_model::load(spec_path(api)).expect("spec loads"))
}

/// Runs the command line in-process: (exit code, stdout, stderr).
pub fn cli(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv = std::iter::once("conformance")
        .chain(args.iter().copied())
        .map(std::ffi::OsString::from);
    let code = conformance::cli::run(argv, None, &mut stdin.as_bytes(), &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}
