//! `caption`: photo captions, photo credits and page-jump markers out.
//!
//! What goes (reasons in parentheses):
//!
//! * page-jump markers at the start or end of a line, or alone on one:
//!   `(上接01版)`, `（下转第3版）`, `（转第5版）`, `（接第2版）` (`page_jump`);
//! * a line ending in a caption marker: `…考察学习 （资料图片）`,
//!   `（本报记者李四摄）`, `图为工人在调试设备。（李某摄）` (a name with 摄 in
//!   brackets is a credit whatever the role words) (`caption_marker`);
//! * an editor's note that photos went with the article, at a line's end
//!   (`…新年讲话（附图片1张）`, People's Daily's headlines): the note goes,
//!   the headline stays (`photo_note`);
//! * a photo-credit line: `倪睿/摄`, `新华社记者 张三 摄`, `图/王五`,
//!   `××供图`, `图片来源：…`, `摄影：王某`, a bracketed credit alone on its
//!   line `（本报记者 王某 摄）` (`photo_credit`), together with a short
//!   caption line right before it, bare or one sentence
//!   (`中信重工高端电液智能控制产业基地` / `倪睿/摄`,
//!   `执行干警清点涉案财物。` / `摄影：孙丽`) (`caption_before_credit`);
//! * a block of at most [`MAX_BLOCK_LINES`] short lines after a blank line,
//!   read as one text, when it is a caption: a figure label (`图①：…`,
//!   `图为…`, `caption_label`), a caption marker at its end
//!   (`caption_marker`), a credit at its end or on its last line
//!   (`caption_with_credit`). A caption set at a column's width comes in
//!   lines no rule can judge one by one (`图为志愿者帮助老人通过网` /
//!   `上平台查询案件进度。新华` / `社记者 吴静 摄`);
//! * a caption paragraph that ends in a credit: `近日，……健身需求。
//!   洛报融媒记者 张怡照 通讯员 许柯 摄` (`caption_with_credit`).
//!
//! Reporter bylines without a photo credit stay (`洛报融媒记者 孙小蕊`),
//! as do `文/图` bylines. Marker words are data:
//! `data/patterns/captions.txt`. Captions without any marker, set between
//! the halves of a broken paragraph, need layout evidence and belong to the
//! rejoin pass.
//!
//! Held bytes: one short line (a possible bare caption, at most
//! [`MAX_CAPTION_CHARS`] characters), a block of at most
//! [`MAX_BLOCK_LINES`] such lines, and one unterminated line (at most the
//! line cap).
//!
//! ```
//! use zhclean::{CleanConfig, Cleaner};
//! let c = Cleaner::new(CleanConfig::default()).unwrap();
//! let page = "（上接01版）近两年，我市抓产业下足了功夫。\n中信重工高端电液智能控制产业基地\n倪睿/摄\n正文继续。\n";
//! assert_eq!(c.clean(page), "近两年，我市抓产业下足了功夫。\n正文继续。\n");
//! ```

use crate::audit::CapOnce;
use crate::layout::credit::{
    ends_in_credit, ends_with_caption_marker, is_credit_line, is_labelled_caption, is_marker_line,
};
use crate::layout::marks::{jump_bounds, photo_note_at_end};
use crate::layout::patterns::PATTERNS;
use crate::lines::{LineBuffer, LinePass, Seg};
use crate::pass::Out;
use crate::text::TrimWs;
use crate::text::{
    count_sentence_ends, ends_sentence, han_by_lead, is_han, visible_more_than, FUNCTION_WORDS, SENTENCE_END,
};

pub use crate::layout::credit::MAX_CAPTION_CHARS;

/// The reason for taking `removed` off a line's end: a photo note or a
/// page-jump marker.
fn end_reason(removed: &str) -> &'static str {
    if photo_note_at_end(removed).is_some() {
        "photo_note"
    } else {
        "page_jump"
    }
}

/// What a headline does not hold: a sentence's end or a comma
/// ([`SENTENCE_END`] and `，` `,`, one set so a line is scanned once).
const NOT_IN_HEADLINES: [char; 7] = ['。', '！', '？', '!', '?', '，', ','];

/// `t.contains(NOT_IN_HEADLINES)`, byte-wise (asked of most lines): `。`
/// is `E3 80 82`, `！` `？` `，` are `EF BC` and `81` `9F` `8C`, and no
/// byte of them or of `! ? ,` ends another character.
fn has_not_in_headlines(t: &str) -> bool {
    let b = t.as_bytes();
    let found = (0..b.len()).any(|i| match b[i] {
        b'!' | b'?' | b',' => true,
        0x82 => i >= 2 && b[i - 2] == 0xE3 && b[i - 1] == 0x80,
        0x81 | 0x9F | 0x8C => i >= 2 && b[i - 2] == 0xEF && b[i - 1] == 0xBC,
        _ => false,
    });
    debug_assert_eq!(found, t.contains(NOT_IN_HEADLINES), "{t:?}");
    found
}

