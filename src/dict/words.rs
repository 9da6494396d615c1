//! A general Chinese word list and Mandarin readings, compiled in.
//!
//! * Words: jieba 0.42.1's dictionary, the entries with frequency ≥ 5
//!   (`data/words/jieba.txt`, 136 547 words, mostly Simplified). Used to
//!   judge whether characters on two sides of a gap form a word.
//! * Syllables: every toneless Mandarin syllable Unihan's `kMandarin`
//!   field uses (`data/pinyin/syllables.txt`, 416).
//! * Readings: the first `kMandarin` reading of every character in the
//!   word list or OpenCC's character tables (`data/pinyin/readings.txt`).
//!
//! Each table is parsed on first use only.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::han_keys::{self, han_word_key};

/// Word → frequency, sorted by word for binary search. Built once per
/// process: parsing and sorting the (nearly sorted) list costs a few
/// million instructions, where a hash map of it cost over a hundred million,
/// which a CLI run over one small file paid every time.
static WORDS: LazyLock<Vec<(&'static str, u32, &'static str)>> = LazyLock::new(|| {
    let mut words: Vec<(&'static str, u32, &'static str)> = Vec::with_capacity(140_000);
    for l in crate::text::lines_inclusive(include_str!("../../data/words/jieba.txt")) {
        // `word freq tag`; memchr rather than `split`, which dominated.
        let Some(sp) = memchr::memchr(b' ', l.as_bytes()) else { continue };
        let rest = &l.as_bytes()[sp + 1..];
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let freq = rest[..digits].iter().fold(0u32, |f, &b| f * 10 + u32::from(b - b'0'));
        let tag = l[sp + 1 + digits..].trim();
        words.push((&l[..sp], freq, tag));
    }
    words.sort_by(|a, b| a.0.cmp(b.0));
    // jieba lists each word once; keep the first should a list not.
    words.dedup_by(|b, a| a.0 == b.0);
    words
});

/// The list's words of two or three Han characters as keys
/// ([`han_keys::han_word_key`], little-endian, sorted), compiled by the
/// build script: looking them up costs no strings, and no process builds
/// the table (`rejoin` and `unwrap` ask on most pages). Second, the keys of
/// those whose tag is not a noun's or a time word's (not `n…`, `t…`):
/// verbs, adjectives, adverbs, for the caption pass's byline test.
/// Each with its index by first character ([`han_keys::index`]).
static HAN_WORDS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/han_words.bin"));
static HAN_WORDS_INDEX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/han_words.idx"));
static HAN_NON_NOUNS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/han_non_nouns.bin"));
static HAN_NON_NOUNS_INDEX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/han_non_nouns.idx"));

/// The syllables as [`syllable_key`]s, sorted: the pinyin pass asks about
/// every short parenthesized word, and hashing the string cost more than
/// the search.
static SYLLABLES: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let mut keys: Vec<u64> =
        include_str!("../../data/pinyin/syllables.txt").lines().map(|l| syllable_key(l).expect("short")).collect();
    keys.sort_unstable();
    keys
});

/// A string of one to eight bytes as a number (first byte highest), or
/// None otherwise: no syllable is empty or longer.
fn syllable_key(s: &str) -> Option<u64> {
    (1..=8).contains(&s.len()).then(|| s.bytes().fold(0u64, |k, b| (k << 8) | u64::from(b)) << (8 * (8 - s.len())))
}

/// Toned reading → characters with that first reading.
static BY_READING: LazyLock<HashMap<&'static str, Vec<char>>> = LazyLock::new(|| {
    let mut m: HashMap<&'static str, Vec<char>> = HashMap::new();
    for l in include_str!("../../data/pinyin/readings.txt").lines() {
        if let Some((c, r)) = l.split_once('\t') {
            if let Some(ch) = c.chars().next() {
                m.entry(r).or_default().push(ch);
            }
        }
    }
    m
});

/// The frequency of `word` in the word list, if it is there.
pub fn word_frequency(word: &str) -> Option<u32> {
    WORDS.binary_search_by(|(w, _, _)| (*w).cmp(word)).ok().map(|i| WORDS[i].1)
}

/// The part-of-speech tag jieba gives `word` (`n` noun, `nr` person's
/// name, `v` verb, `a` adjective, …), if the word list has it.
pub fn word_tag(word: &str) -> Option<&'static str> {
    WORDS.binary_search_by(|(w, _, _)| (*w).cmp(word)).ok().map(|i| WORDS[i].2)
}

