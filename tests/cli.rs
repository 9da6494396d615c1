//! The `zhclean` binary, run as a user would.

#![cfg(feature = "cli")]

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use zhclean::Cleaner;

const BIN: &str = env!("CARGO_BIN_EXE_zhclean");

fn seed_input() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds/000_69be1e0508113bff.input.txt"))
        .unwrap()
}

/// A fresh scratch directory under the target dir.
fn scratch(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut sin = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = sin.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (out.status.code().unwrap_or(-1), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn cli_cleans_a_file_like_the_library() {
    let dir = scratch("cli_file");
    let f = dir.join("in.txt");
    std::fs::write(&f, seed_input()).unwrap();
    let (code, out, err) = run(&[f.to_str().unwrap()], b"");
    assert_eq!(code, 0, "{err}");
    let want = Cleaner::new(Default::default()).unwrap().clean(&seed_input());
    assert_eq!(String::from_utf8(out).unwrap(), want);
}

#[test]
fn cli_stdin_in_pieces_equals_whole_file() {
    let input = seed_input();
    let want = Cleaner::new(Default::default()).unwrap().clean(&input);
    for piece in [1usize, 3, 7, 4096] {
        let mut child = Command::new(BIN).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        let mut sin = child.stdin.take().unwrap();
        let bytes = input.clone().into_bytes();
        let writer = std::thread::spawn(move || {
            for c in bytes.chunks(piece) {
                sin.write_all(c).unwrap();
                sin.flush().unwrap();
            }
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        assert!(out.status.success());
        assert_eq!(String::from_utf8(out.stdout).unwrap(), want, "pieces of {piece}");
    }
}

#[test]
fn cli_invalid_utf8_names_file_line_and_byte_and_leaves_no_output() {
    let dir = scratch("cli_bad");
    let good = dir.join("good.txt");
    let bad = dir.join("bad.txt");
    std::fs::write(&good, "第一行。\n").unwrap();
    std::fs::write(&bad, b"ok\nline two \xff\xfe\n").unwrap();
    let out = dir.join("out.txt");
    // On two threads the files, a block each, are cleaned side by side.
    for threads in ["1", "2"] {
        let args = ["-j", threads, "-o", out.to_str().unwrap(), good.to_str().unwrap(), bad.to_str().unwrap()];
        let (code, _, err) = run(&args, b"");
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("bad.txt"), "{err}");
        assert!(err.contains("line 2"), "{err}");
        assert!(err.contains("byte 12"), "{err}");
        assert!(!out.exists(), "no partial output");
        let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers.len(), 2, "temporary file removed: {leftovers:?}");
    }
}

#[test]
fn cli_lossy_replaces_and_reports_the_count() {
    let (code, out, err) = run(&["--lossy"], b"a\xffb\xfe\n");
    assert_eq!(code, 0);
    assert_eq!(String::from_utf8(out).unwrap(), "a\u{FFFD}b\u{FFFD}\n");
    assert!(err.contains("replaced 2"), "{err}");
}

#[test]
fn cli_output_file_is_written_on_success() {
    let dir = scratch("cli_out");
    let out = dir.join("out.txt");
    let (code, stdout, err) = run(&["-o", out.to_str().unwrap()], "汇\"智\"聚\"才\"\n".as_bytes());
    assert_eq!(code, 0, "{err}");
    assert!(stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "汇“智”聚“才”\n");
}

#[test]
fn cli_usage_errors_exit_2_and_say_why() {
    let (code, _, err) = run(&["--preset", "nope"], b"");
    assert_eq!(code, 2);
    assert!(err.contains("ocr-news") && err.contains("minimal"), "{err}");
    let (code, _, err) = run(&["--frobnicate"], b"");
    assert_eq!(code, 2);
    assert!(err.contains("frobnicate"), "{err}");
    let (code, _, err) = run(&["--max-line-bytes", "3"], b"");
    assert_eq!(code, 2);
    assert!(err.contains("max_line_bytes"), "{err}");
}

#[test]
fn cli_missing_file_is_an_io_error_naming_it() {
    let (code, _, err) = run(&["/nonexistent/zz.txt"], b"");
    assert_eq!(code, 3);
    assert!(err.contains("/nonexistent/zz.txt"), "{err}");
}

#[test]
fn cli_help_documents_exit_codes_and_examples() {
    let (code, out, _) = run(&["--help"], b"");
    assert_eq!(code, 0);
    let help = String::from_utf8(out).unwrap();
    assert!(help.contains("EXIT CODES") && help.contains("EXAMPLES") && help.contains("--preset"));
}

#[test]
fn cli_closed_pipe_exits_quietly_with_success() {
    let dir = scratch("cli_pipe");
    let f = dir.join("big.txt");
    let input = seed_input().repeat(300); // ~5 MB, far more than a pipe buffer
    std::fs::write(&f, &input).unwrap();
    let mut child = Command::new(BIN).arg(&f).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut head = [0u8; 100];
    child.stdout.as_mut().unwrap().read_exact(&mut head).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn cli_convert_gives_opencc_output_and_lists_configs_on_a_bad_name() {
    let (code, out, err) = run(&["convert", "-c", "s2twp"], "软件工程师坐出租车\n".as_bytes());
    assert_eq!(code, 0, "{err}");
    assert_eq!(String::from_utf8(out).unwrap(), "軟體工程師坐計程車\n");
    let (code, _, err) = run(&["convert", "-c", "x2y"], b"");
    assert_eq!(code, 2);
    assert!(err.contains("s2twp") && err.contains("jp2t"), "{err}");
    let (code, _, err) = run(&["convert"], b"");
    assert_eq!(code, 2);
    assert!(err.contains("-c"), "{err}");
}

#[test]
fn cli_to_none_keeps_the_script() {
    let (code, out, _) = run(&["--to", "none"], "當前位置\n".as_bytes());
    assert_eq!(code, 0);
    assert_eq!(String::from_utf8(out).unwrap(), "當前位置\n");
    let (_, out, _) = run(&[], "當前位置\n".as_bytes());
    assert_eq!(String::from_utf8(out).unwrap(), "当前位置\n");
}

#[test]
fn cli_no_tofu_risk_matches_the_opencc_command() {
    let (_, out, _) = run(&["convert", "-c", "t2s"], "㑮\n".as_bytes());
    assert_eq!(String::from_utf8(out).unwrap(), "𫝈\n");
    let (_, out, _) = run(&["convert", "-c", "t2s", "--no-tofu-risk"], "㑮\n".as_bytes());
    assert_eq!(String::from_utf8(out).unwrap(), "㑮\n");
}

#[test]
fn cli_reports_a_cap_once_and_strict_caps_stops_with_exit_code_4() {
    let dir = scratch("caps");
    let stats = dir.join("s.json");
    let line = "长句子没有换行，".repeat(100);
    let input = format!("{line}\n{line}\n");
    let (code, out, err) = run(&["--max-line-bytes", "64", "--stats", stats.to_str().unwrap(), "-q"], input.as_bytes());
    assert_eq!(code, 0, "{err}");
    assert_eq!(String::from_utf8(out).unwrap(), input, "a cap loses nothing");
    // -q turns off only the progress bar: the warning is still said, once;
    // the stats count it.
    assert_eq!(err.matches("warning").count(), 1, "{err}");
    assert!(err.contains("max_line_bytes"), "{err}");
    let s: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
    assert_eq!(s["caps"]["max_line_bytes"], 1);
    let (code, _, err) = run(&["--max-line-bytes", "64"], input.as_bytes());
    assert_eq!(code, 0);
    assert_eq!(err.matches("warning").count(), 1, "{err}");
    assert!(err.contains("<stdin>") && err.contains("max_line_bytes (64)") && err.contains("--config"), "{err}");
    let (code, out, err) = run(&["--max-line-bytes", "64", "--strict-caps"], input.as_bytes());
    assert_eq!(code, 4, "{err}");
    assert!(out.is_empty() || input.starts_with(std::str::from_utf8(&out).unwrap()));
    assert!(err.contains("max_line_bytes (64)"), "{err}");
}

#[test]
fn cli_audit_edit_cap_is_an_error_naming_the_option() {
    let dir = scratch("audit_cap");
    let (f, out, audit) = (dir.join("in.txt"), dir.join("out.txt"), dir.join("a.jsonl"));
    std::fs::write(&f, seed_input()).unwrap();
    let args = ["--audit", audit.to_str().unwrap(), "-o", out.to_str().unwrap(), "--max-audit-edits", "5"];
    let (code, _, err) = run(&[&args[..], &[f.to_str().unwrap()]].concat(), b"");
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("in.txt") && err.contains("--max-audit-edits"), "{err}");
    assert!(!out.exists() && !audit.exists(), "no output on failure");
    // Raised, the same run succeeds.
    let args = ["--audit", audit.to_str().unwrap(), "-o", out.to_str().unwrap(), "--max-audit-edits", "100000"];
    let (code, _, err) = run(&[&args[..], &[f.to_str().unwrap()]].concat(), b"");
    assert_eq!(code, 0, "{err}");
}
