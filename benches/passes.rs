//! Each pass that has no bench of its own (`pinyin`, `rejoin`, `caption`,
//! `dedup`, `chrome`), alone, against the identity pipeline on the same
//! text in the same run: their ratios to it are the figures to compare
//! across machines. The text is 4 MiB of OCR-style news that does not
//! repeat (`common::varied_corpus`), one document, so the duplicate check
//! works as on a long plain-text file.
//!
//!     cargo bench --bench passes [-- NAME]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use zhclean::passes::{Compiled, PassId};
use zhclean::CleanConfig;

mod common;

/// Passes with a bench of their own (`unicode`, `punct`, `convert`) or
/// too cheap to time alone (`paragraphs`).
const OWN_BENCH: [PassId; 4] = [PassId::Unicode, PassId::Script, PassId::Punct, PassId::Paragraphs];

fn bench(c: &mut Criterion) {
    let text = common::varied_corpus(4 << 20);
    let mut g = c.benchmark_group("passes");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(20);
    let cfg = CleanConfig::default();
    let compiled = Compiled::new(&cfg).unwrap();
    g.bench_function("identity", |b| b.iter(|| common::run_passes(Vec::new(), &text)));
    for id in PassId::ALL.into_iter().filter(|id| !OWN_BENCH.contains(id)) {
        g.bench_function(id.name(), |b| {
            b.iter(|| common::run_passes(id.build(&cfg, &compiled).into_iter().collect(), &text))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
