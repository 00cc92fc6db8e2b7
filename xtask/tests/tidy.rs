//! Workspace rules a test can hold (in the manner of rust-analyzer's `xtask/src/tidy.rs`), for
//! every hand-written crate:
//!
//! - `import-circle`: no two modules of one crate (siblings under one parent) use each other,
//!   directly or through others, so each file can be read after the ones it uses;
//! - `long-file`: no source file over 600 lines;
//! - `yaml-outside-spec-model`: `serde_yaml` is used only by spec-model, the one reader of spec
//!   text (other YAML, such as the sandbox's scenario documents, is listed with its reason).
//!
//! `xtask/tidy-exceptions.txt` lists what breaks a rule today, each with its reason; an entry
//! that no longer breaks its rule is stale and fails too, so the list only shrinks. Generated
//! files (`@generated`) are exempt. The detectors are tested on code written to break them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 600;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// A hand-written crate: its name and `src` directory.
struct Crate {
    name: String,
    src: PathBuf,
}

/// Every workspace crate with a `src` directory of hand-written code.
fn crates() -> Vec<Crate> {
    let root = workspace();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.extend(
        std::fs::read_dir(root.join("examples"))
            .into_iter()
            .flatten()
            .map(|e| e.unwrap().path()),
    );
    dirs.extend([root.join("xtask"), root.join("xtask/conformance")]);
    dirs.sort();
    dirs.into_iter()
        .filter(|dir| dir.join("src").is_dir())
        .filter(|dir| !rust_files(&dir.join("src")).iter().any(|f| is_generated(f)))
        .map(|dir| Crate {
            name: dir.strip_prefix(&root).unwrap().display().to_string(),
            src: dir.join("src"),
        })
        .collect()
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn is_generated(file: &Path) -> bool {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .next()
        .is_some_and(|l| l.contains("@generated"))
}

/// The code of a file without its comments (docs name modules freely).
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            // Not inside a string: good enough for paths, which never hold `//`.
            Some(index) if !line[..index].contains('"') => &line[..index],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The module path of a source file relative to `src` (`verify/plan.rs` → `verify::plan`,
/// `verify/mod.rs` → `verify`, `lib.rs` → the root); `None` for a binary of `src/bin`.
fn module_of(relative: &Path) -> Option<Vec<String>> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.first().is_some_and(|p| p == "bin") {
        return None;
    }
    let last = parts.pop()?;
    match last.as_str() {
        "lib.rs" | "main.rs" | "mod.rs" => {}
        file => parts.push(file.trim_end_matches(".rs").to_owned()),
    }
    Some(parts)
}

/// Every path a file names from `crate::`, `super::` or `self::`, made absolute (brace groups
/// of `use` expanded).
fn referenced_paths(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        let starts_word = index == 0
            || !(chars[index - 1].is_alphanumeric()
                || chars[index - 1] == '_'
                || chars[index - 1] == ':');
        if starts_word {
            for (head, base) in [("crate::", 0usize), ("super::", 1), ("self::", 2)] {
                if chars[index..].starts_with(&head.chars().collect::<Vec<_>>()) {
                    let mut prefix: Vec<String> = match base {
                        0 => Vec::new(),
                        1 => module[..module.len().saturating_sub(1)].to_vec(),
                        _ => module.to_vec(),
                    };
                    let mut at = index + head.len();
                    // `super::super::`
                    while base == 1
                        && chars[at..].starts_with(&"super::".chars().collect::<Vec<_>>())
                    {
                        prefix.pop();
                        at += "super::".len();
                    }
                    parse_tree(&chars, &mut at, prefix, &mut out);
                    index = at;
                    break;
                }
            }
        }
        index += 1;
    }
    out
}

