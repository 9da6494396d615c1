//! Character classes, named punctuation sets and line splitting that more
//! than one pass uses.
//!
//! One home for each idea: when two passes really need different sets,
//! both are named here and the comment says why they differ. A pass that
//! needs a set used by no other keeps it private.

/// Sentence ends, ASCII too: `punct` makes `?` full width only after the
/// passes that judge sentences, and cleaning again must judge alike.
pub(crate) const SENTENCE_END: [char; 5] = ['。', '！', '？', '!', '?'];

/// Where a line longer than the line cap is cut by preference: sentence
/// ends and semicolons. Wider than [`SENTENCE_END`]: a cut only needs a
/// place no pass reads across, and a semicolon closes a clause.
pub(crate) const CUT_AFTER: [char; 7] = ['。', '！', '？', '；', '!', '?', ';'];

/// Punctuation that only prose carries: a line holding one is a sentence
/// or a clause, not a title, a name or a label. (`punct` adds `、` for its
/// headline test, see there.)
pub(crate) const PROSE_MARKS: [char; 9] = ['，', '。', '；', '！', '？', ',', ';', '!', '?'];

/// Closing quotes and brackets that may stand after a sentence end (either
/// direction of quote: pairing later may turn one into the other).
pub(crate) const CLOSERS: [char; 10] = ['”', '’', '“', '‘', '"', '\'', '）', ')', '」', '』'];

/// Function words that cannot end a headline phrase, so a space after
/// them is a wrap artifact.
pub(crate) const FUNCTION_WORDS: &[char] = &['和', '与', '及', '的', '之', '或', '并', '把', '被', '对'];

/// `str::trim` and its halves (Unicode White_Space, as `char::is_whitespace`),
/// tested byte-wise: every pass trims most lines several times, and the
/// standard ones decode and look up each end's character in a table, which
/// for Han text (no whitespace starts with the bytes `E4`..`E9`) is wasted.
pub(crate) trait TrimWs {
    /// As [`str::trim`].
    fn trim_ws(&self) -> &str;
    /// As [`str::trim_start`].
    fn trim_ws_start(&self) -> &str;
    /// As [`str::trim_end`].
    fn trim_ws_end(&self) -> &str;
    /// Whether it is empty or whitespace only (`trim().is_empty()`): the
    /// start alone tells, and most lines answer by their first byte.
    fn is_blank(&self) -> bool;
}

impl TrimWs for str {
    #[inline]
    fn trim_ws(&self) -> &str {
        self.trim_ws_start().trim_ws_end()
    }

    #[inline]
    fn is_blank(&self) -> bool {
        self.trim_ws_start().is_empty()
    }

    #[inline]
    fn trim_ws_start(&self) -> &str {
        // Most text starts with no whitespace: a lead byte that starts
        // none answers inline.
        let b = self.as_bytes();
        match b.first() {
            None => self,
            // No whitespace starts with a byte above `E3` (Han, CJK
            // marks, full-width forms) or ASCII above the space.
            Some(&x) if x > 0xE3 || (x > b' ' && x < 0x80) => self,
            Some(&x) if ws_len(b, x) == 0 => self,
            _ => trim_start_slow(self),
        }
    }

    #[inline]
    fn trim_ws_end(&self) -> &str {
        // Likewise at the end: an ASCII byte other than whitespace, or a
        // last character of three bytes (`b[len - 3]` leads one: Han, CJK
        // marks, curly quotes) that is none.
        let b = self.as_bytes();
        let n = b.len();
        match b.last() {
            None => self,
            Some(&x) if x > b' ' && x < 0x80 => self,
            Some(&x) if x >= 0x80 && n >= 3 && (0xE4..=0xEF).contains(&b[n - 3]) => self,
            Some(&x)
                if x >= 0x80 && n >= 3 && (0xE0..=0xE3).contains(&b[n - 3]) && ws_len(&b[n - 3..], b[n - 3]) == 0 =>
            {
                self
            }
            _ => trim_end_slow(self),
        }
    }
}

fn trim_start_slow(s: &str) -> &str {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let n = ws_len(&b[i..], b[i]);
        if n == 0 {
            break;
        }
        i += n;
    }
    &s[i..]
}

fn trim_end_slow(s: &str) -> &str {
    let b = s.as_bytes();
    let mut end = b.len();
    while end > 0 {
        let x = b[end - 1];
        let n = if x < 0x80 {
            usize::from(is_ascii_ws(x))
        } else if end >= 2 && b[end - 2] == 0xC2 {
            ws_len(&b[end - 2..end], 0xC2)
        } else if end >= 3 && matches!(b[end - 3], 0xE1..=0xE3) {
            ws_len(&b[end - 3..end], b[end - 3])
        } else {
            0
        };
        if n == 0 {
            break;
        }
        end -= n;
    }
    &s[..end]
}

/// ASCII White_Space: tab, line feed, vertical tab, form feed, carriage
/// return, space (`char::is_whitespace` of an ASCII byte; not
/// `u8::is_ascii_whitespace`, which leaves out the vertical tab).
#[inline]
pub(crate) fn is_ascii_ws(x: u8) -> bool {
    matches!(x, b'\t'..=b'\r' | b' ')
}

/// The length of the whitespace character `b` starts with (`b[0]` is
/// `first`), or 0: U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028,
/// U+2029, U+202F, U+205F, U+3000 (a test checks every character).
#[inline]
fn ws_len(b: &[u8], first: u8) -> usize {
    match first {
        0..=0x7F => usize::from(is_ascii_ws(first)),
        0xC2 => 2 * usize::from(matches!(b.get(1), Some(0x85 | 0xA0))),
        0xE1..=0xE3 => {
            let three = matches!(
                (first, b.get(1), b.get(2)),
                (0xE1, Some(0x9A), Some(0x80))
                    | (0xE2, Some(0x80), Some(0x80..=0x8A | 0xA8 | 0xA9 | 0xAF))
                    | (0xE2, Some(0x81), Some(0x9F))
                    | (0xE3, Some(0x80), Some(0x80))
            );
            3 * usize::from(three)
        }
        _ => 0,
    }
}

