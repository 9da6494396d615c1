//! A [`Trie`] as bytes, and back: the build script freezes the tries of the
//! default conversion (t2s) so that a process reads them instead of
//! building them from the dictionaries (15M of the 19M instructions a
//! process spent before reading its input).
//!
//! The format is private to one build of the crate (the build script and
//! the library are compiled from the same sources): each field in turn,
//! integers little-endian, a vector as its length and then its items. No
//! versioning, no validation beyond what a malformed table would trip.

use super::*;

/// Appends the fields of a trie. (The library itself only reads: the
/// build script and the tests write.)
#[derive(Default)]
#[cfg_attr(not(test), allow(dead_code))]
struct Writer(Vec<u8>);

#[cfg_attr(not(test), allow(dead_code))]
impl Writer {
    fn u64(&mut self, x: u64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }

    fn u32(&mut self, x: u32) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }

    fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }

    fn u64s(&mut self, xs: &[u64]) {
        self.len(xs.len());
        xs.iter().for_each(|&x| self.u64(x));
    }

    fn u32s(&mut self, xs: &[u32]) {
        self.len(xs.len());
        xs.iter().for_each(|&x| self.u32(x));
    }

    fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.0.extend_from_slice(b);
    }
}

/// Reads the fields back, in the order written.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> &[u8] {
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head
    }

    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take(8).try_into().expect("8 bytes"))
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take(4).try_into().expect("4 bytes"))
    }

    fn len(&mut self) -> usize {
        usize::try_from(self.u64()).expect("a length that fits")
    }

    fn u64s(&mut self) -> Vec<u64> {
        let n = self.len();
        self.take(8 * n).chunks_exact(8).map(|w| u64::from_le_bytes(w.try_into().expect("8 bytes"))).collect()
    }

    fn u32s(&mut self) -> Vec<u32> {
        let n = self.len();
        self.take(4 * n).chunks_exact(4).map(|w| u32::from_le_bytes(w.try_into().expect("4 bytes"))).collect()
    }

    fn bytes(&mut self) -> &[u8] {
        let n = self.len();
        self.take(n)
    }

    fn table<const N: usize>(&mut self) -> Box<[u64; N]> {
        self.u64s().into_boxed_slice().try_into().expect("a table of its size")
    }
}

impl Trie {
    /// The trie as bytes (see the module docs).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.u32s(&self.root_bmp);
        w.u64s(&self.fast[..]);
        w.u64s(&self.plain[..]);
        // Sorted: the same trie gives the same bytes.
        let mut astral: Vec<(char, u32)> = self.root_astral.iter().map(|(&c, &n)| (c, n)).collect();
        astral.sort_unstable();
        w.len(astral.len());
        astral.iter().for_each(|&(c, n)| w.u64(u64::from(c as u32) << 32 | u64::from(n)));
        w.len(self.nodes.len());
        for n in &self.nodes {
            w.u64(n.child_mask);
            w.u32(n.value);
            w.u32(u32::from(n.value_len) << 16 | u32::from(n.rank));
            w.u32(n.edges_start);
            w.u32(n.edges_len);
        }
        w.len(self.pair_slots.len());
        for s in &self.pair_slots {
            w.u32(s.key);
            w.u32(s.node);
            w.u64(s.answer);
            w.u64(s.mask);
        }
        w.u32(self.pair_hashes);
        w.u64s(&self.pairs[..]);
        w.len(self.edges.len());
        self.edges.iter().for_each(|&(c, n)| w.u64(u64::from(c as u32) << 32 | u64::from(n)));
        w.bytes(self.values.as_bytes());
        w.len(self.max_key_chars);
        w.u32(u32::from(self.min_lead));
        match &self.prefix_ranges {
            None => w.u32(u32::MAX),
            Some((ranges, used)) => {
                w.u32(u32::try_from(*used).expect("a few ranges"));
                let flat: Vec<u8> = ranges.iter().flat_map(|&(a, b, c)| [a, b, c]).collect();
                w.bytes(&flat);
            }
        }
        w.0
    }

    /// A trie from [`Trie::to_bytes`] of this build.
    ///
    /// # Panics
    /// On bytes no trie of this build gave.
    pub(crate) fn from_bytes(b: &[u8]) -> Trie {
        let ch = |x: u64| char::from_u32((x >> 32) as u32).expect("a character");
        let mut r = Reader(b);
        let root_bmp = r.u32s();
        let fast = r.table();
        let plain = r.table();
        let n = r.len();
        let root_astral = (0..n).map(|_| r.u64()).map(|x| (ch(x), x as u32)).collect();
        let n = r.len();
        let nodes = (0..n)
            .map(|_| {
                let child_mask = r.u64();
                let value = r.u32();
                let len_rank = r.u32();
                let (edges_start, edges_len) = (r.u32(), r.u32());
                Node {
                    child_mask,
                    value,
                    value_len: (len_rank >> 16) as u16,
                    rank: len_rank as u16,
                    edges_start,
                    edges_len,
                }
            })
            .collect();
        let n = r.len();
        let pair_slots = (0..n)
            .map(|_| {
                let (key, node) = (r.u32(), r.u32());
                PairSlot { key, node, answer: r.u64(), mask: r.u64() }
            })
            .collect();
        let pair_hashes = r.u32();
        let pairs = r.table();
        let n = r.len();
        let edges = (0..n).map(|_| r.u64()).map(|x| (ch(x), x as u32)).collect();
        let values = String::from_utf8(r.bytes().to_vec()).expect("UTF-8 values");
        let max_key_chars = r.len();
        let min_lead = u8::try_from(r.u32()).expect("a byte");
        let prefix_ranges = match r.u32() {
            u32::MAX => None,
            used => {
                let flat = r.bytes();
                let mut ranges: PrefixRanges = Default::default();
                for (slot, t) in ranges.iter_mut().zip(flat.chunks_exact(3)) {
                    *slot = (t[0], t[1], t[2]);
                }
                Some((ranges, used as usize))
            }
        };
        assert!(r.0.is_empty(), "bytes left after a trie");
        Trie {
            root_bmp,
            fast,
            plain,
            root_astral,
            nodes,
            pair_slots,
            pair_hashes,
            pairs,
            edges,
            values,
            max_key_chars,
            min_lead,
            prefix_ranges,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trie_comes_back_from_its_bytes_as_it_was() {
        // Keys of one, two and more characters, astral and IDS ones, ranks.
        let mut b = TrieBuilder::default();
        for (k, v, r) in [("中", "中", 0), ("中國", "中国", 0), ("乾", "干", 1), ("乾隆", "乾隆", 0), ("𠀀", "x", 0)]
        {
            b.insert(k, v, r);
        }
        b.insert("⿰木木", "林", 2);
        let t = b.build();
        let bytes = t.to_bytes();
        let back = Trie::from_bytes(&bytes);
        assert_eq!(back.to_bytes(), bytes);
        for text in ["中國乾隆", "乾", "𠀀中", "⿰木木", "中"] {
            assert_eq!(back.match_prefix(text), t.match_prefix(text), "{text}");
        }
    }
}
