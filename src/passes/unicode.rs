//! `unicode`: the code-point cleanup every later pass relies on.
//!
//! What it changes, per character (each step can be turned off in
//! [`UnicodeConfig`]):
//!
//! * CRLF and lone CR become LF (`crlf`, `lone_cr`); so do the other line
//!   ends: VT, NEL and U+2028 (`line_separator`), U+2029
//!   (`paragraph_separator`) and FF, pdftotext's page separator
//!   (`page_break`: a line end, and the blank line it usually leaves is a
//!   page gap for the layout passes);
//! * C0/C1 controls other than tab and newline, zero-width characters
//!   (U+200B–U+200D, U+2060, U+180E), BOM/ZWNBSP, soft hyphen and bidi
//!   controls are removed (`control`, `invisible`);
//! * NBSP, U+3000 and the other space characters become ASCII space
//!   (`space`);
//! * full-width ASCII letters, digits and symbols (`Ａ１％＋／`) become
//!   ASCII, except the full-width punctuation Chinese text uses, which
//!   stays: `，；：？！（）［］｛｝` (`fullwidth_ascii`);
//! * Kangxi radicals and CJK Radicals Supplement characters, which OCR and
//!   PDF extraction emit in place of ordinary characters, become the
//!   equivalent unified ideograph from Unicode's
//!   `EquivalentUnifiedIdeograph.txt` (`radical`);
//! * the line is normalized to NFC, which also maps CJK compatibility
//!   ideographs to unified ones (`nfc`).
//!
//! What it never touches: any other character. ZWJ is removed too, which
//! breaks emoji ZWJ sequences into their parts; corpus text rarely needs
//! them.
//!
//! Held bytes: 0. The pass is line-local; a CR at the end of a push is
//! always a line end because the framer never cuts a line after a CR that
//! precedes a LF.
//!
//! ```
//! use zhclean::{CleanConfig, Cleaner};
//! let cleaner = Cleaner::new(CleanConfig::minimal()).unwrap();
//! assert_eq!(cleaner.clean("⾦融\u{200b}ＡＢＣ１２３，\u{3000}好！\r\n"), "金融ABC123， 好！\n");
//! ```

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::error::Error;
use crate::pass::{Out, Pass};

/// The radical table, from `data/unicode/EquivalentUnifiedIdeograph.txt`,
/// indexed by `cp - 0x2E80` (0 = no equivalent). Parsed when the crate is
/// compiled (a malformed line fails the build), as is [`ALWAYS_KEPT`]
/// from it: a process starts with both, instead of building them (3.2M
/// instructions, most of what a run on one short record spent starting).
static RADICALS: [u32; RADICAL_SLOTS] =
    parse_radicals(include_bytes!("../../data/unicode/EquivalentUnifiedIdeograph.txt"));

/// Three-byte characters that every configuration keeps as they are and
/// that NFC leaves alone, one bit each: the line loop steps over them
/// after a decode, without the per-character path. Chinese punctuation
/// (`，。、“”《》…`) is most of what the loop meets outside the Han block.
static ALWAYS_KEPT: [u64; 0x10000 / 64] = always_kept_table();

/// [`ALWAYS_KEPT`], computed by the rules the character path applies.
const fn always_kept_table() -> [u64; 0x10000 / 64] {
    // The default turns every step on; a character no step changes then
    // is kept by every configuration (the steps' ranges do not overlap).
    let all = UnicodeConfig::ALL;
    let mut bits = [0u64; 0x10000 / 64];
    // (U+4000-U+9FFF, whose lead bytes E4-E9 the loop steps over before
    // it looks here, are not asked.)
    let mut cp = 0x800;
    while cp < 0x10000 {
        if cp == 0x4000 {
            cp = 0xA000;
        }
        // The full-width hyphen depends on its neighbours.
        if let Some(c) = char::from_u32(cp) {
            if c != '－' && nfc_stable(c) && matches!(action(&all, c, None), Action::Keep) {
                bits[(cp / 64) as usize] |= 1 << (cp % 64);
            }
        }
        cp += 1;
    }
    bits
}

