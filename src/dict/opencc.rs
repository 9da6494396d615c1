//! OpenCC 1.4.2 conversion, reproduced exactly from OpenCC's own data.
//!
//! A config (`t2s`, `s2twp`, …) is read from OpenCC's JSON and runs, as
//! OpenCC's `ConfigBasedConverter` does:
//!
//! 1. the **normalization** chain over the whole text;
//! 2. optional **segmentation** (`mmseg`): a leftmost prefix-match walk
//!    over the segmentation dictionary; each matched key is a segment, and
//!    each run of unmatched text between them is one segment;
//! 3. the **conversion chain**, every stage applied to each segment on its
//!    own (a stage never matches across a segment boundary).
//!
//! Each stage is OpenCC's `Conversion::AppendConverted` loop: at each
//! position take the group's prefix match (see `src/dict/trie.rs`) and output
//! its first value; where nothing matches, copy a complete Ideographic
//! Description Sequence as one unit, or else one character.
//!
//! The five dictionaries OpenCC generates at build time are derived here
//! the way its scripts do (see `src/dict/lexicon.rs`).
//!
//! # Streaming
//!
//! [`OpenccStream`] gives the same output as [`Opencc::convert`] for any
//! split of the input. A stage holds back only what it cannot decide yet:
//! text within `max_key_chars − 1` characters of the end, or an IDS that
//! may continue. At a line end it flushes everything: no dictionary key
//! contains a newline (a test checks this on the data), so no match spans
//! one, and an IDS cannot span one unless an IDS operator lies in the last
//! 64 code points, in which case the stream keeps holding.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use serde_json::Value;

use super::lexicon::{self, Entry};
use super::trie::{decode_at, Hit, Trie, TrieBuilder, FAST_MULTI, FAST_SLOW, PAIR_OWN, PAIR_WALK};
use crate::error::Error;

macro_rules! dictionaries {
    ($($name:literal),* $(,)?) => {
        /// OpenCC's text dictionaries, verbatim from `data/opencc/dictionary`.
        const DICTIONARIES: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../../data/opencc/dictionary/", $name, ".txt"))),)*
        ];
    };
}

dictionaries!(
    "CJK_Compatibility_Ideographs",
    "HKPhrases",
    "HKPhrasesRev",
    "HKVariants",
    "HKVariantsPhrases",
    "HKVariantsRevPhrases",
    "JPShinjitaiCharacters",
    "JPShinjitaiPhrases",
    "STCharacters",
    "STPhrases",
    "TSCharacters",
    "TSPhrases",
    "TWPhrases",
    "TWPhrasesRev",
    "TWVariants",
    "TWVariantsPhrases",
    "TWVariantsRevPhrases",
);

macro_rules! configs {
    ($($name:literal),* $(,)?) => {
        /// OpenCC's config files, verbatim from `data/opencc/config`.
        const CONFIGS: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../../data/opencc/config/", $name, ".json"))),)*
        ];
    };
}

configs!(
    "hk2s", "hk2sp", "hk2t", "jp2t", "s2hk", "s2hkp", "s2t", "s2tw", "s2twp", "t2hk", "t2jp", "t2s", "t2tw", "tw2s",
    "tw2sp", "tw2t",
);

/// The names of OpenCC's configs, as accepted by [`Opencc::new`].
pub const CONFIG_NAMES: &[&str] = &[
    "s2t", "t2s", "s2tw", "tw2s", "s2twp", "tw2sp", "s2hk", "hk2s", "s2hkp", "hk2sp", "t2tw", "tw2t", "t2hk", "hk2t",
    "t2jp", "jp2t",
];

fn raw(name: &str) -> Option<&'static str> {
    DICTIONARIES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// A leaf's keys and first values, as a trie is built from them.
enum Leaf {
    /// Borrowed from a compiled-in dictionary file.
    Raw(Vec<(&'static str, &'static str)>),
    /// A dictionary OpenCC generates (see [`leaf_entries`]); no file
    /// of that name ships.
    Derived(Arc<Vec<Entry>>),
}

