//! `punct`: ASCII punctuation inside Chinese text to full width, quotes
//! paired, and spaces left by OCR line wraps removed from body paragraphs.
//!
//! What it changes, per line:
//!
//! * **Punctuation** (`fullwidth_punct`): ASCII `, ; : ? ! ( )` whose
//!   nearest non-space neighbour on either side is Chinese (a Han character,
//!   kana, or CJK punctuation) becomes `，；：？！（）`. It stays ASCII
//!   between two Latin letters or digits (`18:00`, `1,000`), in Latin text,
//!   and inside URLs. A matched pair of parentheses is converted together.
//! * **Quotes** (`quotes`): ASCII `"` pair up left to right (an existing
//!   `“` or `”` takes part in the pairing), and a pair with Chinese next to
//!   either quote becomes `“…”`. ASCII `'` takes part only where it has a
//!   Chinese neighbour, so apostrophes in English (`don't`) never do; such
//!   pairs become `‘…’`. An unpaired quote in Chinese text becomes an
//!   opening quote when text follows it and a closing one otherwise.
//! * **Spacing** (`spacing`): a line is a *body paragraph* when it carries
//!   sentence punctuation and has at least
//!   [`PunctConfig::body_min_chars`] characters (or is very long). In a
//!   body paragraph every whitespace run next to a Han character or CJK
//!   punctuation is removed (they are OCR wrap artifacts), except that a
//!   paragraph which consistently spaces Han from Latin and digits
//!   (`使用 Rust 编写`, four in five such boundaries spaced) keeps those
//!   spaces. Other runs collapse to one space. Headline-like lines keep the
//!   spaces between their phrases (`强化人才驱动 增强发展动能`), collapsed
//!   to one, except after a function word that cannot end a phrase
//!   (`形势和 我国`), unless all that follows is the number of a titled
//!   part (`豫和 一`, `太和 第一`).
//!
//! Leading and trailing whitespace is left to the output stage.
//!
//! What it never touches: digits, Latin runs, URLs, other punctuation.
//!
//! Held bytes: at most one unterminated line segment, so at most
//! [`CleanConfig::max_line_bytes`](crate::CleanConfig::max_line_bytes). A
//! line longer than that cap reaches the pass in pieces; each piece is
//! treated as a body paragraph and quote pairing does not cross pieces.
//!
//! ```
//! use zhclean::{CleanConfig, Cleaner};
//! let c = Cleaner::new(CleanConfig::default()).unwrap();
//! assert_eq!(
//!     c.clean("\"洛阳探索实施'百名科技人才入企 计划',为企业 创新提供支持。\"会议于18:00结束。\n"),
//!     "“洛阳探索实施‘百名科技人才入企计划’，为企业创新提供支持。”会议于18:00结束。\n"
//! );
//! ```

use crate::lines::{LineBuffer, LinePass, Seg};
use crate::pass::{Out, Shortcuts};
use crate::text::{han_by_lead, han_run_end, is_han, FUNCTION_WORDS};

mod chars;

use chars::{
    convert_punct, has_mark, is_closing, is_convertible, is_sentence_punct, is_ws, is_ws_byte, joins_in_body,
    needs_work, pair_quotes, protect_urls, spaces_han_from_latin,
};

/// Settings of the punctuation and spacing pass.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PunctConfig {
    /// ASCII `, ; : ? ! ( )` next to Chinese become full width.
    pub fullwidth_punct: bool,
    /// ASCII quotes in Chinese text become paired curly quotes.
    pub quotes: bool,
    /// Remove whitespace next to Han characters and CJK punctuation inside
    /// body paragraphs; collapse runs elsewhere.
    pub spacing: bool,
    /// A line with sentence punctuation (other than `、`) and at least this
    /// many characters, or one that ends a sentence, is a body paragraph.
    /// Other lines are headline-like and keep the spaces between their
    /// phrases.
    pub body_min_chars: usize,
    /// A line with no sentence punctuation but at least this many
    /// characters is still a body paragraph.
    pub body_min_chars_unpunctuated: usize,
}

impl Default for PunctConfig {
    fn default() -> PunctConfig {
        PunctConfig {
            fullwidth_punct: true,
            quotes: true,
            spacing: true,
            body_min_chars: 20,
            body_min_chars_unpunctuated: 50,
        }
    }
}