const RADICALS_START: u32 = 0x2E80;
const RADICALS_END: u32 = 0x2FDF;

const RADICAL_SLOTS: usize = (RADICALS_END - RADICALS_START + 1) as usize;

/// Parses the Unicode data file (lines `2E81 ; 5382 # name`, or a range
/// `2E8C..2E8D ; 5C0F`) into a table indexed by `cp - 0x2E80` (0 = no
/// equivalent). Strokes (U+31C0…) are left out on purpose: a stroke is not
/// a character a reader wrote. A `const fn`, so that the crate is compiled
/// with the table; a line it cannot read stops the build.
const fn parse_radicals(data: &[u8]) -> [u32; RADICAL_SLOTS] {
    let mut table = [0u32; RADICAL_SLOTS];
    let mut i = 0;
    while i < data.len() {
        let mut end = i;
        while end < data.len() && data[end] != b'\n' {
            end += 1;
        }
        // What stands before a comment.
        let mut stop = i;
        while stop < end && data[stop] != b'#' {
            stop += 1;
        }
        let at = skip_spaces(data, i, stop);
        if at < stop {
            let (lo, mut p) = hex_at(data, at, stop);
            let mut hi = lo;
            if p + 1 < stop && data[p] == b'.' && data[p + 1] == b'.' {
                (hi, p) = hex_at(data, p + 2, stop);
            }
            p = skip_spaces(data, p, stop);
            assert!(p < stop && data[p] == b';', "EquivalentUnifiedIdeograph.txt: a line without `;`");
            let (target, p) = hex_at(data, skip_spaces(data, p + 1, stop), stop);
            assert!(skip_spaces(data, p, stop) == stop, "EquivalentUnifiedIdeograph.txt: text after the target");
            let mut cp = lo;
            while cp <= hi {
                if RADICALS_START <= cp && cp <= RADICALS_END {
                    table[(cp - RADICALS_START) as usize] = target;
                }
                cp += 1;
            }
        }
        i = end + 1;
    }
    table
}

/// The first byte at or after `i` (before `stop`) that is no space, tab
/// or carriage return.
const fn skip_spaces(data: &[u8], mut i: usize, stop: usize) -> usize {
    while i < stop && matches!(data[i], b' ' | b'\t' | b'\r') {
        i += 1;
    }
    i
}

/// The hexadecimal number at `i` (at least one digit, at most six), and
/// the byte after it.
const fn hex_at(data: &[u8], mut i: usize, stop: usize) -> (u32, usize) {
    let start = i;
    let mut v = 0u32;
    while i < stop {
        let d = match data[i] {
            x @ b'0'..=b'9' => x - b'0',
            x @ b'A'..=b'F' => x - b'A' + 10,
            x @ b'a'..=b'f' => x - b'a' + 10,
            _ => break,
        };
        v = v * 16 + d as u32;
        i += 1;
    }
    assert!(i > start && i - start <= 6, "EquivalentUnifiedIdeograph.txt: a code point is no hex number");
    (v, i)
}

