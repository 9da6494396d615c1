//! Character classes and context tests for `punct`: what counts as
//! Chinese on either side of a mark, URLs, quote direction and pairing,
//! and spacing between Han and Latin.

use crate::text::is_han;

/// Cheap pre-check: only lines with a byte this pass may act on go through
/// the character-level path. Every such byte is ASCII, and every byte of a
/// Chinese character has its top bit set, so eight bytes of Chinese are
/// passed over with one test.
#[inline]
pub(super) fn needs_work(b: &[u8]) -> bool {
    any_ascii(b, |x| is_mark_byte(x) || is_ws_byte(x))
}

/// Whether `b` holds an ASCII mark or quote the pass may convert: a line
/// without one changes only in its spaces.
#[inline]
pub(super) fn has_mark(b: &[u8]) -> bool {
    any_ascii(b, is_mark_byte)
}

/// Whether some byte of `b` is one of the ASCII bytes `is`: eight bytes
/// with their top bits set (Chinese) are passed over with one test.
#[inline(always)]
fn any_ascii(b: &[u8], is: impl Fn(u8) -> bool) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut words = b.chunks_exact(8);
    for w in &mut words {
        let v = u64::from_le_bytes(w.try_into().expect("eight bytes"));
        if v & HIGH != HIGH && w.iter().any(|&x| is(x)) {
            return true;
        }
    }
    words.remainder().iter().any(|&x| is(x))
}

/// The ASCII marks this pass may convert.
#[inline]
pub(super) fn is_convertible(c: char) -> bool {
    c.is_ascii() && is_mark_byte(c as u8)
}

/// [`is_convertible`] of a byte.
#[inline]
fn is_mark_byte(x: u8) -> bool {
    matches!(x, b',' | b';' | b':' | b'?' | b'!' | b'(' | b')' | b'"' | b'\'')
}

/// [`is_ws`] of a byte.
#[inline]
pub(super) fn is_ws_byte(x: u8) -> bool {
    x == b' ' || x == b'\t'
}