/// A leaf dictionary's entries: a raw file, or one OpenCC generates.
fn leaf_entries(name: &str, cached: bool) -> Result<Arc<Vec<Entry>>, Error> {
    static CACHE: LazyLock<Mutex<HashMap<String, Arc<Vec<Entry>>>>> = LazyLock::new(Default::default);
    if let Some(e) = CACHE.lock().expect("dictionary cache").get(name).filter(|_| cached) {
        return Ok(e.clone());
    }
    let raw_of = |n: &str| raw(n).ok_or_else(|| Error::config(format!("missing dictionary {n}")));
    let entries = match name {
        "TSCharactersExt" => lexicon::extract_tofu_risk("TSCharacters.txt", raw_of("TSCharacters")?)?,
        "TWVariantsRev" => lexicon::reverse("TWVariants.txt", raw_of("TWVariants")?)?,
        "HKVariantsRev" => lexicon::reverse("HKVariants.txt", raw_of("HKVariants")?)?,
        "JPShinjitaiCharactersRev" => lexicon::reverse("JPShinjitaiCharacters.txt", raw_of("JPShinjitaiCharacters")?)?,
        "STPhrases_GeneratedFromRegionalPhrases" => {
            // OpenCC runs its own t2s over the regional phrase keys, with
            // the tofu-risk dictionaries included.
            let t2s = Opencc::build("t2s", true, cached)?;
            lexicon::st_phrases_from_regional(
                &[("HKPhrases.txt", raw_of("HKPhrases")?), ("TWPhrases.txt", raw_of("TWPhrases")?)],
                &|k| t2s.convert(k),
            )?
        }
        n => lexicon::parse(&format!("{n}.txt"), raw_of(n)?)?,
    };
    let entries = Arc::new(entries);
    CACHE.lock().expect("dictionary cache").insert(name.to_string(), entries.clone());
    Ok(entries)
}

/// The entries of a generated dictionary, in OpenCC's file order (for the
/// data tests and for inspection).
///
/// # Errors
/// An unknown name or malformed data.
#[doc(hidden)]
pub fn dictionary_entries(name: &str) -> Result<Vec<(String, Vec<String>)>, Error> {
    Ok(leaf_entries(name, true)?.iter().map(|e| (e.key.clone(), e.values.clone())).collect())
}

/// Flattens a dict spec into ranked leaves (see `src/dict/trie.rs`).
fn flatten(spec: &Value, tofu: bool, rank: &mut u32, leaves: &mut Vec<(String, u32)>) -> Result<(), Error> {
    let bad = |what: &str| Error::config(format!("OpenCC config: {what}"));
    if spec.get("may_output_tofu").and_then(Value::as_bool) == Some(true) && !tofu {
        return Ok(());
    }
    match spec.get("type").and_then(Value::as_str) {
        Some("group") => {
            let dicts = spec.get("dicts").and_then(Value::as_array).ok_or_else(|| bad("group without dicts"))?;
            match spec.get("match_policy").and_then(Value::as_str).unwrap_or("short_circuit") {
                "short_circuit" => {
                    for d in dicts {
                        let before = leaves.len();
                        flatten(d, tofu, rank, leaves)?;
                        if leaves.len() > before {
                            *rank += 1;
                        }
                    }
                }
                "union" => {
                    // Members share one rank: only leaves may sit under a
                    // union (a short-circuit group inside one would not
                    // flatten), which holds for every OpenCC config.
                    for d in dicts {
                        if d.get("type").and_then(Value::as_str) == Some("group")
                            && d.get("match_policy").and_then(Value::as_str) != Some("union")
                        {
                            return Err(bad("short_circuit group inside a union group"));
                        }
                        let mut same = *rank;
                        flatten(d, tofu, &mut same, leaves)?;
                    }
                }
                p => return Err(bad(&format!("unknown match_policy {p}"))),
            }
            Ok(())
        }
        Some(_) => {
            let file = spec.get("file").and_then(Value::as_str).ok_or_else(|| bad("dict without file"))?;
            let name = file.trim_end_matches(".ocd2").trim_end_matches(".ocd").trim_end_matches(".txt");
            leaves.push((name.to_string(), *rank));
            Ok(())
        }
        None => Err(bad("dict without type")),
    }
}

/// Builds (or reuses) the trie of a dict spec.
fn trie_for(spec: &Value, tofu: bool, cached: bool) -> Result<Option<Arc<Trie>>, Error> {
    static CACHE: LazyLock<Mutex<HashMap<String, Arc<Trie>>>> = LazyLock::new(Default::default);
    let mut leaves = Vec::new();
    flatten(spec, tofu, &mut 0, &mut leaves)?;
    if leaves.is_empty() {
        return Ok(None);
    }
    let key = format!("{leaves:?}");
    if let Some(t) = CACHE.lock().expect("trie cache").get(&key).filter(|_| cached) {
        return Ok(Some(t.clone()));
    }
    // Raw dictionaries are read in place; derived ones are built (cached).
    let mut data = Vec::with_capacity(leaves.len());
    for (name, rank) in &leaves {
        let leaf = match raw(name) {
            Some(text) => Leaf::Raw(lexicon::first_values(&format!("{name}.txt"), text)?),
            None => Leaf::Derived(leaf_entries(name, cached)?),
        };
        data.push((leaf, *rank));
    }
    let mut b = TrieBuilder::default();
    for (leaf, rank) in &data {
        match leaf {
            Leaf::Raw(pairs) => pairs.iter().for_each(|&(k, v)| b.insert(k, v, *rank)),
            Leaf::Derived(entries) => entries.iter().for_each(|e| b.insert(&e.key, &e.values[0], *rank)),
        }
    }
    let t = Arc::new(b.build());
    CACHE.lock().expect("trie cache").insert(key, t.clone());
    Ok(Some(t))
}

