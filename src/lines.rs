//! Line buffering for passes that judge whole lines: [`LineBuffer`] holds
//! an unterminated push until it is known to be a document's last line or
//! a piece of a line longer than the cap, and `LinePass` (crate-private) turns a line
//! judgement into a whole [`Pass`].

use crate::error::Error;
use crate::pass::{Out, Pass};

/// What a [`LineBuffer`] hands a pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seg {
    /// A whole line (with its `'\n'`, except the document's last line).
    Line,
    /// A piece of a line longer than the line cap, known to continue.
    Piece,
    /// The last piece of such a line (with its `'\n'` if it has one).
    LastPiece,
}

/// For passes that judge whole lines: splits each push into lines and
/// holds an unterminated one until it is known whether it is the
/// document's last line (at `finish`) or a piece of a line longer than the
/// line cap (when more input arrives). Holds at most one line piece, so at
/// most the line cap.
///
/// ```
/// use zhclean::lines::{LineBuffer, Seg};
/// use zhclean::{NoAudit, Out};
/// let mut lb = LineBuffer::default();
/// let (mut text, mut audit) = (String::new(), NoAudit);
/// let mut seen = Vec::new();
/// lb.push("ab\ncd", &mut Out::new(&mut text, &mut audit, "demo", 0), &mut |s, at, seg, _| {
///     seen.push((s.to_string(), at, seg))
/// });
/// // At `finish`, the output's base is where the input ended (5 bytes).
/// lb.finish(&mut Out::new(&mut text, &mut audit, "demo", 5), &mut |s, at, seg, _| {
///     seen.push((s.to_string(), at, seg))
/// });
/// assert_eq!(seen, vec![("ab\n".into(), 0, Seg::Line), ("cd".into(), 3, Seg::Line)]);
/// ```
#[derive(Debug, Default)]
pub struct LineBuffer {
    /// An unterminated segment from the end of the last push. Invariant:
    /// no `'\n'`.
    pending: String,
    /// The line being read continues a piece already handed out.
    continued: bool,
}

/// Most capacity a buffer keeps from one document to the next: one a long
/// line grew is given back.
const KEEP_BETWEEN_DOCUMENTS: usize = 64 << 10;

/// `buf`, emptied, to hold the next document's text, or a new string if a
/// long line grew it past [`KEEP_BETWEEN_DOCUMENTS`]. (Most documents end
/// without a newline: a buffer dropped at each end is an allocation per
/// document.)
pub(crate) fn kept_for_next(mut buf: String) -> String {
    buf.clear();
    if buf.capacity() <= KEEP_BETWEEN_DOCUMENTS {
        buf
    } else {
        String::new()
    }
}

/// The callback of [`LineBuffer`]: the text, its offset in the pass's
/// input for the document, its kind, and the output. `push` and `finish`
/// take it as a trait object or as any closure of that shape; a closure is
/// called directly, with no call through a pointer per line.
pub type LineFn<'f> = dyn FnMut(&str, u64, Seg, &mut Out<'_>) + 'f;

impl LineBuffer {
    /// Hands out the lines of `input` (and a held piece, if more input
    /// shows it continues).
    pub fn push<F: FnMut(&str, u64, Seg, &mut Out<'_>) + ?Sized>(&mut self, input: &str, out: &mut Out<'_>, f: &mut F) {
        if input.is_empty() {
            return;
        }
        if !self.pending.is_empty() {
            let held = std::mem::take(&mut self.pending);
            let at = out.base() - held.len() as u64;
            f(&held, at, Seg::Piece, out);
            self.pending = held;
            self.pending.clear();
            self.continued = true;
        }
        let mut rel = 0u64;
        for line in crate::text::lines_inclusive(input) {
            if !line.ends_with('\n') {
                self.pending.push_str(line);
                break;
            }
            let seg = if self.continued { Seg::LastPiece } else { Seg::Line };
            f(line, out.base() + rel, seg, out);
            self.continued = false;
            rel += line.len() as u64;
        }
    }

