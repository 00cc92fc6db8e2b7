//! Refusing deeply nested YAML before it is parsed.
//!
//! libyaml (under serde_yaml) reads a whole document's events before serde_yaml's recursion
//! limit (128) applies, and that read is quadratic in nesting depth: 100,000 levels of `[` take
//! half a minute before the "recursion limit exceeded" error. [`check`] estimates each line's
//! depth in one pass over the text and stops at the first line deeper than [`MAX_DEPTH`], so
//! hostile input costs time linear in the bytes up to that line.
//!
//! The estimate never undercounts: it adds the enclosing block levels (an indentation stack),
//! compact sequence entries (`- - x`), and flow brackets (`[`, `{`, outside quotes) opened so far.
//! It may overcount a little (a `- ` item indented under its key counts twice), which is why the
//! limit is well below serde_yaml's and far above any real spec (ours nest under 20).

/// The deepest nesting a spec may have.
pub const MAX_DEPTH: usize = 100;

/// The first line (1-based) deeper than `limit`, with its estimated depth.
pub fn check(source: &str, limit: usize) -> Result<(), (usize, usize)> {
    let mut indents: Vec<usize> = Vec::new();
    // Inside a block scalar (`|`, `>`): lines indented deeper than this are text.
    let mut block_scalar_parent: Option<usize> = None;
    let mut flow = FlowScan::default();
    for (index, line) in source.lines().enumerate() {
        let number = index + 1;
        let content = line.trim_start_matches(' ');
        let indent = line.len() - content.len();
        if flow.depth > 0 {
            flow.scan(content);
            let depth = indents.len() + flow.max_seen;
            if depth > limit {
                return Err((number, depth));
            }
            continue;
        }
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if let Some(parent) = block_scalar_parent {
            if indent > parent {
                continue;
            }
            block_scalar_parent = None;
        }
        while indents.last().is_some_and(|&top| top >= indent) {
            indents.pop();
        }
        indents.push(indent);
        let mut rest = content;
        let mut dashes = 0;
        while let Some(after) =
            rest.strip_prefix("- ")
                .or(if rest == "-" { Some("") } else { None })
        {
            dashes += 1;
            rest = after.trim_start_matches(' ');
        }
        let value = value_of(rest);
        flow = FlowScan::default();
        if value.starts_with(['[', '{']) {
            flow.scan(value);
        } else if value.starts_with(['|', '>']) {
            block_scalar_parent = Some(indent);
        }
        let depth = indents.len() + dashes + flow.max_seen;
        if depth > limit {
            return Err((number, depth));
        }
        flow.max_seen = flow.depth;
    }
    Ok(())
}

/// The value part of a block line: what follows `key: ` (outside quotes), or the whole line.
fn value_of(content: &str) -> &str {
    let bytes = content.as_bytes();
    let mut quote: Option<u8> = None;
    for (index, &byte) in bytes.iter().enumerate() {
        match (quote, byte) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') if index == 0 => quote = Some(byte),
            (None, b'[' | b'{') if index == 0 => return content,
            (None, b':') if bytes.get(index + 1).is_none_or(|&next| next == b' ') => {
                return content[index + 1..].trim_start_matches(' ');
            }
            _ => {}
        }
    }
    content
}

/// Bracket depth across the lines of one flow collection.
#[derive(Default)]
struct FlowScan {
    depth: usize,
    max_seen: usize,
    quote: Option<char>,
}

impl FlowScan {
    fn scan(&mut self, text: &str) {
        for c in text.chars() {
            match (self.quote, c) {
                (Some(q), c) if c == q => self.quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => self.quote = Some(c),
                (None, '[' | '{') => {
                    self.depth += 1;
                    self.max_seen = self.max_seen.max(self.depth);
                }
                (None, ']' | '}') => self.depth = self.depth.saturating_sub(1),
                (None, '#') => break,
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_block_and_compact_nesting_are_counted() {
        // A mapping holding three nested sequences: four levels.
        assert_eq!(check("a: [[[1]]]\n", 4), Ok(()));
        assert_eq!(check("a: [[[[1]]]]\n", 4), Err((1, 5)));
        assert_eq!(check("a:\n  b:\n    c: 1\n", 3), Ok(()));
        assert_eq!(check("a:\n  b:\n    c:\n      d: 1\n", 3), Err((4, 4)));
        assert_eq!(check("- - - - x\n", 3), Err((1, 5)));
        assert_eq!(check("k: [\n  [\n   [[1]]]]\n", 3), Err((3, 5)));
    }

    #[test]
    fn brackets_in_text_are_not_nesting() {
        let text = "a: \"[[[[[\"\nb: see [[[[x\nc: >-\n  [[[[[[[[[\n  {{{{{{{\nd: '{{{{'\n";
        assert_eq!(check(text, 2), Ok(()));
    }

    #[test]
    fn deep_input_is_refused_in_linear_time() {
        let deep = format!("a: {}{}\n", "[".repeat(1_000_000), "]".repeat(1_000_000));
        let started = std::time::Instant::now();
        assert_eq!(check(&deep, MAX_DEPTH), Err((1, 1_000_001)));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }
}
