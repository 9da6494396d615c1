//! [`Stream`]: one document's state, the framer and the chain of passes.

use super::chain::{strict_error, Chain};
use crate::audit::{Audit, CapHit, CapOnce, NoAudit};
use crate::error::Error;
use crate::pass::{Pass, Shortcuts};
use crate::stream::framer::Framer;

/// What a push hands the framer: bytes to validate, or text that is.
enum Input<'a> {
    Bytes(&'a [u8]),
    Text(&'a str),
}

/// One document's worth of pipeline state: the framer and one instance of
/// each pass. Push bytes in any chunking (including empty pushes and one
/// byte at a time); the output is identical for every chunking.
///
/// After [`Stream::finish`] the stream is ready for the next document.
///
/// ```
/// let cleaner = zhclean::Cleaner::new(Default::default()).unwrap();
/// let mut s = cleaner.stream();
/// let mut out = String::new();
/// let text = "3月30日上午,人才驱动创新发展工作研讨交流活动在 洛阳开幕。\n".as_bytes();
/// for b in text.chunks(1) {
///     s.push(b, &mut out).unwrap();
/// }
/// s.finish(&mut out).unwrap();
/// assert_eq!(out, "3月30日上午，人才驱动创新发展工作研讨交流活动在洛阳开幕。\n");
/// ```
pub struct Stream {
    framer: Framer,
    chain: Chain,
    /// The line cap, reported once per document.
    line_cap: CapOnce,
    /// Tests take a document's last line through `push` and `finish` too,
    /// to compare (see [`Stream::finish`]).
    shortcuts: Shortcuts,
}

impl Stream {
    /// A stream running the given passes in order (for custom pipelines and
    /// for testing a pass on its own).
    pub fn from_passes(passes: Vec<Box<dyn Pass>>, max_line_bytes: usize, lossy: bool) -> Stream {
        let cap = max_line_bytes.max(crate::config::MIN_LINE_BYTES);
        Stream {
            framer: Framer::new(cap, lossy),
            chain: Chain::new(passes, cap),
            line_cap: CapOnce::default(),
            shortcuts: Shortcuts::default(),
        }
    }

    /// Makes reaching a cap an error (see
    /// [`CleanConfig::strict_caps`](crate::CleanConfig::strict_caps)).
    pub fn strict_caps(mut self, on: bool) -> Stream {
        self.chain.strict_caps = on;
        self
    }

    /// Feeds bytes; appends whatever output is decided to `out`.
    ///
    /// # Errors
    /// Invalid UTF-8 (unless lossy), naming byte offset and line; pass caps.
    pub fn push(&mut self, bytes: &[u8], out: &mut String) -> Result<(), Error> {
        self.push_inner(Input::Bytes(bytes), out, &mut NoAudit)
    }

    /// [`Stream::push`], reporting every edit to `audit`.
    ///
    /// # Errors
    /// As [`Stream::push`].
    pub fn push_audited(&mut self, bytes: &[u8], out: &mut String, audit: &mut dyn Audit) -> Result<(), Error> {
        self.push_inner(Input::Bytes(bytes), out, audit)
    }

    /// [`Stream::push`] for text already held as a `str`: it is not
    /// validated again. Output and edits are those of pushing its bytes.
    ///
    /// ```
    /// let cleaner = zhclean::Cleaner::new(Default::default()).unwrap();
    /// let mut s = cleaner.stream();
    /// let mut out = String::new();
    /// s.push_str("研讨交流活动在 洛阳开幕,", &mut out).unwrap();
    /// s.push_str("国内专家齐聚。\n", &mut out).unwrap();
    /// s.finish(&mut out).unwrap();
    /// assert_eq!(out, "研讨交流活动在洛阳开幕，国内专家齐聚。\n");
    /// ```
    ///
    /// # Errors
    /// Pass caps; invalid UTF-8 only where an earlier [`Stream::push`]
    /// ended inside a character this text does not complete.
    pub fn push_str(&mut self, text: &str, out: &mut String) -> Result<(), Error> {
        self.push_inner(Input::Text(text), out, &mut NoAudit)
    }

    /// [`Stream::push_str`], reporting every edit to `audit`.
    ///
    /// # Errors
    /// As [`Stream::push_str`].
    pub fn push_str_audited(&mut self, text: &str, out: &mut String, audit: &mut dyn Audit) -> Result<(), Error> {
        self.push_inner(Input::Text(text), out, audit)
    }

    /// Ends the document: flushes everything held into `out` and resets.
    ///
    /// # Errors
    /// Input that ended inside a UTF-8 character (unless lossy).
    pub fn finish(&mut self, out: &mut String) -> Result<(), Error> {
        self.finish_inner(out, &mut NoAudit)
    }

    /// [`Stream::finish`], reporting edits to `audit`.
    ///
    /// # Errors
    /// As [`Stream::finish`].
    pub fn finish_audited(&mut self, out: &mut String, audit: &mut dyn Audit) -> Result<(), Error> {
        self.finish_inner(out, audit)
    }

    /// Bytes held back by the framer and all passes right now.
    pub fn held_bytes(&self) -> usize {
        self.framer.held_bytes()
            + self.chain.passes.iter().map(|p| p.held_bytes()).sum::<usize>()
            + self.chain.bufs.iter().map(String::len).sum::<usize>()
    }

    /// The names of the passes, in the order they run. Audit consumers use
    /// it to undo edits pass by pass (last pass first) or to map a pass's
    /// offsets back to the document's input.
    pub fn pass_names(&self) -> Vec<&'static str> {
        self.chain.names.clone()
    }

    /// Invalid UTF-8 sequences replaced so far in this document.
    pub fn replaced(&self) -> u64 {
        self.framer.replaced()
    }

    /// Splits the stream after its first `at` passes, so that two threads
    /// can run the halves one after the other on a document: the head keeps
    /// the framer and takes bytes, the [`Tail`] takes what the head writes.
    /// The head records in [`Stream::take_ends`] where each of its pushes
    /// into the passes after it would have ended; pushing those pieces into
    /// the tail one by one, and finishing the tail after the head, gives
    /// the whole stream's output and edits. (Most text would come out the
    /// same in any pieces, but a line cut at the line cap reaches each pass
    /// as the pieces the framer cut, and a pass judges those on their own.)
    #[cfg(feature = "corpus")]
    pub(crate) fn split(mut self, at: usize) -> (Stream, Tail) {
        let tail = self.chain.split_off(at);
        (self, Tail { chain: tail })
    }

    /// The ends, in the output written since the last call, of the pieces
    /// the passes after a split head take one push each (see
    /// [`Stream::split`]); empty for a stream that was not split.
    #[cfg(feature = "corpus")]
    pub(crate) fn take_ends(&mut self) -> Vec<usize> {
        self.chain.take_ends()
    }

    fn push_inner(&mut self, input: Input<'_>, out: &mut String, audit: &mut dyn Audit) -> Result<(), Error> {
        let (chain, line_cap) = (&mut self.chain, &mut self.line_cap);
        let limit = self.framer.cap();
        let mut emit = |text: &str| {
            // The framer hands out unterminated text during a push only
            // when it cut a line longer than the cap.
            if !text.ends_with('\n') && line_cap.first() {
                let byte = chain.bases.first().copied().unwrap_or(0) + text.len() as u64;
                let consequence = "a longer line is cut into pieces, which passes judge as pieces";
                let hit = CapHit { pass: "framer", setting: "max_line_bytes", limit, byte, consequence };
                audit.cap(&hit);
                strict_error(&hit, chain.strict_caps)?;
            }
            chain.push(text, out, &mut *audit)
        };
        match input {
            Input::Bytes(bytes) => self.framer.push(bytes, &mut emit),
            Input::Text(text) => self.framer.push_str(text, &mut emit),
        }
    }

    fn finish_inner(&mut self, out: &mut String, audit: &mut dyn Audit) -> Result<(), Error> {
        self.line_cap.reset();
        let chain = &mut self.chain;
        // The last line, whole (most often all of a short document): it
        // and the end go through the passes in one call each.
        let last = if self.shortcuts.on() { self.framer.take_last() } else { None };
        if let Some(last) = last {
            let done = chain.finish_last(&last, out, &mut *audit);
            self.framer.reuse(last);
            if let Err(e) = done {
                chain.reset();
                return Err(e);
            }
            audit.end_document();
            return Ok(());
        }
        let framed = self.framer.finish(&mut |text| chain.push(text, out, &mut *audit));
        if let Err(e) = framed {
            chain.reset();
            return Err(e);
        }
        chain.finish(out, &mut *audit)?;
        audit.end_document();
        Ok(())
    }
}

