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

/// Whether `table` (keys as little-endian `u64`s, sorted) holds `key`.
pub(crate) fn holds(table: &[u8], key: u64) -> bool {
    let (mut lo, mut hi) = (0, table.len() / 8);
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
