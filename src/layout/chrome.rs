//! Web chrome lines (breadcrumbs, copyright, ICP filing, contact footers…)
//! by the patterns of `data/patterns/chrome.txt`.

use crate::text::TrimWs;
use std::sync::LazyLock;

use crate::text::CLOSERS;

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

/// The rules by their text's first character, apart for `start` rules
/// (tried at a line's start only) and the rest (tried at each character):
/// a line is scanned once, and at each character that starts some rule's
/// text only those rules are tried there (then in the data file's order,
/// as before). Most characters start none, which a bit per BMP character
/// answers (an automaton over every rule's text, bytewise, cost several
/// times as much on Han text, where `编` `时` `电` start rules).
struct Starts {
    /// Bit `c` set when some rule's text starts with the character `c`.
    bits: [u64; 0x10000 / 64],
    /// (first character, the rules whose text starts with it).
    rules: Vec<(u32, Vec<usize>)>,
}

impl Starts {
    fn new(at_start: bool) -> Starts {
        assert!(RULES.len() <= 128, "data/patterns/chrome.txt: at most 128 rules (a line's candidates are a u128)");
        let mut starts = Starts { bits: [0; 0x10000 / 64], rules: Vec::new() };
        for (i, r) in RULES.iter().enumerate().filter(|(_, r)| r.at_start == at_start) {
            let c = r.text.chars().next().expect("a rule's text is not empty") as u32;
            assert!(c < 0x10000, "data/patterns/chrome.txt: a rule's text starts in the BMP");
            starts.bits[c as usize / 64] |= 1 << (c % 64);
            match starts.rules.iter_mut().find(|(f, _)| *f == c) {
                Some((_, v)) => v.push(i),
                None => starts.rules.push((c, vec![i])),
            }
        }
        starts
    }

    /// Whether some rule's text starts with the character `c` (none
    /// starts outside the BMP).
    #[inline]
    fn may_start(&self, c: u32) -> bool {
        c < 0x10000 && self.bits[(c as usize >> 6) & 0x3FF] & (1 << (c & 63)) != 0
    }

    /// Adds to `set` the rules among these whose text `b[i..]` starts with
    /// (`c`, `b[i]`'s character, starts some).
    fn try_at(&self, b: &[u8], i: usize, c: u32, set: &mut u128) {
        self.try_across(&b[i..], &[], c, set);
    }

    /// As [`Starts::try_at`] at the start of `x`, with `y` read after `x`
    /// (`x` + `y` without putting them together).
    fn try_across(&self, x: &[u8], y: &[u8], c: u32, set: &mut u128) {
        let (_, rules) = self.rules.iter().find(|(f, _)| *f == c).expect("a first character's rules");
        for &r in rules {
            let text = RULES[r].text.as_bytes();
            let n = x.len().min(text.len());
            if x[..n] == text[..n] && y.starts_with(&text[n..]) {
                *set |= 1 << r;
            }
        }
    }
}

static AT_START: LazyLock<Starts> = LazyLock::new(|| Starts::new(true));
static ANYWHERE: LazyLock<Starts> = LazyLock::new(|| Starts::new(false));

/// The texts of the rules tried at every character, searched for together
/// (SIMD, where the machine has it): most lines hold none, and are passed
/// over many bytes at a step instead of character by character. Texts
/// shorter than [`SHORT_TEXT_BYTES`] (`©`) are left to [`SHORT_TEXTS`]: the
/// search fingerprints as many bytes of a place as its shortest text has,
/// and two bytes of Chinese text (a lead and one continuation byte, which
/// 64 characters share) passed most places of most lines on to be checked.
static ANYWHERE_TEXTS: LazyLock<Option<aho_corasick::packed::Searcher>> =
    LazyLock::new(|| aho_corasick::packed::Searcher::new(anywhere_texts().filter(|t| t.len() >= SHORT_TEXT_BYTES)));

/// Texts shorter than this many bytes are searched for one by one.
const SHORT_TEXT_BYTES: usize = 3;

