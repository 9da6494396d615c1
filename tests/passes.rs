//! Every pass on its own, through every chunking (`ChunkTester`): whole
//! input, line per push, every split point with an empty push between,
//! random splits, and reads of 1, 2, 3 and 7 bytes. The stream's held bytes
//! are checked against the framer's bound plus the pass's documented one
//! after every push.

use zhclean::passes::{paragraphs::ParagraphsPass, punct::PunctPass, unicode::UnicodePass};
use zhclean::stream::LOOKAHEAD;
use zhclean::testing::ChunkTester;
use zhclean::{Pass, Stream};

/// What the framer may hold: the unterminated line up to the cut lookahead,
/// plus an incomplete UTF-8 character.
fn framer_bound(cap: usize) -> usize {
    cap + LOOKAHEAD + 3
}

fn tester<P: Pass + 'static>(make: impl Fn() -> P, cap: usize) -> ChunkTester<impl Fn() -> Stream> {
    ChunkTester::new(move || Stream::from_passes(vec![Box::new(make())], cap, false))
}

const CAP: usize = 1 << 20;

#[test]
fn unicode_pass_under_every_chunking() {
    let cases: &[(&str, &str)] = &[
        (
            "⾦融\u{200b}ＡＢＣ１２３，\u{3000}好！\r\n第二行\r第三\u{F900}行\r",
            "金融ABC123， 好！\n第二行\n第三\u{8C48}行\n",
        ),
        ("e\u{301}\u{feff}\u{202e}x\u{7}\n\n", "éx\n\n"),
        ("", ""),
        ("\r", "\n"),
    ];
    for (input, want) in cases {
        tester(|| UnicodePass::new(Default::default()), CAP)
            .held_bound(framer_bound(CAP))
            .check(input.as_bytes(), want);
    }
}

#[test]
fn punct_pass_under_every_chunking() {
    let cases: &[(&str, &str)] = &[
        (
            "强化人才驱动 增强发展动能\n\"洛阳探索实施'百名科技人才入企 计划',为企业创新提供智力支持。\"\n会议于18:00开始, 共1,000人参加。",
            "强化人才驱动 增强发展动能\n“洛阳探索实施‘百名科技人才入企计划’，为企业创新提供智力支持。”\n会议于18:00开始，共1,000人参加。",
        ),
        ("He said, \"hi\" (twice).\n", "He said, \"hi\" (twice).\n"),
        // Both Han–Latin boundaries spaced: the paragraph's own style, kept.
        ("访问 https://a.cn/x?y=1 了解详情,或者拨打电话咨询相关工作人员。\n", "访问 https://a.cn/x?y=1 了解详情，或者拨打电话咨询相关工作人员。\n"),
    ];
    for (input, want) in cases {
        tester(|| PunctPass::new(Default::default()), CAP)
            .held_bound(framer_bound(CAP) + CAP)
            .check(input.as_bytes(), want);
    }
}

#[test]
fn script_pass_under_every_chunking() {
    let t2s = zhclean::Opencc::new("t2s").unwrap();
    let s2twp = zhclean::Opencc::new("s2twp").unwrap();
    let cases: &[(&zhclean::Opencc, &str, &str)] = &[
        (
            &t2s,
            "省委常委、市委書記江凌蒞臨洛陽\n發佈時間:2021-08-04\n",
            "省委常委、市委书记江凌莅临洛阳\n发布时间:2021-08-04\n",
        ),
        (&s2twp, "软件工程师坐出租车\n用鼠标", "軟體工程師坐計程車\n用滑鼠"),
        // An IDS operator at a line end: its sequence spans the newline.
        (&t2s, "⿰\n書書\n", "⿰\n書书\n"),
    ];
    for (conv, input, want) in cases {
        assert_eq!(conv.convert(input), *want, "one-shot");
        for cap in [CAP, 16] {
            tester(|| zhclean::passes::script::ScriptPass::new(conv), cap)
                .held_bound(framer_bound(cap) + cap + 16 * 4 * 3)
                .check(input.as_bytes(), want);
        }
    }
}

#[test]
fn paragraphs_pass_under_every_chunking() {
    let cases: &[(&str, &str)] = &[("  第一段  \n\n\t\n第二段\n\n", "第一段\n第二段\n"), ("\n\n", ""), ("x", "x\n")];
    for (input, want) in cases {
        tester(ParagraphsPass::new, CAP)
            .held_bound(framer_bound(CAP) + zhclean::passes::paragraphs::MAX_HELD_WS)
            .check(input.as_bytes(), want);
    }
}

