//! Corpus mode, end to end through the `zhclean` binary: JSONL, threads,
//! compression, stats, audit, explain, config files and bad input.

#![cfg(feature = "cli")]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_zhclean");

fn seeds() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/seeds");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".input.txt"))
        .collect();
    names.sort();
    names.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

fn scratch(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = Command::new(BIN).args(args).stdin(Stdio::null()).output().unwrap();
    (out.status.code().unwrap_or(-1), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A shard of `n` records cycling through the seeds, with other fields
/// around the text in varied formatting (spaces, escapes, nesting).
fn shard(n: usize) -> String {
    let seeds = seeds();
    let mut s = String::new();
    for i in 0..n {
        let text = serde_json::to_string(&seeds[i % seeds.len()]).unwrap();
        match i % 3 {
            0 => s.push_str(&format!(
                "{{\"id\": {i}, \"text\": {text}, \"meta\": {{\"text\": \"x\", \"f\": 1.50e3}}}}\n"
            )),
            1 => s.push_str(&format!("{{\"url\":\"http://a/\\u0031\",\"text\":{text},\"id\":\"d{i}\"}}\n")),
            _ => s.push_str(&format!("{{ \"text\" : {text} }}\n")),
        }
    }
    s
}

fn write(path: &Path, data: &[u8]) {
    std::fs::write(path, data).unwrap();
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn jsonl_output_is_identical_for_one_and_two_threads() {
    let dir = scratch("corpus_threads");
    let input = dir.join("in.jsonl");
    write(&input, shard(60).as_bytes());
    let mut outs = Vec::new();
    for threads in ["1", "2", "3"] {
        let out = dir.join(format!("out{threads}.jsonl"));
        let audit = dir.join(format!("audit{threads}.jsonl"));
        let args = [
            "-j",
            threads,
            "--dedup",
            "corpus",
            "--audit",
            audit.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            input.to_str().unwrap(),
        ];
        let (code, _, err) = run(&args);
        assert_eq!(code, 0, "{err}");
        assert_eq!(err, "", "no progress bar when stderr is not a terminal");
        outs.push((std::fs::read(&out).unwrap(), std::fs::read(&audit).unwrap()));
    }
    assert!(outs.windows(2).all(|w| w[0] == w[1]), "output or audit differs between thread counts");
    assert_eq!(outs[0].0.iter().filter(|&&b| b == b'\n').count(), 60, "one line per record");
}

#[test]
fn every_field_but_text_is_written_back_byte_for_byte() {
    let dir = scratch("corpus_fields");
    let input = dir.join("in.jsonl");
    let data = shard(6);
    write(&input, data.as_bytes());
    let (code, out, err) = run(&["-j", "2", input.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let out = String::from_utf8(out).unwrap();
    let cleaner = zhclean::Cleaner::new(Default::default()).unwrap();
    for (a, b) in data.lines().zip(out.lines()) {
        let (va, vb): (Value, Value) = (serde_json::from_str(a).unwrap(), serde_json::from_str(b).unwrap());
        let text_in = va["text"].as_str().unwrap();
        let want = cleaner.clean(text_in);
        let want = if text_in.ends_with('\n') { want } else { want.trim_end_matches('\n').to_string() };
        assert_eq!(vb["text"].as_str().unwrap(), want);
        // Cut the text values out: what is left must be the same bytes.
        let cut = |line: &str, v: &Value| {
            let enc = serde_json::to_string(v["text"].as_str().unwrap()).unwrap();
            let raw_start = line.find("\"text\"").unwrap();
            let rest = &line[raw_start + 6..];
            let colon = rest.find(':').unwrap();
            let value_start =
                raw_start + 6 + colon + 1 + rest[colon + 1..].len() - rest[colon + 1..].trim_start().len();
            let value_len = if line[value_start..].starts_with(&enc) { enc.len() } else { 0 };
            (line[..value_start].to_string(), line[value_start + value_len..].to_string(), value_len)
        };
        let (pb, sb, lb) = cut(b, &vb);
        assert!(lb > 0, "the output's text field is serde_json's encoding of the cleaned text");
        assert!(a.starts_with(&pb), "prefix changed:\n{a}\n{b}");
        assert!(a.ends_with(&sb), "suffix changed:\n{a}\n{b}");
    }
}

#[test]
fn gzip_in_and_zstd_out_give_the_plain_result() {
    let dir = scratch("corpus_compress");
    let data = shard(10);
    let (plain, gz) = (dir.join("a.jsonl"), dir.join("a.jsonl.gz"));
    write(&plain, data.as_bytes());
    write(&gz, &gzip(data.as_bytes()));
    let (code, want, err) = run(&[plain.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, got, err) = run(&[gz.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(got, want, ".gz input");
    let zst = dir.join("out.jsonl.zst");
    let (code, _, err) = run(&["-o", zst.to_str().unwrap(), gz.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let mut unpacked = Vec::new();
    zhclean::corpus::compress::open(&zst).unwrap().read_to_end(&mut unpacked).unwrap();
    assert_eq!(unpacked, want, ".zst output");
}

#[test]
fn a_broken_line_3_is_an_error_naming_file_and_line_or_is_skipped() {
    let dir = scratch("corpus_bad");
    let input = dir.join("shard.jsonl");
    write(&input, b"{\"text\":\"\xe7\x94\xb2\"}\n{\"text\":\"b\"}\n{\"text\": \"c\n{\"text\":\"d\"}\n");
    let out = dir.join("out.jsonl");
    for threads in ["1", "2"] {
        let (code, _, err) = run(&["-j", threads, "-o", out.to_str().unwrap(), input.to_str().unwrap()]);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("shard.jsonl: line 3"), "{err}");
        assert!(err.contains("invalid JSON"), "{err}");
        assert!(!out.exists(), "no output on failure");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "no temporary file left");
    }
    let stats = dir.join("stats.json");
    let args = ["--skip-bad", "--stats", stats.to_str().unwrap(), "-o", out.to_str().unwrap(), input.to_str().unwrap()];
    let (code, _, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("skipped") && err.contains("line 3"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "{\"text\":\"甲\"}\n{\"text\":\"b\"}\n{\"text\":\"d\"}\n");
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
    assert_eq!((s["documents"].as_u64(), s["bad_records"].as_u64()), (Some(3), Some(1)));
}

#[test]
fn records_that_cannot_be_text_are_named() {
    let dir = scratch("corpus_bad_kinds");
    for (body, want) in [
        (&b"{\"text\":\"a\\ud800b\"}"[..], "lone UTF-16 surrogate"),
        (b"{\"body\":\"a\"}", "no field \"text\""),
        (b"{\"text\":5}", "not a string"),
        (b"[1]", "not a JSON object"),
        (b"{\"text\":\"a\xffb\"}", "byte 24: invalid UTF-8"),
    ] {
        let input = dir.join("x.jsonl");
        write(&input, &[&b"{\"text\":\"ok\"}\n"[..], body, b"\n"].concat());
        let (code, _, err) = run(&[input.to_str().unwrap()]);
        let body = String::from_utf8_lossy(body);
        assert_eq!(code, 1, "{body}: {err}");
        assert!(err.contains("x.jsonl: line 2") && err.contains(want), "{body}: {err}");
    }
    // Another field name.
    let input = dir.join("y.jsonl");
    write(&input, "{\"content\":\"當前 位置\"}\n".as_bytes());
    let (code, out, err) = run(&["--field", "content", input.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(String::from_utf8(out).unwrap(), "{\"content\":\"当前 位置\"}\n");
}

/// The audit format, applied by hand: undo each step's edits, last step
/// first, at `pass_byte`.
fn rebuild(output: &str, records: &[Value]) -> String {
    let mut text = output.to_string();
    let mut steps: Vec<u64> = records.iter().map(|r| r["step"].as_u64().unwrap()).collect();
    steps.sort();
    steps.dedup();
    for step in steps.into_iter().rev() {
        let edits: Vec<&Value> = records.iter().filter(|r| r["step"].as_u64() == Some(step)).collect();
        let mut rebuilt = String::new();
        let (mut in_pos, mut out_pos) = (0usize, 0usize);
        for e in edits {
            let at = e["pass_byte"].as_u64().unwrap() as usize;
            let (removed, inserted) = (e["removed"].as_str().unwrap(), e["inserted"].as_str().unwrap());
            let end = out_pos + (at - in_pos);
            rebuilt.push_str(&text[out_pos..end]);
            assert_eq!(&text[end..end + inserted.len()], inserted, "step {step} at {at}");
            rebuilt.push_str(removed);
            out_pos = end + inserted.len();
            in_pos = at + removed.len();
        }
        rebuilt.push_str(&text[out_pos..]);
        text = rebuilt;
    }
    text
}

#[test]
fn output_plus_audit_rebuilds_every_seed() {
    let dir = scratch("corpus_audit");
    let input = dir.join("seeds.jsonl");
    // Each seed twice, so corpus dedup removes paragraphs too.
    let data = shard(10);
    write(&input, data.as_bytes());
    let (out, audit) = (dir.join("out.jsonl"), dir.join("audit.jsonl"));
    let args =
        ["--dedup", "corpus", "--audit", audit.to_str().unwrap(), "-o", out.to_str().unwrap(), input.to_str().unwrap()];
    let (code, _, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    let records: Vec<Value> =
        std::fs::read_to_string(&audit).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(records.iter().any(|r| r["pass"] == "corpus_dedup"));
    let out = std::fs::read_to_string(&out).unwrap();
    for (i, (a, b)) in data.lines().zip(out.lines()).enumerate() {
        let line = i as u64 + 1;
        let mine: Vec<Value> = records.iter().filter(|r| r["line"].as_u64() == Some(line)).cloned().collect();
        assert!(!mine.is_empty(), "record {line} has edits");
        let (va, vb): (Value, Value) = (serde_json::from_str(a).unwrap(), serde_json::from_str(b).unwrap());
        let input_text = va["text"].as_str().unwrap();
        assert_eq!(rebuild(vb["text"].as_str().unwrap(), &mine), input_text, "record {line}");
        // `byte` points into the input text at what was removed, where
        // the removed text is unchanged from the input (first step).
        for r in mine.iter().filter(|r| r["step"] == 0) {
            let at = r["byte"].as_u64().unwrap() as usize;
            assert!(input_text[at..].starts_with(r["removed"].as_str().unwrap()));
        }
        if let Some(id) = va.get("id") {
            assert!(mine.iter().all(|r| &r["id"] == id));
        }
    }
}

#[test]
fn stats_count_documents_bytes_and_edits_by_pass() {
    let dir = scratch("corpus_stats");
    let input = dir.join("in.jsonl");
    write(&input, shard(5).as_bytes());
    let stats = dir.join("s.json");
    let (code, out, err) = run(&["--stats", stats.to_str().unwrap(), input.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
    assert_eq!(s["documents"], 5);
    assert_eq!(s["bytes_out"].as_u64().unwrap(), out.len() as u64);
    assert_eq!(s["bytes_in"].as_u64().unwrap(), std::fs::metadata(&input).unwrap().len());
    assert!(s["wall_seconds"].as_f64().unwrap() > 0.0);
    // The threads the run used, not the option's 0 for "all cores".
    assert!(s["threads"].as_u64().unwrap() >= 1, "{s}");
    for pass in ["script", "pinyin", "chrome", "caption", "rejoin", "dedup", "punct"] {
        let edits: u64 = s["passes"][pass].as_object().unwrap().values().map(|c| c["edits"].as_u64().unwrap()).sum();
        assert!(edits > 0, "{pass}: {s}");
    }
    // Characters converted, counted one by one.
    let conv = &s["passes"]["script"]["convert"];
    assert!(conv["chars_removed"].as_u64().unwrap() >= conv["edits"].as_u64().unwrap(), "{s}");
    assert!(conv["chars_removed"].as_u64().unwrap() < 5 * conv["edits"].as_u64().unwrap(), "{s}");
}

#[test]
fn plain_text_audit_rebuilds_the_file_on_one_thread_and_two() {
    let dir = scratch("corpus_text_audit");
    // All seeds in one file, four times: one document longer than a block
    // (256 KiB), cut between two threads with -j 2.
    let text = seeds().concat().repeat(4);
    assert!(text.len() > 256 << 10);
    let input = dir.join("a.txt");
    write(&input, text.as_bytes());
    let mut runs = Vec::new();
    for threads in ["1", "2"] {
        let audit = dir.join(format!("a{threads}.audit.jsonl"));
        let stats = dir.join(format!("s{threads}.json"));
        let (code, out, err) = run(&[
            "-j",
            threads,
            "--audit",
            audit.to_str().unwrap(),
            "--stats",
            stats.to_str().unwrap(),
            input.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        let audit = std::fs::read_to_string(&audit).unwrap();
        let records: Vec<Value> = audit.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert!(records.iter().all(|r| r.get("line").is_none()));
        assert_eq!(rebuild(&String::from_utf8(out.clone()).unwrap(), &records), text);
        let mut stats: Value = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
        for varies in ["wall_seconds", "threads"] {
            stats.as_object_mut().unwrap().remove(varies);
        }
        runs.push((out, audit, stats));
    }
    assert!(runs[0] == runs[1], "one thread and two differ");
}

#[test]
fn explain_shows_one_records_edits() {
    let dir = scratch("corpus_explain");
    let input = dir.join("in.jsonl");
    write(&input, "{\"text\":\"ok\"}\n{\"text\":\"當前位置 活動在 洛陽開幕,專家\\\"齊聚\\\"。\"}\n".as_bytes());
    let (code, out, err) = run(&["explain", "--line", "2", input.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("line 2"), "{out}");
    assert!(out.contains("[-當-]{+当+}"), "{out}");
    assert!(out.contains("space_in_body"), "{out}");
    assert!(out.contains("[-,-]{+，+}"), "{out}");
    let (code, _, err) = run(&["explain", "--line", "9", input.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no line 9"), "{err}");
}

#[test]
fn presets_print_as_toml_that_config_reads_back() {
    let dir = scratch("corpus_presets");
    let (code, out, err) = run(&["presets", "minimal"]);
    assert_eq!(code, 0, "{err}");
    let toml = String::from_utf8(out).unwrap();
    assert!(toml.contains("preset = \"minimal\"") && toml.contains("script = false"), "{toml}");
    let cfg = dir.join("c.toml");
    let input = dir.join("a.txt");
    write(&input, "ＡＢＣ 當前 \"x\"\n".as_bytes());
    write(&cfg, toml.as_bytes());
    let (code, out, err) = run(&["--config", cfg.to_str().unwrap(), input.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(String::from_utf8(out).unwrap(), "ABC 當前 \"x\"\n");
    // A setting changed in the file takes effect.
    write(&cfg, toml.replace("fullwidth = true", "fullwidth = false").as_bytes());
    let (code, out, err) = run(&["--config", cfg.to_str().unwrap(), input.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(String::from_utf8(out).unwrap(), "ＡＢＣ 當前 \"x\"\n");
    write(&cfg, b"[punct]\nquote = false\n");
    let (code, _, err) = run(&["--config", cfg.to_str().unwrap(), input.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("c.toml") && err.contains("quote"), "{err}");
    let (code, all, _) = run(&["presets"]);
    assert_eq!(code, 0);
    let all = String::from_utf8(all).unwrap();
    assert!(zhclean::PRESETS.iter().all(|p| all.contains(&format!("preset = \"{p}\""))));
}

#[test]
fn the_dedup_cap_stops_with_a_message_naming_it() {
    let dir = scratch("corpus_cap");
    let input = dir.join("in.jsonl");
    write(&input, shard(5).as_bytes());
    let out = dir.join("out.jsonl");
    let args = ["--dedup", "corpus", "--dedup-max-keys", "10", "-o", out.to_str().unwrap(), input.to_str().unwrap()];
    let (code, _, err) = run(&args);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("max_keys = 10") && err.contains("--dedup-max-keys"), "{err}");
    assert!(!out.exists());
}

#[test]
fn record_cap_crlf_and_blank_lines() {
    let dir = scratch("corpus_edges");
    let input = dir.join("in.jsonl");
    // CRLF line ends and blank lines are kept; the text is still cleaned.
    write(&input, "{\"text\":\"當前\"}\r\n\r\n{\"text\":\"\"}\n".as_bytes());
    let (code, out, err) = run(&[input.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(String::from_utf8(out).unwrap(), "{\"text\":\"当前\"}\r\n\r\n{\"text\":\"\"}\n");
    // A record over the size cap is an error naming the cap and the option.
    write(&input, format!("{{\"text\":\"{}\"}}\n", "甲".repeat(100)).as_bytes());
    let (code, _, err) = run(&["--max-record-bytes", "64", input.to_str().unwrap()]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("in.jsonl: line 1") && err.contains("--max-record-bytes"), "{err}");
}

#[test]
fn invalid_utf8_found_on_the_head_thread_names_line_and_byte_as_on_one() {
    use zhclean::corpus::{Corpus, CorpusOptions};
    let mut input = "第一行。\n".repeat(2000).into_bytes();
    let bad_at = input.len() + 7;
    input.extend_from_slice(b"second \xff\n");
    let mut errors = Vec::new();
    for threads in [1, 2] {
        let cleaner = zhclean::Cleaner::new(Default::default()).unwrap();
        // Blocks of 512 bytes (one block would run on one thread): the
        // head thread's framer meets the bad byte many blocks in.
        let opts = CorpusOptions::default().threads(threads).text_block_bytes(512);
        let mut corpus = Corpus::new(cleaner, opts);
        let reader = Trickle(&input[..]);
        let err = corpus.run_text("in.txt", reader, &mut Vec::new(), None, &mut |_| {}).unwrap_err().to_string();
        assert!(
            err.contains("in.txt") && err.contains("line 2001") && err.contains(&format!("byte {bad_at}")),
            "{err}"
        );
        errors.push(err);
    }
    assert!(errors.windows(2).all(|w| w[0] == w[1]), "{errors:?}");
}

/// A reader handing out at most 512 bytes a read.
struct Trickle<'a>(&'a [u8]);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(512).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

/// `.0`, read in pieces of up to 512 bytes, then a failed read.
struct FailsAfter<'a>(&'a [u8]);

impl std::io::Read for FailsAfter<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.0.is_empty() {
            return Err(std::io::Error::other("the disk went away"));
        }
        Trickle(self.0).read(buf).inspect(|&n| self.0 = &self.0[n..])
    }
}

#[test]
fn a_plain_document_whose_read_fails_writes_what_one_thread_does() {
    // A read that fails partway (a truncated .gz, a disk gone): the blocks
    // read before it go through the passes and their output is written,
    // then the error, on any number of threads of passes as on one.
    use zhclean::corpus::{Corpus, CorpusOptions};
    let cleaner = zhclean::Cleaner::new(Default::default()).unwrap();
    let doc = seeds().concat().repeat(2);
    for round in 0..12 {
        let block = [512, 4096, 20_000][round % 3];
        // (Spread over the document, none on a block's edge alone.)
        let at = doc.len() * (round * 7 % 12 + 1) / 13 + round;
        let run = |threads: usize| {
            let opts = CorpusOptions::default().threads(threads).text_block_bytes(block);
            let mut corpus = Corpus::new(cleaner.clone(), opts);
            let mut out = Vec::new();
            let err = corpus.run_text("d.txt", FailsAfter(&doc.as_bytes()[..at]), &mut out, None, &mut |_| {});
            (out, err.map(|_| ()).map_err(|e| e.to_string()))
        };
        let one = run(1);
        assert!(one.1.as_ref().is_err_and(|e| e.contains("d.txt") && e.contains("went away")), "{:?}", one.1);
        for threads in 2..=4 {
            let got = run(threads);
            assert!(
                got == one,
                "block {block}, fails at {at}: {threads} threads wrote {} bytes, one {}",
                got.0.len(),
                one.0.len()
            );
        }
    }
}

#[test]
fn plain_documents_one_after_another_come_out_as_each_alone() {
    // One corpus over many plain documents keeps the stream one finished
    // for the next, and drops it after an error: each document comes out
    // as `Cleaner::clean` gives it alone, also the one after a document
    // with invalid UTF-8 two blocks in (its first blocks went through the
    // passes, which then held part of it). Documents of one block and of
    // several, read whole or in reads of 512 bytes, on one thread and two.
    use zhclean::corpus::{Corpus, CorpusOptions};
    let cleaner = zhclean::Cleaner::new(Default::default()).unwrap();
    let mut docs = seeds();
    docs.insert(2, format!("{}\u{0}bad", docs[0]));
    docs.push("短文一行".to_string());
    docs.push(String::new());
    for threads in [1, 2] {
        for trickle in [false, true] {
            let opts = CorpusOptions::default().threads(threads).text_block_bytes(1000);
            let mut corpus = Corpus::new(cleaner.clone(), opts);
            for (i, doc) in docs.iter().enumerate() {
                let mut bytes = doc.clone().into_bytes();
                if i == 2 {
                    // (Not UTF-8: `\u{0}` marks the place.)
                    let at = bytes.iter().position(|&b| b == 0).unwrap();
                    bytes[at] = 0xFF;
                }
                let mut out = Vec::new();
                let got = if trickle {
                    corpus.run_text("d", Trickle(&bytes), &mut out, None, &mut |_| {})
                } else {
                    corpus.run_text("d", &bytes[..], &mut out, None, &mut |_| {})
                };
                if i == 2 {
                    assert!(got.is_err(), "document {i}");
                    continue;
                }
                got.unwrap();
                assert_eq!(String::from_utf8(out).unwrap(), cleaner.clean(doc), "document {i}, {threads} threads");
            }
        }
    }
}

#[test]
fn a_plain_document_reads_alike_at_the_first_blocks_edge() {
    // A document no longer than a block runs on one thread; one longer
    // goes on through the threads from the bytes read to tell. Around the
    // edge, on one to four threads: the same output and audit as on one.
    use zhclean::corpus::{Corpus, CorpusOptions};
    let cleaner = zhclean::Cleaner::new(Default::default()).unwrap();
    let text = seeds().concat();
    let block = 700;
    for len in [block - 1, block, block + 1, 2 * block, 2 * block + 1] {
        let mut end = len;
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let doc = &text[..end];
        let run = |threads: usize, trickle: bool| {
            let opts = CorpusOptions::default().threads(threads).collect_edits(true).text_block_bytes(block);
            let mut corpus = Corpus::new(cleaner.clone(), opts);
            let (mut out, mut audit) = (Vec::new(), Vec::new());
            let sum = if trickle {
                corpus.run_text("d", Trickle(doc.as_bytes()), &mut out, Some(&mut audit), &mut |_| {})
            } else {
                corpus.run_text("d", doc.as_bytes(), &mut out, Some(&mut audit), &mut |_| {})
            };
            (sum.unwrap(), out, audit, corpus.stats().clone())
        };
        let one = run(1, false);
        assert_eq!(String::from_utf8(one.1.clone()).unwrap(), cleaner.clean(doc), "{end} bytes");
        for threads in 1..=4 {
            for trickle in [false, true] {
                assert_eq!(run(threads, trickle), one, "{end} bytes, {threads} threads");
            }
        }
    }
}

#[test]
fn plain_documents_side_by_side_come_out_as_one_after_another() {
    // `run_texts` on one to four threads against `run_text` on each
    // document in turn: the same output, audit, stats and summaries, with
    // corpus dedup (what a document keeps depends on those before it) and
    // without; lossy, the same replacements; with a document of invalid
    // UTF-8 among them, the same error and the output of the documents
    // before it.
    use zhclean::corpus::dedup::CorpusDedupConfig;
    use zhclean::corpus::{Corpus, CorpusOptions};
    use zhclean::{CleanConfig, Cleaner};
    let seeds = seeds();
    for (dedup, lossy, bad) in
        [(false, false, None), (true, false, None), (false, true, Some(7)), (true, false, Some(30))]
    {
        let mut docs: Vec<(String, Vec<u8>)> =
            (0..40).map(|i| (format!("d{i}.txt"), seeds[i % seeds.len()].clone().into_bytes())).collect();
        docs.push(("empty.txt".into(), Vec::new()));
        if let Some(k) = bad {
            docs[k].1.extend_from_slice(b"\n\xffbad\n");
        }
        let mut cfg = CleanConfig::default();
        cfg.lossy = lossy;
        let cleaner = Cleaner::new(cfg).unwrap();
        let opts = |threads: usize| {
            let d = dedup.then(CorpusDedupConfig::default);
            CorpusOptions::default().threads(threads).collect_edits(true).dedup(d)
        };
        // (Output, audit, stats, each document's summary, the error.)
        let mut corpus = Corpus::new(cleaner.clone(), opts(1));
        let (mut out, mut audit, mut sums, mut error) = (Vec::new(), Vec::new(), Vec::new(), None);
        for (name, bytes) in &docs {
            match corpus.run_text(name, &bytes[..], &mut out, Some(&mut audit), &mut |_| {}) {
                Ok(sum) => sums.push(sum),
                Err(e) => {
                    error = Some(e.to_string());
                    break;
                }
            }
        }
        let want = (out, audit, corpus.stats().clone(), sums, error);
        assert_eq!(want.4.is_some(), bad.is_some() && !lossy, "{dedup} {lossy} {bad:?}");
        for threads in 1..=4 {
            let mut corpus = Corpus::new(cleaner.clone(), opts(threads));
            let (mut out, mut audit, mut sums) = (Vec::new(), Vec::new(), Vec::new());
            let mut done = |i: usize, sum: &zhclean::Summary| {
                assert_eq!(i, sums.len(), "in order");
                sums.push(*sum);
            };
            let got = corpus.run_texts(docs.clone(), &mut out, Some(&mut audit), &mut |_| {}, &mut done);
            let error = got.err().map(|e| e.to_string());
            let stats = corpus.stats().clone();
            assert_eq!((out, audit, stats, sums, error), want, "{threads} threads, {dedup} {lossy} {bad:?}");
        }
    }
}

#[test]
fn jsonl_shards_side_by_side_come_out_as_one_after_another() {
    // `run_shards` on one to four threads against `run_jsonl` on each
    // shard in turn: the same output, audit, stats, and for each shard the
    // same progress, replacements and skipped-record messages. Shards of
    // one record to more than a batch's (600 one-line records), an empty
    // one, one opening with a byte-order mark; with corpus dedup and
    // without; lossy; a bad record skipped or stopping the run; a record
    // over the size cap stopping it after the records before it.
    use zhclean::corpus::dedup::CorpusDedupConfig;
    use zhclean::corpus::{Corpus, CorpusOptions};
    use zhclean::{CleanConfig, Cleaner};
    let mut shards: Vec<(String, Vec<u8>)> =
        (0..24).map(|i| (format!("s{i}.jsonl"), shard(1 + i % 7).into_bytes())).collect();
    let many: String = (0..600).map(|i| format!("{{\"id\":{i},\"text\":\"第{i}行 文字。\"}}\n")).collect();
    shards.insert(5, ("many.jsonl".into(), many.into_bytes()));
    shards.insert(9, ("empty.jsonl".into(), Vec::new()));
    shards[12].1.splice(0..0, *b"\xEF\xBB\xBF");
    // (case: dedup, lossy, skip_bad, what is wrong in shards 3 and 17)
    let cases = [
        (false, false, false, None),
        (true, false, false, None),
        (false, true, false, Some("utf8")),
        (true, false, true, Some("json")),
        (false, false, false, Some("json")),
        (false, false, true, Some("long")),
    ];
    for (dedup, lossy, skip_bad, wrong) in cases {
        let mut shards = shards.clone();
        for k in [3, 17] {
            let long = format!("{{\"text\":\"{}\"}}\n", "长".repeat(15_000));
            match wrong {
                Some("long") => shards[k].1.extend_from_slice(long.as_bytes()),
                Some("utf8") => drop(shards[k].1.splice(20..20, *b"\xff")),
                Some(_) => drop(shards[k].1.splice(20..20, *b"{")),
                None => {}
            }
        }
        let mut cfg = CleanConfig::default();
        cfg.lossy = lossy;
        let cleaner = Cleaner::new(cfg).unwrap();
        let opts = |threads: usize| {
            let d = dedup.then(CorpusDedupConfig::default);
            let mut o = CorpusOptions::default().threads(threads).collect_edits(true).dedup(d).skip_bad(skip_bad);
            o.max_record_bytes = 40_000;
            o
        };
        let case = format!("dedup {dedup} lossy {lossy} skip {skip_bad} {wrong:?}");
        // (Output, audit, stats, each shard's end, the error and what was
        // skipped in its shard.)
        let mut corpus = Corpus::new(cleaner.clone(), opts(1));
        let (mut out, mut audit, mut ends, mut error) = (Vec::new(), Vec::new(), Vec::new(), None);
        for (name, bytes) in &shards {
            let replaced = corpus.stats().invalid_utf8_replaced;
            let mut last = Default::default();
            let r = corpus.run_jsonl(name, &bytes[..], &mut out, Some(&mut audit), &mut |p| last = *p);
            if let Err(e) = r {
                error = Some((e.to_string(), corpus.take_skipped()));
                break;
            }
            ends.push((last, corpus.stats().invalid_utf8_replaced - replaced, corpus.take_skipped()));
        }
        let want = (out, audit, corpus.stats().clone(), ends, error);
        assert_eq!(want.4.is_some(), wrong.is_some() && !lossy && !(skip_bad && wrong == Some("json")), "{case}");
        if let Some((e, _)) = &want.4 {
            assert!(e.contains("s3.jsonl"), "{e}");
        }
        let skips: usize = want.3.iter().map(|e| e.2 .0.len()).sum();
        assert_eq!(skips, if skip_bad && wrong == Some("json") { 2 } else { 0 }, "{case}");
        for threads in 1..=4 {
            let mut corpus = Corpus::new(cleaner.clone(), opts(threads));
            let (mut out, mut audit, mut ends) = (Vec::new(), Vec::new(), Vec::new());
            let mut done = |i: usize, end: zhclean::corpus::ShardDone| {
                assert_eq!(i, ends.len(), "in order");
                ends.push((end.progress, end.replaced, end.skipped));
            };
            let got = corpus.run_shards(shards.clone(), &mut out, Some(&mut audit), &mut |_| {}, &mut done);
            let error = got.err().map(|e| (e.to_string(), corpus.take_skipped()));
            let stats = corpus.stats().clone();
            assert!((out, audit, stats, ends, error) == want, "{threads} threads, {case}");
        }
    }
}

#[test]
fn page_files_come_out_alike_on_any_thread_count() {
    // A directory of page files: small ones, cleaned side by side on more
    // threads, a long one among them (more than a block: alone, through
    // the threads' stages), a JSONL shard and an empty file. Output, audit
    // and stats are those of one thread; an input that cannot be opened
    // stops the run after the output of the files before it, as on one.
    let dir = scratch("corpus_pages");
    let seeds = seeds();
    let mut files = Vec::new();
    for i in 0..30 {
        let f = dir.join(format!("p{i:02}.txt"));
        let text = match i {
            11 => seeds.concat().repeat(4),
            17 => String::new(),
            _ => seeds[i % seeds.len()].clone(),
        };
        write(&f, text.as_bytes());
        files.push(f.to_str().unwrap().to_string());
    }
    let shard_file = dir.join("s.jsonl");
    write(&shard_file, shard(5).as_bytes());
    files.insert(20, shard_file.to_str().unwrap().to_string());
    let runs = on_each_thread_count(&dir, &files, &[]);
    assert!(!runs[0].0.is_empty());
    assert!(runs.iter().all(|r| *r == runs[0]), "the thread counts differ");
    // An input missing among them: the files before it are written.
    let missing = dir.join("missing.txt");
    let mut with_missing = files.clone();
    with_missing.insert(8, missing.to_str().unwrap().to_string());
    let (one, two) = failed_on_one_thread_and_two(&with_missing, 3);
    assert!(one.1.contains("missing.txt") && one.1.contains("cannot open"), "{}", one.1);
    assert!(!one.0.is_empty());
    assert_eq!(one, two);
}

/// The CLI over `files` with `extra` arguments on 1, 2 and 4 threads,
/// each run succeeding: its output, audit, stats (less what varies from
/// run to run) and messages.
fn on_each_thread_count(dir: &Path, files: &[String], extra: &[&str]) -> Vec<(Vec<u8>, String, Value, String)> {
    ["1", "2", "4"]
        .iter()
        .map(|threads| {
            let (audit, stats) = (dir.join(format!("a{threads}.jsonl")), dir.join(format!("s{threads}.json")));
            let mut args = vec!["-j", threads, "--audit", audit.to_str().unwrap(), "--stats", stats.to_str().unwrap()];
            args.extend(extra);
            args.extend(files.iter().map(String::as_str));
            let (code, out, err) = run(&args);
            assert_eq!(code, 0, "{err}");
            let mut stats: Value = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
            for varies in ["wall_seconds", "threads"] {
                stats.as_object_mut().unwrap().remove(varies);
            }
            (out, std::fs::read_to_string(&audit).unwrap(), stats, err)
        })
        .collect()
}

/// The CLI over `files` on one thread and on two, each run exiting with
/// `code`: their output and messages.
fn failed_on_one_thread_and_two(files: &[String], code: i32) -> ((Vec<u8>, String), (Vec<u8>, String)) {
    let fail = |threads: &str| {
        let mut args = vec!["-j", threads];
        args.extend(files.iter().map(String::as_str));
        let (got, out, err) = run(&args);
        assert_eq!(got, code, "{err}");
        (out, err)
    };
    (fail("1"), fail("2"))
}

#[test]
fn shard_files_come_out_alike_on_any_thread_count() {
    // A crawl cut into small shards: cleaned side by side on more threads,
    // a long shard among them (more than a block: alone, on the workers),
    // a compressed one, an empty one and a plain page file; two with a bad
    // record. Skipped: output, audit, stats and every message as on one
    // thread. Not skipped: the run stops at the first, exit 1, with the
    // same output before it and the same messages on one thread and two.
    let dir = scratch("corpus_shard_files");
    let mut files = Vec::new();
    for i in 0..40 {
        let (name, data) = match i {
            7 => ("s07.jsonl.gz".to_string(), gzip(shard(3).as_bytes())),
            13 => ("s13.jsonl".to_string(), shard(20).into_bytes()),
            21 => ("s21.jsonl".to_string(), Vec::new()),
            30 => ("p30.txt".to_string(), seeds()[1].clone().into_bytes()),
            _ => (format!("s{i:02}.jsonl"), shard(1 + i % 4).into_bytes()),
        };
        let mut data = data;
        if i == 11 || i == 25 {
            data.splice(0..0, *b"{\"text\": 3}\n");
        }
        let f = dir.join(name);
        write(&f, &data);
        files.push(f.to_str().unwrap().to_string());
    }
    assert!(shard(20).len() > 256 << 10, "s13 is longer than a block");
    let runs = on_each_thread_count(&dir, &files, &["--skip-bad"]);
    assert_eq!(runs[0].2["bad_records"], 2);
    let skipped: Vec<&str> = runs[0].3.lines().filter(|l| l.contains("skipped")).collect();
    assert!(skipped.len() == 2 && skipped[0].contains("s11.jsonl") && skipped[1].contains("s25.jsonl"), "{skipped:?}");
    assert!(runs.iter().all(|r| *r == runs[0]), "the thread counts differ");
    let (one, two) = failed_on_one_thread_and_two(&files, 1);
    assert!(one.1.contains("s11.jsonl") && one.1.contains("line 1"), "{}", one.1);
    assert!(!one.0.is_empty());
    assert_eq!(one, two);
}

#[test]
fn a_truncated_shard_fails_where_it_does_on_one_thread() {
    // A .jsonl.gz cut short, smaller than a block, which the thread that
    // opens the inputs reads ahead: its first batches (512 records each)
    // are cleaned and written as on one thread, after the whole file
    // before it, then the same error.
    let dir = scratch("corpus_truncated");
    let records: String = (0..3000)
        .map(|i| format!("{}\n", serde_json::json!({ "id": i, "text": format!("第{i}條記錄，一段文字。") })))
        .collect();
    let z = gzip(records.as_bytes());
    let (first, cut) = (dir.join("a.jsonl"), dir.join("b.jsonl.gz"));
    write(&first, shard(2).as_bytes());
    write(&cut, &z[..z.len() * 3 / 5]);
    let files = [first.to_str().unwrap().to_string(), cut.to_str().unwrap().to_string()];
    let (one, two) = failed_on_one_thread_and_two(&files, 1);
    assert!(one.1.contains("b.jsonl.gz") && one.1.contains("truncated"), "{}", one.1);
    // (The first file's two records, and a batch of the second's or more.)
    let lines = one.0.iter().filter(|&&b| b == b'\n').count();
    assert!(lines >= 2 + 512, "{lines} lines");
    assert!(one == two, "one thread: {lines} lines, two: {}", two.0.iter().filter(|&&b| b == b'\n').count());
}

#[test]
fn shards_of_one_batch_and_of_many_come_out_alike_on_any_thread_count() {
    // A shard of one batch runs on the calling thread whatever the thread
    // count (with the stream the shard before finished); a longer one on
    // the workers. Both, one after another through one corpus, with a bad
    // record late in the long one (a batch's worth of records in): the
    // same output, stats and error on one to three threads, skipped or not.
    use zhclean::corpus::{Corpus, CorpusOptions};
    let seeds = seeds();
    let record = |i: usize| {
        let text: String = seeds[i % seeds.len()].chars().skip(i % 50).take(150).collect();
        format!("{}\n", serde_json::json!({ "id": i, "text": text }))
    };
    let short: String = (0..5).map(record).collect();
    let mut long: String = (0..1500).map(record).collect();
    long = long.replacen("{\"id\":700,", "{\"id\":700,,", 1);
    let cleaner = zhclean::Cleaner::new(Default::default()).unwrap();
    for skip_bad in [false, true] {
        let run = |threads: usize| {
            let opts = CorpusOptions::default().threads(threads).skip_bad(skip_bad);
            let mut corpus = Corpus::new(cleaner.clone(), opts);
            let mut out = Vec::new();
            let mut errors = Vec::new();
            for shard in [&short, &long, &short] {
                let r = corpus.run_jsonl("s.jsonl", shard.as_bytes(), &mut out, None, &mut |_| {});
                errors.push(r.map_err(|e| e.to_string()).err());
            }
            (out, errors, corpus.stats().clone())
        };
        let one = run(1);
        assert_eq!(one.1[1].is_some(), !skip_bad, "{:?}", one.1);
        if let Some(e) = &one.1[1] {
            assert!(e.contains("line 701"), "{e}");
        }
        for threads in [2, 3] {
            assert!(run(threads) == one, "{threads} threads, skip_bad {skip_bad}");
        }
    }
}
