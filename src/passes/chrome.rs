//! `chrome`: removes web page furniture, lines that are not article text:
//! breadcrumbs (`当前位置：首页 > 新闻中心`), copyright, ICP and
//! public-security filing lines, address/phone/fax footers, `技术支持`,
//! `主办单位`, share bars, editor lines, and publish-time lines at the top.
//!
//! The patterns are data: `data/patterns/chrome.txt` (kind, anchor, whether
//! a colon must follow, scope, text). Precision comes first: whatever the
//! pattern, a line is only chrome when it has at most
//! [`MAX_CHROME_CHARS`] characters and does not end a sentence, so an
//! article sentence that mentions 版权 or 传真 stays; and a contact field
//! (`联系电话：`) found after a sentence of prose signs that prose off, it
//! does not make the paragraph a footer.
//!
//! Every removal is reported as an edit with reason `chrome_<kind>`.
//!
//! Held bytes: one unterminated line (at most the line cap), which can only
//! be classified once it is known whole.
//!
//! ```
//! use zhclean::{CleanConfig, Cleaner};
//! let c = Cleaner::new(CleanConfig::preset("web").unwrap()).unwrap();
//! let page = "当前位置: 首页 > 新闻中心\n市长调研科技园。\n版权所有:Copyright 2013-2020 某公司 豫ICP备12008035号-1\n";
//! assert_eq!(c.clean(page), "市长调研科技园。\n");
//! ```

use std::sync::LazyLock;

use crate::error::Error;
use crate::pass::{LineBuffer, LinePass, Out, Pass, Seg};

/// Lines longer than this (in non-whitespace characters) are never chrome.
pub const MAX_CHROME_CHARS: usize = 200;

/// `top` rules apply among this many first non-blank lines.
const TOP_LINES: usize = 5;

#[derive(Debug)]
struct Rule {
    reason: &'static str,
    at_start: bool,
    colon: bool,
    top_only: bool,
    text: &'static str,
    /// `text`'s searcher, built once (building one per line and rule was a
    /// third of the pass).
    finder: memchr::memmem::Finder<'static>,
}

static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| parse_rules(include_str!("../../data/patterns/chrome.txt")));

fn parse_rules(data: &'static str) -> Vec<Rule> {
    let mut rules = Vec::new();
    for (n, line) in data.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&'static str> = line.split('\t').collect();
        assert!(f.len() == 5, "data/patterns/chrome.txt line {}: expected 5 tab-separated fields", n + 1);
        let reason: &'static str = match f[0] {
            "breadcrumb" => "chrome_breadcrumb",
            "copyright" => "chrome_copyright",
            "filing" => "chrome_filing",
            "contact" => "chrome_contact",
            "support" => "chrome_support",
            "host" => "chrome_host",
            "share" => "chrome_share",
            "editor" => "chrome_editor",
            "publish" => "chrome_publish",
            k => panic!("data/patterns/chrome.txt line {}: unknown kind {k}", n + 1),
        };
        rules.push(Rule {
            reason,
            at_start: f[1] == "start",
            colon: f[2] == "yes",
            top_only: f[3] == "top",
            text: f[4],
            finder: memchr::memmem::Finder::new(f[4]),
        });
    }
    rules
}

/// Why `line` (without its newline) is chrome, if it is. `top` says whether
/// it is among the first non-blank lines of the document.
fn classify(line: &str, top: bool) -> Option<&'static str> {
    // Judged without page-jump markers, which the caption pass removes
    // later: cleaning again must agree.
    let t = crate::passes::caption::strip_jump_markers(line);
    // Quotes of either direction may follow a sentence end (quote pairing
    // later may turn one into the other). Cheapest test first: most body
    // lines end a sentence.
    let last = t.trim_end_matches(['”', '’', '“', '‘', '"', '\'', '）', ')', '」', '』']).chars().next_back();
    if last.is_none() || matches!(last, Some('。' | '！' | '？' | '!' | '?')) {
        return None;
    }
    // Whitespace is not counted: later passes remove some of it, and the
    // result must not change when cleaned again.
    if super::visible_up_to(t, MAX_CHROME_CHARS + 1) > MAX_CHROME_CHARS {
        return None;
    }
    RULES.iter().find(|r| (!r.top_only || top) && rule_matches(r, t)).map(|r| r.reason)
}

