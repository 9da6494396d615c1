//! Compiles data the library would otherwise build in every process:
//!
//! - the word list's Han word keys, as sorted binary tables with an index
//!   by first character (see `src/dict/han_keys.rs`);
//! - the tries of the default conversion, t2s (its normalization and its
//!   conversion chain, with the tofu-risk dictionary as by default), as
//!   bytes `Trie::from_bytes` reads (see `src/dict/trie/frozen.rs`): built
//!   here by the library's own trie and dictionary code, included below.

#[path = "src/han.rs"]
mod han;

#[path = "src/dict/han_keys.rs"]
#[allow(dead_code)]
mod han_keys;

#[path = "src/text.rs"]
#[allow(dead_code, unused_imports)]
mod text;

#[path = "src/error.rs"]
#[allow(dead_code)]
mod error;

#[path = "src/dict/lexicon.rs"]
#[allow(dead_code)]
mod lexicon;

#[path = "src/dict/trie/mod.rs"]
#[allow(dead_code)]
mod trie;

use std::path::Path;

/// The tries frozen: a file name, and the ranked leaves the library
/// flattens the dict spec to (`src/dict/opencc/mod.rs`, `flatten`); a
/// leaf derived from another's tofu-risk lines names that one.
const FROZEN: &[(&str, &[(&str, u32)])] = &[
    ("t2s_normalization", &[("CJK_Compatibility_Ideographs", 0)]),
    ("t2s_conversion", &[("TSPhrases", 0), ("TSCharactersExt", 1), ("TSCharacters", 2)]),
];

fn main() {
    // The data read, and the sources included above (`src/dict` as a whole
    // reran the script on any change to the conversion's stage loop).
    for f in [
        "data/words/jieba.txt",
        "data/opencc/dictionary",
        "src/han.rs",
        "src/dict/han_keys.rs",
        "src/text.rs",
        "src/error.rs",
        "src/dict/lexicon.rs",
        "src/dict/trie",
    ] {
        println!("cargo::rerun-if-changed={f}");
    }
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let jieba = std::fs::read_to_string("data/words/jieba.txt").expect("data/words/jieba.txt");
    let (keys, not_nouns) = han_keys::tables(&jieba);
    for (name, v) in [("han_words", keys), ("han_non_nouns", not_nouns)] {
        let bytes: Vec<u8> = v.iter().flat_map(|k| k.to_le_bytes()).collect();
        std::fs::write(out.join(format!("{name}.bin")), bytes).expect("write to OUT_DIR");
        let index: Vec<u8> = han_keys::index(&v).iter().flat_map(|i| i.to_le_bytes()).collect();
        std::fs::write(out.join(format!("{name}.idx")), index).expect("write to OUT_DIR");
    }
    for (name, leaves) in FROZEN {
        freeze(&out, name, leaves);
    }
}

/// Writes `<name>.trie`, the trie of `leaves`, and `<name>.key`, the key
/// the library's trie cache knows those leaves by.
fn freeze(out: &Path, name: &str, leaves: &[(&str, u32)]) {
    let read = |n: &str| {
        let path = format!("data/opencc/dictionary/{n}.txt");
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let texts: Vec<String> = leaves.iter().map(|(n, _)| read(n.strip_suffix("Ext").unwrap_or(n))).collect();
    let data: Vec<lexicon::Leaf<'_>> = leaves
        .iter()
        .zip(&texts)
        .map(|((n, _), text)| match n.strip_suffix("Ext") {
            Some(base) => lexicon::Leaf::Derived(
                lexicon::extract_tofu_risk(&format!("{base}.txt"), text).expect("tofu-risk lines").into(),
            ),
            None => lexicon::Leaf::Raw(lexicon::first_values(&format!("{n}.txt"), text).expect("a dictionary")),
        })
        .collect();
    // Inserted in the leaves' order, as the library does.
    let mut b = trie::TrieBuilder::default();
    for (leaf, &(_, rank)) in data.iter().zip(leaves) {
        leaf.for_each_pair(|k, v| b.insert(k, v, rank));
    }
    let owned: Vec<(String, u32)> = leaves.iter().map(|&(n, r)| (n.to_string(), r)).collect();
    std::fs::write(out.join(format!("{name}.trie")), b.build().to_bytes()).expect("write to OUT_DIR");
    std::fs::write(out.join(format!("{name}.key")), format!("{owned:?}")).expect("write to OUT_DIR");
}