/// Where the last sentence end ([`SENTENCE_END`]) in `t` starts, as
/// `t.rfind(SENTENCE_END)`, found from the end byte by byte: `。` is
/// `E3 80 82`, `！` `EF BC 81`, `？` `EF BC 9F`, and no byte of them or of
/// `!` `?` ends another character. (Caption asks it of most lines.)
pub(crate) fn last_sentence_end(t: &str) -> Option<usize> {
    let b = t.as_bytes();
    let mut i = b.len();
    while i > 0 {
        i -= 1;
        match b[i] {
            b'!' | b'?' => return Some(i),
            0x82 if i >= 2 && b[i - 2] == 0xE3 && b[i - 1] == 0x80 => return Some(i - 2),
            0x81 | 0x9F if i >= 2 && b[i - 2] == 0xEF && b[i - 1] == 0xBC => return Some(i - 2),
            _ => {}
        }
    }
    None
}

/// How many sentence ends ([`SENTENCE_END`]) `t` holds, as
/// `t.matches(SENTENCE_END).count()`: the ASCII ones and the lead bytes of
/// `。` (`E3 80 82`) and `！` `？` (`EF BC 81` / `9F`) found by memchr, each
/// lead's next two bytes then read (caption asks it of each short line
/// that ends a sentence; the char-pattern search decoded every character,
/// a byte loop cost more still).
pub(crate) fn count_sentence_ends(t: &str) -> usize {
    let b = t.as_bytes();
    let ascii = memchr::memchr2_iter(b'!', b'?', b).count();
    let wide = memchr::memchr2_iter(0xE3, 0xEF, b)
        .filter(|&i| {
            matches!((b[i], b.get(i + 1..i + 3)), (0xE3, Some([0x80, 0x82])) | (0xEF, Some([0xBC, 0x81 | 0x9F])))
        })
        .count();
    ascii + wide
}

/// Whether `t` holds three or more runs of characters between whitespace,
/// as `t.split_whitespace().nth(2).is_some()` (for a trimmed line: two
/// gaps or more inside it), read by bytes: [`ws_len`] tells whitespace
/// without decoding, and a run of Han (led by E4-E9) is stepped over.
pub(crate) fn three_words_or_more(t: &str) -> bool {
    let b = t.as_bytes();
    let (mut i, mut words, mut in_word) = (0, 0, false);
    while i < b.len() {
        let x = b[i];
        let n = ws_len(&b[i..], x);
        if n > 0 {
            in_word = false;
            i += n;
            continue;
        }
        if !in_word {
            words += 1;
            if words == 3 {
                return true;
            }
            in_word = true;
        }
        // (The rest of a run of Han in a loop of its own.)
        i = wide_run_end(b, i + utf8_len(x));
    }
    false
}

/// The end of the run of characters led by E4-E9 (U+4000-U+9FFF, three
/// bytes each) from byte `i` of valid UTF-8 `b`, `i` itself when none is
/// there: a loop of its own, nine instructions a character where the
/// callers' loops spend a dozen on their dispatch. (Unlike
/// [`han_run_end`], hexagrams count: the callers ask about width and
/// whitespace, not Han. Four characters a step, or in chunks, cost more
/// on the short runs between a line's marks: `benches/RESULTS.md`.)
#[inline(always)]
fn wide_run_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (0xE4..=0xE9).contains(&b[i]) {
        i += 3;
    }
    i
}

/// The code point at byte `p` of valid UTF-8 `b`, and its length (the
/// conversion's stage loop, its trie walk, chrome's rule scan).
#[inline(always)]
pub(crate) fn decode_at(b: &[u8], p: usize) -> (u32, usize) {
    // Three bytes first: Chinese text's common case costs one predictable
    // branch (two when ASCII was asked first: 1.5M instructions more on
    // the 4 MB head, 1.4M more in `zhclean convert`); a `match` on ranges
    // was 10% slower in the stage loop.
    let x = b[p];
    if x.wrapping_sub(0xE0) < 0x10 {
        // Read as one word with the byte after it, when there is one: one
        // load and one bounds check, the three bytes' bits taken out of it
        // (1.9M instructions fewer on 4 MB than three loads).
        if let Some(w) = b.get(p..p + 4) {
            let w = u32::from_le_bytes(w.try_into().expect("four bytes"));
            return (((w & 0x0F) << 12) | ((w >> 2) & 0xFC0) | ((w >> 16) & 0x3F), 3);
        }
        // (The text's last character. One bounds check for the three
        // bytes, not one per byte.)
        let [_, y, z]: [u8; 3] = b[p..p + 3].try_into().expect("three bytes");
        ((u32::from(x & 0x0F) << 12) | (u32::from(y & 0x3F) << 6) | u32::from(z & 0x3F), 3)
    } else if x < 0x80 {
        (u32::from(x), 1)
    } else if x < 0xE0 {
        ((u32::from(x & 0x1F) << 6) | u32::from(b[p + 1] & 0x3F), 2)
    } else {
        let cp = (u32::from(x & 0x07) << 18)
            | (u32::from(b[p + 1] & 0x3F) << 12)
            | (u32::from(b[p + 2] & 0x3F) << 6)
            | u32::from(b[p + 3] & 0x3F);
        (cp, 4)
    }
}

/// Whether `t` ends a sentence, closing quotes and brackets aside.
/// (Most lines end with a Han character, led by a byte E4-E9 three from
/// the end, which ends none: answered inline, without the call.)
#[inline]
pub(crate) fn ends_sentence(t: &str) -> bool {
    let b = t.as_bytes();
    if b.len() >= 3 && (0xE4..=0xE9).contains(&b[b.len() - 3]) {
        return false;
    }
    ends_sentence_past_han(t)
}