/// What to do with one character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Keep,
    Drop(&'static str),
    Replace(char, &'static str),
}

/// What the pass does with `c` (followed by `next`) under `cfg`. A
/// `const fn`: [`ALWAYS_KEPT`] is computed from it when the crate is
/// compiled.
#[inline]
const fn action(cfg: &UnicodeConfig, c: char, next: Option<char>) -> Action {
    let cp = c as u32;
    if cp < 0x80 {
        return match c {
            '\r' if cfg.newlines => {
                if matches!(next, Some('\n')) {
                    Action::Drop("crlf")
                } else {
                    Action::Replace('\n', "lone_cr")
                }
            }
            '\x0B' if cfg.newlines => Action::Replace('\n', "line_separator"),
            '\x0C' if cfg.newlines => Action::Replace('\n', "page_break"),
            '\t' | '\n' | '\r' => Action::Keep,
            c if (c < ' ' || c == '\x7f') && cfg.invisible => Action::Drop("control"),
            _ => Action::Keep,
        };
    }
    match cp {
        // Line and paragraph separators end a line: as spaces or
        // removed, they glued two paragraphs (or two words) together.
        0x85 | 0x2028 if cfg.newlines => Action::Replace('\n', "line_separator"),
        0x2029 if cfg.newlines => Action::Replace('\n', "paragraph_separator"),
        0x80..=0x9F if cfg.invisible => Action::Drop("control"),
        0xAD | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x2069 | 0x061C | 0xFEFF
            if cfg.invisible =>
        {
            Action::Drop("invisible")
        }
        0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000 if cfg.spaces => {
            Action::Replace(' ', "space")
        }
        0xFF01..=0xFF5E if cfg.fullwidth => match c {
            '！' | '（' | '）' | '，' | '：' | '；' | '？' | '［' | '］' | '｛' | '｝' => Action::Keep,
            _ => Action::Replace(char::from_u32(cp - 0xFEE0).expect("ASCII"), "fullwidth_ascii"),
        },
        RADICALS_START..=RADICALS_END if cfg.radicals => match RADICALS[(cp - RADICALS_START) as usize] {
            0 => Action::Keep,
            t => Action::Replace(char::from_u32(t).expect("table holds valid code points"), "radical"),
        },
        _ => Action::Keep,
    }
}

/// Settings of the Unicode cleanup pass. Every step is on by default.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UnicodeConfig {
    /// Normalize to NFC (also maps CJK compatibility ideographs, which
    /// have canonical decompositions, to unified ones).
    pub nfc: bool,
    /// Map Kangxi radicals and CJK Radicals Supplement characters to the
    /// equivalent unified ideograph (Unicode's EquivalentUnifiedIdeograph).
    pub radicals: bool,
    /// Map full-width ASCII letters, digits and symbols to ASCII, keeping
    /// the full-width punctuation Chinese uses (`，；：？！（）`).
    pub fullwidth: bool,
    /// Remove zero-width characters, BOM, bidi controls, soft hyphens and
    /// C0/C1 controls other than tab and newline.
    pub invisible: bool,
    /// Map NBSP, U+3000 and the other space characters to ASCII space.
    pub spaces: bool,
    /// Map CRLF and lone CR to LF, and the other line ends (VT, FF, NEL,
    /// U+2028, U+2029) too.
    pub newlines: bool,
}

impl Default for UnicodeConfig {
    fn default() -> UnicodeConfig {
        UnicodeConfig::ALL
    }
}

impl UnicodeConfig {
    /// Every step on (the default).
    const ALL: UnicodeConfig =
        UnicodeConfig { nfc: true, radicals: true, fullwidth: true, invisible: true, spaces: true, newlines: true };

    /// Sets [`UnicodeConfig::nfc`].
    pub fn nfc(mut self, on: bool) -> Self {
        self.nfc = on;
        self
    }
    /// Sets [`UnicodeConfig::fullwidth`].
    pub fn fullwidth(mut self, on: bool) -> Self {
        self.fullwidth = on;
        self
    }
}

/// The Unicode cleanup pass. See the module docs.
#[derive(Debug)]
pub struct UnicodePass {
    cfg: UnicodeConfig,
    /// Scratch for the NFC rewrite of a line.
    scratch: String,
    /// Edits of the current line, kept so that a line that also needs NFC
    /// can report one whole-line edit instead (offsets stay meaningful).
    line_edits: Vec<(usize, usize, String, &'static str)>,
}

impl UnicodePass {
    /// A pass with these settings.
    pub fn new(cfg: UnicodeConfig) -> UnicodePass {
        UnicodePass { cfg, scratch: String::new(), line_edits: Vec::new() }
    }