/// Whether the chrome pass removes `line` (with or without its newline)
/// wherever it stands after the document's first lines.
pub(crate) fn removes_line(line: &str) -> bool {
    classify(line.strip_suffix('\n').unwrap_or(line), false).is_some()
}

/// Whether `a` and `b` put together match a chrome pattern that neither
/// matches alone (`版权所有` + `：…`). The rejoin pass, which runs after
/// this one, does not make such a join: cleaning the result again would
/// remove the joined line as chrome. Only the pattern is asked about, not
/// the line's length or ending, which later joins can change.
///
/// Only a window around the break is looked at, so a paragraph that grows
/// by many joins costs the same per join: the last and first
/// `PATTERN_WINDOW` characters, more than any pattern and its colon. A
/// `start` rule can only reach the break when `a` is shorter than that.
pub(crate) fn pattern_across(a: &str, b: &str) -> bool {
    let tail = a.char_indices().rev().nth(PATTERN_WINDOW - 1).map_or(a, |(i, _)| &a[i..]);
    let head = b.char_indices().nth(PATTERN_WINDOW).map_or(b, |(i, _)| &b[..i]);
    let joined = format!("{tail}{head}");
    let whole_a = tail.len() == a.len();
    RULES.iter().any(|r| {
        (whole_a || !r.at_start) && rule_matches(r, &joined) && !rule_matches(r, tail) && !rule_matches(r, head)
    })
}

/// Characters on each side of a break that [`pattern_across`] looks at.
const PATTERN_WINDOW: usize = 24;

fn rule_matches(r: &Rule, t: &str) -> bool {
    let check = |rest: &str| {
        if !r.colon {
            return true;
        }
        let rest = rest.trim_start();
        rest.starts_with(['：', ':']) || (r.reason == "chrome_breadcrumb" && rest.starts_with(['>', '》', '›', '»']))
    };
    if r.at_start {
        t.strip_prefix(r.text).is_some_and(check)
    } else {
        // A phone number or address signing off prose (a hotel's reply
        // to a review, ending `总经理：… 联系电话：…`) does not make the
        // paragraph a footer.
        let prose_ok = r.reason != "chrome_contact";
        r.finder.find_iter(t.as_bytes()).any(|i| check(&t[i + r.text.len()..]) && (prose_ok || !after_prose(t, i)))
    }
}

/// Han characters before a sentence end that make what precedes a contact
/// field prose: more than a footer's lead-in (`欢迎来电咨询！`, `如有问题请与
/// 我们联系，我们将及时处理。`).
const PROSE_HAN: usize = 20;

/// Whether `t[..i]` holds at least [`PROSE_HAN`] Han characters up to its
/// last sentence end.
fn after_prose(t: &str, i: usize) -> bool {
    let before = &t[..i];
    before.rfind(['。', '！', '？', '!', '?']).is_some_and(|end| {
        before[..end].chars().filter(|&c| crate::stream::framer::is_han(c)).take(PROSE_HAN).count() >= PROSE_HAN
    })
}

/// See the module docs.
#[derive(Debug, Default)]
pub struct ChromePass {
    /// Non-blank lines seen in this document.
    lines_seen: usize,
    /// Whole lines only: a piece of a line over the cap is never chrome.
    lines: LineBuffer,
}

impl ChromePass {
    /// A fresh pass.
    pub fn new() -> ChromePass {
        ChromePass::default()
    }

    fn judge(&mut self, line: &str, at: u64, seg: Seg, out: &mut Out<'_>) {
        let content = line.strip_suffix('\n').unwrap_or(line);
        let top = self.lines_seen < TOP_LINES;
        if !content.trim().is_empty() {
            self.lines_seen += 1;
        }
        if seg == Seg::Line {
            if let Some(reason) = classify(content, top) {
                out.edit_abs(at, line, "", reason);
                return;
            }
        }
        out.text().push_str(line);
    }
}

