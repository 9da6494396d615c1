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

/// A frozen ranked trie. See the module docs.
#[derive(Debug)]
pub(crate) struct Trie {
    /// First-character lookup for the BMP (see [`SPECIAL`]).
    root_bmp: Vec<u32>,
    /// First-character lookup outside the BMP (node index).
    root_astral: HashMap<char, u32>,
    nodes: Vec<Node>,
    /// Per value: (start, end) in `values` and rank.
    value_spans: Vec<(u32, u32, u32)>,
    /// A bitmap over hashed (first, second) character pairs of every key
    /// of two or more characters. A clear bit proves no such key starts
    /// here, so the match is the first character's own (see
    /// [`Trie::single`]) and the walk is skipped: most positions in text
    /// converted against a large phrase list (s2t) end there.
    pairs: Vec<u64>,
    /// For first-level nodes (ids below `roots`): their own value when it
    /// is one character (`IS_KEY | char`), `NONE` when there is none, and
    /// `SPECIAL` when it is longer (then walk).
    root_values: Vec<u32>,
    /// Children of every node, each node's run sorted by character and
    /// laid out breadth-first: the continuations of one first character sit
    /// together and stay in cache while that character recurs.
    edges: Vec<(char, u32)>,
    /// Values, concatenated; a node's value is `values[start..end]`.
    values: String,
    /// Longest key, in characters.
    max_key_chars: usize,
    /// The smallest UTF-8 lead byte of any key's first character: text
    /// with no byte at or above it cannot match (see [`Trie::may_match`]).
    min_lead: u8,
}

#[derive(Clone, Copy, Debug)]
struct Node {
    /// One bit per child character (`mask_bit`); 0 when no children. Most
    /// failed steps stop here without touching the edge table.
    child_mask: u64,
    /// Index into `value_spans`, or `NONE` when no key ends here.
    value: u32,
    /// This node's run in `edges`.
    edges_start: u32,
    edges_len: u32,
}

/// log2 of the pair bitmap's size in bits (1 Mi bits, 128 KiB: small enough
/// to stay in cache next to the root table; 4 Mi bits was slower).
const PAIR_BITS: u32 = 20;

#[inline]
fn pair_index(a: char, b: char) -> usize {
    let h = (a as u32).wrapping_mul(0x9E37_79B9) ^ (b as u32).wrapping_mul(0x85EB_CA6B);
    (h.wrapping_mul(0xC2B2_AE35) >> (32 - PAIR_BITS)) as usize
}

