//! Building a [`Trie`]: entries sorted and laid out breadth-first, then
//! the lookup tables derived from the nodes.

use std::collections::HashMap;

use super::*;

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
            fast: zeroed(),
            plain: zeroed(),
            root_astral: HashMap::new(),
            nodes: Vec::new(),
            pair_slots: Vec::new(),
            pair_hashes: 2,
            pairs: zeroed(),
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

/// How many (lead, second byte range) pairs of keys [`Trie::first_change`]
/// tests.
pub(super) const PREFIX_RANGES: usize = 4;

/// (lead byte, second byte from, to), for [`Trie::first_change`]: the keys'
/// and the IDS operators'.
pub(super) type PrefixRanges = [(u8, u8, u8); PREFIX_RANGES + 1];

/// See [`Trie::prefix_ranges`]: the ranges and how many are used.
pub(super) fn prefix_ranges(first: &[char]) -> Option<(PrefixRanges, usize)> {
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
pub(super) const IDS_PREFIX: (u8, u8, u8) = (0xE2, 0xBF, 0xBF);

/// The code points whose first two bytes are [`IDS_PREFIX`]'s, shifted
/// right by six (U+2FC0..U+2FFF).
pub(super) const IDS_BLOCK: u32 = ((IDS_PREFIX.0 as u32 & 0x0F) << 6) | (IDS_PREFIX.1 as u32 & 0x3F);
const _: () = assert!(IDS_BLOCK << 6 == 0x2FC0);

/// The children of the node whose keys are `e[lo..hi]`, sharing a prefix
/// of `plen` bytes: (next character, run of keys) in character order.
pub(super) fn groups<'e>(
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

/// A BMP character's fast entry: `own`'s UTF-8 bytes and length, and
/// whether a longer key starts with the character (`FAST_SLOW` for none or
/// an astral one).
fn fast(own: Option<char>, multi: bool) -> u64 {
    let Some(own) = own.filter(|c| (*c as u32) < 0x10000) else { return FAST_SLOW };
    let mut utf8 = [0u8; 4];
    let len = own.encode_utf8(&mut utf8).len() as u64;
    u64::from(u32::from_le_bytes(utf8)) | (len << FAST_LEN_SHIFT) | if multi { FAST_MULTI } else { 0 }
}

/// `fast(char::from_u32(cp), false)` for a BMP code point, its UTF-8 made
/// by arithmetic: every trie fills 65,536 of them at start-up, where
/// encoding each character was a quarter of the start-up's instructions.
fn plain_entry(cp: u32) -> u64 {
    let (bytes, len) = match cp {
        0..0x80 => (cp, 1),
        0x80..0x800 => (0xC0 | cp >> 6 | (0x80 | cp & 0x3F) << 8, 2),
        0xD800..0xE000 => return FAST_SLOW,
        _ => (0xE0 | cp >> 12 | (0x80 | cp >> 6 & 0x3F) << 8 | (0x80 | cp & 0x3F) << 16, 3),
    };
    u64::from(bytes) | len << FAST_LEN_SHIFT
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
        for (cp, e) in self.fast.iter_mut().enumerate() {
            *e = plain_entry(cp as u32);
        }
        // Plain: a character (no surrogate), no IDS operator, no key's
        // first character (cleared below).
        self.plain.fill(!0);
        self.plain[0xD800 / 64..0xE000 / 64].fill(0);
        for cp in 0x2FF0..=0x2FFF {
            self.fast[cp] = FAST_SLOW;
            self.plain[cp / 64] &= !(1 << (cp % 64));
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
            self.plain[c as usize / 64] &= !(1 << (c as usize % 64));
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
    pub(super) fn probe(&self, a: u32, b: u32) -> (usize, u64) {
        if self.pair_hashes == 1 {
            pair_probe::<1>(a, b)
        } else {
            pair_probe::<2>(a, b)
        }
    }

    /// A node's value, if a key ends there.
    pub(super) fn value_of(&self, n: &Node) -> Option<&str> {
        (n.value != NONE).then(|| &self.values[n.value as usize..n.value as usize + usize::from(n.value_len)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_entries_are_the_encoded_characters() {
        for cp in 0..0x10000u32 {
            assert_eq!(plain_entry(cp), fast(char::from_u32(cp), false), "U+{cp:04X}");
        }
    }
}