/// Reads `a::b::{c, d::e}` from `at`, pushing each full path onto `out`.
fn parse_tree(chars: &[char], at: &mut usize, mut prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    loop {
        skip_space(chars, at);
        if chars.get(*at) == Some(&'{') {
            *at += 1;
            loop {
                skip_space(chars, at);
                match chars.get(*at) {
                    Some('}') => {
                        *at += 1;
                        return;
                    }
                    Some(',') => *at += 1,
                    None => return,
                    _ => {
                        let before = *at;
                        parse_tree(chars, at, prefix.clone(), out);
                        if *at == before {
                            *at += 1;
                        }
                    }
                }
            }
        }
        let start = *at;
        while chars
            .get(*at)
            .is_some_and(|c| c.is_alphanumeric() || *c == '_')
        {
            *at += 1;
        }
        if *at == start {
            out.push(prefix);
            return;
        }
        prefix.push(chars[start..*at].iter().collect());
        if chars[*at..].starts_with(&[':', ':']) {
            *at += 2;
        } else {
            out.push(prefix);
            return;
        }
    }
}

fn skip_space(chars: &[char], at: &mut usize) {
    while chars.get(*at).is_some_and(|c| c.is_whitespace()) {
        *at += 1;
    }
}

/// The circles among sibling modules of a crate whose files are `files` (relative path, text):
/// each as `parent: a, b` (the members sorted; the root parent is `crate`).
fn import_circles(files: &[(PathBuf, String)]) -> Vec<String> {
    let modules: BTreeMap<Vec<String>, &str> = files
        .iter()
        .filter_map(|(path, text)| Some((module_of(path)?, text.as_str())))
        .collect();
    // parent → sibling → siblings it uses
    let mut graphs: BTreeMap<Vec<String>, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (module, text) in &modules {
        for path in referenced_paths(&code_of(text), module) {
            // The module a path names: its longest prefix that is a module of the crate.
            let Some(target) = (0..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|prefix| modules.contains_key(prefix))
            else {
                continue;
            };
            let common = module
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            // A module using its own parent or child is not a circle between siblings.
            if common == module.len() || common == target.len() {
                continue;
            }
            graphs
                .entry(module[..common].to_vec())
                .or_default()
                .entry(module[common].clone())
                .or_default()
                .insert(target[common].clone());
        }
    }
    let mut circles = Vec::new();
    for (parent, graph) in graphs {
        for component in strongly_connected(&graph) {
            let parent = if parent.is_empty() {
                "crate".to_owned()
            } else {
                parent.join("::")
            };
            circles.push(format!("{parent}: {}", component.join(", ")));
        }
    }
    circles
}

