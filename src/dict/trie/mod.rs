//! A character trie answering OpenCC's prefix query for a whole dictionary
//! group in one walk.
//!
//! OpenCC matches a group of dictionaries at a position like this: a
//! `union` group takes the longest key any member matches (a tie goes to
//! the earlier member); a `short_circuit` group takes the first member
//! that matches anything, and that member's longest key. The groups in
//! OpenCC's configs are short-circuit groups of leaves and union groups, so
//! they flatten to *ranked* leaves: members of a union share a rank, each
//! short-circuit member gets the next one. The answer is then: among the
//! keys that are prefixes of the text, the lowest rank, and the longest key
//! of that rank; for one key in several leaves of the same rank, the
//! earliest leaf's value. One trie over all leaves, each node keeping only
//! its best (rank, value), computes that in one walk.

mod build;
mod frozen;
mod walk;

use std::collections::HashMap;

pub(crate) use build::TrieBuilder;
use build::{PrefixRanges, IDS_BLOCK, IDS_PREFIX};

const NONE: u32 = u32::MAX;

/// Root entries (BMP): bits 0..21 hold the character to output. For a
/// character no key starts with, that is the character itself; for a
/// one-character key that no longer key extends and that maps to one
/// character, its value (then [`IS_KEY`] is set). Either way the stage loop
/// just outputs it: one table load and no unpredictable branch for the bulk
/// of the text.
const CHAR_BITS: u32 = 0x1F_FFFF;
/// The character is a key on its own (a match, for segmentation).
pub(crate) const IS_KEY: u32 = 1 << 30;
/// Anything else: the low bits are a node to [`Trie::walk`] from, or
/// [`NO_NODE`] for an IDS operator that starts no key.
pub(crate) const SPECIAL: u32 = 1 << 31;
const NO_NODE: u32 = (1 << 30) - 1;

/// Fast entries ([`Trie::fast_entry`]): bits 0..24 hold up to three UTF-8
/// bytes (first byte lowest), bits 24..27 how many.
const FAST_LEN_SHIFT: u32 = 24;
/// Some key of two or more characters starts with this character: test
/// the pair filter with the next character, and look in the character's
/// pair table when it passes.
pub(crate) const FAST_MULTI: u64 = 1 << 29;
/// Take the general path: an IDS operator, or a one-character value that
/// is not a single BMP character.
pub(crate) const FAST_SLOW: u64 = 1 << 30;
/// The character is a key on its own (segmentation needs to know; the
/// output bytes cannot tell a key mapping to itself from no key).
const FAST_KEY: u64 = 1 << 28;
/// Bits 32..59 of a [`FAST_MULTI`] entry: where the character's pair table
/// starts in [`Trie::pair_slots`]; bits 59..64: log2 of its size.
const FAST_BASE_SHIFT: u32 = 32;
const FAST_BASE_MASK: u64 = (1 << 27) - 1;
const FAST_BITS_SHIFT: u32 = 59;

