//! The `unicode` pass alone against the identity pipeline, same text, same run.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use zhclean::{passes, CleanConfig, Cleaner};

mod common;

fn bench(c: &mut Criterion) {
    let text = common::corpus();
    let mut g = c.benchmark_group("unicode");
    g.throughput(Throughput::Bytes(text.len() as u64));
    let identity = Cleaner::new(CleanConfig::identity()).unwrap();
    g.bench_function("identity", |b| b.iter(|| identity.clean(&text)));
    g.bench_function("unicode", |b| {
        b.iter(|| common::run_passes(vec![Box::new(passes::unicode::UnicodePass::new(Default::default()))], &text))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
