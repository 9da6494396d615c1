//! Body text: what a paragraph of prose looks like, as against a headline,
//! a label or a byline.

use crate::text::{visible_up_to, PROSE_MARKS};

/// Whether `t` is body text: at least twice `min_chars` non-whitespace
/// characters, or `min_chars` with punctuation only prose carries. Counting
/// stops at the threshold and punctuation is only looked for in short text:
/// `rejoin` asks this of an open paragraph that grows with every join, and
/// judging it whole each time was quadratic (benches/scaling.rs).
pub(crate) fn is_body(t: &str, min_chars: usize) -> bool {
    let long = min_chars.saturating_mul(2);
    let n = visible_up_to(t, long);
    n >= long || (n >= min_chars && t.contains(PROSE_MARKS))
}

#[cfg(test)]
mod tests {
    use super::is_body;

    #[test]
    fn prose_or_long_text_is_body() {
        assert!(is_body("近年来全市新建改扩建中小学幼儿园一百余所，学位紧张。", 20));
        assert!(is_body(&"字".repeat(40), 20), "long enough without punctuation");
        assert!(!is_body(&"字".repeat(39), 20));
        assert!(!is_body("强化人才驱动 增强发展动能", 20), "a headline");
        assert!(!is_body("很短，", 20));
        assert!(!is_body(&"字".repeat(100), usize::MAX), "no threshold overflows");
    }
}
