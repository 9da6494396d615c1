//! The hashing under `dedup`: text normalised for comparison (whitespace
//! out, full-width punctuation and curly quotes folded) and a set of
//! 64-bit window hashes.

/// The multiplier of the rolling window hash (FNV-1a's 64-bit prime).
pub(super) const BASE: u64 = 0x100_0000_01B3;

/// The window hashes of a line, read off its prefix hashes: window `i`
/// (the `w` folded characters from the `i`th) hashes to
/// `Σ f[i + j] · BASE^(w - 1 - j)`, which is `pre[i + w] - pre[i] · BASE^w`
/// with `pre[k]` the same polynomial over the first `k` characters. The
/// scan pushes one prefix per character and keeps no window of its own;
/// a window's hash is computed where it is asked for (most are asked once,
/// when the set takes them).
#[derive(Debug, Default)]
pub(super) struct Windows {
    /// `pre[k]`: the first `k` folded characters' hash (`pre[0]` is 0).
    pub(super) pre: Vec<u64>,
    w: usize,
    /// BASE^w.
    bw: u64,
}

impl Windows {
    /// Windows of `w` characters.
    pub(super) fn new(w: usize) -> Windows {
        Windows { pre: Vec::new(), w, bw: (0..w).fold(1u64, |p, _| p.wrapping_mul(BASE)) }
    }

    /// How many windows the line has.
    #[inline]
    pub(super) fn len(&self) -> usize {
        self.pre.len().saturating_sub(self.w)
    }

    /// Window `i`'s hash (`i < len()`).
    #[inline]
    pub(super) fn at(&self, i: usize) -> u64 {
        self.pre[i + self.w].wrapping_sub(self.pre[i].wrapping_mul(self.bw))
    }

    /// The hashes of windows `from..to` (`to <= len()`), read off two
    /// slices of the prefixes (no bounds check per window).
    pub(super) fn range(&self, from: usize, to: usize) -> impl ExactSizeIterator<Item = u64> + '_ {
        // (A line shorter than a window has none: `ends` is then empty.)
        let ends = self.pre.get(from + self.w..to + self.w).unwrap_or_default();
        let bw = self.bw;
        ends.iter().zip(&self.pre[from..to]).map(move |(&a, &b)| a.wrapping_sub(b.wrapping_mul(bw)))
    }

    /// Window `i`'s hash, if the line has it.
    pub(super) fn get(&self, i: usize) -> Option<u64> {
        (i < self.len()).then(|| self.at(i))
    }
}

/// A set of 64-bit hashes (paragraphs and windows): an open-addressing
/// table of `u64` with linear probing, at most half full. The values are
/// hashes already, so the slot is their top bits. Half the memory traffic
/// of a general hash set on the pass's hottest path: one window insert per
/// character.
///
/// A slot holds the hash multiplied by an odd constant (a one-to-one mix,
/// whose top bits pick the slot), its low byte replaced by the epoch it
/// was filled in; a slot of another epoch (or 0) is empty. Clearing the set
/// between documents starts a new epoch instead of zeroing the table (for
/// JSONL, one zeroing per record was 3% of a run's instructions), and the
/// table is only zeroed when the byte wraps, once in 255 clears. Two hashes
/// whose mixes differ only in their low byte are taken for one: one more
/// collision in 2^56. (Unmixed, that byte would have been the hash's own:
/// a rolling window hash puts the last character's value in its low bits,
/// and windows differing in that character alone would have met.)
#[derive(Debug)]
pub(super) struct HashSet64 {
    /// The table; its first `size` slots are in use (a smaller document
    /// uses fewer, keeping its hashes close together).
    slots: Vec<u64>,
    size: usize,
    len: usize,
    /// 64 - log2(size).
    shift: u32,
    /// 1..=255.
    epoch: u64,
}

/// A slot's epoch bits.
const EPOCH: u64 = 0xFF;

/// Slots from which a table grows four times over (see
/// [`HashSet64::reserve`]).
const GROW_BY_FOUR: usize = 1 << 14;

