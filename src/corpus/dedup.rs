//! Corpus-wide duplicate paragraphs: keep the first occurrence in input
//! order, remove later ones.
//!
//! # Keys (version 1)
//!
//! A paragraph's key is stable across machines and runs, so shards cleaned
//! apart can share one key set. It is computed as:
//!
//! 1. Normalize the paragraph, character by character:
//!    * full-width ASCII (U+FF01–U+FF5E) becomes ASCII, and ASCII letters
//!      are lower-cased;
//!    * a Traditional character becomes its Simplified form by OpenCC
//!      1.4.2's `TSCharacters` table (first candidate, single characters
//!      only, so no phrase context is involved);
//!    * whitespace, controls and punctuation are dropped (ASCII punctuation
//!      and symbols, U+2000–U+206F, U+2E00–U+2E7F, U+3000–U+303F,
//!      U+FE10–U+FE1F, U+FE30–U+FE6F, U+FF00–U+FF65 after folding).
//! 2. If fewer than [`CorpusDedupConfig::min_chars`] characters remain,
//!    the paragraph has no key and is never removed.
//! 3. The key is XXH3-128 (seed 0) of the UTF-8 bytes of `zhclean:v1:`
//!    followed by the normalized text, written as 32 hex digits in XXH128's
//!    canonical (big-endian) form, as Python's
//!    `xxhash.xxh3_128_hexdigest` prints it.
//!
//! The version is part of the hashed text: a change to the normalization
//! changes the prefix, so keys of different versions never match.
//!
//! ```
//! use zhclean::corpus::dedup::{CorpusDedupConfig, Keyer};
//! let k = Keyer::new(&CorpusDedupConfig::default());
//! // Script, width, spacing and punctuation do not change the key.
//! let a = k.key("本報訊，ＡＢＣ公司今日宣佈新產品將於下月正式上市。");
//! assert!(a.is_some());
//! assert_eq!(a, k.key("本报讯 abc公司今日宣布新产品将于下月正式上市!"));
//! assert_ne!(a, k.key("本报讯 abc公司昨日宣布新产品将于下月正式上市。"));
//! assert_eq!(k.key("责任编辑：张三"), None); // too short to judge
//! ```
//!
//! # Memory
//!
//! Keys live in sorted vectors, one per shard of the key space (by the
//! keys' top bits), grown by an eighth at a time: at most 16 × 9/8 = 18
//! bytes per distinct paragraph, plus 24 bytes per shard. Shards split in
//! two when they average over 64 keys, so the headers add under half a
//! byte per key and a small run pays for what it holds only. The set
//! stops at [`CorpusDedupConfig::max_keys`] with an error naming the cap.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use xxhash_rust::xxh3::xxh3_128;

use crate::audit::{back_through, MappedEdit, Spans};
use crate::error::Error;
use crate::OwnedEdit;

/// The key version; see the module docs.
pub const KEY_VERSION: u32 = 1;
const KEY_PREFIX: &str = "zhclean:v1:";

/// Settings of corpus dedup.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorpusDedupConfig {
    /// Paragraphs with fewer normalized characters are exempt. 20 matches
    /// the in-document dedup pass: shorter lines (bylines, datelines,
    /// `责任编辑` lines, short verse) recur legitimately.
    pub min_chars: usize,
    /// The most distinct paragraphs remembered; reaching it is an error.
    /// The default, 100 million, is about 1.8 GB of keys.
    pub max_keys: usize,
}

impl Default for CorpusDedupConfig {
    fn default() -> Self {
        CorpusDedupConfig { min_chars: 20, max_keys: 100_000_000 }
    }
}

impl CorpusDedupConfig {
    /// Sets [`CorpusDedupConfig::min_chars`].
    pub fn min_chars(mut self, n: usize) -> Self {
        self.min_chars = n;
        self
    }
    /// Sets [`CorpusDedupConfig::max_keys`].
    pub fn max_keys(mut self, n: usize) -> Self {
        self.max_keys = n;
        self
    }
}

/// Computes paragraph keys (see the module docs). Cheap to clone the
/// config into; the script table is built once per process.
#[derive(Clone, Debug)]
pub struct Keyer {
    min_chars: usize,
}

