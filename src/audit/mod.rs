//! What a pass reports besides its text: every [`Edit`] with its reason,
//! every [`CapHit`], to an [`Audit`] sink; and how a trail of edits is
//! undone ([`rebuild_input`]) or mapped back to a document's input
//! ([`map_to_input`]). Corpus mode's stats and audit files build on this.

mod map;

use crate::pass::Out;

pub use map::{apply, map_to_input, rebuild, MappedEdit};
#[cfg(feature = "corpus")]
pub(crate) use map::{back_through, Spans};

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

/// Rebuilds a pass's input for one document from its output and its edits
/// (all from that one pass, in any order).
///
/// # Errors
/// A description of the first edit whose `after` text is not where the
/// edit says, or edits that overlap: the audit does not explain the output.
///
/// ```
/// use zhclean::OwnedEdit;
/// let edits = vec![OwnedEdit { pass: "punct", byte: 3, before: " ".into(), after: "".into(), reason: "space_in_body" }];
/// assert_eq!(zhclean::audit::rebuild_input("在洛阳", &edits).unwrap(), "在 洛阳");
/// ```
pub fn rebuild_input(output: &str, edits: &[OwnedEdit]) -> Result<String, String> {
    let mut edits: Vec<&OwnedEdit> = edits.iter().collect();
    edits.sort_by_key(|e| e.byte);
    let mut rebuilt = String::with_capacity(output.len());
    let (mut in_pos, mut out_pos) = (0u64, 0usize);
    for e in edits {
        if e.byte < in_pos {
            return Err(format!("edit at byte {} overlaps the previous one (ends at {in_pos})", e.byte));
        }
        let same = (e.byte - in_pos) as usize;
        let end = out_pos + same;
        let Some(unchanged) = output.get(out_pos..end) else {
            return Err(format!("edit at byte {}: output too short", e.byte));
        };
        rebuilt.push_str(unchanged);
        if output.get(end..end + e.after.len()) != Some(e.after.as_str()) {
            return Err(format!(
                "edit at byte {} ({}): expected {:?} in the output at {end}, found {:?}",
                e.byte,
                e.reason,
                e.after,
                output.get(end..(end + e.after.len()).min(output.len()))
            ));
        }
        rebuilt.push_str(&e.before);
        out_pos = end + e.after.len();
        in_pos = e.byte + e.before.len() as u64;
    }
    rebuilt.push_str(output.get(out_pos..).ok_or("edits run past the output")?);
    Ok(rebuilt)
}
