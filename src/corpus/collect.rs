//! The audit sink of one document in a corpus run.

use super::audit::{self, PassCounts};
use crate::audit::{Audit, CapHit, Edit, EditLog};
use crate::error::Error;

/// The audit of one document in a corpus run: the edits when they are
/// collected (or only their counts, when no audit file wants them), and
/// the caps reached always.
pub(super) struct Collect {
    pub(super) log: EditLog,
    pub(super) edits: bool,
    /// At most this many edits are kept; more sets `overflow`.
    max: usize,
    overflow: bool,
    /// Counting instead of keeping: a plain-text file is one document of
    /// any size, and stats alone must not hold its edits.
    pub(super) counts: Option<PassCounts>,
}

impl Collect {
    pub(super) fn new(edits: bool, max: usize) -> Collect {
        Collect { log: EditLog::default(), edits, max, overflow: false, counts: None }
    }

    pub(super) fn counting() -> Collect {
        Collect { counts: Some(PassCounts::new()), ..Collect::new(false, 0) }
    }

    /// Adds the audit of the passes after this one's (the tail of a split
    /// stream).
    pub(super) fn absorb(&mut self, tail: Collect) {
        self.log.edits.extend(tail.log.edits);
        self.log.caps.extend(tail.log.caps);
        self.overflow |= tail.overflow || self.log.edits.len() > self.max && self.edits;
        if let (Some(c), Some(t)) = (&mut self.counts, tail.counts) {
            audit::merge(c, t);
        }
    }

    /// The audit cap's error, once it was passed.
    pub(super) fn check(&self) -> Result<(), Error> {
        if self.overflow {
            return Err(Error::cap(format!(
                "more than {} edits in one document held for the audit (--max-audit-edits); \
                 raise it, or split the input into smaller documents",
                self.max
            )));
        }
        Ok(())
    }
}

impl Audit for Collect {
    fn edit(&mut self, e: &Edit<'_>) {
        if let Some(c) = &mut self.counts {
            audit::count_one(c, e.pass, e.reason, e.before, e.after);
        } else if self.edits {
            if self.log.edits.len() < self.max {
                self.log.edit(e);
            } else {
                self.overflow = true;
            }
        }
    }
    fn cap(&mut self, hit: &CapHit) {
        self.log.cap(hit);
    }
    fn enabled(&self) -> bool {
        self.edits || self.counts.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(reason: &'static str) -> Edit<'static> {
        Edit { pass: "punct", byte: 0, before: " ", after: "", reason }
    }

    #[test]
    fn past_the_cap_the_document_fails_naming_it() {
        let mut c = Collect::new(true, 2);
        c.edit(&edit("a"));
        c.edit(&edit("b"));
        assert!(c.check().is_ok());
        c.edit(&edit("c"));
        assert_eq!(c.log.edits.len(), 2, "nothing past the cap is held");
        assert!(c.check().unwrap_err().to_string().contains("--max-audit-edits"));
    }

    #[test]
    fn counting_holds_no_edit_and_absorbs_the_tails_counts() {
        let mut head = Collect::counting();
        head.edit(&edit("a"));
        let mut tail = Collect::counting();
        tail.edit(&edit("a"));
        tail.edit(&edit("b"));
        head.absorb(tail);
        assert!(head.log.edits.is_empty());
        let counts = head.counts.unwrap();
        assert_eq!(counts["punct"]["a"].edits, 2);
        assert_eq!(counts["punct"]["b"].chars_removed, 1);
    }
}
