//! Checking the sample files under `spec/samples/` against the manifest's verdicts.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::manifest::{expected_of, Kind, Manifest};
use super::{findings, is_ok, Expected, Group, Row};
use crate::index::BodyKind;
use crate::validate::Validator;

/// Checks one text as a body of an operation: findings and detail lines.
pub fn check_text(
    validator: &Validator<'_>,
    operation: &str,
    kind: BodyKind,
    text: &str,
) -> Result<(Vec<String>, Vec<String>), String> {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            return Ok((
                vec![format!(
                    "invalid-json at {}:{}",
                    error.line(),
                    error.column()
                )],
                vec![format!("not JSON: {error}")],
            ))
        }
    };
    let op = validator.operation(operation).map_err(|e| e.to_string())?;
    let spec = match kind {
        BodyKind::Request => op.request.as_ref(),
        BodyKind::Response(status) => op.response(status).map(|r| &r.body),
    }
    .ok_or_else(|| format!("operation `{operation}` documents no {kind} body"))?;
    let outcome = validator
        .check(op, kind, spec, Some(&value))
        .map_err(|e| e.to_string())?;
    Ok((
        findings(&outcome),
        outcome.violations.iter().map(|v| v.to_string()).collect(),
    ))
}

/// Checks every sample of the manifest; `validators` holds one validator per API.
pub fn check_samples(
    samples_dir: &Path,
    manifest: &Manifest,
    validators: &[Validator<'_>],
) -> Vec<Row> {
    let mut rows = Vec::new();
    for entry in &manifest.samples {
        let kind = match (entry.kind, entry.status) {
            (Kind::Request, None) => Ok(BodyKind::Request),
            (Kind::Response, Some(status)) => Ok(BodyKind::Response(status)),
            (Kind::Request, Some(_)) => Err("a request sample takes no `status`".to_owned()),
            (Kind::Response, None) => Err("a response sample needs a `status`".to_owned()),
        };
        let mut row = Row {
            group: Group::Sample,
            api: entry.api.clone(),
            operation: entry.operation.clone(),
            body: kind.as_ref().map_or_else(|_| "?".into(), |k| k.to_string()),
            subject: entry.file.clone(),
            source: Some(entry.source.clone()),
            expected: Expected::Conforms,
            findings: Vec::new(),
            details: Vec::new(),
            ok: false,
        };
        let result = (|| -> Result<(), String> {
            let kind = kind?;
            row.expected = expected_of(
                entry.verdict,
                &entry.deviation,
                &entry.reason,
                &entry.expect,
            )?;
            let validator = validators
                .iter()
                .find(|v| v.spec().api == entry.api)
                .ok_or_else(|| format!("no spec for api `{}`", entry.api))?;
            let path = samples_dir.join(&entry.file);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
            let (found, details) = check_text(validator, &entry.operation, kind, &text)?;
            row.ok = is_ok(&row.expected, &found);
            row.findings = found;
            row.details = details;
            Ok(())
        })();
        if let Err(message) = result {
            row.findings = vec![format!("error: {message}")];
            row.details = vec![message];
            row.ok = false;
        }
        rows.push(row);
    }
    // Every sample file must be in the manifest.
    let listed: Vec<PathBuf> = manifest
        .samples
        .iter()
        .map(|e| samples_dir.join(&e.file))
        .collect();
    for file in sample_files(samples_dir) {
        if !listed.contains(&file) {
            let relative = file
                .strip_prefix(samples_dir)
                .unwrap_or(&file)
                .display()
                .to_string();
            rows.push(Row {
                group: Group::Sample,
                api: relative.split('/').next().unwrap_or_default().to_owned(),
                operation: "-".into(),
                body: "-".into(),
                subject: relative,
                source: None,
                expected: Expected::Conforms,
                findings: vec!["error: not in the manifest".into()],
                details: vec!["the file is not listed in spec/samples/manifest.yaml".into()],
                ok: false,
            });
        }
    }
    rows
}

/// The `*.json` files under `dir/<api>/`, sorted.
fn sample_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(apis) = std::fs::read_dir(dir) else {
        return files;
    };
    for api in apis.flatten() {
        if !api.path().is_dir() {
            continue;
        }
        if let Ok(entries) = std::fs::read_dir(api.path()) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "json") {
                    files.push(path);
                }
            }
        }
    }
    files.sort();
    files
}
