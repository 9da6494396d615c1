//! `unwrap`: the printed page's layout undone. OCR engines and PDF text
//! layers write one text line per printed line; this pass puts the lines of
//! a column back into paragraphs, and takes out the running heads and feet
//! (`江城日报 2023年12月5日 星期二`, `第03版 要闻`, `- 12 -`, editor lines)
//! that a page end leaves between them, so that the paragraph they cut can
//! be joined (here, or across the blank lines by `rejoin`).
//!
//! # The evidence
//!
//! Lines of one column have the same display width (Han characters and
//! full-width marks one cell, digits and Latin letters half a cell); a
//! paragraph opens with an indent, or after a line shorter than the column.
//! So within a run of non-blank lines the pass finds the column width `C`:
//! the width between [`UnwrapConfig::min_column`] and
//! [`UnwrapConfig::max_column`] cells that the most lines fill, held by at
//! least three lines and by at least two in five of the run's lines, in a
//! run that carries sentence punctuation (equal lines without any are a
//! list or a stack of headings). A line within one cell of `C`
//! (a closing mark may hang past the edge, a number that did not fit moves
//! down) is *full*, and a full line runs on into the next unless:
//!
//! * the next line is indented, or opens a paragraph of its own (a list
//!   item, a news lead with its dateline), or is wider than the column (a
//!   headline), or is a photo credit;
//! * either line holds two or more inner spaces (names in a list, a table
//!   row, a byline);
//! * the full line ends a sentence and the page marks paragraphs by
//!   something else than an indent, and the next line carries no sentence
//!   punctuation (it is a heading);
//! * most full lines of the run end with punctuation: that is verse or a
//!   list set line by line, not a column (`床前明月光，` / `疑是地上霜。`).
//!
//! The window is the run of lines between two lines wider than any column
//! (paragraphs already), blank lines included: a page or column end, or
//! the gap a caption was taken from, stands between two lines of one
//! paragraph as often as not, and a full line runs on across it (its blank
//! lines and running heads go). A window too short to show its width uses
//! the width the last one showed. A page sets several stories, each in a
//! column of its own width, with blank lines between them: a run of lines
//! between blank lines (a story, or the part of one between a column's
//! gaps) of eight lines or more that shows a column of its own, and does
//! not show the window's (few of its lines reach that edge), is judged by
//! its own; a shorter one by the nearest story's. Windows hold at most
//! [`UnwrapConfig::max_run_lines`] lines (and
//! [`UnwrapConfig::max_gap_lines`] blank lines in a row); the last line of a
//! full window is carried into the next.
//!
//! # A second cleaning
//!
//! Cleaning the output again must change nothing, and the output has no
//! indents and no blank lines: the evidence a second cleaning sees is not
//! the first's. So the column is looked for as printed and, failing that,
//! as the second cleaning will measure it (indents trimmed, ASCII marks
//! next to Chinese counted full width as `punct` sets them); a line printed
//! twice counts once (`dedup` takes the repeat out); a page with indents
//! needs less evidence (a third of its lines at the edge) than one without
//! (two in five), which is all a second cleaning sees; and the joins are
//! planned once more over the lines as the second cleaning will see them,
//! until that finds nothing more to join; `rejoin`'s joins (it runs next)
//! are part of what the second cleaning sees, so they are made in that
//! plan too. Quotes count the same straight
//! or curly (`punct` pairs them by the whole paragraph), and inner spaces
//! of a line `punct` takes for body text count for nothing.
//!
//! # A block set inside a cut sentence
//!
//! A column's gap may hold a block that is not a caption (`caption` has
//! taken those out): a sidebar's head, a boxed note. When a full line
//! stops mid-word or after a clause mark, blank lines set off one to
//! three short lines, and after another gap a line reads on from the first
//! (the page indents its paragraphs and this line has none, the first
//! ended with a clause mark, or a word of the word list runs across:
//! `工|人们`), and no word runs from the first into the block, the halves
//! are joined and the block is written after the paragraph they belong
//! to, so no text is lost. A move is only made when planning again over
//! the moved lines, as a second cleaning will, joins nothing to them.
//!
//! Reasons: `unwrap` for a line joined to the next, `running_head` for a
//! head or foot taken out, `moved` for a block's line taken from its place
//! and written after the paragraph (two edits: out, then in).
//!
//! ```
//! use zhclean::{CleanConfig, Cleaner};
//! let c = Cleaner::new(CleanConfig::default()).unwrap();
//! let page = "　　市里今年将新建口袋公园二十\n个，改造老旧小区供水管网三百余\n公里；同时推进背街小巷整治，让\n群众出门见绿。\n　　据介绍，首批项目已于上月开工。\n";
//! assert_eq!(
//!     c.clean(page),
//!     "市里今年将新建口袋公园二十个，改造老旧小区供水管网三百余公里；同时推进背街小巷整治，让群众出门见绿。\n据介绍，首批项目已于上月开工。\n"
//! );
//! ```

use std::borrow::Cow;

use crate::layout::body::word_across;
use crate::layout::credit::{ends_with_caption_marker, is_credit_line};
use crate::layout::furniture::{is_running_head, is_running_head_anchored};
use crate::layout::leads::{may_open_paragraph, opens_paragraph};
use crate::lines::{LineBuffer, LinePass, Seg};
use crate::pass::{Out, Shortcuts};
use crate::passes::punct::is_body_line;
use crate::passes::rejoin::{joins_to, RejoinConfig};
use crate::text::TrimWs;
use crate::text::{ends_sentence, half_cells, han_by_lead, is_alphanumeric, is_han, scan_line, three_words_or_more};

/// Settings of the `unwrap` pass.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UnwrapConfig {
    /// Narrowest column, in cells: narrower runs of equal lines are verse,
    /// lists or stacked headlines.
    pub min_column: usize,
    /// Widest column, in cells: a wider line is a paragraph already.
    pub max_column: usize,
    /// Lines judged together at most (memory: each is at most about
    /// `max_column` characters).
    pub max_run_lines: usize,
    /// Blank lines a column may be joined across (a page or column end, an
    /// image gap a caption was taken from). A cap on what the window holds,
    /// not a judgement: the output has no blank lines, so a second cleaning
    /// joins across any gap the first did not; keep it well above the gaps
    /// pages leave (64: a caption block taken out with five blank lines on
    /// each side leaves eleven).
    pub max_gap_lines: usize,
    /// Take out running heads and feet.
    pub running_heads: bool,
}

impl Default for UnwrapConfig {
    fn default() -> UnwrapConfig {
        UnwrapConfig { min_column: 8, max_column: 40, max_run_lines: 256, max_gap_lines: 64, running_heads: true }
    }
}

/// Bytes of blank lines held in a gap at most (blank lines may carry
/// spaces): past it the run is written out and the gap not joined across.
const MAX_GAP_BYTES: usize = 4096;

/// Largest string kept for reuse: a column's line and then some (a line
/// held may carry any amount of trailing whitespace, which is not kept).
const MAX_SPARE_BYTES: usize = 256;

/// One line of a run.
#[derive(Clone, Debug)]
enum Item {
    /// A line of text (without its `'\n'`), its shape (measured once), its
    /// offset, whether a `'\n'` ended it, whether a join already took off
    /// its indent, and where in the input it was moved to (a block set
    /// inside a cut sentence).
    Text { content: String, shape: Shape, at: u64, terminated: bool, joined_in: bool, moved_to: Option<u64> },
    /// A running head, whole (with its `'\n'`), and its offset.
    Head { line: String, at: u64 },
    /// A blank line (with its `'\n'`) after a full line, and its offset.
    Blank { line: String, at: u64 },
}

/// What the rules need of a line.
#[derive(Clone, Copy, Debug)]
struct Shape {
    /// Display width in half cells, indent included, trailing spaces not.
    width: usize,
    /// The same without the indent, as a second cleaning (after
    /// `paragraphs` trimmed it) measures the line.
    text: usize,
    indent: bool,
    /// Two or more whitespace runs between visible characters (names in a
    /// list, a table row, a byline), in a line `punct` does not take for
    /// body text (it takes the spaces out of one: a second cleaning sees
    /// none there).
    spaced: bool,
    closed: bool,
    prose: bool,
    credit: bool,
    /// Ends with a character of a word (a line cut mid-word), not a mark.
    mid_word: bool,
    /// Width of the marks at its end (half cells): a line may pass the
    /// column's edge by the marks hung there, and by nothing else.
    hung: usize,
    /// Width of what it opens with that may have moved down from the line
    /// before (a number, an opening mark).
    moved: usize,
    /// Holds a CJK punctuation mark.
    marked: bool,
    /// Opens with an item mark (see [`item_mark`]): asked once per line,
    /// not once per plan of its window.
    item: bool,
    /// Holds an ASCII digit or a `·`: a running head's date, page number
    /// or `paper·section` does (see `is_running_head_anchored`).
    anchored: bool,
}

/// Display width of an indent, in half cells. `unicode` has made each
/// ideographic space an ASCII one, so two spaces are taken for the common
/// two-character full-width indent; more are a PDF layer's ASCII spaces.
/// One space is no indent and takes no width: `paragraphs` trims it, and
/// a second cleaning must measure the line alike.
fn indent_cells(lead: &str) -> usize {
    match lead.chars().count() {
        0 | 1 => 0,
        2 => 4,
        n => n,
    }
}

/// Any CJK punctuation mark: a column of text has some; a run of equal
/// lines without any is a list of names or a stack of headings.
/// ASCII `, ; : ? ! ( )` next to a Han character count: `punct` makes them
/// full width (and a straight `"` there curly), and a second cleaning must
/// judge alike. (`shape` asks this only of a line with such an ASCII mark
/// and no CJK one.)
fn ascii_mark_by_han(t: &str) -> bool {
    let mut prev_han = false;
    let mut it = t.chars().peekable();
    while let Some(c) = it.next() {
        if matches!(c, ',' | ';' | ':' | '?' | '!' | '(' | ')' | '"')
            && (prev_han || it.peek().is_some_and(|&n| is_han(n)))
        {
            return true;
        }
        prev_han = is_han(c);
    }
    false
}

