//! Git lookups of `--since-release`: where a spec's current version was released.

use std::path::Path;

use anyhow::{bail, Result};
use serde_json::Value;

use crate::diff::git;

/// Fails on a shallow clone: it lists only its newest commits, so HEAD would pass for every
/// release.
pub(super) fn require_full_history(root: &Path) -> Result<()> {
    if git(root, &["rev-parse", "--is-shallow-repository"])?.trim() == "true" {
        bail!(
            "this is a shallow clone: the commits that released the current versions may be \
             missing; fetch the whole history (`git fetch --unshallow`)"
        );
    }
    Ok(())
}

/// A document's `info.version` (empty when it has none).
pub(super) fn info_version(document: &Value) -> String {
    document
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The oldest commit of the newest run of commits whose `spec` carries `version`: where that
/// version was released. `None` when HEAD's spec has another version (a bump not committed).
/// Follows the first parent only (the history of the branch itself), and reads no more of
/// each old spec than its `info.version`.
pub(super) fn release_commit(root: &Path, spec: &str, version: &str) -> Result<Option<String>> {
    let log = git(root, &["log", "--first-parent", "--format=%H", "--", spec])?;
    let mut release = None;
    for commit in log.lines() {
        let text = git(root, &["show", &format!("{commit}:{spec}")])?;
        let document = spec_model::parse(spec, text)
            .map_err(|error| anyhow::anyhow!("{commit}:{error}"))?
            .document;
        if info_version(&document) != version {
            break;
        }
        release = Some(commit.to_owned());
    }
    Ok(release)
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::*;

    #[test]
    fn the_release_commit_is_where_the_current_version_first_appeared() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let git = |args: &[&str]| {
            let out = Command::new("git")
                .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
                .args(args)
                .current_dir(root)
                .output()
                .unwrap();
            assert!(out.status.success(), "{out:?}");
            String::from_utf8(out.stdout).unwrap().trim().to_owned()
        };
        let commit = |version: &str, title: &str| {
            let spec = format!(
                "openapi: 3.0.3\ninfo: {{title: {title}, version: {version}}}\npaths: {{}}\n"
            );
            std::fs::write(root.join("spec/t.yaml"), spec).unwrap();
            git(&["add", "spec"]);
            git(&["commit", "-q", "-m", title]);
            git(&["rev-parse", "HEAD"])
        };
        std::fs::create_dir(root.join("spec")).unwrap();
        git(&["init", "-q", "-b", "main"]);
        commit("1.0.0", "a");
        let released = commit("2.0.0", "b");
        commit("2.0.0", "c");
        assert_eq!(
            release_commit(root, "spec/t.yaml", "2.0.0").unwrap(),
            Some(released)
        );
        // A bump not committed yet has no release.
        assert_eq!(release_commit(root, "spec/t.yaml", "3.0.0").unwrap(), None);
    }
}
