//! Compiles the word list's Han word keys into sorted binary tables (see
//! `src/dict/han_keys.rs`), so that no process builds them at run time.

#[path = "src/han.rs"]
mod han;

#[path = "src/dict/han_keys.rs"]
#[allow(dead_code)]
mod han_keys;

fn main() {
    for f in ["data/words/jieba.txt", "src/han.rs", "src/dict/han_keys.rs"] {
        println!("cargo::rerun-if-changed={f}");
    }
    let jieba = std::fs::read_to_string("data/words/jieba.txt").expect("data/words/jieba.txt");
    let (keys, not_nouns) = han_keys::tables(&jieba);
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for (name, v) in [("han_words.bin", keys), ("han_non_nouns.bin", not_nouns)] {
        let bytes: Vec<u8> = v.iter().flat_map(|k| k.to_le_bytes()).collect();
        std::fs::write(out.join(name), bytes).expect("write to OUT_DIR");
    }
}
