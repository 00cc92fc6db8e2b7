//! Maps a JSON pointer to its line in the spec's text, for error messages.
//!
//! The text is read once more by a YAML parser that reports positions (`yaml-rust2`'s marked
//! events): every key and every sequence item gets the line it starts on. This holds for block
//! YAML, flow YAML and JSON alike (a vendor's published spec is often JSON saved as `.yaml`).
//! A pointer to a mapping member is the line of its key; to a sequence item, the line of the
//! item. The root has no line.

use std::collections::HashMap;

use yaml_rust2::parser::{MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;
use yaml_rust2::Event;

/// Every pointer of a document with its 1-based line.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lines {
    by_pointer: HashMap<String, usize>,
}

impl Lines {
    /// Reads `source`; a text the parser refuses yields what was read before the error (the spec
    /// was already parsed by `serde_yaml`, so this is only a fallback for exotic YAML).
    pub(crate) fn of(source: &str) -> Lines {
        let mut walker = Walker::default();
        let _partial_is_enough = Parser::new_from_str(source).load(&mut walker, false);
        Lines {
            by_pointer: walker.lines,
        }
    }

    pub(crate) fn line_of(&self, pointer: &str) -> Option<usize> {
        self.by_pointer.get(pointer).copied()
    }
}

enum Frame {
    Mapping {
        pointer: String,
        /// The key whose value comes next; `None` while a key is expected.
        key: Option<String>,
    },
    Sequence {
        pointer: String,
        next_index: usize,
    },
    /// A complex (non-scalar) key, whose content has no pointer.
    Ignored,
}

#[derive(Default)]
struct Walker {
    stack: Vec<Frame>,
    lines: HashMap<String, usize>,
}

impl Walker {
    /// The pointer of the node starting now (recording the line of a sequence item), or `None`
    /// when the node is a mapping key (recorded as its member's line) or inside an ignored key.
    fn node_pointer(&mut self, event: &Event, line: usize) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Ignored) => None,
            Some(Frame::Sequence {
                pointer,
                next_index,
            }) => {
                let item = format!("{pointer}/{next_index}");
                *next_index += 1;
                self.lines.entry(item.clone()).or_insert(line);
                Some(item)
            }
            Some(Frame::Mapping { pointer, key }) => match key.take() {
                Some(key) => Some(format!("{pointer}/{}", crate::escape_pointer(&key))),
                None => {
                    if let Event::Scalar(text, ..) = event {
                        let member = format!("{pointer}/{}", crate::escape_pointer(text));
                        self.lines.entry(member).or_insert(line);
                        *key = Some(text.clone());
                    } else {
                        // The value after a complex key has no pointer either.
                        *key = Some(String::new());
                    }
                    None
                }
            },
        }
    }
}

impl MarkedEventReceiver for Walker {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(..) | Event::Alias(_) => {
                self.node_pointer(&event, mark.line());
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_key = matches!(self.stack.last(), Some(Frame::Mapping { key: None, .. }));
                let pointer = self.node_pointer(&event, mark.line());
                self.stack.push(match (pointer, is_key, &event) {
                    (Some(pointer), false, Event::MappingStart(..)) => {
                        Frame::Mapping { pointer, key: None }
                    }
                    (Some(pointer), false, _) => Frame::Sequence {
                        pointer,
                        next_index: 0,
                    },
                    _ => Frame::Ignored,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    const YAML: &str =
        "a:\n  b:\n    - x: 1\n      y: 2\n    - x: 3\n  'c/d':\n  - 5\n  - 6\ne: 1\n";

    #[test]
    fn finds_keys_items_and_escaped_segments() {
        let lines = Lines::of(YAML);
        assert_eq!(lines.line_of("/a"), Some(1));
        assert_eq!(lines.line_of("/a/b/0"), Some(3));
        assert_eq!(lines.line_of("/a/b/0/x"), Some(3));
        assert_eq!(lines.line_of("/a/b/0/y"), Some(4));
        assert_eq!(lines.line_of("/a/b/1/x"), Some(5));
        assert_eq!(lines.line_of("/a/c~1d/1"), Some(8));
        assert_eq!(lines.line_of("/e"), Some(9));
        assert_eq!(lines.line_of("/a/missing"), None);
        assert_eq!(lines.line_of(""), None);
    }

    #[test]
    fn finds_members_of_json_text() {
        let json = "{\n  \"paths\": {\n    \"/uno\": {\n      \"get\": {\n        \"operationId\": \"uno\",\n        \"tags\": [\"a\",\n          \"b\"]\n      }\n    }\n  }\n}\n";
        let lines = Lines::of(json);
        assert_eq!(lines.line_of("/paths"), Some(2));
        assert_eq!(lines.line_of("/paths/~1uno/get"), Some(4));
        assert_eq!(lines.line_of("/paths/~1uno/get/operationId"), Some(5));
        assert_eq!(lines.line_of("/paths/~1uno/get/tags/1"), Some(7));
    }

    #[test]
    fn a_complex_key_does_not_shift_its_siblings() {
        let lines = Lines::of("? [a, b]\n: 1\nc: 2\n");
        assert_eq!(lines.line_of("/c"), Some(3));
    }
}
