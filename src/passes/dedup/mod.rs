//! `dedup`: text printed twice within a document keeps its first
//! occurrence.
//!
//! * **Repeated paragraphs** (`duplicate_paragraph`): a line equal to an
//!   earlier one after normalization (whitespace removed, full-width
//!   punctuation and curly quotes folded to ASCII) goes. Lines shorter than
//!   [`DedupConfig::min_paragraph_chars`] (20 by default) are exempt:
//!   bylines, `（完）`, `图为…` and verse lines repeat legitimately and are
//!   short. (Measured: in 1.4 MB of Tang poems and Song ci, 69 couplet lines
//!   of 16–19 characters recur across poems; none of 20 or more does, while
//!   a headline printed twice has 25.)
//! * **Repeated spans** (`duplicate_span`): a stretch of at least
//!   [`DedupConfig::min_span_han`] Han characters (30 by default) that
//!   already appeared earlier in the document, glued at the start or end of
//!   a later paragraph and holding at least one whole sentence (a column
//!   printed twice by the layout), is cut from the later place. Quotes and
//!   slogans repeated on purpose are shorter and stay; so do long names and
//!   phrases an article repeats inside its sentences. When what is left of
//!   the line is one the caption pass removes on its own (a photo credit
//!   `倪睿/摄`, a caption marker `（资料图片）`), the line goes whole
//!   (`caption_left_by_repeat`): caption runs before dedup and would
//!   remove it on a second run. So does a line left that the chrome pass
//!   removes (`chrome_left_by_repeat`: a contact footer after a reply
//!   printed twice). Each check is made only when its pass runs
//!   ([`DedupPass::after_passes`]). A line left as a short lead-in ending
//!   in a comma or colon (`江泽民说，` before a speech printed earlier)
//!   goes too (`lead_left_by_repeat`): alone it is no paragraph; so does a
//!   short fragment with no Han character (`fragment_left_by_repeat`), and
//!   a line `unwrap` takes for a running head (`head_left_by_repeat`: a
//!   date `3月30日` before a paragraph printed twice).
//!   Where a copy diverges from the first print for a few characters (an
//!   OCR error), the span is cut only at a clause or sentence boundary.
//!   A cut may bare another repeat at what is left's end, or leave a
//!   paragraph printed before: that is cut (or the line goes) too, until
//!   nothing more is, as a second cleaning would. A line a cut leaves open
//!   waits for the next line, judged first, as this pass leaves it.
//!
//! Spans are found with a polynomial hash over windows of `min_span_han`
//! normalized characters, each read off the line's prefix hashes: linear
//! time, and one 64-bit hash per window of earlier text. At most
//! [`DedupConfig::max_windows`] windows are kept per document; after that,
//! later text is still checked against them but adds none (so memory stays
//! bounded, and only repeats of text beyond that point go undetected). Hash
//! collisions are not verified; at 64 bits they are negligible.
//!
//! Held bytes: one unterminated line (at most the line cap), plus the
//! window set (8 bytes a window, bounded as above), plus a line a cut left
//! open and the blank lines after it (64 KiB at most), until the next line.
//!
//! ```
//! use zhclean::{CleanConfig, Cleaner};
//! let c = Cleaner::new(CleanConfig::default()).unwrap();
//! let doc = "市科技局赴陈列室开展主题党日活动并参观学习\n正文。\n市科技局赴陈列室开展主题党日活动并参观学习\n";
//! assert_eq!(c.clean(doc), "市科技局赴陈列室开展主题党日活动并参观学习\n正文。\n");
//! ```

use crate::audit::CapOnce;
use crate::lines::{LineBuffer, LinePass, Seg};
use crate::pass::Out;
use crate::text::TrimWs;
use crate::text::{is_han, PROSE_MARKS, SENTENCE_END};

mod leftover;
mod window;

use crate::layout::body::starts_mid_clause;
use leftover::{Held, Removal, MAX_HELD_BLANKS};

use window::{fold, key, normalize_into, runs_at_ends, HashSet64, Windows, BASE};

/// Settings of the `dedup` pass.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DedupConfig {
    /// Repeated lines shorter than this (normalized characters) stay.
    pub min_paragraph_chars: usize,
    /// Repeated spans need at least this many Han characters.
    pub min_span_han: usize,
    /// Window hashes kept per document, at most (and paragraph hashes, at
    /// most as many): past it, text is still checked against what is kept
    /// but adds nothing, so memory is bounded whatever the document's size.
    /// Default 2^18: about 260 000 characters of text remembered, dozens of
    /// newspaper articles, in a 4 MiB table that stays in cache (at 2^20
    /// the 16 MiB table's cache misses cost a tenth of the pipeline's time
    /// on a long plain-text document).
    pub max_windows: usize,
}

impl Default for DedupConfig {
    fn default() -> DedupConfig {
        DedupConfig { min_paragraph_chars: 20, min_span_han: 30, max_windows: 1 << 18 }
    }
}

/// See the module docs.
#[derive(Debug)]
pub struct DedupPass {
    cfg: DedupConfig,
    /// Hashes of the normalized paragraphs seen.
    paragraphs: HashSet64,
    /// Hashes of every window of `min_span_han` normalized characters of
    /// the text kept so far.
    windows: HashSet64,
    /// Whole lines; a piece of a line over the cap is never a repeated
    /// paragraph, but its spans are still checked.
    lines: LineBuffer,
    /// Scratch: normalized characters of a line, with byte offsets.
    norm: Vec<(char, usize)>,
    /// Scratch: the line's window hashes.
    hashes: Windows,
    cap: CapOnce,
    /// A window the set had no room for, seen by `decide`, reported by
    /// `emit`: where, and why it matters.
    cap_hit: Option<(u64, &'static str)>,
    /// Whether the caption pass runs before this one.
    after_caption: bool,
    /// Whether the chrome pass runs before this one.
    after_chrome: bool,
    /// Whether the pinyin pass runs before this one.
    after_pinyin: bool,
    /// Whether `unwrap` runs before this one, taking out running heads.
    after_heads: bool,
    /// The rejoin pass's body-text threshold, when it runs before this one.
    rejoin_min_body: Option<usize>,
    /// Lines cut open at their end, or going whole after an open line,
    /// waiting for a line whose fate is settled (see `Held::joins`).
    pending: Vec<Held>,
    /// The last line written, when it is open (no sentence end): a line
    /// that goes whole after it may leave it to be joined to the next.
    last_open: String,
}

/// The paragraph hash (FNV-1a over the normalized characters) starts here.
const PARA_SEED: u64 = 0xcbf2_9ce4_8422_2325;

impl DedupPass {
    /// A pass with these settings.
    pub fn new(cfg: DedupConfig) -> DedupPass {
        let w = cfg.min_span_han.max(1);
        DedupPass {
            cfg,
            paragraphs: HashSet64::default(),
            windows: HashSet64::default(),
            lines: LineBuffer::default(),
            norm: Vec::new(),
            hashes: Windows::new(w),
            cap: CapOnce::default(),
            cap_hit: None,
            after_caption: true,
            after_chrome: true,
            after_pinyin: true,
            after_heads: false,
            rejoin_min_body: None,
            pending: Vec::new(),
            last_open: String::new(),
        }
    }