/// TSCharacters as a lookup table: a dense array over the BMP (where
/// nearly every entry is) and a map for the rest.
struct TsTable {
    bmp: Vec<char>,
    astral: HashMap<char, char>,
}

impl TsTable {
    #[inline]
    fn get(&self, c: char) -> char {
        match self.bmp.get(c as usize) {
            Some(&m) => m,
            None => self.astral.get(&c).copied().unwrap_or(c),
        }
    }
}

fn ts_table() -> &'static TsTable {
    static TABLE: OnceLock<TsTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let entries = crate::dict::opencc::dictionary_entries("TSCharacters").expect("shipped dictionary parses");
        let mut t = TsTable {
            bmp: (0..0x1_0000u32).map(|u| char::from_u32(u).unwrap_or('\u{fffd}')).collect(),
            astral: HashMap::new(),
        };
        for (k, v) in entries {
            let mut kc = k.chars();
            let (Some(from), None) = (kc.next(), kc.next()) else { continue };
            let Some(first) = v.first() else { continue };
            let mut vc = first.chars();
            if let (Some(to), None) = (vc.next(), vc.next()) {
                match t.bmp.get_mut(from as usize) {
                    Some(slot) => *slot = to,
                    None => {
                        t.astral.insert(from, to);
                    }
                }
            }
        }
        t
    })
}

fn is_dropped(c: char) -> bool {
    match c {
        '\0'..='/' | ':'..='@' | '['..='`' | '{'..='\u{7f}' => true,
        '\u{80}'..='\u{bf}' => true, // Latin-1 controls, NBSP and symbols
        '\u{2000}'..='\u{206f}' | '\u{2e00}'..='\u{2e7f}' | '\u{3000}'..='\u{303f}' => true,
        '\u{fe10}'..='\u{fe1f}' | '\u{fe30}'..='\u{fe6f}' | '\u{ff00}'..='\u{ff65}' => true,
        _ => c.is_whitespace() || c.is_control(),
    }
}

impl Keyer {
    /// A keyer for `cfg`.
    pub fn new(cfg: &CorpusDedupConfig) -> Keyer {
        ts_table();
        Keyer { min_chars: cfg.min_chars }
    }

    /// The normalized form the key hashes (version 1).
    pub fn normalize(&self, paragraph: &str, out: &mut String) -> usize {
        let table = ts_table();
        let mut n = 0;
        for c in paragraph.chars() {
            let c = match c {
                '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
                _ => c,
            };
            if is_dropped(c) {
                continue;
            }
            let c = if c.is_ascii_uppercase() { c.to_ascii_lowercase() } else { table.get(c) };
            out.push(c);
            n += 1;
        }
        n
    }

    /// The key of one paragraph, or `None` when it is exempt.
    pub fn key(&self, paragraph: &str) -> Option<u128> {
        thread_local! {
            static BUF: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
        }
        BUF.with(|b| {
            let mut norm = b.borrow_mut();
            norm.clear();
            norm.push_str(KEY_PREFIX);
            let n = self.normalize(paragraph, &mut norm);
            (n >= self.min_chars).then(|| xxh3_128(norm.as_bytes()))
        })
    }

    /// Keys of the paragraphs (lines) of `text`, with each one's byte
    /// range: the line and its `'\n'`.
    pub fn paragraph_keys(&self, text: &str) -> Vec<(u128, Range<usize>)> {
        let mut keys = Vec::new();
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            let start = at;
            at += line.len();
            if let Some(k) = self.key(line) {
                keys.push((k, start..at));
            }
        }
        keys
    }
}

/// The set of keys seen; see the module docs for its memory bound.
#[derive(Debug)]
pub struct KeySet {
    /// Sorted vectors, one per value of the keys' top `bits` bits.
    shards: Vec<Vec<u128>>,
    bits: u32,
    len: usize,
    cap: usize,
}

/// Keys per shard on average before the shards split in two: an insert
/// moves about half a shard (this many keys of 16 bytes, at most twice
/// over), and the shard headers cost 24 bytes per this many keys.
const SHARD_KEYS: usize = 64;
/// Shards stop splitting at 2^26: past 4 billion keys inserts get slower;
/// memory per key does not change.
const MAX_SHARD_BITS: u32 = 26;

