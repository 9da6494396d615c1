//! Invariants every pass and the pipeline keep, on generated text that
//! looks like the real thing: Han phrases, ASCII and CJK punctuation,
//! quotes, every kind of whitespace, newlines and CRs, Latin words, digits,
//! URLs, full-width forms, radicals, combining marks, controls.
//!
//! * identical output for any chunking (random split points and empty
//!   pushes, and one byte at a time);
//! * idempotence: cleaning the output again changes nothing;
//! * no panic, on generated text and on arbitrary bytes;
//! * nothing lost: each pass's input is rebuilt from its output and its
//!   audit edits.
//!
//! `PROPTEST_CASES` sets the number of cases (CI keeps it modest).

use proptest::prelude::*;
#[cfg(feature = "corpus")]
use zhclean::corpus::{Corpus, CorpusOptions};
use zhclean::passes::PassId;
use zhclean::{passes, testing::rebuild_input, CleanConfig, Cleaner, EditLog, OutputMode, Pass, Stream};

const FRAGMENTS: &[&str] = &[
    "洛阳",
    "人才驱动",
    "创新发展",
    "工作研讨交流活动",
    "科技部",
    "的",
    "和",
    "在",
    "开幕",
    "记者",
    "本报讯",
    "當前位置",
    "首頁",
    "新聞",
    "国家大学科技园",
    "强化人才驱动",
    "增强发展动能",
    ",",
    ";",
    ":",
    "?",
    "!",
    "(",
    ")",
    "\"",
    "'",
    "，",
    "。",
    "、",
    "；",
    "：",
    "？",
    "！",
    "（",
    "）",
    "“",
    "”",
    "‘",
    "’",
    "——",
    "…",
    "·",
    "《",
    "》",
    " ",
    "  ",
    "\t",
    "\u{a0}",
    "\u{3000}",
    "\u{2003}",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\u{2029}",
    "\u{2028}",
    "\u{0C}",
    "\u{0B}",
    "\u{85}",
    "Rust",
    "Copyright",
    "don't",
    "TOP10",
    "2021",
    "18:00",
    "1,000",
    "3月30日",
    "https://a.cn/x?y=1",
    "www.b.com",
    "ＡＢＣ",
    "１２３",
    "％",
    "⾦",
    "⻘",
    "\u{F900}",
    "e\u{301}",
    "\u{301}",
    "\u{200b}",
    "\u{feff}",
    "\u{202e}",
    "\u{7}",
    "\u{85}",
    "\u{fffd}",
    "\0",
    "(上接01版)",
    "（下转第3版）",
    "倪睿/摄",
    "（资料图片）",
    "新华社记者 张三 摄",
    "图/王五",
    "首页 > 新闻中心 > 正文",
    "京ICP备12345678号",
    "版权所有",
    "联系电话：0379-12345678",
    // Long enough (>= 30 Han, a sentence) for the dedup span rule.
    "市科技局赴时代楷模陈俊武陈列室开展主题党日活动并参观学习。",
    // A sentence with clauses and a near copy of it (one OCR error): dedup
    // must cut the copy at a clause boundary, never where they diverge.
    "为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。",
    "为企业发展提供内质服务，同时加强事中事后监管，维护公平竞争的市场秩序。",
    "在跟班学习期间，跟班学习干部既注重提升自身能",
    "ǎ",
    "(dāng)",
];

/// Fragments strung together, or a hard-wrapped page (one time in three).
fn doc() -> impl Strategy<Value = String> {
    let fragments = prop::collection::vec(prop::sample::select(FRAGMENTS), 0..60).prop_map(|v| v.concat());
    prop_oneof![2 => fragments, 1 => page()]
}

/// Sentences a page's paragraphs are made of: clauses, numbers, quotes,
/// brackets, a page reference.
const SENTENCES: &[&str] = &[
    "市里今年将新建口袋公园二十个，",
    "改造老旧小区供水管网三百余公里；",
    "同时推进背街小巷整治，让群众出门见绿。",
    "据介绍，首批项目已于上月开工。",
    "2023年共完成投资1.5亿元，",
    "“我们要把好事办好。”他说。",
    "《安置协议》（以下简称协议）约定：",
    "详见第3版",
    "一、坚持问题导向",
    "（二）加强组织领导；",
    "Copyright 2023 Example",
    "床前明月光，疑是地上霜。",
];

