//! Hostile inputs, each through the default pipeline: no panic, the
#![cfg(feature = "corpus")]
//! documented result, and the invariants that hold for every input
//! (chunking does not matter; nothing is lost outside reported edits).

use zhclean::audit::{map_to_input, rebuild};
use zhclean::{Cleaner, EditLog, ErrorKind};

fn cleaner() -> Cleaner {
    Cleaner::new(Default::default()).unwrap()
}

/// Cleans `input` whole and in 4 KiB pushes; checks they agree and that
/// the audit trail rebuilds the input. Returns the output.
fn check(input: &str) -> String {
    let c = cleaner();
    let mut s = c.stream();
    let (mut out, mut log) = (String::new(), EditLog::default());
    s.push_audited(input.as_bytes(), &mut out, &mut log).unwrap();
    s.finish_audited(&mut out, &mut log).unwrap();
    let mut chunked = String::new();
    let mut s2 = c.stream();
    for piece in input.as_bytes().chunks(4096) {
        s2.push(piece, &mut chunked).unwrap();
    }
    s2.finish(&mut chunked).unwrap();
    assert!(chunked == out, "chunking changed the output");
    let mapped = map_to_input(&s.pass_names(), log.edits);
    assert!(rebuild(&out, &mapped).unwrap() == input, "the audit does not rebuild the input");
    out
}

#[test]
fn empty_input_gives_empty_output() {
    assert_eq!(check(""), "");
}

#[test]
fn nul_bytes_are_removed_as_control_characters() {
    assert_eq!(check("甲\0乙\0\0丙。\n"), "甲乙丙。\n");
}

#[test]
fn a_million_newlines_collapse() {
    let input = "\n".repeat(1_000_000) + "正文。\n" + &"\n".repeat(1000);
    assert_eq!(check(&input), "正文。\n");
}

#[test]
fn megabytes_of_mixed_spaces() {
    let unit = " \t\u{3000}\u{a0}\u{2003}";
    let input = format!("开始{}结束。\n", unit.repeat(200_000));
    let out = check(&input);
    assert!(out.starts_with("开始") && out.ends_with("结束。\n") && out.chars().count() < 10, "{out:?}");
}

#[test]
fn deeply_nested_parentheses() {
    let input = format!("{}内容{}\n", "(".repeat(100_000), ")".repeat(100_000));
    let out = check(&input);
    assert_eq!(out.matches("内容").count(), 1);
}

#[test]
fn two_hundred_thousand_pinyin_annotations_in_a_row() {
    let input = "當(dāng)".repeat(200_000) + "\n";
    let out = check(&input);
    // The 2.2 MB line is longer than the line cap, so it reaches the
    // passes in pieces; every annotation still goes.
    let want = "当".repeat(200_000) + "\n";
    let first_diff = out.chars().zip(want.chars()).position(|(a, b)| a != b);
    assert!(out == want, "{} chars out, first difference at char {first_diff:?}", out.chars().count());
}

#[test]
fn combining_marks_without_a_base_and_replacement_runs() {
    let input = "\u{301}\u{308}\u{301}开头\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}结尾。\n";
    let out = check(input);
    assert!(out.contains("开头") && out.contains("结尾。"), "{out:?}");
}

#[test]
fn crlf_and_bidi_controls() {
    assert_eq!(check("第一行。\r\n第二\u{202E}行。\r\n"), "第一行。\n第二行。\n");
}

#[test]
fn invalid_utf8_is_an_error_naming_the_byte() {
    let c = cleaner();
    let mut s = c.stream();
    let mut out = String::new();
    let mut input = "第一行。\n第二行".as_bytes().to_vec();
    let bad_at = input.len();
    input.extend_from_slice(b"\xff\xfe");
    let e = s.push(&input, &mut out).and_then(|()| s.finish(&mut out)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidUtf8);
    let loc = e.location().unwrap();
    assert_eq!((loc.line, loc.byte), (2, bad_at as u64));
}

#[test]
fn utf8_cut_off_at_the_end_is_an_error() {
    let c = cleaner();
    let mut s = c.stream();
    let mut out = String::new();
    let bytes = "正文。".as_bytes();
    s.push(&bytes[..bytes.len() - 1], &mut out).unwrap();
    let e = s.finish(&mut out).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidUtf8);
    assert_eq!(e.location().unwrap().byte, (bytes.len() - 3) as u64);
}

