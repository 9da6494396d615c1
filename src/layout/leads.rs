//! What opens a paragraph of its own whatever precedes it: numbered and
//! bulleted list items, and a news article's lead with its dateline.

use std::sync::LazyLock;

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
#[inline]
pub(crate) fn opens_paragraph(a: &str, b: &str) -> bool {
    // Asked for every break the pass weighs: no allocation, and most lines
    // are decided by their first character.
    let t = b.trim_ws_start();
    // Most lines open with a Han character that opens no item and no
    // dateline: one bit says so.
    if !may_open_paragraph(t) {
        return false;
    }
    let mut cs = t.chars();
    let Some(first) = cs.next() else { return false };
    opens_after_first(a, t, first, cs)
}

/// Whether `t` (trimmed) may open a paragraph by [`opens_paragraph`]'s
/// rules, by its first character's bytes: false only for a character of
/// U+4E00-U+9FFF without its bit in [`HAN_OPENERS`] (most lines), read off
/// its three bytes without a call or a general decode.
#[inline]
pub(crate) fn may_open_paragraph(t: &str) -> bool {
    match t.as_bytes() {
        // (Its three bytes taken here: `text::decode_at` asks again what
        // the lead byte says, 1.2M instructions more on the 4 MB head.)
        [x @ 0xE4..=0xE9, y, z, ..] => {
            let cp = (usize::from(x & 0x0F) << 12) | (usize::from(y & 0x3F) << 6) | usize::from(z & 0x3F);
            // (U+4000-U+4DFF, led by E4 too, fall below the block: asked.)
            cp.checked_sub(HAN_FROM).is_none_or(|k| HAN_OPENERS[k / 64] >> (k % 64) & 1 != 0)
        }
        _ => true,
    }
}

/// The block of Han characters [`HAN_OPENERS`] covers (U+4E00-U+9FFF).
const HAN_FROM: usize = 0x4E00;
const HAN_OPENERS_BITS: usize = 0xA000 - HAN_FROM;

/// A bit per character of U+4E00-U+9FFF that may open a paragraph by
/// [`opens_paragraph`]'s rules: the numerals of `二、`, `第`, and the
/// first characters of the agencies and openings of a dateline.
static HAN_OPENERS: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let mut bits = vec![0u64; HAN_OPENERS_BITS.div_ceil(64)];
    let firsts = PATTERNS.datelines_by_first.iter().map(|g| g.0);
    for c in NUMERALS.iter().copied().chain(['第']).chain(firsts) {
        if let Some(k) = (c as usize).checked_sub(HAN_FROM).filter(|&k| k < HAN_OPENERS_BITS) {
            bits[k / 64] |= 1 << (k % 64);
        }
    }
    bits
});

/// The Han numerals of a numbered item (`三、`, `（二）`, `第五，`).
const NUMERALS: [char; 10] = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/// [`opens_paragraph`] once the first character of `t` (`b` trimmed) is
/// read: `cs` holds the rest.
#[inline(never)]
fn opens_after_first(a: &str, t: &str, first: char, cs: std::str::Chars<'_>) -> bool {
    let numeral = |c: char| NUMERALS.contains(&c) || c.is_ascii_digit() || ('０'..='９').contains(&c);
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
    use super::{may_open_paragraph, opens_after_first, opens_paragraph, HAN_OPENERS, HAN_OPENERS_BITS};
    use crate::text::TrimWs;

    #[test]
    fn what_may_not_open_a_paragraph_opens_none() {
        // Every BMP character and a few astral ones, before what the rules
        // look for after the first character: the byte test never says no
        // where the rules say yes, and says no to most Han characters.
        let tails = ["", "一、", "二，", "）", "华社北京1月6日电", "报讯", "报（记者", "三四五）", "3、"];
        let mut no = 0;
        for c in (0..0x10000u32).chain(0x20000..0x20010).filter_map(char::from_u32) {
            for tail in tails {
                // (The rules themselves, past the first character:
                // `opens_paragraph` asks `may_open_paragraph` first.)
                let s = format!("{c}{tail}");
                let t = s.trim_ws_start();
                let mut cs = t.chars();
                let Some(first) = cs.next() else { continue };
                for a in ["；", "标题"] {
                    let rules = opens_after_first(a, t, first, cs.clone());
                    assert!(may_open_paragraph(t) || !rules, "{t:?} after {a:?}");
                    assert_eq!(opens_paragraph(a, &s), may_open_paragraph(t) && rules, "{s:?} after {a:?}");
                }
            }
            no += usize::from(!may_open_paragraph(&c.to_string()));
        }
        assert!(no > 20_000, "{no}");
    }

    #[test]
    fn a_han_character_without_its_bit_opens_nothing() {
        // Every character of the block, before what each rule looks for
        // after the first character, after a clause mark: the rules alone
        // never say yes where the bit says no, and say yes somewhere for
        // each character whose bit is set.
        let tails = [
            "",
            "一、",
            "二，",
            "）",
            "华社北京1月6日电",
            "报讯",
            "报（记者",
            "新社香港一月五日电",
            "新华社北京电 1月5日电",
            "三四五）",
        ];
        let mut set = 0;
        for k in 0..HAN_OPENERS_BITS {
            let c = char::from_u32((0x4E00 + k) as u32).unwrap();
            let bit = HAN_OPENERS[k / 64] >> (k % 64) & 1 == 1;
            let any = tails.iter().any(|tail| {
                let t = format!("{c}{tail}");
                let mut cs = t.chars();
                cs.next();
                opens_after_first("；", &t, c, cs)
            });
            assert!(bit || !any, "{c:?}");
            assert!(!bit || any, "{c:?} has a bit no rule uses");
            set += usize::from(bit);
        }
        assert!(set >= 12, "{set}");
    }

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
