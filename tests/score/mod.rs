//! A Rust port of `../shared/seeds/score.py`: the same three figures (cer,
//! paragraph breaks, kept spaces), the same gold format (`?` optional
//! paragraphs, `~` don't-care breaks).
//!
//! The edit distance is exact Levenshtein (rapidfuzz). The alignment that
//! maps output offsets to gold offsets comes from a Myers diff (similar)
//! instead of rapidfuzz's Levenshtein opcodes, so on ambiguous alignments
//! break and space counts can differ from the Python script by a little;
//! `score_port_matches_python_on_raw_inputs` pins the agreement.

#![allow(dead_code)]

use std::collections::{BTreeSet, HashMap};

use rapidfuzz::distance::levenshtein;
use similar::{capture_diff_slices, Algorithm, DiffOp};

/// Counts of true positives, false positives and false negatives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Prf {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Prf {
    pub fn add(&mut self, o: Prf) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
    pub fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    pub fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// One output scored against one gold.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Score {
    pub edits: usize,
    pub folded_edits: usize,
    pub gold_chars: usize,
    pub breaks: Prf,
    pub spaces: Prf,
}

impl Score {
    pub fn add(&mut self, o: &Score) {
        self.edits += o.edits;
        self.folded_edits += o.folded_edits;
        self.gold_chars += o.gold_chars;
        self.breaks.add(o.breaks);
        self.spaces.add(o.spaces);
    }
    pub fn cer(&self) -> f64 {
        self.edits as f64 / self.gold_chars.max(1) as f64
    }
    pub fn cer_punct_blind(&self) -> f64 {
        self.folded_edits as f64 / self.gold_chars.max(1) as f64
    }
    pub fn line(&self, name: &str) -> String {
        format!(
            "{name:<32} cer {:.4} (punct-blind {:.4}, {} edits)  breaks tp {} fp {} fn {} (f1 {:.4})  spaces tp {} fp {} fn {} (f1 {:.4})",
            self.cer(),
            self.cer_punct_blind(),
            self.edits,
            self.breaks.tp,
            self.breaks.fp,
            self.breaks.fn_,
            self.breaks.f1(),
            self.spaces.tp,
            self.spaces.fp,
            self.spaces.fn_,
            self.spaces.f1()
        )
    }
}

struct Parsed {
    content: Vec<char>,
    breaks: BTreeSet<usize>,
    dontcare: BTreeSet<usize>,
    spaces: BTreeSet<usize>,
    optional: HashMap<String, usize>,
    required: HashMap<String, usize>,
}

fn strip_ws(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn parse<'a>(paragraphs: impl Iterator<Item = &'a str>, gold: bool) -> Parsed {
    let mut p = Parsed {
        content: Vec::new(),
        breaks: BTreeSet::new(),
        dontcare: BTreeSet::new(),
        spaces: BTreeSet::new(),
        optional: HashMap::new(),
        required: HashMap::new(),
    };
    let mut pos = 0usize;
    let mut prev_optional = false;
    for para in paragraphs {
        let mut flag = None;
        let mut text = para;
        if gold {
            if let Some(c) = text.chars().next().filter(|c| *c == '?' || *c == '~') {
                flag = Some(c);
                text = &text[1..];
            }
        }
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if flag == Some('?') {
            *p.optional.entry(strip_ws(text)).or_insert(0) += 1;
            if pos > 0 {
                p.dontcare.insert(pos);
            }
            prev_optional = true;
            continue;
        }
        if pos > 0 {
            if flag == Some('~') || prev_optional {
                p.dontcare.insert(pos);
            } else {
                p.breaks.insert(pos);
            }
        }
        prev_optional = false;
        let mut q = 0;
        for (k, tok) in text.split_whitespace().enumerate() {
            if k > 0 {
                p.spaces.insert(pos + q);
            }
            q += tok.chars().count();
        }
        let s = strip_ws(text);
        *p.required.entry(s.clone()).or_insert(0) += 1;
        pos += s.chars().count();
        p.content.extend(s.chars());
    }
    if prev_optional && pos > 0 {
        p.dontcare.insert(pos);
    }
    p
}