/// The texts of [`ANYWHERE_TEXTS`]'s rules too short for it, each searched
/// for on its own (`©`: its lead byte `C2` is rare in Chinese text).
static SHORT_TEXTS: LazyLock<Vec<memchr::memmem::Finder<'static>>> = LazyLock::new(|| {
    let short: Vec<_> =
        anywhere_texts().filter(|t| t.len() < SHORT_TEXT_BYTES).map(memchr::memmem::Finder::new).collect();
    assert!(short.len() <= 64, "data/patterns/chrome.txt: at most 64 texts shorter than {SHORT_TEXT_BYTES} bytes");
    short
});

/// The texts of the rules tried at every character, each once.
fn anywhere_texts() -> impl Iterator<Item = &'static str> {
    let mut texts: Vec<&'static str> = RULES.iter().filter(|r| !r.at_start).map(|r| r.text).collect();
    texts.sort_unstable();
    texts.dedup();
    texts.into_iter()
}

/// The rules that may match `t`, as a bit set over `RULES`: a `start`
/// rule whose text `t` starts with, another whose text occurs in `t`.
/// ([`rule_matches`] needs no more of a rule than that.)
fn candidates(t: &str) -> u128 {
    candidates_by(t, ANYWHERE_TEXTS.as_ref())
}

/// [`candidates`], with the other rules' texts found by `texts` where
/// there is one, else character by character.
fn candidates_by(t: &str, texts: Option<&aho_corasick::packed::Searcher>) -> u128 {
    let b = t.as_bytes();
    let mut set = starting(t);
    let anywhere = &*ANYWHERE;
    match texts {
        Some(texts) => {
            for at in text_places(texts, b) {
                anywhere.try_at(b, at, crate::text::decode_at(b, at).0, &mut set);
            }
            // A short text's first place is enough for its own rule; a
            // longer one starting there is found by the search above. (Its
            // lead byte is looked for first: most lines have none, and a
            // substring search's set-up cost more than that scan.)
            for short in SHORT_TEXTS.iter() {
                let Some(lead) = memchr::memchr(short.needle()[0], b) else { continue };
                if let Some(at) = short.find(&b[lead..]).map(|at| lead + at) {
                    anywhere.try_at(b, at, crate::text::decode_at(b, at).0, &mut set);
                }
            }
        }
        None => {
            let mut i = 0;
            while i < b.len() {
                let (c, n) = crate::text::decode_at(b, i);
                if anywhere.may_start(c) {
                    anywhere.try_at(b, i, c, &mut set);
                }
                i += n;
            }
        }
    }
    set
}

/// Each place in `b` where some text of `texts` starts, leftmost first;
/// the search goes on from the next character, so that a text starting
/// inside another (`网安备` in `公网安备`) is found too.
fn text_places<'a>(texts: &'a aho_corasick::packed::Searcher, b: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = texts.find_in(b, aho_corasick::Span::from(from..b.len()))?.start();
        from = at + crate::text::decode_at(b, at).1;
        Some(at)
    })
}

/// The `start` rules whose text `t` starts with, as a bit set over `RULES`.
#[inline(always)]
fn starting(t: &str) -> u128 {
    let mut set = 0u128;
    if let Some(c) = t.chars().next() {
        let c = c as u32;
        if AT_START.may_start(c) {
            AT_START.try_at(t.as_bytes(), 0, c, &mut set);
        }
    }
    set
}

/// Where the texts of the rules tried at every character occur in a text
/// of many lines, found by one search over all of it; [`Places::classify`]
/// then answers as [`classify`] for a line of that text. A hard-wrapped
/// column's lines are short and most end no sentence, so most are
/// searched, and a search a line cost more in setting up than in
/// searching (the pass's largest item on OCR text).
#[derive(Debug, Default)]
pub(crate) struct Places {
    /// Byte offsets, ascending, where some text of [`ANYWHERE_TEXTS`]
    /// starts. (Whether it fits in the line asked about is checked there:
    /// no text holds a newline, but a line's judged part may end before a
    /// page-jump marker.)
    texts: Vec<usize>,
    /// Where each text of [`SHORT_TEXTS`] occurs, ascending, with its
    /// index.
    short: Vec<(usize, usize)>,
}

/// Most places of each kind one search keeps (1.5 MiB of offsets in all):
/// a text with more (no page has them; a flood of `传真` does) is searched
/// line by line instead, so memory stays bounded whatever the push.
const MAX_PLACES: usize = 1 << 16;

