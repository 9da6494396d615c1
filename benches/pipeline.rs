//! The whole default pipeline against two baselines on the same documents
//! in the same run: the identity pipeline (framing plus copy) and script
//! conversion alone (t2s). Report the ratios. The five
//! seed documents are cleaned one document at a time, 12 rounds per
//! iteration (about 1 MiB). And `calls`: a `clean` call per short document
//! against one stream for all.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use zhclean::{CleanConfig, Cleaner};

mod common;

const ROUNDS: usize = 12;

fn pipeline(c: &mut Criterion) {
    let docs = common::documents();
    let bytes: usize = docs.iter().map(|d| d.len()).sum::<usize>() * ROUNDS;
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Bytes(bytes as u64));
    let mut t2s_only = CleanConfig::identity();
    t2s_only.script = Some(zhclean::ScriptConfig::new("t2s"));
    for (name, cfg) in
        [("identity", CleanConfig::identity()), ("t2s-only", t2s_only), ("default", CleanConfig::default())]
    {
        let cleaner = Cleaner::new(cfg).unwrap();
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut out = 0;
                for _ in 0..ROUNDS {
                    for d in &docs {
                        out += cleaner.clean(d).len();
                    }
                }
                // A cheap fact about the output, so a broken pass cannot post a fast time.
                assert!(out * 2 > bytes);
                out
            })
        });
        let mut sink = Vec::with_capacity(bytes * 2);
        g.bench_function(format!("{name}-reader"), |b| {
            b.iter(|| {
                sink.clear();
                for _ in 0..ROUNDS {
                    for d in &docs {
                        cleaner.clean_reader(d.as_bytes(), &mut sink).unwrap();
                    }
                }
                assert!(sink.len() * 2 > bytes);
            })
        });
    }
    g.finish();
}

/// Short documents (each line of the seeds one), a `Cleaner::clean` call
/// each against one stream for all in the same run: what a call costs
/// besides its document (a caller's loop, a Python `map`).
fn calls(c: &mut Criterion) {
    let text = common::documents().concat();
    let docs: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let bytes: usize = docs.iter().map(|d| d.len()).sum();
    let mut g = c.benchmark_group("calls");
    g.throughput(Throughput::Bytes(bytes as u64));
    let cleaner = Cleaner::new(CleanConfig::default()).unwrap();
    g.bench_function("clean-each", |b| b.iter(|| docs.iter().map(|d| cleaner.clean(d).len()).sum::<usize>()));
    g.bench_function("one-stream", |b| {
        let mut s = cleaner.stream();
        b.iter(|| {
            docs.iter()
                .map(|d| {
                    let mut out = String::new();
                    s.push_str(d, &mut out).unwrap();
                    s.finish(&mut out).unwrap();
                    out.len()
                })
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, pipeline, calls);
criterion_main!(benches);
