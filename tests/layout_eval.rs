//! The layout evaluation set (`tests/data/layout`): public-domain prose
//! damaged the way OCR damages a printed page (hard wraps, running heads,
//! captions inside cut sentences, jump markers, wrap spaces), built by
//! `scripts/gen_layout_eval.py`. The default pipeline is scored against the
//! gold, per artifact kind, and held to floors.
//!
//! `cargo test --release --test layout_eval -- --nocapture` prints the
//! table; `scripts/layout_eval.sh` does the same.

mod score;

use score::{score, Score};
use std::path::Path;
use zhclean::{CleanConfig, Cleaner};

/// Floors for the whole set, default preset. Tighten them (never loosen
/// them) when a change improves the figures.
/// (The issue asked for cer ≤ 0.005 and ≤ 1 break error per 10 pages.)
const MAX_CER: f64 = 0.001;
/// Break errors (missed plus false joins) per page.
const MAX_BREAK_ERRORS_PER_PAGE: f64 = 0.1;
/// No caption is ever joined into a sentence, no body text is lost, and no
/// caption, running head or page-jump marker is left: these are held at
/// zero (asserted equal below).

#[derive(Default, Debug)]
struct Kinds {
    missed_joins: usize,
    false_joins: usize,
    captions: usize,
    captions_left: usize,
    captions_joined: usize,
    furniture: usize,
    furniture_left: usize,
    jumps: usize,
    jumps_left: usize,
    /// Sidebar heads set inside a paragraph, and those kept as a line of
    /// their own (where is scored with the breaks).
    blocks: usize,
    blocks_kept: usize,
    lost_chars: usize,
}

fn strip(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Gold characters (whitespace aside) the output does not keep: gold
/// length minus what the two share, counted per character. A block written
/// out of its place (a sidebar's head left inside its paragraph when the
/// halves were not joined) is no text lost: the missed join is a break
/// error, counted there. (Counted in order, as the longest common
/// subsequence, such a block was lost text.)
fn lost(gold: &str, out: &str) -> usize {
    let mut have: std::collections::HashMap<char, usize> = std::collections::HashMap::new();
    for c in strip(out).chars() {
        *have.entry(c).or_default() += 1;
    }
    strip(&gold.replace(['~', '?'], ""))
        .chars()
        .filter(|c| match have.get_mut(c) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .count()
}

struct Page {
    name: String,
    input: String,
    gold: String,
    /// (kind, text)
    artifacts: Vec<(String, String)>,
}

fn pages() -> Vec<Page> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/layout/pages");
    let manifest = std::fs::read_to_string(dir.join("manifest.jsonl")).expect("manifest");
    manifest
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let name = v["page"].as_str().unwrap().to_string();
            let read = |ext: &str| std::fs::read_to_string(dir.join(format!("{name}.{ext}.txt"))).unwrap();
            let artifacts = v["artifacts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| (a["kind"].as_str().unwrap().to_string(), a["text"].as_str().unwrap().to_string()))
                .collect();
            Page { input: read("input"), gold: read("gold"), name, artifacts }
        })
        .collect()
}

fn judge(page: &Page, out: &str, kinds: &mut Kinds) -> Score {
    let s = score(&page.gold, out);
    kinds.missed_joins += s.breaks.fp;
    kinds.false_joins += s.breaks.fn_;
    kinds.lost_chars += lost(&page.gold, out);
    let flat = strip(out);
    for (kind, text) in &page.artifacts {
        let t = strip(text);
        let left = flat.contains(&t);
        match kind.as_str() {
            "caption" => {
                kinds.captions += 1;
                if left {
                    kinds.captions_left += 1;
                    // Joined into a sentence: the line holding it holds
                    // body text too.
                    if out.lines().any(|l| {
                        let l = strip(l);
                        l.contains(&t) && l.chars().count() > t.chars().count() + 24
                    }) {
                        kinds.captions_joined += 1;
                    }
                }
            }
            "furniture" => {
                kinds.furniture += 1;
                kinds.furniture_left += usize::from(out.lines().any(|l| strip(l).contains(&t)));
            }
            "jump" => {
                kinds.jumps += 1;
                kinds.jumps_left += usize::from(left);
            }
            "block" => {
                kinds.blocks += 1;
                kinds.blocks_kept += usize::from(out.lines().any(|l| strip(l) == t));
            }
            other => panic!("unknown artifact kind {other}"),
        }
    }
    s
}

