//! `script`: Traditional ↔ Simplified (and regional) conversion, giving
//! exactly OpenCC 1.4.2's result (see [`crate::dict::opencc`]).
//!
//! What it changes: the characters and phrases OpenCC's dictionaries map
//! for the configured conversion. Nothing else.
//!
//! Streaming: the output is identical to converting the whole document at
//! once, for any chunking. At every line end the converter flushes (no
//! dictionary key contains a newline). Within a piece of a line longer
//! than the line cap it holds back fewer than the longest key's characters.
//! The one exception to flushing at a line end is an Ideographic
//! Description Sequence operator (U+2FF0–U+2FFF) among the last 64 code
//! points, whose sequence could continue on the next line: then whole lines
//! are held until it is settled, up to
//! [`ScriptConfig::max_ids_hold_bytes`](crate::ScriptConfig) (1 MiB by
//! default; past it, a cap hit, they are converted as if the text ended).
//!
//! Held bytes: one unterminated push (at most the line cap), fewer than 16
//! characters per conversion stage, plus held lines in the IDS case (at
//! most that cap).
//!
//! ```
//! use zhclean::{CleanConfig, Cleaner, ScriptConfig};
//! let mut cfg = CleanConfig::minimal();
//! cfg.script = Some(ScriptConfig::new("t2s"));
//! let c = Cleaner::new(cfg).unwrap();
//! assert_eq!(c.clean("省委常委、市委書記江凌蒞臨洛陽\n"), "省委常委、市委书记江凌莅临洛阳\n");
//! ```

use crate::audit::CapOnce;
use crate::dict::opencc::{ids_operator_near_end, is_ids_operator, Opencc, OpenccStream};
use crate::error::Error;
use crate::pass::{Out, Pass, Shortcuts};

/// The default of [`ScriptConfig::max_ids_hold_bytes`](crate::ScriptConfig).
pub const MAX_IDS_HOLD: usize = 1 << 20;

/// Settings of the script conversion pass.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScriptConfig {
    /// An OpenCC config name (`t2s`, `s2t`, `s2twp`, …; see
    /// [`CONFIG_NAMES`](crate::CONFIG_NAMES)). Default `t2s`: corpora are
    /// usually built in Simplified script, and later passes match
    /// Simplified patterns.
    pub config: String,
    /// Include OpenCC's `may_output_tofu` dictionaries (rare Simplified
    /// forms common fonts lack), as OpenCC's library does. Default on.
    pub include_tofu_risk: bool,
    /// Lines held while an Ideographic Description Sequence may continue
    /// past a line end, at most; past it they are converted as if the text
    /// ended there (a cap hit). Default 1 MiB.
    pub max_ids_hold_bytes: usize,
}

impl Default for ScriptConfig {
    fn default() -> ScriptConfig {
        ScriptConfig::new("t2s")
    }
}

impl ScriptConfig {
    /// Conversion with the named OpenCC config.
    pub fn new(config: &str) -> ScriptConfig {
        ScriptConfig { config: config.to_string(), include_tofu_risk: true, max_ids_hold_bytes: 1 << 20 }
    }
    /// Sets [`ScriptConfig::include_tofu_risk`].
    pub fn include_tofu_risk(mut self, on: bool) -> Self {
        self.include_tofu_risk = on;
        self
    }
}

/// See the module docs.
#[derive(Debug)]
pub struct ScriptPass {
    stream: OpenccStream,
    /// Complete lines held because an IDS operator lies near their end.
    held_lines: String,
    /// An unterminated push: the document's last line (known at `finish`)
    /// or a piece of a line longer than the line cap (known when more
    /// input arrives). Held whole so that the output is only unterminated
    /// where the line really continues. At most the line cap.
    held_piece: String,
    /// Auditing only: input and output since the stream last flushed, when
    /// that did not happen at the end of every push (pieces of a long line,
    /// held IDS lines). One edit covers them. `audit_at` is where
    /// `audit_in` starts in the pass's input.
    audit_in: String,
    audit_out: String,
    audit_at: u64,
    /// Bytes of input received in this document.
    received: u64,
    /// See [`ScriptConfig::max_ids_hold_bytes`](crate::ScriptConfig).
    max_ids_hold: usize,
    cap: CapOnce,
    /// Tests compare `finish_with` with `push` and `finish`.
    shortcuts: Shortcuts,
}