/// The strongly connected components of more than one node (Tarjan's algorithm), each sorted.
fn strongly_connected(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(state: &mut State<'a>, node: &'a str) {
        let next = state.index.len();
        state.index.insert(node, next);
        state.low.insert(node, next);
        state.stack.push(node);
        state.on_stack.insert(node);
        let graph = state.graph;
        for target in graph.get(node).into_iter().flatten() {
            if !state.index.contains_key(target.as_str()) {
                visit(state, target);
                let low = state.low[target.as_str()].min(state.low[node]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(target.as_str()) {
                let low = state.index[target.as_str()].min(state.low[node]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            while let Some(member) = state.stack.pop() {
                state.on_stack.remove(member);
                component.push(member.to_owned());
                if member == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.out.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node.as_str()) {
            visit(&mut state, node);
        }
    }
    state.out.sort();
    state.out
}

/// Whether a file's code uses serde_yaml.
fn reads_yaml(text: &str) -> bool {
    code_of(text).contains("serde_yaml")
}

/// Every violation in the workspace, as `rule subject` lines.
fn violations() -> BTreeSet<String> {
    let root = workspace();
    let mut found = BTreeSet::new();
    for krate in crates() {
        let files: Vec<(PathBuf, String)> = rust_files(&krate.src)
            .into_iter()
            .map(|path| {
                let text = std::fs::read_to_string(&path).unwrap();
                (path.strip_prefix(&krate.src).unwrap().to_owned(), text)
            })
            .collect();
        let src = krate.src.strip_prefix(&root).unwrap().to_owned();
        found.extend(violations_in(&krate.name, &src, &files));
    }
    found
}

/// The violations of one crate whose `src` (relative to the workspace) holds `files`.
fn violations_in(name: &str, src: &Path, files: &[(PathBuf, String)]) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for circle in import_circles(files) {
        found.insert(format!("import-circle {name}: {circle}"));
    }
    for (path, text) in files {
        let shown = src.join(path);
        let shown = shown.display();
        if text.lines().count() > MAX_LINES {
            found.insert(format!("long-file {shown}"));
        }
        if !name.ends_with("spec-model") && reads_yaml(text) {
            found.insert(format!("yaml-outside-spec-model {shown}"));
        }
    }
    found
}

/// `xtask/tidy-exceptions.txt`: `rule subject -- reason` per line.
fn exceptions() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(workspace().join("xtask/tidy-exceptions.txt")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (subject, reason) = l
                .split_once(" -- ")
                .unwrap_or_else(|| panic!("`rule subject -- reason`: {l}"));
            assert!(!reason.trim().is_empty(), "an exception says why: {l}");
            (subject.trim().to_owned(), reason.trim().to_owned())
        })
        .collect()
}

#[test]
fn every_rule_holds_or_its_exception_says_why() {
    let found = violations();
    let listed = exceptions();
    let unlisted: Vec<&String> = found.iter().filter(|v| !listed.contains_key(*v)).collect();
    let stale: Vec<&String> = listed.keys().filter(|l| !found.contains(*l)).collect();
    assert!(
        unlisted.is_empty(),
        "rules broken (fix, or add to xtask/tidy-exceptions.txt with a reason):\n{unlisted:#?}"
    );
    assert!(
        stale.is_empty(),
        "exceptions that no longer apply (remove them from xtask/tidy-exceptions.txt):\n{stale:#?}"
    );
}

#[test]
fn a_circle_between_sibling_modules_is_caught() {
    let files = vec![
        (
            PathBuf::from("lib.rs"),
            "mod a;\nmod b;\nmod c;\nmod emit;\n".to_owned(),
        ),
        (PathBuf::from("a.rs"), "use crate::b::Thing;\n".to_owned()),
        (
            PathBuf::from("b.rs"),
            "use crate::{c::{self, Other}};\n".to_owned(),
        ),
        (
            PathBuf::from("c.rs"),
            "fn f() { crate::a::g() }\n// crate::emit::x in a comment\n".to_owned(),
        ),
        (
            PathBuf::from("emit/mod.rs"),
            "mod one;\nmod two;\nuse crate::a;\n".to_owned(),
        ),
        (
            PathBuf::from("emit/one.rs"),
            "use super::two::X;\nuse crate::a::Y;\n".to_owned(),
        ),
        (
            PathBuf::from("emit/two.rs"),
            "use super::{one, super::b};\n".to_owned(),
        ),
    ];
    assert_eq!(
        import_circles(&files),
        ["crate: a, b, c", "emit: one, two"],
        "a → b → c → a at the root, one ↔ two in emit; parent and child uses are not circles"
    );
}

#[test]
fn a_long_file_and_a_yaml_read_are_caught() {
    let long = "let x = 1;\n".repeat(MAX_LINES + 1);
    let files = vec![
        (PathBuf::from("lib.rs"), "mod big;\nmod read;\n".to_owned()),
        (PathBuf::from("big.rs"), long),
        (
            PathBuf::from("read.rs"),
            "let v: Value = serde_yaml::from_str(&text)?;\n// serde_yaml\n".to_owned(),
        ),
    ];
    let found = violations_in("crates/demo", Path::new("crates/demo/src"), &files);
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        [
            "long-file crates/demo/src/big.rs",
            "yaml-outside-spec-model crates/demo/src/read.rs",
        ]
    );
    let in_spec_model = violations_in(
        "crates/spec-model",
        Path::new("crates/spec-model/src"),
        &files[2..],
    );
    assert!(
        in_spec_model.is_empty(),
        "spec-model reads YAML: {in_spec_model:?}"
    );
    assert!(!reads_yaml("// serde_yaml is spec-model's\nlet x = 1;"));
}
