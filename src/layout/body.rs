//! Body text: what a paragraph of prose looks like, as against a headline,
//! a label or a byline.

use crate::text::{TrimWs, PROSE_MARKS};

/// Whether `t` is body text: at least twice `min_chars` non-whitespace
/// characters, or `min_chars` with punctuation only prose carries. Counting
/// stops at the threshold and punctuation is only looked for in short text:
/// `rejoin` asks this of an open paragraph that grows with every join, and
/// judging it whole each time was quadratic (benches/scaling.rs).
pub(crate) fn is_body(t: &str, min_chars: usize) -> bool {
    let long = min_chars.saturating_mul(2);
    // (One pass: the count stops at `long`, and short of it the marks were
    // looked for in the whole text.)
    let (n, prose) = crate::text::visible_up_to_prose(t, long);
    n >= long || (n >= min_chars && prose)
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
    // (The separator first: it rules out most lines, and the numerals by
    // `matches!`, not a search of a string of them.)
    matches!(c2, '、' | '，' | ',')
        && crate::text::is_han(c1)
        && !matches!(
            c1,
            '一' | '二'
                | '三'
                | '四'
                | '五'
                | '六'
                | '七'
                | '八'
                | '九'
                | '十'
                | '百'
                | '零'
                | '〇'
                | '两'
                | '甲'
                | '乙'
                | '丙'
                | '丁'
                | '戊'
                | '己'
                | '庚'
                | '辛'
                | '壬'
                | '癸'
        )
}

/// Whether a word of the word list runs across the break between `a` and
/// `b`: the last character of `a` with the first one or two of `b`, or the
/// last two with the first (`能|力`, `装配车|间`, `工人|们`). The evidence
/// that two pieces cut apart by a line or page end were one sentence;
/// `rejoin` joins on it, `unwrap` moves a block set between them.
pub(crate) fn word_across(a: &str, b: &str) -> bool {
    let (mut tail, mut head) = (a.chars().rev(), b.chars());
    let (Some(last), Some(first)) = (tail.next(), head.next()) else { return false };
    let word = crate::dict::words::is_han_word;
    word(&[last, first])
        || head.next().is_some_and(|second| word(&[last, first, second]))
        || tail.next().is_some_and(|before| word(&[before, last, first]))
}

/// Whether `t` is a list of names set on a line (award lists,
/// signatories, a byline of several): three or more space-separated
/// tokens, each 2 to 4 Han characters, and nothing else. Long as such a
/// line may be, it is no prose: `rejoin` joins nothing to it and `punct`
/// keeps its spaces.
pub(crate) fn is_name_list(t: &str) -> bool {
    // Most lines given are long prose: a first token of 16 bytes or more
    // (no byte that may start whitespace among them: ASCII up to the
    // space, `C2`, `E1`..`E3`) holds more than four Han characters, and a
    // line of one token fewer than three names.
    let head = t.trim_ws_start().as_bytes();
    if !head[..head.len().min(16)].iter().any(|&x| x <= b' ' || matches!(x, 0xC2 | 0xE1..=0xE3)) {
        return false;
    }
    // Token by token as `split_whitespace` cuts them, each `is_name`, but
    // stopping at the first character no name holds.
    let (mut names, mut len) = (0, 0);
    for c in t.chars().chain([' ']) {
        if c.is_whitespace() {
            if len > 0 {
                if len < 2 {
                    return false;
                }
                names += 1;
                len = 0;
            }
        } else {
            len += 1;
            if len > 4 || !crate::text::is_han(c) {
                return false;
            }
        }
    }
    names >= 3
}

/// A personal name as bylines, credits and editor lines print it: 2 to 4
/// Han characters.
pub(crate) fn is_name(t: &str) -> bool {
    (2..=4).contains(&t.chars().take(5).count()) && t.chars().all(crate::text::is_han)
}

/// Whether `t` is a row of a table as OCR writes it: three or more cells
/// set apart by spaces, and no sentence punctuation. A second table's
/// header row repeats the first's; it is text of that table, not a
/// paragraph printed twice, and `dedup` keeps it.
pub(crate) fn is_table_row(t: &str) -> bool {
    !t.contains(PROSE_MARKS) && t.split_whitespace().count() >= 3
}

#[cfg(test)]
mod tests {
    use super::{is_body, is_name_list, is_table_row, starts_mid_clause, word_across};
    use crate::text::is_han;
    use crate::text::PROSE_MARKS;