/// A line far longer than a tiny cap is cut into pieces; every pass and
/// the whole pipeline still give one output for every chunking, hold no
/// more than their bounds, and lose no text.
#[test]
fn long_lines_under_a_tiny_cap() {
    let cap = 64;
    let sentence = "科技部人才中心联合地方科技管理部门, 在全国范围内搭建服务平台。Copyright 2013-2020 ";
    let line = sentence.repeat(40);
    let input = format!("标题 一\n{line}\n短行\n{line}");
    // unicode: clean text passes through unchanged, cut or not.
    let out = tester(|| UnicodePass::new(Default::default()), cap).held_bound(framer_bound(cap)).run(input.as_bytes());
    assert_eq!(out, input);
    // punct: pieces are body text; the result is deterministic.
    let out = tester(|| PunctPass::new(Default::default()), cap)
        .held_bound(framer_bound(cap) + cap)
        .random_rounds(3)
        .run(input.as_bytes());
    assert!(out.contains("科技部人才中心联合地方科技管理部门，在全国范围内"), "{out}");
    assert_eq!(out.lines().count(), 4);
    // paragraphs
    let out = tester(ParagraphsPass::new, cap)
        .held_bound(framer_bound(cap) + zhclean::passes::paragraphs::MAX_HELD_WS)
        .random_rounds(3)
        .run(input.as_bytes());
    assert_eq!(out, format!("标题 一\n{}\n短行\n{}\n", line.trim_end(), line.trim_end()));
    // The whole pipeline.
    let cleaner = zhclean::Cleaner::builder().max_line_bytes(cap).build().unwrap();
    let bound = framer_bound(cap) + cap + zhclean::passes::paragraphs::MAX_HELD_WS;
    let out = ChunkTester::new(|| cleaner.stream()).held_bound(bound).random_rounds(3).run(input.as_bytes());
    assert_eq!(out.lines().count(), 4);
}

/// A line of nothing but combining marks has no safe cut point; it is cut
/// anyway (never an error) and nothing is lost.
#[test]
fn unsplittable_line_is_cut_without_loss() {
    let cap = 16;
    let input = "\u{301}".repeat(100);
    let out =
        tester(|| UnicodePass::new(UnicodeConfigNoNfc::get()), cap).held_bound(framer_bound(cap)).run(input.as_bytes());
    assert_eq!(out, input);
}

/// NFC off, so the combining marks survive for the no-loss check above.
struct UnicodeConfigNoNfc;
impl UnicodeConfigNoNfc {
    fn get() -> zhclean::UnicodeConfig {
        zhclean::UnicodeConfig::default().nfc(false)
    }
}

/// `Cleaner::clean` (one push) and `Cleaner::clean_reader` run the same
/// code and agree.
#[test]
fn clean_and_clean_reader_agree() {
    let cleaner = zhclean::Cleaner::new(Default::default()).unwrap();
    let input = "强化人才驱动 增强发展动能\n\n活动在 洛阳开幕,专家\"齐聚\"洛阳。\r\n";
    let mut out = Vec::new();
    let sum = cleaner.clean_reader(input.as_bytes(), &mut out).unwrap();
    assert_eq!(String::from_utf8(out.clone()).unwrap(), cleaner.clean(input));
    assert_eq!(sum.bytes_in, input.len() as u64);
    assert_eq!(sum.bytes_out, out.len() as u64);
}

/// Negative control: 1.4 MB of clean text (Song ci in Simplified, Tang
/// poems in Traditional) through the whole default pipeline. No line may
/// be removed or joined, and at most 0.1% of characters may change beyond
/// script conversion.
#[test]
fn clean_text_passes_through_the_default_pipeline() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/opencc/diff");
    let cleaner = zhclean::Cleaner::new(Default::default()).unwrap();
    let t2s = zhclean::Opencc::new("t2s").unwrap();
    for file in ["songci.txt", "tang.txt"] {
        let input = std::fs::read_to_string(format!("{dir}/{file}")).unwrap();
        let mut log = zhclean::EditLog::default();
        let mut out = String::new();
        let mut s = cleaner.stream();
        s.push_audited(input.as_bytes(), &mut out, &mut log).unwrap();
        s.finish_audited(&mut out, &mut log).unwrap();
        let removed: Vec<_> = log.edits.iter().filter(|e| e.reason.starts_with("chrome")).collect();
        assert!(removed.is_empty(), "{file}: chrome removed {removed:?}");
        let expected = t2s.convert(&input);
        assert_eq!(out.lines().count(), expected.lines().count(), "{file}: lines joined or dropped");
        let changed: usize = out
            .lines()
            .zip(expected.lines())
            .map(|(a, b)| {
                a.chars().zip(b.chars()).filter(|(x, y)| x != y).count() + a.chars().count().abs_diff(b.chars().count())
            })
            .sum();
        let total = expected.chars().count();
        assert!(changed * 1000 <= total, "{file}: {changed} of {total} characters changed");
    }
}

