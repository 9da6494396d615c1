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

/// Where the line ends (`'\n'`) of a buffer between two passes are, as far
/// as known: the pass writing it notes each line it writes whole (through
/// [`Out::push_line`] or [`Out::end_line`]), and the pass reading it then
/// hands its lines out without searching for their ends (the issue's
/// "lines found once instead of once per pass"). Text a pass writes
/// otherwise is searched when the next line end is noted.
#[derive(Debug, Default)]
pub(crate) struct LineEnds {
    /// The offsets of every `'\n'` before `upto`, ascending.
    ends: Vec<usize>,
    /// Past the last line end noted (or 0). (Kept, though the last offset
    /// gives it: derived at each note it cost 1.2M instructions on the
    /// 4 MB bench head.)
    upto: usize,
    /// The bound was reached (see [`LineEnds::full`]): no more are noted
    /// until the buffer is handed on.
    stopped: bool,
}

/// See [`LineEnds::full`].
const MIN_BOUND: usize = 8 * 1024;

/// The lines of `input` (each with its `'\n'`; the last may have none),
/// given the offsets of its first line ends (`known`, perhaps none): those
/// lines without a search for their ends, the rest as
/// [`LineBuffer::push`] finds them.
pub(crate) fn known_lines<'s>(input: &'s str, known: &'s [usize]) -> KnownLines<'s> {
    debug_assert!(agrees(known, input));
    KnownLines { input, known, from: 0 }
}

/// See [`known_lines`].
pub(crate) struct KnownLines<'s> {
    input: &'s str,
    known: &'s [usize],
    from: usize,
}

impl<'s> Iterator for KnownLines<'s> {
    type Item = &'s str;

    #[inline]
    fn next(&mut self) -> Option<&'s str> {
        let from = self.from;
        let to = match self.known {
            [e, rest @ ..] => {
                self.known = rest;
                e + 1
            }
            [] if from < self.input.len() => {
                crate::text::find_newline(&self.input.as_bytes()[from..]).map_or(self.input.len(), |e| from + e + 1)
            }
            [] => return None,
        };
        self.from = to;
        Some(&self.input[from..to])
    }
}

/// Whether `known` are the first line ends of `input` (debug checks).
fn agrees(known: &[usize], input: &str) -> bool {
    let upto = known.last().map_or(0, |&e| e + 1);
    let found: Vec<usize> = memchr::memchr_iter(b'\n', &input.as_bytes()[..upto]).collect();
    found == known
}

impl LineEnds {
    /// Whether the line ends noted in a buffer of `len` bytes are the most
    /// it may hold: one for every 32 bytes, and 8 192 in a shorter buffer
    /// (64 KiB of offsets). A quarter MiB push of text holds 4 000-odd lines
    /// (a 4 MB document pushed whole, 60 000), and one of blank lines a
    /// quarter million, whose offsets would take eight times the buffer's
    /// size. Past the bound the pass after searches for the rest. Once
    /// reached it holds though the buffer grows: a line end went unnoted,
    /// and [`LineEnds::note_end`] trusts that none did. (The first test is
    /// the one most notes see.)
    #[inline(always)]
    fn full(&mut self, len: usize) -> bool {
        let n = self.ends.len();
        if n < MIN_BOUND {
            return false;
        }
        self.stopped |= n >= len / 32;
        self.stopped
    }

    /// Notes the line `text[start..]`, just written, ending in `'\n'`;
    /// what was written before it since the last note is searched. (Text
    /// before a noted end is never changed: passes only append, and
    /// `unicode`, the one that takes back what it wrote, takes back part of
    /// the line it is writing, and notes none.)
    #[inline]
    pub(crate) fn note(&mut self, text: &str, start: usize) {
        if self.full(text.len()) {
            return;
        }
        debug_assert!(self.upto <= start && text.ends_with('\n'));
        if self.upto < start && !self.search(&text.as_bytes()[..start]) {
            return;
        }
        self.ends.push(text.len() - 1);
        self.upto = text.len();
    }

    /// Notes the line ends of `b` after the last noted, searched for (by
    /// the search a line pass's [`LineBuffer`] makes): whether all were
    /// noted, within the bound (see [`LineEnds::full`]).
    #[inline(never)]
    fn search(&mut self, b: &[u8]) -> bool {
        let mut from = self.upto;
        while let Some(i) = crate::text::find_newline(&b[from..]) {
            if self.full(b.len()) {
                return false;
            }
            self.ends.push(from + i);
            from += i + 1;
            self.upto = from;
        }
        true
    }

