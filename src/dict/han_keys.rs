//! The word list's two- and three-character Han words as sorted `u64`
//! keys: built by the build script (`build.rs` includes this file) and
//! compiled in, so no process parses and sorts the list to answer "is this
//! a word" (that cost 57M instructions, the time of converting 0.8 MB).

/// Two or three characters as one number, 21 bits each, first highest (a
/// missing third is 0), or None for another length.
pub(crate) fn han_word_key(cs: &[char]) -> Option<u64> {
    let third = match cs.len() {
        2 => 0,
        3 => u64::from(cs[2]),
        _ => return None,
    };
    Some((u64::from(cs[0]) << 42) | (u64::from(cs[1]) << 21) | third)
}

/// The keys of the list's words of two or three Han characters, and of
/// those among them whose tag is not a noun's or a time word's (not `n…`,
/// `t…`), each sorted and without repeats. `jieba` holds `word freq tag`
/// lines.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn tables(jieba: &str) -> (Vec<u64>, Vec<u64>) {
    let (mut keys, mut not_nouns) = (Vec::new(), Vec::new());
    for line in jieba.lines() {
        let mut fields = line.split(' ');
        let word: Vec<char> = fields.next().unwrap_or("").chars().collect();
        let tag = fields.nth(1).unwrap_or("");
        if !word.iter().all(|&c| crate::han::is_han(c)) {
            continue;
        }
        if let Some(k) = han_word_key(&word) {
            keys.push(k);
            if !tag.starts_with(['n', 't']) {
                not_nouns.push(k);
            }
        }
    }
    for v in [&mut keys, &mut not_nouns] {
        v.sort_unstable();
        v.dedup();
    }
    (keys, not_nouns)
}

/// The first characters [`index`] covers, U+4E00-U+9FFF: the first
/// character of nearly every word.
pub(crate) const INDEX_FIRSTS: std::ops::Range<u64> = 0x4E00..0xA000;

/// Where each first character's keys start in `keys` (sorted), for each
/// character of [`INDEX_FIRSTS`] and one past the last: a key is then
/// searched for among its first character's few keys (five on average)
/// instead of the whole table's hundred thousand, whose binary search
/// missed the cache at most of its seventeen steps (the rejoin and unwrap
/// passes' word test ran four times slower than its instructions).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn index(keys: &[u64]) -> Vec<u32> {
    (INDEX_FIRSTS.start..=INDEX_FIRSTS.end)
        .map(|c| u32::try_from(keys.partition_point(|&k| k >> 42 < c)).expect("fewer than 2^32 keys"))
        .collect()
}

/// Whether `table` (keys as little-endian `u64`s, sorted) holds `key`;
/// `index` is [`index`] of the table, as little-endian `u32`s.
pub(crate) fn holds(table: &[u8], index: &[u8], key: u64) -> bool {
    let first = key >> 42;
    let (mut lo, mut hi) = if INDEX_FIRSTS.contains(&first) {
        let at = |i: usize| u32::from_le_bytes(index[i * 4..i * 4 + 4].try_into().expect("4 bytes")) as usize;
        let i = (first - INDEX_FIRSTS.start) as usize;
        (at(i), at(i + 1))
    } else {
        (0, table.len() / 8)
    };
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let at = u64::from_le_bytes(table[mid * 8..mid * 8 + 8].try_into().expect("8 bytes"));
        match at.cmp(&key) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_finds_what_the_whole_table_holds() {
        // Keys whose first characters fall inside the index's range, at its
        // ends and outside it, several to a character; asked about every
        // key and the keys one off each.
        let firsts = [0x3400u64, 0x4DFF, 0x4E00, 0x4E01, 0x6000, 0x9FFF, 0xA000, 0x20000];
        let mut rng = crate::testing::Lcg::new(5);
        let mut keys: Vec<u64> = (0..600)
            .map(|_| (firsts[rng.below(firsts.len())] << 42) | ((0x4E00 + rng.below(64) as u64) << 21))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let table: Vec<u8> = keys.iter().flat_map(|k| k.to_le_bytes()).collect();
        let bytes = |keys: &[u64]| index(keys).iter().flat_map(|i| i.to_le_bytes()).collect::<Vec<u8>>();
        let idx = bytes(&keys);
        for &k in &keys {
            for q in [k - 1, k, k + 1, k + (1 << 21)] {
                assert_eq!(holds(&table, &idx, q), keys.binary_search(&q).is_ok(), "{q:x}");
            }
        }
        assert!(!holds(&[], &bytes(&[]), 0x4E00 << 42));
    }
}
