//! The decision table of `spec/README.md` ("Decisions on documentation defects and unstated
//! choices"), parsed: per API, its rows' JSON pointers and the page quotes (“…”) of each row.
//! The format is described at the top of that section.
//!
//! Included by `tests/specs.rs` with `#[path = "support/defect_table.rs"] mod defect_table;`.

/// One row of the table.
#[derive(Debug)]
pub struct Row {
    /// The API's file stem (`insightiq`, `publica`, `instabot`).
    pub api: String,
    /// The row's line in `spec/README.md` (1-based), for messages.
    pub line: usize,
    pub pointers: Vec<String>,
    /// The text inside “…” in the row's other cells, `\|` read as `|`.
    pub quotes: Vec<String>,
}

/// The `### <API>` headings of the section, and the spec each names.
const API_HEADINGS: [(&str, &str); 3] = [
    ("insightIQ", "insightiq"),
    ("Publica.la", "publica"),
    ("Instabot", "instabot"),
];

pub const SECTION: &str = "## Decisions on documentation defects";

/// The rows of the section, or what is wrong with its layout (with the README line).
pub fn parse(readme: &str) -> Result<Vec<Row>, String> {
    let mut lines = readme.lines().enumerate();
    lines
        .by_ref()
        .find(|(_, line)| line.starts_with(SECTION))
        .ok_or_else(|| format!("spec/README.md has no section starting {SECTION:?}"))?;
    let mut api: Option<&str> = None;
    let mut rows = Vec::new();
    for (index, line) in lines {
        let line_number = index + 1;
        if line.starts_with("## ") {
            break;
        }
        if let Some(heading) = line.strip_prefix("### ") {
            let found = API_HEADINGS
                .iter()
                .find(|(name, _)| *name == heading.trim());
            api = Some(
                found
                    .ok_or_else(|| {
                        format!("spec/README.md:{line_number}: unknown API heading {heading:?}")
                    })?
                    .1,
            );
            continue;
        }
        if !line.starts_with('|') || line.starts_with("|---") || line.starts_with("| pointers") {
            continue;
        }
        let api = api.ok_or_else(|| {
            format!("spec/README.md:{line_number}: a table row before any ### API heading")
        })?;
        let cells = split_cells(line);
        if cells.len() != 3 {
            return Err(format!(
                "spec/README.md:{line_number}: {} cells, expected 3 (pointers, what the documents say, what the spec models)",
                cells.len()
            ));
        }
        let pointers = between(&cells[0], "`", "`");
        if pointers.is_empty() || pointers.iter().any(|p| !p.starts_with("#/")) {
            return Err(format!(
                "spec/README.md:{line_number}: the first cell must hold JSON pointers `#/...` in backticks, found {:?}",
                cells[0]
            ));
        }
        let quotes = cells[1..]
            .iter()
            .flat_map(|cell| between(cell, "“", "”"))
            .collect();
        rows.push(Row {
            api: api.to_owned(),
            line: line_number,
            pointers,
            quotes,
        });
    }
    Ok(rows)
}

/// The cells of a Markdown table row; `\|` stays inside a cell, as `|`.
fn split_cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    let mut cells = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                cells.last_mut().expect("one cell").push('|');
            }
            '|' => cells.push(String::new()),
            _ => cells.last_mut().expect("one cell").push(c),
        }
    }
    cells.into_iter().map(|c| c.trim().to_owned()).collect()
}

/// Every text between `open` and the next `close`.
fn between(text: &str, open: &str, close: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(close) else { break };
        found.push(after[..end].to_owned());
        rest = &after[end + close.len()..];
    }
    found
}

/// Runs of whitespace as one space: a page's line breaks and a table cell's spaces compare equal.
pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// JSON pointers (`#/...`) of every node of `document` that carries `x-doc-defect` or
/// `x-source: not-in-docs`.
pub fn marked_pointers(document: &serde_json::Value) -> Vec<String> {
    fn walk(node: &serde_json::Value, pointer: String, out: &mut Vec<String>) {
        match node {
            serde_json::Value::Object(map) => {
                if map.contains_key("x-doc-defect")
                    || map.get("x-source").and_then(|v| v.as_str()) == Some("not-in-docs")
                {
                    out.push(pointer.clone());
                }
                for (key, value) in map {
                    let token = key.replace('~', "~0").replace('/', "~1");
                    walk(value, format!("{pointer}/{token}"), out);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, value) in items.iter().enumerate() {
                    walk(value, format!("{pointer}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(document, "#".to_owned(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_yields_its_pointers_and_quotes_with_escaped_pipes() {
        let readme = format!(
            "{SECTION}\n\n### Instabot\n\n| pointers | says | models |\n|---|---|---|\n\
             | `#/a`<br>`#/b~1c` | “x \\| y” and “z” | “w” |\n## Next\n| `#/ignored` | | |\n"
        );
        let rows = parse(&readme).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].api, "instabot");
        assert_eq!(rows[0].line, 7);
        assert_eq!(rows[0].pointers, ["#/a", "#/b~1c"]);
        assert_eq!(rows[0].quotes, ["x | y", "z", "w"]);
    }

    #[test]
    fn a_row_without_pointers_or_heading_is_an_error_naming_its_line() {
        let no_pointer = format!("{SECTION}\n### Instabot\n| no pointer | a | b |\n");
        assert!(parse(&no_pointer).unwrap_err().contains("README.md:3"));
        let no_heading = format!("{SECTION}\n| `#/a` | a | b |\n");
        assert!(parse(&no_heading)
            .unwrap_err()
            .contains("before any ### API heading"));
        let two_cells = format!("{SECTION}\n### Instabot\n| `#/a` | a |\n");
        assert!(parse(&two_cells).unwrap_err().contains("2 cells"));
    }

    #[test]
    fn markers_are_found_at_their_nodes() {
        let doc = serde_json::json!({
            "paths": {"/a/b": {"get": {"x-doc-defect": "d"}}},
            "servers": [{"url": "u", "x-source": "not-in-docs"}, {"x-source": "other"}]
        });
        let mut found = marked_pointers(&doc);
        found.sort();
        assert_eq!(found, ["#/paths/~1a~1b/get", "#/servers/0"]);
    }
}
