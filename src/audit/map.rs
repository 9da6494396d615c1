//! One document's edits mapped back to the document's input.
//!
//! Each pass reports edits at offsets in *its own* input (see [`Edit`]).
//! That is what makes the trail complete: undoing the last pass's edits on
//! the output gives its input, and so on back to the document. A reader
//! also wants to know where in the original text an edit happened, so
//! [`map_to_input`] carries every offset back through the earlier passes'
//! edits.
//!
//! [`Edit`]: crate::Edit

use crate::OwnedEdit;

/// An edit with both offsets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MappedEdit {
    /// Position of the pass in the pipeline (0 = first).
    pub step: usize,
    /// The edit as the pass reported it (`byte` is in the pass's input).
    pub edit: OwnedEdit,
    /// Offset in the document's input (the text before the first pass).
    /// Offsets inside text an earlier pass inserted map to the start of
    /// what that pass replaced.
    pub input_byte: u64,
}

/// One step's edits, ordered, with where each sits in the step's output:
/// maps offsets in a step's output back to its input.
pub(crate) struct Spans {
    /// (output start, output end, input start, input end), by output start.
    spans: Vec<(u64, u64, u64, u64)>,
}

impl Spans {
    fn new(edits: &[&OwnedEdit]) -> Spans {
        let mut delta: i64 = 0;
        let spans = edits
            .iter()
            .map(|e| {
                let out_start = (e.byte as i64 + delta) as u64;
                delta += e.after.len() as i64 - e.before.len() as i64;
                (out_start, out_start + e.after.len() as u64, e.byte, e.byte + e.before.len() as u64)
            })
            .collect();
        Spans { spans }
    }

    /// The spans of steps `0..step` of edits ordered as [`map_to_input`]
    /// returns them.
    #[cfg(feature = "corpus")]
    pub(crate) fn for_steps(edits: &[MappedEdit], step: usize) -> Vec<Spans> {
        (0..step)
            .map(|s| {
                let group: Vec<&OwnedEdit> = edits.iter().filter(|m| m.step == s).map(|m| &m.edit).collect();
                Spans::new(&group)
            })
            .collect()
    }

    /// Maps an offset in the pass's output to its input.
    fn back(&self, x: u64) -> u64 {
        let i = self.spans.partition_point(|s| s.0 <= x);
        if i == 0 {
            return x;
        }
        let (_, out_end, in_start, in_end) = self.spans[i - 1];
        if x < out_end {
            in_start
        } else {
            x - out_end + in_end
        }
    }
}

/// Maps an offset in the output of the last of `spans` (steps `0..n`, in
/// order) back to the input of the first.
pub(crate) fn back_through(spans: &[Spans], x: u64) -> u64 {
    spans.iter().rev().fold(x, |x, s| s.back(x))
}

/// Orders a document's edits pass by pass (in `pass_names` order; passes
/// not named there, such as corpus dedup, go last in arrival order) and
/// maps each offset back to the document's input.
pub fn map_to_input(pass_names: &[&str], edits: Vec<OwnedEdit>) -> Vec<MappedEdit> {
    let step_of = |pass: &str| pass_names.iter().position(|p| *p == pass).unwrap_or(pass_names.len());
    let mut edits: Vec<(usize, OwnedEdit)> = edits.into_iter().map(|e| (step_of(e.pass), e)).collect();
    // Stable: edits at one offset keep the order the pass reported them in.
    edits.sort_by_key(|(step, e)| (*step, e.byte));
    let mut spans: Vec<Spans> = Vec::new();
    let mut start = 0;
    while start < edits.len() {
        let step = edits[start].0;
        let end = start + edits[start..].iter().take_while(|(s, _)| *s == step).count();
        // Fill in passes without edits.
        while spans.len() < step {
            spans.push(Spans { spans: Vec::new() });
        }
        let group: Vec<&OwnedEdit> = edits[start..end].iter().map(|(_, e)| e).collect();
        spans.push(Spans::new(&group));
        start = end;
    }
    edits
        .into_iter()
        .map(|(step, edit)| {
            let input_byte = back_through(&spans[..step], edit.byte);
            MappedEdit { step, edit, input_byte }
        })
        .collect()
}

