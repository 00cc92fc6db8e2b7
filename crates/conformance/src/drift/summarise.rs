//! Text from a capture that drift keeps (a path, a member name, a message quoting them) cut to
//! a bounded length, so that a finding takes the same few bytes whatever the capture holds.
//!
//! A long text is summarised by its first [`PREFIX_CHARS`] characters, its length and a stable
//! hash of the whole (FNV-1a, 64 bits, written here: a seeded hasher such as `foldhash` would
//! give each run its own summary, and two runs, or shards merged later, would not agree). Two
//! long texts with the same prefix still make two findings when their hashes differ.

use std::borrow::Cow;

/// Text up to this many characters is kept whole; longer text is summarised.
pub const MAX_TEXT_CHARS: usize = 200;
/// The characters a summary keeps from the start of the text.
pub const PREFIX_CHARS: usize = 64;

/// `text` as it is when it has at most [`MAX_TEXT_CHARS`] characters, else
/// `<first 64 characters>… (N bytes, fnv1a64 0123456789abcdef)`.
pub fn summarise(text: &str) -> Cow<'_, str> {
    // At most 4 bytes a character: a text this short in bytes is short in characters.
    if text.len() <= MAX_TEXT_CHARS || text.chars().nth(MAX_TEXT_CHARS).is_none() {
        return Cow::Borrowed(text);
    }
    let prefix_end = text
        .char_indices()
        .nth(PREFIX_CHARS)
        .map_or(text.len(), |(at, _)| at);
    Cow::Owned(format!(
        "{}… ({} bytes, fnv1a64 {:016x})",
        &text[..prefix_end],
        text.len(),
        fnv1a64(text.as_bytes())
    ))
}

/// Whether [`summarise`] would cut `text`.
pub fn is_summarised(text: &str) -> bool {
    matches!(summarise(text), Cow::Owned(_))
}

/// FNV-1a, 64 bits: the same value in every run and on every machine.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET_BASIS, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_published_test_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn short_text_is_kept_and_long_text_summarised_stably() {
        assert_eq!(summarise("GET /v1/nowhere"), "GET /v1/nowhere");
        let exactly = "é".repeat(MAX_TEXT_CHARS);
        assert_eq!(summarise(&exactly), exactly.as_str());
        let long = format!("GET /{}", "a".repeat(1 << 20));
        let summary = summarise(&long);
        assert_eq!(
            summary,
            format!(
                "GET /{}… (1048581 bytes, fnv1a64 {:016x})",
                "a".repeat(PREFIX_CHARS - 5),
                fnv1a64(long.as_bytes())
            )
        );
        assert!(summary.chars().count() < MAX_TEXT_CHARS);
        let other = format!("{long}b");
        assert_ne!(summarise(&other), summary, "same prefix, another hash");
        assert!(is_summarised(&long) && !is_summarised("short"));
    }
}