fn shape(t: &str) -> Shape {
    let body = t.trim_ws_end();
    let inner = body.trim_ws_start();
    let lead = &body[..body.len() - inner.len()];
    // Spaces inside a line are OCR's (a wrap, a gap it misread), not the
    // page's: they take no width. One pass answers most questions below.
    let scan = scan_line(inner);
    let text = scan.width;
    let indent = indent_cells(lead);
    // A number or an opening mark that did not fit moves down whole,
    // leaving the line before it that much short. A straight quote there
    // is one `punct` makes `“` (it opens the line's paragraph, or the line
    // joins on): it counts as that, so a second cleaning measures alike.
    // (Most lines open and end with Han, which its lead byte tells: no
    // number or mark there, none hung.)
    let b = inner.as_bytes();
    let moved = if han_by_lead(b, 0) {
        0
    } else {
        inner
            .chars()
            .take_while(|&c| {
                c.is_ascii_alphanumeric() || matches!(c, '（' | '(' | '《' | '“' | '"' | '〔' | '【' | '「')
            })
            .take(8)
            .map(|c| if c == '"' { 2 } else { half_cells(c) })
            .sum()
    };
    // (A byte E4-E9 three from the end leads the last character: no
    // continuation byte is one of those. A line that ends with Han, as
    // most lines of a column do, ends no sentence and no caption marker,
    // stops mid-word, and has no mark hung: none of it is asked. The
    // first two questions make that test themselves, but answered here
    // once for all four it costs 0.9M instructions less on 4 MB.)
    let han_last = b.len() >= 3 && han_by_lead(b, b.len() - 3);
    Shape {
        width: indent + text,
        text,
        indent: indent > 0,
        // (Counted before the body test, which most lines with a space
        // inside, a wrap's, need not be asked.)
        spaced: scan.space && three_words_or_more(inner) && !is_body_line(inner),
        closed: !han_last && ends_sentence(inner),
        prose: scan.prose,
        credit: is_credit_line(inner) || (!han_last && ends_with_caption_marker(inner)),
        mid_word: han_last || inner.chars().next_back().is_some_and(|c| is_han(c) || is_alphanumeric(c)),
        moved,
        marked: scan.cjk_mark || (scan.ascii_mark && ascii_mark_by_han(inner)),
        // (Most lines open with a Han character that opens nothing: the
        // rules are not called for them.)
        item: may_open_paragraph(inner) && item_mark(inner),
        anchored: scan.anchor,
        hung: if han_last {
            0
        } else {
            inner
                .chars()
                .rev()
                .take_while(|&c| !(is_han(c) || is_alphanumeric(c) || c.is_whitespace()))
                .map(half_cells)
                .sum()
        },
    }
}

/// The column width of a run (half cells), if its lines show one.
fn column(shapes: &[Shape], cfg: &UnwrapConfig) -> Option<usize> {
    if shapes.len() < 2 || !shapes.iter().any(|s| s.marked) {
        return None;
    }
    // As printed (indents included, and two indented paragraphs at the
    // column's width may show it); else as a second cleaning, after
    // `paragraphs` trimmed the indents, will measure the lines, so that a
    // column found then was found now.
    edge(shapes, |s| s.width, cfg, true).or_else(|| edge(shapes, |s| s.text, cfg, false))
}

/// The column's edge as `measure` sees the lines: the width most lines fill
/// exactly (even: a column holds whole cells of Han text; the wider on a
/// tie), if three or more lines reach within a cell short of it (or two,
/// with `opened`, when both open an indented paragraph that goes on below),
/// and a share of all: a third where paragraphs open indented, two in five
/// where none does. Lines that pass the edge only by the marks hung
/// there are no evidence of where it is.
fn edge(shapes: &[Shape], measure: impl Fn(&Shape) -> usize, cfg: &UnwrapConfig, opened: bool) -> Option<usize> {
    let best = most_filled(shapes.iter().map(&measure), cfg.min_column * 2, cfg.max_column * 2);
    if best == 0 {
        return None;
    }
    let at_edge = |s: &Shape| within_a_cell(measure(s), best);
    // (The lines at the edge and whether any is indented in one walk; the
    // paragraphs counted only where two lines at the edge need them.)
    let (full, indented) = shapes.iter().fold((0, false), |(n, i), s| (n + usize::from(at_edge(s)), i || s.indent));
    let paragraphs = || shapes.windows(2).filter(|w| w[0].indent && at_edge(&w[0]) && !w[1].indent).count();
    let enough = full >= 3 || (opened && full >= 2 && paragraphs() >= 2);
    (enough && edge_share(full, shapes.len(), indented)).then_some(best)
}

/// Whether `width` is `edge` or up to a cell (two half cells) short of
/// it, in one compare: a width past the edge wraps around.
#[inline]
fn within_a_cell(width: usize, edge: usize) -> bool {
    edge.wrapping_sub(width) <= 2
}

/// Whether `full` lines at a column's edge, of `lines`, are enough of them:
/// a page whose paragraphs open indented needs a third of its lines at the
/// edge, one without indents two in five. A second cleaning sees no
/// indents and so asks more: what it finds, the first found.
fn edge_share(full: usize, lines: usize, indented: bool) -> bool {
    if indented {
        full * 3 >= lines
    } else {
        full * 5 >= lines * 2
    }
}

/// The even width from `lo` to `hi` that most of `widths` are exactly (the
/// wider on a tie), 0 if none is: a count per width, one pass.
fn most_filled(widths: impl Iterator<Item = usize>, lo: usize, hi: usize) -> usize {
    // (On the stack for the default range of widths, which has 33.)
    let n = hi.saturating_sub(lo) / 2 + 1;
    let mut stack = [0usize; 64];
    let mut heap = Vec::new();
    let exact: &mut [usize] = if n <= stack.len() {
        &mut stack[..n]
    } else {
        heap.resize(n, 0);
        &mut heap
    };
    // The leader kept as the counts grow (a walk of all the widths after
    // cost more than the counting, on a window of a dozen lines): a width
    // that reaches the most count, or ties it and is wider, leads; at the
    // end the widest of those with the most leads.
    let (mut best, mut most) = (0, 0);
    for w in widths.filter(|w| (lo..=hi).contains(w) && w % 2 == 0) {
        let n = &mut exact[(w - lo) / 2];
        *n += 1;
        if *n > most || (*n == most && w > best) {
            (best, most) = (w, *n);
        }
    }
    best
}

/// Most a line passes the column's edge by: the marks hung there (`；……”`
/// is four).
const MAX_HUNG: usize = 8;

/// Within a cell of the column: closing marks may hang past its edge, an
/// indent may leave a line a cell short.
fn is_full(s: &Shape, column: usize) -> bool {
    reaches(s, column, 0)
}

/// Whether `s` reaches the column's edge, measured without its indent or
/// with it: within a cell short of it (more by `slack`), or past it by the
/// hung marks only.
fn reaches(s: &Shape, column: usize, slack: usize) -> bool {
    let at = |width: usize| width + 2 + slack >= column && width <= column + s.hung.min(MAX_HUNG);
    at(s.text) || (s.indent && at(s.width))
}

/// Whether `a` fills the column as the line before `b`: as [`is_full`],
/// or, mid-sentence, shorter by what `b` opens with when that could not
/// stay on `a` (after a sentence's end, a short line ends a paragraph).
fn fills_before(a: &Shape, b: &Shape, column: usize) -> bool {
    reaches(a, column, if a.closed { 0 } else { b.moved })
}

/// A list set one item a line: two or more lines open with an item mark.
fn is_list<'a>(shapes: impl IntoIterator<Item = &'a Shape>) -> bool {
    shapes.into_iter().filter(|s| s.item).nth(1).is_some()
}

/// `一、` `3、` `（二）` `(4)` `①` `●` at a line's start.
fn item_mark(t: &str) -> bool {
    opens_paragraph("；", t)
}

/// How a column is laid out: its width (half cells) and whether its
/// paragraphs open with an indent.
#[derive(Clone, Copy, Debug)]
struct Layout {
    column: usize,
    indented: bool,
    list: bool,
}

/// Whether the full line `a` runs on into `b`; `gapped` when blank lines
/// (and heads) stand between them.
fn runs_on(a: &Shape, b: &Shape, a_text: &str, b_text: &str, lay: Layout, gapped: bool) -> bool {
    let c = lay.column;
    if !fills_before(a, b, c) || b.indent || b.text > c + b.hung.min(MAX_HUNG) || a.credit {
        return false;
    }
    // A credit under a caption continues it only where the caption was cut
    // mid-word (`…新华` / `社记者 吴静 摄`); after a mark it stands apart.
    if b.credit && (!a.mid_word || gapped) {
        return false;
    }
    if a.spaced || (b.spaced && !b.credit) {
        return false;
    }
    // What follows a sentence's end is body text (sentence marks, or the
    // column's full width), not a heading; and a paragraph's last line
    // (shorter than the column) carries some mark: without one it is a
    // heading under a line that happens to fill the column.
    if a.closed && !(b.prose || is_full(b, c)) {
        return false;
    }
    if !is_full(b, c) && !b.marked {
        return false;
    }
    // Without indents, a sentence's end at a column's edge may as well end
    // the paragraph: the break stays unless the next line fills the column
    // too, and no gap stands between them.
    if a.closed && !lay.indented && (gapped || !is_full(b, c)) {
        return false;
    }
    // Where paragraphs open with an indent, the indent says it; elsewhere
    // a list item or a news lead opens its own.
    if lay.list && b.item {
        return false;
    }
    lay.indented || !opens_paragraph(a_text, b_text)
}

/// See the module docs.
#[derive(Debug)]
pub struct UnwrapPass {
    cfg: UnwrapConfig,
    run: Vec<Item>,
    /// Blank lines and their bytes at the run's end.
    gap: (usize, usize),
    /// The layout the last run that showed one showed.
    layout: Option<Layout>,
    /// `rejoin`'s settings when it runs after this pass: its joins are
    /// part of what a second cleaning sees.
    rejoin: Option<RejoinConfig>,
    lines: LineBuffer,
    /// The strings of lines written out, kept for the next lines to be
    /// held in (a malloc and a free per line were a twentieth of the
    /// pass); at most a window's worth, of at most `MAX_SPARE_BYTES` each.
    spare: Vec<String>,
    /// Text of this document written already: the window does not hold
    /// its first paragraph (`rejoin` keeps a short one apart, a headline).
    started: bool,
    /// A window's vectors, kept for the next.
    scratch: Scratch,
    /// A document's last line alone written without its window: tests
    /// take it through the window too, to compare.
    shortcuts: Shortcuts,
    /// Tests count the lines written as a window of one.
    #[cfg(test)]
    alone: usize,
}

/// What [`UnwrapPass::flush`] works in: the window's text lines (their
/// places in the run), whether blank lines follow each, and the joins
/// after each.
#[derive(Debug, Default)]
struct Scratch {
    texts: Vec<usize>,
    gapped: Vec<bool>,
    joins: Vec<bool>,
}

impl UnwrapPass {
    /// A pass with these settings.
    pub fn new(cfg: UnwrapConfig) -> UnwrapPass {
        UnwrapPass {
            cfg,
            run: Vec::new(),
            gap: (0, 0),
            layout: None,
            rejoin: None,
            lines: LineBuffer::default(),
            spare: Vec::new(),
            started: false,
            scratch: Scratch::default(),
            shortcuts: Shortcuts::default(),
            #[cfg(test)]
            alone: 0,
        }
    }

    /// `s` in a string of its own (a spare one when there is).
    fn held(&mut self, s: &str) -> String {
        let mut t = self.spare.pop().unwrap_or_default();
        t.clear();
        t.push_str(s);
        t
    }