#[test]
fn layout_eval_scores_at_or_above_the_floors() {
    let cleaner = Cleaner::new(CleanConfig::default()).unwrap();
    let pages = pages();
    assert!(pages.len() >= 30, "the set has {} pages", pages.len());
    let mut total = Score::default();
    let mut kinds = Kinds::default();
    for p in &pages {
        let out = cleaner.clean(&p.input);
        let mut k = Kinds::default();
        let s = judge(p, &out, &mut k);
        println!(
            "{}  missed {:>2} false {:>2} caption left {}/{} furniture left {}/{} jump left {}/{} block kept {}/{} lost {}",
            s.line(&p.name),
            k.missed_joins,
            k.false_joins,
            k.captions_left,
            k.captions,
            k.furniture_left,
            k.furniture,
            k.jumps_left,
            k.jumps,
            k.blocks_kept,
            k.blocks,
            k.lost_chars
        );
        total.add(&s);
        kinds.missed_joins += k.missed_joins;
        kinds.false_joins += k.false_joins;
        kinds.captions += k.captions;
        kinds.captions_left += k.captions_left;
        kinds.captions_joined += k.captions_joined;
        kinds.furniture += k.furniture;
        kinds.furniture_left += k.furniture_left;
        kinds.jumps += k.jumps;
        kinds.jumps_left += k.jumps_left;
        kinds.blocks += k.blocks;
        kinds.blocks_kept += k.blocks_kept;
        kinds.lost_chars += k.lost_chars;
    }
    println!("{}", total.line("TOTAL"));
    let per_page = (kinds.missed_joins + kinds.false_joins) as f64 / pages.len() as f64;
    println!(
        "pages {}  missed joins {}  false joins {}  break errors/page {per_page:.3}\n\
         captions left {}/{} (joined into a sentence {})  furniture left {}/{}  jump markers left {}/{}  \
         sidebar heads kept {}/{}  body chars lost {}",
        pages.len(),
        kinds.missed_joins,
        kinds.false_joins,
        kinds.captions_left,
        kinds.captions,
        kinds.captions_joined,
        kinds.furniture_left,
        kinds.furniture,
        kinds.jumps_left,
        kinds.jumps,
        kinds.blocks_kept,
        kinds.blocks,
        kinds.lost_chars
    );
    assert!(total.cer() <= MAX_CER, "cer {:.4} > {MAX_CER}", total.cer());
    assert!(per_page <= MAX_BREAK_ERRORS_PER_PAGE, "{per_page:.3} break errors per page");
    assert_eq!(kinds.captions_joined, 0, "captions joined into a sentence");
    assert_eq!(kinds.lost_chars, 0, "body characters lost");
    let left = kinds.captions_left + kinds.furniture_left + kinds.jumps_left;
    assert_eq!(left, 0, "captions, heads or markers left");
    assert_eq!(kinds.blocks_kept, kinds.blocks, "sidebar heads lost or joined");
}

#[test]
fn clean_pages_pass_through_with_no_join_and_no_removal() {
    let cleaner = Cleaner::new(CleanConfig::default()).unwrap();
    let clean: Vec<Page> = pages().into_iter().filter(|p| p.input == p.gold).collect();
    assert!(clean.len() >= 5, "the set has {} clean pages", clean.len());
    for p in clean {
        assert_eq!(cleaner.clean(&p.input), p.input, "page {}", p.name);
    }
}

#[test]
fn lost_counts_what_the_output_drops() {
    assert_eq!(lost("甲乙丙丁\n", "甲 乙\n丁\n"), 1);
    assert_eq!(lost("~甲乙\n", "甲乙图为\n"), 0);
    assert_eq!(lost("甲乙丙\n丁\n", "甲\n丁\n乙丙\n"), 0, "a block out of its place");
    assert_eq!(lost("甲甲乙\n", "甲乙乙\n"), 1, "each character counted");
}

/// Every page: cleaning the output again changes nothing, any chunking of
/// the input gives the same output, and the output with its audit rebuilds
/// the input.
#[test]
fn every_page_is_a_fixed_point_chunks_alike_and_rebuilds() {
    let cleaner = Cleaner::new(CleanConfig::default()).unwrap();
    for p in pages() {
        let once = cleaner.clean(&p.input);
        assert_eq!(cleaner.clean(&once), once, "page {}: cleaning again changed it", p.name);
        let chunked = zhclean::testing::ChunkTester::new(|| cleaner.stream()).random_rounds(2).run(p.input.as_bytes());
        assert_eq!(chunked, once, "page {}", p.name);
        let mut log = zhclean::EditLog::default();
        let mut out = String::new();
        let mut s = cleaner.stream();
        s.push_audited(p.input.as_bytes(), &mut out, &mut log).unwrap();
        s.finish_audited(&mut out, &mut log).unwrap();
        let mapped = zhclean::audit::map_to_input(&s.pass_names(), log.edits);
        assert_eq!(zhclean::audit::rebuild(&out, &mapped).as_deref(), Ok(p.input.as_str()), "page {}", p.name);
    }
}