    #[test]
    fn a_word_of_the_list_runs_across_a_break() {
        assert!(word_across("提升自身能", "力素质"));
        assert!(word_across("走进这家工厂的装配车", "间，只见"));
        assert!(word_across("只见工人", "们正在"));
        assert!(!word_across("出门见绿。", "据介绍"), "a sentence end");
        assert!(!word_across("装配车", "相关链接"));
        assert!(!word_across("", "力") && !word_across("能", ""));
    }

    #[test]
    fn cells_set_apart_by_spaces_are_a_table_row() {
        assert!(is_table_row("序号 单位名称 项目名称 投资金额（万元） 建设年限"));
        assert!(!is_table_row("市里今年将新建口袋公园二十个， 改造老旧小区 供水管网"));
        assert!(!is_table_row("强化人才驱动 增强发展动能"));
    }

    #[test]
    fn a_name_list_is_three_or_more_tokens_of_two_to_four_han() {
        let naive = |t: &str| {
            let toks: Vec<&str> = t.split_whitespace().collect();
            toks.len() >= 3 && toks.iter().all(|w| (2..=4).contains(&w.chars().count()) && w.chars().all(is_han))
        };
        // Tokens (names, too short, too long, not Han) and what stands
        // between them (whitespace of three kinds, a mark, nothing).
        let tokens = ["张三", "李四海", "王五洲赵", "张", "五六七八九", "a李四"];
        let gaps = [" ", "  ", "\u{3000}", "\u{a0}", "、", ""];
        let mut lcg = crate::testing::Lcg::new(3);
        let mut next = |n: usize| lcg.below(n);
        let mut lists = 0;
        for _ in 0..20_000 {
            let mut t = String::from(gaps[next(gaps.len())]);
            for _ in 0..next(6) {
                t.push_str(tokens[next(3) + 3 * usize::from(next(4) == 0)]);
                t.push_str(gaps[next(3) + 3 * usize::from(next(4) == 0)]);
            }
            assert_eq!(is_name_list(&t), naive(&t), "{t:?}");
            lists += usize::from(naive(&t));
        }
        assert!(lists > 100, "{lists}");
    }

    #[test]
    fn names_set_apart_by_spaces_are_a_list() {
        assert!(is_name_list("张三丰 李四海 王五洲 赵六合 钱七星"));
        assert!(!is_name_list("张三丰 李四海"), "two names: a byline");
        assert!(!is_name_list("强化人才驱动 增强发展动能 推动高质量发展"), "phrases of five or more");
        assert!(!is_name_list("张三丰 李四海 王五洲，赵六合"));
    }

    #[test]
    fn a_word_tail_and_a_clause_mark_start_mid_clause() {
        assert!(starts_mid_clause("街、北至兰台路") && starts_mid_clause("的 ，国家"));
        // As the numerals were ruled out before, by a search of them.
        let numerals = "一二三四五六七八九十百零〇两甲乙丙丁戊己庚辛壬癸";
        for c1 in (0..=0xFFFFu32).filter_map(char::from_u32).filter(|c| !c.is_whitespace()) {
            for c2 in ['、', '，', ',', '。'] {
                let want = crate::text::is_han(c1) && !numerals.contains(c1) && matches!(c2, '、' | '，' | ',');
                assert_eq!(starts_mid_clause(&format!("{c1}{c2}北")), want, "{c1}{c2}");
            }
        }
        assert!(!starts_mid_clause("一、坚持问题导向") && !starts_mid_clause("北至兰台路、"));
    }

    #[test]
    fn body_text_is_judged_in_one_pass_as_before() {
        // The definition: the visible count up to twice the minimum, or the
        // minimum and a prose mark anywhere.
        let before = |t: &str, min: usize| {
            let n = crate::text::visible_up_to(t, 2 * min);
            n >= 2 * min || (n >= min && t.contains(PROSE_MARKS))
        };
        let pieces = [
            "近年来全市新建",
            "，",
            "。",
            "；",
            "！",
            "？",
            ",",
            ";",
            "!",
            "?",
            "、",
            "：",
            "“",
            " ",
            "\u{3000}",
            "\t",
            "a1",
            "é",
            "𠀀",
            "〇",
            "ー",
            "\u{2003}",
            "\u{a0}",
            "｡",
            "ｿ",
        ];
        let mut texts = crate::testing::Lcg::new(9).mixtures(&pieces, 20_000, 24);
        texts.extend(PROSE_MARKS.iter().map(|m| format!("{}{m}", "字".repeat(19))));
        let mut body = 0;
        for t in &texts {
            for min in [1, 5, 20] {
                assert_eq!(is_body(t, min), before(t, min), "{t:?} {min}");
                body += usize::from(before(t, min));
            }
        }
        assert!(body > 10_000, "{body}");
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
