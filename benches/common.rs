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

/// About `bytes` of OCR-style text that does not repeat: the seeds in
/// turn, each copy with about 15% of its Han characters replaced by other
/// Han characters of the seeds (a fixed pseudo-random sequence), as
/// `scripts/gen_news_corpus.py` makes for the whole-process benches. On
/// plain repetition the duplicate check would remove nearly everything
/// and time a shortcut.
#[allow(dead_code)]
pub fn varied_corpus(bytes: usize) -> String {
    let is_han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let mut han: Vec<char> = SEEDS.iter().flat_map(|d| d.chars()).filter(|&c| is_han(c)).collect();
    han.sort_unstable();
    han.dedup();
    let mut state = 0x2026_1123_u64;
    let mut next = move || {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let mut s = String::with_capacity(bytes + (64 << 10));
    while s.len() < bytes {
        for d in SEEDS {
            for c in d.chars() {
                let r = next();
                s.push(if is_han(c) && r % 100 < 15 { han[(r >> 32) as usize % han.len()] } else { c });
            }
            s.push_str("\n\n");
        }
    }
    s
}

/// `passes` as one stream (line cap 1 MiB) over `text`, whole: what a
/// single-pass bench times. Checks that most of the text came out, so a
/// broken pass cannot post a fast time.
#[allow(dead_code)]
pub fn run_passes(passes: Vec<Box<dyn zhclean::Pass>>, text: &str) -> String {
    let mut s = zhclean::Stream::from_passes(passes, 1 << 20, false);
    let mut out = String::with_capacity(text.len());
    s.push(text.as_bytes(), &mut out).unwrap();
    s.finish(&mut out).unwrap();
    assert!(out.len() * 2 > text.len());
    out
}