    /// Plans with `rejoin` (these settings) running after this pass: a
    /// line it joins may show a second cleaning a column, and the first
    /// must find it too.
    pub fn with_rejoin(mut self, rejoin: Option<RejoinConfig>) -> UnwrapPass {
        self.rejoin = rejoin;
        self
    }

    fn line(&mut self, line: &str, at: u64, seg: Seg, out: &mut Out<'_>) {
        let content = line.strip_suffix('\n').unwrap_or(line);
        if seg != Seg::Line {
            // A piece of an over-long line: passed on.
            self.flush(out, true);
            out.push_line(line);
            self.started = true;
            return;
        }
        if content.is_blank() {
            // A gap may be a page's or column's end: held in the window, to
            // be joined across if the column goes on after it. (Blank lines
            // do not end the window: a second cleaning, which sees none,
            // must judge with the same evidence.)
            let (n, bytes) = self.gap;
            if !self.run.is_empty() && n < self.cfg.max_gap_lines && bytes + line.len() <= MAX_GAP_BYTES {
                self.gap = (n + 1, bytes + line.len());
                let line = self.held(line);
                self.run.push(Item::Blank { line, at });
                return;
            }
            self.flush(out, true);
            out.push_line(line);
            return;
        }
        // A document's last line (no `'\n'`) with nothing held before it
        // is a window of one line: it joins nothing, and goes on as it is
        // unless it is a running head. Asked so, without its shape (a
        // crawl's record of one line: the shape was most of this pass's
        // instructions on it).
        if content.len() == line.len() && self.run.is_empty() && self.shortcuts.on() {
            self.window_of_one(line, at, out);
            return;
        }
        // A line wider than any column is a paragraph already: it joins
        // nothing, and ends the window.
        if wider_than_any_column(content, &self.cfg) {
            self.flush(out, true);
            out.push_line(line);
            self.started = true;
            return;
        }
        // A running head holds no sentence or clause mark (`，` `。` `,`
        // ...: `is_running_head` says no to a line with one), which the
        // line's shape tells: most lines of text are not asked; and one
        // without a digit or a `·` can only be an editor line, which the
        // shape tells too.
        let shape = shape(content);
        if self.cfg.running_heads && !shape.prose && is_running_head_anchored(content, shape.anchored) {
            let line = self.held(line);
            self.run.push(Item::Head { line, at });
            return;
        }
        self.gap = (0, 0);
        let content_held = self.held(content);
        self.run.push(Item::Text {
            content: content_held,
            shape,
            at,
            terminated: content.len() < line.len(),
            joined_in: false,
            moved_to: None,
        });
        if self.run.len() >= self.cfg.max_run_lines {
            self.flush(out, false);
        }
    }

    /// Writes `line`, a document's last, with nothing held before it (see
    /// `line`): as it is, or taken out as a running head.
    #[inline(never)]
    fn window_of_one(&mut self, line: &str, at: u64, out: &mut Out<'_>) {
        #[cfg(test)]
        {
            self.alone += 1;
        }
        // (A line wider than any column is a paragraph already, and no
        // head.)
        if self.cfg.running_heads && !wider_than_any_column(line, &self.cfg) && is_running_head(line) {
            out.edit_abs(at, line, "", "running_head");
        } else {
            out.text().push_str(line);
            self.started = true;
        }
    }

    /// The run's text lines (their places in the run) and whether blank
    /// lines stand between each and the next, into the vectors given.
    fn text_lines(&self, texts: &mut Vec<usize>, gapped: &mut Vec<bool>) {
        texts.clear();
        gapped.clear();
        // (One walk over the run: a window's items were walked twice, the
        // second time by pairs of text lines.)
        let mut blank = false;
        for (i, it) in self.run.iter().enumerate() {
            match it {
                Item::Text { .. } => {
                    if !texts.is_empty() {
                        gapped.push(blank);
                    }
                    texts.push(i);
                    blank = false;
                }
                Item::Blank { .. } => blank = true,
                Item::Head { .. } => {}
            }
        }
    }

    /// The joins between the run's text lines `texts` (`gapped`: see
    /// [`UnwrapPass::text_lines`]), into `joins`, and the blocks to move
    /// (see [`UnwrapPass::moves`]) with the joins after the move. A window
    /// of one text line joins nothing and moves nothing. (The lines' texts
    /// and shapes are gathered once for both.)
    fn judge(&mut self, texts: &[usize], gapped: &[bool], joins: &mut Vec<bool>, whole: bool) -> Option<Moves> {
        if texts.len() == 1 {
            // (A headline between paragraphs or a short document: `plan`
            // and `settle` find no join and no column in one line, a unit
            // test holds them to it, through a dozen vectors.)
            joins.clear();
            joins.push(false);
            return None;
        }
        let (strs, shapes) = texts_and_shapes(&self.run, texts);
        let (own, used) = plan(&strs, &shapes, gapped, self.layout, &self.cfg, joins);
        settle(&strs, &shapes, joins, &self.cfg, self.rejoin.as_ref(), !self.started);
        if let Some(l) = own {
            self.layout = Some(l);
        }
        self.moves(texts, &strs, &shapes, gapped, joins, used, whole)
    }

    /// The blocks set inside a cut sentence (see the module docs), each to
    /// go after the paragraph the sentence belongs to, and the joins of the
    /// text lines in their new order, if a block is to move.
    /// (`texts`, `gapped`: the run's text lines, as `judge` had them;
    /// `strs`, `shapes`: their texts and shapes.)
    #[allow(clippy::too_many_arguments)]
    fn moves(
        &self,
        texts: &[usize],
        strs: &[&str],
        shapes: &[Shape],
        gapped: &[bool],
        joins: &[bool],
        lays: Layouts,
        whole: bool,
    ) -> Option<Moves> {
        if lays.0.iter().all(|(_, l)| l.is_none()) {
            return None;
        }
        // The last line of a run that is not whole goes on into the next.
        let last = if whole { strs.len() } else { strs.len().saturating_sub(1) };
        let mut moves: Vec<Interposed> = Vec::new();
        let (mut k, mut story) = (0, 0);
        while k < last {
            match lays.at(&mut story, k).and_then(|lay| interposed(k, &strs[..last], shapes, gapped, joins, lay)) {
                Some(m) if matches!(self.run[texts[m.end]], Item::Text { terminated: true, .. }) => {
                    k = m.end + 1;
                    moves.push(m);
                }
                _ => k += 1,
            }
        }
        if moves.is_empty() {
            return None;
        }
        // The text lines in their new order, and each one's join.
        let mut order: Vec<usize> = Vec::with_capacity(strs.len());
        let mut new_joins: Vec<bool> = Vec::with_capacity(strs.len());
        let mut t = 0;
        for m in &moves {
            while t < m.end + 1 {
                if !(m.a + 1..m.c).contains(&t) {
                    order.push(t);
                    new_joins.push(t == m.a || joins[t]);
                }
                t += 1;
            }
            for b in m.a + 1..m.c {
                order.push(b);
                new_joins.push(false);
            }
        }
        order.extend(t..strs.len());
        new_joins.extend(&joins[t..]);
        // The move must be what a second cleaning keeps: planned again as
        // it will see the lines, no join reaches a moved line.
        let moved = |t: usize| moves.iter().any(|m| (m.a + 1..m.c).contains(&t));
        let mut settled = new_joins.clone();
        let reordered: Vec<&str> = order.iter().map(|&t| strs[t]).collect();
        let reshaped: Vec<Shape> = order.iter().map(|&t| shapes[t]).collect();
        settle(&reordered, &reshaped, &mut settled, &self.cfg, self.rejoin.as_ref(), !self.started);
        let touches = |p: usize| moved(order[p]) || (p + 1 < order.len() && moved(order[p + 1]));
        if (0..order.len()).any(|p| settled[p] != new_joins[p] && touches(p)) {
            return None;
        }
        // Each move as the run's items: the paragraph's last line, where
        // the block goes in the input, and the block's lines.
        let ends = moves
            .iter()
            .map(|m| {
                let i = texts[m.end];
                let Item::Text { content, at, .. } = &self.run[i] else { unreachable!("a text item") };
                (i, at + content.len() as u64 + 1, (m.a + 1..m.c).map(|b| texts[b]).collect())
            })
            .collect();
        Some(Moves { ends, joins: settled })
    }

    /// Reorders the run as `moves` says: each moved line after the
    /// paragraph's last, the other items in their order. Then the run's
    /// text lines (and gaps) after the move, into `texts` and `gapped`.
    /// (A block's lines all stand before its paragraph's last line, and
    /// each block after the paragraph before it: a line moves by a turn of
    /// the items from it to where it goes, the last block's last line
    /// first, so that no turn shifts an item a later one names. The run
    /// was taken apart into a vector of options and built again, each item
    /// moved twice and the text lines gathered into new vectors.)
    fn apply(&mut self, moves: &Moves, texts: &mut Vec<usize>, gapped: &mut Vec<bool>) {
        for (end, to, block) in moves.ends.iter().rev() {
            let mut last = *end;
            for &b in block.iter().rev() {
                if let Item::Text { moved_to, .. } = &mut self.run[b] {
                    *moved_to = Some(*to);
                }
                self.run[b..=last].rotate_left(1);
                last -= 1;
            }
        }
        self.text_lines(texts, gapped);
    }