/// If `t` ends with a byline glued after its last sentence (`…书面表彰。
/// 王伟夫 廖承雄`, `…全面进步。 洛报融媒记者 孙小蕊`), the byte offset where
/// the whitespace before the byline starts. A byline is one to four
/// space-separated tokens, each a name of 2 or 3 Han characters or a title
/// ending in a role word (`洛报融媒记者`), 24 characters at most, and the
/// space before it is required: OCR keeps the byline's own spacing.
fn glued_byline(t: &str) -> Option<usize> {
    // A byline is Han and whitespace only, so the sentence end before it is
    // the last character that is neither: a line ending in a clause (most
    // hard-wrapped lines) is answered a few characters from its end instead
    // of searched back to its last sentence end.
    // Most of it is led by E4-E9, which the bytes tell without decoding.
    let b = t.as_bytes();
    let mut i = t.len();
    let end = loop {
        while i >= 3 && han_by_lead(b, i - 3) {
            i -= 3;
        }
        // The marks most lines end with, and the ASCII space, by their
        // bytes: U+3000-U+303F is the space, `。`, `〇` (Han) or another
        // character that is neither Han nor whitespace (a mark, `々`);
        // U+FF00-U+FF3F `！`, `？` or another such character.
        match b[..i] {
            [] => return None,
            [.., 0xE3, 0x80, z] => match z {
                0x82 => break i - 3,
                0x80 | 0x87 => i -= 3,
                _ => return None,
            },
            [.., 0xEF, 0xBC, 0x81 | 0x9F] => break i - 3,
            [.., 0xEF, 0xBC, _] => return None,
            [.., x] if x.is_ascii() => match x {
                b'!' | b'?' => break i - 1,
                _ if crate::text::is_ascii_ws(x) => i -= 1,
                _ => return None,
            },
            _ => {
                let c = t[..i].chars().next_back().expect("a character before `i`");
                i -= c.len_utf8();
                if !is_han(c) && !c.is_whitespace() {
                    if !SENTENCE_END.contains(&c) {
                        return None;
                    }
                    break i;
                }
            }
        }
    };
    byline_after(t, end)
}

/// [`glued_byline`] given where `t`'s last sentence end starts.
fn byline_after(t: &str, end: usize) -> Option<usize> {
    let after = end + t[end..].chars().next().map_or(0, char::len_utf8);
    let rest = &t[after..];
    let tail = rest.trim_ws_start();
    if tail.len() == rest.len() || tail.is_empty() || visible_more_than(tail, 24) {
        return None;
    }
    let tokens: Vec<&str> = tail.split_whitespace().collect();
    // A name does not start with a function word (which `punct` may also
    // glue to the next token), and is no verb or adjective of the word list:
    // a reader's `推荐` or `满意` after a review's last sentence is no
    // byline, while names that are also words are nouns there (`高峰` nr,
    // `江山` ns). A surname list would miss pen names (`博闻`, seed 002).
    let name = |w: &str| {
        let cs: Vec<char> = w.chars().collect();
        (2..=3).contains(&cs.len())
            && cs.iter().all(|&c| is_han(c))
            && !w.starts_with(FUNCTION_WORDS)
            && !crate::dict::words::is_han_non_noun(&cs)
    };
    let titled =
        |w: &str| w.chars().count() <= 10 && w.chars().all(is_han) && PATTERNS.roles.iter().any(|r| w.ends_with(r));
    let ok = (1..=4).contains(&tokens.len()) && tokens.iter().all(|w| name(w) || titled(w));
    ok.then_some(after)
}

/// Settings of the `caption` pass.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaptionConfig {
    /// Bytes a held caption candidate and the blank lines after it may
    /// take while the pass waits for a credit or for the text the caption
    /// interrupted. Past it the candidate is passed on as text (a cap hit).
    /// Default 64 KiB: a real image gap is a few dozen blank lines.
    pub max_held_bytes: usize,
}

impl Default for CaptionConfig {
    fn default() -> CaptionConfig {
        CaptionConfig { max_held_bytes: 1 << 16 }
    }
}

