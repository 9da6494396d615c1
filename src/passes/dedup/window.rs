//! The hashing under `dedup`: text normalised for comparison (whitespace
//! out, full-width punctuation and curly quotes folded) and a set of
//! 64-bit window hashes.

/// The multiplier of the rolling window hash (FNV-1a's 64-bit prime).
pub(super) const BASE: u64 = 0x100_0000_01B3;

/// A set of 64-bit hashes (paragraphs and windows): an open-addressing
/// table of `u64` with linear probing, at most half full. The values are
/// hashes already, so the slot is their top bits; 0 marks an empty slot (a
/// hash of 0 is stored as 1, one more collision in 2^64). Half the memory
/// traffic of a general hash set on the pass's hottest path: one window
/// insert per character.
#[derive(Debug, Default)]
pub(super) struct HashSet64 {
    slots: Vec<u64>,
    len: usize,
    /// 64 - log2(slots.len()).
    shift: u32,
}

impl HashSet64 {
    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Room for `n` hashes without growing.
    pub(super) fn reserve(&mut self, n: usize) {
        let want = (2 * (self.len + n)).next_power_of_two().max(64);
        if want > self.slots.len() {
            self.rebuild(want);
        }
    }

    pub(super) fn rebuild(&mut self, size: usize) {
        let old = std::mem::replace(&mut self.slots, vec![0; size]);
        self.shift = 64 - size.trailing_zeros();
        self.len = 0;
        for h in old.into_iter().filter(|&h| h != 0) {
            self.insert(h);
        }
    }

    #[inline]
    pub(super) fn contains(&self, h: u64) -> bool {
        if self.slots.is_empty() {
            return false;
        }
        let h = h.max(1);
        let mask = self.slots.len() - 1;
        let mut i = (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize;
        loop {
            match self.slots[i] {
                0 => return false,
                x if x == h => return true,
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// Adds `h`; true if it was new.
    #[inline]
    pub(super) fn insert(&mut self, h: u64) -> bool {
        if 2 * (self.len + 1) > self.slots.len() {
            self.rebuild((2 * self.slots.len()).max(64));
        }
        let h = h.max(1);
        let mask = self.slots.len() - 1;
        let mut i = (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize;
        loop {
            match self.slots[i] {
                0 => {
                    self.slots[i] = h;
                    self.len += 1;
                    return true;
                }
                x if x == h => return false,
                _ => i = (i + 1) & mask,
            }
        }
    }

    pub(super) fn clear(&mut self) {
        // Keep a table the size this document needed, so that clearing
        // costs what the document cost: one long document before many
        // short ones (a JSONL shard) made every later clear zero the long
        // one's table (65 000 instructions a document). Past 2^16 slots
        // the allocation goes.
        let needed = (2 * self.len).next_power_of_two().max(64);
        if self.slots.len() > 1 << 16 {
            self.slots = Vec::new();
            self.shift = 0;
        } else if self.slots.len() > 2 * needed {
            self.slots = vec![0; needed];
            self.shift = 64 - needed.trailing_zeros();
        } else {
            self.slots.fill(0);
        }
        self.len = 0;
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
pub(super) fn runs_at_ends(hashes: &[u64], w: usize, n: usize, seen: &HashSet64) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    if let (Some(&first), Some(&last)) = (hashes.first(), hashes.last()) {
        if seen.contains(first) {
            let (mut i, mut end) = (1, w);
            while i < hashes.len() && i <= end {
                if seen.contains(hashes[i]) {
                    end = i + w;
                }
                i += 1;
            }
            spans.push((0, end));
        }
        if spans.first().is_none_or(|&(_, e)| e < n) && seen.contains(last) {
            let mut start = hashes.len() - 1;
            let mut j = start;
            while j > 0 && j - 1 + w >= start {
                j -= 1;
                if seen.contains(hashes[j]) {
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