    /// Judges the run and writes it; with `whole` false, the last text line
    /// stays to be judged with what follows.
    fn flush(&mut self, out: &mut Out<'_>, whole: bool) {
        self.gap = (0, 0);
        if self.run.is_empty() {
            return;
        }
        // (The vectors are the pass's, kept from one window to the next: a
        // short document is a window of its own.)
        let Scratch { mut texts, mut gapped, mut joins } = std::mem::take(&mut self.scratch);
        self.text_lines(&mut texts, &mut gapped);
        if let Some(moves) = self.judge(&texts, &gapped, &mut joins, whole) {
            self.apply(&moves, &mut texts, &mut gapped);
            joins = moves.joins;
        }
        let keep = if whole { self.run.len() } else { *texts.last().expect("a full run holds text") };
        let mut k = 0;
        let mut joining = false;
        // The items are written in place, each string taken out to be kept
        // spare (the items, which then hold none, are dropped at the end):
        // a line's next text line stays at hand for the rare line that
        // joins it with a Latin word.
        for i in 0..keep {
            let written = match &mut self.run[i] {
                Item::Head { line, at } => {
                    out.edit_abs(*at, line, "", "running_head");
                    std::mem::take(line)
                }
                Item::Blank { line, at } => {
                    if joining {
                        out.edit_abs(*at, line, "", "unwrap");
                    } else {
                        out.push_line(line);
                    }
                    std::mem::take(line)
                }
                Item::Text { content, at, terminated, joined_in, moved_to, .. } => {
                    let (content, at, terminated, joined_in, moved_to) =
                        (std::mem::take(content), *at, *terminated, *joined_in, *moved_to);
                    self.started = true;
                    if let Some(to) = moved_to {
                        // Set inside a cut sentence: its place in the input
                        // is taken out, and it is written after the
                        // paragraph it stood in.
                        let mut line = content.clone();
                        line.push('\n');
                        out.edit_abs(at, &line, "", "moved");
                        out.edit_abs(to, "", &line, "moved");
                    }
                    let start = if joining && !joined_in { strip_lead(&content, at, out) } else { 0 };
                    joining = joins[k];
                    if joining {
                        let end = content.trim_ws_end().len();
                        out.text().push_str(&content[start..end]);
                        // Two words of Latin script keep a space between
                        // them (the next line's by its first byte: any
                        // other character's is not ASCII).
                        let a_latin = content.as_bytes()[..end].last().is_some_and(u8::is_ascii_alphabetic);
                        let latin_next = || {
                            texts.get(k + 1).is_some_and(|&n| match &self.run[n] {
                                Item::Text { content, .. } => {
                                    content.trim_ws_start().as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
                                }
                                _ => false,
                            })
                        };
                        let inserted = if a_latin && latin_next() { " " } else { "" };
                        out.text().push_str(inserted);
                        if out.auditing() {
                            let removed = format!("{}\n", &content[end..]);
                            out.edit_abs(at + end as u64, &removed, inserted, "unwrap");
                        }
                    } else {
                        out.text().push_str(&content[start..]);
                        if terminated {
                            out.end_line();
                        }
                    }
                    k += 1;
                    content
                }
            };
            if self.spare.len() < self.cfg.max_run_lines && written.capacity() <= MAX_SPARE_BYTES {
                self.spare.push(written);
            }
        }
        self.run.drain(..keep);
        if !whole {
            // The carried line: a join into it takes off its indent now.
            if let Some(Item::Text { content, shape: sh, at, joined_in, .. }) = self.run.first_mut() {
                if joining && !*joined_in {
                    let lead = strip_lead(content, *at, out);
                    content.drain(..lead);
                    *sh = shape(content);
                    *at += lead as u64;
                    *joined_in = true;
                }
            }
        }
        self.scratch = Scratch { texts, gapped, joins };
    }
}

/// The text and the shape of each item of `run` at `texts`, text lines.
fn texts_and_shapes<'a>(run: &'a [Item], texts: &[usize]) -> (Vec<&'a str>, Vec<Shape>) {
    texts
        .iter()
        .map(|&i| match &run[i] {
            Item::Text { content, shape, .. } => (content.as_str(), *shape),
            _ => unreachable!("a text item"),
        })
        .unzip()
}

/// Blocks to move (see [`UnwrapPass::moves`]): for each, the run item of
/// the paragraph's last line, the input offset the block is written at,
/// and the block's run items; and the joins of the text lines after the
/// move.
#[derive(Debug)]
struct Moves {
    ends: Vec<(usize, u64, Vec<usize>)>,
    joins: Vec<bool>,
}

/// The joins of a window of text lines (`shapes[k]` is `shape(strs[k])`;
/// `gapped[k]`: blank lines between lines `k` and `k + 1`), into `joins`
/// (the caller's vector, kept from one window to the next), and the layout
/// the window showed, if any, and the ones its lines were judged by;
/// `carried` is the layout the last window showed.
fn plan(
    strs: &[&str],
    shapes: &[Shape],
    gapped: &[bool],
    carried: Option<Layout>,
    cfg: &UnwrapConfig,
    joins: &mut Vec<bool>,
) -> (Option<Layout>, Layouts) {
    let indented = shapes.iter().any(|s| s.indent);
    // The window's evidence counts a line printed twice once: `dedup` takes
    // the repeat out, and a second cleaning must judge without it.
    let firsts = first_of_their_text(strs);
    let first = |k: usize| firsts.as_ref().is_none_or(|f| f[k]);
    let once: Cow<'_, [Shape]> = match &firsts {
        None => Cow::Borrowed(shapes),
        Some(f) => shapes.iter().zip(f).filter(|(_, &f)| f).map(|(s, _)| *s).collect(),
    };
    let list = is_list(once.iter());
    let own = column(&once, cfg).map(|column| Layout { column, indented, list });
    let lay = own.or(carried.map(|l| Layout { indented: l.indented || indented, list, ..l }));
    joins.clear();
    joins.resize(strs.len(), false);
    // Stories set apart by blank lines may have columns of their own
    // widths (a page of several stories): a story that shows a column of
    // its own, and not the window's, is judged by its own (see `shows`).
    let stories = stories(gapped, strs.len());
    // (Each with the story it was found in, whose lines say whether it is
    // a list: asked only of a layout used.)
    // (None for a window of one story: the loop below reads past the end
    // as None.)
    let story_lays: Vec<Option<(Layout, usize)>> = if stories.len() < 2 {
        Vec::new()
    } else {
        // A story too short to show its column goes by the nearest one
        // that shows one: the one before it (the rest of a column after a
        // caption's gap), else the one after (a story's head).
        let own: Vec<Option<(Layout, usize)>> = stories
            .iter()
            .enumerate()
            .map(|(i, r)| story_layout(r.clone(), shapes, &first, cfg).map(|l| (l, i)))
            .collect();
        (0..own.len())
            .map(|i| {
                own[i]
                    .or_else(|| own[..i].iter().rev().find_map(|l| *l))
                    .or_else(|| own[i + 1..].iter().find_map(|l| *l))
            })
            .collect()
    };
    // The window's own column, the one a second cleaning (which sees no
    // blank lines) judges by, when it has one: the last story's else.
    let shown = own.or_else(|| story_lays.iter().rev().find_map(|l| l.map(|(l, _)| l)));
    // Verse or a list set line by line: most full lines end with a mark.
    let verse = lay.is_some_and(|l| is_verse(shapes, 0..shapes.len().saturating_sub(1), &first, l.column));
    let mut used = Vec::with_capacity(stories.len());
    for (r, story) in stories.iter().zip(story_lays.iter().chain(std::iter::repeat(&None))) {
        // A story judged by a column of its own is judged as a window:
        // verse or a list there keeps its lines.
        let own_story = story.filter(|(s, from)| {
            lay.is_none_or(|l| l.column != s.column && !shows(shapes, stories[*from].clone(), &first, l.column))
        });
        let (l, verse) = match (own_story, lay) {
            (Some((s, from)), _) => {
                let verse = is_verse(shapes, r.start..r.end.min(shapes.len() - 1), &first, s.column);
                let list = is_list(stories[from].clone().filter(|&k| first(k)).map(|k| &shapes[k]));
                (Layout { list, ..s }, verse)
            }
            (None, Some(l)) => (l, verse),
            (None, None) => {
                used.push((r.end, None));
                continue;
            }
        };
        used.push((r.end, Some(l)));
        if verse {
            continue;
        }
        for k in r.clone().take_while(|&k| k + 1 < strs.len()) {
            joins[k] = runs_on(&shapes[k], &shapes[k + 1], strs[k], strs[k + 1], l, gapped[k]);
        }
    }
    (shown, Layouts(used))
}

/// The layout each story of a window was judged by: (the end of its
/// lines, its layout), in order.
#[derive(Debug)]
struct Layouts(Vec<(usize, Option<Layout>)>);

impl Layouts {
    /// The layout line `k` was judged by, looked for from story `*from`
    /// on, which moves to `k`'s: asked of lines in order, the stories are
    /// walked once (from the first for each line, a window of many gaps
    /// cost a tenth of `flush`'s time).
    fn at(&self, from: &mut usize, k: usize) -> Option<Layout> {
        while self.0.get(*from).is_some_and(|(end, _)| k >= *end) {
            *from += 1;
        }
        self.0.get(*from).and_then(|(_, l)| *l)
    }
}

/// The stories of a window of `n` lines: the runs of lines between blank
/// lines (`gapped[k]`: blank lines after line `k`).
fn stories(gapped: &[bool], n: usize) -> Vec<std::ops::Range<usize>> {
    // (Sized once: grown a step at a time it was most of the allocation
    // `plan` does.)
    let mut out = Vec::with_capacity(gapped.iter().filter(|&&g| g).count() + 1);
    let mut start = 0;
    for (k, _) in gapped.iter().enumerate().take(n.saturating_sub(1)).filter(|(_, &g)| g) {
        out.push(start..k + 1);
        start = k + 1;
    }
    if start < n {
        out.push(start..n);
    }
    out
}

/// Fewest lines a story has to show a column of its own: three lines at
/// one width among a few (what is left of a column before a caption's
/// gap) are as likely a width the window's column missed by a cell.
const MIN_STORY_LINES: usize = 8;

/// The layout a story's lines (`r`, of the window's) show on their own,
/// if they are [`MIN_STORY_LINES`] or more and show a column (see
/// [`column`]); as no list (the caller asks that of a layout it uses).
fn story_layout(
    r: std::ops::Range<usize>,
    shapes: &[Shape],
    first: &impl Fn(usize) -> bool,
    cfg: &UnwrapConfig,
) -> Option<Layout> {
    // (Most stories are a few lines between a column's gaps: they are
    // counted before anything is gathered.)
    if r.len() < MIN_STORY_LINES || r.clone().filter(|&k| first(k)).count() < MIN_STORY_LINES {
        return None;
    }
    let mut once: Vec<Shape> = Vec::with_capacity(r.len());
    once.extend(r.filter(|&k| first(k)).map(|k| shapes[k]));
    let column = column(&once, cfg)?;
    Some(Layout { column, indented: once.iter().any(|s| s.indent), list: false })
}

/// Whether lines `r` show `column` too: three or more of them reach its
/// edge exactly (or pass it by the marks hung there), and a third of them
/// where one is indented, two in five where none is (see [`edge`]). A
/// story of eight or ten lines that does is judged by the window's
/// column, whichever width its own few lines favour (hung marks and a
/// digit's half cell make those noisy); one that does not is a story set
/// in a column of its own. (Not within a cell, as [`is_full`] allows: a
/// story set a cell narrower would show the window's column.)
fn shows(shapes: &[Shape], r: std::ops::Range<usize>, first: &impl Fn(usize) -> bool, column: usize) -> bool {
    let (mut lines, mut full, mut indent) = (0, 0, false);
    for k in r.filter(|&k| first(k)) {
        let s = &shapes[k];
        let at = |w: usize| w >= column && w <= column + s.hung.min(MAX_HUNG);
        lines += 1;
        full += usize::from(at(s.text) || (s.indent && at(s.width)));
        indent |= s.indent;
    }
    full >= 3 && edge_share(full, lines, indent)
}