/// What a page end or a photo sets between a column's lines.
const INSERTS: &[&str] = &[
    "第03版 要闻",
    "- 12 -",
    "江城日报 2023年12月5日 星期二",
    "责任编辑 张三 美术编辑 李四",
    "\n图为工人在调试设备。（李某摄）\n",
    "\n执行干警清点涉案财物。\n摄影：孙丽\n",
    "\n庭审现场\n王海/摄\n",
    "\n图①：法官释法说理。\n图/赵阳\n",
    "\n\n\n",
    "",
    "（上接第1版）",
];

/// A page set in a column `width` cells wide (indented or not; digits and
/// Latin letters half a cell), with running heads, captions and gaps put
/// between its lines. Paragraphs end a sentence, as printed ones do: a
/// paragraph that stops mid-clause at the column's exact width, next to one
/// that opens indented, reads as a wrapped line once a cleaning has taken
/// the indent off (see `unwrap`'s notes on idempotence).
fn page() -> impl Strategy<Value = String> {
    let paragraphs = prop::collection::vec(prop::collection::vec(prop::sample::select(SENTENCES), 1..5), 1..6);
    let indents = prop::sample::select(&["", "\u{3000}\u{3000}", "    "][..]);
    let inserts = prop::collection::vec((0..120usize, prop::sample::select(INSERTS)), 0..4);
    (paragraphs, 6..22usize, indents, inserts).prop_map(|(paragraphs, width, indent, inserts)| {
        let half = |c: char| if c.is_ascii_alphanumeric() || c == ' ' { 1 } else { 2 };
        let mut lines: Vec<String> = Vec::new();
        for p in paragraphs {
            let (mut line, mut w) = (String::from(indent), indent.chars().map(half).sum::<usize>());
            let mut text = p.concat();
            if !text.ends_with(['。', '！', '？']) {
                text.push('。');
            }
            for c in text.chars() {
                if w + half(c) > width * 2 {
                    lines.push(std::mem::take(&mut line));
                    w = 0;
                }
                line.push(c);
                w += half(c);
            }
            lines.push(line);
        }
        for (at, insert) in inserts {
            let at = at % (lines.len() + 1);
            lines.insert(at, insert.to_string());
        }
        lines.join("\n") + "\n"
    })
}

fn splits(len: usize) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0..=len, 0..8).prop_map(|mut v| {
        v.sort_unstable();
        v
    })
}

/// A reader handing out `text` in the pieces `cuts` make (and an empty
/// read never, which would mean the end).
#[cfg(feature = "corpus")]
struct Pieces<'a> {
    text: &'a [u8],
    cuts: &'a [usize],
    at: usize,
    next: usize,
}

#[cfg(feature = "corpus")]
impl std::io::Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.next < self.cuts.len() && self.cuts[self.next] <= self.at {
            self.next += 1;
        }
        let end = self.cuts.get(self.next).copied().unwrap_or(self.text.len()).min(self.at + buf.len());
        let n = end - self.at;
        buf[..n].copy_from_slice(&self.text[self.at..end]);
        self.at = end;
        Ok(n)
    }
}

fn run_chunks(mut s: Stream, input: &[u8], cuts: &[usize]) -> String {
    let mut out = String::new();
    let mut last = 0;
    for &c in cuts {
        s.push(&input[last..c], &mut out).unwrap();
        s.push(b"", &mut out).unwrap();
        last = c;
    }
    s.push(&input[last..], &mut out).unwrap();
    s.finish(&mut out).unwrap();
    out
}

/// Every pass on its own, as a factory, plus the whole presets.
type PassFactory = Box<dyn Fn() -> Box<dyn Pass>>;

/// Every pass of the registry with its default settings, conversion as
/// `s2twp` (the config with the most stages).
fn single_passes() -> Vec<(PassId, PassFactory)> {
    let mut cfg = CleanConfig::default();
    cfg.script = Some(zhclean::ScriptConfig::new("s2twp"));
    let compiled = passes::Compiled::new(&cfg).unwrap();
    PassId::ALL
        .into_iter()
        .map(|id| {
            let (cfg, compiled) = (cfg.clone(), compiled.clone());
            let make: PassFactory = Box::new(move || id.build(&cfg, &compiled).expect("the default runs every pass"));
            (id, make)
        })
        .collect()
}

fn cleaners() -> Vec<Cleaner> {
    let mut v: Vec<Cleaner> =
        zhclean::PRESETS.iter().map(|p| Cleaner::new(CleanConfig::preset(p).unwrap()).unwrap()).collect();
    // A tiny line cap forces long-line cuts on generated text.
    v.push(Cleaner::builder().max_line_bytes(zhclean::MIN_LINE_BYTES).build().unwrap());
    v
}