impl Places {
    /// Finds the places in `text`; false, with none kept, where the
    /// machine has no SIMD search or the text has more than [`MAX_PLACES`]
    /// (lines are then searched one by one).
    pub(crate) fn search(&mut self, text: &str) -> bool {
        self.texts.clear();
        self.short.clear();
        let found = self.search_into(text);
        if !found {
            self.texts.clear();
            self.short.clear();
        }
        found
    }

    fn search_into(&mut self, text: &str) -> bool {
        let Some(texts) = ANYWHERE_TEXTS.as_ref() else { return false };
        let b = text.as_bytes();
        for at in text_places(texts, b) {
            if self.texts.len() == MAX_PLACES {
                return false;
            }
            self.texts.push(at);
        }
        for (k, short) in SHORT_TEXTS.iter().enumerate() {
            for at in short.find_iter(b) {
                if self.short.len() == MAX_PLACES {
                    return false;
                }
                self.short.push((at, k));
            }
        }
        self.short.sort_unstable();
        true
    }

    /// [`classify`] of `line`, which starts at byte `at` of the text last
    /// searched.
    pub(crate) fn classify(&self, line: &str, at: usize, top: bool) -> Option<Kind> {
        classify_by(line, top, |t, off| self.candidates(t, at + off))
    }

    /// [`candidates`] of `t`, which starts at byte `at` of the text
    /// searched: the rules found at its places.
    fn candidates(&self, t: &str, at: usize) -> u128 {
        let b = t.as_bytes();
        let end = at + b.len();
        let mut set = starting(t);
        let anywhere = &*ANYWHERE;
        let first = self.texts.partition_point(|&p| p < at);
        for &p in self.texts[first..].iter().take_while(|&&p| p < end) {
            anywhere.try_at(b, p - at, crate::text::decode_at(b, p - at).0, &mut set);
        }
        // A short text's first place in `t`, if it fits there (a later one
        // would not either).
        let mut seen = 0u64;
        let first = self.short.partition_point(|&(p, _)| p < at);
        for &(p, k) in self.short[first..].iter().take_while(|&&(p, _)| p < end) {
            if seen & 1 << k == 0 {
                seen |= 1 << k;
                if p + SHORT_TEXTS[k].needle().len() <= end {
                    anywhere.try_at(b, p - at, crate::text::decode_at(b, p - at).0, &mut set);
                }
            }
        }
        set
    }
}