/// Negative control in prose: about 490 000 characters of Dream of the Red
/// Chamber (`tests/data/prose/`, built by `scripts/gen_prose_control.py`
/// from a registry package) through the whole default pipeline. Nothing
/// may be joined, removed or moved, and at most 0.1% of characters may
/// change beyond script conversion (blank lines between paragraphs aside:
/// the paragraph output mode drops them by design).
#[test]
fn clean_prose_passes_through_the_default_pipeline() {
    let input =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/prose/hongloumeng.txt")).unwrap();
    let cleaner = zhclean::Cleaner::new(Default::default()).unwrap();
    let mut log = zhclean::EditLog::default();
    let mut out = String::new();
    let mut s = cleaner.stream();
    s.push_audited(input.as_bytes(), &mut out, &mut log).unwrap();
    s.finish_audited(&mut out, &mut log).unwrap();
    let structural: Vec<_> = log
        .edits
        .iter()
        .filter(|e| matches!(e.pass, "chrome" | "caption" | "rejoin" | "dedup" | "pinyin"))
        .map(|e| (e.pass, e.reason, e.before.chars().take(30).collect::<String>()))
        .collect();
    assert!(structural.is_empty(), "joins, removals or moves in clean prose: {structural:?}");
    let expected: Vec<String> = zhclean::Opencc::new("t2s")
        .unwrap()
        .convert(&input)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    let got: Vec<&str> = out.lines().collect();
    assert_eq!(got.len(), expected.len(), "paragraphs joined or dropped");
    let changed: usize = got
        .iter()
        .zip(&expected)
        .map(|(a, b)| {
            a.chars().zip(b.chars()).filter(|(x, y)| x != y).count() + a.chars().count().abs_diff(b.chars().count())
        })
        .sum();
    let total: usize = expected.iter().map(|l| l.chars().count()).sum();
    assert!(total > 400_000);
    assert!(changed * 1000 <= total, "{changed} of {total} characters changed");
}

/// A page fragment that gives every pass something to do: an annotation,
/// Traditional characters, chrome, a page-jump marker and a credit, a
/// broken paragraph, a running foot, a repeat, ASCII punctuation and blank
/// lines.
const EVERY_PASS_PAGE: &str = "當(dāng)前位置: 首页 > 新闻\n\n（上接01版）市里今年将新建口袋公园二十个，改造老旧小区供水\n管网三百余公里,让群众出门见绿。\n据介绍，首批项目已于上月开工，预计明年年底全部完成。\n倪睿/摄\n\n\n市里今年将新建口袋公园二十个，改造老旧小区供水管网三百余公里。\n据介绍，首批项目已于上月开工，预计明年年底全部完成。\n他說：\"軟件好用。\" Ｒｕｓｔ\u{200b}\n- 2 -\n版权所有：某公司\n";

#[test]
fn every_registered_pass_under_every_chunking() {
    let cfg = zhclean::CleanConfig::default();
    let compiled = zhclean::passes::Compiled::new(&cfg).unwrap();
    for id in zhclean::passes::PassId::ALL {
        let make = || Stream::from_passes(vec![id.build(&cfg, &compiled).expect("default runs it")], CAP, false);
        let out = ChunkTester::new(make).random_rounds(4).run(EVERY_PASS_PAGE.as_bytes());
        // Each pass acted on the page: the tester compared real work.
        assert_ne!(out, EVERY_PASS_PAGE, "{} left the page as it was", id.name());
        // And under a tiny line cap, where lines reach it in pieces.
        ChunkTester::new(|| {
            Stream::from_passes(vec![id.build(&cfg, &compiled).unwrap()], zhclean::MIN_LINE_BYTES, false)
        })
        .random_rounds(2)
        .run(EVERY_PASS_PAGE.as_bytes());
    }
}
