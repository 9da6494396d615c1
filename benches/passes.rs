//! Each pass that has no bench of its own (`pinyin`, `rejoin`, `caption`,
//! `dedup`, `chrome`), alone, against the identity pipeline on the same
//! text in the same run: their ratios to it are the figures to compare
//! across machines. The text is 4 MiB of OCR-style news that does not
//! repeat (`common::varied_corpus`), one document, so the duplicate check
//! works as on a long plain-text file.
//!
//!     cargo bench --bench passes [-- NAME]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use zhclean::passes::{caption, chrome, dedup, pinyin, rejoin};
use zhclean::Pass;

mod common;

/// Builds the pass to time; None for the identity pipeline.
type Maker = fn() -> Option<Box<dyn Pass>>;

fn bench(c: &mut Criterion) {
    let text = common::varied_corpus(4 << 20);
    let mut g = c.benchmark_group("passes");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(20);
    let makers: [(&str, Maker); 6] = [
        ("identity", || None),
        ("pinyin", || Some(Box::new(pinyin::PinyinPass::new()))),
        ("rejoin", || Some(Box::new(rejoin::RejoinPass::new(Default::default())))),
        ("caption", || Some(Box::new(caption::CaptionPass::new()))),
        ("dedup", || Some(Box::new(dedup::DedupPass::new(Default::default())))),
        ("chrome", || Some(Box::new(chrome::ChromePass::new()))),
    ];
    for (name, make) in makers {
        g.bench_function(name, |b| b.iter(|| common::run_passes(make().into_iter().collect(), &text)));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