fn chain(doc: &Value, field: &str, tofu: bool, cached: bool) -> Result<Vec<Arc<Trie>>, Error> {
    let mut out = Vec::new();
    if let Some(stages) = doc.get(field).and_then(Value::as_array) {
        for s in stages {
            let spec =
                s.get("dict").ok_or_else(|| Error::config(format!("OpenCC config: {field} stage without dict")))?;
            out.extend(trie_for(spec, tofu, cached)?);
        }
    }
    Ok(out)
}

/// A compiled OpenCC config. Cheap to clone; `Send + Sync`.
#[derive(Clone, Debug)]
pub struct Opencc {
    name: &'static str,
    norm: Vec<Arc<Trie>>,
    seg: Option<Arc<Trie>>,
    chain: Vec<Arc<Trie>>,
}

impl Opencc {
    /// Compiles the named config (see [`CONFIG_NAMES`]) the way OpenCC's
    /// library and Python API do, and as OpenCC's official test cases
    /// expect: with the dictionaries marked `may_output_tofu` (the rare
    /// Simplified forms of a few hundred characters that common fonts lack).
    /// OpenCC's `opencc` command leaves those out unless asked; for its
    /// output use [`Opencc::with_options`] with `false`.
    ///
    /// # Errors
    /// An unknown name, listing the valid ones.
    ///
    /// ```
    /// let t2s = zhclean::Opencc::new("t2s").unwrap();
    /// assert_eq!(t2s.convert("當前位置：首頁 > 新聞中心"), "当前位置：首页 > 新闻中心");
    /// assert!(zhclean::Opencc::new("x2y").unwrap_err().to_string().contains("s2twp"));
    /// ```
    pub fn new(name: &str) -> Result<Opencc, Error> {
        Opencc::with_options(name, true)
    }

    /// As [`Opencc::new`], choosing whether the `may_output_tofu`
    /// dictionaries take part (OpenCC's Python API includes them by
    /// default, its command line does not).
    ///
    /// # Errors
    /// An unknown name, listing the valid ones.
    pub fn with_options(name: &str, include_tofu_risk: bool) -> Result<Opencc, Error> {
        Opencc::build(name, include_tofu_risk, true)
    }

    /// Builds without the process-wide caches of parsed dictionaries and
    /// tries, as a first use in a fresh process would: what the `load`
    /// bench measures.
    #[doc(hidden)]
    pub fn build_uncached(name: &str, include_tofu_risk: bool) -> Result<Opencc, Error> {
        Opencc::build(name, include_tofu_risk, false)
    }

    fn build(name: &str, include_tofu_risk: bool, cached: bool) -> Result<Opencc, Error> {
        let (name, json) = CONFIGS.iter().find(|(n, _)| *n == name).ok_or_else(|| {
            Error::config(format!("unknown OpenCC config {name:?}; valid configs: {}", CONFIG_NAMES.join(", ")))
        })?;
        let doc: Value = serde_json::from_str(json).map_err(|e| Error::config(format!("{name}.json: {e}")))?;
        let seg = match doc.get("segmentation") {
            Some(s) => {
                if s.get("type").and_then(Value::as_str) != Some("mmseg") {
                    return Err(Error::config(format!("{name}.json: unsupported segmentation")));
                }
                let spec = s.get("dict").ok_or_else(|| Error::config(format!("{name}.json: segmentation dict")))?;
                // OpenCC loads the segmentation dictionary with tofu-risk
                // dictionaries always included.
                trie_for(spec, true, cached)?
            }
            None => None,
        };
        Ok(Opencc {
            name,
            norm: chain(&doc, "normalization", include_tofu_risk, cached)?,
            seg,
            chain: chain(&doc, "conversion_chain", include_tofu_risk, cached)?,
        })
    }

    /// The config's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Converts a whole text at once, exactly as OpenCC 1.4.2 does.
    pub fn convert(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + text.len() / 8);
        self.convert_to(text, &mut out);
        out
    }

    /// [`Opencc::convert`], appending to `out`.
    pub fn convert_to(&self, text: &str, out: &mut String) {
        let mut s = self.stream();
        s.push(text, true, out);
    }

    /// Streaming state for this config.
    pub fn stream(&self) -> OpenccStream {
        OpenccStream {
            norm: self.norm.iter().map(|t| StageBuf::new(t.clone())).collect(),
            seg: self.seg.clone().map(StageBuf::new),
            seg_open: false,
            chain: self.chain.iter().map(|t| StageBuf::new(t.clone())).collect(),
            norm_bufs: Default::default(),
            chain_bufs: Default::default(),
        }
    }

    /// Every trie this config uses, for the data checks.
    #[doc(hidden)]
    pub fn max_key_chars(&self) -> usize {
        self.norm.iter().chain(&self.seg).chain(&self.chain).map(|t| t.max_key_chars()).max().unwrap_or(0)
    }
}