/// [`ends_sentence`] of a line that does not end with a character led by
/// E4-E9.
fn ends_sentence_past_han(t: &str) -> bool {
    // `t.trim_end().trim_end_matches(CLOSERS).ends_with(SENTENCE_END)`,
    // byte-wise (most lines are asked, several times): every closer and
    // sentence end is ASCII or three bytes, and a lead byte three from the
    // end starts the last character.
    let b = t.trim_ws_end().as_bytes();
    let mut n = b.len();
    while n > 0 {
        match b[n - 1] {
            b'"' | b'\'' | b')' => n -= 1,
            b'!' | b'?' => return true,
            x if x >= 0x80 && n >= 3 => match (b[n - 3], b[n - 2], x) {
                (0xE2, 0x80, 0x98 | 0x99 | 0x9C | 0x9D) | (0xEF, 0xBC, 0x89) | (0xE3, 0x80, 0x8D | 0x8F) => n -= 3,
                (0xE3, 0x80, 0x82) | (0xEF, 0xBC, 0x81 | 0x9F) => return true,
                _ => return false,
            },
            _ => return false,
        }
    }
    false
}

/// Display width in half cells: ASCII half a cell, the rest a cell.
pub(crate) fn half_cells(c: char) -> usize {
    if c.is_ascii() {
        1
    } else {
        2
    }
}

/// Width of text in half cells (spaces inside it aside: OCR's, not the
/// page's), as it will stand after `punct`: ASCII `, ; : ? ! ( ) "` next
/// to Chinese text is set full width there (`驱动,` → `驱动，`, `,,,` after
/// Han as one run), so it counts a cell and a second cleaning measures
/// alike; in a number or a Latin run (`1.5`, `18:00`, `don't`) it stays
/// half. Quotes, straight or curly, count a cell unless they stand
/// between two ASCII letters or digits (`don't`): which way `punct` pairs a
/// straight quote depends on the whole paragraph, but it never touches one
/// inside a Latin word, so this count is the same before and after it.
///
/// The definition `scan_line`'s width is tested against: `scan_line`
/// counts it in its pass over the line, then looks around each mark and
/// quote (`with_marks`).
#[cfg(test)]
pub(crate) fn display_width(t: &str) -> usize {
    // (`scan_line` counts lines without such marks in one pass.)
    // (Sized once: collected from a filter, the vector grew five times on
    // a line of a column.)
    let mut cs: Vec<char> = Vec::with_capacity(t.len());
    cs.extend(t.chars().filter(|c| !c.is_whitespace()));
    let mark = |c: char| matches!(c, ',' | ';' | ':' | '?' | '!' | '(' | ')');
    let quote = |c: char| matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’');
    // The nearest character on each side that is not such a mark: a run of
    // marks (`,,,`) is converted as one.
    // (Looked for among the 8 nearest, so a flood of marks stays linear.)
    // Quotes are looked past too, whichever form they have now.
    let skip = |c: char| mark(c) || quote(c);
    let before = |i: usize| cs[i.saturating_sub(8)..i].iter().rev().copied().find(|&c| !skip(c));
    let after = |i: usize| cs[i + 1..cs.len().min(i + 9)].iter().copied().find(|&c| !skip(c));
    let alnum = |x: Option<char>| x.is_some_and(|x| x.is_ascii_alphanumeric());
    let wide = |x: Option<char>| x.is_some_and(|x| !x.is_ascii());
    (0..cs.len())
        .map(|i| {
            let c = cs[i];
            if quote(c) {
                let latin = |x: Option<&char>| x.is_some_and(|x| x.is_ascii_alphanumeric());
                let in_word = i > 0 && latin(cs.get(i - 1)) && latin(cs.get(i + 1));
                return if in_word { 1 } else { 2 };
            }
            let converted = mark(c) && {
                let (p, n) = (before(i), after(i));
                !(alnum(p) && alnum(n)) && (wide(p) || wide(n))
            };
            if converted {
                2
            } else {
                half_cells(c)
            }
        })
        .sum()
}

/// `c.is_alphanumeric()`, answered at once for ASCII and for the marks of
/// Chinese text (which the standard library looks up in its tables: a
/// line's last character is one of them more often than not). A test
/// checks every character.
#[inline]
pub(crate) fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    if matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '（'
            | '）'
            | '《'
            | '》'
            | '「'
            | '」'
            | '『'
            | '』'
            | '【'
            | '】'
            | '…'
            | '—'
    ) {
        return false;
    }
    c.is_alphanumeric()
}

/// What `unwrap` measures of a line, in one pass over its bytes: its
/// display width (see `display_width`), whether it holds whitespace, one
/// of [`PROSE_MARKS`], a CJK punctuation mark (U+3001-3011, U+FF01-FF1F, curly quotes, `…`),
/// an ASCII mark that may count as one (`, ; : ? ! ( )`), and an ASCII
/// digit or a `·` (what a running head's date, page or `paper·section`
/// holds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LineScan {
    pub width: usize,
    pub space: bool,
    pub prose: bool,
    pub cjk_mark: bool,
    pub ascii_mark: bool,
    pub anchor: bool,
}