    /// Cleans `line` (one line or line piece) at offset `rel` of the push.
    fn clean_line(&mut self, line: &str, rel: usize, out: &mut Out<'_>) {
        let auditing = out.auditing();
        let start = out.text().len();
        let mut flushed = 0; // `line[flushed..i]` is unchanged and not yet copied
        let mut maybe_denormal = false;
        let bytes = line.as_bytes();
        self.line_edits.clear();
        let kept: &[u64] = &ALWAYS_KEPT;
        let mut i = 0;
        while i < bytes.len() {
            i += kept_len(&bytes[i..], kept);
            if i == bytes.len() {
                break;
            }
            let c = line[i..].chars().next().expect("i is on a char boundary");
            let len = c.len_utf8();
            if self.cfg.nfc && !nfc_stable(c) && !yes_starter(c) {
                maybe_denormal = true;
            }
            let next = line[i + len..].chars().next();
            let mut action = action(&self.cfg, c, next);
            // A full-width hyphen-minus is a dash in Chinese text (`－－`):
            // it folds to ASCII only beside a letter or digit (`２０２１－０３`).
            if c == '－' && action != Action::Keep {
                let alnum = |x: Option<char>| {
                    x.is_some_and(|x| {
                        x.is_ascii_alphanumeric() || ('０'..='９').contains(&x) || ('Ａ'..='ｚ').contains(&x)
                    })
                };
                if !alnum(line[..i].chars().next_back()) && !alnum(next) {
                    action = Action::Keep;
                }
            }
            if action == Action::Keep {
                i += len;
                continue;
            }
            let text = out.text();
            text.push_str(&line[flushed..i]);
            flushed = i + len;
            let (after, reason) = match action {
                Action::Drop(r) => (None, r),
                Action::Replace(r, why) => {
                    text.push(r);
                    (Some(r), why)
                }
                Action::Keep => unreachable!(),
            };
            if auditing {
                self.line_edits.push((i, len, after.map(String::from).unwrap_or_default(), reason));
            }
            i += len;
        }
        out.text().push_str(&line[flushed..]);
        if maybe_denormal {
            let done = &out.text()[start..];
            if is_nfc_quick(done.chars()) != IsNormalized::Yes {
                self.scratch.clear();
                self.scratch.extend(done.nfc());
                if self.scratch != done {
                    out.text().truncate(start);
                    out.text().push_str(&self.scratch);
                    if auditing {
                        // One edit for the whole line: its offsets cannot be
                        // mapped through normalization char by char.
                        let after = std::mem::take(&mut self.scratch);
                        out.edit(rel, line, &after, "nfc");
                        self.scratch = after;
                        self.line_edits.clear();
                    }
                }
            }
        }
        for (i, len, after, reason) in self.line_edits.drain(..) {
            out.edit(rel + i, &line[i..i + len], &after, reason);
        }
    }
}

/// The length of `b`'s leading run of characters the pass keeps whatever
/// the configuration and whatever stands beside them (`b` starts on a
/// character): U+4000–U+9FFF (lead bytes E4–E9: Han, never changed,
/// NFC-stable), printable ASCII, tab and newline, and the three-byte
/// characters of `kept` ([`ALWAYS_KEPT`]: Chinese punctuation). The run
/// ends on a character boundary.
///
/// 32 bytes at a time: a mask of the bytes that are none of those leads,
/// nor a continuation byte (the compiler makes it vector compares), and
/// only where it is set is a character looked at (the mask read as two
/// 16-byte words, each byte set found by its bit). A byte at a time, most
/// of Chinese text was a branch per character, the way it went
/// mispredicted at each mark.
#[inline]
fn kept_len(b: &[u8], kept: &[u64]) -> usize {
    let kept3 = |p: usize| {
        let x = b[p];
        (0xE0..0xF0).contains(&x) && {
            let cp = (u32::from(x & 0x0F) << 12) | (u32::from(b[p + 1] & 0x3F) << 6) | u32::from(b[p + 2] & 0x3F);
            always_kept(kept, cp)
        }
    };
    let mut i = 0;
    while let Some(block) = b.get(i..i + 32) {
        let block: &[u8; 32] = block.try_into().expect("32 bytes");
        // A block may start inside a character whose lead was passed:
        // its continuation bytes are no lead, and not set.
        let mut other = [0u8; 32];
        for (o, &x) in other.iter_mut().zip(block) {
            *o = u8::from(!(kept_by_lead(x) || x.wrapping_sub(0x80) < 0x40));
        }
        // Each byte set is a lead (a character starts there): the scan
        // stops at the first whose character is not a kept mark.
        for (word, half) in [(&other[..16], 0), (&other[16..], 16)] {
            let mut set = u128::from_le_bytes(word.try_into().expect("16 bytes"));
            while set != 0 {
                let p = i + half + set.trailing_zeros() as usize / 8;
                if !kept3(p) {
                    return p;
                }
                set &= set - 1;
            }
        }
        i += 32;
    }
    // The last bytes a character at a time, from the next one's start.
    while b.get(i).is_some_and(|x| (0x80..0xC0).contains(x)) {
        i += 1;
    }
    while i < b.len() {
        let x = b[i];
        if kept_by_lead(x) {
            i += if x < 0x80 { 1 } else { 3 };
        } else if kept3(i) {
            i += 3;
        } else {
            return i;
        }
    }
    b.len()
}

/// Whether the character that `x` leads is one [`kept_len`] passes by its
/// lead byte alone: printable ASCII, tab, newline, or U+4000–U+9FFF.
#[inline]
fn kept_by_lead(x: u8) -> bool {
    x.wrapping_sub(0x20) < 0x5F || x == b'\t' || x == b'\n' || x.wrapping_sub(0xE4) < 6
}

/// Whether `kept` ([`ALWAYS_KEPT`]) holds the code point `cp` (below
/// U+10000).
#[inline]
fn always_kept(kept: &[u64], cp: u32) -> bool {
    kept[(cp / 64) as usize] >> (cp % 64) & 1 != 0
}

/// Characters that NFC leaves alone whatever surrounds them: the common
/// CJK ranges, Hangul syllables and full-width forms. Anything else sends
/// the line through the (slower) normalization check.
#[inline]
const fn nfc_stable(c: char) -> bool {
    matches!(c as u32,
        0..=0x2FF | 0x2010..=0x2027 | 0x2030..=0x205E | 0x3000..=0x3029 | 0x3030..=0x3098
        | 0x309B..=0x9FFF | 0xAC00..=0xD7A3 | 0xFF00..=0xFFEF)
}

/// Whether NFC leaves `c` alone and composes nothing into it: its quick
/// check answers Yes, and it is a starter (combining class 0), so no mark
/// is reordered around it. A line whose every character is this or
/// [`nfc_stable`] passes the whole line's quick check, which is then not
/// run (a line with a `①` or a `\u{FEFF}` in it was checked character by
/// character through the normalization tables).
fn yes_starter(c: char) -> bool {
    canonical_combining_class(c) == 0 && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
}

impl Pass for UnicodePass {
    fn name(&self) -> &'static str {
        super::PassId::Unicode.name()
    }