/// IDS operator arity (OpenCC's `IdeographicDescriptionOperatorArity`).
#[inline]
fn ids_arity(c: char) -> usize {
    match c as u32 {
        0x2FF2 | 0x2FF3 => 3,
        0x2FFE | 0x2FFF => 1,
        0x2FF0..=0x2FFD => 2,
        _ => 0,
    }
}

/// Whether `c` is an Ideographic Description operator.
#[inline]
pub(crate) fn is_ids_operator(c: char) -> bool {
    ids_arity(c) > 0
}

/// Whether an ideographic description sequence may still be open at the
/// end of `s` (an IDS operator among its last 64 characters, an IDS's
/// longest): the script pass holds such lines until it is known whole.
pub(crate) fn ids_operator_near_end(s: &str) -> bool {
    s.chars().rev().take(64).any(is_ids_operator)
}

/// Where converted-only text may be cut at or after byte `min` of `text`:
/// after a line end with no IDS operator (U+2FF0..U+2FFF; the test takes
/// U+2FC0..U+2FFF) in the 256 bytes before it. An ideographic description
/// sequence is at most 64 code points and may run across a line end
/// (OpenCC takes any character as an operand); no dictionary key holds a
/// line end. A fresh converter after such a cut gives what the one before
/// it would have. The last such cut, so chunks are as long as the text
/// allows.
#[cfg(feature = "corpus")]
pub(crate) fn safe_cut(text: &str, min: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut end = b.len();
    while let Some(nl) = memchr::memrchr(b'\n', &b[..end]) {
        if nl + 1 < min {
            return None;
        }
        if memchr::memmem::find(&b[nl.saturating_sub(256)..nl], b"\xE2\xBF").is_none() {
            return Some(nl + 1);
        }
        end = nl;
    }
    None
}

#[derive(Debug, PartialEq, Eq)]
enum Ids {
    Complete(usize),
    Incomplete,
    Invalid,
}

/// OpenCC's `ConsumeIdeographicDescriptionSequence`: depth at most 16, at
/// most 64 code points in all.
fn parse_ids(s: &str, depth_left: usize, code_points: &mut usize) -> Ids {
    let Some(c) = s.chars().next() else { return Ids::Incomplete };
    if depth_left == 0 || *code_points >= 64 {
        return Ids::Invalid;
    }
    *code_points += 1;
    let arity = ids_arity(c);
    if arity == 0 {
        return Ids::Complete(c.len_utf8());
    }
    let mut off = c.len_utf8();
    for _ in 0..arity {
        if off >= s.len() {
            return Ids::Incomplete;
        }
        match parse_ids(&s[off..], depth_left - 1, code_points) {
            Ids::Complete(n) => off += n,
            other => return other,
        }
    }
    Ids::Complete(off)
}

fn ids(s: &str) -> Ids {
    parse_ids(s, 16, &mut 0)
}

/// One stage's pending input (see the module docs on streaming).
#[derive(Debug)]
struct StageBuf {
    trie: Arc<Trie>,
    /// Input not yet converted. Invariant: shorter than `max_key_chars`
    /// characters, or starting with an IDS operator whose sequence may
    /// still complete (at most 64 code points).
    pending: String,
    /// Output scratch for the stage loop.
    buf: Vec<u8>,
}

impl StageBuf {
    fn new(trie: Arc<Trie>) -> StageBuf {
        StageBuf { trie, pending: String::new(), buf: Vec::new() }
    }

    /// Converts `input` (after anything pending) into `out`; with `last`,
    /// everything, as at the end of a text or segment.
    fn feed(&mut self, input: &str, last: bool, out: &mut String) {
        if !self.feed_or_skip(input, last, out) {
            out.push_str(input);
        }
    }

    /// [`StageBuf::feed`], except that when the stage would only copy
    /// `input` it writes nothing and returns false: the caller then reads
    /// `input` as the stage's output. The normalization stage (OpenCC's
    /// CJK compatibility ideographs, in most configs) matches nothing in
    /// most texts, and copying every text through it cost a few percent.
    fn feed_or_skip(&mut self, input: &str, last: bool, out: &mut String) -> bool {
        if self.pending.is_empty() && passes_through(&self.trie, input) {
            return false;
        }
        if self.pending.is_empty() {
            let done = convert_run(&self.trie, input, last, out, &mut self.buf);
            self.pending.push_str(&input[done..]);
        } else {
            let mut text = std::mem::take(&mut self.pending);
            text.push_str(input);
            let done = convert_run(&self.trie, &text, last, out, &mut self.buf);
            text.drain(..done);
            self.pending = text;
        }
        true
    }
}