/// A frozen ranked trie. See the module docs.
#[derive(Debug)]
pub(crate) struct Trie {
    /// First-character lookup for the BMP (see [`SPECIAL`]).
    root_bmp: Vec<u32>,
    /// The stage loop's table for the BMP (see [`FAST_MULTI`]): what a
    /// character outputs when no key of two or more characters matches at
    /// it, as ready UTF-8 bytes, so the loop writes it without encoding or
    /// branching on whether it changed. (A fixed-size table: indexed by a
    /// 16-bit value, the loop needs no bounds check.)
    fast: Box<[u64; 0x10000]>,
    /// A bit per BMP character that outputs itself and starts no key (its
    /// fast entry is the plain one): most of a text, which the stage loop
    /// copies a run at a time, with a lookup in this small table (8 KB,
    /// where the fast table's half megabyte missed the cache).
    plain: Box<[u64; 0x10000 / 64]>,
    /// First-character lookup outside the BMP (node index).
    root_astral: HashMap<char, u32>,
    nodes: Vec<Node>,
    /// Per first character (a BMP character with [`FAST_MULTI`]), an
    /// open-addressing table of the second characters of its keys, with
    /// what the pair leads to; the tables lie end to end, each found from
    /// the character's fast entry. One table per character keeps the
    /// pairs of the common characters, the ones text keeps hitting,
    /// together in cache (one shared table spread them over 1.5 MB).
    pair_slots: Vec<PairSlot>,
    /// Bits per pair in `pairs` (see [`pair_probe`]).
    pair_hashes: u32,
    /// A filter over (first, second) character pairs of every key of two
    /// or more characters. A miss proves no such key starts here, so the
    /// match is the first character's own (its [`Trie::fast_entry`]): most
    /// positions in text converted against a large phrase list (s2t) end
    /// there.
    pairs: Box<[u64; PAIR_WORDS]>,
    /// Children of every node, each node's run sorted by character and
    /// laid out breadth-first: the continuations of one first character sit
    /// together and stay in cache while that character recurs.
    edges: Vec<(char, u32)>,
    /// Values, concatenated; a node's value is `values[start..end]`.
    values: String,
    /// Longest key, in characters.
    max_key_chars: usize,
    /// The smallest UTF-8 lead byte of any key's first character: text
    /// with no byte at or above it cannot match (see [`Trie::first_change`]).
    min_lead: u8,
    /// The first two UTF-8 bytes of keys' first characters as (lead byte,
    /// second byte from, to), when they fit in [`PREFIX_RANGES`] ranges (a
    /// stage like the normalization one, whose keys are all in a few rare
    /// blocks): [`Trie::first_change`] then tests 32 positions at a time.
    /// The ranges in use, then (0xE2, 0xBF, 0xBF): the IDS operators' first
    /// two bytes, which [`Trie::first_change`] looks for in the same scan.
    prefix_ranges: Option<(PrefixRanges, usize)>,
}

#[derive(Clone, Copy, Debug)]
struct Node {
    /// One bit per child character (`mask_bit`); 0 when no children. Most
    /// failed steps stop here without touching the edge table.
    child_mask: u64,
    /// Where the value starts in `values`, or `NONE` when no key ends
    /// here. The node holds the value's place itself, not an index into a
    /// table of places: a walk that ends in a rarely used phrase missed
    /// cache on that table and then again on the value.
    value: u32,
    /// The value's length in bytes.
    value_len: u16,
    /// The rank of the value (see the module docs).
    rank: u16,
    /// This node's run in `edges`.
    edges_start: u32,
    edges_len: u32,
}

/// log2 of the pair filter's size in bits (512 Ki bits, 64 KiB: small
/// enough to stay in cache next to the fast table; 128 KiB and 32 KiB were
/// both slower on s2t).
const PAIR_BITS: u32 = 19;

/// The pair filter's 64-bit words.
const PAIR_WORDS: usize = 1 << (PAIR_BITS - 6);

/// A zeroed table of `N` words, built on the heap (half a megabyte for the
/// fast table would not fit every thread's stack).
fn zeroed<const N: usize>() -> Box<[u64; N]> {
    vec![0u64; N].into_boxed_slice().try_into().expect("N words")
}

