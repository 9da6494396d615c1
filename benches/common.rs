//! Shared bench corpus: the five seed documents (OCR news and web pages),
//! repeated to about 1 MiB so per-call overhead does not dominate.

/// The five seed documents, each its own document.
#[allow(dead_code)]
pub fn documents() -> Vec<&'static str> {
    SEEDS.to_vec()
}

const SEEDS: [&str; 5] = [
    include_str!("../tests/data/seeds/000_69be1e0508113bff.input.txt"),
    include_str!("../tests/data/seeds/001_3f606513f37b5a9b.input.txt"),
    include_str!("../tests/data/seeds/002_77636db043cf34e5.input.txt"),
    include_str!("../tests/data/seeds/003_c91fed13252d4fe5.input.txt"),
    include_str!("../tests/data/seeds/004_d8c363268019659b.input.txt"),
];

/// The seeds concatenated and repeated to about 1 MiB, as one text (for
/// passes that keep no document state).
#[allow(dead_code)]
pub fn corpus() -> String {
    let mut s = String::new();
    while s.len() < 1 << 20 {
        for d in SEEDS {
            s.push_str(d);
            s.push('\n');
        }
    }
    s
}
