//! The passes of a stream and the buffers between them: each push goes
//! through every pass in turn, and `finish` flushes them in order.

use crate::audit::{Audit, CapHit};
use crate::error::Error;
use crate::lines::LineEnds;
use crate::pass::{Out, Pass};

/// Capacity a buffer between passes keeps from one document to the next.
const KEEP_BUF_BYTES: usize = 1 << 20;

/// The passes and the buffers between them.
pub(super) struct Chain {
    pub(super) passes: Vec<Box<dyn Pass>>,
    /// Each pass's name (asked once, not at each call).
    pub(super) names: Vec<&'static str>,
    /// `bufs[i]` holds pass `i`'s output between calls (the last pass
    /// writes straight into the caller's buffer and leaves its own empty).
    pub(super) bufs: Vec<String>,
    /// The line ends of each buffer, as far as its pass noted them (see
    /// [`LineEnds`]): the pass after it need not search for them.
    lines: Vec<LineEnds>,
    /// Whether a push went through the passes since the last reset: line
    /// ends are noted then, and at that document's end (a short document,
    /// through `finish_last` alone, notes none).
    lines_noted: bool,
    /// Bytes each pass has received in this document (audit offsets).
    pub(super) bases: Vec<u64>,
    /// A cap a pass reaches is an error.
    pub(super) strict_caps: bool,
    /// For the head of a split stream: where each push into the passes
    /// after it would end, as lengths of the caller's `out`.
    pub(super) ends: Option<Vec<usize>>,
    /// The line cap (the framer's).
    pub(super) line_cap: usize,
    /// Whether pass `i`'s last input ended at a line end: then what it
    /// wrote after its last line end is part of a line it wrote in two
    /// parts, held for the next pass until the line is whole.
    pub(super) whole_in: Vec<bool>,
}

/// How much of `buf`, what a pass wrote that the next pass has not taken,
/// to hand on. The next pass must see whole lines (the line contract, see
/// [`crate::pass`]), but a pass may write part of a line on a push and the
/// rest later (`unwrap` writes a paragraph that runs on past a full window
/// in two parts): when the pass's input ended at a line end (`whole_in`),
/// what follows its output's last line end waits, until it reaches the line
/// cap. After a piece of a line over the cap, the rest of the piece goes on
/// as the framer cut it.
fn handed(buf: &str, whole_in: bool, cap: usize) -> usize {
    // (Asked of every pass's output at every push, so the answers that
    // need no search come first: a short document's text is a line without
    // a newline, pushed at its end. Then memchr's search, not `str::rfind`'s
    // character searcher.)
    if !whole_in || buf.ends_with('\n') {
        return buf.len();
    }
    match memchr::memrchr(b'\n', buf.as_bytes()) {
        Some(i) if buf.len() - (i + 1) < cap => i + 1,
        None if buf.len() < cap => 0,
        _ => buf.len(),
    }
}

/// The error for a cap reached under `strict_caps`.
pub(super) fn strict_error(hit: &CapHit, strict: bool) -> Result<(), Error> {
    if strict {
        return Err(Error::cap(hit.message()));
    }
    Ok(())
}

/// [`strict_error`] for a cap a pass reached through `o`.
pub(super) fn cap_error(o: &Out<'_>, strict: bool) -> Result<(), Error> {
    o.cap_hit().map_or(Ok(()), |hit| strict_error(hit, strict))
}

impl Chain {
    /// The chain of `passes`, in order, with empty buffers.
    pub(super) fn new(passes: Vec<Box<dyn Pass>>, line_cap: usize) -> Chain {
        let n = passes.len();
        Chain {
            names: passes.iter().map(|p| p.name()).collect(),
            passes,
            bufs: vec![String::new(); n],
            lines: (0..n).map(|_| LineEnds::default()).collect(),
            lines_noted: false,
            bases: vec![0; n],
            strict_caps: false,
            ends: None,
            line_cap,
            whole_in: vec![true; n],
        }
    }

    /// Takes the passes from `at` on into a chain of their own, and starts
    /// recording in this one where each push into them would end (see
    /// [`Chain::ends`]).
    #[cfg(feature = "corpus")]
    pub(super) fn split_off(&mut self, at: usize) -> Chain {
        let at = at.min(self.passes.len());
        let tail = Chain {
            passes: self.passes.split_off(at),
            names: self.names.split_off(at),
            bufs: self.bufs.split_off(at),
            lines: self.lines.split_off(at),
            lines_noted: self.lines_noted,
            bases: self.bases.split_off(at),
            strict_caps: self.strict_caps,
            ends: None,
            line_cap: self.line_cap,
            whole_in: self.whole_in.split_off(at),
        };
        self.ends = Some(Vec::new());
        tail
    }