    /// Says whether the caption and chrome passes run before this one
    /// (both, by default): a line a repeat leaves goes whole only when one
    /// of them would remove it on a second run.
    pub fn after_passes(mut self, caption: bool, chrome: bool) -> DedupPass {
        (self.after_caption, self.after_chrome) = (caption, chrome);
        self
    }

    /// Says whether the rejoin pass runs before this one, with its body
    /// threshold (by default it does not): then a line a cut leaves open is
    /// held until the next line says whether rejoin would join the two.
    pub fn after_rejoin(mut self, min_body_chars: Option<usize>) -> DedupPass {
        self.rejoin_min_body = min_body_chars;
        self
    }

    /// Says whether `unwrap` runs before this one taking out running heads
    /// (by default it does not): then a line a cut leaves that is one
    /// (`3月30日`, a date) goes whole.
    pub fn after_heads(mut self, heads: bool) -> DedupPass {
        self.after_heads = heads;
        self
    }

    /// Says whether the pinyin pass runs before this one (by default it
    /// does): then an annotation a cut leaves at a line's start goes.
    pub fn after_pinyin(mut self, pinyin: bool) -> DedupPass {
        self.after_pinyin = pinyin;
        self
    }

    /// One pass over `content`: the prefix hashes that give its window
    /// hashes into `self.hashes` (see [`Windows`]), and the normalized
    /// length and paragraph hash. The normalized characters themselves are
    /// only needed when a span repeats, which is rare, so they are not kept
    /// (`normalize_into` rebuilds them then).
    fn scan(&mut self, content: &str) -> (usize, u64) {
        let pre = &mut self.hashes.pre;
        pre.clear();
        pre.push(0);
        let (mut para, mut h) = (PARA_SEED, 0u64);
        let mut rest = content.as_bytes();
        while let [x, tail @ ..] = rest {
            // Runs of the characters below led by E4-E9 (most of the
            // text) go four or two a step: their keys read off big-endian
            // words of the bytes, their prefix hashes put with one
            // capacity check. (8 a step cost more: runs are short.)
            if let Some((word, _)) = rest.split_first_chunk::<14>() {
                let at = |k: usize| u64::from_be_bytes(word[k..k + 8].try_into().expect("eight bytes"));
                if let Some([a, b]) = two_wide(at(0)) {
                    if let Some([c, d]) = two_wide(at(6)) {
                        rest = &rest[12..];
                        let hs = [a, b, c, d].map(|f| {
                            para = (para ^ f).wrapping_mul(BASE);
                            h = h.wrapping_mul(BASE).wrapping_add(f);
                            h
                        });
                        pre.extend_from_slice(&hs);
                        continue;
                    }
                }
            }
            if let Some((word, _)) = rest.split_first_chunk::<8>() {
                if let Some(fs) = two_wide(u64::from_be_bytes(*word)) {
                    rest = &rest[6..];
                    let hs = fs.map(|f| {
                        para = (para ^ f).wrapping_mul(BASE);
                        h = h.wrapping_mul(BASE).wrapping_add(f);
                        h
                    });
                    pre.extend_from_slice(&hs);
                    continue;
                }
            }
            // A character led by E4-E9 (U+4000-U+9FFF, most of the text)
            // folds to itself, and its key is its bytes (see `key`): taken
            // here as they are, the slice pattern sparing the bounds checks
            // of indexing. ASCII folds to itself too, but for whitespace.
            let f = if let ([y, z, after @ ..], 0xE4..=0xE9) = (tail, x) {
                rest = after;
                u64::from(*x) << 16 | u64::from(*y) << 8 | u64::from(*z)
            } else if x.is_ascii() {
                rest = tail;
                if matches!(x, b' ' | b'\t'..=b'\r') {
                    continue;
                }
                u64::from(*x)
            } else {
                let c = content[content.len() - rest.len()..].chars().next().expect("a character starts here");
                rest = &rest[c.len_utf8()..];
                let Some(f) = fold(c) else { continue };
                key(f)
            };
            para = (para ^ f).wrapping_mul(BASE);
            h = h.wrapping_mul(BASE).wrapping_add(f);
            pre.push(h);
        }
        (pre.len() - 1, para)
    }

    fn judge(&mut self, line: &str, at: u64, seg: Seg, out: &mut Out<'_>) {
        if self.pending.is_empty() && self.alone(line, seg) {
            // Kept, and what `emit` notes of a line written is for the
            // lines after it: there are none.
            out.push_line(line);
            return;
        }
        if !self.pending.is_empty() {
            let blank = seg == Seg::Line && line.ends_with('\n') && line.is_blank();
            let held: usize = self.pending.iter().map(Held::bytes).sum();
            if blank && held + line.len() <= MAX_HELD_BLANKS {
                self.pending.last_mut().expect("a line is held").blanks.push_str(line);
                return;
            }
            if !blank && seg == Seg::Line && held + line.len() <= MAX_HELD_BLANKS {
                // The next line is judged first: a second cleaning sees it
                // as this pass leaves it. A line that goes whole is no next
                // line, and one left open waits too: the decisions wait for
                // a line whose fate is settled, and are made from the last
                // held line back.
                let verdict = self.decide(line, at, seg);
                let next = match &verdict {
                    Verdict::Gone(edits) => {
                        let h = self.pending.last_mut().expect("a line is held");
                        h.dropped.push((h.blanks.len(), edits.clone(), line.len()));
                        return;
                    }
                    Verdict::Cut { hold: true, .. } => {
                        self.emit(verdict, line, out);
                        return;
                    }
                    Verdict::Keep => line,
                    Verdict::Cut { kept, .. } => kept.as_str(),
                };
                self.settle(Some(next), out);
                self.emit(verdict, line, out);
                return;
            }
            let next = (seg == Seg::Line && !blank).then_some(line);
            self.settle(next, out);
        }
        let verdict = self.decide(line, at, seg);
        self.emit(verdict, line, out);
    }