impl Default for HashSet64 {
    fn default() -> HashSet64 {
        HashSet64 { slots: Vec::new(), size: 0, len: 0, shift: 0, epoch: 1 }
    }
}

/// A hash mixed as the set stores it, its epoch byte clear.
#[inline]
fn mix(h: u64) -> u64 {
    h.wrapping_mul(0x9E37_79B9_7F4A_7C15) & !EPOCH
}

/// Stores the key `k` (of epoch `epoch`) in `slots`, `mask + 1` of them
/// (a power of two, with room; `shift` picks a key's first slot): true if
/// it was new. (The slice is exactly the table's size, so the masked index
/// needs no bounds check.)
#[inline(always)]
fn put_in(slots: &mut [u64], mask: usize, shift: u32, epoch: u64, k: u64) -> bool {
    let mut i = (k >> shift) as usize;
    loop {
        let x = &mut slots[i & mask];
        if *x == k {
            return false;
        }
        if *x & EPOCH != epoch {
            *x = k;
            return true;
        }
        i += 1;
    }
}

impl HashSet64 {
    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Room for `n` hashes without growing, in a set that will hold at
    /// most `most` (the pass's cap on windows). A table of `GROW_BY_FOUR`
    /// slots or more grows four times over, not two, up to the size `most`
    /// needs: a long document (a plain file is one) grows its table from
    /// 64 slots to half a million, and each growth puts every hash in
    /// again, out of the cache (2.2M instructions fewer on the 4 MB plain
    /// head, 1-2% of its time). Smaller tables, a short document's, keep
    /// to the size they need, so that its hashes stay close together.
    pub(super) fn reserve(&mut self, n: usize, most: usize) {
        let want = (2 * (self.len + n)).next_power_of_two().max(64);
        if want > self.size {
            let full = (2 * most).next_power_of_two();
            let grown = if self.size >= GROW_BY_FOUR { want.max((4 * self.size).min(full)) } else { want };
            self.resize(grown);
        }
    }

    /// Puts this epoch's hashes in a table of `size` slots.
    fn resize(&mut self, size: usize) {
        let (epoch, old_size) = (self.epoch, self.size);
        if self.len == 0 && size <= self.slots.len() {
            // Nothing of this epoch to move (a document's first line asks
            // for room): every slot already reads as empty. (A slot past
            // the old size was last filled in an earlier epoch: sizes only
            // shrink at a new one.)
            self.set_size(size);
            return;
        }
        if size > self.slots.len() {
            // New storage, zeroed (a large table comes zeroed from the
            // system, without a pass over it); the old one read once.
            let old = std::mem::replace(&mut self.slots, vec![0; size]);
            self.set_size(size);
            self.put_all(old[..old_size].iter().copied().filter(|&k| k & EPOCH == epoch));
        } else {
            // Within the storage (a smaller document used less of it).
            let kept: Vec<u64> = self.slots[..old_size].iter().copied().filter(|&k| k & EPOCH == epoch).collect();
            self.next_epoch();
            self.set_size(size);
            self.put_all(kept.into_iter());
        }
    }

    /// Uses `size` slots, all empty.
    fn set_size(&mut self, size: usize) {
        self.size = size;
        self.shift = 64 - size.trailing_zeros();
        self.len = 0;
    }

    /// Empties every slot: a new epoch (the table zeroed when it wraps).
    fn next_epoch(&mut self) {
        self.epoch += 1;
        if self.epoch > EPOCH {
            self.slots.fill(0);
            self.epoch = 1;
        }
    }

    /// `h` mixed, as this epoch stores it.
    #[inline]
    fn key(&self, h: u64) -> u64 {
        mix(h) | self.epoch
    }

    /// The first slot of a stored key (any epoch's).
    #[inline]
    fn home(&self, k: u64) -> usize {
        (k >> self.shift) as usize
    }

