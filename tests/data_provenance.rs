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
