//! Maps a JSON pointer to a line of block-style YAML, for error messages.
//!
//! A best-effort scanner, not a YAML parser: it walks the pointer one segment at a time, looking
//! for `key:` among the children of the current node, or the n-th `- ` item of a sequence. The
//! specs are written in block style, where this is exact; anywhere else it returns `None`.

#[derive(Clone, Copy)]
struct Node {
    /// Line of the node's key (or of its `- ` item marker); `None` for the document root.
    line: Option<usize>,
    indent: isize,
    /// For a sequence item, the column its inline mapping starts at (`- key: v`).
    item_column: Option<isize>,
}

pub(crate) fn line_of(source: &str, pointer: &str) -> Option<usize> {
    let lines: Vec<&str> = source.lines().collect();
    let mut node = Node {
        line: None,
        indent: -1,
        item_column: None,
    };
    for raw in pointer.split('/').skip(1) {
        let segment = crate::unescape_pointer(raw);
        node = child(&lines, node, &segment)?;
    }
    node.line.map(|l| l + 1)
}

fn indent_of(line: &str) -> isize {
    (line.len() - line.trim_start().len()) as isize
}

fn is_content(line: &str) -> bool {
    let t = line.trim_start();
    !t.is_empty() && !t.starts_with('#')
}

fn key_matches(text: &str, segment: &str) -> bool {
    ["", "'", "\""]
        .iter()
        .any(|q| text.starts_with(&format!("{q}{segment}{q}:")))
}

fn child(lines: &[&str], node: Node, segment: &str) -> Option<Node> {
    // An item's first key sits on the item line itself.
    if let (Some(line), Some(column)) = (node.line, node.item_column) {
        if key_matches(&lines[line][column as usize..], segment) {
            return Some(Node {
                line: Some(line),
                indent: column,
                item_column: None,
            });
        }
    }
    let first = node.line.map_or(0, |l| l + 1);
    let index: Option<usize> = segment.parse().ok();
    let mut items_seen = 0usize;
    let mut child_indent: Option<isize> = None;
    for (number, line) in lines.iter().enumerate().skip(first) {
        if !is_content(line) {
            continue;
        }
        let indent = indent_of(line);
        let text = line.trim_start();
        let is_item = text.starts_with("- ") || text == "-";
        // A key's sequence may sit at the key's own indentation (`key:\n- a`).
        let inside = indent > node.indent
            || (indent == node.indent
                && is_item
                && node.item_column.is_none()
                && node.line.is_some());
        if !inside {
            return None;
        }
        let level = *child_indent.get_or_insert(indent);
        if indent != level {
            continue;
        }
        match index {
            Some(wanted) if is_item => {
                if items_seen == wanted {
                    return Some(Node {
                        line: Some(number),
                        indent,
                        item_column: Some(indent + 2),
                    });
                }
                items_seen += 1;
            }
            _ if key_matches(text, segment) => {
                return Some(Node {
                    line: Some(number),
                    indent,
                    item_column: None,
                })
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::line_of;

    const YAML: &str =
        "a:\n  b:\n    - x: 1\n      y: 2\n    - x: 3\n  'c/d':\n  - 5\n  - 6\ne: 1\n";

    #[test]
    fn finds_keys_items_and_escaped_segments() {
        assert_eq!(line_of(YAML, "/a"), Some(1));
        assert_eq!(line_of(YAML, "/a/b/0/x"), Some(3));
        assert_eq!(line_of(YAML, "/a/b/0/y"), Some(4));
        assert_eq!(line_of(YAML, "/a/b/1/x"), Some(5));
        assert_eq!(line_of(YAML, "/a/c~1d/1"), Some(8));
        assert_eq!(line_of(YAML, "/e"), Some(9));
        assert_eq!(line_of(YAML, "/a/missing"), None);
    }
}