    /// Decides the held lines, from the last back, given the line after
    /// them as it is written (none at a document's end, or after a piece
    /// of an over-long line): each stays as it was when `rejoin` may join
    /// it to what follows it, else it is cut. Then writes them.
    pub(super) fn settle(&mut self, next: Option<&str>, out: &mut Out<'_>) {
        if self.pending.is_empty() {
            return;
        }
        let min_body = self.rejoin_min_body.unwrap_or(usize::MAX);
        let mut undo = vec![false; self.pending.len()];
        let mut next = next.map(str::to_string);
        for (i, h) in self.pending.iter().enumerate().rev() {
            undo[i] = next.as_deref().is_some_and(|t| h.joins(min_body, t));
            let written = if undo[i] { &h.original } else { &h.cut };
            if !written.is_blank() {
                next = Some(written.clone());
            }
        }
        for (h, undo) in std::mem::take(&mut self.pending).into_iter().zip(undo) {
            self.release(h, undo, out);
        }
    }

    /// Writes what [`DedupPass::decide`] said of `line`.
    fn emit(&mut self, verdict: Verdict, line: &str, out: &mut Out<'_>) {
        if let Some((at, why)) = self.cap_hit.take() {
            self.cap.report(out, "dedup.max_windows", self.cfg.max_windows, at, why);
        }
        match verdict {
            Verdict::Keep => {
                out.push_line(line);
                self.wrote(line);
            }
            // A line that goes after an open one leaves that one next to
            // the line after it, which `rejoin` (which ran before) may join
            // on a second cleaning: the next line decides, as for a cut
            // that leaves a line open.
            Verdict::Gone(edits) if self.rejoin_min_body.is_some() && !self.last_open.is_empty() => {
                let left = self.last_open.clone();
                self.pending.push(Held::new(line, String::new(), left, edits));
            }
            Verdict::Gone(edits) => {
                for (byte, before, reason) in edits {
                    out.edit_abs(byte, &before, "", reason);
                }
            }
            Verdict::Cut { edits, kept, hold: true } => {
                self.pending.push(Held::new(line, kept.clone(), kept, edits));
            }
            Verdict::Cut { edits, kept, hold: false } => {
                for (byte, before, reason) in edits {
                    out.edit_abs(byte, &before, "", reason);
                }
                out.text().push_str(&kept);
                self.wrote(&kept);
            }
        }
    }

    /// Notes a line written: kept when it is open (see `last_open`). A
    /// blank line changes nothing: `rejoin` joins across blank lines.
    pub(super) fn wrote(&mut self, line: &str) {
        let t = line.trim_ws_end();
        if t.is_empty() {
            return;
        }
        self.last_open.clear();
        if !crate::text::ends_sentence(t) {
            self.last_open.push_str(t);
        }
    }

    /// What goes of `line`, and what is left; the windows of what is left
    /// are remembered.
    fn decide(&mut self, line: &str, at: u64, seg: Seg) -> Verdict {
        if self.too_short(line) {
            return Verdict::Keep;
        }
        self.decide_scanned(line, at, seg)
    }

    /// Whether `line` is its document's only line that holds anything to
    /// remember: the last line (a whole one without its `'\n'`, which the
    /// line buffer hands out only at the document's end), with no
    /// paragraph or window remembered before it. Nothing before it can
    /// repeat, and nothing after it is checked against it, so
    /// [`DedupPass::decide_scanned`] would keep it, and what it remembered
    /// would go at the document's end unread. (A crawl's record of one
    /// paragraph: dedup was an eighth of the pipeline's instructions on
    /// it.) Not a line of more bytes than the set takes windows: it may
    /// have more windows than that, and the full decision reports the cap.
    fn alone(&self, line: &str, seg: Seg) -> bool {
        seg == Seg::Line
            && !line.ends_with('\n')
            && self.paragraphs.is_empty()
            && self.windows.is_empty()
            && line.len() <= self.cfg.max_windows
    }

    /// Whether `line` has fewer characters than a paragraph needs and than
    /// a window holds: then it is neither a repeated paragraph nor holds a
    /// window (its characters, whitespace among them, bound its normalized
    /// count), and [`DedupPass::decide_scanned`] would keep it and remember
    /// nothing of it. (A headline, a byline, a crawl's short record: not
    /// scanned. Counted only in a line short enough for the answer to be
    /// yes, a character being at most four bytes.)
    fn too_short(&self, line: &str) -> bool {
        let content = line.strip_suffix('\n').unwrap_or(line);
        let fewest = self.cfg.min_paragraph_chars.min(self.cfg.min_span_han.max(1));
        // (Not `text::chars_of`, the word-at-a-time count: called from here
        // too, it stopped being inlined into caption's length test, which
        // then cost 1.4M instructions more on the 4 MB head, 1.2M more in
        // all than this loop; on a line under 80 bytes the loop is cheap.)
        let chars = || content.bytes().filter(|&x| x & 0xC0 != 0x80).count();
        content.len() < fewest.saturating_mul(4) && chars() < fewest
    }

