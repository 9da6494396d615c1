//! `pinyin`: removes pinyin annotations that some converted web pages put
//! after characters: `當(dāng)前位置` → `當前位置`.
//!
//! What it changes:
//!
//! * `(syllable)` or `（syllable）` after a Han character (spaces and a
//!   page-jump marker between are allowed), or at the very start
//!   of a line (an orphan whose character ended the line before), where the
//!   syllable is a Mandarin syllable with a tone mark (`dāng`) or tone
//!   number (`dang1`), goes (`annotation`). A toneless one (`個(ge)`) goes
//!   too when the same line has a toned annotation elsewhere: alone, `(a)`
//!   or `(an)` after a character is more likely a list label or a word.
//! * The mangled form, where a character and the opening parenthesis were
//!   lost to `?` or U+FFFD (`日?bào)`): the lost character is put back when
//!   exactly the context allows it, i.e. some character read that way makes
//!   a known word with the character before or after it (the most frequent
//!   such word wins; `日` + `bào` → `日报`) (`lost_char_recovered`);
//!   otherwise the fragment goes (`lost_char_dropped`), since the character
//!   cannot be known. A recovered character comes from the word list,
//!   which is mostly Simplified.
//!
//! Never touched: parentheses holding anything else (`(上接01版)`,
//! `(2021)`, `(ABC)`, English words), annotations not after a Han
//! character.
//!
//! Held bytes: 0 (line-local). Pieces of a line longer than the line cap
//! are handled on their own.
//!
//! ```
//! use zhclean::{CleanConfig, Cleaner};
//! let mut cfg = CleanConfig::minimal();
//! cfg.pinyin = Some(Default::default());
//! let c = Cleaner::new(cfg).unwrap();
//! assert_eq!(c.clean("當(dāng)前位置: 首頁(yè) (上接01版)\n"), "當前位置: 首頁 (上接01版)\n");
//! ```

use crate::text::TrimWs;
use unicode_normalization::UnicodeNormalization;

use crate::dict::words;
use crate::error::Error;
use crate::layout::marks::{is_close, is_open};
use crate::layout::pinyin::{syllable, MAX_SYLLABLE_CHARS};
use crate::pass::{Out, Pass};
use crate::text::is_han;

/// Settings of the pinyin-annotation stripping pass: none yet. The pass is on when a
/// [`CleanConfig`](crate::CleanConfig) holds one; a config file writes it as
/// `pinyin = true` (or `false` for off).
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PinyinConfig {}

/// See the module docs.
#[derive(Debug, Default)]
pub struct PinyinPass {
    /// Scratch: (byte start, byte end, replacement, reason) of the line.
    cuts: Vec<(usize, usize, String, &'static str)>,
}

/// Whether the closing parenthesis at byte `k` of `text` may end an
/// annotation [`PinyinPass::scan`] cuts: the nearest opening parenthesis or
/// lost-character mark before it, within an annotation's reach, encloses a
/// syllable. `scan` cuts nothing else, so a line without such a
/// parenthesis is left as it is without scanning it.
fn may_close_annotation(text: &str, k: usize) -> bool {
    let mut back = text[..k].char_indices().rev().take(MAX_SYLLABLE_CHARS + 1);
    back.find(|&(_, c)| is_open(c) || is_close(c) || c == '?' || c == '\u{FFFD}' || c == '\n')
        .is_some_and(|(i, c)| !is_close(c) && c != '\n' && syllable(text[i + c.len_utf8()..k].trim_ws()).is_some())
}

impl PinyinPass {
    /// A fresh pass.
    pub fn new() -> PinyinPass {
        PinyinPass::default()
    }