impl PunctConfig {
    /// Sets [`PunctConfig::spacing`].
    pub fn spacing(mut self, on: bool) -> Self {
        self.spacing = on;
        self
    }
    /// Sets [`PunctConfig::quotes`].
    pub fn quotes(mut self, on: bool) -> Self {
        self.quotes = on;
        self
    }
}

/// The body-paragraph rule (see the module docs) over what it needs of a
/// line: `n` characters other than whitespace, the `last` of them that is
/// not a closing mark, and whether it has sentence punctuation other than
/// `、` (`punct`) and a `、` (`enumeration`).
fn body_by(cfg: &PunctConfig, n: usize, last: Option<char>, punct: bool, enumeration: bool) -> bool {
    if n >= cfg.body_min_chars_unpunctuated {
        return true;
    }
    // A sentence end closes body text; headlines do not end in one.
    if last.is_some_and(|c| matches!(c, '。' | '！' | '？' | '…' | '.' | '!' | '?')) {
        return true;
    }
    // Enumeration commas (`、`) are common in short headlines, so they
    // count only in lines half again as long.
    (punct && n >= cfg.body_min_chars) || (enumeration && 2 * n >= 3 * cfg.body_min_chars)
}

/// Whether the default settings take `t` for a body paragraph, whose
/// spaces between Chinese characters go. `unwrap` asks it: a space it
/// weighs must be one a second cleaning, after this pass, still sees.
pub(crate) fn is_body_line(t: &str) -> bool {
    body_of(&PunctConfig::default(), t)
}

/// Whether `cfg` takes `t` for a body paragraph: the pass's own test
/// (`PunctPass::is_body`) read off the text instead of the decoded line.
fn body_of(cfg: &PunctConfig, t: &str) -> bool {
    // A line long enough is one whatever it holds: counted up to there
    // (most lines `unwrap` asks about are paragraphs), the rest only asked
    // of shorter ones.
    let n = crate::text::visible_up_to(t, cfg.body_min_chars_unpunctuated);
    if n >= cfg.body_min_chars_unpunctuated {
        return true;
    }
    let last = t.chars().rev().find(|&c| !is_ws(c) && !is_closing(c));
    let punct = t.chars().any(|c| is_sentence_punct(c) && c != '、');
    body_by(cfg, n, last, punct, t.contains('、'))
}

/// The punctuation and spacing pass. See the module docs.
#[derive(Debug)]
pub struct PunctPass {
    cfg: PunctConfig,
    /// Scratch buffers reused across lines.
    ///
    /// The line's characters, but of a run of Han led by E4-E9 (most of a
    /// Chinese line, told by `han_by_lead`) only the first and the last:
    /// every later step asks about a character only as the nearest one to
    /// a mark or a space, or as the neighbour of another (Han beside Han
    /// is no boundary of any kind), so the inside of a run is never asked
    /// about. Indices in `spaces` and `marks` are into this list; the count
    /// left out is `LineStats::hidden`.
    chars: Vec<char>,
    /// Positions of the `is_ws` characters of the line, in order, and
    /// their byte offsets. Only spaces and marks can change, so only their
    /// offsets are kept (one per character cost a tenth of the pass).
    /// (`spaces_between_han` keeps its runs' byte ranges in them.)
    spaces: Vec<usize>,
    space_offs: Vec<usize>,
    /// What each mark was before the rounds (only marks can change).
    orig_marks: Vec<char>,
    protected: Vec<bool>,
    /// Facts gathered while decoding the line, for `is_body`.
    stats: LineStats,
    /// Positions of the marks the rounds work on: unprotected ASCII
    /// punctuation and quotes, and curly quotes (which take part in
    /// pairing). Sparse, so the rounds cost little on long lines.
    marks: Vec<usize>,
    /// The byte offset of each of `marks`.
    mark_offs: Vec<usize>,
    /// Per-mark scratch for `convert_punct`.
    decisions: Vec<bool>,
    /// Whole lines; a piece of a line longer than the cap is treated as
    /// body text on its own.
    lines: LineBuffer,
    /// A line with nothing to change written as it is, spaces between
    /// Han decided off the bytes, and a run of Han keeping only its ends
    /// in `chars`: tests take every line through the character path and
    /// keep every character, to compare.
    shortcuts: Shortcuts,
    /// Tests count the lines `spaces_between_han` wrote.
    #[cfg(test)]
    between_han: usize,
}