/// Whether most of lines `r` that fill `column` end with a mark: verse or
/// a list set line by line, not a column.
fn is_verse(shapes: &[Shape], r: std::ops::Range<usize>, first: &impl Fn(usize) -> bool, column: usize) -> bool {
    // (Counted, not gathered: asked of every window and story.)
    let (full, marked) = r
        .filter(|&k| first(k) && is_full(&shapes[k], column))
        .fold((0, 0), |(n, m), k| (n + 1, m + usize::from(!shapes[k].mid_word)));
    full > 0 && marked * 5 > full * 3
}

/// For each line, whether no line before it has its text (trimmed); `None`
/// when every line is the first (most windows repeat no line, which a sort
/// of cheap keys, of length and first and last bytes, shows without
/// hashing every line's whole text).
fn first_of_their_text(strs: &[&str]) -> Option<Vec<bool>> {
    let key = |t: &&str| {
        let b = t.trim_ws().as_bytes();
        let (head, tail) = match b.len() {
            8.. => (b[..8].try_into().expect("8 bytes"), b[b.len() - 8..].try_into().expect("8 bytes")),
            n => {
                let mut w = [0u8; 8];
                w[..n].copy_from_slice(b);
                (w, w)
            }
        };
        (b.len() as u64)
            ^ u64::from_le_bytes(head).rotate_left(29)
            ^ u64::from_le_bytes(tail).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    };
    if !any_twice(strs.iter().map(key), strs.len()) {
        return None;
    }
    let mut seen = std::collections::HashSet::with_capacity_and_hasher(strs.len(), crate::text::FastHash);
    Some(strs.iter().map(|t| seen.insert(t.trim_ws())).collect())
}

/// Whether two of the `n` `keys` are equal (or, rarely, two that mix
/// alike: the caller then compares the texts). In an open-addressed table
/// of twice as many slots or more on the stack, for a window of up to
/// [`TABLE_KEYS`] lines (the default's most); sorted past that. (Sorting
/// every window's keys was a tenth of `plan`'s instructions.)
fn any_twice(keys: impl Iterator<Item = u64>, n: usize) -> bool {
    // (A table sized to the window: zeroing the largest for every window
    // cost more than the sort.)
    match n {
        0..=8 => any_twice_in::<16>(keys),
        9..=32 => any_twice_in::<64>(keys),
        33..=128 => any_twice_in::<256>(keys),
        129..=TABLE_KEYS => any_twice_in::<{ 2 * TABLE_KEYS }>(keys),
        _ => {
            let mut keys: Vec<u64> = keys.collect();
            keys.sort_unstable();
            keys.windows(2).any(|w| w[0] == w[1])
        }
    }
}

/// [`any_twice`] in a table of `S` slots (a power of two, at least twice
/// the keys). A slot holds the top half of a key mixed (so that its top
/// bits pick the slot), never 0, the empty slot's mark.
fn any_twice_in<const S: usize>(keys: impl Iterator<Item = u64>) -> bool {
    let mut slots = [0u32; S];
    let shift = 64 - S.trailing_zeros();
    for k in keys {
        let m = k.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let (mut i, v) = ((m >> shift) as usize, (m >> 32) as u32 | 1);
        loop {
            match slots[i % S] {
                0 => {
                    slots[i % S] = v;
                    break;
                }
                x if x == v => return true,
                _ => i += 1,
            }
        }
    }
    false
}

/// Most keys [`any_twice`] puts in a table.
const TABLE_KEYS: usize = 256;

/// Most lines a block set inside a cut sentence has.
const MAX_INTERPOSED_LINES: usize = 3;

/// A block set inside a cut sentence: text lines `a + 1 .. c`, between the
/// sentence's first half `a` and its second `c`; `end` is the last line of
/// the paragraph `c` goes on in.
#[derive(Debug)]
struct Interposed {
    a: usize,
    c: usize,
    end: usize,
}

/// Whether line `a` is the first half of a sentence a block cuts (see the
/// module docs): `a` fills the column and stops mid-word or after a
/// clause, blank lines set off a block of a few short lines, and after it
/// a line `c` reads on from `a` (see below; and no word runs into the
/// block).
fn interposed(
    a: usize,
    strs: &[&str],
    shapes: &[Shape],
    gapped: &[bool],
    joins: &[bool],
    lay: Layout,
) -> Option<Interposed> {
    if a + 2 >= strs.len() || joins[a] || !gapped[a] {
        return None;
    }
    let sa = shapes[a];
    let clause = strs[a].trim_ws_end().ends_with(['，', '、', '；', ',', ';']);
    if sa.closed || !(sa.mid_word || clause) {
        return None;
    }
    if word_across(strs[a].trim_ws_end(), strs[a + 1].trim_ws_start()) {
        return None;
    }
    for c in a + 2..strs.len().min(a + 2 + MAX_INTERPOSED_LINES) {
        // The block's lines: short, and none joined to the next.
        let b = c - 1;
        let sb = shapes[b];
        if joins[b] || is_full(&sb, lay.column) {
            return None;
        }
        if !gapped[b] {
            continue;
        }
        let sc = shapes[c];
        // Evidence that `c` goes on with `a`: the page opens paragraphs
        // with an indent and `c` has none, a clause runs on across, or a
        // word of the word list does.
        let reads_on = lay.indented || clause || word_across(strs[a].trim_ws_end(), strs[c].trim_ws_start());
        if !reads_on || !runs_on(&sa, &sc, strs[a], strs[c], lay, true) {
            return None;
        }
        let end = (c..strs.len()).find(|&e| !joins[e])?;
        return Some(Interposed { a, c, end });
    }
    None
}

/// Whether `t` is wider than any column (and its hung marks): a paragraph
/// already. Counting stops at the limit.
fn wider_than_any_column(t: &str, cfg: &UnwrapConfig) -> bool {
    let limit = cfg.max_column * 2 + 4;
    // No character is wider in half cells than in UTF-8 bytes, nor
    // narrower than half its bytes: a line of no more bytes than the limit
    // (most lines of a column) is not wider, one of more than twice as
    // many (a paragraph, in `settle`) is.
    let t = t.trim_ws_end();
    if t.len() <= limit {
        return false;
    }
    if t.len() > 2 * limit {
        return true;
    }
    let mut w = 0;
    t.chars().any(|c| {
        w += half_cells(c);
        w > limit
    })
}

/// Makes the joins a fixed point: the lines as a second cleaning sees them
/// (joined, indents trimmed by `paragraphs`, blank lines and heads gone,
/// cut into windows at lines wider than any column) are planned again, and
/// a join found there is made now, until none is. Without it, a page whose
/// indents alone kept two lines apart (and made the column ambiguous)
/// would come out different from a second cleaning.
/// (`shapes[k]` is `shape(strs[k])`: a paragraph of one line is measured
/// from it; no line of `strs` is wider than any column, as `line` holds
/// none; `at_start`: the window holds the document's first paragraph.)
fn settle(
    strs: &[&str],
    shapes: &[Shape],
    joins: &mut [bool],
    cfg: &UnwrapConfig,
    rejoin: Option<&RejoinConfig>,
    at_start: bool,
) {
    // (A replan's joins and gaps, kept from one window to the next.)
    let (mut again, mut no_gaps) = (Vec::new(), Vec::new());
    loop {
        // The paragraphs the joins make, and then `rejoin`'s: (first line,
        // last line, text).
        // (A paragraph of one line borrows it: most are.)
        let mut paras: Vec<(usize, usize, Cow<'_, str>)> = Vec::with_capacity(strs.len());
        let mut start = 0;
        for k in 0..strs.len() {
            if !joins[k] || k + 1 == strs.len() {
                let text: Cow<'_, str> = if start == k {
                    Cow::Borrowed(strs[k].trim_ws())
                } else {
                    let mut text = String::with_capacity(strs[start..=k].iter().map(|t| t.len()).sum());
                    strs[start..=k].iter().for_each(|t| text.push_str(t.trim_ws()));
                    Cow::Owned(text)
                };
                let n = paras.len();
                let prev = if n >= 2 { paras[n - 2].2.as_ref() } else { "" };
                let joined = match (rejoin, paras.last()) {
                    (Some(rc), Some(last)) => joins_to(rc, prev, at_start && n == 1, &last.2, &text).is_some(),
                    _ => false,
                };
                match (joined, paras.last_mut()) {
                    (true, Some(last)) => {
                        last.1 = k;
                        last.2.to_mut().push_str(&text);
                    }
                    _ => paras.push((start, k, text)),
                }
                start = k + 1;
            }
        }
        let mut more = false;
        let mut from = 0;
        while from < paras.len() {
            // A window ends where a second cleaning's would: before a line
            // wider than any column, which joins nothing and is no
            // evidence (`line` passes it on). A paragraph of one line is
            // none: `line` held no wider line (a column's line of 29 to 56
            // characters, 84 to 168 bytes, was measured again here).
            let wide =
                (from..paras.len()).find(|&i| paras[i].0 != paras[i].1 && wider_than_any_column(&paras[i].2, cfg));
            debug_assert!(paras[from..wide.unwrap_or(paras.len())].iter().all(|p| !wider_than_any_column(&p.2, cfg)));
            let (to, next) = wide.map_or((paras.len(), paras.len()), |i| (i, i + 1));
            // A window of one paragraph has no join to find.
            if to - from < 2 {
                from = next;
                continue;
            }
            let window: Vec<&str> = paras[from..to].iter().map(|p| p.2.as_ref()).collect();
            // A paragraph of one line is that line trimmed: its shape
            // without the indent.
            let measure = |p: &(usize, usize, Cow<'_, str>)| {
                if p.0 == p.1 {
                    Shape { width: shapes[p.0].text, indent: false, ..shapes[p.0] }
                } else {
                    shape(&p.2)
                }
            };
            // Nor has a window without two lines that may reach a column's
            // edge (see `edge`): measured for all but the last, which is
            // counted as one.
            let (last, rest) = paras[from..to].split_last().expect("two paragraphs");
            let mut shapes: Vec<Shape> = Vec::with_capacity(to - from);
            shapes.extend(rest.iter().map(measure));
            let near = |w: usize| (cfg.min_column * 2).saturating_sub(2) <= w && w <= cfg.max_column * 2;
            if !shapes.iter().any(|s| near(s.width) || near(s.text)) {
                from = next;
                continue;
            }
            shapes.push(measure(last));
            // (No blank lines stand between a second cleaning's lines.)
            let n = window.len() - 1;
            if no_gaps.len() < n {
                no_gaps.resize(n, false);
            }
            plan(&window, &shapes, &no_gaps[..n], None, cfg, &mut again);
            for (i, &j) in again.iter().enumerate() {
                if j && !joins[paras[from + i].1] {
                    joins[paras[from + i].1] = true;
                    more = true;
                }
            }
            from = next;
        }
        if !more {
            return;
        }
    }
}

