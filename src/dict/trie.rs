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

/// A frozen ranked trie. See the module docs.
#[derive(Debug)]
pub(crate) struct Trie {
    /// First-character lookup for the BMP: node index or `NONE`.
    root_bmp: Vec<u32>,
    /// First-character lookup outside the BMP.
    root_astral: HashMap<char, u32>,
    nodes: Vec<Node>,
    /// Children of all nodes, each node's run sorted by char.
    edges: Vec<(char, u32)>,
    /// Values, concatenated; a node's value is `values[start..end]`.
    values: String,
    /// Longest key, in characters.
    max_key_chars: usize,
}

#[derive(Clone, Copy, Debug)]
struct Node {
    edges_start: u32,
    edges_len: u32,
    /// `NONE` when no key ends here.
    value_start: u32,
    value_end: u32,
    rank: u32,
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
    children: HashMap<char, usize>,
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
            n = match self.nodes[n].children.get(&c) {
                Some(&m) => m,
                None => {
                    self.nodes.push(BuildNode::default());
                    let m = self.nodes.len() - 1;
                    self.nodes[n].children.insert(c, m);
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

    /// Freezes the trie into flat arrays.
    pub(crate) fn build(self) -> Trie {
        let mut t = Trie {
            root_bmp: vec![NONE; 0x10000],
            root_astral: HashMap::new(),
            nodes: Vec::with_capacity(self.nodes.len()),
            edges: Vec::new(),
            values: String::new(),
            max_key_chars: self.max_key_chars,
        };
        // Breadth-first renumbering keeps each node's children together.
        let mut order: Vec<usize> = Vec::with_capacity(self.nodes.len());
        let mut index = vec![NONE; self.nodes.len()];
        let mut roots: Vec<(char, usize)> = self.roots.into_iter().collect();
        roots.sort_unstable();
        for &(c, n) in &roots {
            index[n] = order.len() as u32;
            order.push(n);
            let id = index[n];
            if (c as u32) < 0x10000 {
                t.root_bmp[c as usize] = id;
            } else {
                t.root_astral.insert(c, id);
            }
        }
        let mut head = 0;
        while head < order.len() {
            let n = order[head];
            head += 1;
            let mut kids: Vec<(char, usize)> = self.nodes[n].children.iter().map(|(&c, &m)| (c, m)).collect();
            kids.sort_unstable();
            let edges_start = t.edges.len() as u32;
            for (c, m) in &kids {
                index[*m] = order.len() as u32;
                order.push(*m);
                t.edges.push((*c, index[*m]));
            }
            let (value_start, value_end, rank) = match &self.nodes[n].value {
                Some((r, v)) => {
                    let s = t.values.len() as u32;
                    t.values.push_str(v);
                    (s, t.values.len() as u32, *r)
                }
                None => (NONE, NONE, NONE),
            };
            t.nodes.push(Node { edges_start, edges_len: kids.len() as u32, value_start, value_end, rank });
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
        self.root(c) != NONE
    }

    #[inline]
    fn root(&self, c: char) -> u32 {
        if (c as u32) < 0x10000 {
            self.root_bmp[c as usize]
        } else {
            self.root_astral.get(&c).copied().unwrap_or(NONE)
        }
    }

    /// OpenCC's group prefix match at the start of `text`: the byte length
    /// of the chosen key and its value, or `None`.
    #[inline]
    pub(crate) fn match_prefix<'a>(&'a self, text: &str) -> Option<(usize, &'a str)> {
        let mut chars = text.char_indices();
        let (_, first) = chars.next()?;
        let mut n = self.root(first);
        if n == NONE {
            return None;
        }
        let mut best: Option<(u32, usize, u32)> = None; // (rank, byte len, node)
        let mut end = first.len_utf8();
        loop {
            let node = &self.nodes[n as usize];
            if node.value_start != NONE && best.is_none_or(|(r, _, _)| node.rank <= r) {
                // Same rank and longer (we only get longer), or lower rank.
                best = Some((node.rank, end, n));
            }
            if node.edges_len == 0 {
                break;
            }
            let Some((i, c)) = chars.next() else { break };
            let kids = &self.edges[node.edges_start as usize..(node.edges_start + node.edges_len) as usize];
            match kids.binary_search_by(|&(k, _)| k.cmp(&c)) {
                Ok(k) => {
                    n = kids[k].1;
                    end = i + c.len_utf8();
                }
                Err(_) => break,
            }
        }
        best.map(|(_, len, n)| {
            let node = &self.nodes[n as usize];
            (len, &self.values[node.value_start as usize..node.value_end as usize])
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
        assert_eq!(t.match_prefix("abcd"), Some((2, "AB")));
        assert_eq!(t.match_prefix("ax"), Some((1, "A")));
        assert_eq!(t.match_prefix("x"), None);
        assert_eq!(t.max_key_chars(), 3);
    }

    #[test]
    fn first_value_wins_within_a_rank() {
        let t = trie(&[("中", "first", 0), ("中", "second", 0), ("中", "lower", 1)]);
        assert_eq!(t.match_prefix("中国"), Some((3, "first")));
        let t = trie(&[("中", "late", 1), ("中", "early", 0)]);
        assert_eq!(t.match_prefix("中"), Some((3, "early")));
    }

    #[test]
    fn astral_keys_match() {
        let t = trie(&[("𫝈", "x", 0), ("𫝈中", "y", 0)]);
        assert_eq!(t.match_prefix("𫝈中文"), Some((7, "y")));
    }
}