/// See [`LineScan`]. Besides ASCII, only characters led by 0xC2, 0xE1,
/// 0xE2, 0xE3 or 0xEF can be whitespace or a mark: the rest are two cells
/// and nothing else.
pub(crate) fn scan_line(t: &str) -> LineScan {
    let b = t.as_bytes();
    let (mut width, mut space, mut prose, mut cjk_mark, mut ascii_mark) = (0, false, false, false, false);
    let mut anchor = false;
    // The width of a line with an ASCII mark or a quote depends on their
    // neighbours: `with_marks` counts them, from the first.
    let mut marked_width = false;
    let mut first_mark = 0;
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        // U+4000..U+9FFF (most of a line): two cells, nothing else; a run
        // of them in a loop of its own (nine instructions a character, the
        // outer loop's dispatch twelve).
        if (0xE4..=0xE9).contains(&x) {
            let j = wide_run_end(b, i + 3);
            width += (j - i) / 3 * 2;
            i = j;
            continue;
        }
        if x < 0x80 {
            match x {
                b',' | b';' | b'?' | b'!' => (ascii_mark, prose) = (true, true),
                b':' | b'(' | b')' | b'"' => ascii_mark = true,
                b'\'' => {}
                b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => space = true,
                b'0'..=b'9' => (width, anchor) = (width + 1, true),
                _ => width += 1,
            }
            if !marked_width && matches!(x, b',' | b';' | b'?' | b'!' | b':' | b'(' | b')' | b'"' | b'\'') {
                (marked_width, first_mark) = (true, i);
            }
            i += 1;
            continue;
        }
        // The CJK marks of a line, U+3000-U+303F (`、 。 《 》 【 】`, the
        // ideographic space) and U+FF00-U+FF3F (`， ； ： ！ ？ （ ）`), told by
        // their third byte without decoding: none of them is a quote.
        if let (0xE3, Some(&[0x80, z])) | (0xEF, Some(&[0xBC, z])) = (x, b.get(i + 1..i + 3)) {
            if x == 0xE3 {
                // U+3000 is a space; U+3001-U+3011 marks, U+3002 `。`.
                if z == 0x80 {
                    space = true;
                } else {
                    width += 2;
                }
                cjk_mark |= (0x81..=0x91).contains(&z);
                prose |= z == 0x82;
            } else {
                // U+FF01-U+FF1F marks; `， ； ！ ？`.
                width += 2;
                cjk_mark |= (0x81..=0x9F).contains(&z);
                prose |= matches!(z, 0x8C | 0x9B | 0x81 | 0x9F);
            }
            i += 3;
            continue;
        }
        // (Decoded from its bytes, not through `str::chars`: the tests
        // below ask about most of the rest. Past the marks above, only
        // characters led by C2, E1 or E2 are whitespace, a mark, a quote
        // or `·`; the others led by E3 or EF are two cells and nothing
        // else.)
        let (cp, len) = decode_at(b, i);
        if matches!(x, 0xC2 | 0xE1 | 0xE2) {
            // (`char::is_whitespace` of the characters these bytes lead.)
            if matches!(cp, 0x85 | 0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F) {
                space = true;
            } else {
                width += 2;
            }
            anchor |= cp == 0xB7;
            // `‘ ’ “ ” …`
            cjk_mark |= matches!(cp, 0x2018..=0x201D | 0x2026);
            // `“ ” ‘ ’`
            if !marked_width && matches!(cp, 0x2018 | 0x2019 | 0x201C | 0x201D) {
                (marked_width, first_mark) = (true, i);
            }
        } else {
            width += 2;
        }
        i += len;
    }
    if marked_width {
        width = with_marks(t, first_mark, width);
    }
    LineScan { width, space, prose, cjk_mark, ascii_mark, anchor }
}

/// `display_width` of `t` from `base`, what `scan_line` counted: every
/// visible character at its half cells but the ASCII marks and quotes,
/// which it leaves out, and curly quotes, which it counts as two. Each mark
/// and quote is then counted as `display_width` counts it, its neighbours
/// looked for around it (a line holds few) rather than in a vector of the
/// whole line's characters. `from`: the first mark's or quote's byte
/// offset (none stands before it).
fn with_marks(t: &str, from: usize, base: usize) -> usize {
    let mark = |c: char| matches!(c, ',' | ';' | ':' | '?' | '!' | '(' | ')');
    let quote = |c: char| matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’');
    let skip = |c: char| mark(c) || quote(c);
    let alnum = |x: Option<char>| x.is_some_and(|x| x.is_ascii_alphanumeric());
    let wide = |x: Option<char>| x.is_some_and(|x| !x.is_ascii());
    let b = t.as_bytes();
    let mut width = base;
    let mut p = from;
    while p < b.len() {
        // The marks and quotes by their bytes (no other character's bytes
        // are ASCII or `E2 80 98`-`9D`), a character at a step.
        let x = b[p];
        let c = match x {
            b',' | b';' | b':' | b'?' | b'!' | b'(' | b')' | b'"' | b'\'' => char::from(x),
            0xE2 if b[p + 1] == 0x80 && matches!(b[p + 2], 0x98 | 0x99 | 0x9C | 0x9D) => {
                width -= 2;
                t[p..].chars().next().expect("a character starts here")
            }
            _ => {
                p += utf8_len(x);
                continue;
            }
        };
        let before = || t[..p].chars().rev().filter(|c| !c.is_whitespace());
        let after = || t[p + c.len_utf8()..].chars().filter(|c| !c.is_whitespace());
        width += if quote(c) {
            if alnum(before().next()) && alnum(after().next()) {
                1
            } else {
                2
            }
        } else {
            // The nearest character on each side that is no mark or
            // quote, among the 8 nearest.
            let (prev, next) = (before().take(8).find(|&c| !skip(c)), after().take(8).find(|&c| !skip(c)));
            if !(alnum(prev) && alnum(next)) && (wide(prev) || wide(next)) {
                2
            } else {
                1
            }
        };
        p += c.len_utf8();
    }
    width
}