proptest! {
    #[test]
    fn pipeline_output_is_the_same_for_any_chunking((text, cuts) in doc().prop_flat_map(|d| { let n = d.len(); (Just(d), splits(n)) })) {
        for c in cleaners() {
            let whole = run_chunks(c.stream(), text.as_bytes(), &[]);
            let chunked = run_chunks(c.stream(), text.as_bytes(), &cuts);
            prop_assert_eq!(&chunked, &whole);
            let mut bytewise = c.stream();
            let mut out = String::new();
            for b in text.as_bytes() {
                bytewise.push(std::slice::from_ref(b), &mut out).unwrap();
            }
            bytewise.finish(&mut out).unwrap();
            prop_assert_eq!(&out, &whole);
            // Pieces that are text pushed as text, the others as bytes.
            let mut mixed = c.stream();
            let mut out = String::new();
            let mut last = 0;
            for &end in cuts.iter().chain([&text.len()]) {
                match text.get(last..end) {
                    Some(piece) => mixed.push_str(piece, &mut out).unwrap(),
                    None => mixed.push(&text.as_bytes()[last..end], &mut out).unwrap(),
                }
                last = end;
            }
            mixed.finish(&mut out).unwrap();
            prop_assert_eq!(&out, &whole);
        }
    }

    #[test]
    fn each_pass_is_the_same_for_any_chunking((text, cuts) in doc().prop_flat_map(|d| { let n = d.len(); (Just(d), splits(n)) })) {
        for (name, make) in single_passes() {
            for cap in [1 << 20, zhclean::MIN_LINE_BYTES] {
                let whole = run_chunks(Stream::from_passes(vec![make()], cap, false), text.as_bytes(), &[]);
                let chunked = run_chunks(Stream::from_passes(vec![make()], cap, false), text.as_bytes(), &cuts);
                prop_assert_eq!(&chunked, &whole, "pass {:?} cap {}", name, cap);
            }
        }
    }

    #[cfg(feature = "corpus")]
    #[test]
    fn plain_text_on_two_threads_is_the_same_as_on_one(
        (text, cuts) in doc().prop_flat_map(|d| { let n = d.len(); (Just(d), splits(n)) }),
        off in prop::collection::vec(any::<bool>(), 8),
        small_cap in any::<bool>(),
        stats_only in any::<bool>(),
        threads in 2usize..=4,
    ) {
        // Passes left out move the cut between the threads; a tiny line cap
        // makes the framer cut lines, which the passes after the cut must
        // receive in the same pieces.
        let mut cfg = CleanConfig::default();
        let drop = |i: usize| off[i];
        if drop(0) { cfg.unicode = None }
        if drop(1) { cfg.pinyin = None }
        if drop(2) { cfg.script = None }
        if drop(3) { cfg.chrome = None }
        if drop(4) { cfg.caption = None }
        if drop(5) { cfg.rejoin = None }
        if drop(6) { cfg.dedup = None }
        if drop(7) { cfg.punct = None }
        if small_cap { cfg.max_line_bytes = zhclean::MIN_LINE_BYTES }
        let cleaner = Cleaner::new(cfg).unwrap();
        let run = |threads: usize| {
            // (Blocks of 64 bytes: a document of one block runs on one
            // thread, and these are short.)
            let opts = CorpusOptions::default().threads(threads).collect_edits(true).text_block_bytes(64);
            let mut corpus = Corpus::new(cleaner.clone(), opts);
            let (mut out, mut audit) = (Vec::new(), Vec::new());
            let input = Pieces { text: text.as_bytes(), cuts: &cuts, at: 0, next: 0 };
            let audit_to = if stats_only { None } else { Some(&mut audit as &mut dyn std::io::Write) };
            let sum = corpus.run_text("doc", input, &mut out, audit_to, &mut |_| {}).unwrap();
            (sum, out, audit, corpus.stats().clone())
        };
        // (Three and four threads cut the passes into as many stages.)
        prop_assert_eq!(run(threads), run(1));
    }

    #[cfg(feature = "corpus")]
    #[test]
    fn conversion_in_chunks_on_two_threads_is_the_same_as_on_one(
        parts in prop::collection::vec(
            prop::sample::select(&["當前", "軟件", "香港", "⿰", "⿱", "木", "\n", "\n\n", "發", "后", "a", " "][..]),
            0..80,
        ),
        (config, size) in (prop::sample::select(&["t2s", "s2t", "s2twp", "tw2sp"][..]), 1usize..64),
        cuts in splits(400),
    ) {
        // Tiny chunks: cuts fall at many line ends, next to IDS operators
        // whose sequences may run across them.
        let text = parts.concat();
        let cuts: Vec<usize> = cuts.into_iter().filter(|&c| c <= text.len()).collect();
        let mut cfg = CleanConfig::identity();
        cfg.script = Some(zhclean::ScriptConfig::new(config));
        let cleaner = Cleaner::new(cfg).unwrap();
        let run = |threads: usize| {
            let opts =
                CorpusOptions::default().threads(threads).collect_edits(true).text_chunk_bytes(size).text_block_bytes(16);
            let mut corpus = Corpus::new(cleaner.clone(), opts);
            let mut out = Vec::new();
            let input = Pieces { text: text.as_bytes(), cuts: &cuts, at: 0, next: 0 };
            let sum = corpus.run_text("doc", input, &mut out, None, &mut |_| {}).unwrap();
            (sum, String::from_utf8(out).unwrap(), corpus.stats().clone())
        };
        let one = run(1);
        prop_assert_eq!(&one.1, &cleaner.clean(&text));
        prop_assert_eq!(run(2), one);
    }

    #[test]
    fn pipeline_is_idempotent(text in doc()) {
        for preset in zhclean::PRESETS {
            let c = Cleaner::new(CleanConfig::preset(preset).unwrap()).unwrap();
            let once = c.clean(&text);
            let twice = c.clean(&once);
            prop_assert_eq!(&twice, &once, "preset {}", preset);
        }
    }

    #[test]
    fn nothing_is_lost_outside_reported_edits(text in doc()) {
        for (name, make) in single_passes() {
            // Feed the pass what it sees in the pipeline: the unicode pass
            // guarantees LF line ends to the passes after it.
            let input = if name == PassId::Unicode {
                text.clone()
            } else {
                Cleaner::new(CleanConfig::minimal()).unwrap().clean(&text)
            };
            let mut s = Stream::from_passes(vec![make()], 1 << 20, false);
            let mut out = String::new();
            let mut log = EditLog::default();
            s.push_audited(input.as_bytes(), &mut out, &mut log).unwrap();
            s.finish_audited(&mut out, &mut log).unwrap();
            let rebuilt = rebuild_input(&out, &log.edits);
            prop_assert_eq!(rebuilt.as_deref(), Ok(input.as_str()), "pass {:?}", name);
        }
    }

    #[test]
    fn script_pass_streams_exactly_like_one_shot_conversion(
        (text, cuts) in doc().prop_flat_map(|d| { let n = d.len(); (Just(d), splits(n)) })
    ) {
        for name in ["t2s", "s2twp", "tw2sp", "hk2s"] {
            let conv = zhclean::Opencc::new(name).unwrap();
            let want = conv.convert(&text);
            for cap in [1 << 20, zhclean::MIN_LINE_BYTES] {
                let s = Stream::from_passes(vec![Box::new(passes::script::ScriptPass::new(&conv))], cap, false);
                prop_assert_eq!(&run_chunks(s, text.as_bytes(), &cuts), &want, "{} cap {}", name, cap);
            }
            // Conversion maps Han characters and phrases only: the ASCII
            // text is left exactly as it was.
            let ascii = |s: &str| s.chars().filter(char::is_ascii).collect::<String>();
            prop_assert_eq!(ascii(&want), ascii(&text));
        }
    }

    #[test]
    fn no_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        for lossy in [false, true] {
            let c = Cleaner::builder().lossy(lossy).max_line_bytes(zhclean::MIN_LINE_BYTES).build().unwrap();
            let mut s = c.stream();
            let mut out = String::new();
            let r = s.push(&bytes, &mut out).and_then(|()| s.finish(&mut out));
            // Valid UTF-8 always succeeds; lossy always succeeds.
            if lossy || std::str::from_utf8(&bytes).is_ok() {
                prop_assert!(r.is_ok());
            } else {
                prop_assert!(r.is_err());
            }
        }
    }

    #[test]
    fn lines_mode_keeps_line_count(text in doc()) {
        // With Lines output, no pass that only edits within lines joins or
        // drops lines (the unicode pass may split at a lone CR, a form feed,
        // VT, NEL and U+2028/U+2029, each a line end). Chrome removal drops
        // whole lines by design and is
        // checked by the no-loss property instead.
        let mut cfg = CleanConfig::default();
        cfg.chrome = None;
        cfg.dedup = None;
        cfg.caption = None;
        cfg.unwrap = None;
        cfg.rejoin = None;
        let c = Cleaner::builder().config(cfg).output(OutputMode::Lines).build().unwrap();
        let out = c.clean(&text);
        let line_end = |c: char| matches!(c, '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}');
        let want = text.replace("\r\n", "\n").chars().filter(|&c| line_end(c)).count();
        prop_assert_eq!(out.matches('\n').count(), want);
    }
}