    /// End of document: hands out what is held and resets. The buffer is
    /// kept for the next document, unless a long line grew it.
    pub fn finish<F: FnMut(&str, u64, Seg, &mut Out<'_>) + ?Sized>(&mut self, out: &mut Out<'_>, f: &mut F) {
        if !self.pending.is_empty() {
            let held = std::mem::take(&mut self.pending);
            let at = out.base() - held.len() as u64;
            let seg = if self.continued { Seg::LastPiece } else { Seg::Line };
            f(&held, at, seg, out);
            self.pending = kept_for_next(held);
        }
        self.continued = false;
    }

    /// Bytes held.
    pub fn held_bytes(&self) -> usize {
        self.pending.len()
    }
}

/// A pass that judges whole lines: implement [`LinePass::line`] (and the
/// hooks a pass needs) and the [`Pass`] implementation comes with it; the
/// adapter lends the [`LineBuffer`] out while the pass handles each line.
pub(crate) trait LinePass: Send {
    /// The pass's name, as [`Pass::name`].
    fn name(&self) -> &'static str;

    /// The pass's line buffer.
    fn line_buffer(&mut self) -> &mut LineBuffer;

    /// Bytes the line buffer holds.
    fn buffered(&self) -> usize;

    /// Handles one line (see [`Seg`]).
    fn line(&mut self, text: &str, at: u64, seg: Seg, out: &mut Out<'_>);

    /// Called with each push before its lines are handed out.
    fn before_push(&mut self, _input: &str) {}

    /// End of document, after the last line: flush what the pass holds
    /// and return to the fresh-document state.
    fn end_document(&mut self, _out: &mut Out<'_>) {}

    /// Bytes the pass holds besides its line buffer.
    fn held_besides_lines(&self) -> usize {
        0
    }
}

impl<T: LinePass> Pass for T {
    fn name(&self) -> &'static str {
        LinePass::name(self)
    }

    fn push(&mut self, input: &str, out: &mut Out<'_>) -> Result<(), Error> {
        self.before_push(input);
        let mut lines = std::mem::take(self.line_buffer());
        lines.push(input, out, &mut |l, at, seg, out| self.line(l, at, seg, out));
        *self.line_buffer() = lines;
        Ok(())
    }

    fn finish(&mut self, out: &mut Out<'_>) -> Result<(), Error> {
        let mut lines = std::mem::take(self.line_buffer());
        lines.finish(out, &mut |l, at, seg, out| self.line(l, at, seg, out));
        *self.line_buffer() = lines;
        self.end_document(out);
        Ok(())
    }

    fn held_bytes(&self) -> usize {
        self.buffered() + self.held_besides_lines()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoAudit;

    #[test]
    fn a_trait_object_and_a_closure_get_the_same_lines() {
        let input = "ab\ncd\n\nef";
        let run = |by_object: bool| {
            let (mut text, mut audit) = (String::new(), NoAudit);
            let mut seen = Vec::new();
            let mut f = |s: &str, at: u64, seg: Seg, _: &mut Out<'_>| seen.push((s.to_string(), at, seg));
            let mut lb = LineBuffer::default();
            let mut out = Out::new(&mut text, &mut audit, "demo", 0);
            if by_object {
                let f: &mut LineFn<'_> = &mut f;
                lb.push(input, &mut out, f);
                lb.finish(&mut Out::new(&mut String::new(), &mut NoAudit, "demo", input.len() as u64), f);
            } else {
                lb.push(input, &mut out, &mut f);
                lb.finish(&mut Out::new(&mut String::new(), &mut NoAudit, "demo", input.len() as u64), &mut f);
            }
            seen
        };
        let want = vec![
            ("ab\n".to_string(), 0, Seg::Line),
            ("cd\n".to_string(), 3, Seg::Line),
            ("\n".to_string(), 6, Seg::Line),
            ("ef".to_string(), 7, Seg::Line),
        ];
        assert_eq!(run(true), want);
        assert_eq!(run(false), want);
    }
}