impl LinePass for ChromePass {
    fn line_buffer(&mut self) -> &mut LineBuffer {
        &mut self.lines
    }

    fn line(&mut self, text: &str, at: u64, seg: Seg, out: &mut Out<'_>) {
        self.judge(text, at, seg, out);
    }
}

impl Pass for ChromePass {
    fn name(&self) -> &'static str {
        "chrome"
    }

    fn push(&mut self, input: &str, out: &mut Out<'_>) -> Result<(), Error> {
        self.push_lines(input, out);
        Ok(())
    }

    fn finish(&mut self, out: &mut Out<'_>) -> Result<(), Error> {
        self.finish_lines(out);
        *self = ChromePass::new();
        Ok(())
    }

    fn held_bytes(&self) -> usize {
        self.lines.held_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pass::EditLog;

    #[test]
    fn the_join_window_holds_every_pattern_and_its_colon() {
        // pattern_across looks at PATTERN_WINDOW characters each side.
        assert!(RULES.iter().all(|r| r.text.chars().count() + 4 <= PATTERN_WINDOW));
        assert!(pattern_across(&format!("{}版权所有", "很长的正文".repeat(50)), "：某公司"));
        assert!(!pattern_across("版权所有：某公司", "正文"));
        assert!(pattern_across("当前位置", "：首页"));
    }

    fn run(input: &str) -> (String, EditLog) {
        crate::testing::run_pass(&mut ChromePass::new(), input)
    }

    #[test]
    fn chrome_removes_the_seed_footer_and_header() {
        let page = "当前位置: 首页 > 新闻中心 > 新闻动态\n省委常委调研科技园\n发布时间:2021-08-04\n正文第一段。\n\
                    版权所有:Copyright 2013-2020 洛阳大学科技园发展有限公司 豫ICP备12008035号-1\n豫公网安备 41030502000584号\n\
                    地址:洛阳市涧西区 联系电话:0379-63002555 传真:0379-63002177\n技术支持:中原洛科";
        let (out, log) = run(page);
        assert_eq!(out, "省委常委调研科技园\n正文第一段。\n");
        let reasons: Vec<_> = log.edits.iter().map(|e| e.reason).collect();
        assert_eq!(
            reasons,
            vec![
                "chrome_breadcrumb",
                "chrome_publish",
                "chrome_copyright",
                "chrome_filing",
                "chrome_contact",
                "chrome_support"
            ]
        );
        assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), page);
    }

    #[test]
    fn chrome_keeps_article_sentences_and_headlines() {
        for line in [
            "这部作品的版权所有者是作者本人。",
            "版权所有者维权难",
            "传真机市场回暖",
            "他通过传真发来了报价单，地址：北京。",
            "宾馆反馈 2008年4月3日 ： 尊敬的客户： 您好！ 如您在锦昌大酒店入住期间有不愉快，敬请您把您的意见和建议告诉我们，我们将为您提供更优质的服务！ 总经理：黄同金 联系电话：0791-2878108 锦昌大酒店",
            "编辑部的故事",
            "时间过得真快",
        ] {
            assert_eq!(run(&format!("{line}\n")).0, format!("{line}\n"), "{line}");
        }
    }

    #[test]
    fn a_footer_with_a_short_lead_in_is_still_chrome() {
        for line in [
            "欢迎来电咨询！联系电话：0379-63002555",
            "如有问题请与我们联系，我们将及时处理。联系电话：0379-63002555",
            "凡本网注明来源的所有作品，版权均属于本网，未经授权不得转载或以其它方式使用上述作品。版权所有：某网",
        ] {
            assert_eq!(run(&format!("{line}\n")).0, "", "{line}");
        }
    }

    #[test]
    fn chrome_publish_time_only_at_the_top() {
        let doc = "标题\n导语一\n导语二\n正文一\n正文二\n正文三\n发布时间:2021-08-04\n";
        assert_eq!(run(doc).0, doc);
    }

    #[test]
    fn every_rule_parses() {
        assert!(RULES.len() > 40);
        assert!(RULES.iter().all(|r| !r.text.is_empty() && r.text.trim() == r.text));
    }
}
