//! Corpus dedup: paragraph key computation and key-set lookups, in
//! paragraphs per second, against baselines in the same run: hashing the
//! raw paragraph bytes with the same XXH3-128 (what the normalization
//! costs on top), and a std `HashSet<u128>` (what the compact key set
//! costs, for its 18 bytes per key against the HashSet's ~36).

use std::collections::HashSet;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use zhclean::corpus::dedup::{CorpusDedupConfig, KeySet, Keyer};

mod common;

fn paragraphs() -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for (round, d) in common::documents().iter().cycle().take(200).enumerate() {
        // Distinct paragraphs per round, as a real corpus mostly has.
        v.extend(d.lines().filter(|l| l.chars().count() >= 20).map(|l| format!("{l}{round}")));
    }
    v
}

fn keys(c: &mut Criterion) {
    let paras = paragraphs();
    let keyer = Keyer::new(&CorpusDedupConfig::default());
    let mut g = c.benchmark_group("corpus-keys");
    g.throughput(Throughput::Elements(paras.len() as u64));
    g.bench_function("raw-xxh3-baseline", |b| {
        b.iter(|| paras.iter().map(|p| xxhash_rust::xxh3::xxh3_128(p.as_bytes())).fold(0u128, |a, k| a ^ k))
    });
    g.bench_function("key-v1", |b| b.iter(|| paras.iter().filter_map(|p| keyer.key(p)).fold(0u128, |a, k| a ^ k)));
    g.finish();

    // Lookup-and-insert of a stream where every key is seen twice.
    let ks: Vec<u128> = paras.iter().filter_map(|p| keyer.key(p)).collect();
    let stream: Vec<u128> = ks.iter().chain(ks.iter()).copied().collect();
    let mut g = c.benchmark_group("corpus-set");
    g.throughput(Throughput::Elements(stream.len() as u64));
    g.bench_function("std-hashset-baseline", |b| {
        b.iter_batched(
            HashSet::<u128>::new,
            |mut set| stream.iter().filter(|k| !set.insert(**k)).count(),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("keyset", |b| {
        b.iter_batched(
            || KeySet::new(100_000_000),
            |mut set| stream.iter().filter(|k| !set.insert(**k).unwrap()).count(),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, keys);
criterion_main!(benches);
