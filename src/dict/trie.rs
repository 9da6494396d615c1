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

use std::collections::HashMap;

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
    /// branching on whether it changed.
    fast: Vec<u64>,
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
    pairs: Vec<u64>,
    /// Children of every node, each node's run sorted by character and
    /// laid out breadth-first: the continuations of one first character sit
    /// together and stay in cache while that character recurs.
    edges: Vec<(char, u32)>,
    /// Values, concatenated; a node's value is `values[start..end]`.
    values: String,
    /// Longest key, in characters.
    max_key_chars: usize,
    /// The smallest UTF-8 lead byte of any key's first character: text
    /// with no byte at or above it cannot match (see [`Trie::may_change`]).
    min_lead: u8,
    /// The first two UTF-8 bytes of keys' first characters as (lead byte,
    /// second byte from, to), when they fit in [`PREFIX_RANGES`] ranges (a
    /// stage like the normalization one, whose keys are all in a few rare
    /// blocks): [`Trie::may_change`] then tests 32 positions at a time.
    /// The ranges in use, then (0xE2, 0xBF, 0xBF): the IDS operators' first
    /// two bytes, which [`Trie::may_change`] looks for in the same scan.
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

/// The code point at byte `p` of valid UTF-8 `b`, and its length.
#[inline(always)]
pub(crate) fn decode_at(b: &[u8], p: usize) -> (u32, usize) {
    // Tested in this order, the common case of Chinese text (three bytes)
    // costs two predictable branches; a `match` on ranges was 10% slower
    // in the stage loop.
    let x = b[p];
    if x < 0x80 {
        (u32::from(x), 1)
    } else if x < 0xE0 {
        ((u32::from(x & 0x1F) << 6) | u32::from(b[p + 1] & 0x3F), 2)
    } else if x < 0xF0 {
        ((u32::from(x & 0x0F) << 12) | (u32::from(b[p + 1] & 0x3F) << 6) | u32::from(b[p + 2] & 0x3F), 3)
    } else {
        let cp = (u32::from(x & 0x07) << 18)
            | (u32::from(b[p + 1] & 0x3F) << 12)
            | (u32::from(b[p + 2] & 0x3F) << 6)
            | u32::from(b[p + 3] & 0x3F);
        (cp, 4)
    }
}

/// What a match found: where the key ends and its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hit<'a> {
    /// A one-character key mapping to one character.
    Char(char),
    /// A key of `len` bytes and its value.
    Str(usize, &'a str),
}

/// Builds a [`Trie`]: insert keys by rank, then [`TrieBuilder::build`].
///
/// Insertion only collects borrowed entries; `build` sorts them and lays
/// the trie out breadth-first from the sorted ranges (the keys under one
/// node are one contiguous run), with no per-node allocation. Building
/// s2t's trie node by node, with a child vector and an owned value each,
/// took 26 ms of its 34 ms start-up.
#[derive(Debug, Default)]
pub(crate) struct TrieBuilder<'a> {
    /// (key, value, rank), in insertion order.
    entries: Vec<(&'a str, &'a str, u32)>,
}

impl<'a> TrieBuilder<'a> {
    /// Adds `key → value` at `rank`. A key already present keeps its value
    /// unless this rank is lower (earlier leaves of one rank win ties).
    pub(crate) fn insert(&mut self, key: &'a str, value: &'a str, rank: u32) {
        if !key.is_empty() {
            self.entries.push((key, value, rank));
        }
    }

