//! No quadratic corners: each pass, alone, on its worst-case input at two
//! sizes, 10x apart. Criterion reports throughput (bytes/s) for both; a
//! linear pass shows about the same throughput at both sizes, a quadratic
//! one a tenth. `bash scripts/bench_scaling.sh` prints the ratios.
//!
//! Worst cases, per pass: one long line of a single character (every pass:
//! the line cap and piece handling); pinyin: annotations back to back;
//! unicode: combining marks; script: one character OpenCC maps, repeated;
//! caption: short lines that are all caption candidates; unwrap: a
//! hard-wrapped column whose lines all join, with running heads; rejoin: open
//! lines that all join; dedup: near-duplicate paragraphs (each differs in
//! one character, so every window is looked up and none repeats); punct:
//! quotes and ASCII punctuation on every other character.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use zhclean::passes::{Compiled, PassId};
use zhclean::{CleanConfig, Stream};

const SMALL: usize = 100_000;

fn repeat_to(unit: &str, bytes: usize) -> String {
    unit.repeat(bytes / unit.len() + 1)
}

fn near_duplicates(bytes: usize) -> String {
    let base: Vec<char> =
        "近年来全市新建改扩建中小学幼儿园一百余所，学位紧张、大班额等问题得到改善。".chars().collect();
    let mut s = String::new();
    let mut k = 0usize;
    while s.len() < bytes {
        let mut p = base.clone();
        let i = k % p.len();
        p[i] = char::from_u32(0x4e00 + (k % 20000) as u32).unwrap();
        s.extend(p);
        s.push('\n');
        k += 1;
    }
    s
}

/// The worst-case input of about n bytes for a pass.
fn worst_case(id: PassId) -> fn(usize) -> String {
    match id {
        PassId::Unicode => |n| repeat_to("e\u{301}\u{308}\u{301}甲", n),
        PassId::Pinyin => |n| repeat_to("當(dāng)", n),
        PassId::Script => |n| repeat_to("發", n),
        PassId::Chrome => |n| repeat_to("版权所有 \n", n),
        PassId::Caption => |n| repeat_to("图为一张照片\n\n", n),
        PassId::Unwrap => |n| {
            repeat_to("　　市里今年将新建口袋公园二十\n个，改造老旧小区供水管网三百余\n公里；同时推进背街小巷整治，让\n群众出门见绿，第03版 要闻\n第03版 要闻\n", n)
        },
        PassId::Rejoin => |n| repeat_to("这一行没有结束，还要继续往下写很多的字而且没有句号，\n\n", n),
        PassId::Dedup => near_duplicates,
        PassId::Punct => |n| repeat_to("\"甲\",'乙'(丙)", n),
        PassId::Paragraphs => |n| repeat_to("甲\n\n\n", n),
    }
}

/// Every pass of the registry on its worst case, plus one long line
/// through `punct` (the line cap's piece handling).
/// A case's label, the pass it runs, and its input of about n bytes.
type Case = (&'static str, PassId, fn(usize) -> String);

fn cases() -> Vec<Case> {
    let mut v: Vec<_> = PassId::ALL.into_iter().map(|id| (id.name(), id, worst_case(id))).collect();
    v.push(("long-line", PassId::Punct, |n| repeat_to("甲", n)));
    v
}

fn scaling(c: &mut Criterion) {
    let cfg = CleanConfig::default();
    let compiled = Compiled::new(&cfg).unwrap();
    let make = |id: PassId| id.build(&cfg, &compiled).expect("the default runs every pass");
    for (name, id, input) in cases() {
        let mut g = c.benchmark_group(format!("scaling/{name}"));
        g.sample_size(10);
        // Three sizes: from 100 kB to 1 MB a pass's tables may leave the
        // L2 cache (a constant factor, not a trend); 1 MB to 10 MB shows
        // the trend.
        for n in [SMALL, 10 * SMALL, 100 * SMALL] {
            let text = input(n);
            g.throughput(Throughput::Bytes(text.len() as u64));
            g.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
                b.iter(|| {
                    let mut s = Stream::from_passes(vec![make(id)], 1 << 20, false);
                    let mut out = String::new();
                    for chunk in text.as_bytes().chunks(64 * 1024) {
                        s.push(chunk, &mut out).unwrap();
                    }
                    s.finish(&mut out).unwrap();
                    out.len()
                })
            });
        }
        g.finish();
    }
}

criterion_group!(benches, scaling);
criterion_main!(benches);
