//! Caps, not growth: every buffer or set a pass keeps that could grow with
//! the input has a setting in the config. Reaching it is reported (once per
//! document, naming the setting and how to raise it); with `strict_caps` it
//! is an error instead. Each cap below is driven past a small setting.

use zhclean::{CapHit, CleanConfig, Cleaner, EditLog, ErrorKind};

/// Cleans `input` with `cfg`, returning the output and the caps reported.
fn run(cfg: &CleanConfig, input: &str) -> (String, Vec<CapHit>) {
    let mut s = Cleaner::new(cfg.clone()).unwrap().stream();
    let (mut out, mut log) = (String::new(), EditLog::default());
    // Small pushes: the caps must be seen however the input arrives.
    for piece in input.as_bytes().chunks(1000) {
        s.push_audited(piece, &mut out, &mut log).unwrap();
    }
    s.finish_audited(&mut out, &mut log).unwrap();
    (out, log.caps)
}

/// The cap `setting` is reported once, and under `strict_caps` the same
/// input is an error that names it and says how to raise it.
fn check(mut cfg: CleanConfig, input: &str, setting: &str, table: &str) -> String {
    let (out, caps) = run(&cfg, input);
    let hits: Vec<_> = caps.iter().filter(|h| h.setting == setting).collect();
    assert_eq!(hits.len(), 1, "{setting}: {caps:?}");
    let msg = hits[0].message();
    assert!(msg.contains(setting) && msg.contains("--config"), "{msg}");
    if !table.is_empty() {
        assert!(msg.contains(&format!("[{table}]")), "{msg}");
    }
    cfg.strict_caps = true;
    let e = Cleaner::new(cfg).unwrap().try_clean(input).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cap);
    assert!(e.to_string().contains(setting), "{e}");
    out
}

/// A default pipeline with nothing else in the way.
fn base() -> CleanConfig {
    CleanConfig::default()
}

fn distinct_sentences(n: usize) -> String {
    // Different sentences, so nothing is a duplicate.
    let han: Vec<char> = ('\u{5000}'..'\u{6000}').collect();
    (0..n)
        .map(|i| {
            let s: String = (0..40).map(|k| han[(i * 41 + k * 7) % han.len()]).collect();
            format!("{s}。\n")
        })
        .collect()
}

#[test]
fn dedup_window_cap_is_reported_and_strict_makes_it_an_error() {
    let mut cfg = base();
    cfg.dedup.as_mut().unwrap().max_windows = 100;
    let doc = distinct_sentences(20);
    let out = check(cfg, &doc, "dedup.max_windows", "dedup");
    // The text was all distinct: the cap changed nothing.
    assert_eq!(out, run(&base(), &doc).0);
}

#[test]
fn dedup_cap_loses_only_detection_of_later_repeats() {
    // A paragraph printed twice after the cap: an uncapped pass removes the
    // repeat; past the cap it stays (and the cap is reported), and nothing
    // else differs.
    let para = "市科技局赴时代楷模陈俊武陈列室开展主题党日活动并参观学习。\n";
    let doc = format!("{}{para}{para}", distinct_sentences(20));
    let (uncapped, caps) = run(&base(), &doc);
    assert!(caps.is_empty());
    assert_eq!(uncapped.matches("陈俊武").count(), 1);
    let mut cfg = base();
    cfg.dedup.as_mut().unwrap().max_windows = 10;
    let (capped, caps) = run(&cfg, &doc);
    assert_eq!(capped.matches("陈俊武").count(), 2);
    assert_eq!(capped.replacen(&uncapped, "", 1), para);
    assert_eq!(caps.len(), 1);
}

#[test]
fn rejoin_paragraph_cap_is_reported() {
    let mut cfg = base();
    cfg.rejoin.as_mut().unwrap().max_paragraph_bytes = 200;
    // A paragraph cut by a page end, long enough to pass the cap when joined.
    let first = "跟班学习如何学在跟班学习期间跟班学习干部既注重提升自身能力素质又为深化地区交流牵线搭桥，广泛开展交流活动和学习";
    let doc = format!("{first}\n\n{first}。\n");
    let out = check(cfg, &doc, "rejoin.max_paragraph_bytes", "rejoin");
    assert!(out.contains("学习"));
}

#[test]
fn caption_hold_cap_is_reported() {
    let mut cfg = base();
    cfg.caption.as_mut().unwrap().max_held_bytes = 64;
    let doc = format!("这一段已经结束了，后面是一张照片。\n图为一张照片\n{}倪睿/摄\n", "\n".repeat(200));
    let out = check(cfg, &doc, "caption.max_held_bytes", "caption");
    // Released as text, not removed: the caption line is still there.
    assert!(out.contains("图为一张照片"), "{out}");
}

#[test]
fn line_cap_is_reported() {
    let mut cfg = base();
    cfg.max_line_bytes = 64;
    let line = "长句子没有换行，".repeat(100);
    let out = check(cfg, &line, "max_line_bytes", "");
    assert_eq!(out.trim_end(), line.trim_end());
}

#[test]
fn script_ids_hold_cap_is_reported() {
    let mut cfg = base();
    cfg.script.as_mut().unwrap().max_ids_hold_bytes = 100;
    // An ideographic description operator at the end of every line keeps
    // lines held, in case the sequence continues.
    let doc = "國家⿰\n".repeat(100);
    let out = check(cfg, &doc, "script.max_ids_hold_bytes", "script");
    assert_eq!(out.lines().count(), 100);
}

#[test]
fn the_default_settings_reach_no_cap_on_the_seeds() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".input.txt") {
            let (_, caps) = run(&base(), &std::fs::read_to_string(&path).unwrap());
            assert!(caps.is_empty(), "{}: {caps:?}", path.display());
        }
    }
}

#[cfg(feature = "config-file")]
#[test]
fn cap_settings_round_trip_through_toml() {
    let text = "[dedup]\nmax_windows = 7\n[caption]\nmax_held_bytes = 9\n[script]\nmax_ids_hold_bytes = 11\n";
    let cfg = CleanConfig::from_toml(&format!("strict_caps = true\n{text}")).unwrap();
    assert!(cfg.strict_caps);
    assert_eq!(cfg.dedup.as_ref().unwrap().max_windows, 7);
    assert_eq!(cfg.caption.as_ref().unwrap().max_held_bytes, 9);
    assert_eq!(cfg.script.as_ref().unwrap().max_ids_hold_bytes, 11);
    assert_eq!(CleanConfig::from_toml(&cfg.to_toml()).unwrap(), cfg);
    // `caption = false` still switches the pass off.
    assert!(CleanConfig::from_toml("caption = false").unwrap().caption.is_none());
}