#[test]
fn a_long_line_with_no_newline_is_cut_not_held_whole() {
    // 8 MiB of text without a newline, pushed in 64 KiB blocks: the stream
    // never holds more than one line-cap piece in the framer and in each
    // pass that judges whole lines.
    let c = Cleaner::builder().max_line_bytes(1 << 16).build().unwrap();
    let mut s = c.stream();
    let mut out = String::new();
    let block = "长句子没有换行，".repeat(2730);
    let mut max_held = 0;
    for _ in 0..(8 << 20) / block.len() {
        s.push(block.as_bytes(), &mut out).unwrap();
        max_held = max_held.max(s.held_bytes());
        out.clear();
    }
    s.finish(&mut out).unwrap();
    let bound = (c.stream().pass_names().len() + 1) << 16;
    assert!(max_held <= bound, "held {max_held} bytes, bound {bound}");
}

/// A pass that passes text through and records the largest push it got.
struct Largest(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl zhclean::Pass for Largest {
    fn name(&self) -> &'static str {
        "largest"
    }
    fn push(&mut self, input: &str, out: &mut zhclean::Out<'_>) -> Result<(), zhclean::Error> {
        self.0.fetch_max(input.len(), std::sync::atomic::Ordering::Relaxed);
        out.text().push_str(input);
        Ok(())
    }
    fn finish(&mut self, _: &mut zhclean::Out<'_>) -> Result<(), zhclean::Error> {
        Ok(())
    }
    fn held_bytes(&self) -> usize {
        0
    }
}

/// A pass that writes each push's last line without its line end, which
/// it writes at the start of the next push (as `unwrap` writes a paragraph
/// that runs on past a full window in two parts).
struct Late(bool);

impl zhclean::Pass for Late {
    fn name(&self) -> &'static str {
        "late"
    }
    fn push(&mut self, input: &str, out: &mut zhclean::Out<'_>) -> Result<(), zhclean::Error> {
        if std::mem::take(&mut self.0) {
            out.text().push('\n');
        }
        match input.strip_suffix('\n') {
            Some(body) => {
                out.text().push_str(body);
                self.0 = true;
            }
            None => out.text().push_str(input),
        }
        Ok(())
    }
    fn finish(&mut self, out: &mut zhclean::Out<'_>) -> Result<(), zhclean::Error> {
        if std::mem::take(&mut self.0) {
            out.text().push('\n');
        }
        Ok(())
    }
    fn held_bytes(&self) -> usize {
        0
    }
}

/// A pass that passes text through and records each push it got.
struct Pushes(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl zhclean::Pass for Pushes {
    fn name(&self) -> &'static str {
        "pushes"
    }
    fn push(&mut self, input: &str, out: &mut zhclean::Out<'_>) -> Result<(), zhclean::Error> {
        self.0.lock().unwrap().push(input.to_string());
        out.text().push_str(input);
        Ok(())
    }
    fn finish(&mut self, _: &mut zhclean::Out<'_>) -> Result<(), zhclean::Error> {
        Ok(())
    }
    fn held_bytes(&self) -> usize {
        0
    }
}

#[test]
fn a_line_a_pass_writes_in_two_parts_reaches_the_next_pass_whole() {
    // The line contract: a pass sees a partial line only when the line is
    // over the cap. A pass before it that writes a line in two parts must
    // not turn it into a "piece" (passes judge pieces on their own: rejoin
    // and dedup passed such a paragraph on unjudged).
    let pushes = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut s = zhclean::Stream::from_passes(
        vec![Box::new(Late(false)), Box::new(Late(false)), Box::new(Pushes(pushes.clone()))],
        1 << 16,
        false,
    );
    let mut out = String::new();
    for line in ["第一行，\n", "第二行。\n第三行\n", "第四行"] {
        s.push(line.as_bytes(), &mut out).unwrap();
        assert!(s.held_bytes() < 64, "what waits is counted");
    }
    s.finish(&mut out).unwrap();
    assert_eq!(out, "第一行，\n第二行。\n第三行\n第四行");
    let pushes = pushes.lock().unwrap();
    let (last, before) = pushes.split_last().unwrap();
    assert!(before.iter().all(|p| p.ends_with('\n')), "{pushes:?}");
    assert!(last.ends_with("\n第四行"), "the document's last line, at its end: {pushes:?}");
    // Negative: pieces of a line over the cap still go on one at a time.
    let cap = 1 << 12;
    let pushes = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut s = zhclean::Stream::from_passes(vec![Box::new(Late(false)), Box::new(Pushes(pushes.clone()))], cap, false);
    let long = "长".repeat(3 * cap);
    s.push(format!("{long}\n").as_bytes(), &mut out).unwrap();
    s.finish(&mut out).unwrap();
    let pushes = pushes.lock().unwrap();
    assert!(
        pushes.len() > 2 && pushes.iter().all(|p| p.len() <= cap + 1),
        "{:?}",
        pushes.iter().map(String::len).collect::<Vec<_>>()
    );
}

