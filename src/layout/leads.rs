//! What opens a paragraph of its own whatever precedes it: numbered and
//! bulleted list items, and a news article's lead with its dateline.

use super::patterns::PATTERNS;
use crate::text::TrimWs;

/// Whether `b` opens a paragraph of its own after `a`: a numbered or
/// bulleted item (`（三）`, `(2)`, `①`, `●`; `第二，`, `二、`, `3、` only
/// after a clause mark, as `坚持统|一、协调` and `排名|第二，` are words cut
/// by a column's end) or a news lead with its dateline
/// (`新华社北京1月6日电`, `本报北京1月1日讯`, `据新华社香港一月五日电`,
/// `本报讯`, `本报（记者`). A list item after an item ending in `；`, or an
/// article's lead after its headline, is no column's continuation
/// (People's Daily, 1998).
pub(crate) fn opens_paragraph(a: &str, b: &str) -> bool {
    // Asked for every break the pass weighs: no allocation, and most lines
    // are decided by their first character.
    let t = b.trim_ws_start();
    let mut cs = t.chars();
    let Some(first) = cs.next() else { return false };
    // (`matches!`, not a search of a string of the numerals: this runs on
    // the first character of every line the passes weigh.)
    let numeral = |c: char| matches!(c, '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '0'..='9' | '０'..='９');
    // The numerals from `from` on: how many (at most 4), and what follows.
    let run = |from: std::str::Chars<'_>| {
        let mut n = 0;
        let mut it = from;
        loop {
            match it.next() {
                Some(c) if numeral(c) && n < 4 => n += 1,
                other => return (n, other),
            }
        }
    };
    let after_mark = || a.trim_ws_end().ends_with(['；', ';', '，', ',', '、', '：', ':']);
    let item = match first {
        '（' | '(' => matches!(run(cs.clone()), (1..=3, Some('）' | ')'))),
        '第' => matches!(run(cs.clone()), (1..=3, Some('，' | '、' | ','))) && after_mark(),
        c if numeral(c) => matches!(run(t.chars()), (1..=2, Some('、'))) && after_mark(),
        c => matches!(c, '①'..='⑳' | '●' | '○' | '■' | '□' | '◆' | '◇' | '▲' | '△' | '★' | '☆' | '•'),
    };
    if item {
        return true;
    }
    let Some((_, agencies, openings)) = PATTERNS.datelines_by_first.iter().find(|g| g.0 == first) else {
        return false;
    };
    // (The dateline is looked for in the first 30 characters only after an
    // agency's name: many lines open with `本` `新` `中` `据`.)
    let dateline = || {
        let head = &t[..t.char_indices().nth(30).map_or(t.len(), |(i, _)| i)];
        head.contains("日电") || head.contains("日讯")
    };
    (agencies.iter().any(|a| t.starts_with(a)) && dateline()) || openings.iter().any(|l| t.starts_with(l))
}

#[cfg(test)]
mod tests {
    use super::opens_paragraph;

    #[test]
    fn items_and_datelines_open_paragraphs() {
        for (a, b) in [
            ("一、总体要求；", "（三）加强组织领导"),
            ("坚持以下原则：", "第二，坚持问题导向"),
            ("主要有：", "3、完善机制"),
            ("标题", "●要点"),
            ("迈向新世纪", "新华社北京1月6日电 记者"),
            ("标题", "本报讯 近日"),
            ("标题", "本报（记者 张三）近日"),
        ] {
            assert!(opens_paragraph(a, b), "{a:?} | {b:?}");
        }
    }

    #[test]
    fn words_cut_by_a_column_do_not() {
        for (a, b) in [
            ("坚持统", "一、协调发展"),
            ("排名", "第二，仅次于"),
            ("据了解", "新华社的记者"),
            ("他说", "中新社报道称"),
            ("本", "报道"),
        ] {
            assert!(!opens_paragraph(a, b), "{a:?} | {b:?}");
        }
    }
}
