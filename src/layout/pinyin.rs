//! The grammar of a pinyin annotation (`(dāng)`, `(dang1)`, `（yè）`): one
//! Mandarin syllable in parentheses, and whether it carries a tone. The
//! `pinyin` pass removes such annotations; `dedup` asks whether what a cut
//! repeat leaves starts with one, which `pinyin` would remove on a second
//! run.

use crate::text::TrimWs;
use unicode_normalization::UnicodeNormalization;

use super::marks::{is_close, is_open};
use crate::dict::words;

/// The longest annotation looked at, in characters (`zhuāng` plus a digit).
pub(crate) const MAX_SYLLABLE_CHARS: usize = 7;

/// A parsed syllable: whether it carried a tone.
pub(crate) struct Syllable {
    pub(crate) toned: bool,
}

/// Parses `s` as one pinyin syllable (lower case, tone marks or a final
/// tone digit, `v` for `ü`).
pub(crate) fn syllable(s: &str) -> Option<Syllable> {
    if s.is_empty() || s.chars().count() > MAX_SYLLABLE_CHARS {
        return None;
    }
    let (body, digit) = split_tone_digit(s);
    let mut toned = digit.is_some();
    // Most annotations are plain letters and precomposed tone marks: read
    // those directly, and decompose only what else comes (the same
    // answer, without normalizing every parenthesized word).
    let mut base = String::with_capacity(body.len());
    for c in body.chars() {
        match c {
            'a'..='z' => base.push(if c == 'v' { 'ü' } else { c }),
            'ü' => base.push('ü'),
            _ => match toned_vowel(c) {
                Some(v) if digit.is_none() => {
                    base.push(v);
                    toned = true;
                }
                _ => return decomposed(body, digit),
            },
        }
    }
    words::is_syllable(&base).then_some(Syllable { toned })
}

/// A syllable's letters and its final tone digit, if any (`dang1`).
fn split_tone_digit(s: &str) -> (&str, Option<char>) {
    match s.char_indices().last() {
        Some((i, d @ '1'..='5')) => (&s[..i], Some(d)),
        _ => (s, None),
    }
}

/// The vowel under a precomposed Mandarin tone mark.
fn toned_vowel(c: char) -> Option<char> {
    Some(match c {
        'ā' | 'á' | 'ǎ' | 'à' => 'a',
        'ē' | 'é' | 'ě' | 'è' => 'e',
        'ī' | 'í' | 'ǐ' | 'ì' => 'i',
        'ō' | 'ó' | 'ǒ' | 'ò' => 'o',
        'ū' | 'ú' | 'ǔ' | 'ù' => 'u',
        'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' => 'ü',
        _ => return None,
    })
}

/// [`syllable`] by canonical decomposition, for any other spelling
/// (combining marks).
fn decomposed(body: &str, digit: Option<char>) -> Option<Syllable> {
    let mut toned = digit.is_some();
    let mut base = String::with_capacity(body.len());
    for c in body.nfd() {
        match c {
            'a'..='z' => base.push(if c == 'v' { 'ü' } else { c }),
            '\u{308}' => {
                // ü decomposes to u + diaeresis
                if base.pop() != Some('u') {
                    return None;
                }
                base.push('ü');
            }
            '\u{304}' | '\u{301}' | '\u{30C}' | '\u{300}' if digit.is_none() => toned = true,
            _ => return None,
        }
    }
    words::is_syllable(&base).then_some(Syllable { toned })
}

/// If `s` starts, after spaces, with toned annotations (`(dāng)(qián)`),
/// the byte length through the last of them: what `pinyin` removes at a
/// line's start, where there is no character for them to annotate.
pub(crate) fn annotations_at_start(s: &str) -> Option<usize> {
    let mut end = None;
    let mut rest_at = s.len() - s.trim_ws_start().len();
    loop {
        let rest = &s[rest_at..];
        let Some(open) = rest.chars().next().filter(|&c| is_open(c)) else { break };
        let inner_start = open.len_utf8();
        let Some((k, close)) =
            rest[inner_start..].char_indices().take(MAX_SYLLABLE_CHARS + 1).find(|&(_, c)| is_close(c))
        else {
            break;
        };
        if !syllable(rest[inner_start..inner_start + k].trim_ws()).is_some_and(|syl| syl.toned) {
            break;
        }
        let stop = rest_at + inner_start + k + close.len_utf8();
        end = Some(stop);
        rest_at = stop + (s[stop..].len() - s[stop..].trim_ws_start().len());
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The syllable reading straight from precomposed letters agrees with
    /// the reading by decomposition, on every spelling.
    fn by_decomposition(s: &str) -> Option<bool> {
        let (body, digit) = split_tone_digit(s);
        decomposed(body, digit).map(|x| x.toned)
    }

    proptest::proptest! {
        #[test]
        fn syllables_read_alike_with_and_without_decomposition(
            s in "[a-zAüvāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňêǹ\u{300}\u{301}\u{304}\u{308}\u{30C}1-5 ]{1,7}"
        ) {
            proptest::prop_assume!(s.chars().count() <= MAX_SYLLABLE_CHARS);
            proptest::prop_assert_eq!(syllable(&s).map(|x| x.toned), by_decomposition(&s));
        }
    }

    #[test]
    fn syllables_toned_and_toneless() {
        assert!(syllable("dāng").is_some_and(|s| s.toned));
        assert!(syllable("dang1").is_some_and(|s| s.toned));
        assert!(syllable("lv4").is_some_and(|s| s.toned));
        assert!(syllable("dang").is_some_and(|s| !s.toned));
        assert!(syllable("xyz").is_none() && syllable("").is_none() && syllable("zhuāngzhuāng").is_none());
    }

    #[test]
    fn annotations_opening_a_line() {
        assert_eq!(annotations_at_start("(dāng)洛阳"), Some("(dāng)".len()));
        assert_eq!(annotations_at_start(" (dāng) （qián）洛阳"), Some(" (dāng) （qián）".len()));
        assert_eq!(annotations_at_start("(dang)洛阳"), None, "toneless: pinyin keeps it at a line start");
        assert_eq!(annotations_at_start("(上接01版)洛阳"), None);
        assert_eq!(annotations_at_start("洛阳(dāng)"), None);
    }
}