#[inline]
fn mask_bit(c: char) -> u64 {
    1u64 << ((c as u32).wrapping_mul(0x9E37_79B9) >> 26)
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
#[derive(Debug, Default)]
pub(crate) struct TrieBuilder {
    nodes: Vec<BuildNode>,
    roots: HashMap<char, usize>,
    max_key_chars: usize,
}

#[derive(Debug, Default)]
struct BuildNode {
    /// Sorted by character. A vector, not a map: most nodes have one
    /// child, and a map per node was most of a converter's build time
    /// (an allocation and SipHash per node).
    children: Vec<(char, usize)>,
    value: Option<(u32, String)>,
}

impl TrieBuilder {
    /// Adds `key → value` at `rank`. A key already present keeps its value
    /// unless this rank is lower (earlier leaves of one rank win ties).
    pub(crate) fn insert(&mut self, key: &str, value: &str, rank: u32) {
        let mut chars = key.chars();
        let Some(first) = chars.next() else { return };
        let mut n = match self.roots.get(&first) {
            Some(&n) => n,
            None => {
                self.nodes.push(BuildNode::default());
                self.roots.insert(first, self.nodes.len() - 1);
                self.nodes.len() - 1
            }
        };
        let mut len = 1;
        for c in chars {
            len += 1;
            n = match self.nodes[n].children.binary_search_by(|k| k.0.cmp(&c)) {
                Ok(i) => self.nodes[n].children[i].1,
                Err(i) => {
                    self.nodes.push(BuildNode::default());
                    let m = self.nodes.len() - 1;
                    self.nodes[n].children.insert(i, (c, m));
                    m
                }
            };
        }
        self.max_key_chars = self.max_key_chars.max(len);
        let slot = &mut self.nodes[n].value;
        if slot.as_ref().is_none_or(|(r, _)| rank < *r) {
            *slot = Some((rank, value.to_string()));
        }
    }

    /// Freezes the trie.
    pub(crate) fn build(self) -> Trie {
        // Breadth-first numbering: all first-level nodes, the ones every
        // walk starts from, end up next to each other in memory.
        let mut order: Vec<usize> = Vec::with_capacity(self.nodes.len());
        let mut new_id = vec![0u32; self.nodes.len()];
        let mut roots: Vec<(char, usize)> = self.roots.iter().map(|(&c, &n)| (c, n)).collect();
        roots.sort_unstable();
        for &(_, n) in &roots {
            new_id[n] = order.len() as u32;
            order.push(n);
        }
        let mut head = 0;
        while head < order.len() {
            let n = order[head];
            head += 1;
            for &(_, m) in &self.nodes[n].children {
                new_id[m] = order.len() as u32;
                order.push(m);
            }
        }
        let mut t = Trie {
            root_bmp: vec![NONE; 0x10000],
            root_astral: HashMap::new(),
            nodes: Vec::with_capacity(self.nodes.len()),
            value_spans: Vec::new(),
            pairs: vec![0; 1 << (PAIR_BITS - 6)],
            root_values: Vec::new(),
            edges: Vec::new(),
            values: String::new(),
            max_key_chars: self.max_key_chars,
            min_lead: self.roots.keys().map(|c| c.encode_utf8(&mut [0; 4]).as_bytes()[0]).min().unwrap_or(0xFF),
        };
        for &old in &order {
            let n = &self.nodes[old];
            let value = match &n.value {
                Some((r, v)) => {
                    let s = t.values.len() as u32;
                    t.values.push_str(v);
                    t.value_spans.push((s, t.values.len() as u32, *r));
                    (t.value_spans.len() - 1) as u32
                }
                None => NONE,
            };
            let child_mask = n.children.iter().fold(0u64, |m, &(c, _)| m | mask_bit(c));
            let mut kids: Vec<(char, u32)> = n.children.iter().map(|&(c, m)| (c, new_id[m])).collect();
            kids.sort_unstable();
            let edges_start = t.edges.len() as u32;
            t.edges.extend_from_slice(&kids);
            t.nodes.push(Node { child_mask, value, edges_start, edges_len: kids.len() as u32 });
        }
        for &(c, n) in &roots {
            let node = &self.nodes[n];
            for &(second, _) in &node.children {
                let i = pair_index(c, second);
                t.pairs[i >> 6] |= 1 << (i & 63);
            }
            t.root_values.push(match &node.value {
                None => NONE,
                Some((_, v)) if v.chars().count() == 1 => IS_KEY | v.chars().next().map_or(0, |c| c as u32),
                Some(_) => SPECIAL,
            });
        }
        for (i, e) in t.root_bmp.iter_mut().enumerate() {
            *e = if (0x2FF0..=0x2FFF).contains(&i) { SPECIAL | NO_NODE } else { i as u32 };
        }
        for (&c, &n) in &self.roots {
            let node = &self.nodes[n];
            let direct = match &node.value {
                Some((_, v)) if node.children.is_empty() && v.chars().count() == 1 => v.chars().next(),
                _ => None,
            };
            if (c as u32) < 0x10000 {
                t.root_bmp[c as usize] = match direct {
                    Some(v) => IS_KEY | v as u32,
                    None => SPECIAL | new_id[n],
                };
            } else {
                t.root_astral.insert(c, new_id[n]);
            }
        }
        t
    }
}

impl Trie {
    /// Longest key, in characters.
    pub(crate) fn max_key_chars(&self) -> usize {
        self.max_key_chars
    }

    /// Whether some key starts with `c`.
    #[inline]
    pub(crate) fn starts_key(&self, c: char) -> bool {
        if (c as u32) < 0x10000 {
            let e = self.root_bmp[c as usize];
            e & IS_KEY != 0 || (e & SPECIAL != 0 && e & !SPECIAL != NO_NODE)
        } else {
            self.root_astral.contains_key(&c)
        }
    }

    /// The root entry of a BMP character (see [`SPECIAL`]).
    #[inline(always)]
    pub(crate) fn root_entry(&self, c: u32) -> u32 {
        self.root_bmp[c as usize]
    }

    /// The character a non-special root entry outputs.
    #[inline(always)]
    pub(crate) fn entry_char(entry: u32) -> char {
        char::from_u32(entry & CHAR_BITS).unwrap_or(char::REPLACEMENT_CHARACTER)
    }

    /// The node of a special root entry, if it has one.
    #[inline(always)]
    pub(crate) fn entry_node(entry: u32) -> Option<u32> {
        let n = entry & !SPECIAL;
        (n != NO_NODE).then_some(n)
    }

    /// The match at a position whose first character `first` has the
    /// first-level `node` and whose next character is `second`, when that
    /// can be told without a walk: `Some(Some(v))` for the character's own
    /// one-character value, `Some(None)` for no match, `None` to walk.
    #[inline(always)]
    pub(crate) fn single(&self, node: u32, first: char, second: Option<char>) -> Option<Option<char>> {
        if let Some(b) = second {
            let i = pair_index(first, b);
            if self.pairs[i >> 6] & (1 << (i & 63)) != 0 {
                return None;
            }
        }
        match self.root_values.get(node as usize) {
            Some(&NONE) => Some(None),
            Some(&v) if v & IS_KEY != 0 => Some(Some(Trie::entry_char(v))),
            _ => None,
        }
    }

    /// The node of an astral character, if a key starts with it.
    pub(crate) fn astral_node(&self, c: char) -> Option<u32> {
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

    /// Whether any key can start in `text`: a byte scan for lead bytes at or
    /// above the smallest key lead byte, then a lookup of just those
    /// characters. A stage whose keys are all rare characters (the
    /// normalization stage) is skipped this way for most text.
    pub(crate) fn may_match(&self, text: &str) -> bool {
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
    pub(crate) fn walk<'a>(&'a self, text: &str, first: char, root: u32) -> Option<Hit<'a>> {
        let mut n = root;
        let mut best: Option<(u32, usize, u32)> = None; // (rank, byte len, node)
        let mut end = first.len_utf8();
        let mut rest = text[end..].char_indices();
        loop {
            let node = self.nodes[n as usize];
            if node.value != NONE {
                let rank = self.value_spans[node.value as usize].2;
                if best.is_none_or(|(r, _, _)| rank <= r) {
                    // Same rank and longer (we only get longer), or lower rank.
                    best = Some((rank, end, node.value));
                }
            }
            if node.child_mask == 0 {
                break;
            }
            let Some((i, c)) = rest.next() else { break };
            if node.child_mask & mask_bit(c) == 0 {
                break;
            }
            match self.child(&node, c) {
                Some(m) => {
                    n = m;
                    end = first.len_utf8() + i + c.len_utf8();
                }
                None => break,
            }
        }
        best.map(|(_, len, v)| {
            let (start, end, _) = self.value_spans[v as usize];
            Hit::Str(len, &self.values[start as usize..end as usize])
        })
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
}

#[cfg(test)]
mod direct_tests {
    use super::*;

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
}
