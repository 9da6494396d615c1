//! Web chrome lines (breadcrumbs, copyright, ICP filing, contact footers…)
//! by the patterns of `data/patterns/chrome.txt`.

use std::sync::LazyLock;

use crate::text::{CLOSERS, SENTENCE_END};

/// Lines longer than this (in non-whitespace characters) are never chrome.
pub const MAX_CHROME_CHARS: usize = 200;

/// What kind of chrome a pattern finds (the data file's first column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `当前位置：首页 > 新闻中心`
    Breadcrumb,
    /// `版权所有`, `Copyright`
    Copyright,
    /// ICP and public-security filing numbers
    Filing,
    /// address, phone, fax, e-mail fields
    Contact,
    /// `技术支持`
    Support,
    /// `主办单位`
    Host,
    /// share bars
    Share,
    /// `责任编辑`
    Editor,
    /// publish-time lines (top of the page only)
    Publish,
}

#[derive(Debug)]
struct Rule {
    kind: Kind,
    at_start: bool,
    colon: bool,
    top_only: bool,
    text: &'static str,
    /// `text`'s searcher, built once (building one per line and rule was a
    /// third of the pass).
    finder: memchr::memmem::Finder<'static>,
}

static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| parse_rules(include_str!("../../data/patterns/chrome.txt")));

/// Every rule's text in one automaton: a line is scanned once for all of
/// them, and only the rules whose text occurs in it are tried (in the
/// data file's order, as before). Pattern `i` is rule `i`'s text.
static FINDER: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    assert!(RULES.len() <= 128, "data/patterns/chrome.txt: at most 128 rules (a line's candidates are a u128)");
    // The automaton reports a text given twice under one pattern only.
    let texts: std::collections::HashSet<&str> = RULES.iter().map(|r| r.text).collect();
    assert_eq!(texts.len(), RULES.len(), "data/patterns/chrome.txt: a pattern text is given twice");
    aho_corasick::AhoCorasick::new(RULES.iter().map(|r| r.text)).expect("chrome patterns build")
});

/// The rules whose text occurs in `t`, as a bit set over `RULES`.
fn candidates(t: &str) -> u128 {
    let mut set = 0u128;
    for m in FINDER.find_overlapping_iter(t) {
        set |= 1 << m.pattern().as_usize();
    }
    set
}

fn parse_rules(data: &'static str) -> Vec<Rule> {
    let mut rules = Vec::new();
    for (n, line) in data.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&'static str> = line.split('\t').collect();
        assert!(f.len() == 5, "data/patterns/chrome.txt line {}: expected 5 tab-separated fields", n + 1);
        let kind = match f[0] {
            "breadcrumb" => Kind::Breadcrumb,
            "copyright" => Kind::Copyright,
            "filing" => Kind::Filing,
            "contact" => Kind::Contact,
            "support" => Kind::Support,
            "host" => Kind::Host,
            "share" => Kind::Share,
            "editor" => Kind::Editor,
            "publish" => Kind::Publish,
            k => panic!("data/patterns/chrome.txt line {}: unknown kind {k}", n + 1),
        };
        rules.push(Rule {
            kind,
            at_start: f[1] == "start",
            colon: f[2] == "yes",
            top_only: f[3] == "top",
            text: f[4],
            finder: memchr::memmem::Finder::new(f[4]),
        });
    }
    rules
}

/// Why `line` (without its newline) is chrome, if it is. `top` says whether
/// it is among the first non-blank lines of the document.
pub(crate) fn classify(line: &str, top: bool) -> Option<Kind> {
    // Judged without page-jump markers, which the caption pass removes
    // later: cleaning again must agree.
    let t = super::marks::strip_jump_markers(line);
    // Quotes of either direction may follow a sentence end (quote pairing
    // later may turn one into the other). Cheapest test first: most body
    // lines end a sentence.
    if t.trim_end_matches(CLOSERS).is_empty() || crate::text::ends_sentence(t) {
        return None;
    }
    // Whitespace is not counted: later passes remove some of it, and the
    // result must not change when cleaned again.
    if crate::text::visible_up_to(t, MAX_CHROME_CHARS + 1) > MAX_CHROME_CHARS {
        return None;
    }
    first_match(t, top, candidates(t))
}

/// The first rule (in the data file's order) among `set` that matches `t`.
fn first_match(t: &str, top: bool, set: u128) -> Option<Kind> {
    if set == 0 {
        return None;
    }
    RULES
        .iter()
        .enumerate()
        .find(|&(i, r)| set & (1 << i) != 0 && (!r.top_only || top) && rule_matches(r, t))
        .map(|(_, r)| r.kind)
}

/// Whether the chrome pass removes `line` (with or without its newline)
/// wherever it stands after the document's first lines.
pub(crate) fn removes_line(line: &str) -> bool {
    classify(line.strip_suffix('\n').unwrap_or(line), false).is_some()
}

