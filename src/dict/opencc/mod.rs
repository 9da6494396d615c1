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
//!
//! # NFC text
//!
//! Every normalization stage OpenCC ships maps CJK compatibility
//! ideographs, each a character NFC never leaves in place: on NFC text it
//! matches nothing and outputs its input. [`Opencc::for_nfc_text`] leaves
//! such stages out (their scan of the whole text was a tenth of the
//! conversion's cost); the cleaning pipeline uses it after the `unicode`
//! pass's NFC.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use serde_json::Value;

use super::lexicon::{self, Entry, Leaf};

mod ids;
mod stage;

use super::trie::{Trie, TrieBuilder};
use crate::error::Error;
#[cfg(feature = "corpus")]
pub(crate) use ids::safe_cut;
pub(crate) use ids::{ids_operator_near_end, is_ids_operator};
use stage::{chain_into, run_chain, segment_run, StageBuf};

macro_rules! dictionaries {
    ($($name:literal),* $(,)?) => {
        /// OpenCC's text dictionaries, verbatim from `data/opencc/dictionary`.
        const DICTIONARIES: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../../../data/opencc/dictionary/", $name, ".txt"))),)*
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
            $(($name, include_str!(concat!("../../../data/opencc/config/", $name, ".json"))),)*
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

/// The tries the build script froze (see `build.rs`): the key the trie
/// cache knows their leaves by, and their bytes. A process reads these
/// instead of building them from the dictionaries.
const FROZEN: &[(&str, &[u8])] = &[
    (
        include_str!(concat!(env!("OUT_DIR"), "/t2s_normalization.key")),
        include_bytes!(concat!(env!("OUT_DIR"), "/t2s_normalization.trie")),
    ),
    (
        include_str!(concat!(env!("OUT_DIR"), "/t2s_conversion.key")),
        include_bytes!(concat!(env!("OUT_DIR"), "/t2s_conversion.trie")),
    ),
];

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
    let t = match FROZEN.iter().find(|(k, _)| *k == key) {
        Some((_, bytes)) => Trie::from_bytes(bytes),
        None => build_trie(&leaves, cached)?,
    };
    let t = Arc::new(t);
    CACHE.lock().expect("trie cache").insert(key, t.clone());
    Ok(Some(t))
}

/// The trie of ranked leaves, built from the dictionaries.
fn build_trie(leaves: &[(String, u32)], cached: bool) -> Result<Trie, Error> {
    // Raw dictionaries are read in place; derived ones are built (cached).
    let mut data = Vec::with_capacity(leaves.len());
    for (name, rank) in leaves {
        let leaf = match raw(name) {
            Some(text) => Leaf::Raw(lexicon::first_values(&format!("{name}.txt"), text)?),
            None => Leaf::Derived(leaf_entries(name, cached)?),
        };
        data.push((leaf, *rank));
    }
    let mut b = TrieBuilder::default();
    for (leaf, rank) in &data {
        leaf.for_each_pair(|k, v| b.insert(k, v, *rank));
    }
    Ok(b.build())
}

fn chain(doc: &Value, field: &str, tofu: bool, cached: bool) -> Result<Vec<Arc<Trie>>, Error> {
    Ok(stages(doc, field, tofu, cached)?.into_iter().map(|(t, _)| t).collect())
}

/// The stages of `field` (a chain), each with whether its keys all start
/// with a character NFC text never holds (see [`keys_never_in_nfc`]).
fn stages(doc: &Value, field: &str, tofu: bool, cached: bool) -> Result<Vec<(Arc<Trie>, bool)>, Error> {
    let mut out = Vec::new();
    if let Some(stages) = doc.get(field).and_then(Value::as_array) {
        for s in stages {
            let spec =
                s.get("dict").ok_or_else(|| Error::config(format!("OpenCC config: {field} stage without dict")))?;
            if let Some(t) = trie_for(spec, tofu, cached)? {
                out.push((t, keys_never_in_nfc(spec, tofu)?));
            }
        }
    }
    Ok(out)
}

/// Dictionaries whose every key starts with a character that never stands
/// in NFC text (NFC_Quick_Check=No: a canonical decomposition that NFC does
/// not compose back, as every CJK compatibility ideograph has). A test
/// reads each to hold it to that; a stage of them matches nothing in NFC
/// text.
const KEYS_NEVER_IN_NFC: &[&str] = &["CJK_Compatibility_Ideographs"];

/// Whether the dictionaries `spec` names are all [`KEYS_NEVER_IN_NFC`]'s
/// (false for none).
fn keys_never_in_nfc(spec: &Value, tofu: bool) -> Result<bool, Error> {
    let mut leaves = Vec::new();
    flatten(spec, tofu, &mut 0, &mut leaves)?;
    Ok(!leaves.is_empty() && leaves.iter().all(|(name, _)| KEYS_NEVER_IN_NFC.contains(&name.as_str())))
}

/// A compiled OpenCC config. Cheap to clone; `Send + Sync`.
#[derive(Clone, Debug)]
pub struct Opencc {
    name: &'static str,
    /// The normalization stages, each with whether it matches nothing in
    /// NFC text (see [`Opencc::for_nfc_text`]).
    norm: Vec<(Arc<Trie>, bool)>,
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
            norm: stages(&doc, "normalization", include_tofu_risk, cached)?,
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

    /// The same conversion for text in NFC: without the normalization
    /// stages that match nothing there (OpenCC's, which map CJK
    /// compatibility ideographs, NFC's business too). On NFC text its
    /// output, streamed or whole, is [`Opencc::convert`]'s; on other text
    /// it may leave a compatibility ideograph that `convert` maps.
    ///
    /// ```
    /// let t2s = zhclean::Opencc::new("t2s").unwrap();
    /// let nfc = t2s.for_nfc_text();
    /// assert_eq!(nfc.convert("當前位置"), t2s.convert("當前位置"));
    /// // U+F92C is NFC's U+90CE: only the full converter maps it.
    /// assert_eq!(t2s.convert("\u{F92C}"), "郎");
    /// assert_eq!(nfc.convert("\u{F92C}"), "\u{F92C}");
    /// ```
    pub fn for_nfc_text(&self) -> Opencc {
        Opencc { norm: self.norm.iter().filter(|(_, nfc_free)| !nfc_free).cloned().collect(), ..self.clone() }
    }

    /// Streaming state for this config.
    pub fn stream(&self) -> OpenccStream {
        OpenccStream {
            norm: self.norm.iter().map(|(t, _)| StageBuf::new(t.clone())).collect(),
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
        self.norm
            .iter()
            .map(|(t, _)| t)
            .chain(&self.seg)
            .chain(&self.chain)
            .map(|t| t.max_key_chars())
            .max()
            .unwrap_or(0)
    }
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

#[cfg(test)]
mod tests {
    use super::ids::{ids, Ids};
    use super::stage::{convert_run, DIRECT_BYTES, FLUSH_BYTES};
    use super::*;
    use crate::dict::trie::Hit;

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

    #[test]
    fn the_nfc_converter_leaves_out_every_shipped_normalization_stage_and_nothing_else() {
        for name in CONFIG_NAMES {
            let c = Opencc::new(name).unwrap();
            let nfc = c.for_nfc_text();
            // OpenCC's normalization (compatibility ideographs) is all NFC's.
            assert!(!c.norm.is_empty() && nfc.norm.is_empty(), "{name}");
            assert_eq!((nfc.seg.is_some(), nfc.chain.len()), (c.seg.is_some(), c.chain.len()), "{name}");
        }
        // Each dictionary listed holds no key that NFC text may hold.
        use unicode_normalization::{is_nfc_quick, IsNormalized};
        let never = |k: &str| k.chars().next().is_some_and(|c| is_nfc_quick(std::iter::once(c)) == IsNormalized::No);
        for name in KEYS_NEVER_IN_NFC {
            let entries = lexicon::first_values(name, raw(name).expect("a raw dictionary")).unwrap();
            assert!(entries.len() > 1000, "{name}");
            assert!(entries.iter().all(|(k, _)| never(k)), "{name}");
        }
        assert!(!never("郎") && never("\u{F92C}"));
        // The test says no to a dictionary of ordinary keys, and to a group
        // with one among the compatibility ideographs.
        let spec = |file: &str| serde_json::json!({ "type": "ocd2", "file": file });
        assert!(keys_never_in_nfc(&spec("CJK_Compatibility_Ideographs.ocd2"), true).unwrap());
        assert!(!keys_never_in_nfc(&spec("TSCharacters.ocd2"), true).unwrap());
        let group = serde_json::json!({ "type": "group", "dicts": [
            spec("CJK_Compatibility_Ideographs.ocd2"), spec("STCharacters.ocd2")
        ]});
        assert!(!keys_never_in_nfc(&group, true).unwrap());
    }

    #[test]
    fn the_nfc_converter_converts_nfc_text_alike_at_any_split() {
        use unicode_normalization::UnicodeNormalization;
        // Pieces the normalization stage would act on (compatibility
        // ideographs, which NFC maps first) or hold (IDS operators, whole
        // sequences and cut ones), among text every config converts.
        let pieces = [
            "香港特別行政區",
            "的軟件工程師",
            "头发",
            "\u{F900}",
            "\u{F92C}",
            "\u{2F800}",
            "⿰木",
            "⿰",
            "⿱⿰",
            "木頭",
            "\n",
            "ab ",
            "。",
        ];
        let texts = crate::testing::Lcg::new(29).mixtures(&pieces, 200, 14);
        for name in ["t2s", "s2t", "s2twp", "tw2sp", "jp2t"] {
            let c = Opencc::new(name).unwrap();
            let nfc = c.for_nfc_text();
            let mut rng = crate::testing::Lcg::new(30);
            for text in &texts {
                let text: String = text.nfc().collect();
                let want = c.convert(&text);
                assert_eq!(nfc.convert(&text), want, "{name} {text:?}");
                // Streamed in pieces cut at random character boundaries.
                let mut s = nfc.stream();
                let mut out = String::new();
                let mut rest = text.as_str();
                while !rest.is_empty() {
                    let mut k = rng.below(rest.len() + 1);
                    while !rest.is_char_boundary(k) {
                        k += 1;
                    }
                    s.push(&rest[..k], false, &mut out);
                    rest = &rest[k..];
                }
                s.push("", true, &mut out);
                assert_eq!(out, want, "{name} {text:?} streamed");
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
    fn a_short_output_after_a_longer_one_in_the_same_scratch_is_whole() {
        // A short output is validated padded to a block: what a longer one
        // left in the scratch after it (here cut characters, invalid
        // UTF-8, after a 2-byte value cut the 3-byte ones) must not be
        // read as part of it.
        let entries: Vec<(String, String, u32)> = vec![("甲".into(), "é".into(), 0), ("乙".into(), "長長".into(), 0)];
        let mut b = TrieBuilder::default();
        for (k, v, r) in &entries {
            b.insert(k, v, *r);
        }
        let trie = b.build();
        let mut scratch = Vec::new();
        let mut rng = crate::testing::Lcg::new(7);
        for _ in 0..200 {
            let text: String = (0..rng.below(60)).map(|_| ['甲', '乙', '丙', 'a'][rng.below(4)]).collect();
            let mut out = String::new();
            assert_eq!(convert_run(&trie, &text, true, &mut out, &mut scratch), text.len());
            assert_eq!(out, reference(&entries, &text), "{text}");
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
    fn plain_runs_written_past_the_scratch_keep_their_place() {
        // A run of plain characters long enough goes to the output as it
        // is, after the scratch's converted characters: runs of every
        // length around the bound, after a key and before one, with
        // converted text waiting in the scratch or none, at the text's
        // start and end.
        let entries: Vec<(String, String, u32)> =
            vec![("甲".into(), "乙".into(), 0), ("甲丙".into(), "xy".into(), 0), ("丁".into(), "戊戊".into(), 0)];
        let mut b = TrieBuilder::default();
        for (k, v, r) in &entries {
            b.insert(k, v, *r);
        }
        let trie = b.build();
        let mut scratch = Vec::new();
        for n in (0..8).chain(DIRECT_BYTES - 8..DIRECT_BYTES + 8).chain([190, 200, 400]) {
            let run = |c: &str| c.repeat(n / c.len() + 1);
            for keys in ["", "甲", "甲丙丁", "丁丁丁丁丁丁"] {
                let text = format!("{}{keys}{}{keys}中{}{keys}", run("z"), run("中"), run("文z"));
                let mut out = String::from("<");
                assert_eq!(convert_run(&trie, &text, true, &mut out, &mut scratch), text.len());
                assert_eq!(out, format!("<{}", reference(&entries, &text)), "runs of {n} around {keys:?}");
            }
        }
    }

    #[test]
    fn the_frozen_tries_are_the_ones_built_from_the_dictionaries() {
        // The specs of t2s, flattened as a process does: each has its
        // frozen trie, byte for byte the one the dictionaries give.
        let (_, json) = CONFIGS.iter().find(|(n, _)| *n == "t2s").unwrap();
        let doc: Value = serde_json::from_str(json).unwrap();
        let mut found = 0;
        for field in ["normalization", "conversion_chain"] {
            for stage in doc[field].as_array().unwrap() {
                let mut leaves = Vec::new();
                flatten(&stage["dict"], true, &mut 0, &mut leaves).unwrap();
                let key = format!("{leaves:?}");
                let (_, bytes) = FROZEN.iter().find(|(k, _)| *k == key).unwrap_or_else(|| panic!("{key} not frozen"));
                assert!(build_trie(&leaves, false).unwrap().to_bytes() == *bytes, "{key}");
                found += 1;
            }
        }
        assert_eq!(found, FROZEN.len());
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
