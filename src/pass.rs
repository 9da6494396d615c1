//! The [`Pass`] trait every cleaning step implements, the [`Out`] sink it
//! writes into, and the [`Audit`] interface that receives its [`Edit`]s.
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

use crate::error::Error;

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

    /// Bytes held back right now.
    fn held_bytes(&self) -> usize;
}

/// One change a pass made, as reported to an [`Audit`].
///
/// `byte` is the offset, in the pass's own input for the current document,
/// of the first byte of `before`. Replacing `after` by `before` at that
/// place, for every edit of a pass in reverse order, rebuilds the pass's
/// input from its output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edit<'a> {
    /// The pass that made the change.
    pub pass: &'static str,
    /// Byte offset of `before` in the pass's input for this document.
    pub byte: u64,
    /// The text that was there.
    pub before: &'a str,
    /// The text that replaced it (empty for a removal).
    pub after: &'a str,
    /// Why, as a stable snake_case reason code (`"fullwidth_ascii"`,
    /// `"space_in_body"`, …).
    pub reason: &'static str,
}

/// A configured limit that a pass reached in a document.
///
/// Every buffer or set a pass keeps that could grow with the input has a
/// cap in [`CleanConfig`](crate::CleanConfig). Past it, the pass goes on
/// with less context (each cap documents what it gives up: a longer look
/// back for repeats, a longer paragraph to join onto, …), and nothing is
/// lost. It is never silent: the hit reaches the [`Audit`], the CLI warns
/// and counts it, and with
/// [`CleanConfig::strict_caps`](crate::CleanConfig::strict_caps) it is an
/// [`ErrorKind::Cap`](crate::ErrorKind::Cap) error instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapHit {
    /// The pass that reached it (`"framer"` for the line cap).
    pub pass: &'static str,
    /// The setting, as the config file spells it: `"dedup.max_windows"`.
    pub setting: &'static str,
    /// Its value.
    pub limit: usize,
    /// Where, as a byte offset in the pass's input for the document.
    pub byte: u64,
    /// What the pass does past it, in a few words.
    pub consequence: &'static str,
}

impl CapHit {
    /// A message naming the cap, what was given up and how to raise it.
    pub fn message(&self) -> String {
        let (table, key) = self.setting.split_once('.').map_or(("", self.setting), |(t, k)| (t, k));
        let raise = if table.is_empty() { format!("`{key} = N`") } else { format!("`{key} = N` under `[{table}]`") };
        format!(
            "{} ({}) reached at byte {} of the pass's input: {}; raise it with {raise} in a --config file",
            self.setting, self.limit, self.byte, self.consequence
        )
    }
}

/// Reports a cap at most once per document: a pass keeps one per cap and
/// resets it at `finish`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CapOnce(bool);

impl CapOnce {
    /// Reports the cap through `out` unless it was this document.
    pub(crate) fn report(
        &mut self,
        out: &mut Out<'_>,
        setting: &'static str,
        limit: usize,
        byte: u64,
        consequence: &'static str,
    ) {
        if self.first() {
            out.cap(setting, limit, byte, consequence);
        }
    }

    /// True the first time in a document, false after.
    pub(crate) fn first(&mut self) -> bool {
        !std::mem::replace(&mut self.0, true)
    }

    /// Whether it was reported in this document.
    pub(crate) fn done(&self) -> bool {
        self.0
    }

    /// A new document.
    pub(crate) fn reset(&mut self) {
        self.0 = false;
    }
}

