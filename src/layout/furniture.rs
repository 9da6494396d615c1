//! Running heads and feet: what a newspaper prints at the top or foot of
//! every page or column — the paper's name and the date, the page and its
//! section, the page number, the editors of the page — and what OCR writes
//! into the text wherever a page or column ends, often between the halves
//! of a sentence.
//!
//! A line is furniture when every token on it is one of those things and
//! it names a date, a page or an editor: `江城日报 2023年12月5日 星期二`,
//! `第03版 要闻`, `A2 综合`, `- 12 -`, `第12页`, `2023年12月5日 星期二 第3版`,
//! `责任编辑 张三 美术编辑 李四`. A line with anything else on it (a verb, a
//! sentence mark, a longer phrase) is text, so an article's own mention of a
//! date or a page stays.

use super::body::is_name;
use crate::text::is_han;
use crate::text::TrimWs;

/// Longest furniture line, in characters.
pub(crate) const MAX_FURNITURE_CHARS: usize = 40;

/// Names a paper or magazine ends with.
const PAPER_ENDS: [&str; 9] = ["日报", "晚报", "时报", "周报", "商报", "报", "周末", "周刊", "新闻"];

/// Role words of the editor line at a page's foot.
const EDITOR_ROLES: [&str; 13] = [
    "责任编辑",
    "本版责编",
    "本版编辑",
    "责编",
    "美术编辑",
    "美编",
    "版式设计",
    "版式",
    "校对",
    "组版",
    "图片编辑",
    "视觉设计",
    "编辑",
];

/// The characters the roles start with.
const ROLE_FIRSTS: [char; 9] = ['责', '本', '美', '版', '校', '组', '图', '视', '编'];

const WEEKDAYS: [&str; 2] = ["星期", "周"];

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `2023年12月5日`, `12月5日`, `2023-12-05`, `2023.12.05`, `2023/12/05`.
fn is_date(t: &str) -> bool {
    // Either form opens with a digit (the first unit found must follow
    // digits from the token's start; the first of three parts has four):
    // most tokens asked open with Han, and are answered here.
    t.as_bytes().first().is_some_and(u8::is_ascii_digit) && date_forms(t)
}

/// [`is_date`]'s two forms, read in full.
fn date_forms(t: &str) -> bool {
    let mut rest = t;
    let mut parts = 0;
    for unit in ['年', '月', '日'] {
        if let Some(i) = rest.find(unit) {
            if !all_digits(&rest[..i]) || i > 4 {
                return false;
            }
            rest = &rest[i + unit.len_utf8()..];
            parts += 1;
        }
    }
    if parts >= 2 && rest.is_empty() {
        return true;
    }
    let sep = ['-', '.', '/'].into_iter().find(|&c| t.contains(c));
    sep.is_some_and(|c| {
        let p: Vec<&str> = t.split(c).collect();
        p.len() == 3 && p[0].len() == 4 && p.iter().all(|x| all_digits(x) && x.len() <= 4)
    })
}

/// `星期二`, `周二`, also in brackets.
fn is_weekday(t: &str) -> bool {
    let t = t.trim_start_matches(['（', '(']).trim_end_matches(['）', ')']);
    WEEKDAYS.iter().any(|w| t.strip_prefix(w).is_some_and(|d| d.chars().count() == 1 && "一二三四五六日天".contains(d)))
}

/// `第03版`, `第12页`, `A2`, `B12`, `03版`.
fn is_page_mark(t: &str) -> bool {
    let t = t.strip_prefix('第').unwrap_or(t);
    if let Some(n) = t.strip_suffix('版').or_else(|| t.strip_suffix('页')) {
        let n = n.trim_start_matches(|c: char| c.is_ascii_uppercase());
        return all_digits(n) && n.len() <= 3;
    }
    let mut cs = t.chars();
    cs.next().is_some_and(|c| c.is_ascii_uppercase()) && all_digits(cs.as_str()) && cs.as_str().len() <= 2
}

/// A paper's name: at most 8 Han characters ending as papers' names do.
fn is_paper(t: &str) -> bool {
    // (Counted to one past the most: a token may be a line's worth.)
    let n = t.chars().take(9).count();
    (3..=8).contains(&n) && t.chars().all(is_han) && PAPER_ENDS.iter().any(|e| t.ends_with(e))
}