/// Undoes mapped edits on `output`, last pass first: gives the document's
/// input back when the trail is complete.
///
/// # Errors
/// When an edit does not match the text (the trail is incomplete).
pub fn rebuild(output: &str, edits: &[MappedEdit]) -> Result<String, String> {
    let mut text = output.to_string();
    let mut steps: Vec<usize> = edits.iter().map(|e| e.step).collect();
    steps.dedup();
    for step in steps.into_iter().rev() {
        let group: Vec<OwnedEdit> = edits.iter().filter(|e| e.step == step).map(|e| e.edit.clone()).collect();
        text = super::rebuild_input(&text, &group).map_err(|e| format!("step {step}: {e}"))?;
    }
    Ok(text)
}

/// Applies mapped edits to a document's `input`, first pass first: the
/// output the run wrote, from the input and an audit read back (the
/// inverse of [`rebuild`]).
///
/// # Errors
/// When an edit's removed text is not where it says (the audit is of
/// another input, or incomplete).
pub fn apply(input: &str, edits: &[MappedEdit]) -> Result<String, String> {
    let mut text = input.to_string();
    let mut steps: Vec<usize> = edits.iter().map(|e| e.step).collect();
    steps.sort_unstable();
    steps.dedup();
    for step in steps {
        let mut group: Vec<&OwnedEdit> = edits.iter().filter(|e| e.step == step).map(|e| &e.edit).collect();
        group.sort_by_key(|e| e.byte);
        let mut out = String::with_capacity(text.len());
        let mut at = 0usize;
        for e in group {
            let start = e.byte as usize;
            let end = start + e.before.len();
            if start < at || text.get(start..end) != Some(e.before.as_str()) {
                return Err(format!(
                    "step {step}: edit at byte {start} ({}): expected {:?}, found {:?}",
                    e.reason,
                    e.before,
                    text.get(start.min(text.len())..end.min(text.len())).unwrap_or("")
                ));
            }
            out.push_str(&text[at..start]);
            out.push_str(&e.after);
            at = end;
        }
        out.push_str(&text[at..]);
        text = out;
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cleaner, EditLog};

    fn run(text: &str) -> (String, Vec<MappedEdit>) {
        let cleaner = Cleaner::new(Default::default()).unwrap();
        let mut s = cleaner.stream();
        let (mut out, mut log) = (String::new(), EditLog::default());
        s.push_audited(text.as_bytes(), &mut out, &mut log).unwrap();
        s.finish_audited(&mut out, &mut log).unwrap();
        (out, map_to_input(&s.pass_names(), log.edits))
    }

    #[test]
    fn offsets_map_back_through_earlier_passes() {
        // unicode folds the full-width letters (3 bytes -> 1 each), so the
        // punct pass sees the space 4 bytes earlier than it is in the input.
        let text = "ＡＢ的测试,活动 在洛阳开幕。\n";
        let (out, edits) = run(text);
        assert_eq!(out, "AB的测试，活动在洛阳开幕。\n");
        let space = edits.iter().find(|m| m.edit.reason == "space_in_body").unwrap();
        assert_eq!(&text[space.input_byte as usize..][..1], " ");
        assert_eq!(space.input_byte, text.find("动 ").unwrap() as u64 + 3);
        assert!(space.edit.byte < space.input_byte);
        let comma = edits.iter().find(|m| m.edit.after == "，").unwrap();
        assert_eq!(&text[comma.input_byte as usize..][..1], ",");
    }

    #[test]
    fn the_trail_rebuilds_the_input() {
        let text = "當(dāng)前位置:首頁 > 新聞\n\nＡＢＣ 的 汉字 和  \"引号\"。\n版权所有 2020\n";
        let (out, edits) = run(text);
        assert_eq!(rebuild(&out, &edits).unwrap(), text);
    }

    #[test]
    fn the_trail_applied_to_the_input_gives_the_output() {
        for f in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seeds")).unwrap() {
            let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
            let (out, edits) = run(&text);
            assert_eq!(apply(&text, &edits).unwrap(), out);
        }
        // An audit of another text is refused, naming the edit.
        let (_, edits) = run("ＡＢ的测试,活动。\n");
        assert!(apply("别的文字。\n", &edits).unwrap_err().contains("expected"));
    }
}
