//! No quadratic corners: each pass, alone, on its worst-case input at two
//! sizes, 10x apart. Criterion reports throughput (bytes/s) for both; a
//! linear pass shows about the same throughput at both sizes, a quadratic
//! one a tenth. `bash scripts/bench_scaling.sh` prints the ratios.
//!
//! Worst cases, per pass: one long line of a single character (every pass:
//! the line cap and piece handling); pinyin: annotations back to back;
//! unicode: combining marks; script: one character OpenCC maps, repeated;
//! caption: short lines that are all caption candidates; rejoin: open
//! lines that all join; dedup: near-duplicate paragraphs (each differs in
//! one character, so every window is looked up and none repeats); punct:
//! quotes and ASCII punctuation on every other character.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use zhclean::passes::{caption, chrome, dedup, paragraphs, pinyin, punct, rejoin, script, unicode};
use zhclean::{Opencc, Pass, Stream};

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

type Make = Box<dyn Fn() -> Box<dyn Pass>>;
/// A pass's name, constructor and worst-case input of about n bytes.
type Case = (&'static str, Make, fn(usize) -> String);

fn cases() -> Vec<Case> {
    let t2s = Opencc::new("t2s").unwrap();
    vec![
        (
            "unicode",
            Box::new(|| Box::new(unicode::UnicodePass::new(Default::default())) as Box<dyn Pass>) as Make,
            (|n| repeat_to("e\u{301}\u{308}\u{301}甲", n)) as fn(usize) -> String,
        ),
        ("pinyin", Box::new(|| Box::new(pinyin::PinyinPass::new())), |n| repeat_to("當(dāng)", n)),
        ("script", Box::new(move || Box::new(script::ScriptPass::new(&t2s))), |n| repeat_to("發", n)),
        ("chrome", Box::new(|| Box::new(chrome::ChromePass::new())), |n| repeat_to("版权所有 \n", n)),
        ("caption", Box::new(|| Box::new(caption::CaptionPass::new())), |n| repeat_to("图为一张照片\n\n", n)),
        ("rejoin", Box::new(|| Box::new(rejoin::RejoinPass::new(Default::default()))), |n| {
            repeat_to("这一行没有结束，还要继续往下写很多的字而且没有句号，\n\n", n)
        }),
        ("dedup", Box::new(|| Box::new(dedup::DedupPass::new(Default::default()))), near_duplicates),
        ("punct", Box::new(|| Box::new(punct::PunctPass::new(Default::default()))), |n| {
            repeat_to("\"甲\",'乙'(丙)", n)
        }),
        ("paragraphs", Box::new(|| Box::new(paragraphs::ParagraphsPass::new())), |n| repeat_to("甲\n\n\n", n)),
        ("long-line", Box::new(|| Box::new(punct::PunctPass::new(Default::default()))), |n| repeat_to("甲", n)),
    ]
}

fn scaling(c: &mut Criterion) {
    for (name, make, input) in cases() {
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
                    let mut s = Stream::from_passes(vec![make()], 1 << 20, false);
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
