//! The cleaning passes, one module each, in pipeline order.
//!
//! | pass | what it does | held bytes |
//! |---|---|---|
//! | [`unicode`] | NFC, radicals, full-width ASCII, invisibles, spaces, newlines | 0 |
//! | [`pinyin`] | pinyin annotations after characters, mangled ones too | 0 |
//! | [`script`] | Traditional ↔ Simplified, exactly OpenCC 1.4.2 | < 16 chars per stage |
//! | [`chrome`] | breadcrumbs, copyright/ICP/备案, contact and support footers | one line (≤ line cap) |
//! | [`caption`] | marked captions, photo credits, page-jump markers | one short line + one line |
//! | [`rejoin`] | paragraphs cut by a column or page end, joined back | the open paragraph (≤ line cap) |
//! | [`dedup`] | paragraphs and long spans printed twice in a document | one line + window hashes (capped) |
//! | [`punct`] | full-width punctuation, paired quotes, body/headline spacing | one line piece (≤ line cap) |
//! | [`paragraphs`] | one paragraph per line (output stage) | ≤ 1 KiB of whitespace |

pub mod caption;
pub mod chrome;
pub mod dedup;
pub mod paragraphs;
pub mod pinyin;
pub mod punct;
pub mod rejoin;
pub mod script;
pub mod unicode;

/// Non-whitespace characters in `s`, counted up to `n`. Passes judge line
/// length this way: whitespace is what later passes remove, and counting
/// stops at the threshold it is compared with.
pub(crate) fn visible_up_to(s: &str, n: usize) -> usize {
    // Byte-wise: this runs on most lines in several passes. Characters in
    // E3..EF-led sequences (U+3000..U+FFFF: CJK punctuation, kana, Han) are
    // visible except U+3000 itself; anything else rarer is decoded.
    let b = s.as_bytes();
    let (mut i, mut k) = (0, 0);
    while i < b.len() && k < n {
        let x = b[i];
        if x < 0x80 {
            k += usize::from(!matches!(x, b'\t'..=b'\r' | b' '));
            i += 1;
        } else if (0xE3..0xF0).contains(&x) {
            k += usize::from(b[i + 1..i + 3] != [0x80, 0x80] || x != 0xE3);
            i += 3;
        } else {
            let c = s[i..].chars().next().expect("a character starts here");
            k += usize::from(!c.is_whitespace());
            i += c.len_utf8();
        }
    }
    k
}

#[cfg(test)]
mod tests {
    #[test]
    fn visible_up_to_counts_like_the_char_filter() {
        let naive = |s: &str, n: usize| s.chars().filter(|c| !c.is_whitespace()).take(n).count();
        let samples =
            ["", " \t\n", "中 文\u{3000}字", "a\u{a0}b\u{2003}c\u{85}", "\u{1f600} 𠀀 ｈｉ", "\u{0b}\u{0c}\r x"];
        for s in samples {
            for n in 0..12 {
                assert_eq!(super::visible_up_to(s, n), naive(s, n), "{s:?} {n}");
            }
        }
    }
}