    /// Freezes the trie.
    pub(crate) fn build(self) -> Trie {
        let mut e = self.entries;
        // Stable: for one key and rank the earliest insertion stays first.
        // The dictionaries are sorted files, so this mostly merges runs.
        e.sort_by(|a, b| a.0.cmp(b.0).then(a.2.cmp(&b.2)));
        e.dedup_by(|later, earlier| later.0 == earlier.0);
        let mut t = Trie {
            root_bmp: vec![NONE; 0x10000],
            fast: Vec::new(),
            root_astral: HashMap::new(),
            nodes: Vec::new(),
            pair_slots: Vec::new(),
            pair_hashes: 2,
            pairs: vec![0; 1 << (PAIR_BITS - 6)],
            edges: Vec::new(),
            values: String::new(),
            max_key_chars: e.iter().map(|x| x.0.chars().count()).max().unwrap_or(0),
            min_lead: 0xFF,
            prefix_ranges: None,
        };
        // Breadth-first: node k is queue[k], the keys e[lo..hi] sharing its
        // prefix of `plen` bytes. All first-level nodes, the ones every walk
        // starts from, come first and sit next to each other in memory.
        let mut queue: Vec<(u32, u32, u32)> = Vec::new();
        let mut root_chars: Vec<char> = Vec::new();
        for (c, lo, hi) in groups(&e, 0, e.len(), 0) {
            root_chars.push(c);
            queue.push((lo as u32, hi as u32, c.len_utf8() as u32));
        }
        let mut k = 0;
        while k < queue.len() {
            let (lo, hi, plen) = (queue[k].0 as usize, queue[k].1 as usize, queue[k].2 as usize);
            k += 1;
            let (value, value_len, rank) = if e[lo].0.len() == plen {
                let (key, v, r) = e[lo];
                let start = t.values.len() as u32;
                t.values.push_str(v);
                let len = u16::try_from(v.len()).unwrap_or_else(|_| panic!("value of {key} over 64 KiB"));
                let rank = u16::try_from(r).expect("fewer than 65 536 ranks");
                (start, len, rank)
            } else {
                (NONE, 0, 0)
            };
            let edges_start = t.edges.len() as u32;
            let mut child_mask = 0u64;
            for (c, glo, ghi) in groups(&e, lo, hi, plen) {
                child_mask |= mask_bit(c);
                t.edges.push((c, queue.len() as u32));
                queue.push((glo as u32, ghi as u32, (plen + c.len_utf8()) as u32));
            }
            let edges_len = t.edges.len() as u32 - edges_start;
            t.nodes.push(Node { child_mask, value, value_len, rank, edges_start, edges_len });
        }
        let leads = |c: &char| c.encode_utf8(&mut [0; 4]).as_bytes()[0];
        t.min_lead = root_chars.iter().map(leads).min().unwrap_or(0xFF);
        t.prefix_ranges = prefix_ranges(&root_chars);
        t.fill_lookups(&root_chars);
        t
    }
}

/// How many (lead, second byte range) pairs of keys [`Trie::may_change`]
/// tests.
const PREFIX_RANGES: usize = 4;

/// (lead byte, second byte from, to), for [`Trie::may_change`]: the keys'
/// and the IDS operators'.
type PrefixRanges = [(u8, u8, u8); PREFIX_RANGES + 1];

/// See [`Trie::prefix_ranges`]: the ranges and how many are used.
fn prefix_ranges(first: &[char]) -> Option<(PrefixRanges, usize)> {
    let mut ranges = [(0xFF, 0, 0); PREFIX_RANGES + 1];
    let mut used = 0;
    for c in first {
        let mut buf = [0; 4];
        let bytes = c.encode_utf8(&mut buf).as_bytes();
        // A one-byte character: any byte may follow.
        let (lead, lo, hi) = match bytes {
            [x] => (*x, 0, 0xFF),
            [x, y, ..] => (*x, *y, *y),
            [] => continue,
        };
        match ranges[..used].iter_mut().find(|r| r.0 == lead) {
            Some(r) => *r = (lead, r.1.min(lo), r.2.max(hi)),
            None if used < PREFIX_RANGES => {
                ranges[used] = (lead, lo, hi);
                used += 1;
            }
            None => return None,
        }
    }
    ranges[used] = IDS_PREFIX;
    Some((ranges, used + 1))
}

/// The first two bytes of every IDS operator (U+2FF0..U+2FFF), as a
/// prefix range; a stage holds a sequence that starts with one.
const IDS_PREFIX: (u8, u8, u8) = (0xE2, 0xBF, 0xBF);