/// What the decoding loop learns about a line.
#[derive(Clone, Copy, Debug, Default)]
struct LineStats {
    /// Whitespace characters (any kind).
    whitespace: usize,
    /// An ASCII letter or digit.
    latin: bool,
    /// Sentence punctuation other than `、`.
    sentence_punct: bool,
    /// An enumeration comma `、`.
    enumeration: bool,
    /// A '/' or '.', without which no URL starts.
    url_gate: bool,
    /// Han characters inside runs, left out of `PunctPass::chars`.
    hidden: usize,
}

/// Whether `rest`, what follows a space up to the line's end (trailing
/// spaces and tabs aside), is only the number of a titled part: a Chinese
/// numeral of one to three characters, after `其`, or after `第` and then
/// maybe one more character naming the part (`豫和 一`, `庆和 十二`,
/// `太和 第一`, `太和 第五彻`). A space sets it off even after a name
/// ending in what is elsewhere a function word; a wrapped headline goes on
/// with a phrase instead. Read from the text, not the pass's characters,
/// which keep only the ends of a run of Han (see [`PunctPass`]): no such
/// number is longer than five characters, so six settle it.
fn numbers_the_line(rest: &str) -> bool {
    let mut buf = ['\0'; 5];
    let mut len = 0;
    for c in rest.trim_end_matches(is_ws).chars() {
        if len == buf.len() {
            return false;
        }
        buf[len] = c;
        len += 1;
    }
    let rest = &buf[..len];
    let numeral = |c: &char| "一二三四五六七八九十".contains(*c);
    let (number, part) = match rest {
        ['其', ref r @ ..] => (r, 0),
        ['第', ref r @ ..] => {
            let digits = r.iter().take_while(|c| numeral(c)).count();
            (&r[..digits], r.len() - digits)
        }
        r => (r, 0),
    };
    (1..=3).contains(&number.len()) && number.iter().all(numeral) && part <= 1 && rest.iter().all(|&c| is_han(c))
}

/// Where `b` is without the spaces and tabs (`is_ws`) at its ends, found
/// byte by byte: most lines have none and answer by their first and last
/// byte (a `str` trim decoded a character at each end, 58 instructions a
/// line).
fn ws_trimmed(b: &[u8]) -> std::ops::Range<usize> {
    let start = b.iter().position(|&x| !is_ws_byte(x)).unwrap_or(b.len());
    let end = b.iter().rposition(|&x| !is_ws_byte(x)).map_or(start, |e| e + 1);
    start..end
}

/// Writes a whitespace run inside a line, from byte `at` of the pass's
/// input: one space if it is kept, nothing if not, with the edit.
fn write_run(out: &mut Out<'_>, at: u64, run: &str, keep: bool, body: bool) {
    if keep {
        out.text().push(' ');
        if out.auditing() && run != " " {
            out.edit_abs(at, run, " ", "collapse_spaces");
        }
    } else if out.auditing() {
        let why = if body { "space_in_body" } else { "space_after_function_word" };
        out.edit_abs(at, run, "", why);
    }
}

impl PunctPass {
    /// A pass with these settings.
    pub fn new(cfg: PunctConfig) -> PunctPass {
        PunctPass {
            cfg,
            chars: Vec::new(),
            spaces: Vec::new(),
            space_offs: Vec::new(),
            orig_marks: Vec::new(),
            protected: Vec::new(),
            stats: LineStats::default(),
            marks: Vec::new(),
            mark_offs: Vec::new(),
            decisions: Vec::new(),
            lines: LineBuffer::default(),
            shortcuts: Shortcuts::default(),
            #[cfg(test)]
            between_han: 0,
        }
    }