fn clean_with_reasons(input: &str) -> (String, Vec<&'static str>) {
    let cleaner = Cleaner::new(CleanConfig::default()).unwrap();
    let mut log = zhclean::EditLog::default();
    let mut out = String::new();
    let mut s = cleaner.stream();
    s.push_audited(input.as_bytes(), &mut out, &mut log).unwrap();
    s.finish_audited(&mut out, &mut log).unwrap();
    (out, log.edits.iter().map(|e| e.reason).collect())
}

/// The hard-wrapped example of issue #17: two paragraphs, as printed.
#[test]
fn a_hard_wrapped_column_comes_out_as_its_paragraphs() {
    let page = "　　市里今年将新建口袋公园二十\n个，改造老旧小区供水管网三百余\n公里；同时推进背街小巷整治，让\n群众出门见绿。\n　　据介绍，首批项目已于上月开工。\n";
    let (out, _) = clean_with_reasons(page);
    assert_eq!(
        out,
        "市里今年将新建口袋公园二十个，改造老旧小区供水管网三百余公里；同时推进背街小巷整治，让群众出门见绿。\n据介绍，首批项目已于上月开工。\n"
    );
}

/// A page mixing the five cases of issue #17: hard wraps, running heads
/// and a page number between the halves of a sentence, captions in the
/// forms papers print, a caption inside a cut sentence, a break inside a
/// bracket group.
#[test]
fn a_page_mixing_every_case_comes_out_as_an_editor_would_write_it() {
    let page = "江城日报 2023年12月5日 星期二\n\
                \u{3000}\u{3000}市里今年将新建口袋公园二十\n个，改造老旧小区供水管网三百余\n公里；同时推进背街小巷整治，让\n群众出门见绿。\n\
                \u{3000}\u{3000}记者走进这家工厂的装配车\n\n图为工人在调试设备。（李某摄）\n\n间，只见工人们正在调试新设备，\n生产线上一片繁忙。\n\
                \u{3000}\u{3000}据介绍，少数民族代表（藏\n族）、汉族代表共同出席了座谈\n\n- 2 -\n第03版 要闻\n\n会，会上大家畅所欲言。\n\n\
                执行干警清点涉案财物。\n摄影：孙丽\n\n\
                \u{3000}\u{3000}座谈会结束后，代表们还参观\n了新建成的社区服务中心，中心\n\n相关链接\n\n里设有老年食堂和图书阅览室。\n";
    let (out, reasons) = clean_with_reasons(page);
    assert_eq!(
        out,
        "市里今年将新建口袋公园二十个，改造老旧小区供水管网三百余公里；同时推进背街小巷整治，让群众出门见绿。\n\
         记者走进这家工厂的装配车间，只见工人们正在调试新设备，生产线上一片繁忙。\n\
         据介绍，少数民族代表（藏族）、汉族代表共同出席了座谈会，会上大家畅所欲言。\n\
         座谈会结束后，代表们还参观了新建成的社区服务中心，中心里设有老年食堂和图书阅览室。\n\
         相关链接\n"
    );
    for why in ["running_head", "caption_label", "caption_with_credit", "unwrap", "moved"] {
        assert!(reasons.contains(&why), "{why} in {reasons:?}");
    }
    // Without the column's evidence (no wrap, lines of any width), the
    // same short lines stay as they are.
    let verse = "床前明月光，\n疑是地上霜。\n举头望明月，\n低头思故乡。\n";
    assert_eq!(clean_with_reasons(verse).0, verse);
}

/// The two false repairs of issue #17: a second table's repeated header row
/// is table text, not a paragraph printed twice; lines of names do not
/// chain into one paragraph, and keep their spaces.
#[test]
fn table_header_rows_and_name_lists_stay_as_printed() {
    let tables = "序号 单位名称 项目名称 投资金额（万元） 建设年限\n1 市城建局 口袋公园 2000 2023\n2 市水务局 供水管网 3500 2023\n\
                  表二 续建项目\n序号 单位名称 项目名称 投资金额（万元） 建设年限\n1 市交通局 背街小巷 1200 2024\n";
    assert_eq!(clean_with_reasons(tables).0, tables);
    let names = "获奖名单\n钱虎三 郑四州 沈州岳 卫七四 韩一合 蒋春一 吕方九 施八虎 赵海一 张一岳 朱一合 何七星 施一全 吴方州 朱八洲\n\
                 吴八方 冯一星 朱岳四 孙岳十 赵海全 蒋全七 冯十虎 韩全合 秦二州 吴合星 何六洲 朱洲三 沈全四 孙全合 褚州一\n";
    assert_eq!(clean_with_reasons(names).0, names);
    // A paragraph printed twice still goes.
    let twice = "市里今年将新建口袋公园二十个，改造老旧小区供水管网三百余公里。\n\
                 市里今年将新建口袋公园二十个，改造老旧小区供水管网三百余公里。\n";
    assert_eq!(clean_with_reasons(twice).0.lines().count(), 1);
}