#[test]
fn the_end_of_a_long_line_reaches_each_pass_one_piece_at_a_time() {
    // Each line pass holds one piece of a cut line. At the end of the
    // document every pass flushes its piece; a pass further down must get
    // them one by one, not glued (which made the last of nine passes hold
    // nine pieces: 90 MB of peak memory on a 64 MB line).
    use zhclean::passes::{dedup::DedupPass, punct::PunctPass};
    let cap = 1 << 16;
    let largest = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut s = zhclean::Stream::from_passes(
        vec![
            Box::new(PunctPass::new(Default::default())),
            Box::new(DedupPass::new(Default::default())),
            Box::new(PunctPass::new(Default::default())),
            Box::new(Largest(largest.clone())),
        ],
        cap,
        false,
    );
    // No ASCII punctuation, so no pass makes a piece longer.
    let block = "长句子没有换行，还有很多不一样的字".repeat(1000);
    let mut out = String::new();
    for k in 0..24 {
        s.push(format!("{k}{block}").as_bytes(), &mut out).unwrap();
    }
    s.finish(&mut out).unwrap();
    let largest = largest.load(std::sync::atomic::Ordering::Relaxed);
    assert!(largest <= cap, "a push of {largest} bytes, cap {cap}");
}

#[test]
fn a_flood_of_blank_lines_after_a_held_line_stays_bounded() {
    // A short line (a caption candidate) and an open paragraph are held
    // with the blank lines after them, up to caps.
    let c = cleaner();
    let mut s = c.stream();
    let mut out = String::new();
    s.push("这一段没有结束，还要继续往下写很多的字\n图为一张照片\n".as_bytes(), &mut out).unwrap();
    let block = "\n".repeat(64 * 1024);
    let mut max_held = 0;
    // 1.25 MiB: past the paragraph cap (1 MiB) and the caption hold cap.
    for _ in 0..20 {
        s.push(block.as_bytes(), &mut out).unwrap();
        max_held = max_held.max(s.held_bytes());
    }
    s.push("倪睿/摄\n".as_bytes(), &mut out).unwrap();
    s.finish(&mut out).unwrap();
    assert!(max_held <= (1 << 20) + (1 << 16) + 4096, "held {max_held} bytes");
    assert!(out.contains("这一段"));
}

/// A paragraph printed twice, the second time glued before a contact
/// footer, on a line too long to be chrome: the repeat is cut, and what it
/// leaves is a footer the chrome pass removes. It goes now, or a second
/// cleaning would remove it (the output must be a fixed point).
#[test]
fn a_footer_left_by_a_cut_repeat_goes_in_the_same_run() {
    let reply =
        "如您在锦昌大酒店入住期间有不愉快，敬请您把您的意见和建议告诉我们，我们将为您提供更优质的服务。".repeat(2);
    let footer = format!("总经理黄同金 联系电话：0791-2878108 锦昌大酒店{}", "某某路某某号".repeat(25));
    let input = format!("第一段正文在这里开始。{reply}\n中间段落也是一段正常的正文内容。\n{reply}{footer}\n");
    let out = check(&input);
    assert!(!out.contains("联系电话"), "{out}");
    assert_eq!(cleaner().clean(&out), out);
}

#[test]
fn separators_keep_paragraphs_and_words_apart() {
    // Two paragraphs joined by U+2029 were merged into one; words either
    // side of pdftotext's form feed were glued.
    let c = cleaner();
    let out = c.clean("第一段到此结束。\u{2029}第二段从这里开始。\n");
    assert_eq!(out, "第一段到此结束。\n第二段从这里开始。\n");
    let out = c.clean("Page one ends here.\u{0C}Next page\u{0B}line\u{85}end\n");
    assert_eq!(out, "Page one ends here.\nNext page\nline\nend\n");
    check("甲\u{2029}乙\u{2028}丙\u{0B}丁\u{85}戊\u{0C}己\n");
}