/// The stage loop over `text`. Returns how many bytes were decided; with
/// `last` that is all of them. `buf` is scratch for the output bytes.
fn convert_run(trie: &Trie, text: &str, last: bool, out: &mut String, buf: &mut Vec<u8>) -> usize {
    if trie.pair_hashes() == 1 {
        convert_run_with::<1>(trie, text, last, out, buf)
    } else {
        convert_run_with::<2>(trie, text, last, out, buf)
    }
}

/// Whether a stage outputs `text` unchanged and holds none of it back: no
/// key can start in it, and no IDS operator (whose sequence might go on in
/// the next push) is in it.
fn passes_through(trie: &Trie, text: &str) -> bool {
    !trie.may_change(text)
}

/// [`convert_run`] for a trie whose pair filter sets `K` bits per pair.
fn convert_run_with<const K: u32>(trie: &Trie, text: &str, last: bool, out: &mut String, buf: &mut Vec<u8>) -> usize {
    if passes_through(trie, text) {
        out.push_str(text);
        return text.len();
    }
    // Positions before `sure` have at least max_key_chars characters after
    // them, so a match there cannot grow with more input.
    let sure = if last { text.len() } else { start_of_last_chars(text, trie.max_key_chars().saturating_sub(1)) };
    let b = text.as_bytes();
    // The output goes to a fixed scratch at position `o`, a local the loop
    // keeps in a register: growing a Vec byte by byte kept its length and
    // capacity in memory, read and written at every character.
    buf.resize(SCRATCH_BYTES, 0);
    let buf = &mut buf[..];
    let mut o = 0;
    let end = b.len();
    let mut p = 0;
    // The character at `p`, decoded one step ahead: each step needs the
    // next character anyway (for the pair filter).
    let (mut cp, mut clen) = if p < sure { decode_at(b, p) } else { (0, 0) };
    while p < sure {
        if o >= FLUSH_BYTES {
            // Hand over in pieces: the scratch stays small and in cache.
            o = flush(out, buf, o);
        }
        let q = p + clen;
        let (next, nlen) = if q < end { decode_at(b, q) } else { (0, 0) };
        let e = if cp < 0x10000 { trie.fast_entry(cp) } else { FAST_SLOW };
        // The bulk of the text: a BMP character whose output (itself or its
        // one-character value) is one table load and one write, unless some
        // longer key starts with it and the pair filter lets the next
        // character through. Both tests are computed without branching.
        let slow = (e & FAST_SLOW != 0) | ((e & FAST_MULTI != 0) & trie.may_pair::<K>(cp, next));
        if !slow {
            o = Trie::emit_fast(e, buf, o);
            (p, cp, clen) = (q, next, nlen);
            continue;
        }
        if e & FAST_SLOW == 0 {
            let r = q + nlen;
            let third = || (r < end).then(|| decode_at(b, r).0);
            let (answer, node) = trie.pair_answer(e, next, third);
            let tag = answer & 0xFF;
            if tag == PAIR_WALK {
                let hit = trie.bmp_node(cp).and_then(|root| trie.walk_pair(&text[p..], root, clen, node, clen + nlen));
                match hit {
                    Some(hit) => {
                        let (n, at) = push_hit(hit, clen, out, buf, o);
                        (p, o) = (p + n, at);
                    }
                    None => {
                        o = Trie::emit_fast(e, buf, o);
                        p = q;
                    }
                }
            } else {
                // The first character's own output, or a two-character key's
                // value from the slot: chosen without branching, as the
                // filter's near misses and the pairs that match come mixed.
                let own = tag == PAIR_OWN;
                let bytes = if own { e } else { answer >> 8 };
                let len = if own { (e >> 24) & 7 } else { tag };
                buf[o..o + 8].copy_from_slice(&bytes.to_le_bytes());
                o += len as usize;
                p = if own { q } else { q + nlen };
            }
        } else {
            match general_step(trie, text, p, last, out, buf, o) {
                Some((n, at)) => (p, o) = (n, at),
                None => break,
            }
        }
        if p < end {
            (cp, clen) = decode_at(b, p);
        }
    }
    flush(out, buf, o);
    p
}

/// How much output the stage loop collects before appending it.
const FLUSH_BYTES: usize = 32 * 1024;

/// The stage loop's scratch: [`FLUSH_BYTES`], and room past it for the
/// fixed-width writes of one step (four bytes from a fast entry, eight from
/// a pair slot's inline value); anything longer goes through [`put`].
const SCRATCH_BYTES: usize = FLUSH_BYTES + 64;

/// Appends the scratch's first `o` bytes to `out`; returns the new write
/// position, 0.
#[inline(never)]
fn flush(out: &mut String, buf: &[u8], o: usize) -> usize {
    out.push_str(simdutf8::basic::from_utf8(&buf[..o]).expect("stage output is UTF-8"));
    0
}

