//! `cargo xtask codegen` refuses a breaking spec edit without the version bump it needs, and
//! names the change and the edit; with the bump it goes ahead. Runs the xtask binary against a
//! scratch git repository holding a copy of `spec/`.

mod common;

use common::xtask;

#[test]
fn a_breaking_edit_needs_its_version_bump() {
    let scratch = common::scratch_repository();
    let root = scratch.path();

    // Tighten Instabot's `limit` (a breaking change for clients), leave the version alone.
    let path = root.join("spec/instabot.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let version = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("version: "))
        .unwrap()
        .trim_matches(|c| c == '\'' || c == '"')
        .to_owned();
    // The next major version: what a breaking change requires, whatever the spec is at.
    let major: u64 = version.split('.').next().unwrap().parse().unwrap();
    let next = format!("{}.0.0", major + 1);
    let edited = text.replacen("        maximum: 100\n", "        maximum: 50\n", 1);
    assert_ne!(edited, text);
    std::fs::write(&path, &edited).unwrap();

    let (ok, _, stderr) = xtask(root, &["codegen"]);
    assert!(!ok, "codegen must refuse: {stderr}");
    assert!(stderr.contains("bound-tightened"), "{stderr}");
    assert!(
        stderr.contains("query parameter `limit`: maximum 100 -> 50"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "edit spec/instabot.yaml: info.version: {version} -> {next}"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!root.join("crates").exists(), "nothing may be written");

    // `cargo xtask diff` lists it, as text and JSON, and fails with --fail-on-breaking.
    let (ok, stdout, _) = xtask(root, &["diff", "--fail-on-breaking"]);
    assert!(!ok);
    assert!(
        stdout.contains("spec/instabot.yaml: 1 change(s) since HEAD"),
        "{stdout}"
    );
    let (ok, stdout, _) = xtask(root, &["diff", "--format", "json"]);
    assert!(ok);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let change = &report["specs"]["spec/instabot.yaml"]["changes"][0];
    assert_eq!(change["kind"], "bound-tightened");
    assert_eq!(change["client"], "breaking");
    assert_eq!(
        change["pointer"],
        "/components/parameters/Limit/schema/maximum"
    );

    // A base that names no commit is an error, not "every spec is new".
    let (ok, _, stderr) = xtask(root, &["diff", "--base", "no-such-ref"]);
    assert!(!ok);
    assert!(
        stderr.contains("--base no-such-ref: no such commit"),
        "{stderr}"
    );

    // With the bump, codegen goes ahead.
    std::fs::write(
        &path,
        edited.replacen(
            &format!("version: {version}"),
            &format!("version: {next}"),
            1,
        ),
    )
    .unwrap();
    let (ok, stdout, stderr) = xtask(root, &["codegen"]);
    assert!(ok, "{stdout}\n{stderr}");
    let manifest = std::fs::read_to_string(root.join("crates/instabot-client/Cargo.toml")).unwrap();
    assert!(
        manifest.contains(&format!("version = \"{next}\"")),
        "{manifest}"
    );
}
