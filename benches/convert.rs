//! Script conversion: zhclean against the Rust peers on the same text in
//! the same run, one thread.
//!
//! * `t2s`: 2.1 MB of Traditional text (Tang poems, `tests/data/opencc/diff`)
//! * `s2t`: 2.1 MB of Simplified text (Song ci)
//! * `load`: building a converter from scratch (no process-wide cache)
//!
//! Before timing, each peer's output is compared with OpenCC 1.4.2's
//! (which zhclean reproduces exactly, see `tests/opencc_diff.rs`) and the
//! number of differing characters is printed; then the peers take turns
//! for `ZHCLEAN_BENCH_ROUNDS` rounds (default 40) and the best throughput
//! of each, and zhclean's ratio to it, is printed (see `interleaved`).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rapidfuzz::distance::levenshtein;
use zhclean::Opencc;

fn corpus(file: &str) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/opencc/diff");
    std::fs::read_to_string(format!("{dir}/{file}")).unwrap().repeat(3)
}

/// Characters that differ, line by line (conversion keeps the lines).
fn differing_chars(a: &str, b: &str) -> usize {
    a.lines().zip(b.lines()).map(|(x, y)| levenshtein::distance(x.chars(), y.chars())).sum()
}

type Peer<'a> = (&'a str, Box<dyn Fn(&str) -> String + 'a>);

/// Best-of-N throughput of every peer, the peers taking turns round by
/// round: on a shared machine whose speed drifts over seconds, criterion's
/// one-peer-after-another estimates can differ by more than the effect,
/// while turns expose every peer to the same drift. Prints each peer's
/// MiB/s and zhclean's ratio to it.
fn interleaved(name: &str, text: &str, peers: &[Peer<'_>]) {
    let rounds: usize = std::env::var("ZHCLEAN_BENCH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let mut best = vec![f64::MAX; peers.len()];
    for _ in 0..rounds {
        for (i, (_, f)) in peers.iter().enumerate() {
            let t = std::time::Instant::now();
            std::hint::black_box(f(std::hint::black_box(text)));
            best[i] = best[i].min(t.elapsed().as_secs_f64());
        }
    }
    let mib = |s: f64| text.len() as f64 / s / (1024.0 * 1024.0);
    for (i, (peer, _)) in peers.iter().enumerate() {
        eprintln!(
            "{name}: interleaved best of {rounds}: {peer} {:.0} MiB/s (zhclean {:.2}x)",
            mib(best[i]),
            best[i] / best[0]
        );
    }
}

fn group(c: &mut Criterion, name: &str, text: &str, peers: Vec<Peer<'_>>) {
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(text.len() as u64));
    let reference = peers[0].1(text);
    for (peer, f) in &peers {
        let out = f(text);
        eprintln!("{name}: {peer}: {} characters differ from OpenCC 1.4.2", differing_chars(&out, &reference));
    }
    interleaved(name, text, &peers);
    for (peer, f) in &peers {
        g.bench_function(*peer, |b| {
            b.iter(|| {
                let out = f(text);
                // A cheap fact, so that a broken converter cannot post a time.
                assert!(out.len() * 2 > reference.len());
                out
            })
        });
    }
    g.finish();
}

fn convert(c: &mut Criterion) {
    let trad = corpus("tang.txt");
    let simp = corpus("songci.txt");

    let t2s = Opencc::new("t2s").unwrap();
    let zhconv_hans = zhconv::get_builtin_converter(zhconv::Variant::ZhHans);
    let ferrous_t2s = ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::T2s).unwrap();
    group(
        c,
        "t2s",
        &trad,
        vec![
            ("zhclean", Box::new(|s: &str| t2s.convert(s))),
            ("zhconv", Box::new(|s: &str| zhconv_hans.convert(s))),
            ("fast2s", Box::new(fast2s::convert)),
            ("ferrous-opencc", Box::new(|s: &str| ferrous_t2s.convert(s))),
        ],
    );

    let s2t = Opencc::new("s2t").unwrap();
    let zhconv_hant = zhconv::get_builtin_converter(zhconv::Variant::ZhHant);
    let ferrous_s2t = ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::S2t).unwrap();
    group(
        c,
        "s2t",
        &simp,
        vec![
            ("zhclean", Box::new(|s: &str| s2t.convert(s))),
            ("zhconv", Box::new(|s: &str| zhconv_hant.convert(s))),
            ("ferrous-opencc", Box::new(|s: &str| ferrous_s2t.convert(s))),
        ],
    );

    let mut g = c.benchmark_group("load");
    for name in ["t2s", "s2t"] {
        g.bench_function(format!("zhclean-{name}"), |b| b.iter(|| Opencc::build_uncached(name, true).unwrap()));
    }
    g.finish();
}

criterion_group!(benches, convert);
criterion_main!(benches);