    /// Converts one line (or piece of a cut line) starting at byte `at` of
    /// the pass's input.
    fn convert_line(&mut self, line: &str, at: u64, partial: bool, out: &mut Out<'_>) {
        let (content, nl) = match line.strip_suffix('\n') {
            Some(c) => (c, "\n"),
            None => (line, ""),
        };
        // Whitespace at the line's ends is left to the output stage (`emit`
        // weighs only runs inside), so a line whose only bytes of interest
        // are an indent or trailing spaces is written as it is: an indented
        // paragraph no longer goes through the character path for them.
        let inner = ws_trimmed(content.as_bytes());
        if !needs_work(&content.as_bytes()[inner.clone()]) && self.shortcuts.on() {
            out.text().push_str(line);
            return;
        }
        if self.shortcuts.on() && self.spaces_between_han(content, inner, at, partial, out) {
            out.text().push_str(nl);
            return;
        }
        // One decoding loop gathers everything the later steps ask about
        // the line.
        // A local vector: its length stays in a register in the loop.
        let mut chars = std::mem::take(&mut self.chars);
        chars.clear();
        self.spaces.clear();
        self.space_offs.clear();
        self.marks.clear();
        self.mark_offs.clear();
        let mut st = LineStats::default();
        let b = content.as_bytes();
        let mut i = 0;
        while i < b.len() {
            // Most characters are Han, which none of the checks below is
            // about, and which the later steps only ask about next to a
            // mark or a space: a run of them keeps its first and last
            // character (see `chars`).
            if han_by_lead(b, i) && self.shortcuts.on() {
                let start = i;
                i = han_run_end(b, i);
                let han = |at: usize| content[at..].chars().next().expect("a Han character");
                chars.push(han(start));
                if i - start > 3 {
                    chars.push(han(i - 3));
                    st.hidden += (i - start) / 3 - 2;
                }
                continue;
            }
            let c = if b[i] < 0x80 { char::from(b[i]) } else { content[i..].chars().next().expect("in the line") };
            let k = chars.len();
            if is_ws(c) {
                self.spaces.push(k);
                self.space_offs.push(i);
            }
            if c.is_whitespace() {
                st.whitespace += 1;
            } else if c.is_ascii_alphanumeric() {
                st.latin = true;
            }
            if is_convertible(c) || matches!(c, '“' | '”' | '‘' | '’') {
                self.marks.push(k);
                self.mark_offs.push(i);
            }
            st.sentence_punct |= is_sentence_punct(c) && c != '、';
            st.enumeration |= c == '、';
            st.url_gate |= c == '/' || c == '.';
            chars.push(c);
            i += c.len_utf8();
        }
        self.chars = chars;
        self.stats = st;
        if st.url_gate {
            protect_urls(&self.chars, &mut self.protected);
            let mut kept = 0;
            for n in 0..self.marks.len() {
                if !self.protected[self.marks[n]] {
                    self.marks[kept] = self.marks[n];
                    self.mark_offs[kept] = self.mark_offs[n];
                    kept += 1;
                }
            }
            self.marks.truncate(kept);
            self.mark_offs.truncate(kept);
        }
        self.orig_marks.clear();
        self.orig_marks.extend(self.marks.iter().map(|&i| self.chars[i]));
        // Converting a quote can make its neighbour's context Chinese and
        // the other way round, so repeat until nothing changes: the result
        // is then a fixed point, which is what makes the pass idempotent.
        // Conversions only go from ASCII to full width, so this ends; the
        // bound is a guard.
        for _ in 0..8 {
            let mut changed = false;
            let chars = &mut self.chars;
            if self.cfg.quotes {
                changed |= pair_quotes(chars, &self.marks, '"', '“', '”', false);
                changed |= pair_quotes(chars, &self.marks, '\'', '‘', '’', true);
            }
            if self.cfg.fullwidth_punct {
                changed |= convert_punct(chars, &self.marks, &mut self.decisions);
            }
            // Another round can only matter while an ASCII mark is left.
            if !changed || !self.marks.iter().any(|&i| is_convertible(chars[i])) {
                break;
            }
        }
        // A list of names keeps the spaces between them, however long.
        let body = partial || (self.is_body() && !crate::layout::body::is_name_list(content));
        let pangu = body && self.stats.latin && spaces_han_from_latin(&self.chars);
        self.emit(content, at, body, pangu, out);
        out.text().push_str(nl);
    }