impl KeySet {
    /// An empty set that holds at most `cap` keys. It starts as one shard
    /// and splits as it fills, so a small run pays for what it holds only.
    pub fn new(cap: usize) -> KeySet {
        KeySet { shards: vec![Vec::new()], bits: 0, len: 0, cap }
    }

    /// Distinct keys held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes allocated for keys and shard headers.
    pub fn memory_bytes(&self) -> usize {
        self.shards.iter().map(|s| s.capacity() * 16).sum::<usize>() + self.shards.len() * 24
    }

    #[inline]
    fn shard_of(&self, key: u128) -> usize {
        if self.bits == 0 {
            0
        } else {
            (key >> (128 - self.bits)) as usize
        }
    }

    /// Whether `key` is in the set.
    pub fn contains(&self, key: u128) -> bool {
        self.shards[self.shard_of(key)].binary_search(&key).is_ok()
    }

    /// Adds `key`; true if it was new.
    ///
    /// # Errors
    /// The set is full ([`CorpusDedupConfig::max_keys`]).
    pub fn insert(&mut self, key: u128) -> Result<bool, Error> {
        let i = self.shard_of(key);
        let shard = &mut self.shards[i];
        let Err(pos) = shard.binary_search(&key) else { return Ok(false) };
        if self.len >= self.cap {
            return Err(Error::cap(format!(
                "corpus dedup has remembered max_keys = {} distinct paragraphs; raise it with --dedup-max-keys \
                 (about 18 bytes of memory per key)",
                self.cap
            )));
        }
        if shard.len() == shard.capacity() {
            shard.reserve_exact((shard.len() / 8).max(4));
        }
        shard.insert(pos, key);
        self.len += 1;
        if self.len > self.shards.len() * SHARD_KEYS && self.bits < MAX_SHARD_BITS {
            self.split();
        }
        Ok(true)
    }

    /// Doubles the shards, one old shard at a time (so the transient cost
    /// is one shard, not the whole set). Each new shard is allocated at its
    /// exact size.
    fn split(&mut self) {
        let bit = 127 - self.bits;
        let old = std::mem::take(&mut self.shards);
        let mut shards = Vec::with_capacity(2 * old.len());
        for s in old {
            let p = s.partition_point(|k| (k >> bit) & 1 == 0);
            shards.push(s[..p].to_vec());
            shards.push(s[p..].to_vec());
        }
        self.shards = shards;
        self.bits += 1;
    }
}

/// The writer-side state: the key set, applied in input order.
#[derive(Debug)]
pub struct CorpusDedup {
    set: KeySet,
}

/// The pass name corpus dedup edits carry.
pub const PASS: &str = "corpus_dedup";

impl CorpusDedup {
    /// Empty state for `cfg`.
    pub fn new(cfg: CorpusDedupConfig) -> CorpusDedup {
        CorpusDedup { set: KeySet::new(cfg.max_keys) }
    }

    /// The key set.
    pub fn keys(&self) -> &KeySet {
        &self.set
    }

    /// Removes from `text` the paragraphs whose keys an earlier document
    /// added, then adds this document's keys. Edits are appended to
    /// `edits` as step `step`, mapped back to the input through the earlier
    /// steps' edits already there. Returns whether anything was removed.
    ///
    /// # Errors
    /// The key cap.
    pub fn apply(
        &mut self,
        text: &mut String,
        keys: &[(u128, Range<usize>)],
        step: usize,
        edits: &mut Vec<MappedEdit>,
    ) -> Result<bool, Error> {
        let mut seen: Vec<Range<usize>> =
            keys.iter().filter(|(k, _)| self.set.contains(*k)).map(|(_, r)| r.clone()).collect();
        for (k, _) in keys {
            self.set.insert(*k)?;
        }
        if seen.is_empty() {
            return Ok(false);
        }
        widen_at_end(text, &mut seen);
        let spans = Spans::for_steps(edits, step);
        let mut kept = String::with_capacity(text.len());
        let mut at = 0;
        for r in seen {
            kept.push_str(&text[at..r.start]);
            let byte = r.start as u64;
            let input_byte = back_through(&spans, byte);
            let before = text[r.clone()].to_string();
            edits.push(MappedEdit {
                step,
                edit: OwnedEdit { pass: PASS, byte, before, after: String::new(), reason: "seen_in_earlier_document" },
                input_byte,
            });
            at = r.end;
        }
        kept.push_str(&text[at..]);
        *text = kept;
        Ok(true)
    }
}

