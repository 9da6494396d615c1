//! Corpus mode's audit trail: edits counted by pass and reason for
//! `--stats`, and written as JSON lines for `--audit`. The mapping of
//! edits back to a document's input is [`crate::audit`]'s, for any
//! document.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::audit::MappedEdit;
use crate::OwnedEdit;

/// Counts for one reason of one pass.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ReasonCount {
    /// Edits made.
    pub edits: u64,
    /// Characters taken out (or replaced).
    pub chars_removed: u64,
    /// Characters put in.
    pub chars_inserted: u64,
}

/// Edit counts by pass, then reason (both the stable names edits carry).
pub type PassCounts = BTreeMap<&'static str, BTreeMap<&'static str, ReasonCount>>;

/// Adds `edits` to `counts`.
pub fn count<'a>(counts: &mut PassCounts, edits: impl IntoIterator<Item = &'a OwnedEdit>) {
    for e in edits {
        count_one(counts, e.pass, e.reason, &e.before, &e.after);
    }
}

/// Adds the counts of `other` to `counts`.
pub fn merge(counts: &mut PassCounts, other: PassCounts) {
    for (pass, reasons) in other {
        for (reason, c) in reasons {
            let t = counts.entry(pass).or_default().entry(reason).or_default();
            t.edits += c.edits;
            t.chars_removed += c.chars_removed;
            t.chars_inserted += c.chars_inserted;
        }
    }
}

/// Adds one edit to `counts`.
pub fn count_one(counts: &mut PassCounts, pass: &'static str, reason: &'static str, before: &str, after: &str) {
    let c = counts.entry(pass).or_default().entry(reason).or_default();
    c.edits += 1;
    c.chars_removed += before.chars().count() as u64;
    c.chars_inserted += after.chars().count() as u64;
}

/// Which document an audit record belongs to.
#[derive(Clone, Copy, Debug)]
pub struct DocId<'a> {
    /// The input file (or `<stdin>`).
    pub file: &'a str,
    /// 1-based line of a JSONL record; `None` for a plain-text document.
    pub line: Option<u64>,
    /// The record's own `id` value, as raw JSON, if it has one.
    pub id: Option<&'a [u8]>,
}

/// Writes one JSON line per edit:
/// `{"file","line","id","step","pass","reason","byte","pass_byte","removed","inserted"}`
/// (`line` and `id` only when known). `byte` is the offset in the
/// document's input text, `pass_byte` in the pass's own input.
///
/// # Errors
/// Writing failed.
pub fn write_records(w: &mut dyn Write, doc: DocId<'_>, edits: &[MappedEdit]) -> io::Result<()> {
    for m in edits {
        w.write_all(b"{\"file\":")?;
        serde_json::to_writer(&mut *w, doc.file)?;
        if let Some(line) = doc.line {
            write!(w, ",\"line\":{line}")?;
        }
        if let Some(id) = doc.id {
            w.write_all(b",\"id\":")?;
            w.write_all(id)?;
        }
        write!(w, ",\"step\":{},\"pass\":\"{}\",\"reason\":\"{}\"", m.step, m.edit.pass, m.edit.reason)?;
        write!(w, ",\"byte\":{},\"pass_byte\":{},\"removed\":", m.input_byte, m.edit.byte)?;
        serde_json::to_writer(&mut *w, &m.edit.before)?;
        w.write_all(b",\"inserted\":")?;
        serde_json::to_writer(&mut *w, &m.edit.after)?;
        w.write_all(b"}\n")?;
    }
    Ok(())
}