/// The children of the node whose keys are `e[lo..hi]`, sharing a prefix
/// of `plen` bytes: (next character, run of keys) in character order.
fn groups<'e>(
    e: &'e [(&str, &str, u32)],
    lo: usize,
    hi: usize,
    plen: usize,
) -> impl Iterator<Item = (char, usize, usize)> + 'e {
    // A key that ends at this node sorts first.
    let mut i = if lo < hi && e[lo].0.len() == plen { lo + 1 } else { lo };
    std::iter::from_fn(move || {
        if i >= hi {
            return None;
        }
        let c = e[i].0[plen..].chars().next()?;
        let bytes = &e[i].0.as_bytes()[plen..plen + c.len_utf8()];
        let start = i;
        i += 1;
        // Sorted: the run ends at the first key with another character
        // here (every key in the range is longer than the prefix).
        while i < hi && e[i].0.as_bytes()[plen..].starts_with(bytes) {
            i += 1;
        }
        Some((c, start, i))
    })
}

impl Trie {
    /// The lookups derived from the nodes: the root tables, the fast
    /// table, and the pair filter and table. `root_chars[r]` is the first
    /// character of first-level node `r`.
    fn fill_lookups(&mut self, root_chars: &[char]) {
        for (i, e) in self.root_bmp.iter_mut().enumerate() {
            *e = if (0x2FF0..=0x2FFF).contains(&i) { SPECIAL | NO_NODE } else { i as u32 };
        }
        // Every character outputs itself, except the IDS operators (general
        // path), and the first characters of keys, set below.
        fn fast(own: Option<char>, multi: bool) -> u64 {
            let Some(own) = own.filter(|c| (*c as u32) < 0x10000) else { return FAST_SLOW };
            let mut utf8 = [0u8; 4];
            let len = own.encode_utf8(&mut utf8).len() as u64;
            u64::from(u32::from_le_bytes(utf8)) | (len << FAST_LEN_SHIFT) | if multi { FAST_MULTI } else { 0 }
        }
        self.fast = (0..0x10000u32).map(|cp| fast(char::from_u32(cp), false)).collect();
        for cp in 0x2FF0..=0x2FFF {
            self.fast[cp] = FAST_SLOW;
        }
        let pairs: usize = (0..root_chars.len()).map(|r| self.nodes[r].edges_len as usize).sum();
        self.pair_hashes = if pairs <= ONE_BIT_PAIRS { 1 } else { 2 };
        for (r, &c) in root_chars.iter().enumerate() {
            let node = self.nodes[r];
            let own = self.value_of(&node);
            let has_own = own.is_some();
            let one_char = own.and_then(|v| {
                let mut cs = v.chars();
                cs.next().filter(|_| cs.next().is_none())
            });
            if (c as u32) >= 0x10000 {
                self.root_astral.insert(c, r as u32);
                continue;
            }
            self.root_bmp[c as usize] = match one_char {
                Some(v) if node.edges_len == 0 => IS_KEY | v as u32,
                _ => SPECIAL | r as u32,
            };
            if (0x2FF0..=0x2FFF).contains(&(c as u32)) {
                continue;
            }
            let own = if has_own { one_char } else { Some(c) };
            let mut e = fast(own, node.edges_len > 0) | if has_own { FAST_KEY } else { 0 };
            if e & FAST_MULTI != 0 && e & FAST_SLOW == 0 {
                e |= self.add_pair_table(c as u32, &node);
            }
            self.fast[c as usize] = e;
        }
    }

    /// Appends the pair table of first character `a` (first-level `root`)
    /// and enters its pairs in the filter; returns the fast entry's bits
    /// that locate the table.
    fn add_pair_table(&mut self, a: u32, root: &Node) -> u64 {
        let n = root.edges_len as usize;
        let bits = (n * 3 / 2).next_power_of_two().max(2).trailing_zeros();
        let base = self.pair_slots.len();
        let empty = PairSlot { key: EMPTY_PAIR, node: 0, answer: PAIR_WALK, mask: 0 };
        self.pair_slots.resize(base + (1 << bits), empty);
        for k in root.edges_start..root.edges_start + root.edges_len {
            let (second, m) = self.edges[k as usize];
            let b = second as u32;
            let (w, mask) = self.probe(a, b);
            self.pairs[w] |= mask;
            let mut i = pair_home(b, bits);
            while self.pair_slots[base + i].key != EMPTY_PAIR {
                i = (i + 1) & ((1 << bits) - 1);
            }
            let pair = self.nodes[m as usize];
            // Stopping here: the pair's value unless the first character's
            // own has the lower rank.
            let answer = match self.value_of(&pair) {
                None => PAIR_OWN,
                Some(_) if root.value != NONE && root.rank < pair.rank => PAIR_OWN,
                Some(v) if (1..=7).contains(&v.len()) => {
                    let mut bytes = [0u8; 8];
                    bytes[0] = v.len() as u8;
                    bytes[1..=v.len()].copy_from_slice(v.as_bytes());
                    u64::from_le_bytes(bytes)
                }
                Some(_) => PAIR_WALK,
            };
            self.pair_slots[base + i] = PairSlot { key: b, node: m, answer, mask: pair.child_mask };
        }
        assert!(base as u64 <= FAST_BASE_MASK, "pair tables too large");
        ((base as u64) << FAST_BASE_SHIFT) | (u64::from(bits) << FAST_BITS_SHIFT)
    }