/// Writes `s` at position `o` of the scratch, flushing first when it does
/// not fit; returns the new position.
#[inline]
fn put(out: &mut String, buf: &mut [u8], o: usize, s: &str) -> usize {
    let n = s.len();
    if o + n <= FLUSH_BYTES {
        buf[o..o + n].copy_from_slice(s.as_bytes());
        return o + n;
    }
    let o = flush(out, buf, o);
    if n <= FLUSH_BYTES {
        buf[..n].copy_from_slice(s.as_bytes());
        n
    } else {
        out.push_str(s);
        o
    }
}

/// One step of the stage loop the fast path does not take: an astral
/// character, an IDS operator, a value longer than one BMP character.
/// Returns the next position and scratch position, or None when an IDS at
/// `p` may still be completed by more input.
#[cold]
fn general_step(
    trie: &Trie,
    text: &str,
    p: usize,
    last: bool,
    out: &mut String,
    buf: &mut [u8],
    o: usize,
) -> Option<(usize, usize)> {
    let (c, clen) = decode(text.as_bytes(), p);
    if let Some(hit) = trie.match_at(&text[p..], c) {
        let (n, o) = push_hit(hit, clen, out, buf, o);
        return Some((p + n, o));
    }
    if is_ids_operator(c) {
        match ids(&text[p..]) {
            Ids::Complete(n) => {
                // An ideographic description sequence stays as it is.
                return Some((p + n, put(out, buf, o, &text[p..p + n])));
            }
            Ids::Incomplete if !last => return None,
            _ => {}
        }
    }
    // Outputs itself.
    Some((p + clen, put(out, buf, o, &text[p..p + clen])))
}

/// Writes a match; returns the bytes of input it covers and the new
/// scratch position.
#[inline]
fn push_hit(hit: Hit<'_>, clen: usize, out: &mut String, buf: &mut [u8], o: usize) -> (usize, usize) {
    match hit {
        Hit::Char(v) => (clen, put(out, buf, o, v.encode_utf8(&mut [0; 4]))),
        Hit::Str(len, value) => (len, put(out, buf, o, value)),
    }
}

/// The character starting at byte `p` of valid UTF-8 `b`, and its length.
#[inline(always)]
fn decode(b: &[u8], p: usize) -> (char, usize) {
    let (cp, len) = decode_at(b, p);
    // The input is a &str, so this is a valid scalar value.
    (char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER), len)
}

/// Byte offset where the last `n` characters of `s` start.
fn start_of_last_chars(s: &str, n: usize) -> usize {
    if n == 0 {
        return s.len();
    }
    s.char_indices().rev().nth(n - 1).map_or(0, |(i, _)| i)
}

/// The segmentation walk: matched keys are segments, unmatched runs
/// between them are segments. Calls `emit(text, ends_segment)`; returns
/// how many bytes were decided.
///
/// `open` says whether an unmatched run was emitted without being ended
/// (it continues into `text`); it is updated for the next call.
fn segment_run(trie: &Trie, text: &str, last: bool, open: &mut bool, emit: &mut dyn FnMut(&str, bool)) -> usize {
    let sure = if last { text.len() } else { start_of_last_chars(text, trie.max_key_chars().saturating_sub(1)) };
    let mut p = 0;
    let mut run = 0;
    while p < text.len() {
        if p >= sure && !last {
            break;
        }
        let (c, _) = decode(text.as_bytes(), p);
        if let Some(len) = trie.match_len(text, p) {
            if run < p || *open {
                emit(&text[run..p], true);
                *open = false;
            }
            emit(&text[p..p + len], true);
            p += len;
            run = p;
            continue;
        }
        if is_ids_operator(c) {
            match ids(&text[p..]) {
                Ids::Complete(n) => {
                    p += n;
                    continue;
                }
                Ids::Incomplete if !last => break,
                _ => {}
            }
        }
        p += c.len_utf8();
    }
    // The unmatched run so far continues unless this is the end.
    if run < p || (*open && last) {
        emit(&text[run..p], last);
        *open = !last;
    }
    p
}

/// Streaming conversion for one document. See the module docs.
#[derive(Debug)]
pub struct OpenccStream {
    norm: Vec<StageBuf>,
    seg: Option<StageBuf>,
    /// An unmatched segmentation run has been passed to the chain and not
    /// yet ended.
    seg_open: bool,
    chain: Vec<StageBuf>,
    /// Scratch text between normalization stages.
    norm_bufs: (String, String),
    /// Scratch text between conversion stages.
    chain_bufs: (String, String),
}