    /// [`DedupPass::decide`] past the length test.
    fn decide_scanned(&mut self, line: &str, at: u64, seg: Seg) -> Verdict {
        let content = line.strip_suffix('\n').unwrap_or(line);
        let (n, para) = self.scan(content);
        // A paragraph the set had no room for (a cap hit).
        let mut new_paragraph_dropped = false;
        // A repeated paragraph.
        if n >= self.cfg.min_paragraph_chars && seg == Seg::Line {
            // Past the cap, paragraphs are still checked but not added, as
            // windows are: memory stays bounded on any document.
            let seen = if self.paragraphs.len() < self.cfg.max_windows {
                !self.paragraphs.insert(para)
            } else {
                let seen = self.paragraphs.contains(para);
                new_paragraph_dropped = !seen;
                seen
            };
            // A table's header row, repeated over a second table, stays.
            if seen && !crate::layout::body::is_table_row(content) {
                return Verdict::Gone(vec![(at, line.to_string(), "duplicate_paragraph")]);
            }
        }
        // Repeated spans at the line's ends, cut; a cut may bare another
        // repeat at what is left's end (`洛阳P(上接01版)P…` after `P…`: the
        // second `P` is cut, then the first is at the end). A second
        // cleaning would cut that, so it is cut now, until nothing more is.
        // `cuts` are byte ranges of `content`, ascending, not touching.
        let (mut cuts, mut cut_at_end) = self.span_cuts(content, n);
        let mut whole = None;
        let mut kept = String::new();
        let mut rounds_left = content.len();
        while !cuts.is_empty() {
            kept.clear();
            let mut last = 0;
            for &(from, to, _) in &cuts {
                kept.push_str(&content[last..from]);
                last = to;
            }
            kept.push_str(&content[last..]);
            // What the repeat leaves may be a photo credit or caption
            // (`倪睿/摄`, `（资料图片）` glued before a column printed twice):
            // the caption pass, which ran before, would remove that line if
            // it saw it, so a second run of the pipeline would; then the
            // line goes now, whole. So does what is left when it is a
            // paragraph printed before.
            let (kn, kpara) = self.scan(&kept);
            whole = self.left_line_reason(&kept);
            if whole.is_none()
                && seg == Seg::Line
                && kn >= self.cfg.min_paragraph_chars
                && self.paragraphs.contains(kpara)
                && !crate::layout::body::is_table_row(&kept)
            {
                whole = Some("duplicate_paragraph");
            }
            rounds_left = rounds_left.saturating_sub(1);
            if whole.is_some() || rounds_left == 0 {
                break;
            }
            let (more, at_end) = self.span_cuts(&kept, kn);
            if more.is_empty() {
                break;
            }
            cut_at_end |= at_end;
            for (from, to, reason) in more {
                add_cut(&mut cuts, from, to, reason);
            }
        }
        if !cuts.is_empty() {
            kept.push_str(&line[content.len()..]);
        }
        let mut edits: Vec<Removal> = Vec::new();
        let mut last = 0;
        for &(from, to, reason) in &cuts {
            if let Some(why) = whole.filter(|_| last < from) {
                edits.push((at + last as u64, content[last..from].to_string(), why));
            }
            edits.push((at + from as u64, content[from..to].to_string(), reason));
            last = to;
        }
        if let Some(why) = whole {
            if last < line.len() {
                edits.push((at + last as u64, line[last..].to_string(), why));
            }
            return Verdict::Gone(edits);
        }
        // A repeat cut from a line's end that leaves it open (`…。——`) is
        // decided by the next line: if `rejoin` (which ran before) would
        // join the two on a second cleaning, the line stays as it was.
        let open_end = cut_at_end && !crate::text::ends_sentence(&kept);
        let hold = open_end && seg == Seg::Line && self.rejoin_min_body.is_some();
        // Remember the kept text's windows, up to the cap. (`self.hashes`
        // holds them: the loop above scanned what it left last, and
        // `span_cuts` puts the hashes back as it found them.)
        let mut dropped = new_paragraph_dropped;
        let hashes = std::mem::take(&mut self.hashes);
        let mut from = 0;
        while from < hashes.len() {
            // As many as may go in before the cap, with room made once (a
            // repeat adds nothing, so the cap is asked again after them).
            let room = self.cfg.max_windows.saturating_sub(self.windows.len());
            if room == 0 {
                // Past the cap a window is looked up only to say once that
                // one is dropped: a cache miss per line on a long document.
                if !dropped && !self.cap.done() {
                    dropped = hashes.range(from, hashes.len()).any(|h| !self.windows.contains(h));
                }
                break;
            }
            let now = room.min(hashes.len() - from);
            self.windows.extend(hashes.range(from, from + now), self.cfg.max_windows);
            from += now;
        }
        self.hashes = hashes;
        if dropped {
            let why: &'static str =
                "later text is checked against what is kept but not remembered: repeats of it go undetected";
            self.cap_hit = Some((at, why));
        }
        if cuts.is_empty() {
            Verdict::Keep
        } else {
            Verdict::Cut { edits, kept, hold }
        }
    }