/// Checks one input the generators found, shrunk, once a bug: every preset
/// cleans its output to itself, and every pass's edits rebuild its input.
fn stays_fixed(text: &str) {
    for preset in zhclean::PRESETS {
        let c = Cleaner::new(CleanConfig::preset(preset).unwrap()).unwrap();
        let once = c.clean(text);
        assert_eq!(c.clean(&once), once, "{preset}: {text:?}");
    }
    for (name, make) in single_passes() {
        let input = Cleaner::new(CleanConfig::minimal()).unwrap().clean(text);
        let mut s = Stream::from_passes(vec![make()], 1 << 20, false);
        let (mut out, mut log) = (String::new(), EditLog::default());
        s.push_audited(input.as_bytes(), &mut out, &mut log).unwrap();
        s.finish_audited(&mut out, &mut log).unwrap();
        assert_eq!(rebuild_input(&out, &log.edits).as_deref(), Ok(input.as_str()), "{name:?}: {text:?}");
    }
}

/// One named test per case the generators found (see [`stays_fixed`]).
macro_rules! found {
    ($($(#[doc = $why:literal])+ $name:ident: $text:expr;)+) => {
        $(
            $(#[doc = $why])+
            #[test]
            fn $name() {
                stays_fixed($text);
            }
        )+
    };
}

found! {
    /// chrome matched `版权所有：` only once punct removed the space.
    chrome_judges_a_colon_after_a_space: "Rustdon't洛阳Rust洛阳,版权所有 :洛阳洛阳洛阳洛阳洛阳洛阳洛阳洛阳洛阳";
    /// rejoin joined `版权所有` / `：…` into a copyright line.
    rejoin_makes_no_chrome_across_a_break: "Rustdon't洛阳Rust洛阳,版权所有\n:don't国家大学科技园洛阳洛阳洛阳洛阳洛阳，洛阳";
    /// The same, between two long lines.
    rejoin_makes_no_chrome_between_long_lines: "市科技局赴时代楷模陈俊武陈列室开展主题党日活动并参观学习。版权所有\n：市科技局赴时代楷模陈俊武陈列室开展主题党日活动并参观学习。·\n市科技局赴时代楷模陈俊武陈列室开展主题党日活动并参观学习。";
    /// caption markers judged differently with spaces between brackets.
    caption_marker_with_spaces_between_brackets: "市科技局赴时代楷模陈俊武陈列室开展主题党日活动并参观学习。（资料图片） )";
    /// The same, after a page-jump marker and a credit.
    caption_marker_after_a_jump_and_a_credit: "本报讯18:00(上接01版)洛阳洛阳洛阳洛阳洛阳洛阳洛阳(上接01版)强化人才驱动,,新华社记者 张三 摄） ";
    /// rejoin's clause rule saw `的 ，` and `的，` differently.
    rejoin_clause_rule_ignores_spaces: "洛阳洛阳洛阳洛阳洛阳·\n的 ，国家大学科技园洛阳https://a.cn/x?y=1洛阳";
    /// caption held a moved byline that had lost a page-jump marker.
    caption_keeps_a_byline_that_carried_a_jump_marker: "? 开幕(上接01版)\n倪睿/摄";
    /// dedup cut a repeated span and left a bare photo credit, which
    /// caption (run before it) then removed on a second run.
    dedup_takes_a_credit_left_by_a_repeat: "新华社记者 张三 摄市科技局赴时代楷模陈俊武陈列室开展主题党日活动并参观学习。\n倪睿/摄新华社记者 张三 摄市科技局赴时代楷模陈俊武陈列室开展主题党日活动并参观学习。 ";
    /// dedup cut a repeat and left an annotation, which pinyin (run before
    /// it) then removed on a second run as an orphan at a line's start.
    dedup_takes_an_annotation_left_by_a_repeat: "为企业发展提供内质服务，同时加强事中事后监管，维护公平竞争的市场秩序。\n为企业发展提供内质服务，同时加强事中事后监管，维护公平竞争的市场秩序。(dāng)";
    /// The same with a page-jump marker left at the line's start, which
    /// caption removed on a second run.
    dedup_takes_a_jump_marker_left_by_a_repeat: "为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。\n为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。(上接01版)?";
    /// dedup held a line whose repeat it cut from its end until the next
    /// line said whether rejoin would join them; that next line was a
    /// paragraph printed before, which dedup then removed, so a second run
    /// saw a different next line.
    dedup_looks_past_a_removed_paragraph: "为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。\n洛阳https://a.cn/x?y=1为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。\n为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。";
    /// dedup cut a repeat from a line's start and left `的、…`, which rejoin
    /// joined to the open line before it on a second run.
    dedup_leaves_no_word_tail_rejoin_would_join: "为企业发展提供内质服务，同时加强事中事后监管，维护公平竞争的市场秩序。（\n为企业发展提供内质服务，同时加强事中事后监管，维护公平竞争的市场秩序。的、don't洛阳洛阳洛阳Rust洛阳,洛阳";
    /// dedup cut a repeat from a line's end and left it open (`…。——`);
    /// rejoin (run before it) then joined it to the next line on a second
    /// run. Such a cut waits for the next line.
    dedup_leaves_no_open_line_rejoin_would_join: "为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。\n市科技局赴时代楷模陈俊武陈列室开展主题党日活动并参观学习。——为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。\n市科技局赴时代楷模陈俊武陈列室开展主题党日活动并参观学习。洛阳";
    /// The same with a caption marker left.
    dedup_takes_a_caption_marker_left_by_a_repeat: "科技部市科技局赴时代楷模陈俊武陈列室开展主题党日活动并参观学习。\n（资料图片）科技部市科技局赴时代楷模陈俊武陈列室开展主题党日活动并参观学习。";
}

/// Found by the page generator: `unwrap` found no column (three lines at
/// the edge of eight, short of two in five), `rejoin` then joined one pair
/// by a word across the break, and on a second cleaning the window was
/// seven lines, the column showed, and `unwrap` joined a pair it had left.
/// A page whose paragraphs open indented now needs a third of its lines
/// at the edge (a second cleaning, which sees no indents, asks two in five).
#[test]
fn unwrap_column_evidence_after_a_rejoin_join() {
    let text = "\u{3000}\u{3000}改造老旧小区供水管网三百余公里；据\n介绍，首批项目已于上月开工。2023年共完\n成投资1.5亿元，。\n\u{3000}\u{3000}2023年共完成投资1.5亿元，详见第3\n版（二）加强组织领导；详见第3版。\n\u{3000}\u{3000}据介绍，首批项目已于上月开工。\n\u{3000}\u{3000}2023年共完成投资1.5亿元，。\n\u{3000}\u{3000}“我们要把好事办好。”他说。\n";
    assert_fixed_point(CleanConfig::default(), text);
}

/// Found at `PROPTEST_CASES=20000`: ASCII quotes that `punct` pairs into
/// curly ones (`'，` → `’，`) changed a short line's width after `unwrap`
/// measured it, and a second cleaning found a column the first did not.
/// Quotes now measure alike in either form.
#[test]
fn unwrap_measures_quotes_before_punct_pairs_them() {
    let text = "人才驱动don'tＡＢＣ\n,，,don'tRust\ndon't,开幕don't\n强化人才驱动3月30日'，\n开幕www.b.com'，,Rust";
    assert_fixed_point(CleanConfig::default(), text);
}

/// Known limitation, found at `PROPTEST_CASES=20000`: a line wider than any
/// column ends `unwrap`'s window, but `dedup` later cuts a repeated sentence
/// out of it and leaves a short tail (`，洛阳`); a second cleaning then sees
/// one window where the first saw two, and finds a column the first did
/// not. Run with `--ignored` to see it.
#[test]
#[ignore = "known: a wide line dedup shortens after unwrap judged it"]
fn unwrap_windows_before_dedup_shortens_a_wide_line() {
    let text = "为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。图/王五\u{85}强化人才驱动人才驱动,\n\"\"don't,倪睿/摄⾦\n當前位置科技部,ＡＢＣ的\n为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。,洛阳";
    assert_fixed_point(CleanConfig::default(), text);
}

/// Found at `PROPTEST_CASES=20000`: a line holding a paragraph printed
/// before, after a few characters of its own (`科技部` + the paragraph),
/// kept the repeat on the first cleaning (the same paragraph cut from the
/// line's start counted as evidence of an OCR divergence), and `dedup` cut
/// it out on the second. Windows of a repeat being cut are no evidence now.
#[test]
fn dedup_cuts_a_repeat_after_a_short_lead_only_once_joined() {
    let text = "为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。\n为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。科技部为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。 ";
    assert_fixed_point(CleanConfig::default(), text);
}

/// Found at `PROPTEST_CASES=30000`: `rejoin` joined two lines (`今|年`)
/// after `unwrap` found no column, and the joined line showed the second
/// cleaning a column. `unwrap` now plans with `rejoin`'s joins.
#[test]
fn unwrap_column_shown_only_after_an_earlier_join() {
    let text = "《安置协议》（以下简称协议）约定：Copyrigh\nt 2023 Example市里今年将新建口袋公园二十个\n，。\n2023年共完成投资1.5亿元，详见第3版市里今\n年将新建口袋公园二十个，2023年共完成投资1\n.5亿元，。\n2023年共完成投资1.5亿元，同时推进背街小巷\n整治，让群众出门见绿。\n";
    assert_fixed_point(CleanConfig::default(), text);
}

/// Found once at the default case count (preset `web`): a paragraph
/// printed before, cut from a line's end by `dedup` together with a jump
/// marker, bared another repeat at the end of what was left, which a
/// second cleaning cut. `dedup` now cuts until nothing more is bared.
#[test]
fn dedup_of_a_repeat_beside_a_jump_marker_is_judged_again() {
    let text = "为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。为企业发展提供内质服务，同时加强事中事后监管，维护公平竞争的市场秩序。强化人才驱动\n洛阳为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。(上接01版)为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。强化人才驱动 ";
    assert_fixed_point(CleanConfig::preset("web").unwrap(), text);
}

/// Found at `PROPTEST_CASES=20000` after this round's dedup work: a
/// paragraph printed before, cut from a line, left a date (`3月30日`) that
/// `unwrap` takes for a running head on a second cleaning. The line goes
/// whole now (`head_left_by_repeat`).
#[test]
fn dedup_takes_a_running_head_left_by_a_repeat() {
    let text = "为企业发展提供内质服务，同时加强事中事后监管，维护公平竞争的市场秩序。\n3月30日为企业发展提供内质服务，同时加强事中事后监管，维护公平竞争的市场秩序。";
    for preset in zhclean::PRESETS {
        assert_fixed_point(CleanConfig::preset(preset).unwrap(), text);
    }
}

/// Found by an unseeded local run: a repeat cut from the end of a line
/// left open (`国家大学科技园（`) was kept because `rejoin` would join the
/// next line to it, but `dedup` then cut that next line down to a tail
/// `rejoin` does not join, as a second cleaning saw. The held line is now
/// decided by the next line as `dedup` leaves it.
#[test]
fn dedup_of_a_repeat_after_an_open_bracket_is_judged_again() {
    let text = "为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。洛阳\u{85}洛阳\n国家大学科技园（为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。\n为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。洛阳洛阳";
    assert_fixed_point(CleanConfig::default(), text);
}

/// Found at `PROPTEST_CASES=20000`: `unwrap`'s replay of a second cleaning
/// joined `Copyr|ight` as `rejoin` would by `join_reason`, but `rejoin`
/// does not make a join that spells a chrome pattern across the break; the
/// replay saw one wide paragraph where the second cleaning saw two lines,
/// and missed the column it found. The replay asks `rejoin`'s whole rule.
#[test]
fn unwrap_replays_rejoin_with_its_chrome_rule() {
    let text = "详见第3版2023年共完成投资1.5亿元，Copyr\night 2023 Example据介绍，首批项目已于上\n月开工。\n据介绍，首批项目已于上月开工。\n市里今年将新建口袋公园二十个，“我们要把\n好事办好。”他说。\n改造老旧小区供水管网三百余公里；市里今年\n将新建口袋公园二十个，。\n";
    assert_fixed_point(CleanConfig::default(), text);
}

/// Known limitation: inputs found by eight unseeded runs of
/// `PROPTEST_CASES=20000` on 2026-12-03 (after this day's dedup and unwrap
/// fixes, which fixed two more found then; all six fail with the build
/// before them too). A 20 000-case run finds one about two times in three
/// (one in roughly 15 000 generated documents). Run with `--ignored` to
/// see which still fail.
#[test]
#[ignore = "known: generated inputs a second cleaning still changes"]
fn known_inputs_a_second_cleaning_still_changes() {
    let known = [
        "洛阳\n,,的强化人才驱动\n，(dāng),,,,\n洛阳\nhttps://a.cn/x?y=1\"",
        "www.b.com(dāng)洛阳\n％,(dāng)人才驱动\n,,,国家大学科技园的\u{85}洛阳",
        "\u{3000}\u{3000}Copyright 2023 Example。\n\u{3000}\u{3000}Copyright 2023 Example床前明月光，\n疑是地上霜。2023年共完成投资1.5亿元，\n市里今年将新建口袋公园二十个，。\n\u{3000}\u{3000}据介绍，首批项目已于上月开工。据介\n绍，首批项目已于上月开工。\n\u{3000}\u{3000}《安置协议》（以下简称协议）约定：\nCopyright 2023 Example。\n",
        "％——,开幕3月30日,(dāng)\n⾦don't科技部,的,首頁图/王五\n,,（资料图片）开幕人才驱动",
        "为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。国家大学科技园\n国家大学科技园\u{200b},\n为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。,Rust,人才驱动\n,本报讯的,的",
        "“我们要把好事办好。”他说。同\n时推进背街小巷整治，让群众出门\n见绿。Copyright 2023 Example。\n市里今年将新建口袋公园二十个，\n一、坚持问题导向。\n",
    ];
    let failing: Vec<&str> = known
        .iter()
        .copied()
        .filter(|text| {
            let c = Cleaner::new(CleanConfig::default()).unwrap();
            let once = c.clean(text);
            c.clean(&once) != once
        })
        .collect();
    assert!(failing.is_empty(), "{} of {} still change: {failing:#?}", failing.len(), known.len());
}

/// Cleaning `text` twice with `cfg` gives what cleaning it once gives.
fn assert_fixed_point(cfg: CleanConfig, text: &str) {
    let c = Cleaner::new(cfg).unwrap();
    let once = c.clean(text);
    assert_eq!(c.clean(&once), once);
}

/// Found at `PROPTEST_CASES=20000`: a caption taken out with five blank
/// lines on each side left a gap longer than `unwrap` held (8 lines), so
/// the halves stayed apart; the output has no blank lines and a second
/// cleaning joined them. The window now holds 64.
#[test]
fn unwrap_joins_across_a_wide_caption_gap() {
    let text = "市里今年将新建口袋公\n\n\n\n\n\n图为工人在调试设备。（李某摄）\n\n\n\n\n\n园二十个，“我们要把\n好事办好。”他说。\n";
    assert_fixed_point(CleanConfig::default(), text);
}

/// Found at `PROPTEST_CASES=20000`: a straight quote opening a short line
/// (`"图/王五`) was no mark to `unwrap`'s column test, and the curly one
/// `punct` made of it (`“图/王五`) was, so a second cleaning found a column
/// the first did not. A straight quote by Han counts as a mark now.
#[test]
fn second_cleaning_after_a_breadcrumb_and_credits() {
    let text = "Rustdon't倪睿/摄科技部,,\u{85}本报讯科技部人才驱动,的⾦\n\"图/王五\n,Rust首页 > 新闻中心 > 正文,";
    assert_fixed_point(CleanConfig::default(), text);
}

/// Found at `PROPTEST_CASES=20000` with the one above: `unwrap`'s replay
/// of a second cleaning counted a joined line wider than any column into
/// the window it ends, where a second cleaning passes it on unjudged, so
/// the replay wanted more evidence and missed a join the second made.
#[test]
fn second_cleaning_after_copyright_lines_in_a_column() {
    let text = "\u{3000}\u{3000}2023年共完成投资1.5亿元，Co\npyright 2023 Example市里今年将新\n建口袋公园二十个，。\n\u{3000}\u{3000}同时推进背街小巷整治，让群众\n出门见绿。Copyright 2023 Example\n。\n\u{3000}\u{3000}“我们要把好事办好。”他说。\n\u{3000}\u{3000}市里今年将新建口袋公园二十个\n，市里今年将新建口袋公园二十个，\n市里今年将新建口袋公园二十个，。\n";
    assert_fixed_point(CleanConfig::default(), text);
}