impl OpenccStream {
    /// Converts `input`; with `last`, flushes everything (end of text).
    /// Appends what is decided to `out`.
    pub fn push(&mut self, input: &str, last: bool, out: &mut String) {
        let (a, b) = &mut self.norm_bufs;
        let normed: &str = match run_chain(&mut self.norm, input, last, a, b) {
            Some(0) => a,
            Some(_) => b,
            None => input,
        };
        match &mut self.seg {
            None => {
                chain_into(&mut self.chain, normed, last, out, &mut self.chain_bufs);
            }
            Some(seg) => {
                let (chain, scratch) = (&mut self.chain, &mut self.chain_bufs);
                let mut text = std::mem::take(&mut seg.pending);
                text.push_str(normed);
                let open = &mut self.seg_open;
                let done =
                    segment_run(&seg.trie, &text, last, open, &mut |s, ends| chain_into(chain, s, ends, out, scratch));
                text.drain(..done);
                seg.pending = text;
            }
        }
        a.clear();
        b.clear();
    }

    /// Whether any stage holds an IDS operator (whose sequence may still
    /// be completed by what comes next).
    pub fn holds_ids_operator(&self) -> bool {
        self.norm.iter().chain(&self.seg).chain(&self.chain).any(|s| s.pending.chars().any(is_ids_operator))
    }

    /// Bytes held back across all stages.
    pub fn held_bytes(&self) -> usize {
        self.norm.iter().chain(&self.seg).chain(&self.chain).map(|s| s.pending.len()).sum()
    }
}

/// Runs `stages` over `input`, ping-ponging between `x` and `y`. Returns
/// which buffer holds the result (0 = x, 1 = y), or None when the result
/// is the input (no stages, or none changed anything).
fn run_chain(stages: &mut [StageBuf], input: &str, last: bool, x: &mut String, y: &mut String) -> Option<usize> {
    let mut which = None;
    for st in stages.iter_mut() {
        // A stage that only copies leaves its input where it is.
        let wrote = match which {
            None => {
                x.clear();
                st.feed_or_skip(input, last, x).then_some(0)
            }
            Some(0) => {
                y.clear();
                st.feed_or_skip(x, last, y).then_some(1)
            }
            Some(_) => {
                x.clear();
                st.feed_or_skip(y, last, x).then_some(0)
            }
        };
        which = wrote.or(which);
    }
    which
}