/// Takes off the indent of a line joined onto the one before it, reporting
/// it. Returns the bytes taken off.
fn strip_lead(content: &str, at: u64, out: &mut Out<'_>) -> usize {
    let start = content.len() - content.trim_ws_start().len();
    if start > 0 {
        out.edit_abs(at, &content[..start], "", "unwrap");
    }
    start
}

impl LinePass for UnwrapPass {
    fn name(&self) -> &'static str {
        super::PassId::Unwrap.name()
    }

    fn line_buffer(&mut self) -> &mut LineBuffer {
        &mut self.lines
    }

    fn buffered(&self) -> usize {
        self.lines.held_bytes()
    }

    fn line(&mut self, text: &str, at: u64, seg: Seg, out: &mut Out<'_>) {
        UnwrapPass::line(self, text, at, seg, out);
    }

    fn end_document(&mut self, out: &mut Out<'_>) {
        self.flush(out, true);
        self.layout = None;
        self.started = false;
    }

    fn held_besides_lines(&self) -> usize {
        self.run
            .iter()
            .map(|it| match it {
                Item::Text { content, .. } => content.len(),
                Item::Head { line, .. } | Item::Blank { line, .. } => line.len(),
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::EditLog;

    fn run(input: &str) -> (String, EditLog) {
        crate::testing::run_pass(&mut UnwrapPass::new(UnwrapConfig::default()), input)
    }

    fn check(input: &str, want: &str) {
        let (out, log) = run(input);
        assert_eq!(out, want);
        assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), input);
    }

    /// `paras` set in a column `cells` wide, each paragraph opened with
    /// an ideographic indent; and the paragraphs as the output has them.
    fn set_in_column(paras: &[&str], cells: usize) -> (String, String) {
        let mut page = String::new();
        for p in paras {
            let chars: Vec<char> = format!("\u{3000}\u{3000}{p}").chars().collect();
            for line in chars.chunks(cells) {
                page.extend(line);
                page.push('\n');
            }
        }
        (page, paras.iter().map(|p| format!("\u{3000}\u{3000}{p}\n")).collect())
    }

    #[test]
    fn apply_orders_the_run_as_taking_the_blocks_out_and_putting_them_back_does() {
        // The reference: every item taken out, the run built again with
        // each block after its paragraph's last line.
        fn reference(run: Vec<Item>, ends: &[(usize, u64, Vec<usize>)]) -> Vec<Item> {
            let taken: Vec<usize> = ends.iter().flat_map(|e| e.2.iter().copied()).collect();
            let mut old: Vec<Option<Item>> = run.into_iter().map(Some).collect();
            let mut out = Vec::new();
            for i in 0..old.len() {
                if taken.contains(&i) {
                    continue;
                }
                out.push(old[i].take().expect("each item once"));
                for (_, to, block) in ends.iter().filter(|e| e.0 == i) {
                    for &b in block {
                        let mut item = old[b].take().expect("moved once");
                        if let Item::Text { moved_to, .. } = &mut item {
                            *moved_to = Some(*to);
                        }
                        out.push(item);
                    }
                }
            }
            out
        }
        let describe = |run: &[Item]| -> Vec<(String, Option<u64>)> {
            run.iter()
                .map(|it| match it {
                    Item::Text { content, moved_to, .. } => (content.clone(), *moved_to),
                    Item::Head { line, .. } | Item::Blank { line, .. } => (line.clone(), None),
                })
                .collect()
        };
        let mut rng = crate::testing::Lcg::new(41);
        let mut moved_lines = 0;
        for case in 0..3_000 {
            let n = 3 + rng.below(40);
            let items: Vec<Item> = (0..n)
                .map(|i| match rng.below(6) {
                    0 => Item::Blank { line: format!("blank {i}\n"), at: i as u64 },
                    1 => Item::Head { line: format!("head {i}\n"), at: i as u64 },
                    _ => {
                        let content = format!("line {i}");
                        let shape = shape(&content);
                        Item::Text { content, shape, at: i as u64, terminated: true, joined_in: false, moved_to: None }
                    }
                })
                .collect();
            let texts: Vec<usize> = (0..n).filter(|&i| matches!(items[i], Item::Text { .. })).collect();
            // Moves as `moves` makes them: blocks of text lines, each before
            // its paragraph's last text line, the next move after that line.
            let mut ends = Vec::new();
            let mut k = 0;
            while k + 2 < texts.len() {
                if rng.below(3) == 0 {
                    let len = 1 + rng.below(3.min(texts.len() - k - 2));
                    let end = k + len + 1 + rng.below(texts.len() - k - len - 1);
                    let block: Vec<usize> = (k + 1..=k + len).map(|t| texts[t]).collect();
                    moved_lines += block.len();
                    ends.push((texts[end], 1000 + case as u64, block));
                    k = end + 1;
                } else {
                    k += 1;
                }
            }
            let want = describe(&reference(items.clone(), &ends));
            let mut pass = UnwrapPass::new(UnwrapConfig::default());
            pass.run = items;
            let (mut got_texts, mut got_gapped) = (Vec::new(), Vec::new());
            pass.apply(&Moves { ends, joins: Vec::new() }, &mut got_texts, &mut got_gapped);
            assert_eq!(describe(&pass.run), want, "case {case}");
            let (mut texts, mut gapped) = (Vec::new(), Vec::new());
            pass.text_lines(&mut texts, &mut gapped);
            assert_eq!((got_texts, got_gapped), (texts, gapped), "case {case}");
        }
        assert!(moved_lines > 3_000, "{moved_lines}");
    }

    #[test]
    fn stories_of_two_widths_on_one_page_each_come_out_as_paragraphs() {
        // Two stories, one set 13 cells wide and one 17, with a blank line
        // between them: neither width is most of the window's lines, and
        // each story is judged by its own.
        let a = [
            "市里今年将新建口袋公园二十个，改造老旧小区供水管网三百余公里，同时推进背街小巷整治，让群众出门见绿。",
            "据介绍，首批项目已于上月开工，预计明年年底全部完成，届时全市公园绿地服务半径覆盖率将明显提高。",
        ];
        let b = [
            "法官走进社区开展普法宣传活动，向前来咨询的群众发放宣传资料，并就婚姻家庭、邻里纠纷等问题现场答疑解惑。",
            "调解员与双方当事人面对面交流，耐心释法说理，最终促成双方达成和解协议，当场履行完毕，案件得到圆满化解。",
        ];
        let (page_a, want_a) = set_in_column(&a, 13);
        let (page_b, want_b) = set_in_column(&b, 17);
        check(&format!("{page_a}\n{page_b}"), &format!("{want_a}\n{want_b}"));
        // Each alone comes out the same.
        check(&page_a, &want_a);
        check(&page_b, &want_b);
    }

    #[test]
    fn a_few_lines_before_a_gap_go_by_the_column_of_the_story_after() {
        // Three lines before a caption's gap fill a width of their own
        // (the indented first one a cell past the rest): too few to show a
        // column, they go by the one the lines after the gap show.
        let page = concat!(
            "基本案情\n",
            "    山东省济南市历城区人民政府（以下简称历城区政府）\n",
            "成立雪山片区指挥部，负责雪山片区四村整合安置房项目。\n",
            "2015年10月，雪山片区指挥部与赵某某订立了拆迁安置补\n",
            "\n\n",
            "偿协议，载明赵某某家庭共有两口人，合计选房面积为94\n",
            "平方米。\n",
            "    协议订立后，赵某某将其涉案房屋交付拆除。2017年\n",
            "7月，雪山片区指挥部通知赵某某更改协议。历城区政府\n",
            "认为，赵某某在订立协议时隐瞒了在济钢周边片区村庄整\n",
            "合中已经享受过拆迁安置房的事实，该安置房具有福利分\n",
            "房的性质，依据《雪山片区拆迁安置办法》第九条关于\n",
            "“被拆迁人已享受过福利分房不再给予安置”的规定，本\n",
            "次安置属于重复安置，决定对赵某某家庭不再依约进行房\n",
            "屋安置。\n",
        );
        let (out, _) = run(page);
        assert!(out.contains("（以下简称历城区政府）成立雪山片区指挥部"), "{out}");
        assert!(out.contains("拆迁安置补偿协议，载明"), "{out}");
        check(page, &out);
        check(&out, &out);
    }

    #[test]
    fn a_line_with_a_prose_mark_is_no_running_head() {
        // Heads, feet and editor lines, and lines of text, with the marks
        // of prose put anywhere among them: where the shape sees one,
        // `is_running_head` says no, so `line` need not ask it.
        let pieces = [
            "江城日报",
            "2023年12月5日",
            "星期二",
            "第03版",
            "要闻",
            "·",
            "A2",
            " ",
            "　",
            "- 12 -",
            "责任编辑",
            "本版编辑",
            "张三",
            "：",
            "校对",
            "李四",
            "（",
            "）",
            "12",
            "—",
            "人民法院报",
            "2023-12-05",
            "，",
            "。",
            "；",
            "！",
            "？",
            ",",
            ";",
            "?",
            "!",
            "、",
            "正文",
            ":",
            "(",
            ")",
            "/",
            "-",
            ".",
            "|",
        ];
        let mut lines = crate::testing::Lcg::new(41).mixtures(&pieces, 40_000, 8);
        lines.extend(
            [
                "责任编辑 张三 美术编辑 李四",
                "本版编辑：王某某 校对：李四",
                "本版编辑:王某某",
                "滨海日报·要闻",
                "- 12 -",
                "12月5日 (星期二)",
            ]
            .map(String::from),
        );
        let (mut heads, mut prose) = (0, 0);
        for t in &lines {
            let head = is_running_head(t);
            heads += usize::from(head);
            assert_eq!(is_running_head_anchored(t, shape(t).anchored), head, "{t:?}");
            if shape(t).prose {
                prose += 1;
                assert!(!head, "{t:?}");
            }
        }
        assert!(heads > 200 && prose > 10_000, "{heads} heads, {prose} lines with prose marks");
    }

    #[test]
    fn within_a_cell_is_the_two_bounds() {
        for edge in 0..120 {
            for width in 0..130 {
                assert_eq!(within_a_cell(width, edge), width <= edge && width + 2 >= edge, "{width} {edge}");
            }
        }
        assert!(!within_a_cell(usize::MAX, 40) && !within_a_cell(41, 40));
    }

    #[test]
    fn the_edge_is_the_widest_of_the_most_filled_widths() {
        // As it was found before: every distinct width in range, each
        // counted over all lines.
        let before = |widths: &[usize], lo: usize, hi: usize| {
            let mut distinct: Vec<usize> =
                widths.iter().copied().filter(|w| (lo..=hi).contains(w) && w % 2 == 0).collect();
            distinct.sort_unstable();
            distinct.dedup();
            let (mut best, mut most) = (0, 0);
            for &c in &distinct {
                let exact = widths.iter().filter(|&&w| w == c).count();
                if exact >= most {
                    (best, most) = (c, exact);
                }
            }
            best
        };
        let mut rng = crate::testing::Lcg::new(5);
        let mut found = 0;
        for _ in 0..5000 {
            let (n, base, spread) = (rng.below(60), rng.below(100), 1 + rng.below(12));
            let widths: Vec<usize> = (0..n).map(|_| base + rng.below(spread)).collect();
            let (lo, hi) = (16 + 2 * rng.below(3), 80 - 2 * rng.below(3));
            let want = before(&widths, lo, hi);
            assert_eq!(most_filled(widths.iter().copied(), lo, hi), want, "{widths:?} {lo} {hi}");
            found += usize::from(want > 0);
        }
        assert_eq!(most_filled([30, 40].into_iter(), 50, 16), 0);
        assert!(found > 1000, "{found}");
    }

    #[test]
    fn the_strings_kept_for_reuse_are_bounded() {
        // A window of column lines, one with a long run of trailing spaces,
        // running heads and blank lines: what is kept is at most a window's
        // worth of strings, none of them large.
        let mut page = String::new();
        for k in 0..600 {
            page.push_str(
                [
                    "市里今年将新建口袋公园二十个，改造",
                    "江城日报 2023年12月5日 星期二",
                    "",
                    "老旧小区供水管网三百余公里；同时",
                ][k % 4],
            );
            if k == 301 {
                page.push_str(&" ".repeat(10_000));
            }
            page.push('\n');
        }
        let mut pass = UnwrapPass::new(UnwrapConfig::default());
        let (out, _) = crate::testing::run_pass(&mut pass, &page);
        assert!(!pass.spare.is_empty() && pass.spare.len() <= pass.cfg.max_run_lines);
        assert!(pass.spare.iter().all(|s| s.capacity() <= MAX_SPARE_BYTES));
        assert!(out.contains("口袋公园") && !out.contains("江城日报"));
    }

    #[test]
    fn what_a_line_opens_and_ends_with_is_measured_as_before() {
        // The old measures, for every BMP character first and last.
        let moved = |t: &str| -> usize {
            t.chars()
                .take_while(|&c| {
                    c.is_ascii_alphanumeric() || matches!(c, '（' | '(' | '《' | '“' | '"' | '〔' | '【' | '「')
                })
                .take(8)
                .map(|c| if c == '"' { 2 } else { half_cells(c) })
                .sum()
        };
        let hung = |t: &str| -> usize {
            t.chars()
                .rev()
                .take_while(|&c| !(is_han(c) || is_alphanumeric(c) || c.is_whitespace()))
                .map(half_cells)
                .sum()
        };
        for c in (0..0x10000).filter_map(char::from_u32).filter(|c| !c.is_whitespace()) {
            for t in [format!("{c}文。{c}"), format!("文{c}"), format!("{c}")] {
                let sh = shape(&t);
                assert_eq!((sh.moved, sh.hung), (moved(&t), hung(&t)), "{t:?}");
            }
        }
    }

    #[test]
    fn a_hard_wrapped_column_becomes_paragraphs() {
        check(
            "  市里今年将新建口袋公园二十\n个，改造老旧小区供水管网三百余\n公里；同时推进背街小巷整治，让\n群众出门见绿。\n  据介绍，首批项目已于上月开工。\n",
            "  市里今年将新建口袋公园二十个，改造老旧小区供水管网三百余公里；同时推进背街小巷整治，让群众出门见绿。\n  据介绍，首批项目已于上月开工。\n",
        );
    }

    #[test]
    fn a_trimmed_line_measures_as_its_shape_without_the_indent() {
        // settle measures a paragraph of one line so.
        for t in ["    市里今年将新建口袋公园二十", "  “图/王五 ", "\t据介绍，首批项目已于上月开工。  ", "x", "", "   "]
        {
            let (s, trimmed) = (shape(t), shape(t.trim()));
            let derived = Shape { width: s.text, indent: false, ..s };
            assert_eq!(format!("{derived:?}"), format!("{trimmed:?}"), "{t:?}");
        }
    }

    #[test]
    fn shape_answers_as_each_question_asked_alone() {
        // What shape reads off a line's last bytes and its scan, against
        // the questions asked of the trimmed line one by one: lines ending
        // with Han (most), marks, brackets, credits, Latin, digits,
        // hexagrams (E4 B7, led like Han) and astral characters.
        let pieces = [
            "市里今年将新建",
            "公园",
            "摄",
            "供图",
            "图",
            "摄影",
            "（王某摄）",
            "(资料图片)",
            "，",
            "。",
            "”",
            "）",
            ")",
            "！",
            "?",
            "…",
            "a",
            "Z9",
            "12",
            " ",
            "  ",
            "·",
            "䷀",
            "𠀀",
            "、",
            "《",
            "》",
            "责任编辑：",
            "2023年",
        ];
        let mut lines = crate::testing::Lcg::new(29).mixtures(&pieces, 20_000, 6);
        lines.extend(["", " ", "摄", "图", "䷀", "a"].map(String::from));
        for t in &lines {
            let (s, inner) = (shape(t), t.trim());
            let last = inner.chars().next_back();
            assert_eq!(s.closed, ends_sentence(inner), "{t:?}");
            assert_eq!(s.credit, is_credit_line(inner) || ends_with_caption_marker(inner), "{t:?}");
            assert_eq!(s.mid_word, last.is_some_and(|c| is_han(c) || is_alphanumeric(c)), "{t:?}");
            assert_eq!(s.anchored, inner.contains(|c: char| c.is_ascii_digit() || c == '·'), "{t:?}");
            let gaps = inner.split_whitespace().count().saturating_sub(1);
            assert_eq!(s.spaced, gaps >= 2 && !is_body_line(inner), "{t:?}");
        }
    }

    #[test]
    fn quotes_shape_a_line_alike_straight_or_curly() {
        // `punct` makes a straight quote by Han curly: a second cleaning
        // must see the same width, marks and moved opening.
        for (a, b) in [("\"图/王五", "“图/王五"), ("他说\"好\"", "他说“好”")] {
            let (sa, sb) = (shape(a), shape(b));
            assert_eq!((sa.width, sa.marked, sa.moved), (sb.width, sb.marked, sb.moved), "{a} / {b}");
        }
        // Negative: quotes in a Latin run are no mark; `punct` leaves them.
        assert!(!shape("don't \"go\" now").marked);
    }

    #[test]
    fn any_twice_finds_the_one_key_given_twice() {
        // Distinct keys (in the table and past its size), then the same
        // with one of them given again somewhere after it.
        let mut rng = crate::testing::Lcg::new(11);
        for n in (1..40).chain([255, 256, 257, 511, 600]) {
            let mut keys: Vec<u64> = (0..n as u64).map(|i| i << 40 | rng.below(1 << 20) as u64).collect();
            assert!(!any_twice(keys.iter().copied(), n), "{n} distinct");
            let dup = keys[rng.below(n)];
            let at = keys.iter().position(|&k| k == dup).unwrap() + 1;
            keys.insert(at + rng.below(n + 1 - at), dup);
            assert!(any_twice(keys.iter().copied(), n + 1), "{n} and one twice");
        }
    }

    #[test]
    fn first_of_their_text_is_the_set_of_texts_seen() {
        // Windows of lines drawn from a few texts: repeats, the same text
        // with other spaces around it, and texts alike in length and in
        // their first and last eight bytes (the cheap key's blind spot).
        let texts = [
            "第一行文字很长很长很长",
            "  第一行文字很长很长很长\n",
            "第一行文字很短很长很长",
            "第一行文字很长很长很长。",
            "甲",
            "甲 ",
            "乙",
            "",
            "   ",
            "abcdefgh12abcdefgh",
            "abcdefgh21abcdefgh",
        ];
        let mut rng = crate::testing::Lcg::new(7);
        for round in 0..3000 {
            // (Longer windows now and then: past the table's size too.)
            let n = 1 + if round % 50 == 0 { rng.below(600) } else { rng.below(12) };
            let window: Vec<&str> = (0..n).map(|_| texts[rng.below(texts.len())]).collect();
            let mut seen = std::collections::HashSet::new();
            let naive: Vec<bool> = window.iter().map(|t| seen.insert(t.trim_ws())).collect();
            let got = first_of_their_text(&window).unwrap_or_else(|| vec![true; n]);
            assert_eq!(got, naive, "{window:?}");
        }
    }

    #[test]
    fn a_last_line_alone_is_written_as_its_window_writes_it() {
        // Documents ending without a newline, their last line alone (the
        // only line, or after a line wider than any column, a heading or a
        // blank line) or not (after lines of a column): the same text and
        // edits with the shortcut as with the window, pushed in pieces or
        // finished at once, with running heads taken out and kept.
        let wide = "据介绍，首批项目已于上月开工，预计明年年底前全部完工并投入使用，惠及周边居民。";
        let pieces = [
            "江城日报 2023年12月5日 星期二",
            "第03版 要闻",
            "- 12 -",
            "责任编辑：王海",
            "市里今年将新建口袋公园二十",
            "个，改造老旧小区供水管网三百余",
            "。",
            "\n",
            "\n\n",
            "\u{3000}\u{3000}",
            wide,
            "ab 12",
            " ",
        ];
        let mut docs = crate::testing::Lcg::new(43).mixtures(&pieces, 3_000, 6);
        // Columns that join, cut anywhere, after a head or a wide line.
        let paras = [
            "市里今年将新建口袋公园二十个，改造老旧小区供水管网三百余公里；同时推进背街小巷整治。",
            "据介绍，首批项目已于上月开工。",
        ];
        for cells in [9, 12, 16] {
            let (page, _) = set_in_column(&paras, cells);
            for (cut, _) in page.char_indices().skip(1) {
                let text = page[..cut].trim_end_matches('\n');
                docs.extend([text.to_string(), format!("第03版 要闻\n{text}"), format!("{wide}\n\n{text}")]);
            }
        }
        let mut alone = 0;
        let configs = [
            UnwrapConfig::default(),
            UnwrapConfig { running_heads: false, ..UnwrapConfig::default() },
            // (Heads wider than any column: passed on, not taken out.)
            UnwrapConfig { min_column: 4, max_column: 8, ..UnwrapConfig::default() },
        ];
        for cfg in configs {
            for doc in &docs {
                let pass = || UnwrapPass::new(cfg.clone()).with_rejoin(Some(RejoinConfig::default()));
                let (mut fast, mut full) = (pass(), pass());
                full.shortcuts.off = true;
                let got = crate::testing::run_pass(&mut fast, doc);
                assert_eq!(got, crate::testing::run_pass(&mut full, doc), "{doc:?} {cfg:?}");
                let at_once = |p: &mut UnwrapPass| {
                    let (mut text, mut log) = (String::new(), EditLog::default());
                    crate::Pass::finish_with(p, doc, &mut Out::new(&mut text, &mut log, "unwrap", 0)).unwrap();
                    (text, log)
                };
                assert_eq!(at_once(&mut fast), got, "{doc:?} {cfg:?}");
                alone += fast.alone;
                // (The pass with its shortcut off took none.)
                assert_eq!(full.alone, 0);
            }
        }
        assert!(alone > 2_000, "{alone}");
    }

    #[test]
    fn a_window_of_one_line_is_planned_as_plan_and_settle_would() {
        // Lines of every kind, alone in a window, under every carried
        // layout (none, a column plain or indented or a list's): `plan`
        // finds no join and shows no layout of the window's own, and
        // `settle` adds no join, which is what `judge` says of such a
        // window without them. (No block can be moved in it either:
        // `interposed` needs three lines.)
        let pieces = [
            "　　",
            "  ",
            "江城日报",
            "新华社北京1月6日电",
            "一、",
            "（二）",
            "①",
            "他说，",
            "。",
            "；",
            "图/王五",
            "倪睿/摄",
            "ab",
            "12",
            "“",
            "”",
            "（完）",
            "经济",
        ];
        let lines = crate::testing::Lcg::new(7).mixtures(&pieces, 2_000, 6);
        let cfg = UnwrapConfig::default();
        let carried = [
            None,
            Some(Layout { column: 40, indented: false, list: false }),
            Some(Layout { column: 36, indented: true, list: false }),
            Some(Layout { column: 30, indented: true, list: true }),
        ];
        for t in &lines {
            let s = shape(t);
            for c in carried {
                let mut joins = Vec::new();
                let (own, _) = plan(&[t.as_str()], &[s], &[], c, &cfg, &mut joins);
                let mut settled = joins.clone();
                settle(&[t.as_str()], &[s], &mut settled, &cfg, Some(&RejoinConfig::default()), true);
                assert_eq!(joins, vec![false], "{t:?} {c:?}");
                assert!(own.is_none(), "{t:?} {c:?}");
                assert_eq!(settled, joins, "{t:?} {c:?}");
            }
        }
    }

    #[test]
    fn settle_leaves_a_line_wider_than_any_column_out_of_the_window() {
        // The lines as a second cleaning sees them: the paragraph the last
        // two make (joined already), wider than any column, ends the
        // window and is passed on unjudged; the five before it show a
        // column, and `群众。` at its edge runs on. (`line` holds no line
        // wider than any column: such a paragraph is one of joined lines.)
        let wide = "市里今年将新建口袋公园二十个，".repeat(2);
        let strs = [
            "2023年共完成投资1.5亿元，Co",
            "pyright 2023 Example市里今年将新",
            "建口袋公园二十个，。",
            "同时推进背街小巷整治，让群众。",
            "“我们要把好事办好。”他说。",
            wide.as_str(),
            wide.as_str(),
        ];
        let cfg = UnwrapConfig::default();
        assert!(!wider_than_any_column(&wide, &cfg) && wider_than_any_column(&wide.repeat(2), &cfg));
        let mut joins = vec![false; strs.len()];
        joins[5] = true;
        let shapes: Vec<Shape> = strs.iter().map(|t| shape(t)).collect();
        settle(&strs, &shapes, &mut joins, &cfg, None, true);
        let mut own = Vec::new();
        plan(
            &strs[..5],
            &strs[..5].iter().map(|t| shape(t)).collect::<Vec<_>>(),
            &[false; 4],
            None,
            &UnwrapConfig::default(),
            &mut own,
        );
        assert_eq!(&joins[..5], &own[..], "settle plans the window a second cleaning sees");
        assert!(joins[3], "{joins:?}");
        // The wide paragraph joins nothing.
        assert!(!joins[4] && joins[5] && !joins[6]);
    }

    #[test]
    fn a_running_head_between_the_halves_goes_and_they_join() {
        check(
            "  市里今年将新建口袋公园二十\n个，改造老旧小区供水管网三百余\n第03版 要闻\n公里；同时推进背街小巷整治，让\n群众出门见绿。\n",
            "  市里今年将新建口袋公园二十个，改造老旧小区供水管网三百余公里；同时推进背街小巷整治，让群众出门见绿。\n",
        );
        let (_, log) = run("第03版 要闻\n正文。\n");
        assert_eq!(log.edits[0].reason, "running_head");
    }

    #[test]
    fn verse_lists_names_and_headlines_keep_their_lines() {
        for doc in [
            "床前明月光，\n疑是地上霜。\n举头望明月，\n低头思故乡。\n",
            "白日依山尽，黄河入海流。\n欲穷千里目，更上一层楼。\n",
            "张三 李四 王五 赵六\n钱七 孙八 周九 吴十\n郑一 王二 冯三 陈四\n",
            "强化人才驱动 增强发展动能\n本报记者 王海 通讯员 林峰\n",
            "一、加强组织领导确保落实到位\n二、完善制度体系推进规范管理\n三、强化监督检查严格责任追究\n",
        ] {
            check(doc, doc);
        }
    }

    #[test]
    fn a_credit_or_an_indented_line_is_no_continuation() {
        let doc = "法官走进社区开展普法宣传活动，\n图/赵阳\n";
        check(doc, doc);
        let doc = "  市里今年将新建口袋公园二十\n个，改造老旧小区供水管网三百余\n  公里；同时推进背街小巷整\n治，让群众出门见绿。\n";
        let (out, _) = run(doc);
        assert_eq!(out.lines().count(), 2, "{out}");
    }

    #[test]
    fn latin_words_across_a_wrap_keep_their_space() {
        let doc = "  市里今年将新建口袋公园二十Hi\nWorlds改造老旧小区供水管网三百余\n公里；同时推进背街小巷整治，让群\n众出门见绿。\n";
        let (out, _) = run(doc);
        assert!(out.contains("Hi Worlds"), "{out}");
        check(doc, &out);
    }

    #[test]
    fn a_column_runs_on_across_a_page_end() {
        // A full line, a gap with a running head, and the rest of the
        // sentence: joined, the head and the blank lines gone.
        check(
            "  市里今年将新建口袋公园二十\n个，改造老旧小区供水管网三百余\n\n- 2 -\n\n公里；同时推进背街小巷整治，让\n群众出门见绿。\n",
            "  市里今年将新建口袋公园二十个，改造老旧小区供水管网三百余公里；同时推进背街小巷整治，让群众出门见绿。\n",
        );
        // Without indents, a sentence that ends at the column's edge before
        // a gap ends its paragraph; a heading after a gap stays apart too.
        for doc in [
            "市里今年将新建口袋公园二十个，\n改造老旧小区供水管网三百余公\n里，同时推进背街小巷整治工作。\n\n据介绍，首批项目已于上月开工，\n预计明年年底全部完成。\n",
            "  市里今年将新建口袋公园二十\n个，改造老旧小区供水管网三百余\n公里；同时推进背街小巷整治，让\n\n基本案情\n",
        ] {
            check(doc, &run(doc).0);
            assert_eq!(run(doc).0.matches("\n\n").count(), 1, "{doc}");
        }
    }

    #[test]
    fn a_long_run_is_judged_in_windows_with_the_same_result() {
        let para = "  市里今年将新建口袋公园二十\n个，改造老旧小区供水管网三百余\n公里；同时推进背街小巷整治，让\n群众出门见绿。\n";
        let doc = para.repeat(40);
        let mut small = UnwrapPass::new(UnwrapConfig { max_run_lines: 5, ..UnwrapConfig::default() });
        let (out_small, log) = crate::testing::run_pass(&mut small, &doc);
        assert_eq!(out_small, run(&doc).0);
        assert_eq!(out_small.lines().count(), 40);
        assert_eq!(crate::testing::rebuild_input(&out_small, &log.edits).unwrap(), doc);
    }

    #[test]
    fn a_block_set_inside_a_cut_sentence_moves_after_its_paragraph() {
        // `工人|们` reads on across the block, `工人|相关` does not: the
        // block (a sidebar's head) goes after the paragraph, audited.
        let doc = "  据介绍，首批项目已于上月开工，记\n者走进这家工厂的装配车间，只见工人\n\n相关链接\n\n们正在调试新到的设备，一派繁忙景象\n。首批项目已于上月开工，明年完成。\n  据介绍，首批项目已于上月开工。\n";
        check(
            doc,
            "  据介绍，首批项目已于上月开工，记者走进这家工厂的装配车间，只见工人们正在调试新到的设备，一派繁忙景象。首批项目已于上月开工，明年完成。\n相关链接\n  据介绍，首批项目已于上月开工。\n",
        );
        let (_, log) = run(doc);
        let moved: Vec<(&str, &str)> =
            log.edits.iter().filter(|e| e.reason == "moved").map(|e| (e.before.as_str(), e.after.as_str())).collect();
        assert_eq!(moved, [("相关链接\n", ""), ("", "相关链接\n")]);
        // Without indents, the word that runs across is the evidence; the
        // same page with no such word is left as it is (the test below).
        let doc = "据介绍，首批项目已于上月开工，记者走\n进这家工厂的装配车间，只见一群群工人\n\n相关链接\n\n们正在调试新到的设备，一片繁忙的景象\n，首批项目已于上月开工，明年完成。\n";
        check(doc, "据介绍，首批项目已于上月开工，记者走进这家工厂的装配车间，只见一群群工人们正在调试新到的设备，一片繁忙的景象，首批项目已于上月开工，明年完成。\n相关链接\n");
        // Cut in windows, the same.
        let mut small = UnwrapPass::new(UnwrapConfig { max_run_lines: 4, ..UnwrapConfig::default() });
        let (out_small, log) = crate::testing::run_pass(&mut small, doc);
        assert_eq!(crate::testing::rebuild_input(&out_small, &log.edits).unwrap(), doc);
    }

    #[test]
    fn a_block_after_a_closed_or_unread_sentence_stays() {
        for doc in [
            // The sentence ends before the gap: the block is a heading.
            "  据介绍，首批项目已于上月开工，记\n者走进这家工厂的装配车间，只见工\n人们正在调试新到的设备，一片繁忙。\n\n相关链接\n\n  们正在调试新到的设备，一派繁忙景象\n。首批项目已于上月开工，明年完成。\n",
            // No indents, and no word or clause runs across the break:
            // nothing says the halves meet.
            "据介绍，首批项目已于上月开工，记者走\n进这家工厂的装配车间，只见一群群工人\n\n相关链接\n\n调试新到的设备，现场一片繁忙的景象\n，首批项目已于上月开工，明年完成。\n",
            // The second half is indented: a paragraph of its own.
            "  据介绍，首批项目已于上月开工，记\n者走进这家工厂的装配车间，只见工人\n\n相关链接\n\n  们正在调试新到的设备，一派繁忙景\n象。首批项目已于上月开工，明年完成。\n",
        ] {
            let (out, log) = run(doc);
            assert!(log.edits.iter().all(|e| e.reason != "moved"), "{out}");
            check(doc, &out);
        }
    }
}