    /// The repeats to cut at `content`'s two ends (its window hashes in
    /// `self.hashes`, `n` normalized characters), with the markers a cut
    /// bares that an earlier pass would remove: byte ranges, ascending,
    /// and whether one reaches the end.
    fn span_cuts(&mut self, content: &str, n: usize) -> (Vec<(usize, usize, &'static str)>, bool) {
        let w = self.cfg.min_span_han.max(1);
        // Runs of seen windows at the two ends.
        let hashes = std::mem::take(&mut self.hashes);
        let mut spans = runs_at_ends(&hashes, w, n, &self.windows);
        let mut norm = std::mem::take(&mut self.norm);
        norm.clear();
        if !spans.is_empty() {
            normalize_into(content, &mut norm);
        }
        // A column printed twice holds at least one whole sentence; a long
        // name or phrase that the article repeats on purpose sits inside a
        // sentence. Keep only the former shape.
        spans.retain(|&(s, e)| {
            let han = norm[s..e].iter().filter(|(c, _)| is_han(*c)).count();
            let sentence = norm[s..e].iter().any(|(c, _)| SENTENCE_END.contains(c));
            han >= w && sentence
        });
        // Where a copy diverges from the first print for a character or
        // three inside a word (an OCR error in it, `提供内质服务` against
        // `提供优质服务`), the windows stop matching mid-word, and a cut there
        // left half a word (`…提供内`). The sign: Han on both sides of the
        // edge, and the windows matching again past the differing
        // characters. Such a span is cut at a clause or sentence mark inside
        // it instead (the side that stays keeps the mark). A repeat glued
        // to other text (a credit, a lead-in, `要强化互动、`) is cut where it
        // starts, as before.
        let byte_end = |e: usize| norm[e - 1].1 + content[norm[e - 1].1..].chars().next().map_or(0, char::len_utf8);
        let ends_clause = |k: usize| PROSE_MARKS.contains(&norm[k].0);
        let seen = |i: usize| hashes.get(i).is_some_and(|h| self.windows.contains(h));
        // The evidence is windows of text that stays: a window inside a
        // repeat cut at the other end of the line is gone on a second
        // cleaning, which must judge alike (`P科技部P` after `P`: the first
        // `P` is cut, and `科技部` is no divergence of the second).
        let lead_end = spans.first().filter(|&&(s, e)| s == 0 && e < n).map_or(0, |&(_, e)| e);
        let tail_start = spans.last().filter(|&&(s, e)| s > 0 && e == n).map_or(n, |&(s, _)| s);
        for (s, e) in &mut spans {
            if *s > 0 && is_han(norm[*s - 1].0) && is_han(norm[*s].0) {
                let diverged = (1..=3).any(|d| *s >= d + w + lead_end && seen(*s - d - w));
                if diverged {
                    *s = (*s..*e).find(|&k| ends_clause(k)).map_or(*e, |k| k + 1);
                }
            }
            if *e < n && *e > *s && is_han(norm[*e - 1].0) && is_han(norm[*e].0) {
                let diverged = (1..=3).any(|d| *e + d + w <= tail_start && seen(*e + d));
                if diverged {
                    *e = (*s..*e).rev().find(|&k| ends_clause(k)).map_or(*s, |k| k + 1);
                }
            }
        }
        // What a move left must still be a repeat worth cutting.
        spans.retain(|&(s, e)| {
            s < e
                && norm[s..e].iter().filter(|(c, _)| is_han(*c)).count() >= w
                && norm[s..e].iter().any(|(c, _)| SENTENCE_END.contains(c))
        });
        // A repeat cut from a line's start must not leave it opening with
        // the tail of a word (`的、…`): `rejoin` would join that to an open
        // line before it on a second run. The repeat stays.
        if let Some(&(0, e)) = spans.first() {
            if starts_mid_clause(&content[byte_end(e)..]) {
                spans.remove(0);
            }
        }
        // Byte ranges of the spans in `content`.
        let mut cuts: Vec<(usize, usize, &'static str)> =
            spans.iter().map(|&(s, e)| (norm[s].1, byte_end(e), "duplicate_span")).collect();
        // A cut may leave the line opening with what an earlier pass removes
        // at a line's start (a pinyin annotation, a page-jump marker), or
        // ending with what `caption` removes at a line's end (a page-jump
        // marker, a photo note): on a second run those passes would. It
        // goes with the repeat.
        if let (Some(&(0, _)), Some(&(_, to, _))) = (spans.first(), cuts.first()) {
            let k = self.opening_removed_later(&content[to..]);
            if k > 0 && cuts.get(1).is_none_or(|next| next.0 >= to + k) {
                cuts.insert(1, (to, to + k, "marker_left_by_repeat"));
            }
        }
        if let (Some(&(_, e)), Some(&(from, _, _))) = (spans.last(), cuts.last()) {
            let before = &content[..from];
            let k = self.ending_removed_later(before);
            let prev_end = if cuts.len() > 1 { cuts[cuts.len() - 2].1 } else { 0 };
            if e == n && k > 0 && from - k >= prev_end {
                let i = cuts.len() - 1;
                cuts.insert(i, (from - k, from, "marker_left_by_repeat"));
            }
        }
        let at_end = spans.last().is_some_and(|&(s, e)| s > 0 && e == n);
        self.hashes = hashes;
        self.norm = norm;
        (cuts, at_end)
    }
}

/// Adds the range `from..to` of what is left after `cuts` (byte ranges of
/// the original, ascending) to them, as a range of the original: its parts
/// not cut already.
fn add_cut(cuts: &mut Vec<(usize, usize, &'static str)>, from: usize, to: usize, reason: &'static str) {
    // Offsets in what is left, to offsets in the original: a start skips a
    // cut it meets, an end stops before one.
    let (mut f, mut t) = (from, to);
    for &(a, b, _) in cuts.iter() {
        if a <= f {
            f += b - a;
        }
        if a < t {
            t += b - a;
        }
    }
    let mut pieces = Vec::new();
    let mut at = f;
    for &(a, b, _) in cuts.iter() {
        if b <= at || a >= t {
            continue;
        }
        if at < a {
            pieces.push((at, a, reason));
        }
        at = at.max(b);
    }
    if at < t {
        pieces.push((at, t, reason));
    }
    cuts.extend(pieces);
    cuts.sort_unstable_by_key(|c| c.0);
}

/// What [`DedupPass::decide`] says of a line.
#[derive(Debug)]
enum Verdict {
    /// It stays as it is.
    Keep,
    /// It goes whole, with these edits (byte, removed text, reason).
    Gone(Vec<Removal>),
    /// Repeats are cut from it, leaving `kept`; `hold` when what is left is
    /// open and the next line decides (see `Held::joins`).
    Cut { edits: Vec<Removal>, kept: String, hold: bool },
}

impl LinePass for DedupPass {
    fn name(&self) -> &'static str {
        super::PassId::Dedup.name()
    }

    fn line_buffer(&mut self) -> &mut LineBuffer {
        &mut self.lines
    }

    fn buffered(&self) -> usize {
        self.lines.held_bytes()
    }

    fn held_besides_lines(&self) -> usize {
        self.pending.iter().map(|h| h.original.len() + h.cut.len() + h.left.len() + h.bytes()).sum()
    }

    fn line(&mut self, text: &str, at: u64, seg: Seg, out: &mut Out<'_>) {
        self.judge(text, at, seg, out);
    }

    fn before_push(&mut self, input: &str) {
        if self.windows.is_empty() {
            // About one window per character (3 bytes) of this push, up to
            // 2^15: growing from empty otherwise rehashes a dozen times per
            // document, but sizing for a big push up front makes a table
            // the text may never fill, whose cache misses then cost more
            // per character on a long document than on a short one.
            self.windows.reserve((input.len() / 3).min(self.cfg.max_windows).min(1 << 15), self.cfg.max_windows);
        }
    }

    fn end_document(&mut self, out: &mut Out<'_>) {
        self.settle(None, out);
        self.last_open.clear();
        self.paragraphs.clear();
        self.windows.clear();
        self.cap.reset();
    }
}

/// The keys of the two characters a big-endian word of text starts
/// with, when both are led by E4-E9 (U+4000-U+9FFF): each key is its
/// character's three bytes (see `key`).
#[inline(always)]
fn two_wide(w: u64) -> Option<[u64; 2]> {
    let lead = |s: u32| ((w >> s) & 0xFF).wrapping_sub(0xE4) < 6;
    (lead(56) && lead(32)).then_some([w >> 40, (w >> 16) & 0xFF_FFFF])
}

#[cfg(test)]
mod tests {
    use super::leftover::may_join;
    use super::*;
    use crate::audit::EditLog;

    fn run(input: &str) -> (String, EditLog) {
        crate::testing::run_pass(&mut DedupPass::new(DedupConfig::default()), input)
    }

    #[test]
    fn the_scan_by_bytes_is_the_scan_of_folded_characters() {
        // Lines of Han (U+4000 and U+9FFF, the block's ends; a hexagram
        // U+4DC0 under the same lead byte; U+3400 under another), the
        // characters `fold` changes or drops (full-width marks, curly
        // quotes, U+3000 and other spaces), ASCII, Yi and astral text.
        let pieces: Vec<char> =
            "中\u{4000}\u{9FFF}\u{4DC0}\u{3400}，；：？！（）“”‘’\u{3000}\u{2003}\u{1680} \t\n\r\x0B\x0C\x1Ca7,\u{A000}\u{20000}é\u{85}"
                .chars()
                .collect();
        let mut pass = DedupPass::new(DedupConfig::default());
        let mut rng = crate::testing::Lcg::new(11);
        for _ in 0..3000 {
            // Runs of Han of every length too, which the scan takes four
            // and two at a time (and at the line's end, closer than a
            // word to it).
            let mut line = String::new();
            for _ in 0..rng.below(30) {
                let run = if rng.below(3) == 0 { 1 + rng.below(14) } else { 1 };
                let han = run > 1 || rng.below(2) == 0;
                for _ in 0..run {
                    line.push(if han { pieces[rng.below(4)] } else { pieces[rng.below(pieces.len())] });
                }
            }
            let (mut para, mut h, mut pre) = (PARA_SEED, 0u64, vec![0u64]);
            for f in line.chars().filter_map(fold).map(key) {
                para = (para ^ f).wrapping_mul(BASE);
                h = h.wrapping_mul(BASE).wrapping_add(f);
                pre.push(h);
            }
            assert_eq!(pass.scan(&line), (pre.len() - 1, para), "{line:?}");
            assert_eq!(pass.hashes.pre, pre, "{line:?}");
        }
    }

    #[test]
    fn dedup_keeps_the_first_of_a_repeated_paragraph() {
        let doc = "市科技局赴“时代楷模陈俊武陈列室” 开展主题党日活动\n正文。\n市科技局赴\"时代楷模陈俊武陈列室\"开展主题党日活动\n";
        let (out, log) = run(doc);
        assert_eq!(out, "市科技局赴“时代楷模陈俊武陈列室” 开展主题党日活动\n正文。\n");
        assert_eq!(log.edits[0].reason, "duplicate_paragraph");
        assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), doc);
    }