    /// Writes `content` if its only work is whitespace runs inside it, each
    /// between two Han characters (most lines the pass changes: OCR's wrap
    /// spaces in a paragraph), and says whether it did. Such a run goes in
    /// a body paragraph (both neighbours are Chinese, neither Latin); in a
    /// headline it stays, collapsed, unless a function word stands before
    /// it. Without an ASCII mark or quote the rounds change nothing, so
    /// only that and the body test are asked, off the bytes: the character
    /// path cost 20 instructions a byte. `inner` is where `content` is
    /// without its end spaces ([`ws_trimmed`]).
    fn spaces_between_han(
        &mut self,
        content: &str,
        inner: std::ops::Range<usize>,
        at: u64,
        partial: bool,
        out: &mut Out<'_>,
    ) -> bool {
        let b = content.as_bytes();
        if has_mark(b) {
            return false;
        }
        // The runs inside, as byte ranges: starts in `spaces`, ends in
        // `space_offs`.
        self.spaces.clear();
        self.space_offs.clear();
        let (mut i, end) = (inner.start, inner.end);
        while let Some(k) = memchr::memchr2(b' ', b'\t', &b[i..end]) {
            let start = i + k;
            let mut stop = start + 1;
            while is_ws_byte(b[stop]) {
                stop += 1;
            }
            // (A byte E4-E9 three before the run leads the character
            // before it.)
            if !(start >= 3 && han_by_lead(b, start - 3) && han_by_lead(b, stop)) {
                return false;
            }
            self.spaces.push(start);
            self.space_offs.push(stop);
            i = stop;
        }
        if self.spaces.is_empty() || !self.cfg.spacing {
            out.text().push_str(content);
            return true;
        }
        let body = partial || (body_of(&self.cfg, content) && !crate::layout::body::is_name_list(content));
        let mut copied = 0;
        for (&start, &stop) in self.spaces.iter().zip(&self.space_offs) {
            out.text().push_str(&content[copied..start]);
            copied = stop;
            let run = &content[start..stop];
            let before = content[start - 3..start].chars().next().expect("a Han character");
            // (In a headline a run after a function word goes, unless only
            // a part's number follows it.)
            let keep = !body && (!FUNCTION_WORDS.contains(&before) || numbers_the_line(&content[stop..]));
            write_run(out, at + start as u64, run, keep, body);
        }
        out.text().push_str(&content[copied..]);
        #[cfg(test)]
        {
            self.between_han += 1;
        }
        true
    }

    /// Whether the current line is a body paragraph (see module docs).
    fn is_body(&self) -> bool {
        let n = self.chars.len() + self.stats.hidden - self.stats.whitespace;
        let last = self.chars.iter().rev().copied().find(|&c| !is_ws(c) && !is_closing(c));
        body_by(&self.cfg, n, last, self.stats.sentence_punct, self.stats.enumeration)
    }

    /// Writes the converted line, deciding each interior whitespace run.
    fn emit(&self, content: &str, at: u64, body: bool, pangu: bool, out: &mut Out<'_>) {
        let chars = &self.chars;
        let n = chars.len();
        let first = chars.iter().position(|c| !is_ws(*c)).unwrap_or(n);
        let last = chars.iter().rposition(|c| !is_ws(*c)).map_or(0, |p| p + 1);
        let auditing = out.auditing();
        // `content[copied..]` is not yet written; unchanged
        // stretches are copied as slices. Only two things change a line:
        // whitespace runs inside it and marks the rounds converted, so walk
        // those two sorted lists instead of every character.
        let mut copied = 0;
        let (spaces, marks) = (&self.spaces, &self.marks);
        let (mut wi, mut mi) = (0, 0);
        loop {
            while wi < spaces.len() && !(self.cfg.spacing && spaces[wi] > first && spaces[wi] < last) {
                wi += 1;
            }
            while mi < marks.len() && chars[marks[mi]] == self.orig_marks[mi] {
                mi += 1;
            }
            let (w, m) = (spaces.get(wi).copied(), marks.get(mi).copied());
            let space_first = match (w, m) {
                (None, None) => break,
                (Some(start), m) => m.is_none_or(|m| start < m),
                (None, Some(_)) => false,
            };
            match (w, m) {
                (Some(start), _) if space_first => {
                    let from = self.space_offs[wi];
                    out.text().push_str(&content[copied..from]);
                    let mut i = start;
                    while wi < spaces.len() && spaces[wi] == i {
                        i += 1;
                        wi += 1;
                    }
                    // `is_ws` characters are one byte each.
                    copied = from + (i - start);
                    let run = &content[from..copied];
                    let (p, q) = (chars[start - 1], chars[i]);
                    let keep = if body {
                        !joins_in_body(chars, start - 1, i, pangu)
                    } else {
                        !(FUNCTION_WORDS.contains(&p) && is_han(q) && !numbers_the_line(&content[copied..]))
                    };
                    write_run(out, at + from as u64, run, keep, body);
                }
                (_, m) => {
                    let i = m.expect("a mark when no space comes first");
                    let c = chars[i];
                    let from = self.mark_offs[mi];
                    out.text().push_str(&content[copied..from]);
                    out.text().push(c);
                    copied = from + self.orig_marks[mi].len_utf8();
                    mi += 1;
                    if auditing {
                        let before = &content[from..copied];
                        let mut buf = [0u8; 4];
                        let why = if matches!(c, '“' | '”' | '‘' | '’') { "quote" } else { "fullwidth_punct" };
                        out.edit_abs(at + from as u64, before, c.encode_utf8(&mut buf), why);
                    }
                }
            }
        }
        out.text().push_str(&content[copied..]);
    }
}