fn parse_rules(data: &'static str) -> Vec<Rule> {
    let mut rules = Vec::new();
    for (n, line) in data.lines().enumerate() {
        if line.is_blank() || line.starts_with('#') {
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
    classify_by(line, top, |t, _| candidates(t))
}

/// [`classify`], the rules that may match what is judged of the line found
/// by `candidates`, given it and where it starts in `line`. (In line in
/// both: a call through it cost a line 60 instructions.)
#[inline(always)]
fn classify_by(line: &str, top: bool, candidates: impl FnOnce(&str, usize) -> u128) -> Option<Kind> {
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
    if crate::text::visible_more_than(t, MAX_CHROME_CHARS) {
        return None;
    }
    // (`t` is a slice of `line`.)
    let off = t.as_ptr() as usize - line.as_ptr() as usize;
    first_match(t, top, candidates(t, off))
}

/// The first rule (in the data file's order) among `set` that matches `t`.
#[inline]
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
    // Only a rule that may reach the break can match across it. (Asked of
    // `a` and `b` whole, before the window is cut: the same rules, or more
    // that cannot match across, and most breaks are answered without
    // walking back and forth the window's characters. Occurrences start
    // within `LONGEST` bytes of the break, and what they need of `b` is
    // shorter than the window's head; a `start` rule found at the start of
    // a longer `a` than the window is left out below.)
    let set = reaching(a, b);
    if set == 0 {
        return false;
    }
    let tail = a.char_indices().rev().nth(PATTERN_WINDOW - 1).map_or(a, |(i, _)| &a[i..]);
    let head = b.char_indices().nth(PATTERN_WINDOW).map_or(b, |(i, _)| &b[..i]);
    let mut joined = String::with_capacity(tail.len() + head.len());
    joined.push_str(tail);
    joined.push_str(head);
    let whole_a = tail.len() == a.len();
    RULES.iter().enumerate().any(|(i, r)| {
        set & (1 << i) != 0
            && (whole_a || !r.at_start)
            && rule_matches(r, &joined)
            && !rule_matches(r, tail)
            && !rule_matches(r, head)
    })
}

/// The rules with an occurrence in `tail` + `head` that starts in `tail`
/// and reaches past its last visible character, as a bit set over `RULES`:
/// the only ones [`pattern_across`] can find. (An occurrence wholly inside
/// either side is found there alike: the mark a colon rule wants after it
/// is on the same side, a contact field's prose test reads the text before
/// it, which on `head`'s side holds no more sentence ends than in `tail` +
/// `head`. So `rule_matches` on the joined text agrees with one of the
/// sides, and the rule does not match across.) These start in the last
/// [`LONGEST`] bytes before the tail's trailing whitespace; most breaks
/// have none, and the scan is a few characters long instead of the
/// window's forty-eight.
fn reaching(tail: &str, head: &str) -> u128 {
    let visible = tail.trim_ws_end().len();
    let mut from = visible.saturating_sub(*LONGEST);
    while !tail.is_char_boundary(from) {
        from += 1;
    }
    let (t, h) = (tail.as_bytes(), head.as_bytes());
    let mut set = 0u128;
    let mut i = from;
    while i < visible {
        let (c, n) = crate::text::decode_at(t, i);
        if i == 0 && AT_START.may_start(c) {
            AT_START.try_across(&t[i..], h, c, &mut set);
        }
        if ANYWHERE.may_start(c) {
            ANYWHERE.try_across(&t[i..], h, c, &mut set);
        }
        i += n;
    }
    set
}

/// The longest rule text, in bytes.
static LONGEST: LazyLock<usize> = LazyLock::new(|| RULES.iter().map(|r| r.text.len()).max().unwrap_or(0));

/// Characters on each side of a break that [`pattern_across`] looks at.
const PATTERN_WINDOW: usize = 24;

fn rule_matches(r: &Rule, t: &str) -> bool {
    let check = |rest: &str| {
        if !r.colon {
            return true;
        }
        let rest = rest.trim_ws_start();
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
    crate::text::last_sentence_end(before).is_some_and(|end| {
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
    fn across_the_break_only_rules_reaching_it_are_tried() {
        // The definition: every rule whose text occurs in the window.
        let naive = |a: &str, b: &str| {
            let tail = a.char_indices().rev().nth(PATTERN_WINDOW - 1).map_or(a, |(i, _)| &a[i..]);
            let head = b.char_indices().nth(PATTERN_WINDOW).map_or(b, |(i, _)| &b[..i]);
            let joined = format!("{tail}{head}");
            let whole_a = tail.len() == a.len();
            RULES.iter().any(|r| {
                (whole_a || !r.at_start) && rule_matches(r, &joined) && !rule_matches(r, tail) && !rule_matches(r, head)
            })
        };
        // Rule texts cut at each character, among prose, sentence ends,
        // colons, breadcrumb marks and spaces (contact fields after prose).
        let mut pieces: Vec<String> =
            ["新华社记者在现场采访了十几位村民", "。", "，", "：", ":", " ", "　", ">", "》", "A", "7", "é", "𠀀"]
                .map(String::from)
                .to_vec();
        for r in RULES.iter() {
            let cuts: Vec<usize> = r.text.char_indices().map(|(i, _)| i).chain([r.text.len()]).collect();
            pieces.extend(cuts.iter().map(|&i| r.text[..i].to_string()));
            pieces.extend(cuts.iter().map(|&i| r.text[i..].to_string()));
        }
        let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
        let mut rng = crate::testing::Lcg::new(20261203);
        let (sides, mut across) = (rng.mixtures(&pieces, 4000, 7), 0);
        for pair in sides.chunks(2) {
            let (a, b) = (pair[0].as_str(), pair.get(1).map_or("", String::as_str));
            for (a, b) in [(a, b), (a.trim_ws_end(), b.trim_ws_start())] {
                let want = naive(a, b);
                across += usize::from(want);
                assert_eq!(pattern_across(a, b), want, "{a:?} | {b:?}");
            }
        }
        for r in RULES.iter() {
            for (i, _) in r.text.char_indices().skip(1) {
                for lead in ["", "正文。"] {
                    let (a, b) = (format!("{lead}{}", &r.text[..i]), format!("{}：某某", &r.text[i..]));
                    assert_eq!(pattern_across(&a, &b), naive(&a, &b), "{a} | {b}");
                    across += usize::from(naive(&a, &b));
                }
            }
        }
        assert!(across > RULES.len(), "{across}");
    }

    #[test]
    fn a_search_keeps_at_most_its_cap_of_places() {
        // (Without a SIMD searcher nothing is searched at once.)
        let searches = ANYWHERE_TEXTS.is_some();
        let mut places = Places::default();
        for (text, kept) in
            [("传真\n".repeat(10), 10), ("传真\n".repeat(MAX_PLACES + 1), 0), ("©\n".repeat(MAX_PLACES + 1), 0)]
        {
            assert_eq!(places.search(&text), searches && kept > 0);
            assert_eq!(places.texts.len() + places.short.len(), if searches { kept } else { 0 });
        }
        // Below the cap, the places answer for each line as its own search.
        let content = "传真：0379-1";
        assert_eq!(places.search(&format!("{content}\n").repeat(3)), searches);
        assert!(classify(content, false).is_some());
        for k in 0..3 {
            let at = k * (content.len() + 1);
            assert!(!searches || places.classify(content, at, false) == classify(content, false));
        }
    }

    #[test]
    fn the_candidates_are_the_rules_trying_each_would_find() {
        // Every rule in order, as classify did before the candidates: all
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
    fn candidates_are_the_rules_whose_text_starts_or_occurs() {
        let found = |t: &str, r: &Rule| if r.at_start { t.starts_with(r.text) } else { t.contains(r.text) };
        let naive =
            |t: &str| RULES.iter().enumerate().filter(|(_, r)| found(t, r)).fold(0u128, |set, (i, _)| set | 1 << i);
        let mut lines: Vec<String> = ["", "x", "©2023 é𠀀 版权所有©", "主办单位主办承办", "Copyright ICP备ICP证 𠀀All"]
            .map(String::from)
            .to_vec();
        for dir in ["seeds", "layout/pages"] {
            let path = format!("{}/tests/data/{dir}", env!("CARGO_MANIFEST_DIR"));
            for f in std::fs::read_dir(path).unwrap() {
                let text = std::fs::read_to_string(f.unwrap().path()).unwrap_or_default();
                lines.extend(text.lines().map(String::from));
            }
        }
        for r in RULES.iter() {
            let cut = &r.text[..r.text.len() - r.text.chars().last().unwrap().len_utf8()];
            lines.push(format!("a{}é{cut}", r.text));
            lines.push(format!("{}é{cut}", r.text));
        }
        let mut hits = 0;
        for l in &lines {
            assert_eq!(candidates(l), naive(l), "{l}");
            // Character by character, as where no SIMD search is built.
            assert_eq!(candidates_by(l, None), naive(l), "{l}");
            hits += usize::from(candidates(l) != 0);
        }
        // (Teddy needs SSSE3 on x86-64; without it the character loop
        // serves, tested above.)
        #[cfg(target_arch = "x86_64")]
        assert!(
            ANYWHERE_TEXTS.is_some() || !std::arch::is_x86_feature_detected!("ssse3"),
            "the SIMD search is tested here"
        );
        assert!(hits > RULES.len(), "{hits}");
    }

    #[test]
    fn every_rule_parses() {
        assert!(RULES.len() > 40);
        assert!(RULES.iter().all(|r| !r.text.is_empty() && r.text.trim_ws() == r.text));
    }

    #[test]
    fn a_line_is_judged_without_its_jump_markers() {
        assert_eq!(classify("（上接01版）版权所有：某公司", false), Some(Kind::Copyright));
        assert_eq!(classify("版权所有：某公司。", false), None);
        assert!(removes_line("技术支持：中原洛科\n"));
        assert!(!removes_line("这部作品的版权所有者是作者本人。\n"));
    }
}
