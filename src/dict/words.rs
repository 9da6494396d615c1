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

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

static WORDS: LazyLock<HashMap<&'static str, u32>> = LazyLock::new(|| {
    include_str!("../../data/words/jieba.txt")
        .lines()
        .filter_map(|l| {
            let mut f = l.split(' ');
            Some((f.next()?, f.next()?.parse().ok()?))
        })
        .collect()
});

static SYLLABLES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("../../data/pinyin/syllables.txt").lines().collect());

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
    WORDS.get(word).copied()
}

/// Whether `s` is a Mandarin syllable without tone (`ü` as `ü`).
pub fn is_syllable(s: &str) -> bool {
    SYLLABLES.contains(s)
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
        assert_eq!(word_frequency("日请"), None);
        assert!(is_syllable("dang") && is_syllable("lüe") && !is_syllable("ABC") && !is_syllable("see"));
        assert!(chars_with_reading("bào").contains(&'报'));
        assert_eq!(SYLLABLES.len(), 416);
    }
}