impl LinePass for PunctPass {
    fn name(&self) -> &'static str {
        super::PassId::Punct.name()
    }

    fn line_buffer(&mut self) -> &mut LineBuffer {
        &mut self.lines
    }

    fn buffered(&self) -> usize {
        self.lines.held_bytes()
    }

    fn line(&mut self, text: &str, at: u64, seg: Seg, out: &mut Out<'_>) {
        self.convert_line(text, at, seg != Seg::Line, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::EditLog;

    fn run_cfg(input: &str, cfg: PunctConfig) -> (String, EditLog) {
        crate::testing::run_pass(&mut PunctPass::new(cfg), input)
    }

    fn clean(input: &str) -> String {
        run_cfg(input, PunctConfig::default()).0
    }

    macro_rules! table {
        ($($name:ident: $input:expr => $want:expr;)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(clean($input), $want);
            }
        )*};
    }

    table! {
        punct_converts_next_to_han: "3月30日上午,人才驱动;研讨:交流?好!" => "3月30日上午，人才驱动；研讨：交流？好！";
        punct_keeps_between_digits: "会议于18:00开始,共1,000人" => "会议于18:00开始，共1,000人";
        punct_keeps_latin_runs: "Hello, world: a(b)?" => "Hello, world: a(b)?";
        punct_pairs_parentheses: "中科慧远视觉技术(洛阳)有限公司(ABC)成立" => "中科慧远视觉技术（洛阳）有限公司（ABC）成立";
        punct_keeps_urls: "访问https://a.cn/x?y=1(2)了解" => "访问https://a.cn/x?y=1(2)了解";
        punct_url_trailing_comma_is_sentence: "见http://a.cn/x,谢谢" => "见http://a.cn/x，谢谢";
        quotes_pair_in_chinese: "汇\"智\"聚\"才\"尽展其能" => "汇“智”聚“才”尽展其能";
        quotes_stay_in_english: "He said \"hi\" to me" => "He said \"hi\" to me";
        quotes_english_word_in_chinese: "他说\"hello\"就走了。" => "他说“hello”就走了。";
        quotes_single_inside_double: "\"实施'百名人才入企计划',为企业\"" => "“实施‘百名人才入企计划’，为企业”";
        quotes_apostrophe_untouched: "他读了Don't Panic这本书" => "他读了Don't Panic这本书";
        quotes_mixed_with_curly: "“洛阳\"发布" => "“洛阳”发布";
        quotes_unpaired_opens_before_text: "他说:\"我们出发" => "他说：“我们出发";
        quotes_unpaired_closes_at_end: "出发吧\"。" => "出发吧”。";
        spacing_removes_wrap_spaces_in_body: "活动在 洛阳开幕。国内科创领域的权威专家、领军人物齐聚洛阳, 开展工作。" => "活动在洛阳开幕。国内科创领域的权威专家、领军人物齐聚洛阳，开展工作。";
        spacing_removes_space_between_han_and_digit_in_body: "洛阳科技领军人才创新驱动中心于2021年10 月正式启动建设。" => "洛阳科技领军人才创新驱动中心于2021年10月正式启动建设。";
        spacing_keeps_latin_spaces: "版权所有，违者必究。Copyright  2013-2020 洛阳大学科技园发展有限公司" => "版权所有，违者必究。Copyright 2013-2020洛阳大学科技园发展有限公司";
        spacing_keeps_headline_spaces: "强化人才驱动 增强发展动能" => "强化人才驱动 增强发展动能";
        spacing_collapses_headline_runs: "学深悟透  实干笃行" => "学深悟透 实干笃行";
        spacing_drops_space_after_function_word_in_headline: "当前国际形势和 我国意识形态面临的风险" => "当前国际形势和我国意识形态面临的风险";
        spacing_keeps_the_number_of_a_titled_part: "郊庙歌辞 梁郊祀乐章 庆和 十二\n封泰山乐章 豫和 一\n杂曲歌辞 太和 第一\n太和 第五彻\n雍和 第二十一章" => "郊庙歌辞 梁郊祀乐章 庆和 十二\n封泰山乐章 豫和 一\n杂曲歌辞 太和 第一\n太和 第五彻\n雍和 第二十一章";
        spacing_numeral_starting_a_phrase_is_no_part_number: "形势和 一带一路\n形势和 第\n发展和 第三产业" => "形势和一带一路\n形势和第\n发展和第三产业";
        spacing_keeps_pangu_style: "我们使用 Rust 编写了 3 个工具，效果很好。" => "我们使用 Rust 编写了 3 个工具，效果很好。";
        spacing_quote_space_in_body: "要健全机制,实行重大科技专项 “揭榜挂帅”,构建分配机制。" => "要健全机制，实行重大科技专项“揭榜挂帅”，构建分配机制。";
        spacing_english_curly_quotes_keep_spaces: "He said, “hi there” and left; she stayed, quietly." => "He said, “hi there” and left; she stayed, quietly.";
        spacing_keeps_leading_and_trailing: "  强化 增强  \n" => "  强化 增强  \n";
    }

    #[test]
    fn quotes_context_stops_a_flip_cascade() {
        // One unbalanced quote first: the quote before `，` closes whatever
        // came before, and the pairs after it come out right.
        let out = clean("总结\"日前,锚定市委\"三项重点工作\",以\"四敢\"精神拼经济,加快建设\"活力西工\"");
        assert!(out.contains("工作”，以“四敢”精神拼经济，加快建设“活力西工”"), "{out}");
    }

    #[test]
    fn punct_reports_edits() {
        let input = "活动在 洛阳,国内专家\"齐聚\"洛阳。\n";
        let (out, log) = run_cfg(input, PunctConfig::default());
        assert_eq!(out, "活动在洛阳，国内专家“齐聚”洛阳。\n");
        let reasons: Vec<_> = log.edits.iter().map(|e| (e.byte, e.reason)).collect();
        assert_eq!(reasons, vec![(9, "space_in_body"), (16, "fullwidth_punct"), (29, "quote"), (36, "quote")]);
        assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), input);
    }

    #[test]
    fn shortcuts_change_nothing() {
        // The pass with every line decoded and every character kept, and
        // with its shortcuts (a line with nothing to change written as it
        // is, a run of Han kept by its ends), on lines of runs, function
        // words, part numbers, spaces, marks, quotes, Latin and URLs, as
        // they are and indented with trailing spaces: the same text and
        // edits.
        let pieces = [
            "形势",
            "和",
            "与",
            "第",
            "其",
            "一",
            "十二",
            "五彻",
            "中国科学院",
            "的",
            " ",
            "  ",
            "\t",
            ",",
            "，",
            "。",
            ".",
            "!",
            "?",
            ":",
            ";",
            "(",
            ")",
            "\"",
            "'",
            "“",
            "”",
            "‘",
            "’",
            "、",
            "—",
            "…",
            "Rust",
            "3",
            "a",
            "http://a.cn/x?y=1",
            "www.",
            "《",
            "》",
            "（",
            "）",
            "の",
            "㐀",
            "\u{3007}",
            "䀀",
            "䶵",
            "䷀",
        ];
        let lines = crate::testing::Lcg::new(21).mixtures(&pieces, 20_000, 24);
        let indented = lines.iter().map(|l| format!("  {l} \t\n"));
        // And lines without an ASCII mark or quote, long enough to be body
        // text or not, under the default settings and others.
        let unmarked: Vec<&str> = pieces.iter().copied().filter(|p| !has_mark(p.as_bytes())).collect();
        let mut unmarked = crate::testing::Lcg::new(27).mixtures(&unmarked, 5_000, 60);
        // (Half of them only Han, spaces, CJK marks and a hexagram.)
        let han_spaced: Vec<&str> = pieces
            .iter()
            .copied()
            .filter(|p| p.chars().all(|c| is_han(c) || is_ws(c) || "，。、䷀".contains(c)))
            .collect();
        unmarked.extend(crate::testing::Lcg::new(28).mixtures(&han_spaced, 5_000, 60));
        let short = PunctConfig { body_min_chars: 6, body_min_chars_unpunctuated: 12, ..PunctConfig::default() };
        let configs = [PunctConfig::default(), short, PunctConfig::default().spacing(false)];
        let (mut compared, mut only_ends, mut between_han) = (0, 0, 0);
        let cases = lines.iter().map(|l| (format!("{l}\n"), &configs[0])).chain(indented.map(|l| (l, &configs[0])));
        let cases = cases.chain(unmarked.iter().flat_map(|l| configs.iter().map(move |c| (format!("{l}\n"), c))));
        for (line, cfg) in cases {
            let content = line.trim_end_matches('\n');
            only_ends += usize::from(needs_work(content.as_bytes()) && !needs_work(content.trim().as_bytes()));
            let mut every = PunctPass::new(cfg.clone());
            every.shortcuts.off = true;
            let want = crate::testing::run_pass(&mut every, &line);
            let mut pass = PunctPass::new(cfg.clone());
            let got = crate::testing::run_pass(&mut pass, &line);
            assert_eq!(got.0, want.0, "{line:?} {cfg:?}");
            assert_eq!(got.1.edits, want.1.edits, "{line:?} {cfg:?}");
            compared += usize::from(want.0 != line);
            between_han += pass.between_han;
            // (The pass with its shortcuts off took none.)
            assert_eq!(every.between_han, 0);
        }
        // Most lines are changed somewhere, so the comparison has teeth;
        // many have work bytes only at their ends, many only spaces
        // between Han characters.
        assert!(compared > 10_000, "{compared}");
        assert!(only_ends > 1_000, "{only_ends}");
        assert!(between_han > 1_000, "{between_han}");
    }

    #[test]
    fn is_body_line_counts_only_what_it_needs() {
        // Against the rule over the whole line's count, on lines either
        // side of the unpunctuated length, with every kind of space.
        let whole = |t: &str| {
            let n = t.chars().filter(|c| !c.is_whitespace()).count();
            let last = t.chars().rev().find(|&c| !is_ws(c) && !is_closing(c));
            let punct = t.chars().any(|c| is_sentence_punct(c) && c != '、');
            body_by(&PunctConfig::default(), n, last, punct, t.contains('、'))
        };
        let pieces = ["中国科学院", "的", " ", "\u{3000}", "\t", "，", "。", "、", "”", ")", "a", "12", "！"];
        let mut lines = crate::testing::Lcg::new(22).mixtures(&pieces, 20_000, 30);
        // And unpunctuated lines of every length about the limit.
        for n in 0..70 {
            for space in ["", " ", "\u{3000}"] {
                lines.push((0..n).map(|k| if k % 7 == 6 { format!("字{space}") } else { "字".into() }).collect());
            }
        }
        let mut body = 0;
        for t in &lines {
            assert_eq!(is_body_line(t), whole(t), "{t:?}");
            body += usize::from(whole(t));
        }
        assert!(body > 2_000 && body < 18_000, "{body}");
    }

    #[test]
    fn punct_switches_are_honoured() {
        let cfg = PunctConfig::default().spacing(false).quotes(false);
        assert_eq!(run_cfg("活动在 洛阳,国内专家\"齐聚\"洛阳。", cfg).0, "活动在 洛阳，国内专家\"齐聚\"洛阳。");
    }
}