    #[inline]
    pub(super) fn contains(&self, h: u64) -> bool {
        if self.size == 0 {
            return false;
        }
        let k = self.key(h);
        let (mut i, mask) = (self.home(k), self.size - 1);
        loop {
            match self.slots[i] {
                x if x == k => return true,
                x if x & EPOCH != self.epoch => return false,
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// Adds `h`; true if it was new.
    #[inline]
    pub(super) fn insert(&mut self, h: u64) -> bool {
        if 2 * (self.len + 1) > self.size {
            self.resize((2 * self.size).max(64));
        }
        self.put(self.key(h))
    }

    /// Adds the hashes of `hs`, in order, with room made for all at once.
    pub(super) fn extend(&mut self, hs: impl ExactSizeIterator<Item = u64>, most: usize) {
        self.reserve(hs.len(), most);
        self.put_all(hs.map(mix));
    }

    /// Stores the keys `ks` (of any epoch: made this one's) in a table with
    /// room for them. The table's fields in locals, its slots a slice that
    /// the masked index provably stays in: no bounds check per probe (a
    /// key at a time through [`HashSet64::put`], growing a document's
    /// table cost 1.5% of a plain file's run).
    fn put_all(&mut self, ks: impl Iterator<Item = u64>) {
        let (epoch, shift, mask) = (self.epoch, self.shift, self.size - 1);
        let slots = &mut self.slots[..=mask];
        let mut added = 0;
        for k in ks {
            if put_in(slots, mask, shift, epoch, k & !EPOCH | epoch) {
                added += 1;
            }
        }
        self.len += added;
    }

    /// Stores the key `k` (of any epoch: made this one's) in a table with
    /// room; true if it was new.
    #[inline]
    fn put(&mut self, k: u64) -> bool {
        let mask = self.size - 1;
        let new = put_in(&mut self.slots[..=mask], mask, self.shift, self.epoch, k & !EPOCH | self.epoch);
        self.len += usize::from(new);
        new
    }

    pub(super) fn clear(&mut self) {
        // Use as many slots as this document needed, so that the next
        // one's hashes stay close together. Past 2^16 slots the table goes.
        if self.slots.len() > 1 << 16 {
            *self = HashSet64 { epoch: self.epoch, ..HashSet64::default() };
            return;
        }
        let needed = (2 * self.len).next_power_of_two().max(64);
        // (A set that holds nothing of this epoch is empty in it: no new
        // one is needed, nor the zeroing a wrap of the epochs costs, for a
        // document that remembered nothing.)
        if self.len > 0 {
            self.next_epoch();
        }
        self.set_size(if self.size > 2 * needed { needed } else { self.size });
    }
}

#[inline]
pub(super) fn fold(c: char) -> Option<char> {
    // Han characters, the bulk of the text, first.
    if ('\u{4e00}'..='\u{9fff}').contains(&c) {
        return Some(c);
    }
    if c.is_whitespace() {
        return None;
    }
    Some(match c {
        '，' => ',',
        '；' => ';',
        '：' => ':',
        '？' => '?',
        '！' => '!',
        '（' => '(',
        '）' => ')',
        '“' | '”' => '"',
        '‘' | '’' => '\'',
        c => c,
    })
}

/// The value a folded character adds to the hashes: its code point, but for
/// U+4000-U+9FFF (most of Chinese text), its three UTF-8 bytes read as one
/// number, which the scan takes without decoding them. (Those numbers,
/// 0xE48080 and up, are above every code point: no two characters share a
/// key.)
#[inline]
pub(super) fn key(c: char) -> u64 {
    if ('\u{4000}'..='\u{9fff}').contains(&c) {
        let mut b = [0u8; 4];
        c.encode_utf8(&mut b);
        u64::from(b[0]) << 16 | u64::from(b[1]) << 8 | u64::from(b[2])
    } else {
        c as u64
    }
}

/// Appends the folded characters of `s` with their byte offsets.
pub(super) fn normalize_into(s: &str, norm: &mut Vec<(char, usize)>) {
    norm.reserve(s.len() / 3 + 1);
    for (i, c) in s.char_indices() {
        if let Some(f) = fold(c) {
            norm.push((f, i));
        }
    }
}

/// The runs of windows seen before that reach a line's start or end, as
/// (start, end) in normalized characters: the connected parts of the
/// union of the seen windows touching position 0 or `n`, found by walking
/// from that end while windows keep overlapping. A column printed twice is
/// glued at a paragraph boundary, so only these matter, and a line with no
/// repeat costs two lookups instead of one per character.
pub(super) fn runs_at_ends(hashes: &Windows, w: usize, n: usize, seen: &HashSet64) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let count = hashes.len();
    if count > 0 {
        if seen.contains(hashes.at(0)) {
            let (mut i, mut end) = (1, w);
            while i < count && i <= end {
                if seen.contains(hashes.at(i)) {
                    end = i + w;
                }
                i += 1;
            }
            spans.push((0, end));
        }
        if spans.first().is_none_or(|&(_, e)| e < n) && seen.contains(hashes.at(count - 1)) {
            let mut start = count - 1;
            let mut j = start;
            while j > 0 && j - 1 + w >= start {
                j -= 1;
                if seen.contains(hashes.at(j)) {
                    start = j;
                }
            }
            match spans.first_mut() {
                // The two runs touch: one span.
                Some(head) if head.1 >= start => head.1 = n,
                _ => spans.push((start, n)),
            }
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::{HashSet64, Windows, BASE};

    #[test]
    fn windows_from_prefixes_are_the_rolling_hash() {
        // The rolling hash over a ring of the window's characters, as the
        // scan computed it before, against the windows read off prefixes.
        let mut rng = crate::testing::Lcg::new(65);
        for w in [1, 2, 5, 30] {
            let top = (1..w).fold(1u64, |p, _| p.wrapping_mul(BASE));
            for len in 0..80 {
                let fs: Vec<u64> = (0..len).map(|_| rng.below(1 << 20) as u64).collect();
                let (mut ring, mut h, mut slot, mut want) = (vec![0u64; w], 0u64, 0, Vec::new());
                for (k, &f) in fs.iter().enumerate() {
                    h = h.wrapping_sub(ring[slot].wrapping_mul(top)).wrapping_mul(BASE).wrapping_add(f);
                    ring[slot] = f;
                    slot = (slot + 1) % w;
                    if k + 1 >= w {
                        want.push(h);
                    }
                }
                let mut wins = Windows::new(w);
                wins.pre.push(0);
                for &f in &fs {
                    let last = *wins.pre.last().expect("one prefix");
                    wins.pre.push(last.wrapping_mul(BASE).wrapping_add(f));
                }
                let got: Vec<u64> = (0..wins.len()).map(|i| wins.at(i)).collect();
                assert_eq!(got, want, "w {w}, {len} characters");
                assert_eq!(wins.get(wins.len()), None);
                // Any range of them, read off the two slices.
                for from in 0..=wins.len() {
                    let to = from + rng.below(wins.len() - from + 1);
                    assert_eq!(wins.range(from, to).collect::<Vec<_>>(), want[from..to], "w {w}, {from}..{to}");
                }
            }
        }
    }

    #[test]
    fn the_set_holds_what_a_hash_set_holds_across_clears() {
        let mut ours = HashSet64::default();
        let mut std: std::collections::HashSet<u64> = std::collections::HashSet::new();
        let mut rng = crate::testing::Lcg::new(64);
        // Documents of every size, more than 255 of them (the epoch wraps),
        // a table grown past 2^16 slots and dropped; then 600 small ones
        // from a small pool (a hash of an old epoch left in the table is
        // soon asked for). Hashes differing in their low byte alone (as
        // windows differing in their last character do) are told apart.
        for doc in 0..1300 {
            let (n, pool, low) = match doc {
                0..700 if doc % 97 == 0 => (40_000, 1 << 20, 256),
                0..700 => (rng.below(600), 1 << 20, 256),
                _ => (rng.below(300), 1 << 8, 4),
            };
            // (The most the set is told it will hold: less than it holds at
            // times, so that a table is grown by four and held at a size.)
            let most = [1 << 10, 1 << 15, 1 << 20][doc % 3];
            ours.reserve(rng.below(n + 1), most);
            for _ in 0..n {
                let h = ((rng.below(pool) as u64) << 40) | 0xAB00 | (rng.below(low) as u64);
                let probe = ((rng.below(pool) as u64) << 40) | 0xAB00;
                assert_eq!(ours.insert(h), std.insert(h), "{doc}");
                assert_eq!(ours.contains(probe), std.contains(&probe), "{doc}");
                assert_eq!(ours.len(), std.len());
            }
            // A batch added at once, repeats among it and of the above.
            let batch: Vec<u64> = (0..rng.below(n + 2))
                .map(|_| ((rng.below(pool) as u64) << 40) | 0xAB00 | (rng.below(low) as u64))
                .collect();
            ours.extend(batch.iter().copied(), most);
            std.extend(batch.iter().copied());
            assert_eq!(ours.len(), std.len(), "{doc}");
            assert!(batch.iter().all(|&h| ours.contains(h)), "{doc}");
            ours.clear();
            std.clear();
            assert!(ours.is_empty() && !ours.contains(0xAB00));
        }
    }

    #[test]
    fn a_document_that_remembered_nothing_leaves_no_hash_behind() {
        // Documents that add nothing (cleared without a new epoch) among
        // ones that do, the table grown and shrunk around them, the epoch
        // wrapping twice: each document finds every hash it added and none
        // of the one before that added any.
        let mut set = HashSet64::default();
        let mut rng = crate::testing::Lcg::new(5);
        let mut earlier: Vec<u64> = Vec::new();
        for doc in 0..2000 {
            let n = if doc % 3 == 0 { rng.below(3000) } else { 0 };
            if rng.below(2) == 0 {
                set.reserve(rng.below(4000), 1 << 18);
            }
            let mine: std::collections::HashSet<u64> =
                (0..n).map(|_| (rng.below(1 << 30) as u64).wrapping_mul(0x2545_F491_4F6C_DD1D)).collect();
            for &h in &mine {
                set.insert(h);
            }
            assert!(mine.iter().all(|&h| set.contains(h)), "{doc}");
            assert!(earlier.iter().filter(|h| !mine.contains(h)).all(|&h| !set.contains(h)), "{doc}");
            if n > 0 {
                earlier = mine.into_iter().collect();
            }
            set.clear();
        }
    }

    #[test]
    fn a_long_document_grows_its_table_by_four_up_to_what_the_cap_needs() {
        // Windows added a line at a time up to the pass's cap, and past a
        // smaller cap than the set holds: the sizes the table took, and
        // every hash found.
        let hash = |i: usize| (i as u64).wrapping_mul(0x2545_F491_4F6C_DD1D);
        for (most, added, want) in [
            (1 << 18, 1 << 18, vec![128, 256, 512, 1024, 2048, 4096, 8192, 16384, 65536, 262_144, 524_288]),
            (1 << 12, 40_000, vec![128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131_072]),
        ] {
            let mut set = HashSet64::default();
            let mut sizes: Vec<usize> = Vec::new();
            let mut next = 0;
            while next < added {
                let line = 40.min(added - next);
                set.extend((next..next + line).map(hash), most);
                next += line;
                if sizes.last() != Some(&set.size) {
                    sizes.push(set.size);
                }
            }
            assert_eq!(sizes, want, "most {most}");
            assert_eq!(set.len(), added);
            assert!((0..next).all(|i| set.contains(hash(i))) && !set.contains(hash(next)));
        }
    }

    #[test]
    fn a_cleared_hash_stays_gone_whatever_the_epoch() {
        // One document fills a large table; each later one grows back into
        // it (a new epoch) and is cleared (another): over 600 rounds the
        // epoch comes back to the first one's more than once.
        let mut set = HashSet64::default();
        let first: Vec<u64> = (1..=5000u64).map(|i| i.wrapping_mul(0x2545_F491_4F6C_DD1D)).collect();
        for &h in &first {
            set.insert(h);
        }
        set.clear();
        for round in 0..600 {
            set.reserve(5000, 1 << 18);
            assert!(first.iter().all(|&h| !set.contains(h)), "round {round}");
            set.insert(round);
            set.clear();
        }
    }
}