    /// [`pair_probe`] with this trie's bits per pair, off the stage loop
    /// (which is built for one `K`).
    fn probe(&self, a: u32, b: u32) -> (usize, u64) {
        if self.pair_hashes == 1 {
            pair_probe::<1>(a, b)
        } else {
            pair_probe::<2>(a, b)
        }
    }

    /// A node's value, if a key ends there.
    fn value_of(&self, n: &Node) -> Option<&str> {
        (n.value != NONE).then(|| &self.values[n.value as usize..n.value as usize + usize::from(n.value_len)])
    }
}

impl Trie {
    /// Longest key, in characters.
    pub(crate) fn max_key_chars(&self) -> usize {
        self.max_key_chars
    }

    /// Whether some key starts with `c`.
    #[inline]
    fn starts_key(&self, c: char) -> bool {
        if (c as u32) < 0x10000 {
            let e = self.root_bmp[c as usize];
            e & IS_KEY != 0 || (e & SPECIAL != 0 && e & !SPECIAL != NO_NODE)
        } else {
            self.root_astral.contains_key(&c)
        }
    }

    /// The root entry of a BMP character (see [`SPECIAL`]).
    #[inline(always)]
    fn root_entry(&self, c: u32) -> u32 {
        self.root_bmp[c as usize]
    }

    /// The stage loop's entry for a BMP character (see [`FAST_MULTI`]).
    #[inline(always)]
    pub(crate) fn fast_entry(&self, cp: u32) -> u64 {
        self.fast[(cp & 0xFFFF) as usize]
    }

    /// Writes a fast entry's output bytes at position `o` of `buf`, which
    /// has room for four: one four-byte write. Returns the position after
    /// them.
    #[inline(always)]
    pub(crate) fn emit_fast(entry: u64, buf: &mut [u8], o: usize) -> usize {
        buf[o..o + 4].copy_from_slice(&(entry as u32).to_le_bytes());
        o + ((entry >> FAST_LEN_SHIFT) & 7) as usize
    }

    /// Whether some key of two or more characters may start with `a, b`
    /// (a clear bit proves none does).
    #[inline(always)]
    pub(crate) fn may_pair<const K: u32>(&self, a: u32, b: u32) -> bool {
        let (w, mask) = pair_probe::<K>(a, b);
        self.pairs[w] & mask == mask
    }

    /// Bits per pair in the pair filter: the `K` of [`Trie::may_pair`].
    pub(crate) fn pair_hashes(&self) -> u32 {
        self.pair_hashes
    }

    /// The first-level node of a BMP character with [`FAST_MULTI`] set.
    #[inline]
    pub(crate) fn bmp_node(&self, cp: u32) -> Option<u32> {
        let e = self.root_bmp[(cp & 0xFFFF) as usize];
        (e & SPECIAL != 0).then(|| Trie::entry_node(e)).flatten()
    }

    /// The character a non-special root entry outputs.
    #[inline(always)]
    fn entry_char(entry: u32) -> char {
        char::from_u32(entry & CHAR_BITS).unwrap_or(char::REPLACEMENT_CHARACTER)
    }

    /// The node of a special root entry, if it has one.
    #[inline(always)]
    fn entry_node(entry: u32) -> Option<u32> {
        let n = entry & !SPECIAL;
        (n != NO_NODE).then_some(n)
    }