    #[test]
    fn a_line_too_short_to_scan_is_kept_and_remembered_by_none() {
        // Documents of lines of every length about the thresholds (spaces,
        // ASCII, marks, astral characters among Han, repeats among them),
        // under the default and other thresholds: a line the length test
        // passes over is one the full decision keeps, remembering none of
        // it.
        let pieces =
            ["甲乙丙丁戊", "己庚", "。", "，", " ", "  ", "ab", "7", "𠀀", "“", "天地玄黄宇宙洪荒", "\u{3000}"];
        let mut rng = crate::testing::Lcg::new(31);
        let mut docs = rng.mixtures(&pieces, 400, 12);
        docs.extend(rng.mixtures(&pieces, 400, 40));
        let configs = [
            DedupConfig::default(),
            DedupConfig { min_paragraph_chars: 5, min_span_han: 8, ..DedupConfig::default() },
            DedupConfig { min_paragraph_chars: 40, min_span_han: 3, ..DedupConfig::default() },
            DedupConfig { min_paragraph_chars: 0, min_span_han: 0, ..DedupConfig::default() },
        ];
        let mut short = 0;
        for cfg in configs {
            let mut pass = DedupPass::new(cfg.clone());
            for (k, line) in docs.iter().enumerate() {
                let line = format!("{line}\n");
                if pass.too_short(&line) {
                    short += 1;
                    let (p, w) = (pass.paragraphs.len(), pass.windows.len());
                    assert!(matches!(pass.decide_scanned(&line, 0, Seg::Line), Verdict::Keep), "{line:?} {cfg:?}");
                    assert_eq!((pass.paragraphs.len(), pass.windows.len()), (p, w), "{line:?} {cfg:?}");
                } else {
                    let _ = pass.decide(&line, 0, Seg::Line);
                }
                if k % 50 == 49 {
                    pass.paragraphs.clear();
                    pass.windows.clear();
                }
            }
        }
        assert!(short > 300, "{short}");
    }

    #[test]
    fn a_documents_only_line_is_kept_without_a_scan() {
        // A document's last line (no `'\n'`) with nothing remembered before
        // it: the full decision keeps it and reports no cap, under any
        // thresholds and caps (lines repeating spans within themselves,
        // lines over a small cap); and a line with a newline, a piece, or
        // a line after one that was remembered, takes the full decision.
        let pieces =
            ["天地玄黄宇宙洪荒日月盈昃辰宿列张", "甲乙丙丁戊己庚辛。", "，", " ", "ab", "7", "𠀀", "“", "\u{3000}"];
        let mut rng = crate::testing::Lcg::new(37);
        let mut lines = rng.mixtures(&pieces, 300, 6);
        lines.extend(rng.mixtures(&pieces, 300, 30));
        let configs = [
            DedupConfig::default(),
            DedupConfig { min_paragraph_chars: 5, min_span_han: 8, ..DedupConfig::default() },
            DedupConfig { min_paragraph_chars: 0, min_span_han: 0, ..DedupConfig::default() },
            DedupConfig { max_windows: 40, ..DedupConfig::default() },
            DedupConfig { min_span_han: 3, max_windows: 0, ..DedupConfig::default() },
            DedupConfig { min_paragraph_chars: 1000, min_span_han: 3, ..DedupConfig::default() },
        ];
        let (mut alone, mut capped) = (0, 0);
        for cfg in configs {
            for line in &lines {
                let mut pass = DedupPass::new(cfg.clone());
                assert!(!pass.alone(&format!("{line}\n"), Seg::Line));
                assert!(!pass.alone(line, Seg::LastPiece));
                let lone = pass.alone(line, Seg::Line);
                let verdict = pass.decide_scanned(line, 0, Seg::Line);
                if lone {
                    alone += 1;
                    assert!(matches!(verdict, Verdict::Keep), "{line:?} {cfg:?}");
                    assert_eq!(pass.cap_hit, None, "{line:?} {cfg:?}");
                } else {
                    // Refused only for a line of more bytes than the cap
                    // takes windows (where the full decision may report it).
                    assert!(line.len() > cfg.max_windows, "{line:?} {cfg:?}");
                    capped += usize::from(pass.cap_hit.is_some());
                }
                // Once something is remembered, no line is alone.
                if !pass.windows.is_empty() || !pass.paragraphs.is_empty() {
                    assert!(!pass.alone(line, Seg::Line));
                }
            }
        }
        assert!(alone > 1000 && capped > 100, "{alone} {capped}");
    }