/// A section name: 2 to 6 Han characters (`要闻`, `综合新闻`), with `·`
/// between parts allowed (`法治·社会`).
fn is_section(t: &str) -> bool {
    let n = t.chars().filter(|&c| c != '·').take(7).count();
    (2..=6).contains(&n) && t.chars().all(|c| is_han(c) || c == '·') && !t.starts_with('·') && !t.ends_with('·')
}

/// `- 12 -`, `—12—`, `-12-`.
fn is_page_number(line: &str) -> bool {
    // `line` is trimmed: it opens and closes with the dashes or is none.
    if !(line.starts_with(['-', '—', '－']) && line.ends_with(['-', '—', '－'])) {
        return false;
    }
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let inner = t.trim_start_matches(['-', '—', '－']).trim_end_matches(['-', '—', '－']);
    inner.len() < t.len()
        && t.starts_with(['-', '—', '－'])
        && t.ends_with(['-', '—', '－'])
        && all_digits(inner)
        && inner.len() <= 3
}

/// `责任编辑 张三 美术编辑 李四`, `本版编辑：王某 校对：李某`: role words,
/// each followed by one or two names (2 to 4 Han characters).
fn is_editor_line(line: &str) -> bool {
    // A line opening with Han (led by E4-E9: no separator) opens with a
    // role only if its first three bytes are a role's first character's
    // (most lines asked are answered here, without decoding).
    if let [x @ 0xE4..=0xE9, y, z, ..] = *line.as_bytes() {
        if !ROLE_FIRSTS.iter().any(|c| c.encode_utf8(&mut [0; 4]).as_bytes() == [x, y, z]) {
            return false;
        }
    }
    // The first token must open with a role (the loop below returns false
    // on it otherwise); no role holds a separator, so the line after its
    // leading separators shows it.
    let head = line.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '：' | ':' | '、' | '/'));
    // (Most lines are rejected by their first character.)
    if !head.starts_with(ROLE_FIRSTS) || !EDITOR_ROLES.iter().any(|r| head.starts_with(r)) {
        return false;
    }
    let mut roles = 0;
    let mut names_since_role = 0;
    let mut first = true;
    for tok in line
        .split(|c: char| c.is_whitespace() || c == '：' || c == ':' || c == '、' || c == '/')
        .filter(|t| !t.is_empty())
    {
        if let Some(role) = EDITOR_ROLES.iter().find(|r| tok.starts_with(**r)) {
            let name = &tok[role.len()..];
            // A name glued to a short role word is a word (`编辑部`).
            if !name.is_empty() && role.chars().count() < 4 {
                return false;
            }
            roles += 1;
            names_since_role = 0;
            first = false;
            if name.is_empty() {
                continue;
            }
            if !is_name(name) {
                return false;
            }
            names_since_role = 1;
            continue;
        }
        if first || !is_name(tok) || names_since_role >= 3 {
            return false;
        }
        names_since_role += 1;
    }
    roles >= 1 && names_since_role >= 1
}

/// What a line every character of which a head may hold holds: an ASCII
/// digit, a `·`, a separator of tokens (whitespace, `|`, `｜`), and how
/// many characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct HeadChars {
    digit: bool,
    middot: bool,
    separated: bool,
    chars: usize,
}

/// Whether every character of `t` is one a head may hold, and if so what
/// [`HeadChars`] says of it: one pass over the bytes, which stops at the
/// first other character (most lines of text hold a mark within a few
/// characters); most Han by its lead byte.
fn head_chars(t: &str) -> Option<HeadChars> {
    let b = t.as_bytes();
    let mut h = HeadChars { digit: false, middot: false, separated: false, chars: 0 };
    let mut i = 0;
    while i < b.len() {
        h.chars += 1;
        if crate::text::han_by_lead(b, i) {
            i += 3;
            continue;
        }
        let (c, n) = crate::text::decode_at(b, i);
        let c = char::from_u32(c).expect("valid UTF-8");
        if !is_head_char(c) {
            return None;
        }
        h.digit |= c.is_ascii_digit();
        h.middot |= c == '·';
        h.separated |= is_separator(c);
        i += n;
    }
    Some(h)
}