/// The length of the UTF-8 character led by the byte `x`.
#[inline]
fn utf8_len(x: u8) -> usize {
    match x {
        0..=0xBF => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

pub(crate) use crate::han::is_han;

/// Whether the character at byte `i` of valid UTF-8 `b` is Han, as its
/// first two bytes tell without decoding it: led by E4-E9 (U+4000-U+9FFF,
/// most of Chinese text) but for the hexagrams U+4DC0-U+4DFF (`E4 B7`).
/// `false` says nothing: a character led otherwise (or past the end) may
/// still be Han, which [`is_han`] answers.
#[inline]
pub(crate) fn han_by_lead(b: &[u8], i: usize) -> bool {
    match b.get(i) {
        Some(0xE5..=0xE9) => true,
        Some(0xE4) => b.get(i + 1) != Some(&0xB7),
        _ => false,
    }
}

/// The end of the run of characters from byte `i` of valid UTF-8 `b` that
/// [`han_by_lead`] calls Han (`i` itself when there is none). Eleven
/// characters (33 bytes) at a time: the leads that are not Han as a byte
/// mask over the block, which the compiler makes vector compares, the
/// first read off the mask's words; the last bytes three at a time. A
/// character at a time, the branch that ends each run was mispredicted
/// once a run, and `punct` spent a third of its time here (the pass alone
/// ran 10-30% faster by blocks, its criterion bench, for 0.1% fewer
/// instructions in the pipeline).
#[inline]
pub(crate) fn han_run_end(b: &[u8], mut i: usize) -> usize {
    // A mask set past the first non-Han lead is no lead's (the characters
    // after it may be of any length), and is never read.
    const LEAD: [u8; 32] = {
        let mut m = [0u8; 32];
        let mut j = 0;
        while j < 32 {
            m[j] = (j % 3 == 0) as u8;
            j += 1;
        }
        m
    };
    while let Some(w) = b.get(i..i + 33) {
        let mut bad = [0u8; 32];
        for j in 0..32 {
            let (x, y) = (w[j], w[j + 1]);
            let han = u8::from(x.wrapping_sub(0xE5) < 5) | (u8::from(x == 0xE4) & u8::from(y != 0xB7));
            bad[j] = LEAD[j] & (han ^ 1);
        }
        if let Some(first) = first_set(&bad) {
            return i + first;
        }
        i += 33;
    }
    let run = b.get(i..).unwrap_or_default().chunks_exact(3).take_while(|c| han_by_lead(c, 0));
    i + 3 * run.count()
}

/// The first byte of a 0/1 byte mask that is set, if one is: read off the
/// mask's two 16-byte words (the fold that made the mask stays vector
/// code; a search for the first set byte made it scalar).
#[inline]
pub(crate) fn first_set(mask: &[u8; 32]) -> Option<usize> {
    let lo = u128::from_le_bytes(mask[..16].try_into().expect("16 bytes"));
    let hi = u128::from_le_bytes(mask[16..].try_into().expect("16 bytes"));
    if lo | hi == 0 {
        return None;
    }
    let first = if lo != 0 { lo.trailing_zeros() } else { 128 + hi.trailing_zeros() };
    Some(first as usize / 8)
}

/// Non-whitespace characters in `s`, counted up to `n`. Passes judge line
/// length this way: whitespace is what later passes remove, and counting
/// stops at the threshold it is compared with.
pub(crate) fn visible_up_to(s: &str, n: usize) -> usize {
    visible_scan::<false>(s, n).0
}

/// [`visible_up_to`], and whether `s` holds one of [`PROSE_MARKS`] when
/// the count stopped short of `n` (the whole of `s` read): what
/// `layout::body::is_body` asks, in one pass.
pub(crate) fn visible_up_to_prose(s: &str, n: usize) -> (usize, bool) {
    visible_scan::<true>(s, n)
}

#[inline(always)]
fn visible_scan<const PROSE: bool>(s: &str, n: usize) -> (usize, bool) {
    // Byte-wise: this runs on most lines in several passes. Runs of
    // E4-E9-led characters (U+4000..U+9FFF, most of Chinese text) first,
    // each visible and no mark; then the rest of the E3..EF-led sequences
    // (U+3000..U+FFFF: CJK punctuation, kana, the rest of Han), visible
    // except U+3000 itself; then ASCII; anything else rarer is decoded.
    // (Eight bytes at a time, with a test for bytes that may start
    // whitespace, was slower on Chinese text: CJK marks start with E3;
    // so was counting 64-byte blocks without branches: callers ask for
    // 20 to 80 characters.)
    let b = s.as_bytes();
    let (mut i, mut k, mut prose) = (0, 0, false);
    while i < b.len() && k < n {
        let x = b[i];
        // A run of U+4000-U+9FFF (Han, most of the text) in a loop of its
        // own, up to the count's end: visible, and no mark. (Saturating: a
        // setting may ask for a count as large as `usize::MAX`.)
        if (0xE4..=0xE9).contains(&x) {
            let j = wide_run_end(&b[..b.len().min(i.saturating_add((n - k).saturating_mul(3)))], i + 3);
            k += (j - i) / 3;
            i = j;
            continue;
        }
        if (0xE3..0xF0).contains(&x) {
            k += usize::from(x != 0xE3 || b[i + 1..i + 3] != [0x80, 0x80]);
            if PROSE {
                // `。` E3 80 82; `，` `；` `！` `？` EF BC 8C/9B/81/9F.
                prose |= match x {
                    0xE3 => b[i + 1..i + 3] == [0x80, 0x82],
                    0xEF => b[i + 1] == 0xBC && matches!(b[i + 2], 0x8C | 0x9B | 0x81 | 0x9F),
                    _ => false,
                };
            }
            i += 3;
        } else if x < 0x80 {
            k += usize::from(!is_ascii_ws(x));
            if PROSE {
                prose |= matches!(x, b',' | b';' | b'!' | b'?');
            }
            i += 1;
        } else {
            let c = s[i..].chars().next().expect("a character starts here");
            k += usize::from(!c.is_whitespace());
            i += c.len_utf8();
        }
    }
    (k, prose)
}

/// Whether `s` has more than `m` non-whitespace characters: never when it
/// has no more bytes than that (most lines, for a limit of a few hundred),
/// nor when it has no more characters of any kind ([`chars_of`], asked
/// only when the bytes leave it open: four bytes or fewer to a character,
/// `4 (m + 1)` bytes hold more than `m`, and a long paragraph is not
/// counted whole), nor more but ASCII whitespace; the rest are counted up
/// to the limit.
pub(crate) fn visible_more_than(s: &str, m: usize) -> bool {
    let surely_more_chars = s.len() >= m.saturating_add(1).saturating_mul(4);
    s.len() > m
        && (surely_more_chars || (chars_of(s.as_bytes()) > m && starts_but_ascii_space(s.as_bytes()) > m))
        && visible_up_to(s, m + 1) > m
}

/// The characters of `b` (valid UTF-8): its bytes less its continuation
/// bytes (`10xxxxxx`), eight at a time, each byte lane counting its own
/// (up to 255 words, so that no lane overflows; a longer text in blocks of
/// that). No fewer than the visible ones: a line of Han text whose
/// characters alone are within a bound (most lines caption asks about) is
/// not read again for its whitespace. (`str::chars().count()` answers the
/// same and cost 3M instructions more on the bench's 4 MB: on lines of a
/// few dozen bytes its alignment set-up is most of the work.)
fn chars_of(b: &[u8]) -> usize {
    const BLOCK: usize = 255 * 8;
    if b.len() > BLOCK {
        return b.chunks(BLOCK).map(chars_of).sum();
    }
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const EVEN: u64 = 0x00FF_00FF_00FF_00FF;
    // (Bit 7 of each lane: set, and bit 6 clear, in a continuation byte.)
    let cont = |x: u64| ((x & !(x << 1)) & HIGH) >> 7;
    let mut words = b.chunks_exact(8);
    let lanes = words.by_ref().fold(0u64, |n, w| n + cont(u64::from_le_bytes(w.try_into().expect("8 bytes"))));
    // The lanes added in pairs (16 bits each, no carry), then the four.
    let pairs = (lanes & EVEN) + ((lanes >> 8) & EVEN);
    let words_cont = (pairs.wrapping_mul(0x0001_0001_0001_0001) >> 48) as usize;
    let tail = words.remainder().iter().filter(|&&x| (0x80..0xC0).contains(&x)).count();
    b.len() - words_cont - tail
}

/// The characters of `b` (valid UTF-8) less its ASCII whitespace: no fewer
/// than its visible ones. Every byte is looked at, with no branch per byte
/// (the compiler adds them up a vector at a time): for a line of a few
/// dozen characters, cheaper than the standard library's count of
/// characters, whose set-up is most of the work there.
fn starts_but_ascii_space(b: &[u8]) -> usize {
    // (A byte starts a character unless it is 0x80-0xBF, -64 and up as a
    // signed byte.)
    // (Bytes counts, 255 at most to a chunk: lanes of bytes to add.)
    b.chunks(255)
        .map(|c| {
            let n = c.iter().fold(0u8, |n, &x| n + u8::from((x as i8) >= -0x40 && !is_ascii_ws(x)));
            usize::from(n)
        })
        .sum()
}

/// Whether `s` has at least `n` non-whitespace characters (stops there).
pub(crate) fn visible_at_least(s: &str, n: usize) -> bool {
    visible_up_to(s, n) >= n
}

/// `s.split_inclusive('\n')`: every pass splits every byte of the text
/// into lines again, so this is on the hot path (see [`find_newline`]).
pub(crate) fn lines_inclusive(s: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= s.len() {
            return None;
        }
        let from = start;
        start = find_newline(&s.as_bytes()[from..]).map_or(s.len(), |e| from + e + 1);
        Some(&s[from..start])
    })
}