/// The passes after a [`Stream::split`]: they take text the head wrote.
#[cfg(feature = "corpus")]
pub(crate) struct Tail {
    chain: Chain,
}

#[cfg(feature = "corpus")]
impl Tail {
    /// Splits the passes after their first `at`, as [`Stream::split`]
    /// splits a stream: the first part records in [`Tail::take_ends`]
    /// where each of its pushes into the second would have ended.
    pub(crate) fn split(mut self, at: usize) -> (Tail, Tail) {
        let rest = self.chain.split_off(at);
        (self, Tail { chain: rest })
    }

    /// As [`Stream::take_ends`], for a tail that was split again.
    pub(crate) fn take_ends(&mut self) -> Vec<usize> {
        self.chain.take_ends()
    }

    /// Runs `text`, a piece of the head's output, through the passes.
    pub(crate) fn push_audited(&mut self, text: &str, out: &mut String, audit: &mut dyn Audit) -> Result<(), Error> {
        self.chain.push(text, out, audit)
    }

    /// Ends the document, after everything the head flushed was pushed.
    pub(crate) fn finish_audited(&mut self, out: &mut String, audit: &mut dyn Audit) -> Result<(), Error> {
        self.chain.finish(out, audit)?;
        audit.end_document();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::audit::{EditLog, OwnedEdit};
    use crate::{CleanConfig, Cleaner, PRESETS};

    /// `text` cleaned in pieces (cut at `cuts`, bytes), with its last line
    /// taken with the end in one call (`on`) or pushed, then finished: the
    /// output, each pass's edits in the order it reported them, the caps.
    fn run(c: &Cleaner, text: &[u8], cuts: &[usize], on: bool) -> (String, Vec<Vec<OwnedEdit>>, usize) {
        let mut s = c.stream();
        s.shortcuts.off = !on;
        let names = s.pass_names();
        let (mut out, mut log) = (String::new(), EditLog::default());
        let mut last = 0;
        for &cut in cuts.iter().chain([&text.len()]) {
            s.push_audited(&text[last..cut], &mut out, &mut log).unwrap();
            last = cut;
        }
        s.finish_audited(&mut out, &mut log).unwrap();
        let by_pass = names.iter().map(|n| log.edits.iter().filter(|e| e.pass == *n).cloned().collect()).collect();
        (out, by_pass, log.caps.len())
    }

    #[test]
    fn the_last_line_with_the_end_is_what_push_and_finish_make() {
        let pieces = [
            "中文",
            "說話",
            "\n",
            "\n\n",
            " ",
            "　",
            "\u{2028}",
            "\u{85}",
            "\r\n",
            "當(dāng)",
            "（王某摄）",
            "图为",
            "⿰",
            "氵青",
            "a,b",
            "(上接01版)",
            "。",
            "首页 > 要闻",
            "版权所有",
            "近年来全市新建改扩建中小学幼儿园一百余所，",
            "学位紧张",
            "“",
            "e\u{301}",
            "１２",
            "\u{feff}",
            "\u{a0}",
            "\u{fffd}",
        ];
        let mut rng = crate::testing::Lcg::new(41);
        let mut docs = rng.mixtures(&pieces, 400, 24);
        docs.extend(["", "\n", "x", "中"].map(String::from));
        let mut cleaners: Vec<Cleaner> =
            PRESETS.iter().map(|p| Cleaner::new(CleanConfig::preset(p).unwrap()).unwrap()).collect();
        // A tiny line cap: a last line over it is cut, and goes the old way.
        cleaners.push(Cleaner::builder().max_line_bytes(crate::MIN_LINE_BYTES).build().unwrap());
        let mut taken = 0;
        for (i, doc) in docs.iter().enumerate() {
            let b = doc.as_bytes();
            // Whole, and in two or three pieces cut anywhere (inside a
            // character too).
            let cuts: Vec<usize> = match i % 3 {
                0 => vec![],
                1 => vec![rng.below(b.len() + 1)],
                _ => {
                    let (x, y) = (rng.below(b.len() + 1), rng.below(b.len() + 1));
                    vec![x.min(y), x.max(y)]
                }
            };
            for c in &cleaners {
                assert_eq!(run(c, b, &cuts, true), run(c, b, &cuts, false), "{doc:?} {cuts:?}");
            }
            taken += usize::from(!doc.is_empty() && !doc.ends_with('\n'));
        }
        assert!(taken > 300, "{taken}");
    }

    #[test]
    fn a_document_ending_inside_a_character_is_finished_as_before() {
        // Lossy: the cut character is replaced at the end, the old way.
        let c = Cleaner::builder().lossy(true).build().unwrap();
        let text = "中文說話".as_bytes();
        let cut = &text[..text.len() - 1];
        assert_eq!(run(&c, cut, &[], true), run(&c, cut, &[], false));
        assert!(run(&c, cut, &[], true).0.starts_with("中文说\u{fffd}"));
    }
}