/// What separates a head's tokens: whitespace, and `|` or `｜` between a
/// paper and a section.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == '|' || c == '｜'
}

/// A character a head, foot or page number may hold (see
/// [`is_running_head`]).
fn is_head_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || is_han(c)
        || c.is_whitespace()
        || matches!(c, '-' | '.' | '/' | '(' | ')' | '（' | '）' | '·' | '|' | '｜' | '—' | '－')
}

/// Whether `line` is a running head or foot (see the module docs).
pub(crate) fn is_running_head(line: &str) -> bool {
    running_head(line, None)
}

/// [`is_running_head`] of a line the caller has read already: `anchored`
/// says whether it holds an ASCII digit or a `·`. Without either only an
/// editor line is one, and the line's characters are not read again.
pub(crate) fn is_running_head_anchored(line: &str, anchored: bool) -> bool {
    running_head(line, Some(anchored))
}

fn running_head(line: &str, anchored: Option<bool>) -> bool {
    let t = line.trim_ws();
    // (A character takes one to four bytes: most lines are judged by
    // their length in bytes, and the rest counted only when the answer
    // could be yes.)
    if t.is_empty() || t.len() > 4 * MAX_FURNITURE_CHARS {
        return false;
    }
    let too_long = || t.len() > MAX_FURNITURE_CHARS && t.chars().count() > MAX_FURNITURE_CHARS;
    // Heads, feet and page numbers hold nothing but Han characters, digits,
    // Latin letters, spaces and the marks of dates, page marks and
    // `paper·section`; and every date, page mark and page number holds a
    // digit, a paper with its section a `·`. A line with any other mark
    // (most lines of text), or without either, can only be an editor line
    // (`责任编辑：王海`).
    let chars = if anchored == Some(false) { None } else { head_chars(t) };
    let h = match chars {
        Some(h) if h.digit || h.middot => h,
        _ => return is_editor_line(t) && !too_long(),
    };
    // (`head_chars` counted them.)
    if h.chars > MAX_FURNITURE_CHARS {
        return false;
    }
    if is_page_number(t) || is_editor_line(t) {
        return true;
    }
    // Tokens: whitespace-separated, and `·` or `|` joining a paper and a
    // section (`江城日报·要闻`).
    let mut anchor = false;
    let mut papers = 0;
    let mut sections = 0;
    let mut tokens = 0;
    // (A line without a separator is one token: most lines asked, which
    // are not split character by character then.)
    let split = h.separated.then(|| t.split(is_separator).filter(|x| !x.is_empty()));
    for tok in split.into_iter().flatten().chain((!h.separated).then_some(t)) {
        tokens += 1;
        if is_date(tok) || is_page_mark(tok) {
            anchor = true;
        } else if is_weekday(tok) {
        } else if is_paper(tok) {
            papers += 1;
        } else if let Some((_, s)) = tok.split_once('·').filter(|(p, _)| is_paper(p)) {
            if !is_section(s) {
                return false;
            }
            papers += 1;
            sections += 1;
            anchor = true;
        } else if is_section(tok) {
            sections += 1;
        } else {
            return false;
        }
    }
    // A section name or a paper alone is a headline's worth of words; it
    // takes a date or a page to make a running head.
    anchor && tokens >= 1 && papers <= 1 && sections <= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_opens_with_a_digit() {
        // `is_date`'s first test never changes the forms' answer: they
        // say yes only to tokens that open with a digit.
        let rules = date_forms;
        // Numbers and units in turn, each of them sometimes wrong or gone.
        let numbers = ["2023", "12", "5", "2023", "12", "5", "", "江", "０", "a"];
        let units = ["年", "月", "日", "年", "月", "日", "-", "-", ".", "/", "", "第"];
        let mut rng = crate::testing::Lcg::new(37);
        let mut dates = 0;
        for _ in 0..40_000 {
            let t: String = (0..1 + rng.below(3))
                .flat_map(|_| [numbers[rng.below(numbers.len())], units[rng.below(units.len())]])
                .collect();
            assert_eq!(is_date(&t), rules(&t), "{t:?}");
            dates += usize::from(rules(&t));
        }
        assert!(dates > 300, "{dates}");
    }

    #[test]
    fn every_role_opens_an_editor_line() {
        // (Each role's first character passes the first-bytes test.)
        for role in EDITOR_ROLES {
            for line in [format!("{role} 王海"), format!("{role}：王海 李强"), format!(" {role} 王海")] {
                assert!(is_editor_line(&line), "{line:?}");
            }
        }
    }

    #[test]
    fn head_chars_says_what_the_characters_say() {
        // Han, digits, `·`, separators, the other marks a head holds, and
        // characters it does not (a hexagram, which shares Han's lead byte).
        let pieces = ["江", "报", "2", "·", " ", "\u{3000}", "|", "｜", "-", "—", "（", "a", "，", "、", "䷀", "𠀀"];
        for t in crate::testing::Lcg::new(31).mixtures(&pieces, 20_000, 10) {
            let want = t.chars().all(is_head_char).then(|| HeadChars {
                digit: t.contains(|c: char| c.is_ascii_digit()),
                middot: t.contains('·'),
                separated: t.contains(is_separator),
                chars: t.chars().count(),
            });
            assert_eq!(head_chars(&t), want, "{t:?}");
        }
    }

    #[test]
    fn heads_and_feet_newspapers_print() {
        for line in [
            "江城日报 2023年12月5日 星期二",
            "第03版 要闻",
            "A2 综合",
            "A12 要闻·综合",
            "- 12 -",
            "—3—",
            "第12页",
            "2023年12月5日 星期二 第3版",
            "2023年12月5日 星期二",
            "责任编辑 张三 美术编辑 李四",
            "本版编辑：王某某 校对：李四",
            "滨海日报·要闻",
            "人民法院报 2023-12-05",
            "12月5日 （星期二）",
        ] {
            assert!(is_running_head(line), "{line}");
        }
    }

    #[test]
    fn text_that_mentions_dates_pages_or_papers_stays() {
        for line in [
            "2023年12月5日，市政府召开常务会议。",
            "要闻",
            "江城日报",
            "基本案情",
            "强化人才驱动 增强发展动能",
            "第一章 总则",
            "详见第3版",
            "编辑部的故事",
            "责任编辑要对稿件负责",
            "12",
            "本报记者 王海 通讯员 林峰",
            "张三 李四 王五 赵六",
            "2023年 我们一起走过",
        ] {
            assert!(!is_running_head(line), "{line}");
        }
    }

    #[test]
    fn one_pass_decides_as_the_tests_it_replaced() {
        // The tests as they were: a digit anywhere, a `·` anywhere, every
        // character a head's; editor lines by their roles alone.
        let before = |line: &str| {
            let t = line.trim_ws();
            let digit = t.bytes().any(|b| b.is_ascii_digit());
            if t.is_empty() || t.chars().count() > MAX_FURNITURE_CHARS {
                return false;
            }
            if !digit && !t.contains('·') || !t.chars().all(is_head_char) {
                return is_editor_line(t);
            }
            is_running_head(t)
        };
        assert!(EDITOR_ROLES.iter().all(|r| r.starts_with(ROLE_FIRSTS)));
        let pieces = [
            "江城日报",
            "2023年12月5日",
            "星期二",
            "第03版",
            "要闻",
            "·",
            "A2",
            " ",
            "　",
            "- 12 -",
            "责任编辑",
            "张三",
            "：",
            "校对",
            "，",
            "。",
            "(",
            "）",
            "|",
            "é",
            "𠀀",
            "䷀",
            "3",
            "x",
            "编辑部",
            "\u{85}",
            "—",
            "本版编辑",
            "图片",
        ];
        let mut lines: Vec<String> = crate::testing::Lcg::new(7).mixtures(&pieces, 20_000, 9);
        lines.extend(
            ["江城日报 2023年12月5日 星期二", "责任编辑 张三 美术编辑 李四", "A12 要闻·综合"].map(String::from),
        );
        // Either side of the length limit.
        for n in 1..9 {
            lines.push(format!("责任编辑 张三{}", " 校对 李四".repeat(n)));
            lines.push(format!("{}第3版", "2023年12月5日 ".repeat(n)));
        }
        let mut heads = 0;
        for l in &lines {
            assert_eq!(is_running_head(l), before(l), "{l:?}");
            heads += usize::from(before(l));
        }
        assert!(heads > 200, "{heads}");
    }
}
