//! Repository rules for the generator, run as a test (in the manner of rust-analyzer's
//! `xtask/src/tidy.rs`): the emitters read the model and nothing else, and only the adapter
//! reads generated code.

use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn files_under(dir: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    rust_files(&src().join(dir), &mut out);
    out.sort();
    assert!(!out.is_empty(), "{dir} has Rust files");
    out
}

/// The code of a file without its comments (doc comments name things freely).
fn code_of(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn relative(path: &Path) -> String {
    path.strip_prefix(src()).unwrap().display().to_string()
}

/// What an emitter may not touch: the spec itself, or generated code read back as text.
const NOT_IN_EMITTERS: &[&str] = &[
    "spec_model",
    "openapiv3",
    ".document",
    "Spec",
    "adapter::adapt",
    "serde_yaml",
];

/// Reading code as text into syntax, or searching stringified tokens: the adapter's job only.
const READS_GENERATED_TEXT: &[&str] = &[
    "syn::parse_str",
    "syn::parse_file",
    "parse_str::<",
    ".to_string().contains(",
    ".to_string().starts_with(",
    ".to_string().ends_with(",
    ".to_string().replace(",
    "_code.contains(",
    "code.contains(",
];

#[test]
fn emitters_read_the_model_and_nothing_else() {
    let mut broken = Vec::new();
    for file in files_under("emit") {
        let code = code_of(&file);
        for word in NOT_IN_EMITTERS {
            let found = code.match_indices(word).any(|(at, _)| {
                // A whole word: `Spec` but not `ParamSpec` or `Specs`.
                let before = code[..at].chars().next_back();
                let after = code[at + word.len()..].chars().next();
                let is_ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                !is_ident(after) && (word.starts_with('.') || !is_ident(before))
            });
            if found {
                broken.push(format!("{}: uses `{word}`", relative(&file)));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "emitters must read only the model:\n{}",
        broken.join("\n")
    );
}

#[test]
fn every_emitter_entry_point_takes_the_model() {
    let mut broken = Vec::new();
    for file in files_under("emit") {
        let parsed = syn::parse_file(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for item in &parsed.items {
            let syn::Item::Fn(function) = item else {
                continue;
            };
            if matches!(function.vis, syn::Visibility::Inherited) {
                continue;
            }
            let first = function.sig.inputs.first().map(|input| match input {
                syn::FnArg::Typed(typed) => quote::ToTokens::to_token_stream(&typed.ty)
                    .to_string()
                    .replace(' ', ""),
                syn::FnArg::Receiver(_) => "self".to_owned(),
            });
            // Every public emitter function starts from the model (or one of its parts).
            let takes_model = first.as_deref().is_some_and(|ty| {
                [
                    "&ApiModel",
                    "&Operation",
                    "&Parameter",
                    "&Pagination",
                    "&Constraints",
                    "&Shape",
                ]
                .contains(&ty)
            });
            if !takes_model {
                broken.push(format!(
                    "{}: `{}` takes {:?} first, not the model",
                    relative(&file),
                    function.sig.ident,
                    first
                ));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn only_the_adapter_reads_generated_code() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut broken = Vec::new();
    for file in files {
        let name = relative(&file);
        if name.starts_with("adapter") {
            continue;
        }
        let code = code_of(&file);
        for pattern in READS_GENERATED_TEXT {
            if code.contains(pattern) {
                broken.push(format!("{name}: `{pattern}`"));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "only src/adapter/ may read generated code back:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_rules_catch_what_they_forbid() {
    // The checks themselves: a violating line is seen (so a rule cannot silently stop working).
    let line = "let sig = syn::parse_str::<syn::File>(&client_code).ok();";
    assert!(READS_GENERATED_TEXT.iter().any(|p| line.contains(p)));
    let line = "fn f(spec: &Spec) { spec.document.pointer(\"/x\"); }";
    assert!(NOT_IN_EMITTERS.iter().any(|p| line.contains(p)));
}

/// Generated code documents with `///` lines, as hand-written code does: no `/** … */` block
/// (prettyplease's form for a multi-line `#[doc]`), in the committed crates and the snapshots.
#[test]
fn generated_docs_are_line_comments() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let crates = manifest.parent().unwrap();
    let mut files = Vec::new();
    for entry in std::fs::read_dir(crates).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let generated = ["-types", "-client", "-server"]
            .iter()
            .any(|suffix| name.ends_with(suffix));
        if generated && path.join("src").is_dir() {
            rust_files(&path.join("src"), &mut files);
        }
    }
    rust_files(&manifest.join("tests/snapshots"), &mut files);
    assert!(files.len() > 20, "generated files found: {}", files.len());
    let blocks: Vec<String> = files
        .iter()
        .filter(|file| std::fs::read_to_string(file).unwrap().contains("/**"))
        .map(|file| file.display().to_string())
        .collect();
    assert!(blocks.is_empty(), "`/**` docs in:\n{}", blocks.join("\n"));
}
