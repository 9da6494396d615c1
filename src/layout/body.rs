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

/// Whether `b` starts with a lone Han character (not a numeral) and a
/// comma or an enumeration comma: the tail of a word a break cut
/// (`街、北至…`). `rejoin` joins such a line to an open one before it;
/// `dedup` leaves a repeat uncut rather than make one.
pub(crate) fn starts_mid_clause(b: &str) -> bool {
    // Spaces between the two do not count: the punct pass removes them,
    // and cleaning again must agree.
    let mut it = b.chars().filter(|c| !c.is_whitespace());
    let (Some(c1), Some(c2)) = (it.next(), it.next()) else { return false };
    crate::text::is_han(c1)
        && !"一二三四五六七八九十百零〇两甲乙丙丁戊己庚辛壬癸".contains(c1)
        && matches!(c2, '、' | '，' | ',')
}

#[cfg(test)]
mod tests {
    use super::{is_body, starts_mid_clause};

    #[test]
    fn a_word_tail_and_a_clause_mark_start_mid_clause() {
        assert!(starts_mid_clause("街、北至兰台路") && starts_mid_clause("的 ，国家"));
        assert!(!starts_mid_clause("一、坚持问题导向") && !starts_mid_clause("北至兰台路、"));
    }

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
