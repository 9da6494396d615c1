//! What a cut repeat leaves of a line, and whether that is the line's
//! last word: text an earlier pass would remove on a second cleaning goes
//! with the repeat; a line left open waits for the next line.

use super::DedupPass;
use crate::pass::Out;
use crate::text::TrimWs;
use crate::text::SENTENCE_END;

/// Text a decision removes: where (a byte of the pass's input), what, and
/// the reason.
pub(super) type Removal = (u64, String, &'static str);

/// A line whose repeat at its end was cut, leaving it open, or that goes
/// whole after an open line: held until the lines after it say whether
/// `rejoin` would join across on a second cleaning.
#[derive(Debug)]
pub(super) struct Held {
    pub(super) original: String,
    /// What is left of it: empty when it goes whole.
    pub(super) cut: String,
    /// The text `rejoin` would join the next line to: what is left of it,
    /// or, when it goes whole, the open line written before it.
    pub(super) left: String,
    /// (byte, removed text, reason) of the cut's edits.
    pub(super) edits: Vec<Removal>,
    /// Blank lines after it, held with it.
    pub(super) blanks: String,
    /// Lines after it that go whole (a paragraph printed before): where in
    /// `blanks` they stood, their edits, their length. They are no next
    /// line: a second cleaning does not see them.
    pub(super) dropped: Vec<(usize, Vec<Removal>, usize)>,
}

impl Held {
    pub(super) fn new(line: &str, cut: String, left: String, edits: Vec<Removal>) -> Held {
        Held { original: line.to_string(), cut, left, edits, blanks: String::new(), dropped: Vec::new() }
    }

    /// Bytes held after it: blank lines and lines that go.
    pub(super) fn bytes(&self) -> usize {
        self.blanks.len() + self.dropped.iter().map(|d| d.2).sum::<usize>()
    }

    /// Whether `rejoin` may join `left` and `next` on a second cleaning:
    /// for a line cut open, [`may_join`]'s generous test; for a line that
    /// goes whole, `rejoin`'s own (the line before it is whole text, often
    /// a headline, which `may_join` would take for an open sentence, and a
    /// repeat then stays that need not).
    pub(super) fn joins(&self, min_body: usize, next: &str) -> bool {
        if self.cut.is_empty() {
            let rc = crate::passes::rejoin::RejoinConfig { min_body_chars: min_body, ..Default::default() };
            crate::passes::rejoin::join_reason(&rc, &self.left, next).is_some()
        } else {
            may_join(min_body, &self.left, next)
        }
    }
}

/// Blank lines held after a held line, at most; past it the cut is made.
pub(super) const MAX_HELD_BLANKS: usize = 1 << 16;

/// Whether `rejoin` might join `a`, a line left open by a cut, with `b`, the
/// next line, on a second cleaning: both body text by its test (or `b` a
/// short tail ending a sentence), `b` no list item or news lead. Generous:
/// a wrong yes only keeps a repeat; a wrong no would make cleaning again
/// change the text.
pub(super) fn may_join(min_body: usize, a: &str, b: &str) -> bool {
    let (a, b) = (a.trim_ws_end(), b.trim_ws());
    let body = |t: &str| crate::layout::body::is_body(t, min_body);
    !b.is_empty()
        && !crate::text::ends_sentence(a)
        && (body(a) || crate::text::visible_at_least(a, 8))
        && (body(b) || b.ends_with(SENTENCE_END))
        && !crate::layout::leads::opens_paragraph(a, b)
}

/// Whether `kept`, what a cut repeat leaves of a line, is only a short
/// lead-in that the repeat completed: at most [`MAX_LEAD_IN_CHARS`]
/// visible characters ending in a comma or colon (`江泽民说，` before a
/// speech printed earlier in the file). Alone it is no paragraph, so the
/// line goes whole, as a repeat with its attribution.
pub(super) fn is_lead_in(kept: &str) -> bool {
    let t = kept.trim_ws();
    !t.is_empty()
        && t.ends_with(['，', ',', '：', ':'])
        && crate::text::visible_up_to(t, MAX_LEAD_IN_CHARS + 1) <= MAX_LEAD_IN_CHARS
}

/// See [`is_lead_in`].
pub(super) const MAX_LEAD_IN_CHARS: usize = 12;

/// Whether `kept`, what a cut repeat leaves of a line, is a short fragment
/// with no Han character (`(dāng)`, `)`, `2021`): no paragraph of Chinese
/// text, and passes before this one may remove it on a second run (an
/// annotation at a line's start is an orphan to `pinyin`). It goes with the
/// repeat.
pub(super) fn is_fragment(kept: &str) -> bool {
    let t = kept.trim_ws();
    !t.is_empty()
        && !t.chars().any(crate::text::is_han)
        && crate::text::visible_up_to(t, MAX_LEAD_IN_CHARS + 1) <= MAX_LEAD_IN_CHARS
}

impl DedupPass {
    /// Bytes at the start of `s` that an earlier pass removes at a line's
    /// start: toned pinyin annotations (`pinyin`), page-jump markers
    /// (`caption`), and the spaces between them.
    pub(super) fn opening_removed_later(&self, s: &str) -> usize {
        let mut at = 0;
        loop {
            let rest = &s[at..];
            let lead = rest.len() - rest.trim_ws_start().len();
            let t = &rest[lead..];
            let n = if self.after_pinyin { crate::layout::pinyin::annotations_at_start(t) } else { None }
                .or_else(|| if self.after_caption { crate::layout::marks::jump_at_start(t) } else { None });
            match n {
                Some(n) => at += lead + n,
                None => return at,
            }
        }
    }

    /// Bytes at the end of `s` that `caption` removes at a line's end:
    /// page-jump markers and photo notes, with the spaces before them.
    pub(super) fn ending_removed_later(&self, s: &str) -> usize {
        if !self.after_caption {
            return 0;
        }
        let mut end = s.len();
        while let Some(open) = crate::layout::marks::marker_at_end(&s[..end]) {
            end = s[..open].trim_ws_end().len();
        }
        if end == s.len() {
            0
        } else {
            s.len() - end
        }
    }

    /// The reason a line `kept` after a cut goes whole, if it does.
    pub(super) fn left_line_reason(&self, kept: &str) -> Option<&'static str> {
        if self.after_caption && crate::layout::credit::caption_removes_line(kept) {
            Some("caption_left_by_repeat")
        } else if self.after_chrome && crate::layout::chrome::removes_line(kept) {
            Some("chrome_left_by_repeat")
        } else if self.after_heads && crate::layout::furniture::is_running_head(kept) {
            Some("head_left_by_repeat")
        } else if is_lead_in(kept) {
            Some("lead_left_by_repeat")
        } else if is_fragment(kept) {
            Some("fragment_left_by_repeat")
        } else {
            None
        }
    }

    /// Writes the held line: as it was when `undo`, else cut, with its
    /// edits; then the blank lines held after it.
    pub(super) fn release(&mut self, h: Held, undo: bool, out: &mut Out<'_>) {
        if undo {
            out.text().push_str(&h.original);
            self.wrote(&h.original);
        } else {
            for (byte, before, reason) in &h.edits {
                out.edit_abs(*byte, before, "", reason);
            }
            out.text().push_str(&h.cut);
            if !h.cut.is_empty() {
                self.wrote(&h.cut);
            }
        }
        let mut from = 0;
        for (to, edits, _) in &h.dropped {
            out.text().push_str(&h.blanks[from..*to]);
            for (byte, before, reason) in edits {
                out.edit_abs(*byte, before, "", reason);
            }
            from = *to;
        }
        out.text().push_str(&h.blanks[from..]);
    }
}