    #[test]
    fn the_window_cap_holds_inside_a_line() {
        // Lines of 40 distinct characters and a full stop (12 windows
        // each): the set fills to the cap and no further, though a line
        // crosses it.
        let han: Vec<char> = ('\u{5000}'..'\u{6000}').collect();
        let doc: String =
            (0..5).map(|i| format!("{}。\n", (0..40).map(|k| han[i * 40 + k]).collect::<String>())).collect();
        for cap in [1, 10, 25, 59, 60, 1000] {
            let mut pass = DedupPass::new(DedupConfig { max_windows: cap, ..DedupConfig::default() });
            let (mut text, mut log) = (String::new(), EditLog::default());
            crate::Pass::push(&mut pass, &doc, &mut Out::new(&mut text, &mut log, "dedup", 0)).unwrap();
            assert_eq!(text, doc);
            assert_eq!(pass.windows.len(), cap.min(60), "{cap}");
        }
    }

    #[test]
    fn dedup_exempts_short_repeats() {
        let doc = "记者 张三\n正文。\n记者 张三\n";
        assert_eq!(run(doc).0, doc);
    }

    #[test]
    fn dedup_cuts_a_long_span_printed_twice() {
        let span = "亲子探索乐园、赛博风格街区及户外主题集市等多种新业态。据介绍，该项目二〇二二年开工建设，目前已进入收尾阶段。";
        let doc = format!("项目涵盖科技运动互动、{span}\n她强调，要强化互动、{span}\n下一段。\n");
        let (out, log) = run(&doc);
        assert_eq!(out, format!("项目涵盖科技运动互动、{span}\n她强调，要强化\n下一段。\n"));
        assert_eq!(log.edits[0].reason, "duplicate_span");
        assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), doc);
    }

    #[test]
    fn a_caption_left_by_a_cut_span_goes_with_its_line() {
        let span = "亲子探索乐园、赛博风格街区及户外主题集市等多种新业态。据介绍，该项目二〇二二年开工建设，目前已进入收尾阶段。";
        let doc = format!("项目涵盖{span}\n倪睿/摄{span}\n下一段。\n");
        let (out, log) = run(&doc);
        assert_eq!(out, format!("项目涵盖{span}\n下一段。\n"));
        let reasons: Vec<&str> = log.edits.iter().map(|e| e.reason).collect();
        assert_eq!(reasons, ["caption_left_by_repeat", "duplicate_span", "caption_left_by_repeat"]);
        assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), doc);
        let doc = format!("项目涵盖{span}\n（资料图片）{span}\n");
        assert_eq!(run(&doc).0, format!("项目涵盖{span}\n"));
        // A contact footer left by the cut goes too (chrome would remove
        // it next time), unless the chrome pass does not run.
        let doc = format!("项目涵盖{span}\n{span}联系电话：0791-2878108\n");
        let (out, log) = run(&doc);
        assert_eq!(out, format!("项目涵盖{span}\n"));
        assert_eq!(log.edits.last().unwrap().reason, "chrome_left_by_repeat");
        assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), doc);
        let alone = || DedupPass::new(DedupConfig::default()).after_passes(false, false);
        let (out, _) = crate::testing::run_pass(&mut alone(), &doc);
        assert_eq!(out, format!("项目涵盖{span}\n联系电话：0791-2878108\n"));
        let doc = format!("项目涵盖{span}\n倪睿/摄{span}\n");
        let (out, _) = crate::testing::run_pass(&mut alone(), &doc);
        assert_eq!(out, format!("项目涵盖{span}\n倪睿/摄\n"));
        // A short lead-in the repeat completed goes with it.
        let doc = format!("项目涵盖{span}\n江泽民说，{span}\n");
        let (out, log) = run(&doc);
        assert_eq!(out, format!("项目涵盖{span}\n"));
        assert_eq!(log.edits[0].reason, "lead_left_by_repeat");
        assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), doc);
        // A running head left (a date) goes when `unwrap` takes those out.
        let doc = format!("项目涵盖{span}\n3月30日{span}\n");
        let heads = || DedupPass::new(DedupConfig::default()).after_heads(true);
        let (out, log) = crate::testing::run_pass(&mut heads(), &doc);
        assert_eq!(out, format!("项目涵盖{span}\n"));
        assert_eq!(log.edits[0].reason, "head_left_by_repeat");
        assert_eq!(run(&doc).0, format!("项目涵盖{span}\n3月30日\n"), "without unwrap's heads it stays");
        // Anything else left beside the span stays, as before.
        let doc = format!("项目涵盖{span}\n她说{span}\n");
        assert_eq!(run(&doc).0, "项目涵盖".to_string() + span + "\n她说\n");
    }

    #[test]
    fn a_near_copy_is_cut_at_a_clause_boundary_not_mid_word() {
        let a = "市政府今年继续推进营商环境改革，简化审批流程，压缩办理时限，为企业发展提供优质服务。\
                 同时加强事中事后监管，维护公平竞争的市场秩序，让各类市场主体放心投资。";
        // The copy has one OCR error (优 -> 内): the windows stop matching
        // at 质, inside the word 优质.
        let copy = a.replace("优质", "内质");
        let doc = format!("{a}\n新闻回顾：据介绍，{copy}\n下一篇\n");
        let (out, log) = run(&doc);
        assert_eq!(
            out,
            format!("{a}\n新闻回顾：据介绍，市政府今年继续推进营商环境改革，简化审批流程，压缩办理时限，为企业发展提供内质服务。\n下一篇\n")
        );
        assert_eq!(log.edits.len(), 1);
        assert!(log.edits[0].before.starts_with("同时"), "{:?}", log.edits[0].before);
        assert_eq!(run(&out).0, out, "cleaning again changes nothing");
        // Negative: with no clause mark inside the diverging part, nothing
        // is cut rather than half a clause.
        let b = "这是一个没有任何标点符号而且很长很长很长很长很长的句子用来检验";
        let doc = format!("{b}。\n开头不同{}\n", b.replace("检验", "检脸"));
        let (out, _) = run(&doc);
        assert_eq!(out, doc);
    }

    #[test]
    fn a_cut_that_leaves_a_line_open_waits_for_the_next_line() {
        let x = "为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。";
        let y = "市科技局赴时代楷模陈俊武陈列室开展主题党日活动并参观学习。";
        let with_rejoin = || DedupPass::new(DedupConfig::default()).after_rejoin(Some(20));
        // Next, body text rejoin would join to `…。——`: the repeat stays.
        let doc = format!("{x}\n{y}——{x}\n\n{y}下文继续。\n");
        let (out, log) = crate::testing::run_pass(&mut with_rejoin(), &doc);
        assert_eq!(out, doc);
        assert!(log.edits.is_empty());
        // Next, a headline: the cut is made, with its edit.
        let doc = format!("{x}\n{y}——{x}\n\n下一篇的标题\n");
        let (out, log) = crate::testing::run_pass(&mut with_rejoin(), &doc);
        assert_eq!(out, format!("{x}\n{y}——\n\n下一篇的标题\n"));
        assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), doc);
        // At the document's end, too.
        let doc = format!("{x}\n{y}——{x}\n");
        assert_eq!(crate::testing::run_pass(&mut with_rejoin(), &doc).0, format!("{x}\n{y}——\n"));
        assert!(may_join(20, &format!("{y}——"), &format!("{y}下文继续。")));
        assert!(!may_join(20, &format!("{y}——"), "（三）加强组织领导，落实责任分工，确保各项工作取得实效。"));
    }

    #[test]
    fn a_cut_that_bares_another_repeat_cuts_it_too() {
        let x = "为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。";
        // Cutting the repeat at the end (with the jump marker before it)
        // leaves `洛阳` + the paragraph: a repeat at the end again.
        let doc = format!("{x}\n洛阳{x}(上接01版){x}\n");
        let (out, log) = run(&doc);
        assert_eq!(out, format!("{x}\n洛阳\n"));
        assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), doc);
        assert_eq!(run(&out).0, out, "cleaning again changes nothing");
        // What is left may be a paragraph printed before (too short to be
        // a repeated span): the line goes.
        let y = "市科技局赴陈列室开展主题党日活动并参观学习。";
        let doc = format!("{x}\n{y}\n{y}{x}\n");
        let (out, log) = run(&doc);
        assert_eq!(out, format!("{x}\n{y}\n"));
        assert_eq!(log.edits.last().unwrap().reason, "duplicate_paragraph");
        assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), doc);
        // Negative: text between two repeats that is no repeat stays.
        let doc = format!("{x}\n{x}他还说，今年的工作重点放在基层。{x}\n");
        assert_eq!(run(&doc).0, format!("{x}\n他还说，今年的工作重点放在基层。\n"));
    }

    #[test]
    fn a_repeat_cut_at_one_end_is_no_evidence_at_the_other() {
        let x = "为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。";
        // `科技部` is text of its own between two copies, not three
        // characters where a copy diverged: both copies go.
        let doc = format!("{x}\n{x}科技部{x}\n");
        let (out, _) = run(&doc);
        assert_eq!(out, format!("{x}\n科技部\n"));
        assert_eq!(run(&out).0, out);
        // (A copy that diverges inside a word is still cut at a clause
        // mark: `a_near_copy_is_cut_at_a_clause_boundary_not_mid_word`.)
    }

    #[test]
    fn a_held_line_is_decided_by_the_next_line_as_dedup_leaves_it() {
        let x = "为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。";
        let with_rejoin = || DedupPass::new(DedupConfig::default()).after_rejoin(Some(20));
        // The next line loses its repeat (`…秩序。洛阳`, printed in the
        // first line) and is left `洛阳`: nothing `rejoin` joins to
        // `国家大学科技园（`, so that line's cut is made.
        let doc = format!("{x}洛阳\n国家大学科技园（{x}\n{x}洛阳洛阳\n");
        let (out, log) = crate::testing::run_pass(&mut with_rejoin(), &doc);
        assert_eq!(out, format!("{x}洛阳\n国家大学科技园（\n洛阳\n"));
        assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), doc);
        assert_eq!(crate::testing::run_pass(&mut with_rejoin(), &out).0, out);
    }

    #[test]
    fn a_repeat_between_two_halves_rejoin_would_join_stays() {
        let x = "为企业发展提供优质服务，同时加强事中事后监管，维护公平竞争的市场秩序。";
        let with_rejoin = || DedupPass::new(DedupConfig::default()).after_rejoin(Some(20));
        // Taken out, the repeat would leave an open sentence next to body
        // text that `rejoin` joins on a second cleaning: it stays.
        let open = "全力推进老旧小区改造任务清零，抓好邻里中心建设，全力打造宜居宜业";
        let doc = format!("{x}\n{open}\n\n{x}\n\n全力以赴抓实事惠民生，深入贯彻落实上级部署要求。\n");
        let (out, log) = crate::testing::run_pass(&mut with_rejoin(), &doc);
        assert_eq!(out, doc);
        assert!(log.edits.is_empty());
        // Negative: after a headline, which `rejoin` joins to nothing, it goes.
        let doc =
            format!("{x}\n市教育局探索现代化学校建设\n\n{x}\n\n全力以赴抓实事惠民生，深入贯彻落实上级部署要求。\n");
        let (out, log) = crate::testing::run_pass(&mut with_rejoin(), &doc);
        assert_eq!(
            out,
            format!("{x}\n市教育局探索现代化学校建设\n\n\n全力以赴抓实事惠民生，深入贯彻落实上级部署要求。\n")
        );
        assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), doc);
        // Without rejoin before it, it goes too.
        let doc = format!("{x}\n{open}\n\n{x}\n\n全力以赴抓实事惠民生，深入贯彻落实上级部署要求。\n");
        assert!(!run(&doc).0.contains(&format!("\n{x}")));
    }

    #[test]
    fn dedup_keeps_a_long_name_repeated_inside_sentences() {
        let name = "人才驱动创新发展工作研讨交流活动上，科技部科技人才交流开发服务中心";
        let doc = format!("3月30日，在{name}开发服务处处长牛萍点赞。\n在3月30日举行的{name}政策与评估处副处长认为。\n");
        assert_eq!(run(&doc).0, doc);
    }

    #[test]
    fn dedup_keeps_short_repeated_quotes() {
        let doc = "他说：“绿水青山就是金山银山。”大家鼓掌。\n我们要记住：“绿水青山就是金山银山。”\n";
        assert_eq!(run(doc).0, doc);
    }
}