    pub(super) fn push(&mut self, input: &str, out: &mut String, audit: &mut dyn Audit) -> Result<(), Error> {
        if self.passes.is_empty() {
            out.push_str(input);
        } else {
            self.push_from(0, input, None, out, audit).inspect_err(|_| self.forget_lines())?;
        }
        self.mark_end(out);
        Ok(())
    }

    /// The ends recorded since the last call (see [`Chain::ends`]); empty
    /// for a chain that was not split.
    #[cfg(feature = "corpus")]
    pub(super) fn take_ends(&mut self) -> Vec<usize> {
        self.ends.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// See [`Chain::ends`].
    fn mark_end(&mut self, out: &str) {
        if let Some(ends) = &mut self.ends {
            ends.push(out.len());
        }
    }

    /// Pushes `input` (its line ends as far as `known` noted them) into
    /// pass `first` and what each pass writes on into the next.
    fn push_from(
        &mut self,
        first: usize,
        input: &str,
        known: Option<&LineEnds>,
        out: &mut String,
        audit: &mut dyn Audit,
    ) -> Result<(), Error> {
        let n = self.passes.len();
        // The head of a split holds a line its last pass wrote in part, as
        // between two passes: the passes after it take whole lines.
        let held_last = self.ends.is_some();
        let auditing = audit.enabled();
        self.lines_noted = true;
        for i in first..n {
            let (done, rest) = self.bufs.split_at_mut(i);
            let (lines_done, lines_rest) = self.lines.split_at_mut(i);
            let (inp, inp_known): (&str, _) = if i == first {
                (input, known)
            } else {
                let k = handed(&done[i - 1], self.whole_in[i - 1], self.line_cap);
                (&done[i - 1][..k], Some(&lines_done[i - 1]))
            };
            let taken = inp.len();
            if i > first && taken == 0 {
                // Nothing whole to hand on: the passes after have nothing
                // new either.
                break;
            }
            let (dst, noted): (&mut String, _) =
                if i + 1 == n && !held_last { (&mut *out, None) } else { (&mut rest[0], Some(&mut lines_rest[0])) };
            let mut o = Out::known(dst, &mut *audit, auditing, self.names[i], self.bases[i], inp_known, noted);
            self.passes[i].push(inp, &mut o)?;
            cap_error(&o, self.strict_caps)?;
            self.bases[i] += taken as u64;
            if taken > 0 {
                self.whole_in[i] = inp.ends_with('\n');
            }
            if i > first {
                lines_done[i - 1].handed_on(taken);
                // (Most often all of it: then no copy of the rest.)
                if taken == done[i - 1].len() {
                    done[i - 1].clear();
                } else {
                    done[i - 1].drain(..taken);
                }
            }
        }
        if held_last && n > 0 {
            let last = &mut self.bufs[n - 1];
            let k = handed(last, self.whole_in[n - 1], self.line_cap);
            out.push_str(&last[..k]);
            self.lines[n - 1].handed_on(k);
            last.drain(..k);
        }
        Ok(())
    }

    /// Finishes pass `i` and pushes what it flushed through the passes
    /// after it, then finishes pass `i + 1`, and so on (finishing every
    /// pass first would lose the flushed text of the earlier ones). What a
    /// pass flushes travels as its own push, never glued to the output of
    /// the push before: a pass then receives at most one line piece per
    /// push, at the end of a document as everywhere else, and holds at most
    /// one (gluing them made each pass hold one piece more than the pass
    /// before it: nine pieces of a cut line by the last pass). Where the
    /// next pass is not in the middle of a line, what was flushed goes to
    /// it with its own end in one call ([`Pass::finish_with`]): its output
    /// for both then holds one line piece at most, as its pushes' do.
    pub(super) fn finish(&mut self, out: &mut String, audit: &mut dyn Audit) -> Result<(), Error> {
        self.finish_any(None, out, audit)
    }

    /// [`Chain::push`] of `last`, the document's last text, then
    /// [`Chain::finish`]: the first pass takes both in one call
    /// ([`Pass::finish_with`]), as `finish` hands each pass after it what
    /// the pass before flushed. A short document, pushed whole at its end,
    /// then goes through every pass once, none holding it to be finished.
    /// (Not in the head of a split, which records where each push into the
    /// tail ends, nor where the first pass is in the middle of a line: it
    /// holds a piece of it, which `last` would be handed on glued to, past
    /// the line cap; `tests/hostile.rs` holds each push within the cap.)
    pub(super) fn finish_last(&mut self, last: &str, out: &mut String, audit: &mut dyn Audit) -> Result<(), Error> {
        if self.passes.is_empty() || self.ends.is_some() || !self.whole_in[0] {
            self.push(last, out, audit)?;
            return self.finish(out, audit);
        }
        self.finish_any(Some(last), out, audit)
    }

    /// Forgets the line ends noted: at a document's end (`reset`, only
    /// after a document that noted some), and after an error, which may
    /// leave a buffer's line ends noted and the buffer not as they describe
    /// (a stream used on after an error then searches for them). (Out of
    /// the way of the one-line records' end, which never calls it: inlined
    /// in `reset` it cost them 0.9M instructions on 20 000, called from it
    /// without `cold` 0.45M.)
    #[cold]
    fn forget_lines(&mut self) {
        for l in &mut self.lines {
            l.clear();
        }
        self.lines_noted = false;
    }

    /// [`Chain::finish`], the first pass taking `first` with its end when
    /// given (see [`Chain::finish_last`]).
    fn finish_any(&mut self, first: Option<&str>, out: &mut String, audit: &mut dyn Audit) -> Result<(), Error> {
        let done = if self.lines_noted {
            self.finish_from::<true>(first, out, audit)
        } else {
            self.finish_from::<false>(first, out, audit)
        };
        done.inspect_err(|_| self.forget_lines())
    }

    /// [`Chain::finish_any`], noting and reading line ends when `LINES`
    /// (a document that went through a push; not a short one, whose only
    /// line goes through `finish_last` alone and gives the index nothing
    /// to spare).
    fn finish_from<const LINES: bool>(
        &mut self,
        mut first: Option<&str>,
        out: &mut String,
        audit: &mut dyn Audit,
    ) -> Result<(), Error> {
        let n = self.passes.len();
        let auditing = audit.enabled();
        // What the pass before flushed, when the next takes it with its own
        // end (see below); its line ends stay in `lines`, which `reset`
        // clears.
        let mut last_in: Option<String> = None;
        for i in 0..n {
            let mut flushed = std::mem::take(&mut self.bufs[i]);
            // The last pass's buffer holds text only in the head of a split.
            if i + 1 == n {
                out.push_str(&flushed);
                flushed.clear();
            }
            let (lines_in, noted) = if LINES {
                let (lines_done, lines_rest) = self.lines.split_at_mut(i);
                (lines_done.last().filter(|_| last_in.is_some()), lines_rest.first_mut().filter(|_| i + 1 < n))
            } else {
                (None, None)
            };
            let dst: &mut String = if i + 1 == n { &mut *out } else { &mut flushed };
            // Edits made while flushing refer to input already pushed.
            let mut o = Out::known(dst, &mut *audit, auditing, self.names[i], self.bases[i], lines_in, noted);
            match (last_in.take(), first.take()) {
                (Some(mut input), _) => {
                    self.passes[i].finish_with(&input, &mut o)?;
                    input.clear();
                    self.bufs[i - 1] = input;
                }
                (None, Some(input)) => self.passes[i].finish_with(input, &mut o)?,
                (None, None) => self.passes[i].finish(&mut o)?,
            }
            cap_error(&o, self.strict_caps)?;
            if i + 1 < n && !flushed.is_empty() {
                // What the pass flushed goes to the next with that pass's
                // end, in one call (`finish_with`): a short document's
                // last line is then judged at once, not pushed to be held
                // and finished to be written. So the next pass's output
                // for it and for its end travel on as one push; that is
                // one line piece at most when the next pass is not in the
                // middle of a line (`whole_in`), as in its other pushes.
                // Not in the head of a split, which records where each
                // push into the tail ends.
                if self.ends.is_none() && self.whole_in[i + 1] {
                    last_in = Some(flushed);
                    continue;
                }
                if LINES {
                    let lines = std::mem::take(&mut self.lines[i]);
                    self.push_from(i + 1, &flushed, Some(&lines), out, audit)?;
                    self.lines[i] = lines;
                } else {
                    self.push_from(i + 1, &flushed, None, out, audit)?;
                }
            }
            self.mark_end(out);
            flushed.clear();
            self.bufs[i] = flushed;
        }
        self.reset();
        Ok(())
    }

    pub(super) fn reset(&mut self) {
        self.whole_in.fill(true);
        for b in &mut self.bufs {
            b.clear();
            // A buffer a huge document grew is not kept for the next one:
            // a stream per worker thread would otherwise hold the largest
            // document's size once per pass for the rest of the run.
            b.shrink_to(KEEP_BUF_BYTES);
        }
        for b in &mut self.bases {
            *b = 0;
        }
        // (A short document, through `finish_last` alone, noted none.)
        if self.lines_noted {
            self.forget_lines();
        }
    }
}