/// The pair filter's word and bits for `(a, b)`: a blocked Bloom filter,
/// `K` bits in one 64-bit word, so a probe is one load. A trie with many
/// pairs uses two bits per pair (s2t's 33 000 pairs: with one, a quarter
/// of its pair-table probes were false positives); one with few uses one
/// (t2s: 8-11% faster, the false positives being rare either way).
#[inline(always)]
fn pair_probe<const K: u32>(a: u32, b: u32) -> (usize, u64) {
    let h = ((u64::from(a) << 21) | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let word = (h >> (64 - (PAIR_BITS - 6))) as usize;
    let mut mask = 0u64;
    for k in 0..K {
        mask |= 1 << ((h >> (6 * k + 4)) & 63);
    }
    (word, mask)
}

/// Above this many pairs, the pair filter sets two bits per pair.
const ONE_BIT_PAIRS: usize = 8192;

/// A free slot of a pair table (no character is this).
const EMPTY_PAIR: u32 = u32::MAX;

/// One slot of the pair table.
#[derive(Clone, Copy, Debug)]
struct PairSlot {
    /// The second character, or [`EMPTY_PAIR`].
    key: u32,
    /// The node the pair leads to.
    node: u32,
    /// The match when no key continues past these two characters, so that
    /// no node is read: the low byte is [`PAIR_WALK`] (walk from `node`),
    /// [`PAIR_OWN`] (the first character's own value, or itself), or else
    /// the byte length of the pair's value, whose UTF-8 follows in the
    /// upper seven bytes. The walk's node loads were most of the cost of
    /// s2t, whose phrase list is large.
    answer: u64,
    /// The pair node's child mask ([`Trie::pair_answer`]): whether a
    /// third character can continue a key, told without reading the node.
    mask: u64,
}

/// See [`PairSlot::answer`].
pub(crate) const PAIR_WALK: u64 = 0;
/// See [`PairSlot::answer`].
pub(crate) const PAIR_OWN: u64 = 0xFF;

/// The home slot of second character `b` in a pair table of `1 << bits`.
#[inline(always)]
fn pair_home(b: u32, bits: u32) -> usize {
    (b.wrapping_mul(0x9E37_79B9) >> (32 - bits)) as usize
}

#[inline(always)]
fn mask_bit(c: char) -> u64 {
    mask_bit_u32(c as u32)
}

#[inline(always)]
fn mask_bit_u32(c: u32) -> u64 {
    1u64 << (c.wrapping_mul(0x9E37_79B9) >> 26)
}

// The decoder the stage loop and the walk share lives with the other
// byte-level text helpers.
pub(crate) use crate::text::decode_at;

/// What a match found: where the key ends and its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hit<'a> {
    /// A one-character key mapping to one character.
    Char(char),
    /// A key of `len` bytes and its value.
    Str(usize, &'a str),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trie(entries: &[(&str, &str, u32)]) -> Trie {
        let mut b = TrieBuilder::default();
        for (k, v, r) in entries {
            b.insert(k, v, *r);
        }
        b.build()
    }

    #[test]
    fn plain_characters_are_those_no_key_starts_with() {
        // Keys of one character (to another, to itself, to an astral one),
        // of several, an IDS operator and an astral key: a character is
        // plain exactly when it is one (no surrogate), no IDS operator, and
        // no key starts with it.
        let t = trie(&[
            ("發", "发", 0),
            ("著", "著", 0),
            ("妳", "\u{20000}", 0),
            ("一干二淨", "一干二净", 0),
            ("干擾", "干扰", 0),
            ("\u{2FF0}", "x", 0),
            ("\u{20001}", "y", 0),
        ]);
        for cp in 0..0x10000u32 {
            let want = char::from_u32(cp).is_some_and(|c| !(0x2FF0..=0x2FFF).contains(&cp) && !t.starts_key(c));
            assert_eq!(t.plain(cp), want, "U+{cp:04X}");
        }
        assert!(!t.plain(0x20000) && !t.plain(0x20001));
    }

    #[test]
    fn longest_key_of_the_lowest_rank_wins() {
        let t = trie(&[("a", "A", 1), ("ab", "AB", 0), ("abc", "ABC", 1)]);
        // Rank 0 matches "ab": a longer rank-1 key does not win.
        assert_eq!(t.match_prefix("abcd"), Some((2, "AB".into())));
        assert_eq!(t.match_prefix("ax"), Some((1, "A".into())));
        assert_eq!(t.match_prefix("x"), None);
        assert_eq!(t.max_key_chars(), 3);
    }

    #[test]
    fn first_value_wins_within_a_rank() {
        let t = trie(&[("中", "first", 0), ("中", "second", 0), ("中", "lower", 1)]);
        assert_eq!(t.match_prefix("中国"), Some((3, "first".into())));
        let t = trie(&[("中", "late", 1), ("中", "early", 0)]);
        assert_eq!(t.match_prefix("中"), Some((3, "early".into())));
    }

    #[test]
    fn astral_keys_match() {
        let t = trie(&[("𫝈", "x", 0), ("𫝈中", "y", 0)]);
        assert_eq!(t.match_prefix("𫝈中文"), Some((7, "y".into())));
    }

    #[test]
    fn single_char_keys_without_children_resolve_directly() {
        let mut b = TrieBuilder::default();
        b.insert("書", "书", 0);
        b.insert("發", "发", 0);
        b.insert("發展", "发展", 0);
        let t = b.build();
        assert_eq!(t.match_at("書", '書'), Some(Hit::Char('书')));
        // 發 starts a longer key: it goes through the node walk.
        assert_eq!(t.match_at("發展", '發'), Some(Hit::Str(6, "发展")));
        assert_eq!(t.match_at("發x", '發'), Some(Hit::Str(3, "发")));
    }

    #[test]
    fn first_change_finds_a_rare_key_among_lookalike_bytes_at_every_offset() {
        // U+F900 is EF A4 80; full-width punctuation shares the lead EF.
        let t = trie(&[("\u{F900}", "豈", 0), ("\u{2F800}", "丽", 0)]);
        let filler = "，。天地，玄黃！".repeat(6);
        assert_eq!(t.first_change(&filler), None);
        for key in ["\u{F900}", "\u{2F800}"] {
            for cut in filler.char_indices().map(|(i, _)| i).chain([filler.len()]) {
                let text = format!("{}{key}{}", &filler[..cut], &filler[cut..]);
                assert_eq!(t.first_change(&text), Some(cut), "{key} at {cut}");
                // The first of two.
                let twice = format!("{}{key}{}{key}", &filler[..cut], &filler[cut..]);
                assert_eq!(t.first_change(&twice), Some(cut), "{key} at {cut} and at the end");
            }
        }
        // An ASCII first character matches whatever follows it.
        let t = trie(&[("a", "b", 0)]);
        assert_eq!(t.first_change(&format!("{filler}a")), Some(filler.len()));
        assert_eq!(t.first_change(&filler), None);
    }

    #[test]
    fn first_change_finds_an_ids_operator_at_every_offset_by_either_scan() {
        // Keys under one lead byte take the range scan; keys under five
        // take the lead-byte scan.
        let ranged = trie(&[("\u{F900}", "豈", 0)]);
        let leads =
            trie(&[("a", "b", 0), ("é", "e", 0), ("中", "x", 0), ("\u{F900}", "豈", 0), ("\u{2F800}", "丽", 0)]);
        // Five lead bytes, all above the IDS operators' E2: the lead-byte
        // scan must look at E2 all the same.
        let high =
            trie(&[("中", "x", 0), ("字", "x", 0), ("文", "x", 0), ("\u{F900}", "豈", 0), ("\u{2F800}", "丽", 0)]);
        assert!(ranged.prefix_ranges.is_some() && leads.prefix_ranges.is_none() && high.prefix_ranges.is_none());
        assert!(high.min_lead > IDS_PREFIX.0);
        let filler = "，。天地，玄黃！".repeat(6);
        for t in [&ranged, &leads, &high] {
            assert_eq!(t.first_change(&filler), None);
            for cut in filler.char_indices().map(|(i, _)| i).chain([filler.len()]) {
                let text = format!("{}\u{2FF0}{}", &filler[..cut], &filler[cut..]);
                assert_eq!(t.first_change(&text), Some(cut), "IDS at {cut}");
            }
        }
        // Each of the lead-byte scan's keys, of one to four bytes, at every
        // offset of text that holds none (ASCII and Latin among it).
        let filler = format!("x{filler}ü7");
        assert_eq!(leads.first_change(&filler), None);
        for key in ["a", "é", "中", "\u{F900}", "\u{2F800}"] {
            for cut in filler.char_indices().map(|(i, _)| i).chain([filler.len()]) {
                let text = format!("{}{key}{}", &filler[..cut], &filler[cut..]);
                assert_eq!(leads.first_change(&text), Some(cut), "{key} at {cut}");
            }
        }
    }
}