/// See the module docs.
#[derive(Debug)]
pub struct CaptionPass {
    cfg: CaptionConfig,
    cap: CapOnce,
    /// A short line held in case a credit line follows (then it is that
    /// photo's caption).
    held: Option<Held>,
    /// The buffer of the last held line released, reused for the next:
    /// most lines of a hard-wrapped column are held one line long.
    spare: String,
    /// Blank lines since the last non-blank line.
    blanks: usize,
    /// What the last non-blank line passed through was.
    prev: Prev,
    /// That line, when `prev` is [`Prev::Open`]: `prev_text[prev_at]`
    /// (a released held line's string is kept whole, not copied: at most
    /// `max_held_bytes`, the line in it at most [`MAX_PREV_TEXT`]).
    prev_text: String,
    prev_at: std::ops::Range<usize>,
    /// Short lines after a blank line (or at the document's start), held
    /// until a blank line shows whether together they are one caption set
    /// over several lines (see [`CaptionPass::block_reason`]); with their
    /// offsets. At most [`MAX_BLOCK_LINES`] lines of at most
    /// [`MAX_CAPTION_CHARS`] characters.
    block: Vec<(String, u64)>,
    /// The strings of released block lines, for the next block's (at most
    /// [`MAX_BLOCK_LINES`]: most lines of a column pass through a block).
    spare_lines: Vec<String>,
    /// The last line seen was blank, or none was seen yet.
    after_blank: bool,
    /// Whole lines only: pieces of a line over the cap pass through.
    lines: LineBuffer,
}

/// A short line held by [`CaptionPass`] until the next line says whether
/// it is a caption.
#[derive(Debug)]
struct Held {
    /// The line, and the blank lines after it.
    text: String,
    /// The line's length (with its `'\n'`), the blank lines' start.
    line_len: usize,
    /// Its offset.
    at: u64,
    /// When it came after an image-sized gap, the shape that may make it a
    /// caption by itself (see [`GapCaption`]).
    gap: Option<GapCaption>,
    /// Whether its line (trimmed, not blank) ends a sentence, when the
    /// rules asked already: kept for [`CaptionPass::note`], which asks
    /// again of every held line that stays.
    closed: Option<bool>,
    /// Where in `text` its line stands trimmed, when the rules found it
    /// already (most held lines): kept for the same.
    first: Option<std::ops::Range<usize>>,
}

/// A caption block has at most this many lines (a caption wrapped at a
/// narrow column, and its credit).
pub const MAX_BLOCK_LINES: usize = 4;

/// The paragraph after a gap caption is body text of at least this many
/// characters, with punctuation.
const MIN_BODY_CHARS: usize = 20;

impl Default for CaptionPass {
    fn default() -> CaptionPass {
        CaptionPass {
            cfg: CaptionConfig::default(),
            cap: CapOnce::default(),
            held: None,
            spare: String::new(),
            blanks: 0,
            prev: Prev::Other,
            prev_text: String::new(),
            prev_at: 0..0,
            block: Vec::new(),
            spare_lines: Vec::new(),
            after_blank: true,
            lines: LineBuffer::default(),
        }
    }
}

/// Blank lines that make an image-sized gap: OCR renders a photo's height
/// as a run of empty lines, where paragraphs and headings get one or two.
pub const IMAGE_GAP_LINES: usize = 3;

/// The last non-blank line, as the gap rule needs it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Prev {
    /// Start of document, or something else.
    #[default]
    Other,
    /// A paragraph that ends a sentence.
    Closed,
    /// A short line without sentence punctuation: a headline (decided at
    /// once for a line longer than [`MAX_PREV_TEXT`]).
    Headline,
    /// A line that ends no sentence, kept in `prev_text`: whether it is a
    /// headline is only asked after an image gap, so it is decided then
    /// (most lines are never asked, and the question reads the whole line).
    Open,
}

/// Lines longer than this are not kept for [`Prev::Open`]: they are
/// judged at once.
const MAX_PREV_TEXT: usize = 1024;

/// Whether a line noted as the one before (`closed`: it ends a sentence)
/// is kept as [`Prev::Open`], its headline question left for later.
fn kept_open(t: &str, closed: bool) -> bool {
    !closed && t.len() <= MAX_PREV_TEXT
}

/// Whether `t`, a line that ends no sentence, is a headline: short, with no
/// sentence end or comma.
fn headline_shape(t: &str) -> bool {
    !t.is_empty() && !has_not_in_headlines(t) && !visible_more_than(t, MAX_CAPTION_CHARS)
}

/// A short line after an image gap that may be a caption without a marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum GapCaption {
    /// No sentence punctuation, after a finished paragraph: a caption if the
    /// next paragraph opens with a connective (it continues the text the
    /// photo interrupted).
    Bare,
    /// One sentence, after a headline: a caption set between the headline
    /// and the article, if the article's lead (`本报讯…`) follows.
    Sentence,
}

impl CaptionPass {
    /// A fresh pass with the default settings.
    pub fn new() -> CaptionPass {
        CaptionPass::default()
    }

    /// A fresh pass with these settings.
    pub fn with_config(cfg: CaptionConfig) -> CaptionPass {
        CaptionPass { cfg, after_blank: true, ..CaptionPass::default() }
    }