    /// Finds what to cut in one line; fills `self.cuts`.
    fn scan(&mut self, line: &str) {
        self.cuts.clear();
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        let mut toned_seen = false;
        let mut toneless: Vec<(usize, usize)> = Vec::new();
        // The last non-space character that stays (cut spans skipped):
        // consecutive annotations `陽(yáng)(yáng)` must both see the Han
        // character, or cleaning the output again would change it.
        // The last non-space character kept on this line. At the start of a
        // line there is none: a toned annotation there is an orphan (its
        // character ended the line before, or was removed by a later pass)
        // and goes whatever came before, so that cleaning again agrees.
        let mut prev_kept: Option<char> = None;
        // Nothing but spaces (and page-jump markers, which are transparent,
        // below) before this point of the line.
        let mut at_line_start = true;
        let mut i = 0;
        while i < chars.len() {
            let (pos, c) = chars[i];
            let lost = c == '?' || c == '\u{FFFD}';
            // Spaces between are allowed: later passes remove them, and the
            // result must not change when cleaned again.
            let after_han = prev_kept.is_some_and(is_han);
            let line_start = at_line_start;
            if (is_open(c) && (after_han || line_start)) || lost {
                // Find the closing parenthesis within reach.
                let close = (i + 1..chars.len().min(i + 2 + MAX_SYLLABLE_CHARS)).find(|&k| is_close(chars[k].1));
                if let Some(k) = close {
                    // Spaces inside the parentheses do not matter (later
                    // passes remove them; cleaning again must agree).
                    let inner = line[chars[i + 1].0..chars[k].0].trim_ws();
                    let end = chars[k].0 + chars[k].1.len_utf8();
                    if let Some(syl) = syllable(inner) {
                        if lost {
                            if syl.toned {
                                self.cuts.push((pos, end, String::new(), "lost_char"));
                                i = k + 1;
                                continue;
                            }
                        } else if syl.toned && (after_han || line_start) {
                            toned_seen = true;
                            self.cuts.push((pos, end, String::new(), "annotation"));
                            i = k + 1;
                            continue;
                        } else if after_han {
                            toneless.push((pos, end));
                        }
                    }
                }
            }
            // A page-jump marker (`(上接01版)`) is transparent: the caption
            // pass removes it later, and an annotation after it belongs to
            // the character before it. (Only markers: their grammar holds
            // no annotation, so this pass's own cuts cannot change them.)
            if is_open(c) {
                if let Some(n) = crate::layout::marks::jump_at_start(&line[pos..]) {
                    let end = pos + n;
                    while i < chars.len() && chars[i].0 < end {
                        i += 1;
                    }
                    continue;
                }
            }
            if !c.is_whitespace() {
                prev_kept = Some(c);
                at_line_start = false;
            }
            i += 1;
        }
        if toned_seen {
            for (s, e) in toneless {
                self.cuts.push((s, e, String::new(), "annotation"));
            }
            self.cuts.sort_by_key(|c| c.0);
        }
        self.recover_lost(line);
    }

    /// Decides each lost character from its reading and the neighbours
    /// left after the other cuts.
    fn recover_lost(&mut self, line: &str) {
        for k in 0..self.cuts.len() {
            if self.cuts[k].3 != "lost_char" {
                continue;
            }
            let (s, e) = (self.cuts[k].0, self.cuts[k].1);
            // The reading: between the '?' and the ')'.
            let q = line[s..].chars().next().map_or(1, char::len_utf8);
            let close = line[..e].chars().next_back().map_or(1, char::len_utf8);
            let reading: String = line[s + q..e - close].trim_ws().nfc().collect();
            let prev = self.char_before(line, k);
            let next = self.char_after(line, k);
            let mut best: Option<(u32, char)> = None;
            for &cand in words::chars_with_reading(&reading) {
                let mut buf = [0u8; 8];
                for word in [prev.map(|p| (p, cand)), next.map(|n| (cand, n))].into_iter().flatten() {
                    let w = {
                        let a = word.0.encode_utf8(&mut buf).len();
                        word.1.encode_utf8(&mut buf[a..]);
                        std::str::from_utf8(&buf[..a + word.1.len_utf8()]).expect("utf-8").to_string()
                    };
                    if let Some(f) = words::word_frequency(&w) {
                        if best.is_none_or(|(bf, _)| f > bf) {
                            best = Some((f, cand));
                        }
                    }
                }
            }
            self.cuts[k].2 = best.map(|(_, c)| c.to_string()).unwrap_or_default();
            self.cuts[k].3 = if best.is_some() { "lost_char_recovered" } else { "lost_char_dropped" };
        }
    }

    /// The character that will precede cut `k` in the output.
    fn char_before(&self, line: &str, k: usize) -> Option<char> {
        let mut end = self.cuts[k].0;
        for j in (0..k).rev() {
            let (s, e, repl, _) = &self.cuts[j];
            if *e == end {
                if let Some(c) = repl.chars().next_back() {
                    return Some(c);
                }
                end = *s;
            }
        }
        line[..end].chars().next_back().filter(|c| is_han(*c))
    }

    /// The character that will follow cut `k` in the output (only plain
    /// text: a following cut is not looked through).
    fn char_after(&self, line: &str, k: usize) -> Option<char> {
        let e = self.cuts[k].1;
        if self.cuts.get(k + 1).is_some_and(|c| c.0 == e) {
            return None;
        }
        line[e..].chars().next().filter(|c| is_han(*c))
    }
}

/// A searcher for `）`, built once (`memmem::find_iter` builds one a call:
/// a few hundred instructions a document, most of the pass's cost on a
/// short one).
static FULL_CLOSE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("）"));