/// Receives edits, push-model (as grep-searcher's `Sink` receives matches).
pub trait Audit {
    /// Called once per edit, in input order within a pass.
    fn edit(&mut self, edit: &Edit<'_>);
    /// Called when a pass reaches a configured cap (at most once per cap
    /// and document). Default: ignored.
    fn cap(&mut self, _hit: &CapHit) {}
    /// Called when a document ends.
    fn end_document(&mut self) {}
    /// Whether edits are wanted at all. Passes skip building edit strings
    /// when this is false, so a disabled audit costs nothing.
    fn enabled(&self) -> bool {
        true
    }
}

/// The audit that wants nothing: what [`Stream::push`](crate::Stream::push)
/// uses.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoAudit;

impl Audit for NoAudit {
    fn edit(&mut self, _edit: &Edit<'_>) {}
    fn enabled(&self) -> bool {
        false
    }
}

/// An [`Audit`] that keeps every edit, owned. Meant for tests and for
/// small documents.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EditLog {
    /// The edits received so far, in arrival order.
    pub edits: Vec<OwnedEdit>,
    /// The caps reached so far.
    pub caps: Vec<CapHit>,
}

/// An owned copy of an [`Edit`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedEdit {
    /// See [`Edit::pass`].
    pub pass: &'static str,
    /// See [`Edit::byte`].
    pub byte: u64,
    /// See [`Edit::before`].
    pub before: String,
    /// See [`Edit::after`].
    pub after: String,
    /// See [`Edit::reason`].
    pub reason: &'static str,
}

impl Audit for EditLog {
    fn edit(&mut self, e: &Edit<'_>) {
        self.edits.push(OwnedEdit {
            pass: e.pass,
            byte: e.byte,
            before: e.before.to_string(),
            after: e.after.to_string(),
            reason: e.reason,
        });
    }

    fn cap(&mut self, hit: &CapHit) {
        self.caps.push(*hit);
    }
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
}

impl<'a> Out<'a> {
    /// A sink over `text`, with an optional audit. `base` is the offset of
    /// the input about to be pushed, in the pass's input for the document.
    pub fn new(text: &'a mut String, audit: &'a mut dyn Audit, pass: &'static str, base: u64) -> Out<'a> {
        let auditing = audit.enabled();
        Out { text, audit, auditing, pass, base, cap: None }
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
/// use zhclean::pass::{LineBuffer, NoAudit, Out, Seg};
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

/// The callback of [`LineBuffer`]: the text, its offset in the pass's
/// input for the document, its kind, and the output.
pub type LineFn<'f> = dyn FnMut(&str, u64, Seg, &mut Out<'_>) + 'f;

impl LineBuffer {
    /// Hands out the lines of `input` (and a held piece, if more input
    /// shows it continues).
    pub fn push(&mut self, input: &str, out: &mut Out<'_>, f: &mut LineFn<'_>) {
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

    /// End of document: hands out what is held and resets.
    pub fn finish(&mut self, out: &mut Out<'_>, f: &mut LineFn<'_>) {
        if !self.pending.is_empty() {
            let held = std::mem::take(&mut self.pending);
            let at = out.base() - held.len() as u64;
            let seg = if self.continued { Seg::LastPiece } else { Seg::Line };
            f(&held, at, seg, out);
        }
        self.continued = false;
    }

    /// Bytes held.
    pub fn held_bytes(&self) -> usize {
        self.pending.len()
    }
}

/// A pass built on a [`LineBuffer`]: implement [`LinePass::line`] and call
/// the provided [`LinePass::push_lines`] / [`LinePass::finish_lines`] from
/// `Pass::push` / `Pass::finish`. They lend the buffer out while the pass
/// handles each line, which every line pass otherwise writes out by hand.
pub(crate) trait LinePass {
    /// The pass's line buffer.
    fn line_buffer(&mut self) -> &mut LineBuffer;

    /// Handles one line (see [`Seg`]).
    fn line(&mut self, text: &str, at: u64, seg: Seg, out: &mut Out<'_>);

    /// Hands the lines of `input` to [`LinePass::line`].
    fn push_lines(&mut self, input: &str, out: &mut Out<'_>) {
        let mut lines = std::mem::take(self.line_buffer());
        lines.push(input, out, &mut |l, at, seg, out| self.line(l, at, seg, out));
        *self.line_buffer() = lines;
    }

    /// Hands what is held to [`LinePass::line`] at the end of a document.
    fn finish_lines(&mut self, out: &mut Out<'_>) {
        let mut lines = std::mem::take(self.line_buffer());
        lines.finish(out, &mut |l, at, seg, out| self.line(l, at, seg, out));
        *self.line_buffer() = lines;
    }
}
