//! OpenCC's official conversion test cases (`tests/data/opencc/`, from
//! OpenCC's `test/testcases/testcases.json`): every expectation, every
//! config, one-shot and streamed.

use serde_json::Value;
use zhclean::Opencc;

fn cases() -> Vec<(String, String, String, String)> {
    let raw =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/opencc/testcases.json")).unwrap();
    // The file has trailing commas; drop a comma that precedes } or ].
    let mut clean = String::with_capacity(raw.len());
    let chars: Vec<char> = raw.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        clean.push(c);
    }
    let doc: Value = serde_json::from_str(&clean).unwrap();
    let mut out = Vec::new();
    for case in doc["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap().to_string();
        let input = case["input"].as_str().unwrap().to_string();
        for (cfg, want) in case["expected"].as_object().unwrap() {
            out.push((id.clone(), cfg.clone(), input.clone(), want.as_str().unwrap().to_string()));
        }
    }
    out
}

#[test]
fn all_official_opencc_cases_pass() {
    let cases = cases();
    assert_eq!(cases.len(), 543, "the file holds 543 expectations");
    let mut failures = Vec::new();
    for (id, cfg, input, want) in &cases {
        let conv = Opencc::new(cfg).unwrap();
        let got = conv.convert(input);
        if &got != want {
            failures.push(format!("{id} {cfg}: {input:?}\n   want {want:?}\n   got  {got:?}"));
        }
        // Streamed one character at a time, it must agree too.
        let mut s = conv.stream();
        let mut streamed = String::new();
        for (i, c) in input.char_indices() {
            let last = i + c.len_utf8() == input.len();
            s.push(&input[i..i + c.len_utf8()], last, &mut streamed);
        }
        if input.is_empty() {
            s.push("", true, &mut streamed);
        }
        assert_eq!(streamed, got, "{id} {cfg}: streaming differs from one-shot");
    }
    assert!(failures.is_empty(), "{} of {} failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

/// Without the tofu-risk dictionaries (the `opencc` command's default),
/// exactly the cases that expect a rare Simplified form differ, and they
/// keep the original character instead.
#[test]
fn without_tofu_risk_dictionaries_only_rare_forms_differ() {
    let mut differing = Vec::new();
    for (id, cfg, input, want) in cases() {
        let got = Opencc::with_options(&cfg, false).unwrap().convert(&input);
        if got != want {
            assert_eq!(got.chars().count(), want.chars().count(), "{id}");
            for (g, w) in got.chars().zip(want.chars()) {
                if g != w {
                    assert!(w as u32 >= 0x20000, "{id}: {w} is not a supplementary-plane character");
                }
            }
            differing.push(id);
        }
    }
    assert_eq!(differing.len(), 3, "{differing:?}");
}