/// When `text` has no final `'\n'` and its last lines go, the `'\n'`
/// before them goes too, so the text still ends without one. `seen`: the
/// paragraphs' ranges, in order.
fn widen_at_end(text: &str, seen: &mut [Range<usize>]) {
    if text.ends_with('\n') {
        return;
    }
    let mut i = seen.len();
    while i > 0 && seen[i - 1].end == if i == seen.len() { text.len() } else { seen[i].start } {
        i -= 1;
    }
    if i < seen.len() && seen[i].start > 0 {
        seen[i].start -= 1;
    }
}

/// `text` without the paragraphs `drop` (indices into `keys`, as
/// [`Keyer::paragraph_keys`] gave them for this text), exactly as a
/// corpus run drops paragraphs seen in an earlier document. The building
/// block for running corpus dedup elsewhere (a Spark job: keys from every
/// document, the first occurrence of each found there, the rest dropped
/// here).
///
/// ```
/// use zhclean::corpus::dedup::{drop_paragraphs, CorpusDedupConfig, Keyer};
/// let k = Keyer::new(&CorpusDedupConfig::default());
/// let text = "本报讯 abc公司今日宣布新产品将于下月正式上市。\n责任编辑：张三\n这是另一段足够长的正文内容，用来说明去重只去掉指定的段落。";
/// let keys = k.paragraph_keys(text);
/// assert_eq!(keys.len(), 2); // the editor line is too short to have a key
/// assert_eq!(drop_paragraphs(text, &keys, &[1]), "本报讯 abc公司今日宣布新产品将于下月正式上市。\n责任编辑：张三");
/// ```
///
/// Indices out of range are ignored; repeated ones count once.
pub fn drop_paragraphs(text: &str, keys: &[(u128, Range<usize>)], drop: &[usize]) -> String {
    let mut seen: Vec<Range<usize>> =
        keys.iter().enumerate().filter(|(i, _)| drop.contains(i)).map(|(_, (_, r))| r.clone()).collect();
    widen_at_end(text, &mut seen);
    let mut kept = String::with_capacity(text.len());
    let mut at = 0;
    for r in seen {
        kept.push_str(&text[at..r.start]);
        at = r.end;
    }
    kept.push_str(&text[at..]);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropping_by_index_is_what_a_corpus_run_drops() {
        let k = Keyer::new(&CorpusDedupConfig::default());
        let first = "这是第一篇文章里的一个足够长的段落，会在后面重复出现。\n";
        for later in [
            "开头一段足够长的正文内容，只在第二篇文章里出现一次。\n这是第一篇文章里的一个足够长的段落，会在后面重复出现。",
            "这是第一篇文章里的一个足够长的段落，会在后面重复出现。\n开头一段足够长的正文内容，只在第二篇文章里出现一次。\n",
            "这是第一篇文章里的一个足够长的段落，会在后面重复出现。",
        ] {
            let mut dedup = CorpusDedup::new(CorpusDedupConfig::default());
            let mut t = first.to_string();
            dedup.apply(&mut t, &k.paragraph_keys(first), 0, &mut Vec::new()).unwrap();
            let mut run = later.to_string();
            let keys = k.paragraph_keys(later);
            dedup.apply(&mut run, &keys, 0, &mut Vec::new()).unwrap();
            let seen: Vec<usize> = (0..keys.len()).filter(|&i| Some(keys[i].0) == k.key(first)).collect();
            assert_eq!(drop_paragraphs(later, &keys, &seen), run, "{later:?}");
        }
    }

    #[test]
    fn keys_are_stable_across_versions_of_this_crate() {
        // Pinned: a change here means keys stored by earlier runs no longer
        // match, which needs a new KEY_VERSION.
        let k = Keyer::new(&CorpusDedupConfig::default());
        let key = k.key("新华社北京3月30日电 记者从国家统计局获悉，一季度经济运行总体平稳。").unwrap();
        let mut norm = String::new();
        k.normalize("新华社北京3月30日电 记者从国家统计局获悉，一季度经济运行总体平稳。", &mut norm);
        assert_eq!(norm, "新华社北京3月30日电记者从国家统计局获悉一季度经济运行总体平稳");
        assert_eq!(key, xxh3_128(format!("zhclean:v1:{norm}").as_bytes()));
        assert_eq!(format!("{key:032x}"), PINNED_KEY);
    }
    /// Computed independently with Python's `xxhash` package:
    /// `xxhash.xxh3_128_hexdigest("zhclean:v1:新华社…平稳".encode())`.
    const PINNED_KEY: &str = "4c6cd3cbd48df97edd17a012f1346d4a";

    #[test]
    fn set_memory_stays_under_the_bound() {
        let mut set = KeySet::new(100_000_000);
        let mut x = 0x9e37_79b9_7f4a_7c15_u128;
        let n = 200_000;
        for _ in 0..n {
            x = x.wrapping_mul(0x2545_f491_4f6c_dd1d_0000_0000_0000_0001).wrapping_add(0x1234_5678_9abc_def1);
            assert!(set.insert(x ^ (x >> 64)).unwrap());
        }
        assert_eq!(set.len(), n);
        let per_key = (set.memory_bytes() - set.shards.len() * 24) as f64 / n as f64;
        assert!(per_key <= 18.5, "{per_key} bytes per key");
        assert!(set.memory_bytes() as f64 / n as f64 <= 24.0);
        // Every key is still found after the splits, and a small set pays
        // for what it holds only.
        let mut y = 0x9e37_79b9_7f4a_7c15_u128;
        for _ in 0..n {
            y = y.wrapping_mul(0x2545_f491_4f6c_dd1d_0000_0000_0000_0001).wrapping_add(0x1234_5678_9abc_def1);
            assert!(set.contains(y ^ (y >> 64)));
        }
        let mut small = KeySet::new(100_000_000);
        for k in 1..=100u128 {
            small.insert(k << 100).unwrap();
        }
        assert!(small.memory_bytes() <= 100 * 24, "{}", small.memory_bytes());
    }

    #[test]
    fn the_cap_is_an_error_naming_it() {
        let mut set = KeySet::new(2);
        set.insert(1).unwrap();
        set.insert(2).unwrap();
        assert!(!set.insert(2).unwrap(), "a known key is not new and does not count");
        let e = set.insert(3).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Cap);
        assert!(e.to_string().contains("max_keys = 2"), "{e}");
    }

    #[test]
    fn later_documents_lose_paragraphs_seen_earlier() {
        let cfg = CorpusDedupConfig::default();
        let k = Keyer::new(&cfg);
        let mut d = CorpusDedup::new(cfg);
        let boiler = "本网站所有内容均受版权保护，未经授权不得转载或者以其他方式使用。";
        let mut doc1 = format!("第一篇文章的正文内容在这里，讲述了一件重要的事情。\n{boiler}");
        let mut doc2 = format!("{boiler}\n第二篇文章的正文内容在这里，讲述了另一件事情。\n短行\n短行");
        let (k1, k2) = (k.paragraph_keys(&doc1), k.paragraph_keys(&doc2));
        let mut e = Vec::new();
        assert!(!d.apply(&mut doc1, &k1, 3, &mut e).unwrap());
        assert!(d.apply(&mut doc2, &k2, 3, &mut e).unwrap());
        assert_eq!(doc2, "第二篇文章的正文内容在这里，讲述了另一件事情。\n短行\n短行");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].edit.before, format!("{boiler}\n"));
        // The last paragraph takes the newline before it.
        let mut doc3 = format!("第三篇。\n{boiler}");
        let k3 = k.paragraph_keys(&doc3);
        assert!(d.apply(&mut doc3, &k3, 3, &mut e).unwrap());
        assert_eq!(doc3, "第三篇。");
        // Both of two last lines seen before: their claims overlap.
        let other = "另一段同样足够长的样板文字，也出现在早先的文档里面了。";
        let mut seed = other.to_string();
        let ks = k.paragraph_keys(&seed);
        d.apply(&mut seed, &ks, 3, &mut e).unwrap();
        let mut doc4 = format!("第四篇。\n{other}\n{boiler}");
        let k4 = k.paragraph_keys(&doc4);
        assert!(d.apply(&mut doc4, &k4, 3, &mut e).unwrap());
        assert_eq!(doc4, "第四篇。");
    }
}
