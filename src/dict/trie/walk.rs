//! Matching against a [`Trie`]: the longest key at a position, and the
//! scans that tell a stage it only copies.

use super::*;

impl Trie {
    /// Longest key, in characters.
    pub(crate) fn max_key_chars(&self) -> usize {
        self.max_key_chars
    }

    /// Whether some key starts with `c`.
    #[inline]
    pub(super) fn starts_key(&self, c: char) -> bool {
        if (c as u32) < 0x10000 {
            self.bmp_starts_key(c as u32)
        } else {
            self.root_astral.contains_key(&c)
        }
    }

    /// [`Trie::starts_key`] of the BMP character `cp`.
    #[inline]
    fn bmp_starts_key(&self, cp: u32) -> bool {
        let e = self.root_entry(cp);
        e & IS_KEY != 0 || (e & SPECIAL != 0 && e & !SPECIAL != NO_NODE)
    }

    /// The root entry of a BMP character (see [`SPECIAL`]).
    #[inline(always)]
    fn root_entry(&self, c: u32) -> u32 {
        self.root_bmp[c as usize]
    }

    /// Whether the character `cp` outputs itself and starts no key (see
    /// `plain`).
    #[inline(always)]
    pub(crate) fn plain(&self, cp: u32) -> bool {
        cp < 0x10000 && self.plain[(cp >> 6) as usize & 0x3FF] >> (cp & 63) & 1 != 0
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

    /// Where a stage stops just copying `text`, if it does: the first
    /// character a key may start with, or an IDS operator's first two bytes
    /// (a sequence the stage may hold for the next push); None when there
    /// is none. The stage's loop starts there, every character before it
    /// being its own output. A stage whose keys are all rare characters is
    /// skipped this way for most text: when the keys' first characters fit
    /// in a few (lead byte, second byte range) pairs, one branch-free scan
    /// tests them and the IDS operators together; otherwise a byte scan
    /// finds lead bytes at or above the smallest key lead byte (or the IDS
    /// operators' E2) and looks up just those characters.
    #[inline]
    pub(crate) fn first_change(&self, text: &str) -> Option<usize> {
        match self.prefix_ranges {
            Some((r, 1)) => self.scan::<1>(text, &r),
            Some((r, 2)) => self.scan::<2>(text, &r),
            Some((r, 3)) => self.scan::<3>(text, &r),
            Some((r, 4)) => self.scan::<4>(text, &r),
            Some((r, _)) => self.scan::<5>(text, &r),
            None => self.first_by_lead(text),
        }
    }

    /// [`Trie::first_change`] by the first `N` prefix ranges (the IDS
    /// operators' among them), the count a constant so that the test of
    /// each byte pair is unrolled.
    fn scan<const N: usize>(&self, text: &str, ranges: &PrefixRanges) -> Option<usize> {
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
            if any {
                if let Some(j) = (i..i + 32).find(|&j| hit(b[j], b[j + 1]) && real(j)) {
                    return Some(j);
                }
            }
            i += 32;
        }
        // The rest (a short text is all rest) as one more block, padded
        // with 0x80, which leads no character and so no range: a byte at a
        // time it cost more than the blocks before it.
        let mut w = [0x80u8; 33];
        w[..b.len() - i].copy_from_slice(&b[i..]);
        let any = (0..32).fold(false, |a, j| a | hit(w[j], w[j + 1]));
        if !any {
            return None;
        }
        (i..b.len()).find(|&j| hit(b[j], b.get(j + 1).copied().unwrap_or(0)) && real(j))
    }

    /// Where the first character that may start a key, or the first IDS
    /// operator's first two bytes, is in `text`, by lead bytes (see
    /// [`Trie::first_change`]).
    fn first_by_lead(&self, text: &str) -> Option<usize> {
        let b = text.as_bytes();
        // The IDS prefix's lead byte is looked at too, whatever the keys'
        // lowest: asked here of the characters decoded anyway, not by a
        // byte search of its own (whose searcher, built at each call, cost
        // a short document 150 instructions).
        let min = self.min_lead.min(IDS_PREFIX.0);
        let mut i = 0;
        while i < b.len() {
            let x = b[i];
            // Below every key's lead byte, or inside a character: on. (A
            // character at a time with the crate's decoder: most of a
            // Chinese text is three-byte characters, each asked.)
            if x < min || x & 0xC0 == 0x80 {
                i += 1;
                continue;
            }
            let (cp, n) = decode_at(b, i);
            let starts = if cp < 0x10000 {
                // (E2 BF leads U+2FC0..U+2FFF.)
                self.bmp_starts_key(cp) || cp >> 6 == IDS_BLOCK
            } else {
                self.starts_key(char::from_u32(cp).expect("a character starts here"))
            };
            if starts {
                return Some(i);
            }
            i += n;
        }
        None
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
