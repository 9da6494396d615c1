//! `paragraphs`: the output stage that writes one paragraph per line.
//!
//! It removes blank (whitespace-only) lines, trims whitespace at both ends
//! of every line, and ends the last line with `'\n'`. Runs last, when
//! [`OutputMode::Paragraphs`](crate::OutputMode) is chosen: earlier passes
//! still see blank lines, which are evidence of layout (a paragraph end, a
//! column gap).
//!
//! Held bytes: trailing whitespace of a piece of an over-long line, whose
//! fate depends on what follows, up to a cap ([`MAX_HELD_WS`] standalone,
//! [`CleanConfig::max_line_bytes`](crate::CleanConfig::max_line_bytes) in
//! a pipeline); a longer run is written out (and so not trimmed if the
//! line ends right after it), and the cap hit is reported.
//!
//! ```
//! use zhclean::{CleanConfig, Cleaner};
//! let mut cfg = CleanConfig::default();
//! cfg.punct = None;
//! let c = Cleaner::new(cfg).unwrap();
//! assert_eq!(c.clean("\u{a0}\u{a0}第一段\n\n \n  第二段  "), "第一段\n第二段\n");
//! ```

use crate::audit::CapOnce;
use crate::error::Error;
use crate::pass::{Out, Pass};
use crate::text::TrimWs;

/// Reason code: a blank line between paragraphs dropped.
pub const BLANK_LINE: &str = "blank_line";

/// Reason code: a `'\n'` added after the document's last paragraph.
/// Corpus mode undoes it (and its edit) for a JSONL text field that had
/// none.
pub const FINAL_NEWLINE: &str = "final_newline";

/// Trailing whitespace held between pieces of one long line, at most, by
/// default.
pub const MAX_HELD_WS: usize = 1024;

/// See the module docs.
#[derive(Debug, Default)]
pub struct ParagraphsPass {
    /// No content of the current line has been written yet.
    at_line_start: bool,
    /// Whitespace after the last content written on this line; written
    /// only if more content follows. Invariant: `len() <= max_held`.
    held_ws: String,
    /// Offset of `held_ws` in the pass's input (for the audit).
    held_at: u64,
    max_held: usize,
    cap: CapOnce,
}

impl ParagraphsPass {
    /// A fresh pass holding at most [`MAX_HELD_WS`] bytes of whitespace.
    pub fn new() -> ParagraphsPass {
        ParagraphsPass {
            at_line_start: true,
            held_ws: String::new(),
            held_at: 0,
            max_held: MAX_HELD_WS,
            cap: CapOnce::default(),
        }
    }

    /// Sets how much trailing whitespace of a cut line may be held.
    pub fn max_held(mut self, bytes: usize) -> ParagraphsPass {
        self.max_held = bytes;
        self
    }