#[inline]
pub(super) fn is_ws(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// CJK punctuation that only Chinese/Japanese text uses.
#[inline]
fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32, 0x3001..=0x303F | 0xFE30..=0xFE4F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

/// Punctuation Western text uses too: Chinese only when the text on its far
/// side is.
#[inline]
fn is_shared_punct(c: char) -> bool {
    matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

#[inline]
fn is_kana(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x31F0..=0x31FF)
}

/// Chinese context: Han, kana or CJK-only punctuation.
#[inline]
fn is_cjk(c: char) -> bool {
    is_han(c) || is_kana(c) || is_cjk_punct(c)
}

/// Closing quotes and brackets, which may follow a sentence end.
pub(super) fn is_closing(c: char) -> bool {
    matches!(c, '”' | '’' | '）' | ')' | '」' | '』' | '》' | '"' | '\'')
}

pub(super) fn is_sentence_punct(c: char) -> bool {
    matches!(c, '，' | '。' | '；' | '！' | '？' | '、' | ',' | ';' | '!' | '?')
}

fn prev_ns_idx(chars: &[char], i: usize) -> Option<usize> {
    chars[..i].iter().rposition(|c| !is_ws(*c))
}

fn next_ns_idx(chars: &[char], i: usize) -> Option<usize> {
    chars[i + 1..].iter().position(|c| !is_ws(*c)).map(|k| i + 1 + k)
}

fn prev_ns(chars: &[char], i: usize) -> Option<char> {
    prev_ns_idx(chars, i).map(|j| chars[j])
}

fn next_ns(chars: &[char], i: usize) -> Option<char> {
    next_ns_idx(chars, i).map(|j| chars[j])
}

/// Whether `chars[j]` is Chinese context seen from the side `toward_right`
/// points away from: Chinese itself, or shared punctuation (curly quotes,
/// dashes) with Chinese beyond it.
fn chinese_at(chars: &[char], j: usize, toward_right: bool) -> bool {
    let c = chars[j];
    if is_cjk(c) {
        return true;
    }
    if !is_shared_punct(c) {
        return false;
    }
    let beyond = if toward_right { next_ns_idx(chars, j) } else { prev_ns_idx(chars, j) };
    beyond.is_some_and(|k| is_cjk(chars[k]) || (is_shared_punct(chars[k]) && chinese_at(chars, k, toward_right)))
}

/// Chinese on either side of `chars[i]`.
fn cjk_near(chars: &[char], i: usize) -> bool {
    prev_ns_idx(chars, i).is_some_and(|j| chinese_at(chars, j, false))
        || next_ns_idx(chars, i).is_some_and(|j| chinese_at(chars, j, true))
}

/// Marks the characters of URLs, whose `?`, `:` and parentheses are not
/// sentence punctuation. Called only for lines with a '/' or '.' (every
/// URL start has one after it; `LineStats::url_gate`).
pub(super) fn protect_urls(chars: &[char], protected: &mut Vec<bool>) {
    protected.clear();
    protected.resize(chars.len(), false);
    let lower = |c: char| c.to_ascii_lowercase();
    let starts_with =
        |i: usize, pat: &str| pat.chars().enumerate().all(|(k, p)| chars.get(i + k).is_some_and(|&c| lower(c) == p));
    let mut i = 0;
    while i < chars.len() {
        if starts_with(i, "http://") || starts_with(i, "https://") || starts_with(i, "www.") {
            let mut end = i;
            while end < chars.len() && chars[end].is_ascii_graphic() {
                end += 1;
            }
            // Trailing sentence punctuation belongs to the sentence.
            while end > i && matches!(chars[end - 1], '.' | ',' | ';' | ':' | '!' | '?' | ')' | '"' | '\'') {
                if chars[end - 1] == ')' && chars[i..end].contains(&'(') {
                    break;
                }
                end -= 1;
            }
            for p in &mut protected[i..end] {
                *p = true;
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
}

/// Converts ASCII punctuation in Chinese context; true if anything changed.
/// `marks` are the candidate positions (see [`PunctPass`]).
pub(super) fn convert_punct(chars: &mut [char], marks: &[usize], decisions: &mut Vec<bool>) -> bool {
    let full = |c: char| match c {
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '?' => '？',
        '!' => '！',
        '(' => '（',
        ')' => '）',
        _ => c,
    };
    // Decide on the neighbours as they are before this round, so that the
    // result does not depend on the order of conversion.
    let decide = |chars: &[char], i: usize| -> bool {
        let (p, n) = (prev_ns(chars, i), next_ns(chars, i));
        if p.is_some_and(|c| c.is_ascii_alphanumeric()) && n.is_some_and(|c| c.is_ascii_alphanumeric()) {
            return false;
        }
        cjk_near(chars, i)
    };
    decisions.clear();
    decisions.resize(marks.len(), false);
    // Open parentheses, as indices into `marks`.
    let mut open: Vec<usize> = Vec::new();
    for (k, &i) in marks.iter().enumerate() {
        match chars[i] {
            ',' | ';' | ':' | '?' | '!' => decisions[k] = decide(chars, i),
            '(' => {
                decisions[k] = decide(chars, i);
                open.push(k);
            }
            ')' => {
                decisions[k] = decide(chars, i);
                if let Some(j) = open.pop() {
                    let both = decisions[k] || decisions[j];
                    decisions[k] = both;
                    decisions[j] = both;
                }
            }
            _ => {}
        }
    }
    let mut changed = false;
    for (&i, &conv) in marks.iter().zip(decisions.iter()) {
        if conv {
            chars[i] = full(chars[i]);
            changed = true;
        }
    }
    changed
}

/// Pairs ASCII `ascii` quotes (with existing curly `open`/`close` ones)
/// left to right and converts those in Chinese context. With
/// `need_cjk_neighbour`, an ASCII quote takes part only when it has a
/// Chinese neighbour (apostrophes in English never do). `marks` are the
/// candidate positions (see [`PunctPass`]). True if anything changed.
pub(super) fn pair_quotes(
    chars: &mut [char],
    marks: &[usize],
    ascii: char,
    open: char,
    close: char,
    need_cjk_neighbour: bool,
) -> bool {
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut unpaired: Vec<usize> = Vec::new();
    let mut cur: Option<usize> = None;
    for &i in marks {
        let c = chars[i];
        if c == ascii {
            if need_cjk_neighbour && !cjk_near(chars, i) {
                continue;
            }
            // Where the context says which way the quote faces, follow it:
            // one unbalanced quote then cannot flip every later pair of the
            // paragraph. Elsewhere, alternate.
            match quote_direction(chars, i) {
                Some(true) => {
                    if let Some(j) = cur.replace(i) {
                        unpaired.push(j);
                    }
                }
                Some(false) => match cur.take() {
                    Some(j) => pairs.push((j, i)),
                    None => unpaired.push(i),
                },
                None => match cur.take() {
                    Some(j) => pairs.push((j, i)),
                    None => cur = Some(i),
                },
            }
        } else if c == open {
            if let Some(j) = cur.replace(i) {
                unpaired.push(j);
            }
        } else if c == close {
            if let Some(j) = cur.take() {
                pairs.push((j, i));
            }
        }
    }
    unpaired.extend(cur);
    let mut changed = false;
    for (a, b) in pairs {
        let (aa, ba) = (chars[a] == ascii, chars[b] == ascii);
        let convert = match (aa, ba) {
            (false, false) => false,
            (true, true) => cjk_near(chars, a) || cjk_near(chars, b),
            _ => true, // the text already uses curly quotes here
        };
        if convert {
            chars[a] = open;
            chars[b] = close;
            changed = true;
        }
    }
    for j in unpaired {
        if chars[j] == ascii && cjk_near(chars, j) {
            let opens =
                next_ns(chars, j).is_some_and(|c| !is_sentence_punct(c) && !matches!(c, '）' | ')' | '”' | '’'));
            chars[j] = if opens { open } else { close };
            changed = true;
        }
    }
    changed
}

/// The direction of the quote at `i` when its neighbours make it clear:
/// `Some(true)` opening (after `：`, `，` or an opening bracket, or at the
/// start), `Some(false)` closing (before closing or sentence punctuation,
/// or at the end), `None` when unclear or contradictory.
fn quote_direction(chars: &[char], i: usize) -> Option<bool> {
    let (p, n) = (prev_ns(chars, i), next_ns(chars, i));
    let opens = p.is_none_or(|c| matches!(c, '：' | ':' | '，' | ',' | '（' | '(' | '《' | '「' | '『' | '【'));
    let closes = n.is_none_or(|c| {
        matches!(
            c,
            '，' | ','
                | '。'
                | '、'
                | '；'
                | ';'
                | '：'
                | ':'
                | '！'
                | '!'
                | '？'
                | '?'
                | '）'
                | ')'
                | '》'
                | '」'
                | '』'
                | '】'
        )
    });
    match (opens, closes) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// Whether a whitespace run between `chars[p]` and `chars[n]` goes in a
/// body paragraph.
pub(super) fn joins_in_body(chars: &[char], p: usize, n: usize, pangu: bool) -> bool {
    let (a, b) = (chars[p], chars[n]);
    let (ca, cb) = (chinese_at(chars, p, false), chinese_at(chars, n, true));
    if !(ca || cb) {
        return false;
    }
    if pangu {
        // Keep the document's own Han–Latin spacing.
        let latin = |c: char| c.is_ascii_alphanumeric();
        if (is_han(a) && latin(b)) || (latin(a) && is_han(b)) {
            return false;
        }
    }
    true
}

/// Whether the line spaces Han from Latin letters and digits on purpose:
/// at least two such boundaries, four in five of them spaced.
pub(super) fn spaces_han_from_latin(chars: &[char]) -> bool {
    let (mut total, mut spaced) = (0usize, 0usize);
    // The previous non-space character (NUL before the first: neither Han
    // nor Latin), and whether it is Latin. `is_han` only runs next to a
    // Latin character, which is rare in Chinese text.
    let (mut prev, mut prev_latin) = ('\0', false);
    let mut gap = false;
    for &c in chars {
        if is_ws(c) {
            gap = true;
            continue;
        }
        let latin = c.is_ascii_alphanumeric();
        if (latin && is_han(prev)) || (prev_latin && is_han(c)) {
            total += 1;
            spaced += usize::from(gap);
        }
        prev = c;
        prev_latin = latin;
        gap = false;
    }
    total >= 2 && spaced * 5 >= total * 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_work_sees_a_mark_at_every_offset() {
        // Against the byte-by-byte test, with one ASCII byte at each offset
        // of lines of Chinese, of ASCII and of both, as long as three words.
        let plain = |b: &[u8]| b.iter().any(|&x| b",;:?!()\"' \t".contains(&x));
        for fill in ["中", "a", "中a", "。"] {
            for x in [b',', b' ', b'\t', b'"', b'\'', b'(', b'a', b'.', b'0'] {
                for len in 0..24 {
                    let mut line: Vec<u8> = fill.bytes().cycle().take(len).collect();
                    for at in 0..=line.len() {
                        line.insert(at, x);
                        assert_eq!(needs_work(&line), plain(&line), "{line:?}");
                        line.remove(at);
                    }
                    assert_eq!(needs_work(&line), plain(&line), "{line:?}");
                }
            }
        }
    }
}