    /// Notes the `'\n'` just written at the end of `text`, when nothing
    /// written since the last note holds one (the pass knows: it wrote
    /// pieces of lines handed to it, each without its `'\n'`).
    #[inline]
    pub(crate) fn note_end(&mut self, text: &str) {
        if self.full(text.len()) {
            return;
        }
        debug_assert!(text.ends_with('\n') && !text.as_bytes()[self.upto..text.len() - 1].contains(&b'\n'));
        self.ends.push(text.len() - 1);
        self.upto = text.len();
    }

    /// The line ends noted.
    pub(crate) fn ends(&self) -> &[usize] {
        &self.ends
    }

    /// The buffer's first `taken` bytes were handed on. The chain hands on
    /// all of it or up to a line end past every other (see `handed` in the
    /// chain): no line end is left.
    #[inline]
    pub(crate) fn handed_on(&mut self, taken: usize) {
        debug_assert!(self.ends.last().is_none_or(|&e| e < taken));
        self.clear();
    }

    /// The buffer was emptied.
    pub(crate) fn clear(&mut self) {
        self.ends.clear();
        self.upto = 0;
        self.stopped = false;
    }
}

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
        self.hand_out(input, 0, out, f);
    }

    /// [`LineBuffer::push`] of `input` whose first line ends are `known`
    /// (see [`known_lines`]).
    pub(crate) fn push_known<F: FnMut(&str, u64, Seg, &mut Out<'_>) + ?Sized>(
        &mut self,
        input: &str,
        known: &[usize],
        out: &mut Out<'_>,
        f: &mut F,
    ) {
        if input.is_empty() {
            return;
        }
        if !self.pending.is_empty() {
            // (A piece of an over-long line is held: it goes first, as
            // `push` hands it out.)
            return self.push(input, out, f);
        }
        debug_assert!(agrees(known, input));
        let mut start = 0;
        for &e in known {
            let line = &input[start..=e];
            let seg = if self.continued { Seg::LastPiece } else { Seg::Line };
            f(line, out.base() + start as u64, seg, out);
            self.continued = false;
            start = e + 1;
        }
        self.hand_out(&input[start..], start as u64, out, f);
    }

    /// Hands out the lines of `input`, which starts `rel` bytes into the
    /// push, holding an unterminated last one.
    fn hand_out<F: FnMut(&str, u64, Seg, &mut Out<'_>) + ?Sized>(
        &mut self,
        input: &str,
        mut rel: u64,
        out: &mut Out<'_>,
        f: &mut F,
    ) {
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

    /// Nothing held and no line being read in pieces: a push of text
    /// without a newline would only hold it.
    pub(crate) fn is_idle(&self) -> bool {
        self.pending.is_empty() && !self.continued
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

    /// Called after a push's lines are handed out (and before `finish`
    /// hands out a held one, which is no slice of that push).
    fn after_push(&mut self) {}

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
        let f = &mut |l: &str, at, seg, out: &mut Out<'_>| self.line(l, at, seg, out);
        match out.lines_in() {
            [] => lines.push(input, out, f),
            known => lines.push_known(input, known, out, f),
        }
        *self.line_buffer() = lines;
        self.after_push();
        Ok(())
    }

    fn finish(&mut self, out: &mut Out<'_>) -> Result<(), Error> {
        let mut lines = std::mem::take(self.line_buffer());
        lines.finish(out, &mut |l, at, seg, out| self.line(l, at, seg, out));
        *self.line_buffer() = lines;
        self.end_document(out);
        Ok(())
    }

    fn finish_with(&mut self, input: &str, out: &mut Out<'_>) -> Result<(), Error> {
        // The document's last line, with nothing held before it (a short
        // document's only one, often): judged at once, as `finish` would
        // judge it once `push` held it, without holding it.
        if self.line_buffer().is_idle() && crate::text::find_newline(input.as_bytes()).is_none() {
            self.before_push(input);
            if !input.is_empty() {
                self.line(input, out.base(), Seg::Line, out);
            }
            self.after_push();
            out.advance(input.len());
            self.end_document(out);
            return Ok(());
        }
        crate::pass::push_then_finish(self, input, out)
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

    /// The offsets of the `'\n'`s of `s`.
    fn newlines(s: &str) -> Vec<usize> {
        memchr::memchr_iter(b'\n', s.as_bytes()).collect()
    }

    #[test]
    fn noted_line_ends_are_the_buffers_through_writes_and_drains() {
        // A buffer written as passes write it (lines whole, pieces of
        // lines closed with `end_line`, text with line ends of its own)
        // and drained from the front as the chain hands it on: what is
        // noted is every line end up to the last one noted, all of them
        // line ends.
        let pieces = ["中文", "ab", "", " ", "一行\n", "\n", "x\ny\n", "句。"];
        let mut rng = crate::testing::Lcg::new(31);
        for _ in 0..2_000 {
            let (mut buf, mut ends, mut audit) = (String::new(), LineEnds::default(), NoAudit);
            // A line end written since the last one noted (`end_line` is
            // not called then: see its contract).
            let mut unnoted = false;
            for _ in 0..rng.below(12) {
                let mut out = Out::known(&mut buf, &mut audit, false, "t", 0, None, Some(&mut ends));
                match rng.below(4) {
                    // A line handed to the pass, with or without its end.
                    0 => {
                        let line = ["行\n", "a b\n", "\n", "尾"][rng.below(4)];
                        out.push_line(line);
                        unnoted &= !line.ends_with('\n');
                    }
                    // Pieces of lines handed to it, then the end.
                    1 if !unnoted => {
                        out.text().push_str(pieces[rng.below(4)]);
                        out.end_line();
                    }
                    // Anything, line ends and all.
                    1 | 2 => {
                        let piece = pieces[rng.below(pieces.len())];
                        out.text().push_str(piece);
                        unnoted |= piece.contains('\n');
                    }
                    // Taken on by the next pass: up to a line end, or all.
                    _ => {
                        let taken = match buf.rfind('\n') {
                            Some(i) if rng.below(2) == 0 => i + 1,
                            _ => buf.len(),
                        };
                        ends.handed_on(taken);
                        buf.drain(..taken);
                        unnoted = false;
                    }
                }
                let upto = ends.ends().last().map_or(0, |&e| e + 1);
                assert_eq!(ends.ends(), &newlines(&buf[..upto])[..], "{buf:?}");
            }
        }
    }

    #[test]
    fn a_flood_of_lines_is_noted_up_to_the_bound() {
        // Blank lines written whole, then text with line ends of its own
        // and more lines: at most the bound's offsets held, each a line end
        // and none missed before the last, and the lines read back whole.
        for gap_first in [false, true] {
            let (mut buf, mut ends, mut audit) = (String::new(), LineEnds::default(), NoAudit);
            let mut out = Out::known(&mut buf, &mut audit, false, "t", 0, None, Some(&mut ends));
            if gap_first {
                out.text().push_str(&"a\n".repeat(MIN_BOUND + 5));
            }
            for _ in 0..MIN_BOUND + 10 {
                out.push_line("\n");
            }
            out.text().push_str("x\n");
            out.push_line("y\n");
            out.text().push('z');
            out.end_line();
            // Long lines after it, which grow the buffer past the bound's
            // reach: nothing more is noted (lines went unnoted before them).
            for _ in 0..2_000 {
                out.text().push_str(&"长".repeat(100));
                out.end_line();
            }
            assert!(ends.ends().len() <= MIN_BOUND.max(buf.len() / 32));
            let upto = ends.ends().last().map_or(0, |&e| e + 1);
            assert_eq!(ends.ends(), &newlines(&buf[..upto])[..]);
            let want: Vec<&str> = crate::text::lines_inclusive(&buf).collect();
            assert_eq!(known_lines(&buf, ends.ends()).collect::<Vec<_>>(), want);
        }
    }

    #[test]
    fn a_long_buffer_of_text_lines_is_noted_whole() {
        // 20 000 lines of 40 bytes, as a document pushed whole: past 8 192,
        // within one a 32 bytes.
        let line = format!("{}\n", "中".repeat(13));
        let (mut buf, mut ends, mut audit) = (String::new(), LineEnds::default(), NoAudit);
        let mut out = Out::known(&mut buf, &mut audit, false, "t", 0, None, Some(&mut ends));
        for _ in 0..20_000 {
            out.push_line(&line);
        }
        assert_eq!(ends.ends(), &newlines(&buf)[..]);
    }

    #[test]
    fn lines_with_known_ends_are_the_lines_found() {
        // Any correct first line ends given (none, some, all): the lines
        // handed out, their offsets and kinds, and what is held, are those
        // of `push`, also after a held piece of an over-long line.
        let pieces = ["ab\n", "中文", "\n", "\n\n", "x", "行。\n"];
        let inputs = crate::testing::Lcg::new(37).mixtures(&pieces, 500, 8);
        let mut rng = crate::testing::Lcg::new(38);
        for input in &inputs {
            let all = newlines(input);
            let known = &all[..rng.below(all.len() + 1)];
            let want: Vec<&str> = crate::text::lines_inclusive(input).collect();
            assert_eq!(known_lines(input, known).collect::<Vec<_>>(), want, "{input:?} {known:?}");
            let held = if rng.below(3) == 0 { "piece" } else { "" };
            let run = |with_known: bool| {
                let (mut text, mut audit) = (String::new(), NoAudit);
                let mut seen = Vec::new();
                let mut f = |s: &str, at: u64, seg: Seg, _: &mut Out<'_>| seen.push((s.to_string(), at, seg));
                let mut lb = LineBuffer::default();
                lb.push(held, &mut Out::new(&mut text, &mut audit, "t", 0), &mut f);
                let mut out = Out::new(&mut text, &mut audit, "t", held.len() as u64);
                if with_known {
                    lb.push_known(input, known, &mut out, &mut f);
                } else {
                    lb.push(input, &mut out, &mut f);
                }
                (seen, lb.pending.clone(), lb.continued)
            };
            assert_eq!(run(true), run(false), "{input:?} {known:?}");
        }
    }

    #[test]
    fn finish_with_does_what_push_and_finish_do() {
        // Every pass of the default pipeline (the line passes' short path
        // and the others' default), on documents of furniture, captions,
        // wrapped text, blank lines and marks: the document pushed up to a
        // cut, then the rest given with the end in one call, against the
        // rest pushed and the end called apart. Same text, same edits.
        use crate::passes::{Compiled, PassId};
        let cfg = crate::CleanConfig::default();
        let compiled = Compiled::new(&cfg).unwrap();
        let pieces = [
            "江城日报 2024年3月1日 第3版\n",
            "图为市民在公园里散步。\n",
            "（王某摄）",
            "倪睿/摄",
            "当前位置：首页 > 新闻\n",
            "市科技局赴陈列室开展主题党日活动并参观",
            "学习，会议强调要加强人才队伍建设。\n",
            "\n",
            "\n\n\n",
            "他说:\"我们出发\"",
            "(上接01版)",
            "版权所有 © 2020",
            "強化人才驅動 增強發展動能\n",
            "   ",
        ];
        let docs = crate::testing::Lcg::new(23).mixtures(&pieces, 300, 12);
        let mut rng = crate::testing::Lcg::new(24);
        for id in PassId::ALL {
            for doc in &docs {
                // Most often where the last line starts; else anywhere.
                let last = doc.rfind('\n').map_or(0, |i| i + 1);
                let mut cut = if rng.below(3) > 0 { last } else { rng.below(doc.len() + 1) };
                while !doc.is_char_boundary(cut) {
                    cut -= 1;
                }
                let (head, rest) = doc.split_at(cut);
                let run = |together: bool| {
                    let mut pass = id.build(&cfg, &compiled).expect("on by default");
                    let (mut text, mut log) = (String::new(), crate::EditLog::default());
                    let name = pass.name();
                    pass.push(head, &mut Out::new(&mut text, &mut log, name, 0)).unwrap();
                    let mut out = Out::new(&mut text, &mut log, name, head.len() as u64);
                    if together {
                        pass.finish_with(rest, &mut out).unwrap();
                    } else {
                        pass.push(rest, &mut out).unwrap();
                        out.advance(rest.len());
                        pass.finish(&mut out).unwrap();
                    }
                    (text, format!("{:?}", log.edits))
                };
                assert_eq!(run(true), run(false), "{id:?} {doc:?} at {cut}");
            }
        }
    }
}