    /// Trims the lines of a push (`segs`) and writes them.
    fn lines<'s>(&mut self, segs: impl Iterator<Item = &'s str>, out: &mut Out<'_>) {
        let mut rel = 0usize;
        for seg in segs {
            let at = out.base() + rel as u64;
            rel += seg.len();
            let (content, terminated) = match seg.strip_suffix('\n') {
                Some(c) => (c, true),
                None => (seg, false),
            };
            let mut body = content;
            let mut body_at = at;
            if self.at_line_start {
                body = content.trim_ws_start();
                if terminated && body.is_empty() {
                    // A blank line (or the blank end of a line whose
                    // leading pieces were all whitespace).
                    if out.auditing() {
                        out.edit_abs(at, seg, "", BLANK_LINE);
                    }
                    continue;
                }
                body_at += (content.len() - body.len()) as u64;
                if body.len() < content.len() && out.auditing() {
                    out.edit_abs(at, &content[..content.len() - body.len()], "", "trim");
                }
            }
            let trimmed = body.trim_ws_end();
            if !trimmed.is_empty() {
                if !self.held_ws.is_empty() {
                    out.text().push_str(&self.held_ws);
                    self.held_ws.clear();
                }
                out.text().push_str(trimmed);
                self.at_line_start = false;
            }
            let tail = &body[trimmed.len()..];
            let tail_at = body_at + trimmed.len() as u64;
            if terminated {
                // Not at line start here: blank lines were handled above.
                if out.auditing() && !(self.held_ws.is_empty() && tail.is_empty()) {
                    let (from, text) = if self.held_ws.is_empty() {
                        (tail_at, tail.to_string())
                    } else {
                        (self.held_at, format!("{}{tail}", self.held_ws))
                    };
                    out.edit_abs(from, &text, "", "trim");
                }
                out.end_line();
                self.held_ws.clear();
                self.at_line_start = true;
            } else if !self.at_line_start && !tail.is_empty() {
                if self.held_ws.is_empty() {
                    self.held_at = tail_at;
                }
                self.held_ws.push_str(tail);
                if self.held_ws.len() > self.max_held {
                    // Too much to hold: write it. If the line ends right
                    // after it, that trailing run stays untrimmed.
                    let why = "a longer whitespace run inside a cut line is not trimmed";
                    self.cap.report(out, "max_line_bytes", self.max_held, self.held_at, why);
                    out.text().push_str(&self.held_ws);
                    self.held_ws.clear();
                }
            }
        }
    }
}

impl Pass for ParagraphsPass {
    fn name(&self) -> &'static str {
        super::PassId::Paragraphs.name()
    }

    fn push(&mut self, input: &str, out: &mut Out<'_>) -> Result<(), Error> {
        // (Searched for as ever when the pass before noted no line end, as
        // in a short document: that path cost a few instructions more
        // through the known lines' iterator.)
        match out.lines_in() {
            [] => self.lines(crate::text::lines_inclusive(input), out),
            known => self.lines(crate::lines::known_lines(input, known), out),
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Out<'_>) -> Result<(), Error> {
        if !self.held_ws.is_empty() && out.auditing() {
            let (at, ws) = (self.held_at, std::mem::take(&mut self.held_ws));
            out.edit_abs(at, &ws, "", "trim");
        }
        if !self.at_line_start {
            if out.auditing() {
                let at = out.base();
                out.edit_abs(at, "", "\n", FINAL_NEWLINE);
            }
            out.end_line();
        }
        *self = ParagraphsPass::new().max_held(self.max_held);
        Ok(())
    }

    fn held_bytes(&self) -> usize {
        self.held_ws.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::EditLog;

    fn run(pushes: &[&str]) -> (String, EditLog) {
        let mut p = ParagraphsPass::new();
        let mut text = String::new();
        let mut log = EditLog::default();
        let mut base = 0u64;
        for s in pushes {
            let mut out = Out::new(&mut text, &mut log, "paragraphs", base);
            p.push(s, &mut out).unwrap();
            base += s.len() as u64;
        }
        let mut out = Out::new(&mut text, &mut log, "paragraphs", base);
        p.finish(&mut out).unwrap();
        (text, log)
    }

    #[test]
    fn paragraphs_drop_blank_lines_and_trim() {
        assert_eq!(run(&[" a \n\n\t\nb"]).0, "a\nb\n");
        assert_eq!(run(&["\n\n"]).0, "");
        assert_eq!(run(&[""]).0, "");
    }

    #[test]
    fn paragraphs_join_pieces_of_a_long_line() {
        // Pieces of one line: interior whitespace between pieces is kept.
        assert_eq!(run(&["  ab  ", "  ", "cd  ", "\n"]).0, "ab    cd\n");
        assert_eq!(run(&["ab  ", "\n"]).0, "ab\n");
    }

    #[test]
    fn paragraphs_audit_rebuilds_the_input() {
        let input = "  甲 \n\n乙";
        let (out, log) = run(&[input]);
        assert_eq!(out, "甲\n乙\n");
        let rebuilt = crate::testing::rebuild_input(&out, &log.edits).unwrap();
        assert_eq!(rebuilt, input);
    }
}