    /// Whether the held block, read as one text, is a caption (and why):
    /// a figure label (`图①：`, `图为`), a caption marker or a credit at
    /// its end, or a credit line under the rest. A caption set at a
    /// column's width is cut into lines the rules above cannot judge one
    /// by one (`图为志愿者帮助老人通过网` / `上平台查询案件进度。新华` /
    /// `社记者 吴静 摄`).
    fn block_reason(&self) -> Option<&'static str> {
        if let [(line, _)] = self.block.as_slice() {
            // One line: the line rules judge it, and the label rule too.
            return is_labelled_caption(line.trim_ws()).then_some("caption_label");
        }
        let mut joined = String::with_capacity(self.block.iter().map(|(l, _)| l.len()).sum());
        self.block.iter().for_each(|(l, _)| joined.push_str(l.trim_ws()));
        if joined.is_empty() {
            return None;
        }
        let last = self.block.last().map_or("", |(l, _)| l.trim_ws());
        if is_labelled_caption(&joined) {
            Some("caption_label")
        } else if ends_with_caption_marker(&joined) {
            Some("caption_marker")
        } else if ends_in_credit(&joined) || is_credit_line(last) || is_marker_line(last) {
            Some("caption_with_credit")
        } else {
            None
        }
    }

    /// Takes a line: holds it in a possible caption block, or judges it
    /// (with the block before it, when it ends one).
    fn take(&mut self, line: &str, at: u64, seg: Seg, out: &mut Out<'_>) {
        let content = line.strip_suffix('\n').unwrap_or(line);
        let blank = content.is_blank();
        let terminated = content.len() < line.len();
        if seg == Seg::Line && terminated && !blank && (self.after_blank || !self.block.is_empty()) {
            let short = !visible_more_than(content.trim_ws(), MAX_CAPTION_CHARS);
            if short && self.block.len() < MAX_BLOCK_LINES {
                let mut kept = self.spare_lines.pop().unwrap_or_default();
                kept.clear();
                kept.push_str(line);
                self.block.push((kept, at));
                return;
            }
        }
        if blank && seg == Seg::Line {
            self.end_block(out);
        } else {
            self.release_block(out);
        }
        self.after_blank = blank;
        self.judge(line, at, seg, out);
    }

    /// A blank line (or the document's end) closes the held block: it goes
    /// as one caption, or its lines are judged one by one.
    fn end_block(&mut self, out: &mut Out<'_>) {
        // (Most blank lines close no block.)
        if self.block.is_empty() {
            return;
        }
        if let Some(reason) = self.block_reason() {
            let at = self.block[0].1;
            let text: String = self.block.drain(..).map(|(l, _)| l).collect();
            self.release_held(out);
            out.edit_abs(at, &text, "", reason);
        } else {
            self.release_block(out);
        }
    }

    fn release_block(&mut self, out: &mut Out<'_>) {
        let mut block = std::mem::take(&mut self.block);
        for (line, at) in block.drain(..) {
            self.judge(&line, at, Seg::Line, out);
            self.spare_lines.push(line);
        }
        self.block = block;
    }

    fn release_held(&mut self, out: &mut Out<'_>) {
        if let Some(h) = self.held.take() {
            // (The line whole, its end noted for the pass after; then the
            // blank lines.)
            out.push_line(&h.text[..h.line_len]);
            if h.line_len < h.text.len() {
                out.text().push_str(&h.text[h.line_len..]);
            }
            // (Its first line: `lines()` would also drop a `\r` before the
            // `\n`, which the trim does.)
            fn line(text: &str) -> std::ops::Range<usize> {
                let first = &text[..crate::text::find_newline(text.as_bytes()).unwrap_or(text.len())];
                let t = first.trim_ws_start();
                let from = first.len() - t.len();
                from..from + t.trim_ws_end().len()
            }
            let at = match h.first.clone() {
                Some(r) => {
                    debug_assert_eq!(r, line(&h.text), "the held line's place");
                    r
                }
                None => line(&h.text),
            };
            let mut text = h.text;
            let first = &text[at.clone()];
            if !first.is_empty() {
                let closed = h.closed.unwrap_or_else(|| ends_sentence(first));
                if kept_open(first, closed) {
                    // What `note` keeps, without copying it: the held
                    // string becomes `prev_text`, the old one the spare.
                    self.prev = Prev::Open;
                    std::mem::swap(&mut self.prev_text, &mut text);
                    self.prev_at = at;
                } else {
                    self.note(first, closed);
                }
            }
            self.spare = text;
        }
    }

    /// Whether the held line is a caption after a gap, now that `next`
    /// (the next non-blank line, trimmed) is known.
    fn gap_caption_confirmed(&self, next: &str) -> bool {
        // Cheapest test last: most lines are judged with nothing held.
        let body =
            || crate::text::visible_up_to(next, MIN_BODY_CHARS) >= MIN_BODY_CHARS && next.contains(['，', ',', '。']);
        match self.held.as_ref().and_then(|h| h.gap) {
            Some(GapCaption::Bare) => PATTERNS.connectives.iter().any(|c| next.starts_with(c)) && body(),
            Some(GapCaption::Sentence) => PATTERNS.leads.iter().any(|l| next.starts_with(l)) && body(),
            None => false,
        }
    }

    /// Records what a non-blank line that stays looks like, for the gap
    /// rule; `closed`: whether it ends a sentence.
    fn note(&mut self, t: &str, closed: bool) {
        self.prev = if closed {
            Prev::Closed
        } else if kept_open(t, closed) {
            self.prev_text.clear();
            self.prev_text.push_str(t);
            self.prev_at = 0..t.len();
            Prev::Open
        } else if headline_shape(t) {
            Prev::Headline
        } else {
            Prev::Other
        };
    }

    /// Whether the last non-blank line was a headline.
    fn after_headline(&self) -> bool {
        match self.prev {
            Prev::Headline => true,
            Prev::Open => headline_shape(&self.prev_text[self.prev_at.clone()]),
            Prev::Other | Prev::Closed => false,
        }
    }

    fn judge(&mut self, line: &str, at: u64, seg: Seg, out: &mut Out<'_>) {
        let content = line.strip_suffix('\n').unwrap_or(line);
        let nl = &line[content.len()..];
        // Blank lines between a held caption and its credit keep it held
        // (they go with it if a credit follows).
        if content.is_blank() && !nl.is_empty() {
            self.blanks = self.blanks.saturating_add(1);
            match &mut self.held {
                // Held with the caption candidate, up to a cap; a flood of
                // blank lines releases it (memory stays bounded).
                Some(h) if h.text.len() + line.len() <= self.cfg.max_held_bytes => {
                    h.text.push_str(line);
                    return;
                }
                Some(_) => {
                    let why = "a caption candidate followed by more blank lines is kept as text";
                    self.cap.report(out, "caption.max_held_bytes", self.cfg.max_held_bytes, at, why);
                    self.release_held(out)
                }
                None => {}
            }
            // Nothing is held now, and no rule below takes a blank line or
            // holds one: it goes on as it is.
            out.push_line(line);
            return;
        }
        if seg != Seg::Line {
            self.release_held(out);
            out.push_line(line);
            return;
        }
        // Page-jump markers at either end come off first, so that the rules
        // below judge what remains (and judge it the same when run again).
        let (lead, start, stop) = jump_bounds(content);
        let marked = start > lead || stop < content.len();
        let kept = &content[start..stop];
        let t = kept.trim_ws();
        let gap = self.blanks;
        if !content.is_blank() {
            self.blanks = 0;
        }
        // Credit line (no sentence in it), or a bracketed credit on a line of
        // its own (`（本报记者 王某 摄）`): it and the short caption before it
        // go.
        if is_credit_line(t) || is_marker_line(t) {
            if let Some(h) = self.held.take() {
                out.edit_abs(h.at, &h.text, "", "caption_before_credit");
            }
            out.edit_abs(at, line, "", "photo_credit");
            return;
        }
        // A short line after an image gap, confirmed by what follows it.
        if !t.is_empty() && self.gap_caption_confirmed(t) {
            if let Some(h) = self.held.take() {
                out.edit_abs(h.at, &h.text, "", "caption_after_gap");
            }
        }
        self.release_held(out);
        let whole = if t.is_empty() && marked {
            Some(if start == lead { end_reason(&content[stop..]) } else { "page_jump" })
        } else if ends_with_caption_marker(t) {
            Some("caption_marker")
        } else {
            // A caption paragraph ending in a credit.
            ends_in_credit(t).then_some("caption_with_credit")
        };
        if let Some(reason) = whole {
            out.edit_abs(at, line, "", reason);
            return;
        }
        if start > lead {
            out.edit_abs(at + lead as u64, &content[lead..start], "", "page_jump");
        }
        if stop < content.len() {
            out.edit_abs(at + stop as u64, &content[stop..], "", end_reason(&content[stop..]));
        }
        // A byline glued after the last sentence goes on its own line, and
        // is then judged like any short line (a photo credit after it makes
        // it a caption, as it would on a second cleaning).
        if let Some(cut) = glued_byline(kept.trim_ws_end()) {
            let ws_end = cut + kept[cut..].len() - kept[cut..].trim_ws_start().len();
            out.edit_abs(at + (start + cut) as u64, &kept[cut..ws_end], "\n", "byline_moved");
            out.text().push_str(&content[..lead]);
            out.text().push_str(&kept[..cut]);
            out.text().push('\n');
            let byline = format!("{}{nl}", &kept[ws_end..]);
            // Held as a caption candidate only when it is one stretch of
            // the input: a line that carried a page-jump marker is text (as
            // below), and its marker's edit is already out.
            if nl.is_empty() || marked {
                out.text().push_str(&byline);
            } else {
                let at = at + (start + ws_end) as u64;
                let line_len = byline.len();
                self.held = Some(Held { text: byline, line_len, at, gap: None, closed: None, first: None });
            }
            return;
        }
        // A short line that does not end a sentence may be a bare caption:
        // hold it until the next line says. (Not one that carried a
        // page-jump marker: that is text, and its edit is already out.)
        let short = !marked && !t.is_empty() && !visible_more_than(t, MAX_CAPTION_CHARS) && !nl.is_empty();
        // (Asked of every line that stays, held or not: once.)
        let closed = ends_sentence(t);
        // After an image-sized gap, a short line may be a caption without a
        // marker; hold it until the next line says (see `GapCaption`).
        let candidate = if short && gap >= IMAGE_GAP_LINES {
            let sentences = count_sentence_ends(t);
            if sentences == 0 && !t.contains(['，', ',']) && self.prev == Prev::Closed {
                Some(GapCaption::Bare)
            } else if sentences == 1 && closed && self.after_headline() && !t.starts_with("本报") {
                Some(GapCaption::Sentence)
            } else {
                None
            }
        } else {
            None
        };
        // One short sentence is held too: a credit under it makes it the
        // photo's caption (`执行干警清点涉案财物。` / `摄影：孙丽`).
        if short && (!closed || count_sentence_ends(t) <= 1 || candidate.is_some()) {
            let mut text = std::mem::take(&mut self.spare);
            text.clear();
            // (A short line carried no marker: `kept` is all of `content`
            // past its lead, and the line is held whole, in one copy.)
            debug_assert!(start == lead && stop == content.len());
            text.push_str(line);
            // (Its first line, trimmed, is `t`: `kept` trimmed, and `kept`
            // starts past the line's leading whitespace, at `lead`.)
            debug_assert!(t.is_empty() || kept.starts_with(t));
            let first = Some(lead..lead + t.len());
            let line_len = line.len();
            self.held = Some(Held { text, line_len, at, gap: candidate, closed: Some(closed), first });
            return;
        }
        if marked {
            let o = out.text();
            o.push_str(&content[..lead]);
            o.push_str(kept);
            o.push_str(nl);
        } else {
            // (Nothing was taken off: the line as it came, in one copy.)
            out.push_line(line);
        }
        if !t.is_empty() {
            self.note(t, closed);
        }
    }
}

