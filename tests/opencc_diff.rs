//! Whole-text differential test against OpenCC 1.4.2 itself: about 3 MB
//! of Traditional and Simplified text (Tang poems, Song ci, the prose of
//! *Dream of the Red Chamber* that `tests/passes.rs` uses as a control, and
//! OpenCC's own phrase keys shuffled into lines), every config. The
//! expected output was produced once by `scripts/gen_opencc_diff.py` with
//! the `opencc` Python package and is stored as SHA-256 prefixes of
//! 256-line blocks.

use sha2::{Digest, Sha256};
use zhclean::Opencc;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/opencc/diff");

const BLOCK: usize = 256;

fn block_hashes(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    lines
        .chunks(BLOCK)
        .map(|b| Sha256::digest(b.join("\n").as_bytes()).iter().take(8).map(|x| format!("{x:02x}")).collect())
        .collect()
}

#[test]
fn every_config_matches_opencc_on_natural_text() {
    let expected = std::fs::read_to_string(format!("{DIR}/expected.tsv")).unwrap();
    let mut want: std::collections::BTreeMap<(String, String), Vec<String>> = Default::default();
    for line in expected.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        want.entry((f[0].to_string(), f[1].to_string())).or_default().push(f[3].to_string());
    }
    assert_eq!(want.len(), 16 * 4);
    let mut failures = Vec::new();
    for ((cfg, file), hashes) in &want {
        // Inputs are named by their path from DIR (the prose control lies
        // in its own folder).
        let input = std::fs::read_to_string(format!("{DIR}/{file}")).unwrap();
        let got = Opencc::new(cfg).unwrap().convert(&input);
        let got_hashes = block_hashes(&got);
        assert_eq!(got_hashes.len(), hashes.len(), "{cfg} {file}: line count");
        for (i, (g, w)) in got_hashes.iter().zip(hashes).enumerate() {
            if g != w {
                failures.push(format!("{cfg} {file}: lines {}..{} differ", i * BLOCK + 1, (i + 1) * BLOCK));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