/// Runs the conversion chain over one segment's text into `out`.
/// `scratch` holds the text between stages (kept across calls: after
/// segmentation this runs once per word).
fn chain_into(stages: &mut [StageBuf], input: &str, last: bool, out: &mut String, scratch: &mut (String, String)) {
    match stages.len() {
        0 => out.push_str(input),
        1 => stages[0].feed(input, last, out),
        _ => {
            let (x, y) = scratch;
            let n = stages.len();
            let (init, tail) = stages.split_at_mut(n - 1);
            match run_chain(init, input, last, x, y) {
                Some(0) => tail[0].feed(x, last, out),
                Some(_) => tail[0].feed(y, last, out),
                None => tail[0].feed(input, last, out),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "corpus")]
    #[test]
    fn conversion_is_cut_only_after_a_line_end_with_no_ids_before_it() {
        let text = "一行\n二行\n三行";
        assert_eq!(safe_cut(text, 0), Some("一行\n二行\n".len()), "the last cut");
        assert_eq!(safe_cut(text, "一行\n二行\n".len() + 1), None, "none at or after min");
        assert_eq!(safe_cut("没有换行", 0), None);
        // An IDS operator within 256 bytes before a line end: the sequence
        // may run on across it.
        let ids = "一行\n⿰木\n木";
        assert_eq!(safe_cut(ids, 0), Some("一行\n".len()));
        let far = format!("⿰木木\n{}\n末", "字".repeat(90));
        assert_eq!(safe_cut(&far, 0), Some(far.len() - "末".len()));
        assert!(ids_operator_near_end("⿰木") && !ids_operator_near_end(&format!("⿰{}", "字".repeat(64))));
    }

    #[test]
    fn ids_parsing_follows_opencc() {
        assert_eq!(ids("⿰木木x"), Ids::Complete(9));
        assert_eq!(ids("⿰木"), Ids::Incomplete);
        assert_eq!(ids("⿲木木木"), Ids::Complete(12));
        assert_eq!(ids("x"), Ids::Complete(1));
    }

    #[test]
    fn every_config_compiles() {
        for name in CONFIG_NAMES {
            Opencc::new(name).unwrap();
            Opencc::with_options(name, true).unwrap();
        }
    }

    #[test]
    fn t2s_converts_phrases_and_characters() {
        let c = Opencc::new("t2s").unwrap();
        assert_eq!(c.convert("省委常委、市委書記江凌蒞臨洛陽"), "省委常委、市委书记江凌莅临洛阳");
    }

    #[test]
    fn ids_sequences_are_copied_unconverted() {
        let c = Opencc::new("t2s").unwrap();
        assert_eq!(c.convert("⿰書書書"), "⿰書書书");
    }

    #[test]
    fn streaming_equals_one_shot_at_every_split() {
        for name in ["t2s", "s2t", "s2twp", "tw2sp"] {
            let c = Opencc::new(name).unwrap();
            // A compatibility ideograph (U+F900) for the normalization
            // stage: the pieces before it pass that stage untouched, the
            // ones holding it do not.
            let text = "香港特別行政區的軟件工程師在計程車上用滑鼠。⿰木\n木頭\u{F900}人头发";
            let want = c.convert(text);
            let cuts: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            for &k in &cuts {
                let mut s = c.stream();
                let mut out = String::new();
                s.push(&text[..k], false, &mut out);
                s.push(&text[k..], true, &mut out);
                assert_eq!(out, want, "{name} split at {k}");
                assert_eq!(s.held_bytes(), 0);
            }
        }
    }

    /// OpenCC's rule by brute force over the entry list: at each position
    /// the lowest rank among keys that are prefixes, the longest of that
    /// rank, the earliest entry on a tie; else one character.
    fn reference(entries: &[(String, String, u32)], text: &str) -> String {
        let mut out = String::new();
        let mut p = 0;
        while p < text.len() {
            let rest = &text[p..];
            let best = entries
                .iter()
                .enumerate()
                .filter(|(_, (k, _, _))| rest.starts_with(k.as_str()))
                .min_by_key(|(i, (k, _, r))| (*r, std::cmp::Reverse(k.len()), *i));
            match best {
                Some((_, (k, v, _))) => {
                    out.push_str(v);
                    p += k.len();
                }
                None => {
                    let c = rest.chars().next().unwrap();
                    out.push(c);
                    p += c.len_utf8();
                }
            }
        }
        out
    }

    proptest::proptest! {
        /// The stage loop's shortcuts (the fast table, the pair filter,
        /// the pair table's answers, the walk) against the brute-force
        /// rule, on tries and texts over a small alphabet where keys of
        /// every rank and length collide, including astral characters and
        /// values longer than a slot holds.
        #[test]
        fn the_stage_loop_follows_the_rule(
            raw in proptest::collection::vec(("[a甲乙丙𠀀]{1,4}", "[xyz字𡘙]{1,4}", 0u32..3), 0..24),
            text in "[a甲乙丙𠀀b\n]{0,40}",
        ) {
            let entries: Vec<(String, String, u32)> = raw;
            let mut b = TrieBuilder::default();
            for (k, v, r) in &entries {
                b.insert(k, v, *r);
            }
            let trie = b.build();
            let mut out = String::new();
            let done = convert_run(&trie, &text, true, &mut out, &mut Vec::new());
            proptest::prop_assert_eq!(done, text.len());
            proptest::prop_assert_eq!(out, reference(&entries, &text));
            // Segmentation's match length, by the same shortcuts.
            for (p, c) in text.char_indices() {
                let want = trie.match_at(&text[p..], c).map(|h| match h {
                    Hit::Char(_) => c.len_utf8(),
                    Hit::Str(len, _) => len,
                });
                proptest::prop_assert_eq!(trie.match_len(&text, p), want, "at {}", p);
            }
        }
    }

    #[test]
    fn output_crossing_the_scratch_size_comes_out_whole_and_in_order() {
        // Values of every width the loop writes (a fast entry, a pair's
        // inline value, a walk's value, one larger than the scratch) land
        // at every offset around the flush mark.
        let huge = "長".repeat(FLUSH_BYTES / 3 + 5);
        let entries: Vec<(String, String, u32)> = vec![
            ("甲".into(), "乙".into(), 0),
            ("甲丙".into(), "xy".into(), 0),
            ("丙丁戊".into(), "一二三四五六七八九".into(), 0),
            ("己".into(), huge, 0),
        ];
        let mut b = TrieBuilder::default();
        for (k, v, r) in &entries {
            b.insert(k, v, *r);
        }
        let trie = b.build();
        let unit = "甲甲丙a丙丁戊丁";
        for n in [0, 1, 2, 7] {
            let text = format!("{}{}己{}己己", "z".repeat(n), unit.repeat(FLUSH_BYTES / unit.len() * 3), unit);
            let mut out = String::from("<");
            let done = convert_run(&trie, &text, true, &mut out, &mut Vec::new());
            assert_eq!(done, text.len());
            assert_eq!(out, format!("<{}", reference(&entries, &text)), "lead of {n}");
        }
    }

    #[test]
    fn raw_dictionaries_parse_and_read_in_place_alike() {
        for (name, text) in DICTIONARIES {
            // The full parse checks every line, and that no key repeats.
            let full = lexicon::parse(name, text).unwrap();
            let first = lexicon::first_values(name, text).unwrap();
            assert_eq!(full.len(), first.len(), "{name}");
            for (e, (k, v)) in full.iter().zip(&first) {
                assert_eq!((e.key.as_str(), e.values[0].as_str()), (*k, *v), "{name}");
            }
        }
    }
}