impl LinePass for CaptionPass {
    fn name(&self) -> &'static str {
        super::PassId::Caption.name()
    }

    fn line_buffer(&mut self) -> &mut LineBuffer {
        &mut self.lines
    }

    fn buffered(&self) -> usize {
        self.lines.held_bytes()
    }

    fn line(&mut self, text: &str, at: u64, seg: Seg, out: &mut Out<'_>) {
        self.take(text, at, seg, out);
    }

    fn end_document(&mut self, out: &mut Out<'_>) {
        self.end_block(out);
        self.after_blank = true;
        self.release_held(out);
        self.blanks = 0;
        self.prev = Prev::Other;
        self.cap.reset();
    }

    fn held_besides_lines(&self) -> usize {
        self.held.as_ref().map_or(0, |h| h.text.len()) + self.block.iter().map(|(l, _)| l.len()).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_headline_mark_test_is_contains() {
        let mut samples: Vec<String> =
            vec![String::new(), "，".into(), "a,b".into(), "\u{3082}\u{ff81}\u{ff9f}".into()];
        for c in (0..0x10000u32).step_by(7).filter_map(char::from_u32) {
            for m in super::NOT_IN_HEADLINES {
                samples.push(format!("{c}{m}{c}"));
            }
            samples.push(format!("中{c}文"));
        }
        for t in &samples {
            assert_eq!(super::has_not_in_headlines(t), t.contains(super::NOT_IN_HEADLINES), "{t:?}");
        }
    }

    use super::*;
    use crate::audit::EditLog;

    #[test]
    fn not_in_headlines_is_the_sentence_ends_and_commas() {
        let mut want: Vec<char> = SENTENCE_END.iter().copied().chain(['，', ',']).collect();
        let mut got = NOT_IN_HEADLINES.to_vec();
        want.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, want);
    }

    fn run(input: &str) -> (String, EditLog) {
        crate::testing::run_pass(&mut CaptionPass::new(), input)
    }

    #[test]
    fn a_caption_wrapped_at_a_column_goes_as_one_block() {
        let body = "近年来全市新建改扩建中小学幼儿园一百余所，学位紧张、大班额等问题得到改善。\n";
        for caption in [
            "图为志愿者帮助老人通过网\n上平台查询案件进度。新华\n社记者 吴静 摄\n",
            "法官走进社区开展普法宣传\n活动。\n（本报记者 吴静 摄）\n",
            "执行干警清点涉案财物。\n摄影：孙丽\n",
            "图①：调解员与双方当事人面\n对面交流。\n",
        ] {
            let doc = format!("{body}\n{caption}\n{body}");
            let (out, log) = run(&doc);
            assert_eq!(out, format!("{body}\n\n{body}"), "{caption}");
            assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), doc);
        }
        // Short lines after a gap that are no caption stay: a heading and
        // the start of a paragraph, a list.
        for block in ["基本案情\n", "一、加强组织领导\n二、完善制度体系\n", "据介绍，首批项目\n已于上月开工。\n"]
        {
            let doc = format!("{body}\n{block}\n{body}");
            assert_eq!(run(&doc).0, doc, "{block}");
        }
    }

    #[test]
    fn caption_after_an_image_gap_goes_when_the_text_around_it_says_so() {
        let body = "近年来全市新建改扩建中小学幼儿园一百余所，学位紧张、大班额等问题得到改善。\n";
        let next = "同时，市教育局坚持梯次补位办学，将高中外迁腾退的校园用于义务教育办学。\n";
        let doc = format!("{body}\n\n\n洛四高学生在改造后的田径场上跑步\n\n{next}");
        let (out, log) = run(&doc);
        assert_eq!(out, format!("{body}\n\n\n{next}"));
        assert_eq!(log.edits[0].reason, "caption_after_gap");
        assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), doc);
        let head = "中科院深圳先进院： 赴欧洲考察交流招才引智\n";
        let lead = "本报(记者 张伟)近日，在深圳市科技创新委的组织支持下，中国科学院深圳先进技术研究院赴欧洲考察。\n";
        let doc = format!("{head}\n\n\n12月5日,中科院深圳先进院访问洪堡大学夏洛蒂医学院(国际研究生部)。\n\n{lead}");
        assert_eq!(run(&doc).0, format!("{head}\n\n\n{lead}"));
        // The same lines stay when the evidence is missing: a narrow gap,
        // a paragraph after it that does not continue the text, a first
        // sentence with no lead after it, an open paragraph before it.
        for doc in [
            format!("{body}\n洛四高学生在改造后的田径场上跑步\n\n{next}"),
            format!("{body}\n\n\n洛四高学生在改造后的田径场上跑步\n\n市教育局坚持梯次补位办学，将高中外迁腾退的校园用于义务教育办学。\n"),
            format!("{head}\n\n\n话说他姊妹复进园来，吃过饭，大家散出，都无别话。\n\n{next}"),
            format!("近年来全市新建改扩建中小学幼儿园一百余所，学位紧张、大班额等问题\n\n\n\n洛四高学生在改造后的田径场上跑步\n\n{next}"),
        ] {
            assert_eq!(run(&doc).0, doc);
        }
    }

    #[test]
    fn caption_removes_page_jump_markers() {
        assert_eq!(run("(上接01版)\n正文。\n").0, "正文。\n");
        assert_eq!(run("（上接01版）近两年，我市发展很快。\n").0, "近两年，我市发展很快。\n");
        assert_eq!(run("产业规模。（下转第3版）\n").0, "产业规模。\n");
        assert_eq!(run("（转第五版）\n").0, "");
        assert_eq!(run("洛阳(上接01版)(上接01版)\n").0, "洛阳\n");
        // Not markers: a year, a plain parenthesis.
        for s in ["(2021)年报。\n", "（上接）\n", "（第3版）\n"] {
            assert_eq!(run(s).0, s);
        }
    }

    #[test]
    fn caption_removes_marked_captions_and_credits() {
        let doc =
            "我市跟班学习干部到广汽传祺考察学习 (资料图片)\n正文一。\n中信重工高端电液智能控制产业基地\n倪睿/摄\n\
                   正文二。\n近日，市民在健身中心健身。洛报融媒记者 张怡照 通讯员 许柯 摄\n市民健身（资料照片）\n\
                   新华社记者 张三 摄\n正文三。\n";
        let (out, log) = run(doc);
        assert_eq!(out, "正文一。\n正文二。\n正文三。\n");
        let reasons: Vec<_> = log.edits.iter().map(|e| e.reason).collect();
        assert_eq!(
            reasons,
            vec![
                "caption_marker",
                "caption_before_credit",
                "photo_credit",
                "caption_with_credit",
                "caption_marker",
                "photo_credit"
            ]
        );
        assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), doc);
    }

    #[test]
    fn a_photo_note_goes_and_its_headline_stays() {
        let doc = "迈向充满希望的新世纪——一九九八年新年讲话（附图片1张）\n正文。\n（附图片２张）\n北京举行新年音乐会 (附图片三张)\n";
        let (out, log) = run(doc);
        assert_eq!(out, "迈向充满希望的新世纪——一九九八年新年讲话\n正文。\n北京举行新年音乐会\n");
        assert!(log.edits.iter().all(|e| e.reason == "photo_note"), "{:?}", log.edits);
        assert_eq!(log.edits.len(), 3);
        assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), doc);
        assert_eq!(run(&out).0, out);
        // Not notes: other words, no number, text after it.
        for s in ["附图片1张的说明\n", "讲话（附图片）\n", "讲话（附图片1张）正文。\n", "讲话（附图片N张）\n"]
        {
            assert_eq!(run(s).0, s, "{s}");
        }
    }

    #[test]
    fn caption_moves_a_glued_byline_to_its_own_line() {
        for (input, want) in [
            ("科技部火炬中心书面表彰。 王伟夫 廖承雄\n", "科技部火炬中心书面表彰。\n王伟夫 廖承雄\n"),
            ("协调发展、全面进步。 洛报融媒记者 孙小蕊\n", "协调发展、全面进步。\n洛报融媒记者 孙小蕊\n"),
            ("营造爱才敬才的良好氛围。 阮冰\n", "营造爱才敬才的良好氛围。\n阮冰\n"),
            // A name that is also a word (a noun there).
            ("营造爱才敬才的良好氛围。 高峰\n", "营造爱才敬才的良好氛围。\n高峰\n"),
        ] {
            let (out, log) = run(input);
            assert_eq!(out, want);
            assert_eq!(log.edits[0].reason, "byline_moved");
            assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), input);
        }
        // Not bylines: no space before, punctuation, too long, a phrase,
        // words (a review's verdict).
        for s in [
            "书面表彰。王伟夫\n",
            "表彰。 下一步，我们继续。\n",
            "表彰。 他说很好\n",
            "正打算读第二遍。 推荐\n",
            "正打算读第二遍。 值得 满意\n",
            "这本书值得一读。 不错\n",
        ] {
            assert_eq!(run(s).0, s, "{s}");
        }
    }

    /// `glued_byline` as it was written first: from the last sentence end,
    /// searched for whatever follows it.
    fn glued_byline_from_last_sentence_end(t: &str) -> Option<usize> {
        byline_after(t, t.rfind(SENTENCE_END)?)
    }

    #[test]
    fn glued_byline_finds_what_the_last_sentence_end_finds() {
        // Lines of sentence ends, Han, names, role words, every kind of
        // whitespace and other characters, in generated mixtures.
        let parts = [
            "。",
            "！",
            "？",
            "!",
            "?",
            "，",
            "、",
            "；",
            " ",
            "\u{3000}",
            "\u{a0}",
            "\t",
            "\u{2028}",
            "\u{85}",
            "王伟夫",
            "廖承雄",
            "阮冰",
            "高峰",
            "推荐",
            "记者",
            "洛报融媒记者",
            "中",
            "a",
            "1",
            "（",
            "）",
            "摄",
            "\u{4dc0}",
            "\u{3007}",
            "\u{20000}",
            "\u{f900}",
            "𝔸",
            "〈",
            "〃",
            "＂",
            "ｈ",
            "\u{3400}",
            "\u{0b}",
            "\u{1c}",
        ];
        let mut samples = crate::testing::Lcg::new(20261204).mixtures(&parts, 30_000, 12);
        // Every character of the BMP after a sentence end and a space, and
        // between a name and the line's end.
        for c in (0..0x10000u32).filter_map(char::from_u32) {
            samples.push(format!("表彰。 王伟{c}"));
            samples.push(format!("表彰。{c}王伟夫"));
            samples.push(format!("表彰{c} 王伟夫"));
        }
        let mut found = 0;
        for t in &samples {
            let want = glued_byline_from_last_sentence_end(t);
            found += usize::from(want.is_some());
            assert_eq!(glued_byline(t), want, "{t:?}");
        }
        assert!(found > 500, "{found} bylines among the samples");
    }

    #[test]
    fn the_last_line_is_a_headline_as_judged_at_once() {
        // Short and long lines, with and without sentence ends and commas,
        // over and under the kept length, with much whitespace.
        let mut lines: Vec<String> = Vec::new();
        for stem in ["强化人才驱动 增强发展动能", "他说，很好", "表彰。", "好!", "abc", "要闻"] {
            for pad in [0, 10, 41, 300, 1100] {
                lines.push(format!("{stem}{}", " ".repeat(pad)));
                lines.push(format!("{}{stem}", "中".repeat(pad)));
                lines.push(format!("{stem}{}x", "\u{3000}".repeat(pad)));
            }
        }
        let mut pass = CaptionPass::default();
        let mut heads = 0;
        for t in &lines {
            let t = t.trim_ws();
            pass.note(t, ends_sentence(t));
            let eager = !ends_sentence(t) && headline_shape(t);
            heads += usize::from(eager);
            assert_eq!(pass.after_headline(), eager, "{t:?}");
        }
        assert!(heads >= 8, "{heads} headlines among the samples");
    }

    #[test]
    fn caption_keeps_bylines_and_ordinary_text() {
        for s in [
            "洛报融媒记者 孙小蕊\n",
            "洛报融媒见习记者 赵晨熹 文/图\n",
            "强化人才驱动 增强发展动能\n正文。\n",
            "他用相机拍摄了这一幕。\n",
            "这是摄影展的开幕式\n",
        ] {
            assert_eq!(run(s).0, s, "{s}");
        }
    }
}
