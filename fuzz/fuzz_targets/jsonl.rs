#![no_main]
//! JSONL records on any bytes, through corpus mode (two threads, bad
//! records skipped, lossy): no panic; one output line per blank or good
//! input line; every output line of a good record is a JSON object whose
//! fields other than `text` are the input's, and whose text is what the
//! cleaner makes of the input's.

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use zhclean::corpus::{Corpus, CorpusOptions};
use zhclean::Cleaner;

static CLEANER: LazyLock<Cleaner> = LazyLock::new(|| Cleaner::builder().lossy(true).build().unwrap());

fuzz_target!(|data: &[u8]| {
    let opts = CorpusOptions::default().threads(2).skip_bad(true);
    let mut corpus = Corpus::new(CLEANER.clone(), opts);
    let mut out = Vec::new();
    if corpus.run_jsonl("fuzz.jsonl", data, &mut out, None, &mut |_| {}).is_err() {
        return; // a record over the size cap; nothing else fails with skip_bad
    }
    // Lines as the shard reader sees them: a final line needs no '\n', and
    // nothing after the last '\n' is no line.
    let mut input_lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    if input_lines.last().is_some_and(|l| l.is_empty()) {
        input_lines.pop();
    }
    let out = String::from_utf8(out).expect("output is UTF-8");
    let mut outs = out.lines();
    for (i, raw) in input_lines.iter().enumerate() {
        let raw = if i == 0 { raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw) } else { raw };
        let (fixed, _) = zhclean::corpus::repair_utf8(raw.to_vec());
        let blank = fixed.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'));
        let Ok(text) = zhclean::corpus::record_text(&fixed, "text") else {
            if blank {
                outs.next().expect("a blank line is written back");
            }
            continue;
        };
        let line = outs.next().expect("one output line per good record");
        // A lone surrogate escape outside the text field is accepted and
        // written back byte for byte, but serde_json's maps refuse it: such
        // records are compared as text only.
        let Ok(mut want) = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&fixed) else {
            continue;
        };
        let mut got: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line).expect("a JSON object");
        let cleaned = CLEANER.clean(&text);
        let cleaned = if !text.ends_with('\n') { cleaned.strip_suffix('\n').unwrap_or(&cleaned).to_string() } else { cleaned };
        assert_eq!(got.remove("text"), Some(serde_json::Value::String(cleaned)));
        want.remove("text");
        assert_eq!(got, want, "the other fields come back as they were");
    }
});