/// Whether the two or three Han characters `cs` are a word of the list
/// (as `word_frequency` of their string is Some; false for other lengths
/// and for characters that are not Han).
pub fn is_han_word(cs: &[char]) -> bool {
    cs.iter().all(|&c| crate::text::is_han(c))
        && han_word_key(cs).is_some_and(|k| han_keys::holds(HAN_WORDS, HAN_WORDS_INDEX, k))
}

/// Whether the two or three Han characters `cs` are a word of the list
/// tagged other than as a noun or time word (as `word_tag` of their string
/// starts with neither `n` nor `t`): `推荐` v, `满意` v, `不错` a, but not
/// `高峰` nr. Without building the string table.
pub fn is_han_non_noun(cs: &[char]) -> bool {
    cs.iter().all(|&c| crate::text::is_han(c))
        && han_word_key(cs).is_some_and(|k| han_keys::holds(HAN_NON_NOUNS, HAN_NON_NOUNS_INDEX, k))
}

/// Whether `s` is a Mandarin syllable without tone (`ü` as `ü`).
pub fn is_syllable(s: &str) -> bool {
    syllable_key(s).is_some_and(|k| SYLLABLES.binary_search(&k).is_ok())
}

/// Characters whose first Mandarin reading is `toned` (`bào`).
pub fn chars_with_reading(toned: &str) -> &'static [char] {
    BY_READING.get(toned).map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_load_and_answer() {
        assert!(word_frequency("日报").is_some_and(|f| f > 100));
        assert_eq!((word_tag("推荐"), word_tag("高峰"), word_tag("日请")), (Some("v"), Some("nr"), None));
        assert_eq!(word_frequency("日请"), None);
        assert!(is_syllable("dang") && is_syllable("lüe") && !is_syllable("ABC") && !is_syllable("see"));
        assert!(!is_syllable("") && !is_syllable("zhuangzhuang"));
        assert!(chars_with_reading("bào").contains(&'报'));
        assert_eq!(SYLLABLES.len(), 416);
        assert_eq!(WORDS.len(), 136_547);
        // The list is not in byte order in the file; every word is found.
        assert!(["吉林", "一", "龢"].iter().all(|w| word_frequency(w).is_some()));
    }

    #[test]
    fn han_words_answer_as_the_word_list_does() {
        // Every two- and three-character Han word is found, and each
        // string of two or three Han characters is a word exactly when the
        // list has it: checked over the list's words and their neighbours
        // with the last character moved by one.
        let han = |w: &str| w.chars().all(crate::text::is_han);
        let mut checked = 0;
        for (w, _, tag) in WORDS.iter().filter(|(w, _, _)| han(w) && (2..=3).contains(&w.chars().count())) {
            let cs: Vec<char> = w.chars().collect();
            assert!(is_han_word(&cs), "{w}");
            assert_eq!(is_han_non_noun(&cs), !tag.starts_with(['n', 't']), "{w} {tag}");
            let mut near = cs.clone();
            let last = near.last_mut().unwrap();
            *last = char::from_u32(*last as u32 + 1).unwrap();
            let s: String = near.iter().collect();
            assert_eq!(is_han_word(&near), han(&s) && word_frequency(&s).is_some(), "{s}");
            checked += 1;
        }
        assert_eq!(checked, HAN_WORDS.len() / 8);
        // The compiled tables are what the parser makes of the file.
        let (keys, not_nouns) = han_keys::tables(include_str!("../../data/words/jieba.txt"));
        let bytes = |v: Vec<u64>| v.iter().flat_map(|k| k.to_le_bytes()).collect::<Vec<u8>>();
        let index = |v: &[u64]| han_keys::index(v).iter().flat_map(|i| i.to_le_bytes()).collect::<Vec<u8>>();
        assert_eq!((index(&keys).as_slice(), index(&not_nouns).as_slice()), (HAN_WORDS_INDEX, HAN_NON_NOUNS_INDEX));
        assert_eq!((bytes(keys).as_slice(), bytes(not_nouns).as_slice()), (HAN_WORDS, HAN_NON_NOUNS));
        assert!(!is_han_word(&['日']) && !is_han_word(&['中', '华', '人', '民']) && !is_han_word(&['日', 'a']));
    }
}