/// Whether `a` and `b` put together match a chrome pattern that neither
/// matches alone (`版权所有` + `：…`). The rejoin pass, which runs after
/// this one, does not make such a join: cleaning the result again would
/// remove the joined line as chrome. Only the pattern is asked about, not
/// the line's length or ending, which later joins can change.
///
/// Only a window around the break is looked at, so a paragraph that grows
/// by many joins costs the same per join: the last and first
/// `PATTERN_WINDOW` characters, more than any pattern and its colon. A
/// `start` rule can only reach the break when `a` is shorter than that.
pub(crate) fn pattern_across(a: &str, b: &str) -> bool {
    let tail = a.char_indices().rev().nth(PATTERN_WINDOW - 1).map_or(a, |(i, _)| &a[i..]);
    let head = b.char_indices().nth(PATTERN_WINDOW).map_or(b, |(i, _)| &b[..i]);
    let joined = format!("{tail}{head}");
    let whole_a = tail.len() == a.len();
    RULES.iter().any(|r| {
        (whole_a || !r.at_start) && rule_matches(r, &joined) && !rule_matches(r, tail) && !rule_matches(r, head)
    })
}

/// Characters on each side of a break that [`pattern_across`] looks at.
const PATTERN_WINDOW: usize = 24;

fn rule_matches(r: &Rule, t: &str) -> bool {
    let check = |rest: &str| {
        if !r.colon {
            return true;
        }
        let rest = rest.trim_start();
        rest.starts_with(['：', ':']) || (r.kind == Kind::Breadcrumb && rest.starts_with(['>', '》', '›', '»']))
    };
    if r.at_start {
        t.strip_prefix(r.text).is_some_and(check)
    } else {
        // A phone number or address signing off prose (a hotel's reply
        // to a review, ending `总经理：… 联系电话：…`) does not make the
        // paragraph a footer.
        let prose_ok = r.kind != Kind::Contact;
        r.finder.find_iter(t.as_bytes()).any(|i| check(&t[i + r.text.len()..]) && (prose_ok || !after_prose(t, i)))
    }
}

/// Han characters before a sentence end that make what precedes a contact
/// field prose: more than a footer's lead-in (`欢迎来电咨询！`, `如有问题请与
/// 我们联系，我们将及时处理。`).
const PROSE_HAN: usize = 20;

/// Whether `t[..i]` holds at least [`PROSE_HAN`] Han characters up to its
/// last sentence end.
fn after_prose(t: &str, i: usize) -> bool {
    let before = &t[..i];
    before.rfind(SENTENCE_END).is_some_and(|end| {
        before[..end].chars().filter(|&c| crate::text::is_han(c)).take(PROSE_HAN).count() >= PROSE_HAN
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_join_window_holds_every_pattern_and_its_colon() {
        // pattern_across looks at PATTERN_WINDOW characters each side.
        assert!(RULES.iter().all(|r| r.text.chars().count() + 4 <= PATTERN_WINDOW));
        assert!(pattern_across(&format!("{}版权所有", "很长的正文".repeat(50)), "：某公司"));
        assert!(!pattern_across("版权所有：某公司", "正文"));
        assert!(pattern_across("当前位置", "：首页"));
    }

    #[test]
    fn the_automaton_tries_the_rules_trying_each_would() {
        // Every rule in order, as classify did before the automaton: all
        // rules are candidates.
        let each = |t: &str, top: bool| first_match(t, top, u128::MAX);
        let seeds = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds")).unwrap();
        let mut lines: Vec<String> = seeds
            .flat_map(|f| {
                std::fs::read_to_string(f.unwrap().path()).unwrap().lines().map(String::from).collect::<Vec<_>>()
            })
            .collect();
        for r in RULES.iter() {
            lines.push(format!("{}：某某", r.text));
            lines.push(format!("正文{} 某某", r.text));
            lines.push(format!("{}{}", r.text, r.text));
        }
        let mut found = 0;
        for l in &lines {
            let t = crate::layout::marks::strip_jump_markers(l);
            for top in [false, true] {
                let want = each(t, top);
                found += usize::from(want.is_some());
                assert_eq!(first_match(t, top, candidates(t)), want, "{l}");
            }
        }
        assert!(found > RULES.len(), "{found}");
    }

    #[test]
    fn every_rule_parses() {
        assert!(RULES.len() > 40);
        assert!(RULES.iter().all(|r| !r.text.is_empty() && r.text.trim() == r.text));
    }

    #[test]
    fn a_line_is_judged_without_its_jump_markers() {
        assert_eq!(classify("（上接01版）版权所有：某公司", false), Some(Kind::Copyright));
        assert_eq!(classify("版权所有：某公司。", false), None);
        assert!(removes_line("技术支持：中原洛科\n"));
        assert!(!removes_line("这部作品的版权所有者是作者本人。\n"));
    }
}
