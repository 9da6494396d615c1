//! Helpers to check a pipeline or a pass of your own against the streaming
//! contract. The crate's own tests use them for every pass.
//!
//! * [`ChunkTester`] runs one input through every chunking that matters
//!   (whole, one line per push, every split point of a small input, random
//!   splits with empty pushes between, reads of 1, 2, 3 and 7 bytes) and
//!   checks that the output is the same every time and that the stream
//!   never holds more than a stated bound.
//! * [`rebuild_input`] (from [`crate::audit`]) undoes one pass's
//!   [`OwnedEdit`](crate::OwnedEdit)s on its output, to check that nothing
//!   was lost outside what the pass reported.
//!
//! ```
//! use zhclean::{testing::ChunkTester, Cleaner};
//! let cleaner = Cleaner::new(Default::default()).unwrap();
//! let out = ChunkTester::new(|| cleaner.stream()).run("强化 增强\n\n活动在 洛阳开幕,专家齐聚洛阳。\n".as_bytes());
//! assert_eq!(out, "强化 增强\n活动在洛阳开幕，专家齐聚洛阳。\n");
//! ```

use std::io::Read;

use crate::pipeline::Stream;

pub use crate::audit::rebuild_input;

/// Runs an input through every chunking; see the module docs.
pub struct ChunkTester<F: Fn() -> Stream> {
    make: F,
    held_bound: Option<usize>,
    random_rounds: u64,
    /// Inputs up to this size are tried at every split point.
    exhaustive_up_to: usize,
}

impl<F: Fn() -> Stream> ChunkTester<F> {
    /// A tester making a fresh [`Stream`] with `make` for every chunking.
    pub fn new(make: F) -> Self {
        ChunkTester { make, held_bound: None, random_rounds: 8, exhaustive_up_to: 400 }
    }

    /// Also assert that `Stream::held_bytes() <= bound` after every push.
    pub fn held_bound(mut self, bound: usize) -> Self {
        self.held_bound = Some(bound);
        self
    }

    /// How many random chunkings to try (default 8).
    pub fn random_rounds(mut self, n: u64) -> Self {
        self.random_rounds = n;
        self
    }

    /// Runs every chunking and returns the output.
    ///
    /// # Panics
    /// When two chunkings disagree, a bound is exceeded, or a push fails;
    /// the message names the chunking.
    pub fn run(&self, input: &[u8]) -> String {
        let whole = self.chunked("whole", &[input]);
        let check = |label: &str, got: String| {
            if got != whole {
                panic!("chunking {label:?} differs from whole input:\n  whole: {whole:?}\n  got:   {got:?}");
            }
        };
        // One line per push.
        let lines: Vec<&[u8]> = input.split_inclusive(|&b| b == b'\n').collect();
        check("line-per-push", self.chunked("line-per-push", &lines));
        // Every split point (small inputs), with an empty push between.
        if input.len() <= self.exhaustive_up_to {
            for k in 0..=input.len() {
                let label = format!("split-at-{k}");
                check(&label, self.chunked(&label, &[&input[..k], b"", &input[k..]]));
            }
        }
        // Random splits with empty pushes interleaved.
        let mut rng = SplitMix(0x5eed ^ input.len() as u64);
        for round in 0..self.random_rounds {
            let mut chunks: Vec<&[u8]> = Vec::new();
            let mut i = 0;
            while i < input.len() {
                if rng.next() % 4 == 0 {
                    chunks.push(b"");
                }
                let max = 1 + (rng.next() % 17) as usize;
                let n = max.min(input.len() - i);
                chunks.push(&input[i..i + n]);
                i += n;
            }
            let label = format!("random-{round}");
            check(&label, self.chunked(&label, &chunks));
        }
        // Reader with tiny reads.
        for n in [1, 2, 3, 7] {
            let label = format!("read-{n}");
            check(&label, self.read_by(&label, input, n));
        }
        whole
    }

    /// Asserts the output of every chunking equals `expected`.
    ///
    /// # Panics
    /// As [`ChunkTester::run`], or when the output differs from `expected`.
    pub fn check(&self, input: &[u8], expected: &str) {
        let got = self.run(input);
        assert_eq!(got, expected, "output differs from expected");
    }

    fn chunked(&self, label: &str, chunks: &[&[u8]]) -> String {
        let mut s = (self.make)();
        let mut out = String::new();
        for c in chunks {
            s.push(c, &mut out).unwrap_or_else(|e| panic!("{label}: push failed: {e}"));
            self.check_held(label, &s);
        }
        s.finish(&mut out).unwrap_or_else(|e| panic!("{label}: finish failed: {e}"));
        assert_eq!(s.held_bytes(), 0, "{label}: bytes held after finish");
        out
    }

    fn read_by(&self, label: &str, input: &[u8], n: usize) -> String {
        let mut r = Trickle { data: input, step: n };
        let mut s = (self.make)();
        let mut out = String::new();
        let mut buf = vec![0u8; 64];
        loop {
            let got = r.read(&mut buf).expect("in-memory read");
            if got == 0 {
                break;
            }
            s.push(&buf[..got], &mut out).unwrap_or_else(|e| panic!("{label}: push failed: {e}"));
            self.check_held(label, &s);
        }
        s.finish(&mut out).unwrap_or_else(|e| panic!("{label}: finish failed: {e}"));
        out
    }

    fn check_held(&self, label: &str, s: &Stream) {
        if let Some(b) = self.held_bound {
            let h = s.held_bytes();
            assert!(h <= b, "{label}: stream holds {h} bytes, bound is {b}");
        }
    }
}

/// A reader returning at most `step` bytes per read.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// A tiny deterministic PRNG, so failures reproduce.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Runs one pass over `input` as a single document (one push, then
/// `finish` at the right offset) and returns its output and edits: the
/// unit-test harness of every pass in this crate.
///
/// ```
/// use zhclean::passes::unicode::UnicodePass;
/// let (out, log) = zhclean::testing::run_pass(&mut UnicodePass::new(Default::default()), "ＡＢ\n");
/// assert_eq!(out, "AB\n");
/// assert_eq!(log.edits.len(), 2);
/// ```
pub fn run_pass(pass: &mut dyn crate::Pass, input: &str) -> (String, crate::EditLog) {
    let mut text = String::new();
    let mut log = crate::EditLog::default();
    let name = pass.name();
    pass.push(input, &mut crate::Out::new(&mut text, &mut log, name, 0)).expect("push");
    pass.finish(&mut crate::Out::new(&mut text, &mut log, name, input.len() as u64)).expect("finish");
    (text, log)
}

/// A fixed linear congruential generator for the crate's own tests that
/// compare two answers to one question on generated text: deterministic,
/// and no dependency.
#[cfg(test)]
pub(crate) struct Lcg(u64);

#[cfg(test)]
impl Lcg {
    pub(crate) fn new(seed: u64) -> Lcg {
        Lcg(seed)
    }

    /// A number below `n`.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize % n
    }

    /// `count` strings of fewer than `most` pieces each, drawn from `pieces`.
    pub(crate) fn mixtures(&mut self, pieces: &[&str], count: usize, most: usize) -> Vec<String> {
        (0..count)
            .map(|_| {
                let n = self.below(most);
                (0..n).map(|_| pieces[self.below(pieces.len())]).collect()
            })
            .collect()
    }
}
