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

use crate::layout::chrome::{classify, Kind, Places};
use crate::lines::{LineBuffer, LinePass, Seg};
use crate::pass::{Out, Shortcuts};
use crate::text::TrimWs;

pub use crate::layout::chrome::MAX_CHROME_CHARS;

/// `top` rules apply among this many first non-blank lines.
const TOP_LINES: usize = 5;

/// A push is searched for chrome texts at once (see [`Places`]) when it
/// holds at least this many lines...
const SEARCHED_MIN_LINES: usize = 4;

/// ...of at most this many bytes on average. Longer lines are a web page's
/// paragraphs, which mostly end a sentence or pass [`MAX_CHROME_CHARS`]
/// and are never searched: searching all their bytes would cost more than
/// the few short lines among them.
const SEARCHED_MAX_AVERAGE_BYTES: usize = 160;

/// ...and it is this long: a shorter push (most often a crawl's short
/// document, one line) is not asked.
const SEARCHED_MIN_BYTES: usize = 1024;

/// Whether `input` is worth searching at once: many short lines. (Its
/// newlines found one by one up to as many as that takes: a count of them
/// all cost a short document 200 instructions, more than its search.)
fn many_short_lines(input: &str) -> bool {
    let b = input.as_bytes();
    if b.len() < SEARCHED_MIN_BYTES {
        return false;
    }
    let needed = SEARCHED_MIN_LINES.max(b.len().div_ceil(SEARCHED_MAX_AVERAGE_BYTES));
    let mut from = 0;
    for _ in 0..needed {
        match crate::text::find_newline(&b[from..]) {
            Some(i) => from += i + 1,
            None => return false,
        }
    }
    true
}

/// This pass's reason code for each kind of chrome.
fn reason(kind: Kind) -> &'static str {
    match kind {
        Kind::Breadcrumb => "chrome_breadcrumb",
        Kind::Copyright => "chrome_copyright",
        Kind::Filing => "chrome_filing",
        Kind::Contact => "chrome_contact",
        Kind::Support => "chrome_support",
        Kind::Host => "chrome_host",
        Kind::Share => "chrome_share",
        Kind::Editor => "chrome_editor",
        Kind::Publish => "chrome_publish",
    }
}

/// Settings of the web chrome removal pass: none yet. The pass is on when a
/// [`CleanConfig`](crate::CleanConfig) holds one; a config file writes it as
/// `chrome = true` (or `false` for off).
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChromeConfig {}

/// See the module docs.
#[derive(Debug, Default)]
pub struct ChromePass {
    /// Non-blank lines seen in this document.
    lines_seen: usize,
    /// Whole lines only: a piece of a line over the cap is never chrome.
    lines: LineBuffer,
    /// The chrome texts' places in the current push, when it was searched
    /// at once (`searched`).
    places: Places,
    searched: bool,
    /// Pushes searched at once: tests search each line on its own, to
    /// compare.
    shortcuts: Shortcuts,
    /// Tests count the pushes searched at once.
    #[cfg(test)]
    searched_pushes: usize,
}

impl ChromePass {
    /// A fresh pass.
    pub fn new() -> ChromePass {
        ChromePass::default()
    }

    fn judge(&mut self, line: &str, at: u64, seg: Seg, out: &mut Out<'_>) {
        let content = line.strip_suffix('\n').unwrap_or(line);
        let top = self.lines_seen < TOP_LINES;
        if !content.is_blank() {
            self.lines_seen += 1;
        }
        if seg == Seg::Line {
            // (A whole line handed out during a push is a slice of it,
            // starting where the output's base, the push's start in the
            // pass's input, says.)
            let kind = if self.searched {
                self.places.classify(content, (at - out.base()) as usize, top)
            } else {
                classify(content, top)
            };
            if let Some(kind) = kind {
                out.edit_abs(at, line, "", reason(kind));
                return;
            }
        }
        out.push_line(line);
    }
}