impl ScriptPass {
    /// A pass running `converter`.
    pub fn new(converter: &Opencc) -> ScriptPass {
        ScriptPass {
            stream: converter.stream(),
            held_lines: String::new(),
            held_piece: String::new(),
            audit_in: String::new(),
            audit_out: String::new(),
            audit_at: 0,
            received: 0,
            max_ids_hold: MAX_IDS_HOLD,
            cap: CapOnce::default(),
            shortcuts: Shortcuts::default(),
        }
    }

    /// Sets how many bytes of lines may be held while an IDS is open.
    pub fn max_ids_hold(mut self, bytes: usize) -> ScriptPass {
        self.max_ids_hold = bytes;
        self
    }

    /// Converts `input` (which starts at byte `at` of the pass's input)
    /// into `out`; with `last`, flushes the stream.
    fn convert(&mut self, input: &str, at: u64, last: bool, out: &mut Out<'_>) {
        if !out.auditing() {
            self.stream.push(input, last, out.text());
            return;
        }
        if last && self.audit_in.is_empty() && self.stream.held_bytes() == 0 && !input.chars().any(is_ids_operator) {
            // The common case: whole lines. Conversion maps lines to lines,
            // so report one edit per changed line.
            let mut rel = 0u64;
            for line in crate::text::lines_inclusive(input) {
                let start = out.text().len();
                self.stream.push(line, true, out.text());
                if out.text()[start..] != *line {
                    let after = out.text()[start..].to_string();
                    report(line, &after, at + rel, out);
                }
                rel += line.len() as u64;
            }
            return;
        }
        if self.audit_in.is_empty() {
            self.audit_at = at;
        }
        self.audit_in.push_str(input);
        let start = out.text().len();
        self.stream.push(input, last, out.text());
        self.audit_out.push_str(&out.text()[start..]);
        if last {
            if self.audit_in != self.audit_out {
                let (i, o) = (std::mem::take(&mut self.audit_in), std::mem::take(&mut self.audit_out));
                report(&i, &o, self.audit_at, out);
            }
            self.audit_in.clear();
            self.audit_out.clear();
        }
    }
}

/// Reports the conversion of `before` (at byte `at`) into `after` as the
/// runs of characters that changed, when both have as many characters
/// (nearly always: OpenCC maps phrases to phrases of the same length);
/// else as one edit. Per-run edits make the audit and the counts say which
/// characters were converted.
fn report(before: &str, after: &str, at: u64, out: &mut Out<'_>) {
    if before.chars().count() != after.chars().count() {
        out.edit_abs(at, before, after, "convert");
        return;
    }
    let (mut bi, mut ai) = (before.char_indices(), after.char_indices());
    // Start of the current run of changed characters, in both strings.
    let mut run: Option<(usize, usize)> = None;
    loop {
        let (b, a) = (bi.next(), ai.next());
        match (b, a) {
            (Some((bo, bc)), Some((ao, ac))) if bc != ac => {
                run.get_or_insert((bo, ao));
            }
            (b, a) => {
                if let Some((bs, as_)) = run.take() {
                    let be = b.map_or(before.len(), |(o, _)| o);
                    let ae = a.map_or(after.len(), |(o, _)| o);
                    out.edit_abs(at + bs as u64, &before[bs..be], &after[as_..ae], "convert");
                }
                if b.is_none() {
                    return;
                }
            }
        }
    }
}

impl ScriptPass {
    /// A piece of a long line: convert what can be decided.
    fn convert_piece(&mut self, piece: &str, at: u64, out: &mut Out<'_>) {
        if !self.held_lines.is_empty() {
            let held = std::mem::take(&mut self.held_lines);
            self.convert(&held, at - held.len() as u64, false, out);
        }
        self.convert(piece, at, false, out);
    }

    /// Complete lines: flush at their end unless an IDS may span it.
    fn convert_lines(&mut self, lines: &str, at: u64, out: &mut Out<'_>) {
        if self.held_lines.is_empty() && !ids_operator_near_end(lines) && !self.stream.holds_ids_operator() {
            self.convert(lines, at, true, out);
            return;
        }
        self.held_lines.push_str(lines);
        let over = self.held_lines.len() > self.max_ids_hold;
        if over && ids_operator_near_end(&self.held_lines) {
            let why = "an ideographic description sequence open that long is converted as if the text ended there";
            self.cap.report(out, "script.max_ids_hold_bytes", self.max_ids_hold, at, why);
        }
        if !ids_operator_near_end(&self.held_lines) || over {
            let held = std::mem::take(&mut self.held_lines);
            let start = at + lines.len() as u64 - held.len() as u64;
            self.convert(&held, start, true, out);
        }
    }
}

