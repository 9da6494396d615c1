//! The whole default pipeline against the identity pipeline (framing plus
//! copy) on the same text in the same run: report the ratio.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use zhclean::{CleanConfig, Cleaner};

mod common;

fn pipeline(c: &mut Criterion) {
    let text = common::corpus();
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Bytes(text.len() as u64));
    for (name, cfg) in [("identity", CleanConfig::identity()), ("default", CleanConfig::default())] {
        let cleaner = Cleaner::new(cfg).unwrap();
        g.bench_function(name, |b| {
            b.iter(|| {
                let out = cleaner.clean(&text);
                // A cheap fact about the output, so a broken pass cannot post a fast time.
                assert!(out.len() * 2 > text.len());
                out
            })
        });
        let mut sink = Vec::with_capacity(text.len() * 2);
        g.bench_function(format!("{name}-reader"), |b| {
            b.iter(|| {
                sink.clear();
                cleaner.clean_reader(text.as_bytes(), &mut sink).unwrap();
                assert!(sink.len() * 2 > text.len());
            })
        });
    }
    g.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
