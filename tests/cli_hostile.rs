//! The `zhclean` binary under hostile use: errors on the writer side with
//! many threads, special files as outputs, outputs that name inputs or each
//! other, corrupt and oversized compressed input. Every file these tests
//! make is in a scratch directory of their own; no test names a real path
//! under `/dev`.

#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_zhclean");

/// A fresh scratch directory under the target dir.
fn scratch(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs the binary with `args`, stdin from /dev/null's equivalent (closed),
/// stdout and stderr captured, killing it after `limit`. Returns the exit
/// code (None when it had to be killed), stdout and stderr.
fn run_for(args: &[&str], limit: Duration) -> (Option<i32>, Vec<u8>, String) {
    let dir = scratch_out();
    let (out_path, err_path) = (dir.join(format!("{}.out", unique())), dir.join(format!("{}.err", unique())));
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = std::fs::read(&out_path).unwrap();
    let err = std::fs::read_to_string(&err_path).unwrap();
    (code, out, err)
}

fn run(args: &[&str]) -> (Option<i32>, Vec<u8>, String) {
    run_for(args, Duration::from_secs(60))
}

fn scratch_out() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile").join("_captured");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn unique() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!("{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `n` small JSONL records.
fn records(n: usize) -> String {
    (0..n).map(|i| format!("{{\"id\":{i},\"text\":\"第{i}篇,活动在 洛阳开幕。\"}}\n")).collect()
}

#[test]
fn a_bad_record_early_in_a_large_shard_on_two_threads_ends_the_run() {
    // The first batch (512 records) holds the bad line; thousands of
    // records follow, so the reader has many batches left to queue when
    // the writer stops on the error.
    let dir = scratch("hang");
    let shard = dir.join("shard.jsonl");
    let text = format!("{}not json\n{}", records(511), records(20_000));
    std::fs::write(&shard, text).unwrap();
    // Whether the reader is left blocked depends on timing (it hung in
    // about half the runs before the fix), so the run is repeated.
    for (threads, runs) in [("2", 8), ("3", 4)] {
        for _ in 0..runs {
            let (code, _, err) = run_for(&["-q", "-j", threads, s(&shard)], Duration::from_secs(20));
            assert_eq!(code, Some(1), "-j {threads}: exit within 20 s with the bad-input code; stderr: {err}");
            assert!(err.contains("line 512"), "{err}");
        }
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

#[test]
fn special_files_are_written_in_place_never_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = scratch("special");
    let input = dir.join("in.txt");
    std::fs::write(&input, "活动在 洛阳开幕,专家齐聚洛阳。\n").unwrap();
    // A FIFO: a reader drains it while zhclean writes.
    let fifo = dir.join("pipe");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let fifo_path = fifo.clone();
    let reader = std::thread::spawn(move || std::fs::read(fifo_path).unwrap());
    let (code, _, err) = run(&["-q", "-o", s(&fifo), s(&input)]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(String::from_utf8(reader.join().unwrap()).unwrap(), "活动在洛阳开幕，专家齐聚洛阳。\n");
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO is still a FIFO");
    // A character device, made in the scratch directory (root only).
    if is_root() {
        let null = dir.join("null");
        assert!(Command::new("mknod").arg(&null).args(["c", "1", "3"]).status().unwrap().success());
        for flag in ["-o", "--stats", "--audit"] {
            let (code, _, err) = run(&["-q", flag, s(&null), s(&input)]);
            assert_eq!(code, Some(0), "{flag}: {err}");
            let t = std::fs::symlink_metadata(&null).unwrap().file_type();
            assert!(t.is_char_device(), "{flag} replaced the device node");
        }
    }
}

#[test]
fn a_symlink_is_followed_and_kept() {
    let dir = scratch("symlink");
    let input = dir.join("in.txt");
    std::fs::write(&input, "活动在 洛阳开幕。\n").unwrap();
    let target = dir.join("real.txt");
    std::fs::write(&target, "old\n").unwrap();
    let link = dir.join("link.txt");
    std::os::unix::fs::symlink("real.txt", &link).unwrap();
    let (code, _, err) = run(&["-q", "-o", s(&link), s(&input)]);
    assert_eq!(code, Some(0), "{err}");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "活动在洛阳开幕。\n");
    // A dangling link: its target is created.
    let dangling = dir.join("dangling.txt");
    std::os::unix::fs::symlink("made.txt", &dangling).unwrap();
    let (code, _, err) = run(&["-q", "-o", s(&dangling), s(&input)]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(std::fs::read_to_string(dir.join("made.txt")).unwrap(), "活动在洛阳开幕。\n");
}

#[test]
fn an_existing_files_mode_is_kept() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("mode");
    let input = dir.join("in.txt");
    std::fs::write(&input, "活动在 洛阳开幕。\n").unwrap();
    let out = dir.join("out.txt");
    std::fs::write(&out, "").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (code, _, err) = run(&["-q", "-o", s(&out), s(&input)]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o600);
}

#[test]
fn outputs_that_name_an_input_or_each_other_stop_before_the_run() {
    let dir = scratch("collide");
    let a = dir.join("a.jsonl");
    let b = dir.join("b.jsonl");
    std::fs::write(&a, records(3)).unwrap();
    std::fs::write(&b, records(2)).unwrap();
    let out = dir.join("clean.jsonl");
    // The audit name forgotten: the first shard would become the audit.
    let (code, _, err) = run(&["-q", "--audit", s(&a), s(&b), "-o", s(&out)]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--audit") && err.contains("a.jsonl") && err.contains("not a zhclean audit"), "{err}");
    assert_eq!(std::fs::read_to_string(&a).unwrap(), records(3), "the shard is untouched");
    assert!(!out.exists());
    // Stats over an input, and two outputs on one file.
    let v = dir.join("v.txt");
    std::fs::write(&v, "正文。\n").unwrap();
    let (code, _, err) = run(&["-q", "-o", s(&v), "--stats", s(&v), s(&v)]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(std::fs::read_to_string(&v).unwrap(), "正文。\n");
    let same = dir.join("same");
    let (code, _, err) = run(&["-q", "-o", s(&same), "--audit", s(&same), s(&v)]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("same file"), "{err}");
    // -o in place still works.
    let (code, _, err) = run(&["-q", "-o", s(&v), s(&v)]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(std::fs::read_to_string(&v).unwrap(), "正文。\n");
}

#[test]
fn a_side_output_replaces_only_its_own_kind_of_file_without_force() {
    let dir = scratch("force");
    let input = dir.join("in.txt");
    std::fs::write(&input, "活动在 洛阳开幕。\n").unwrap();
    let notes = dir.join("notes.txt");
    std::fs::write(&notes, "my notes\n").unwrap();
    for flag in ["--stats", "--audit"] {
        let (code, _, err) = run(&["-q", flag, s(&notes), s(&input)]);
        assert_eq!(code, Some(2), "{flag}: {err}");
        assert!(err.contains("--force") && err.contains("notes.txt"), "{err}");
        assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes\n");
    }
    // An earlier run's stats and audit are replaced.
    let (stats, audit) = (dir.join("s.json"), dir.join("a.jsonl"));
    for _ in 0..2 {
        let (code, _, err) = run(&["-q", "--stats", s(&stats), "--audit", s(&audit), s(&input)]);
        assert_eq!(code, Some(0), "{err}");
    }
    // --force replaces anything but an input.
    let (code, _, err) = run(&["-q", "--force", "--stats", s(&notes), s(&input)]);
    assert_eq!(code, Some(0), "{err}");
    assert!(std::fs::read_to_string(&notes).unwrap().contains("\"documents\""));
}

#[test]
fn outputs_are_all_or_nothing_and_bad_paths_fail_before_the_run() {
    let dir = scratch("all_or_nothing");
    let input = dir.join("in.txt");
    std::fs::write(&input, "活动在 洛阳开幕。\n").unwrap();
    let (o, a, d) = (dir.join("o.txt"), dir.join("a.jsonl"), dir.join("stats_dir"));
    std::fs::create_dir(&d).unwrap();
    let (code, _, err) = run(&["-q", "-o", s(&o), "--audit", s(&a), "--stats", s(&d), s(&input)]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("is a directory"), "{err}");
    assert!(!o.exists() && !a.exists(), "nothing written");
    for bad in ["", "no_such_dir/out.txt"] {
        let target = if bad.is_empty() { String::new() } else { s(&dir.join(bad)).to_string() };
        let (code, _, err) = run(&["-q", "-o", &target, s(&input)]);
        assert_eq!(code, Some(2), "{bad:?}: {err}");
    }
    // Names as long as the directory allows work (the temporary name is
    // short), and no temporary file is left.
    let long = dir.join(format!("{}.txt", "长".repeat(83)));
    let (code, _, err) = run(&["-q", "-o", s(&long), s(&input)]);
    assert_eq!(code, Some(0), "{err}");
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_byte_order_mark_opening_a_jsonl_file_is_dropped() {
    let dir = scratch("bom");
    let shard = dir.join("bom.jsonl");
    std::fs::write(&shard, format!("\u{feff}{}", records(2))).unwrap();
    let (code, out, err) = run(&["-q", s(&shard)]);
    assert_eq!(code, Some(0), "{err}");
    let out = String::from_utf8(out).unwrap();
    assert!(out.starts_with("{\"id\":0,\"text\":\"第0篇，活动在洛阳开幕。\"}\n"), "{out:?}");
    assert_eq!(out.lines().count(), 2);
}

#[test]
fn lossy_applies_to_jsonl_and_explain_and_is_counted() {
    let dir = scratch("lossy");
    let shard = dir.join("bad.jsonl");
    std::fs::write(&shard, b"{\"text\":\"a\xffb\"}\n{\"text\":\"ok\"}\n").unwrap();
    let (code, _, err) = run(&["-q", s(&shard)]);
    assert_eq!(code, Some(1), "strict by default: {err}");
    assert!(err.contains("line 1") && err.contains("UTF-8"), "{err}");
    let stats = dir.join("s.json");
    let (code, out, err) = run(&["-q", "--lossy", "--stats", s(&stats), s(&shard)]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("replaced 1 invalid UTF-8"), "{err}");
    assert_eq!(String::from_utf8(out).unwrap(), "{\"text\":\"a\u{fffd}b\"}\n{\"text\":\"ok\"}\n");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&stats).unwrap()).unwrap();
    assert_eq!(v["invalid_utf8_replaced"], 1);
    let (code, out, err) = run(&["explain", "--lossy", s(&shard)]);
    assert_eq!(code, Some(0), "{err}");
    assert!(String::from_utf8(out).unwrap().starts_with(&format!("{}, line 1:", s(&shard))));
    let plain = dir.join("bad.txt");
    std::fs::write(&plain, b"\xfe\n\xe4\xb8\n").unwrap();
    let (code, _, err) = run(&["explain", s(&plain)]);
    assert_eq!(code, Some(1), "{err}");
    let (code, _, err) = run(&["explain", "--lossy", s(&plain)]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("replaced 2"), "{err}");
}

#[test]
fn explain_numbers_the_lines_of_the_input() {
    let dir = scratch("explain_lines");
    let doc = dir.join("doc.txt");
    let mut text = String::new();
    for i in 0..300 {
        text.push_str(&format!("第{i}段正文到此结束。\n"));
    }
    text.push_str("活动在 洛阳开幕。\n");
    std::fs::write(&doc, &text).unwrap();
    let (code, out, err) = run(&["explain", s(&doc)]);
    assert_eq!(code, Some(0), "{err}");
    let out = String::from_utf8(out).unwrap();
    let line = out.lines().find(|l| l.contains("space_in_body")).expect("the space's edit");
    assert!(line.trim_start().starts_with("301 "), "{line}");
}

#[test]
fn thread_counts_beyond_reason_are_refused() {
    let dir = scratch("threads");
    let input = dir.join("in.txt");
    std::fs::write(&input, "正文。\n").unwrap();
    let (code, _, err) = run(&["-j", "100000", s(&input)]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--threads 100000"), "{err}");
    let (code, _, err) = run(&["-q", "-j", "256", s(&input)]);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn quiet_hides_progress_not_warnings() {
    let dir = scratch("quiet");
    let input = dir.join("long.txt");
    std::fs::write(&input, format!("{}\n", "甲".repeat(100))).unwrap();
    let (code, _, err) = run(&["-q", "--max-line-bytes", "16", s(&input)]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("warning") && err.contains("max_line_bytes"), "{err}");
}

#[test]
fn a_zstd_window_bomb_is_refused_by_name() {
    let dir = scratch("zstd_bomb");
    // One frame declaring a 4 GiB window, then RLE blocks of 128 KiB of
    // 'a' (45 KB of file for 1.5 GB of output before the limit existed).
    let mut f = vec![0x28, 0xb5, 0x2f, 0xfd, 0x00, 22 << 3];
    for i in 0..11_444u32 {
        let last = u32::from(i == 11_443);
        f.extend_from_slice(&(((128 << 10) << 3) | (1 << 1) | last).to_le_bytes()[..3]);
        f.push(b'a');
    }
    let bomb = dir.join("bomb.txt.zst");
    std::fs::write(&bomb, f).unwrap();
    let (code, _, err) = run(&["-q", s(&bomb)]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("--max-zstd-window") && err.contains("4096 MiB"), "{err}");
}

#[test]
fn an_interrupted_run_removes_its_temporary_files_and_a_later_run_reports_strays() {
    let dir = scratch("signals");
    let out = dir.join("out.txt");
    for (signal, code) in [("-TERM", 143), ("-INT", 130)] {
        let mut child = Command::new(BIN)
            .args(["-q", "-o", s(&out)])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Standard input stays open: the run waits for more, its temporary
        // output file in place.
        let tmp_exists =
            || std::fs::read_dir(&dir).unwrap().flatten().any(|e| e.file_name().to_string_lossy().ends_with(".tmp"));
        let start = Instant::now();
        while !tmp_exists() && start.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(tmp_exists(), "the run made its temporary file");
        assert!(Command::new("kill").arg(signal).arg(child.id().to_string()).status().unwrap().success());
        // (Held while waiting: `wait` closes a child's standard input, and
        // on a loaded machine the run could read that end of its input and
        // finish before its signal thread ran.)
        let stdin = child.stdin.take();
        let status = child.wait().unwrap();
        drop(stdin);
        assert_eq!(status.code(), Some(code), "{signal}");
        assert!(!tmp_exists(), "{signal}: the temporary file is gone");
        assert!(!out.exists());
    }
    // A temporary file left by a killed run (its process gone) is reported.
    let stray = dir.join(".zhclean-4194305-0.tmp");
    std::fs::write(&stray, "half a run").unwrap();
    let input = dir.join("in.txt");
    std::fs::write(&input, "正文。\n").unwrap();
    let (code, _, err) = run(&["-q", "-o", s(&out), s(&input)]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains(".zhclean-4194305-0.tmp") && err.contains("earlier run"), "{err}");
}

#[test]
fn a_file_size_limit_is_an_error_naming_the_file_and_leaves_nothing() {
    let dir = scratch("xfsz");
    let input = dir.join("in.txt");
    std::fs::write(&input, "活动在洛阳开幕。\n".repeat(20_000)).unwrap();
    let out = dir.join("out.txt");
    // ulimit -f counts 1024-byte blocks: 64 KiB, less than the output.
    let script = format!("ulimit -f 64; exec {BIN} -q -o '{}' '{}'", s(&out), s(&input));
    let o = Command::new("bash").args(["-c", &script]).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("out.txt"), "{err}");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(left, vec![std::ffi::OsString::from("in.txt")], "only the input is left");
}

#[test]
fn a_full_disk_is_an_error_naming_the_output() {
    if !is_root() {
        return; // mknod needs root; the rest of the suite covers the paths
    }
    let dir = scratch("enospc");
    let full = dir.join("full");
    assert!(Command::new("mknod").arg(&full).args(["c", "1", "7"]).status().unwrap().success());
    let input = dir.join("in.txt");
    std::fs::write(&input, "活动在洛阳开幕。\n".repeat(20_000)).unwrap();
    let shard = dir.join("in.jsonl");
    std::fs::write(&shard, records(20_000)).unwrap();
    for (threads, file) in [("1", &input), ("2", &input), ("2", &shard)] {
        let (code, _, err) = run(&["-q", "-j", threads, "-o", s(&full), s(file)]);
        assert_eq!(code, Some(3), "{err}");
        assert!(err.contains("full: write failed") && err.contains("No space left"), "{err}");
    }
}