impl Pass for ScriptPass {
    fn name(&self) -> &'static str {
        super::PassId::Script.name()
    }

    fn push(&mut self, input: &str, out: &mut Out<'_>) -> Result<(), Error> {
        if input.is_empty() {
            return Ok(());
        }
        let at = self.received;
        self.received += input.len() as u64;
        if !self.held_piece.is_empty() {
            // More input: the held text was a piece of a long line.
            let piece = std::mem::take(&mut self.held_piece);
            self.convert_piece(&piece, at - piece.len() as u64, out);
        }
        let (lines, tail) = match memchr::memrchr(b'\n', input.as_bytes()) {
            Some(i) => input.split_at(i + 1),
            None => ("", input),
        };
        if !lines.is_empty() {
            self.convert_lines(lines, at, out);
        }
        self.held_piece.push_str(tail);
        Ok(())
    }

    fn finish(&mut self, out: &mut Out<'_>) -> Result<(), Error> {
        let mut rest = std::mem::take(&mut self.held_lines);
        rest.push_str(&self.held_piece);
        self.held_piece.clear();
        let start = self.received - rest.len() as u64;
        self.convert(&rest, start, true, out);
        self.received = 0;
        self.cap.reset();
        // The buffers stay for the next document.
        self.held_lines = crate::lines::kept_for_next(rest);
        self.held_piece = crate::lines::kept_for_next(std::mem::take(&mut self.held_piece));
        Ok(())
    }

    fn finish_with(&mut self, input: &str, out: &mut Out<'_>) -> Result<(), Error> {
        // The last line of a document, with nothing held (a short
        // document's only one): `push` would hold it as a piece and
        // `finish` convert it, after two copies; it is converted as it is.
        let alone = self.held_lines.is_empty()
            && self.held_piece.is_empty()
            && !input.is_empty()
            && crate::text::find_newline(input.as_bytes()).is_none();
        if !alone || !self.shortcuts.on() {
            return crate::pass::push_then_finish(self, input, out);
        }
        self.convert(input, self.received, true, out);
        out.advance(input.len());
        self.received = 0;
        self.cap.reset();
        Ok(())
    }

    fn held_bytes(&self) -> usize {
        self.held_lines.len() + self.held_piece.len() + self.stream.held_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{EditLog, NoAudit};

    /// `push`, the base moved, `finish`; or `finish_with` (with the
    /// pass's shortcuts `on`), after `before` was pushed; auditing or not.
    fn run(conv: &Opencc, before: &str, last: &str, on: bool, audit: bool) -> (String, EditLog) {
        let mut pass = ScriptPass::new(conv);
        pass.shortcuts.off = !on;
        let (mut text, mut log) = (String::new(), EditLog::default());
        let mut none = NoAudit;
        let sink: &mut dyn crate::audit::Audit = if audit { &mut log } else { &mut none };
        pass.push(before, &mut Out::new(&mut text, sink, "script", 0)).unwrap();
        pass.finish_with(last, &mut Out::new(&mut text, sink, "script", before.len() as u64)).unwrap();
        (text, log)
    }

    #[test]
    fn a_last_line_alone_is_converted_as_push_and_finish_would() {
        let pieces = ["說", "話", "軟體", "鼠标", "⿰", "氵", "青", "中", "a", " ", "。", "\n", "发", "髮", "後"];
        let mut rng = crate::testing::Lcg::new(29);
        let mut lines = rng.mixtures(&pieces, 3000, 12);
        lines.extend(["", "\n", "⿰", "⿰\n書", "書書⿰"].map(String::from));
        let t2s = Opencc::new("t2s").unwrap();
        let s2twp = Opencc::new("s2twp").unwrap();
        let mut alone = 0;
        for (i, text) in lines.iter().enumerate() {
            // What went before: nothing, whole lines, an IDS operator at a
            // line's end (held), a piece of a line (held).
            let before = ["", "發展\n", "⿰\n", "書"][i % 4];
            for conv in [&t2s, &s2twp] {
                for audit in [false, true] {
                    let want = run(conv, before, text, false, audit);
                    let got = run(conv, before, text, true, audit);
                    assert_eq!(got.0, want.0, "{before:?} {text:?}");
                    assert_eq!(got.1.edits, want.1.edits, "{before:?} {text:?}");
                }
            }
            alone += usize::from(before.is_empty() && !text.is_empty() && !text.contains('\n'));
        }
        // The shortcut was taken, on lines that convert.
        assert!(alone > 300, "{alone}");
        assert_eq!(run(&t2s, "", "說話", true, true).0, "说话");
    }
}
