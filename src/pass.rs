//! The [`Pass`] trait every cleaning step implements and the [`Out`] sink
//! it writes text and [`Edit`]s into.
//!
//! # The line contract
//!
//! The driver (see [`Stream`](crate::Stream)) turns bytes into UTF-8 text
//! and hands each pass *lines*: every `push` receives zero or more lines,
//! each ending in `'\n'`. Only two kinds of push may end without `'\n'`:
//!
//! * the last push of a document (a final line with no terminator), and
//! * a *piece* of a line longer than
//!   [`CleanConfig::max_line_bytes`](crate::CleanConfig::max_line_bytes),
//!   which the driver cut at a safe point; the line continues in the next
//!   push.
//!
//! So a pass never sees a partial character, and never sees a partial line
//! unless the line is longer than the cap. This is what lets eight passes
//! stay simple: the chunk-boundary problem is solved once, in the framer.
//! Passes that judge whole lines build on [`crate::lines`].

use crate::audit::{Audit, CapHit, Edit};
use crate::error::Error;
use crate::lines::LineEnds;

/// One cleaning step over a stream of lines.
///
/// A pass writes every byte whose fate is decided to `out` and holds back
/// the rest; [`Pass::held_bytes`] says how much it holds, and each pass
/// documents its bound (tests assert it after every push).
pub trait Pass: Send {
    /// Stable snake_case name, shared by config, CLI and audit records.
    fn name(&self) -> &'static str;

    /// Takes zero or more lines (see the module docs); may be empty.
    ///
    /// # Errors
    /// A pass may fail when a configured cap is reached.
    fn push(&mut self, input: &str, out: &mut Out<'_>) -> Result<(), Error>;

    /// End of document: flush everything held, then return to the
    /// fresh-document state so the instance can be reused.
    ///
    /// # Errors
    /// As for [`Pass::push`].
    fn finish(&mut self, out: &mut Out<'_>) -> Result<(), Error>;

    /// The document's last input and its end in one call: what
    /// [`Pass::push`] of `input`, [`Out::advance`] past it and
    /// [`Pass::finish`] do. The driver calls it at a document's end, where
    /// a pass holding nothing is handed the last line (of a short
    /// document, often all of it); a pass may override it to do the same
    /// with less work, never anything else.
    ///
    /// # Errors
    /// As for [`Pass::push`] and [`Pass::finish`].
    fn finish_with(&mut self, input: &str, out: &mut Out<'_>) -> Result<(), Error> {
        push_then_finish(self, input, out)
    }

    /// Bytes held back right now.
    fn held_bytes(&self) -> usize;
}

/// Whether a pass takes its shortcuts: the paths that spare work on lines
/// its full path would treat alike. Always, but in the tests that compare
/// a pass with them and without (`off` set there): zero-sized outside
/// tests, where [`Shortcuts::on`] is a constant.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Shortcuts {
    #[cfg(test)]
    pub(crate) off: bool,
}

impl Shortcuts {
    #[cfg(not(test))]
    #[inline(always)]
    pub(crate) fn on(self) -> bool {
        true
    }

    #[cfg(test)]
    pub(crate) fn on(self) -> bool {
        !self.off
    }
}

/// What [`Pass::finish_with`] means, for its default and for a pass that
/// takes its short path only sometimes: `input` pushed, the base moved past
/// it, the pass finished.
pub(crate) fn push_then_finish<P: Pass + ?Sized>(pass: &mut P, input: &str, out: &mut Out<'_>) -> Result<(), Error> {
    pass.push(input, out)?;
    out.advance(input.len());
    pass.finish(out)
}

/// Where a pass writes: the text it decided on, and (when auditing) the
/// edits that explain it.
pub struct Out<'a> {
    text: &'a mut String,
    audit: &'a mut dyn Audit,
    /// Cached `audit.enabled()`.
    auditing: bool,
    pass: &'static str,
    /// Offset of the current push's input in the pass's document input.
    base: u64,
    /// The first cap reached during this call, for the driver.
    cap: Option<CapHit>,
    /// The line ends of the push's input, as far as the pass before noted
    /// them (set by the chain; see [`LineEnds`]).
    lines_in: Option<&'a LineEnds>,
    /// Where the line ends of `text` are noted, when a line pass reads it
    /// next (set by the chain).
    lines_out: Option<&'a mut LineEnds>,
}

