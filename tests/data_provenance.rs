//! The compiled-in data files are the ones `data/README.md` describes.

use sha2::{Digest, Sha256};

/// SHA-256 of each data file, as listed in `data/README.md`.
const FILES: &[(&str, &str)] = &[(
    "data/unicode/EquivalentUnifiedIdeograph.txt",
    "f2e04bae8c856fad3a16353a99d4cc2de6c72770260379f5e4974a97548aad2a",
)];

#[test]
fn data_files_match_their_recorded_hashes() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/README.md")).unwrap();
    for (path, want) in FILES {
        let bytes = std::fs::read(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let got: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(got, *want, "{path} changed; update data/README.md and this test");
        assert!(readme.contains(want), "data/README.md does not list the hash of {path}");
    }
}

/// Every OpenCC file matches `data/opencc/SHA256SUMS`, and every file in
/// the folder is listed there.
#[test]
fn opencc_files_match_their_checksums() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/opencc");
    let sums = std::fs::read_to_string(format!("{dir}/SHA256SUMS")).unwrap();
    let mut listed = std::collections::BTreeSet::new();
    for line in sums.lines() {
        let (want, path) = line.split_once("  ").unwrap();
        let bytes = std::fs::read(format!("{dir}/{path}")).unwrap();
        let got: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(got, want, "data/opencc/{path} changed; see data/README.md");
        listed.insert(path.to_string());
    }
    for sub in ["dictionary", "config"] {
        for e in std::fs::read_dir(format!("{dir}/{sub}")).unwrap() {
            let name = format!("{sub}/{}", e.unwrap().file_name().to_string_lossy());
            assert!(listed.contains(&name), "{name} is not in SHA256SUMS");
        }
    }
    assert_eq!(listed.len(), 34);
}
