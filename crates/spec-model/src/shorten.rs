//! A JSON value shown in a message, cut to a readable length: the one shortening every tool's
//! messages use (each keeps its length and its mark, which its committed outputs and accepted
//! lists spell).

use serde_json::Value;

/// How a cut value is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// The first `limit` characters, then `…` (the constraint probe's instance names).
    EllipsisAfter,
    /// At most `limit` characters, the last three `...` (the conformance tools' messages).
    DotsWithin,
}

/// `value` as compact JSON, cut to `limit` characters as `cut` says.
pub fn short_json(value: &Value, limit: usize, cut: Cut) -> String {
    let text = value.to_string();
    if text.chars().count() <= limit {
        return text;
    }
    match cut {
        Cut::EllipsisAfter => format!("{}…", text.chars().take(limit).collect::<String>()),
        Cut::DotsWithin => format!(
            "{}...",
            text.chars()
                .take(limit.saturating_sub(3))
                .collect::<String>()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_value_is_whole_and_a_long_one_cut_by_characters() {
        let short = Value::from("ab");
        assert_eq!(short_json(&short, 4, Cut::DotsWithin), "\"ab\"");
        let long = Value::from("ééééééé");
        assert_eq!(short_json(&long, 6, Cut::DotsWithin), "\"éé...");
        assert_eq!(short_json(&long, 6, Cut::EllipsisAfter), "\"ééééé…");
    }
}