impl Pass for PinyinPass {
    fn name(&self) -> &'static str {
        super::PassId::Pinyin.name()
    }

    fn push(&mut self, input: &str, out: &mut Out<'_>) -> Result<(), Error> {
        // Only a line with a closing parenthesis that ends a syllable can
        // change; the rest is copied (most parentheses in news hold words).
        let b = input.as_bytes();
        let mut closes: Vec<usize> = memchr::memchr_iter(b')', b)
            .chain(FULL_CLOSE.find_iter(b))
            .filter(|&k| may_close_annotation(input, k))
            .collect();
        closes.sort_unstable();
        // Their lines, each once; each search stops at the line before, so
        // a long line with many annotations is not searched again for each.
        let mut lines: Vec<(usize, usize)> = Vec::new();
        for k in closes {
            let floor = lines.last().map_or(0, |l| l.1);
            if k < floor {
                continue;
            }
            let start = memchr::memrchr(b'\n', &b[floor..k]).map_or(floor, |n| floor + n + 1);
            let end = memchr::memchr(b'\n', &b[k..]).map_or(b.len(), |n| k + n + 1);
            lines.push((start, end));
        }
        let mut copied = 0;
        for (start, end) in lines {
            out.text().push_str(&input[copied..start]);
            let line = &input[start..end];
            self.scan(line);
            let mut last = 0;
            for (s, e, repl, reason) in &self.cuts {
                out.text().push_str(&line[last..*s]);
                out.text().push_str(repl);
                out.edit(start + s, &line[*s..*e], repl, reason);
                last = *e;
            }
            out.text().push_str(&line[last..]);
            copied = end;
        }
        out.text().push_str(&input[copied..]);
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
        crate::testing::run_pass(&mut PinyinPass::new(), input)
    }

    proptest::proptest! {
        /// Lines the push skips (no parenthesis `may_close_annotation`
        /// accepts) are lines `scan` would not change.
        #[test]
        fn skipped_lines_have_nothing_to_cut(
            parts in proptest::collection::vec(
                proptest::sample::select(&["當", "前", "(", ")", "（", "）", "?", "\u{FFFD}", "dāng", "ge", "bào", "yè",
                    "2021", "ABC", " ", "上接01版", "a", "zhuāng4", "x"][..]),
                0..16,
            )
        ) {
            let line = parts.concat();
            let b = line.as_bytes();
            let candidate = (0..b.len()).any(|k| line.is_char_boundary(k)
                && line[k..].starts_with(is_close) && may_close_annotation(&line, k));
            let mut pass = PinyinPass::new();
            pass.scan(&line);
            proptest::prop_assert!(candidate || pass.cuts.is_empty(), "{:?}", pass.cuts);
        }
    }

    fn clean(input: &str) -> String {
        run(input).0
    }

    #[test]
    fn pinyin_strips_toned_annotations_after_han() {
        assert_eq!(clean("當(dāng)前位置: 首頁(yè) > 新聞(wén)中心"), "當前位置: 首頁 > 新聞中心");
        assert_eq!(clean("發（fā）展"), "發展");
        assert_eq!(clean("綠(lǜ)色 略(lve4)"), "綠色 略");
        assert_eq!(clean("本报讯 (dāng)"), "本报讯 ");
        assert_eq!(clean("洛陽\n(yáng)市"), "洛陽\n市");
        assert_eq!(clean("中科慧遠視覺技術(洛陽(yáng))有限公司"), "中科慧遠視覺技術(洛陽)有限公司");
    }

    #[test]
    fn pinyin_keeps_other_parentheses() {
        for s in ["(上接01版)", "年报(2021)显示", "公司(ABC)成立", "方案(a)和方案(b)", "见(see)", "A(dāng)"]
        {
            assert_eq!(clean(s), s);
        }
    }

    #[test]
    fn pinyin_toneless_needs_toned_company() {
        assert_eq!(clean("一個(ge)人"), "一個(ge)人");
        assert_eq!(clean("一個(ge)人在(zài)家"), "一個人在家");
    }

    #[test]
    fn pinyin_recovers_or_drops_a_lost_character() {
        // Seed 003: `日?qǐng)?bào)` – no word `日`+qǐng, so that one goes;
        // `日报` is a word, so bào comes back as 报.
        let (out, log) = run("綜合洛陽日?qǐng)?bào)、洛陽發布\n");
        assert_eq!(out, "綜合洛陽日报、洛陽發布\n");
        let reasons: Vec<_> = log.edits.iter().map(|e| e.reason).collect();
        assert_eq!(reasons, vec!["lost_char_dropped", "lost_char_recovered"]);
        // A `?` before something that is not a syllable stays.
        assert_eq!(clean("为什么?abc)"), "为什么?abc)");
    }

    #[test]
    fn pinyin_edits_rebuild_the_input() {
        let input = "當(dāng)前位置日?qǐng)?bào)\n";
        let (out, log) = run(input);
        assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), input);
    }
}