impl<'a> Out<'a> {
    /// A sink over `text`, with an optional audit. `base` is the offset of
    /// the input about to be pushed, in the pass's input for the document.
    pub fn new(text: &'a mut String, audit: &'a mut dyn Audit, pass: &'static str, base: u64) -> Out<'a> {
        let auditing = audit.enabled();
        Out::known(text, audit, auditing, pass, base, None, None)
    }

    /// [`Out::new`] with `audit.enabled()` asked already (`auditing`): the
    /// chain asks once for all its passes. With what is known of the
    /// input's line ends, and where to note those of the text written (see
    /// [`LineEnds`]).
    pub(crate) fn known(
        text: &'a mut String,
        audit: &'a mut dyn Audit,
        auditing: bool,
        pass: &'static str,
        base: u64,
        lines_in: Option<&'a LineEnds>,
        lines_out: Option<&'a mut LineEnds>,
    ) -> Out<'a> {
        Out { text, audit, auditing, pass, base, cap: None, lines_in, lines_out }
    }

    /// What is known of the line ends of the input being pushed.
    #[inline]
    pub(crate) fn lines_in(&self) -> &'a [usize] {
        self.lines_in.map_or(&[], LineEnds::ends)
    }

    /// Appends the `'\n'` ending a line the pass wrote in pieces of lines
    /// handed to it (none of them with a `'\n'`, nor anything else it
    /// wrote since the last line end it noted), noting it for the pass
    /// after (see [`Out::push_line`]).
    #[inline(always)]
    pub(crate) fn end_line(&mut self) {
        self.text.push('\n');
        if let Some(ends) = self.lines_out.as_deref_mut() {
            ends.note_end(self.text);
        }
    }

    /// Appends `line`, a line handed to the pass (no `'\n'` but at its end)
    /// or one it wrote anew, noting its end for the pass after, which then
    /// need not search for it. Appending with [`Out::text`] gives the same
    /// text.
    #[inline(always)]
    pub(crate) fn push_line(&mut self, line: &str) {
        debug_assert!(!line.as_bytes()[..line.len().saturating_sub(1)].contains(&b'\n'));
        let start = self.text.len();
        self.text.push_str(line);
        if let Some(ends) = self.lines_out.as_deref_mut() {
            if line.ends_with('\n') {
                ends.note(self.text, start);
            }
        }
    }

    /// The output text buffer; append to it.
    #[inline]
    pub fn text(&mut self) -> &mut String {
        self.text
    }

    /// Whether edits are being recorded. Passes check this before building
    /// the strings of an edit, so auditing costs nothing when it is off.
    #[inline]
    pub fn auditing(&self) -> bool {
        self.auditing
    }

    /// Offset of the current push's input in the pass's input for the
    /// document (for passes that report edits in text they held back).
    #[inline]
    pub fn base(&self) -> u64 {
        self.base
    }

    /// Moves [`Out::base`] past `n` bytes of input: after a push of `n`
    /// bytes through this sink, where the next input starts (see
    /// [`Pass::finish_with`]).
    #[inline]
    pub fn advance(&mut self, n: usize) {
        self.base += n as u64;
    }

    /// Records an edit at `rel_byte`, an offset into the input of the
    /// current push.
    #[inline]
    pub fn edit(&mut self, rel_byte: usize, before: &str, after: &str, reason: &'static str) {
        self.edit_abs(self.base + rel_byte as u64, before, after, reason);
    }

    /// Reports that a configured cap was reached at `byte` (an offset in
    /// the pass's input for the document). Call once per cap and document.
    pub fn cap(&mut self, setting: &'static str, limit: usize, byte: u64, consequence: &'static str) {
        let hit = CapHit { pass: self.pass, setting, limit, byte, consequence };
        self.audit.cap(&hit);
        self.cap.get_or_insert(hit);
    }

    /// The first cap reached through this sink, if any.
    pub fn cap_hit(&self) -> Option<&CapHit> {
        self.cap.as_ref()
    }

    /// Records an edit at `byte`, an offset into the pass's input for the
    /// whole document.
    #[inline]
    pub fn edit_abs(&mut self, byte: u64, before: &str, after: &str, reason: &'static str) {
        if self.auditing {
            self.audit.edit(&Edit { pass: self.pass, byte, before, after, reason });
        }
    }
}