/// Output paragraphs less those an optional gold line accounts for.
fn out_paragraphs<'a>(
    text: &'a str,
    optional: &HashMap<String, usize>,
    required: &HashMap<String, usize>,
) -> Vec<&'a str> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for p in text.split('\n') {
        if p.trim().is_empty() {
            continue;
        }
        let s = strip_ws(p);
        let n = seen.entry(s.clone()).or_insert(0);
        *n += 1;
        if let Some(&opt) = optional.get(&s) {
            let req = required.get(&s).copied().unwrap_or(0);
            if req < *n && *n <= req + opt {
                continue;
            }
        }
        out.push(p);
    }
    out
}

/// Maps each offset of `src` (0..=len) to an offset of `dst`, or None
/// inside inserted text.
fn mapping(src: &[char], dst: &[char]) -> Vec<Option<usize>> {
    let mut m = vec![None; src.len() + 1];
    for op in capture_diff_slices(Algorithm::Myers, src, dst) {
        match op {
            DiffOp::Equal { old_index, new_index, len } => {
                for k in 0..=len {
                    m[old_index + k] = Some(new_index + k);
                }
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } if old_len == new_len => {
                for k in 0..=old_len {
                    m[old_index + k] = Some(new_index + k);
                }
            }
            DiffOp::Delete { old_index, old_len, new_index } => {
                m[old_index] = Some(new_index);
                m[old_index + old_len] = Some(new_index);
            }
            DiffOp::Insert { old_index, new_index, new_len } => {
                m[old_index] = Some(new_index);
                m[old_index] = Some(new_index + new_len);
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                m[old_index] = Some(new_index);
                m[old_index + old_len] = Some(new_index + new_len);
            }
        }
    }
    m
}

fn fold(c: char) -> char {
    match c {
        '，' => ',',
        '；' => ';',
        '：' => ':',
        '？' => '?',
        '！' => '!',
        '（' => '(',
        '）' => ')',
        '“' | '”' => '"',
        '‘' | '’' => '\'',
        c => c,
    }
}

/// Scores `output` against `gold` (both whole files).
pub fn score(gold: &str, output: &str) -> Score {
    let g = parse(gold.split('\n'), true);
    let outs = out_paragraphs(output, &g.optional, &g.required);
    let o = parse(outs.into_iter(), false);
    let edits = levenshtein::distance(o.content.iter().copied(), g.content.iter().copied());
    let folded_edits = levenshtein::distance(o.content.iter().copied().map(fold), g.content.iter().copied().map(fold));
    let m = mapping(&o.content, &g.content);
    let count = |outs: &BTreeSet<usize>, golds: &BTreeSet<usize>, skip: &BTreeSet<usize>| {
        let mapped: BTreeSet<usize> = outs.iter().filter_map(|&x| m[x]).filter(|x| !skip.contains(x)).collect();
        let tp = mapped.intersection(golds).count();
        Prf { tp, fp: mapped.len() - tp, fn_: golds.len() - tp }
    };
    Score {
        edits,
        folded_edits,
        gold_chars: g.content.len(),
        breaks: count(&o.breaks, &g.breaks, &g.dontcare),
        spaces: count(&o.spaces, &g.spaces, &BTreeSet::new()),
    }
}

/// The seeds, as (id, input, gold).
pub fn seeds() -> Vec<(String, String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds");
    let mut ids: Vec<String> = std::fs::read_dir(dir)
        .expect("tests/data/seeds")
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".input.txt").map(String::from))
        .collect();
    ids.sort();
    ids.into_iter()
        .map(|id| {
            let read = |ext: &str| std::fs::read_to_string(format!("{dir}/{id}.{ext}.txt")).unwrap();
            (id.clone(), read("input"), read("gold"))
        })
        .collect()
}