impl LinePass for ChromePass {
    fn name(&self) -> &'static str {
        super::PassId::Chrome.name()
    }

    fn line_buffer(&mut self) -> &mut LineBuffer {
        &mut self.lines
    }

    fn buffered(&self) -> usize {
        self.lines.held_bytes()
    }

    fn line(&mut self, text: &str, at: u64, seg: Seg, out: &mut Out<'_>) {
        self.judge(text, at, seg, out);
    }

    fn before_push(&mut self, input: &str) {
        self.searched = self.shortcuts.on() && many_short_lines(input) && self.places.search(input);
        #[cfg(test)]
        {
            self.searched_pushes += usize::from(self.searched);
        }
    }

    fn after_push(&mut self) {
        self.searched = false;
    }

    fn end_document(&mut self, out: &mut Out<'_>) {
        let _ = out;
        // (The line buffer, emptied by now, keeps its room for the next
        // document: a new one was an allocation per document.)
        self.lines_seen = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::EditLog;

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
    fn a_breadcrumb_from_the_home_page_is_chrome_without_a_lead_in() {
        for line in ["首页 > 要闻 > 正文", "首页>新闻中心>本地新闻", "网站首页 » 新闻动态", "首页 › 政务公开"]
        {
            let (out, log) = run(&format!("{line}\n市长调研科技园。\n"));
            assert_eq!(out, "市长调研科技园。\n", "{line}");
            assert_eq!(log.edits[0].reason, "chrome_breadcrumb");
        }
        // The word in a sentence, or a line naming it without a path, stays.
        for line in ["首页是一个网站的门面。", "首页 新闻 图片 视频", "首页设计大赛"] {
            assert_eq!(run(&format!("{line}\n")).0, format!("{line}\n"), "{line}");
        }
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
    fn a_push_searched_at_once_finds_what_each_line_searched_finds() {
        // Documents of chrome texts (whole, cut, glued to others, after a
        // page-jump marker, before one), short lines and sentences, pushed
        // in pieces cut at line ends and inside lines (a piece of a long
        // line), judged with the pushes searched at once and line by line:
        // the same text and edits.
        let pieces = [
            "\n",
            "\n",
            "\n",
            "版权所有：某网",
            "版权",
            "所有",
            "Copyright 2020 ",
            "All Rights Reserved",
            "© 2020",
            "©",
            "·",
            "王某·李某",
            "豫ICP备12008035号",
            "ICP",
            "证",
            "豫公网安备 41030502000584号",
            "网安备",
            "联系电话：0379-63002555",
            "联系方式：",
            "传真：0379-1",
            "E-mail：a@b.cn",
            "Email",
            "未经授权禁止转载",
            "(上接01版)",
            "（下转第3版）",
            "（附图片1张）",
            "地址：洛阳",
            "首页 > 新闻",
            "全市经济运行稳中向好",
            "会议强调要加强人才队伍建设",
            "。",
            "，",
            " ",
        ];
        let docs = crate::testing::Lcg::new(25).mixtures(&pieces, 300, 400);
        let mut rng = crate::testing::Lcg::new(26);
        let run = |doc: &str, cuts: &[usize], line_by_line: bool| {
            let mut pass = ChromePass { shortcuts: Shortcuts { off: line_by_line }, ..ChromePass::default() };
            let (mut text, mut log) = (String::new(), EditLog::default());
            let mut last = 0;
            for &cut in cuts.iter().chain([doc.len()].iter()) {
                let mut out = crate::Out::new(&mut text, &mut log, "chrome", last as u64);
                crate::Pass::push(&mut pass, &doc[last..cut], &mut out).unwrap();
                last = cut;
            }
            crate::Pass::finish(&mut pass, &mut crate::Out::new(&mut text, &mut log, "chrome", last as u64)).unwrap();
            (text, format!("{:?}", log.edits), pass.searched_pushes)
        };
        let (mut searched, mut removed) = (0, 0);
        for doc in &docs {
            // Up to three cuts, most at a line's end.
            let mut cuts: Vec<usize> = (0..rng.below(4))
                .map(|_| {
                    let mut at = rng.below(doc.len() + 1);
                    while !doc.is_char_boundary(at) {
                        at -= 1;
                    }
                    match doc[at..].find('\n') {
                        Some(nl) if rng.below(4) > 0 => at + nl + 1,
                        _ => at,
                    }
                })
                .collect();
            cuts.sort_unstable();
            let (text, edits, by_line) = run(doc, &cuts, true);
            let (at_once, at_once_edits, pushes) = run(doc, &cuts, false);
            assert_eq!(by_line, 0);
            assert_eq!((&at_once, &at_once_edits), (&text, &edits), "{doc:?} cut at {cuts:?}");
            searched += pushes;
            removed += usize::from(text.len() < doc.len());
        }
        // Most documents were searched at once, and lost some chrome.
        assert!(searched > 150 && removed > 250, "{searched} {removed}");
    }

    #[test]
    fn chrome_publish_time_only_at_the_top() {
        let doc = "标题\n导语一\n导语二\n正文一\n正文二\n正文三\n发布时间:2021-08-04\n";
        assert_eq!(run(doc).0, doc);
    }
}
