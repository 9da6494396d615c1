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