/// The first `\n` in `b`. Most lines are short (a hard-wrapped one is
/// 60-odd bytes): memchr's 16-byte search, which x86-64 always has, finds
/// their ends with less set-up per call than its wider one chosen at run
/// time (which cost half again as many instructions a line).
#[inline]
pub(crate) fn find_newline(b: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if let Some(one) = memchr::arch::x86_64::sse2::memchr::One::new(b'\n') {
        return one.find(b);
    }
    memchr::memchr(b'\n', b)
}

/// A fast hasher for short keys held briefly (a window's lines): FxHash's
/// multiply-rotate over 8-byte words. Not for keys an attacker picks in
/// bulk: the maps it serves are bounded by the window caps.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FastHash;

impl std::hash::BuildHasher for FastHash {
    type Hasher = FastHasher;
    fn build_hasher(&self) -> FastHasher {
        FastHasher(0)
    }
}

/// The hasher of [`FastHash`].
#[derive(Debug)]
pub(crate) struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let mut tail = [0u8; 8];
        let rest = chunks.remainder();
        tail[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(tail) ^ (rest.len() as u64) << 56);
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl FastHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn han_run_end_steps_as_han_by_lead_does() {
        // Runs of U+4000..U+9FFF with a hexagram (U+4DC0, `E4 B7`), Ext A
        // (`E3` lead), marks, ASCII and astral characters among them, from
        // every character boundary.
        let pieces: Vec<char> =
            "中\u{4000}\u{4DBF}\u{4DC0}\u{4DFF}\u{4E00}\u{9FFF}\u{3400}，a\u{20000}\u{A000}".chars().collect();
        let mut rng = crate::testing::Lcg::new(3);
        for _ in 0..4000 {
            // (Mostly `中`, for runs of every length past a block.)
            let s: String = (0..rng.below(48))
                .map(|_| if rng.below(4) > 0 { '中' } else { pieces[rng.below(pieces.len())] })
                .collect();
            let b = s.as_bytes();
            for i in (0..=b.len()).filter(|&i| s.is_char_boundary(i)) {
                let mut want = i;
                while han_by_lead(b, want) {
                    want += 3;
                }
                assert_eq!(han_run_end(b, i), want, "{s:?} from {i}");
            }
        }
    }

    #[test]
    fn decode_at_is_the_standard_decoder() {
        // Every scalar value, ending the text and before another character.
        for c in (0..=0x10_FFFFu32).filter_map(char::from_u32) {
            for s in [format!("a{c}"), format!("a{c}中")] {
                assert_eq!(decode_at(s.as_bytes(), 1), (c as u32, c.len_utf8()), "{c:?}");
            }
        }
    }

    #[test]
    fn ends_sentence_is_the_trims_and_the_end_test() {
        let closers: Vec<String> = CLOSERS.iter().map(char::to_string).collect();
        let mut pieces: Vec<String> =
            ["。", "！", "？", "!", "?", "中", "a", " ", "\n", "é", "𠀀", "—", "…", "，"].map(String::from).to_vec();
        pieces.extend(closers.iter().cloned());
        let mut samples: Vec<String> = Vec::new();
        for p in &pieces {
            for q in &pieces {
                for r in closers.iter().map(String::as_str).chain(["", " "]) {
                    samples.push(format!("文{p}{q}{r}"));
                    samples.push(format!("{p}{q}{r}"));
                }
            }
        }
        let naive = |t: &str| t.trim_end().trim_end_matches(CLOSERS).ends_with(SENTENCE_END);
        let mut ends = 0;
        for t in &samples {
            assert_eq!(ends_sentence(t), naive(t), "{t:?}");
            ends += usize::from(naive(t));
        }
        assert!(ends > 100 && ends < samples.len() - 100, "{ends} of {}", samples.len());
    }

    #[test]
    fn last_sentence_end_is_rfind() {
        let mut samples: Vec<String> =
            ["", "。", "a!b?c", "好。”他说", "？！", "x", "\u{3002}\u{ff01}", "\u{3082}\u{ff81}"]
                .map(String::from)
                .to_vec();
        // Every character before and after each sentence end.
        for c in (0..0x10000u32).step_by(7).filter_map(char::from_u32) {
            for e in SENTENCE_END {
                samples.push(format!("{c}{e}{c}"));
            }
            samples.push(format!("中{c}"));
        }
        for s in &samples {
            assert_eq!(last_sentence_end(s), s.rfind(SENTENCE_END), "{s:?}");
        }
    }

    #[test]
    fn no_character_is_wider_in_half_cells_than_in_bytes_nor_narrower_than_half() {
        // unwrap judges a line's width against a limit by its length in
        // bytes where that decides it.
        let all = (0..=0x10FFFFu32).filter_map(char::from_u32);
        assert!(all.clone().all(|c| half_cells(c) <= c.len_utf8()));
        assert!(all.clone().all(|c| 2 * half_cells(c) >= c.len_utf8()));
    }

    #[test]
    fn trim_ws_agrees_with_the_standard_trims_on_every_character() {
        // Every character of the BMP (all whitespace is there) and a sample
        // of the planes above (four-byte sequences).
        let above = (0x10000..=0x10FFFFu32).step_by(61);
        for c in (0..0x10000u32).chain(above).filter_map(char::from_u32) {
            for s in [format!("{c}x{c}"), format!("{c}{c}"), format!("中{c}"), format!("{c}中"), c.to_string()] {
                assert_eq!(s.trim_ws(), s.trim(), "U+{:04X}", c as u32);
                assert_eq!(s.trim_ws_start(), s.trim_start(), "U+{:04X}", c as u32);
                assert_eq!(s.trim_ws_end(), s.trim_end(), "U+{:04X}", c as u32);
            }
        }
        // Negative: text inside is kept, runs of mixed whitespace go.
        let s = " \u{3000}\u{a0}中 文\u{2028}\t\u{85}";
        assert_eq!(s.trim_ws(), "中 文");
        assert_eq!("".trim_ws(), "");
    }

    #[test]
    fn sentence_ends_and_words_are_counted_as_the_char_iterators_count() {
        // Sentence ends, whitespace of every kind, and characters that
        // share their bytes (`〃` `E3 80 83`, `！`'s neighbours `＂` `＠`,
        // `ｂ` `EF BD 82`, Han whose last byte is 0x82 or 0x9F).
        let pieces = [
            "。", "！", "？", "!", "?", "〃", "、", "＂", "＠", "ｂ", "傂", "丟", "中", "a", " ", "\t", "\u{3000}",
            "\u{a0}", "\u{85}", "\u{1680}", "\u{2009}", "\u{202f}", "\u{205f}", "\u{2028}", "é", "𠀀", "\u{4dc0}",
        ];
        let samples = crate::testing::Lcg::new(11).mixtures(&pieces, 20_000, 12);
        for s in samples.iter().chain(["", " ", "a b c", "a b", " a b c "].map(String::from).iter()) {
            assert_eq!(count_sentence_ends(s), s.matches(SENTENCE_END).count(), "{s:?}");
            assert_eq!(three_words_or_more(s), s.split_whitespace().nth(2).is_some(), "{s:?}");
        }
    }

    #[test]
    fn visible_up_to_counts_like_the_char_filter() {
        let naive = |s: &str, n: usize| s.chars().filter(|c| !c.is_whitespace()).take(n).count();
        let mut samples: Vec<String> =
            ["", " \t\n", "中 文\u{3000}字", "a\u{a0}b\u{2003}c\u{85}", "\u{1f600} 𠀀 ｈｉ", "\u{0b}\u{0c}\r x"]
                .map(String::from)
                .to_vec();
        // Whitespace of every kind at every offset of an eight-byte word,
        // among Han, CJK marks (`E3`-led), Latin and four-byte characters.
        let pieces = [
            "中",
            "。",
            "a",
            "é",
            "𠀀",
            "\u{3000}",
            " ",
            "\u{a0}",
            "\u{85}",
            "\u{1680}",
            "\u{2009}",
            "\u{205f}",
            "\u{1f}",
            "中文字",
            "，",
            ",",
        ];
        samples.extend(crate::testing::Lcg::new(7).mixtures(&pieces, 3000, 40));
        for s in &samples {
            for n in [0, 1, 2, 5, 8, 9, 12, 20, 24, 40, 200] {
                assert_eq!(visible_up_to(s, n), naive(s, n), "{s:?} {n}");
                // Whether prose marks are held, when the whole was read.
                let (k, prose) = visible_up_to_prose(s, n);
                assert_eq!(k, naive(s, n), "{s:?} {n}");
                if k < n {
                    assert_eq!(prose, s.contains(PROSE_MARKS), "{s:?} {n}");
                }
                assert_eq!(visible_more_than(s, n), naive(s, n + 1) > n, "{s:?} {n}");
            }
            // A count without a bound (a setting as large as it goes).
            assert_eq!(visible_up_to_prose(s, usize::MAX), (naive(s, usize::MAX), s.contains(PROSE_MARKS)), "{s:?}");
        }
        // The bound `visible_more_than` asks first, over chunks of bytes.
        let ascii_space = |c: char| c.is_ascii_whitespace() || c == '\u{0b}';
        // And the count of characters asked before it, at every length
        // about a word and a block of words (2 040 bytes) and past them.
        let mut long: Vec<String> = crate::testing::Lcg::new(9).mixtures(&pieces, 40, 4000);
        // (A lane of every word a continuation byte, as far as a block
        // goes and past it: the most a lane counts.)
        long.extend([1020, 1024, 1025, 1100, 3000].map(|n| "é".repeat(n)));
        for s in samples.iter().chain(&crate::testing::Lcg::new(8).mixtures(&pieces, 300, 400)).chain(&long) {
            assert_eq!(starts_but_ascii_space(s.as_bytes()), s.chars().filter(|&c| !ascii_space(c)).count(), "{s:?}");
            assert_eq!(chars_of(s.as_bytes()), s.chars().count(), "{s:?}");
        }
        assert!(long.iter().any(|s| s.len() > 2 * 2040), "a text of several blocks");
    }

    #[test]
    fn scan_line_agrees_with_each_question_asked_alone() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds");
        let mut lines: Vec<String> = Vec::new();
        for f in std::fs::read_dir(dir).unwrap() {
            lines.extend(std::fs::read_to_string(f.unwrap().path()).unwrap().lines().map(String::from));
        }
        lines.extend(
            [
                "\u{a0}\u{85}\u{1680}\u{2000}\u{200a}\u{2028}\u{202f}\u{205f}\u{3000}x",
                "é€ 𠀀。",
                "“引”號",
                "a’s",
                "",
                " ",
                "\u{3000}中文",
                "a,b",
                "中,文",
                "“引”",
                "…",
                "x\u{a0}y",
                "、",
                "（）",
                "e\u{301}",
                "𠀀!",
                "ｈｉ：",
                "\u{85}",
            ]
            .map(String::from),
        );
        // Every BMP character, among Han (the lead bytes `scan_line` passes
        // whole) and beside a mark.
        lines.extend((0..0x10000).filter_map(char::from_u32).map(|c| format!("中{c}文,{c}")));
        // Marks and quotes in runs, beside Latin, digits, Han and spaces,
        // further apart than the eight neighbours looked at.
        let mut pieces: Vec<String> = ",;:?!()\"'“”‘’中文aZ7 \u{3000}é。𠀀".chars().map(String::from).collect();
        pieces.extend(["abcdefghij", "中文中文中文中文中文"].map(String::from));
        let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
        lines.extend(crate::testing::Lcg::new(17).mixtures(&pieces, 20_000, 16));
        for t in &lines {
            let got = scan_line(t);
            assert_eq!(got.width, display_width(t), "{t:?}");
            assert_eq!(got.space, t.contains(char::is_whitespace), "{t:?}");
            assert_eq!(got.prose, t.contains(PROSE_MARKS), "{t:?}");
            let cjk =
                t.chars().any(|c| matches!(c as u32, 0x3001..=0x3011 | 0xFF01..=0xFF1F | 0x2018..=0x201D | 0x2026));
            assert_eq!(got.cjk_mark, cjk, "{t:?}");
            assert_eq!(got.ascii_mark, t.contains([',', ';', ':', '?', '!', '(', ')', '"']), "{t:?}");
            assert_eq!(got.anchor, t.contains(|c: char| c.is_ascii_digit() || c == '·'), "{t:?}");
        }
    }

    #[test]
    fn han_by_lead_is_han_for_most_of_it() {
        let mut by_lead = 0;
        for c in (0..0x10000).filter_map(char::from_u32) {
            let t = format!("{c}x");
            if han_by_lead(t.as_bytes(), 0) {
                assert!(is_han(c), "{c:?}");
                by_lead += 1;
            }
        }
        // All of U+4E00-U+9FFF and U+4000-U+4DBF.
        assert_eq!(by_lead, 0x9FFF - 0x4E00 + 1 + 0x4DBF - 0x4000 + 1);
        assert!(!han_by_lead(b"", 0) && !han_by_lead("䷀".as_bytes(), 0));
    }

    #[test]
    fn is_alphanumeric_agrees_with_std_on_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn lines_inclusive_splits_like_split_inclusive() {
        let mut samples: Vec<String> =
            ["", "\n", "a", "a\n", "a\nb", "\n\n", "一\n二\n\n三", "x\r\ny\n"].map(String::from).to_vec();
        // Newlines at every offset of lines longer than a vector or several.
        let long = "中文ab".repeat(40);
        for p in 0..long.len() {
            let mut b = long.clone().into_bytes();
            b[p] = b'\n';
            samples.push(String::from_utf8_lossy(&b).into_owned());
        }
        for s in &samples {
            let ours: Vec<&str> = lines_inclusive(s).collect();
            let std: Vec<&str> = s.split_inclusive('\n').collect();
            assert_eq!(ours, std, "{s:?}");
            assert_eq!(find_newline(s.as_bytes()), s.find('\n'), "{s:?}");
        }
    }

    #[test]
    fn sentence_ends_behind_closers() {
        for t in ["好。", "好。”", "他说：“好！”）  ", "why?'"] {
            assert!(ends_sentence(t), "{t:?}");
        }
        for t in ["", "好，", "好”", "。好", "好；"] {
            assert!(!ends_sentence(t), "{t:?}");
        }
    }

    #[test]
    fn quotes_measure_alike_straight_or_curly() {
        // `punct` may pair either way; the width must not depend on it.
        assert_eq!(display_width("日'，"), display_width("日’，"));
        assert_eq!(display_width("说\"好\"，"), display_width("说“好”，"));
        assert_eq!(display_width("日\","), display_width("日”，"));
        // Inside a Latin word an apostrophe is narrow, and stays so.
        assert_eq!(display_width("don't"), 5);
        assert_eq!(display_width("don’t"), 5);
        // A negative: an ASCII mark inside a number is not widened.
        assert_eq!(display_width("1,5"), 3);
    }

    #[test]
    fn the_sets_nest_as_their_docs_say() {
        assert!(SENTENCE_END.iter().all(|c| CUT_AFTER.contains(c) && PROSE_MARKS.contains(c)));
        assert!(is_han('〇') && is_han('中') && is_han('𠀀') && !is_han('ア') && !is_han('，'));
    }
}