    /// The node of an astral character, if a key starts with it.
    fn astral_node(&self, c: char) -> Option<u32> {
        self.root_astral.get(&c).copied()
    }

    #[inline]
    fn child(&self, node: &Node, c: char) -> Option<u32> {
        let kids = &self.edges[node.edges_start as usize..(node.edges_start + node.edges_len) as usize];
        if kids.len() <= 8 {
            return kids.iter().find(|k| k.0 == c).map(|k| k.1);
        }
        kids.binary_search_by(|k| k.0.cmp(&c)).ok().map(|i| kids[i].1)
    }

    /// OpenCC's group prefix match at the start of `text`, whose first
    /// character is `first`.
    pub(crate) fn match_at<'a>(&'a self, text: &str, first: char) -> Option<Hit<'a>> {
        if (first as u32) >= 0x10000 {
            return self.walk(text, first, self.astral_node(first)?);
        }
        let e = self.root_entry(first as u32);
        if e & SPECIAL != 0 {
            return self.walk(text, first, Trie::entry_node(e)?);
        }
        (e & IS_KEY != 0).then(|| Hit::Char(Trie::entry_char(e)))
    }

    /// Whether a stage might not just copy `text`: some key may start in
    /// it, or an IDS operator's first two bytes are in it (a sequence the
    /// stage may hold for the next push). A stage whose keys are all rare
    /// characters (the normalization stage) is skipped this way for most
    /// text: when the keys' first characters fit in a few (lead byte,
    /// second byte range) pairs, one branch-free scan tests them and the
    /// IDS operators together; otherwise a byte scan finds lead bytes at or
    /// above the smallest key lead byte and looks up just those characters.
    pub(crate) fn may_change(&self, text: &str) -> bool {
        match self.prefix_ranges {
            Some((r, 1)) => self.scan::<1>(text, &r),
            Some((r, 2)) => self.scan::<2>(text, &r),
            Some((r, 3)) => self.scan::<3>(text, &r),
            Some((r, 4)) => self.scan::<4>(text, &r),
            Some((r, _)) => self.scan::<5>(text, &r),
            None => {
                self.may_match_by_lead(text)
                    || memchr::memmem::find(text.as_bytes(), &[IDS_PREFIX.0, IDS_PREFIX.1]).is_some()
            }
        }
    }

    /// [`Trie::may_change`] by the first `N` prefix ranges (the IDS
    /// operators' among them), the count a constant so that the test of
    /// each byte pair is unrolled.
    fn scan<const N: usize>(&self, text: &str, ranges: &PrefixRanges) -> bool {
        let b = text.as_bytes();
        let r: [(u8, u8, u8); N] = ranges[..N].try_into().expect("N ranges");
        // A lead byte is never a continuation byte: a hit starts a
        // character.
        let hit =
            |x: u8, y: u8| r.iter().fold(false, |a, &(l, lo, hi)| a | ((x == l) & (y.wrapping_sub(lo) <= hi - lo)));
        let real = |i: usize| {
            let ids = (b[i], b.get(i + 1).copied()) == (IDS_PREFIX.0, Some(IDS_PREFIX.1));
            ids || self.starts_key(text[i..].chars().next().expect("char boundary"))
        };
        let mut i = 0;
        // 32 positions at a time, without branching (vectorized), and
        // a closer look only at a chunk with a candidate: full-width
        // punctuation shares the lead byte of the compatibility
        // ideographs, so a byte search stopped every few characters.
        while i + 33 <= b.len() {
            let w: &[u8; 33] = b[i..i + 33].try_into().expect("33 bytes");
            let any = (0..32).fold(false, |a, j| a | hit(w[j], w[j + 1]));
            if any && (i..i + 32).any(|j| hit(b[j], b[j + 1]) && real(j)) {
                return true;
            }
            i += 32;
        }
        (i..b.len()).any(|j| hit(b[j], b.get(j + 1).copied().unwrap_or(0)) && real(j))
    }

    /// Whether any key can start in `text`, by lead bytes (see
    /// [`Trie::may_change`]).
    fn may_match_by_lead(&self, text: &str) -> bool {
        let b = text.as_bytes();
        let min = self.min_lead;
        let mut i = 0;
        while i < b.len() {
            match b[i..].iter().position(|&x| x >= min) {
                None => return false,
                Some(k) => i += k,
            }
            // Not a continuation byte? Then a character starts here.
            if b[i] & 0xC0 != 0x80 || b[i] < 0x80 {
                let c = text[i..].chars().next().expect("char boundary");
                if self.starts_key(c) {
                    return true;
                }
                i += c.len_utf8();
            } else {
                i += 1;
            }
        }
        false
    }

    /// The walk from a node root entry: the lowest rank, longest key.
    fn walk<'a>(&'a self, text: &str, first: char, root: u32) -> Option<Hit<'a>> {
        self.walk_on(text, root, first.len_utf8(), None)
    }

    /// [`Trie::walk`] when the first two characters (`first_len` and
    /// `end` bytes) are known to start a key: from `pair`'s node
    /// ([`Trie::pair_answer`]), with the first character's own value (node
    /// `root`) as the match to beat. Saves the search among a common
    /// character's hundreds of continuations.
    #[inline]
    pub(crate) fn walk_pair<'a>(
        &'a self,
        text: &str,
        root: u32,
        first_len: usize,
        pair: u32,
        end: usize,
    ) -> Option<Hit<'a>> {
        let r = self.nodes[root as usize];
        let best = (r.value != NONE).then_some((first_len, r));
        self.walk_on(text, pair, end, best)
    }

    /// The walk from node `n`, `end` bytes into `text`, with the best
    /// (byte length, node) so far.
    fn walk_on<'a>(
        &'a self,
        text: &str,
        mut n: u32,
        mut end: usize,
        mut best: Option<(usize, Node)>,
    ) -> Option<Hit<'a>> {
        let b = text.as_bytes();
        loop {
            let node = self.nodes[n as usize];
            if node.value != NONE && best.is_none_or(|(_, m)| node.rank <= m.rank) {
                // Same rank and longer (we only get longer), or lower rank.
                best = Some((end, node));
            }
            if node.child_mask == 0 || end >= b.len() {
                break;
            }
            let Some(c) = text[end..].chars().next() else { break };
            if node.child_mask & mask_bit(c) == 0 {
                break;
            }
            match self.child(&node, c) {
                Some(m) => {
                    n = m;
                    end += c.len_utf8();
                }
                None => break,
            }
        }
        best.map(|(len, m)| Hit::Str(len, self.value_of(&m).expect("a node with a value")))
    }

    /// What a pair-filter hit comes to, at the character of fast entry `e`
    /// (which has [`FAST_MULTI`]) followed by `next`, then `third`:
    /// (answer, node). The answer is [`PAIR_OWN`] when no key starts with
    /// the pair (a filter false positive) or the first character's own
    /// value wins, [`PAIR_WALK`] when `third` may continue a key or the
    /// value is too long for the slot (walk from `node`), else the slot's
    /// inline value (see [`PairSlot::answer`]).
    /// `third` is asked only when a slot is found.
    #[inline(always)]
    pub(crate) fn pair_answer(&self, e: u64, next: u32, third: impl FnOnce() -> Option<u32>) -> (u64, u32) {
        match self.pair(e, next) {
            None => (PAIR_OWN, 0),
            Some(s) if third().is_some_and(|t| s.mask & mask_bit_u32(t) != 0) => (PAIR_WALK, s.node),
            Some(s) => (s.answer, s.node),
        }
    }

    /// The byte length of OpenCC's match at byte `p` of `text`, if any key
    /// matches there: what segmentation needs, by the stage loop's
    /// shortcuts (the fast entry, the pair filter and table) before the
    /// walk from the root.
    #[inline]
    pub(crate) fn match_len(&self, text: &str, p: usize) -> Option<usize> {
        let (cp, clen) = decode_at(text.as_bytes(), p);
        let e = if cp < 0x10000 { self.fast_entry(cp) } else { FAST_SLOW };
        if e & (FAST_SLOW | FAST_MULTI | FAST_KEY) == 0 {
            // Most characters: no key starts with them.
            return None;
        }
        self.match_len_slow(text, p, e, clen)
    }

    /// [`Trie::match_len`] at a character that starts a key or takes the
    /// general path.
    fn match_len_slow(&self, text: &str, p: usize, e: u64, clen: usize) -> Option<usize> {
        let rest = &text[p..];
        let c = rest.chars().next()?;
        let general = || {
            self.match_at(rest, c).map(|h| match h {
                Hit::Char(_) => clen,
                Hit::Str(len, _) => len,
            })
        };
        if e & FAST_SLOW != 0 {
            return general();
        }
        let own = (e & FAST_KEY != 0).then_some(clen);
        let Some(next) = rest[clen..].chars().next().filter(|_| e & FAST_MULTI != 0) else { return own };
        let (word, mask) = self.probe(c as u32, next as u32);
        if self.pairs[word] & mask != mask {
            return own;
        }
        let r = clen + next.len_utf8();
        let third = || rest[r..].chars().next().map(|t| t as u32);
        match self.pair_answer(e, next as u32, third).0 & 0xFF {
            PAIR_OWN => own,
            PAIR_WALK => general(),
            _ => Some(r),
        }
    }

    /// The slot of the pair (the character of fast entry `e`, which has
    /// [`FAST_MULTI`], then `b`), if some key starts with it.
    #[inline]
    fn pair(&self, e: u64, b: u32) -> Option<PairSlot> {
        let base = ((e >> FAST_BASE_SHIFT) & FAST_BASE_MASK) as usize;
        let bits = (e >> FAST_BITS_SHIFT) as u32;
        let table = &self.pair_slots[base..base + (1 << bits)];
        let mut i = pair_home(b, bits);
        loop {
            let slot = table[i];
            if slot.key == b {
                return Some(slot);
            }
            if slot.key == EMPTY_PAIR {
                return None;
            }
            i = (i + 1) & (table.len() - 1);
        }
    }

    /// [`Trie::match_at`] as (byte length, value), for tests.
    #[cfg(test)]
    pub(crate) fn match_prefix(&self, text: &str) -> Option<(usize, String)> {
        let first = text.chars().next()?;
        self.match_at(text, first).map(|h| match h {
            Hit::Char(c) => (first.len_utf8(), c.to_string()),
            Hit::Str(len, v) => (len, v.to_string()),
        })
    }
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
    fn may_change_finds_a_rare_key_among_lookalike_bytes_at_every_offset() {
        // U+F900 is EF A4 80; full-width punctuation shares the lead EF.
        let t = trie(&[("\u{F900}", "豈", 0), ("\u{2F800}", "丽", 0)]);
        let filler = "，。天地，玄黃！".repeat(6);
        assert!(!t.may_change(&filler));
        for key in ["\u{F900}", "\u{2F800}"] {
            for cut in filler.char_indices().map(|(i, _)| i).chain([filler.len()]) {
                let text = format!("{}{key}{}", &filler[..cut], &filler[cut..]);
                assert!(t.may_change(&text), "{key} at {cut}");
            }
        }
        // An ASCII first character matches whatever follows it.
        let t = trie(&[("a", "b", 0)]);
        assert!(t.may_change(&format!("{filler}a")));
        assert!(!t.may_change(&filler));
    }

    #[test]
    fn may_change_finds_an_ids_operator_at_every_offset_by_either_scan() {
        // Keys under one lead byte take the range scan; keys under five
        // take the lead-byte scan.
        let ranged = trie(&[("\u{F900}", "豈", 0)]);
        let leads =
            trie(&[("a", "b", 0), ("é", "e", 0), ("中", "x", 0), ("\u{F900}", "豈", 0), ("\u{2F800}", "丽", 0)]);
        assert!(ranged.prefix_ranges.is_some() && leads.prefix_ranges.is_none());
        let filler = "，。天地，玄黃！".repeat(6);
        for t in [&ranged, &leads] {
            assert!(!t.may_change(&filler));
            for cut in filler.char_indices().map(|(i, _)| i).chain([filler.len()]) {
                let text = format!("{}\u{2FF0}{}", &filler[..cut], &filler[cut..]);
                assert!(t.may_change(&text), "IDS at {cut}");
            }
        }
    }
}