    fn push(&mut self, input: &str, out: &mut Out<'_>) -> Result<(), Error> {
        // Line by line, so that NFC and CR handling never look across a
        // line (NFC never composes across '\n'). A line of characters the
        // pass always keeps (most lines) is left as it is: the lines
        // before one that holds another character go out in one copy,
        // and only that line is cleaned character by character.
        let (b, kept) = (input.as_bytes(), &ALWAYS_KEPT);
        let mut done = 0; // `input[..done]` is written
        loop {
            let at = done + kept_len(&b[done..], kept);
            if at == b.len() {
                break;
            }
            let start = memchr::memrchr(b'\n', &b[done..at]).map_or(done, |p| done + p + 1);
            let end = crate::text::find_newline(&b[at..]).map_or(b.len(), |p| at + p + 1);
            out.text().push_str(&input[done..start]);
            self.clean_line(&input[start..end], start, out);
            done = end;
        }
        out.text().push_str(&input[done..]);
        Ok(())
    }

    fn finish(&mut self, _out: &mut Out<'_>) -> Result<(), Error> {
        Ok(())
    }

    fn held_bytes(&self) -> usize {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::EditLog;

    fn run(input: &str) -> (String, EditLog) {
        crate::testing::run_pass(&mut UnicodePass::new(UnicodeConfig::default()), input)
    }

    fn clean(input: &str) -> String {
        run(input).0
    }

    #[test]
    fn characters_the_loop_steps_over_are_ones_no_configuration_changes() {
        let configs = [
            UnicodeConfig::default(),
            UnicodeConfig { fullwidth: false, spaces: false, ..UnicodeConfig::default() },
            UnicodeConfig { nfc: false, invisible: false, radicals: false, ..UnicodeConfig::default() },
        ];
        // The table's, and U+4000-U+9FFF, stepped over by lead byte.
        let kept: Vec<char> = (0x800..0x10000u32)
            .filter(|&cp| (0x4000..0xA000).contains(&cp) || always_kept(&ALWAYS_KEPT, cp))
            .filter_map(char::from_u32)
            .collect();
        // Chinese punctuation is in; what some step changes is out.
        assert!(['，', '。', '、', '“', '”', '《', '》', '…', '—', '！'].iter().all(|c| kept.contains(c)));
        assert!(!['\u{3000}', 'Ａ', '１', '\u{200B}', '⾦', '\u{F900}', '－', '\u{302A}']
            .iter()
            .any(|c| kept.contains(c)));
        // The character path would keep each of them too, under each
        // configuration and beside anything, and NFC leaves them alone.
        for cfg in configs {
            let pass = UnicodePass::new(cfg.clone());
            for &c in &kept {
                for next in [None, Some('k'), Some('\u{301}'), Some('－')] {
                    assert_eq!(action(&pass.cfg, c, next), Action::Keep, "{c:?} before {next:?} under {cfg:?}");
                }
            }
        }
        // NFC quick check Yes: never changed, never composed with what
        // stands before it.
        assert!(kept.iter().all(|&c| is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes));
    }

    #[test]
    fn kept_len_stops_where_a_character_at_a_time_does() {
        // The definition: a character at a time.
        let naive = |t: &str| {
            let kept = |c: char| {
                let cp = c as u32;
                matches!(c, ' '..='~' | '\t' | '\n')
                    || (0x4000..0xA000).contains(&cp)
                    || (0x800..0x10000).contains(&cp) && always_kept(&ALWAYS_KEPT, cp)
            };
            t.char_indices().find(|&(_, c)| !kept(c)).map_or(t.len(), |(i, _)| i)
        };
        // Each stopper (and each kept character) at every offset of text
        // longer than two blocks, from every start: runs of Han longer
        // than a block, so that blocks end inside a character, and marks
        // and Latin between them.
        let fill = "中文中文中文中文中文中文中，ab“。中文中文中文中文中文中文中文a".repeat(2);
        let stoppers = ["\r", "\u{7f}", "\u{1}", "\u{3000}", "é", "😀", "Ａ", "⾦", "\u{a000}", "\u{e000}", "\u{3fff}"];
        for x in stoppers.into_iter().chain(["\u{4dc0}", "，", "z", "\u{9fff}", "가"]) {
            for (p, _) in fill.char_indices() {
                let t = format!("{}{x}{}", &fill[..p], &fill[p..]);
                for (i, _) in t.char_indices() {
                    assert_eq!(i + kept_len(&t.as_bytes()[i..], &ALWAYS_KEPT), i + naive(&t[i..]), "{t:?} from {i}");
                }
            }
        }
    }

    #[test]
    fn a_push_is_its_lines_each_cleaned_alone() {
        // `push` writes a line of kept characters as it is and cleans the
        // others: the same text and edits as cleaning every line alone.
        let pieces = [
            "中文", "，", "。", "ab", " ", "\n", "\n\n", "\r\n", "\r", "\t", "\u{3000}", "Ａ１", "\u{200B}", "⾦",
            "e\u{301}", "\u{F900}", "－", "“", "…", "①", "\u{7f}", "한", "😀",
        ];
        for text in crate::testing::Lcg::new(7).mixtures(&pieces, 400, 40) {
            for cfg in
                [UnicodeConfig::default(), UnicodeConfig { nfc: false, spaces: false, ..UnicodeConfig::default() }]
            {
                let got = crate::testing::run_pass(&mut UnicodePass::new(cfg.clone()), &text);
                let mut pass = UnicodePass::new(cfg.clone());
                let (mut want, mut log) = (String::new(), EditLog::default());
                let mut out = Out::new(&mut want, &mut log, "unicode", 0);
                let mut rel = 0;
                for line in crate::text::lines_inclusive(&text) {
                    pass.clean_line(line, rel, &mut out);
                    rel += line.len();
                }
                assert_eq!(got, (want, log), "{text:?} under {cfg:?}");
            }
        }
    }

    #[test]
    fn unicode_maps_kangxi_and_supplement_radicals() {
        // ⾦ U+2FA6 KANGXI RADICAL GOLD, ⻘ U+2EC4 CJK RADICAL BLUE
        assert_eq!(clean("⾦融⻘年"), "金融青年");
    }

    #[test]
    fn a_line_of_yes_starters_is_nfc_already() {
        // The skip of the line's quick check: every character that is
        // stable or a Yes starter, beside any other such (a sample of
        // each block), leaves NFC with nothing to do.
        let chars: Vec<char> =
            (0..0x3_0000u32).filter_map(char::from_u32).filter(|&c| nfc_stable(c) || yes_starter(c)).collect();
        let sample: Vec<char> = chars.iter().copied().step_by(chars.len() / 12).collect();
        for &c in &chars {
            for &d in &sample {
                let s: String = [d, c, d].iter().collect();
                assert_eq!(is_nfc_quick(s.chars()), IsNormalized::Yes, "{s:?}");
            }
        }
        // Marks out of order that each pass the quick check alone
        // (U+0315 above right, class 232; U+0316 grave below, 220) are
        // reordered: a mark is no starter.
        assert_eq!(clean("a\u{315}\u{316}"), "a\u{316}\u{315}");
        assert_eq!(clean("中\u{315}\u{316}文"), "中\u{316}\u{315}文");
    }

    #[test]
    fn unicode_maps_compatibility_ideographs_through_nfc() {
        // U+F900 is a compatibility ideograph for U+8C48.
        assert_eq!(clean("\u{F900}"), "\u{8C48}");
        assert_eq!(clean("e\u{301}"), "é");
    }

    #[test]
    fn unicode_fullwidth_ascii_but_not_cjk_punctuation() {
        assert_eq!(clean("ＡＢｃ１２３％＋／．"), "ABc123%+/.");
        assert_eq!(clean("，；：？！（）［］｛｝"), "，；：？！（）［］｛｝");
        // The full-width hyphen is a dash between Chinese, a minus or
        // hyphen beside digits and letters.
        assert_eq!(clean("好了。－－正值"), "好了。－－正值");
        assert_eq!(clean("２０２１－０３－３０ A－B"), "2021-03-30 A-B");
        // The curly quotes and ideographic full stop are not in the block.
        assert_eq!(clean("“好”。"), "“好”。");
    }

    #[test]
    fn unicode_removes_invisibles_and_controls() {
        assert_eq!(clean("a\u{200B}b\u{FEFF}c\u{202E}d\u{0007}e\u{0081}f\u{00AD}g"), "abcdefg");
        assert_eq!(clean("a\tb\n"), "a\tb\n");
    }

    #[test]
    fn unicode_maps_spaces_and_newlines() {
        assert_eq!(clean("a\u{A0}b\u{3000}c\u{2003}d"), "a b c d");
        assert_eq!(clean("a\r\nb\rc\r"), "a\nb\nc\n");
    }

    #[test]
    fn unicode_ends_lines_at_every_line_separator() {
        let (out, log) = run("甲\u{2029}乙\u{2028}丙\u{0B}丁\u{85}戊\u{0C}己\n");
        assert_eq!(out, "甲\n乙\n丙\n丁\n戊\n己\n");
        let reasons: Vec<_> = log.edits.iter().map(|e| e.reason).collect();
        assert_eq!(
            reasons,
            ["paragraph_separator", "line_separator", "line_separator", "line_separator", "page_break"]
        );
        // With newline mapping off they are what they were: spaces and
        // removed controls.
        let cfg = UnicodeConfig { newlines: false, ..UnicodeConfig::default() };
        let (out, _) = crate::testing::run_pass(&mut UnicodePass::new(cfg), "甲\u{2029}乙\u{0C}丙");
        assert_eq!(out, "甲 乙丙");
    }

    #[test]
    fn unicode_reports_each_edit_with_its_offset() {
        let (out, log) = run("ab\u{3000}Ａ\n");
        assert_eq!(out, "ab A\n");
        let e = &log.edits;
        assert_eq!(e.len(), 2);
        assert_eq!((e[0].byte, e[0].before.as_str(), e[0].after.as_str(), e[0].reason), (2, "\u{3000}", " ", "space"));
        assert_eq!((e[1].byte, e[1].reason), (5, "fullwidth_ascii"));
    }

    #[test]
    fn unicode_reports_nfc_as_one_line_edit() {
        let (out, log) = run("x\nＡe\u{301}\n");
        assert_eq!(out, "x\nAé\n");
        assert_eq!(log.edits.len(), 1);
        assert_eq!(log.edits[0].byte, 2);
        assert_eq!(log.edits[0].before, "Ａe\u{301}\n");
        assert_eq!(log.edits[0].after, "Aé\n");
    }

    #[test]
    fn the_radical_table_compiled_in_is_the_data_files_lines() {
        // The file read line by line with the standard library's string
        // methods: the compile-time parser must agree with it.
        use crate::text::TrimWs;
        let data = include_str!("../../data/unicode/EquivalentUnifiedIdeograph.txt");
        let mut want = vec![0u32; RADICAL_SLOTS];
        let mut lines = 0;
        for line in data.lines() {
            let line = line.split('#').next().unwrap_or("").trim_ws();
            if line.is_empty() {
                continue;
            }
            lines += 1;
            let (range, target) = line.split_once(';').expect("a `;`");
            let hex = |s: &str| u32::from_str_radix(s.trim_ws(), 16).expect("hex");
            let (lo, hi) = match range.split_once("..") {
                Some((a, b)) => (hex(a), hex(b)),
                None => (hex(range), hex(range)),
            };
            for cp in (lo..=hi).filter(|cp| (RADICALS_START..=RADICALS_END).contains(cp)) {
                want[(cp - RADICALS_START) as usize] = hex(target);
            }
        }
        assert!(lines > 300, "{lines} lines read");
        assert_eq!(RADICALS.to_vec(), want);
        // Ranges, lower-case digits, CRLF and a comment-only line parse too.
        let t = parse_radicals(b"# head\r\n2E8c..2E8D ; 5c0f  # two\r\n\n  2F00;4E00\n");
        assert_eq!((t[0xC], t[0xD], t[0xE], t[0x80]), (0x5C0F, 0x5C0F, 0, 0x4E00));
    }

    #[test]
    fn radical_table_covers_the_kangxi_block() {
        let kangxi = (0x2F00..=0x2FD5).filter(|cp| RADICALS[(cp - RADICALS_START) as usize] != 0).count();
        assert_eq!(kangxi, 214, "every Kangxi radical has an equivalent");
        assert!(RADICALS.iter().all(|&t| t == 0 || (0x3400..=0x2FFFF).contains(&t)));
    }
}
