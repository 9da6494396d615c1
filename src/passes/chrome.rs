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

use crate::layout::chrome::{classify, Kind};
use crate::lines::{LineBuffer, LinePass, Seg};
use crate::pass::Out;
use crate::text::TrimWs;

pub use crate::layout::chrome::MAX_CHROME_CHARS;

/// `top` rules apply among this many first non-blank lines.
const TOP_LINES: usize = 5;

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
            if let Some(kind) = classify(content, top) {
                out.edit_abs(at, line, "", reason(kind));
                return;
            }
        }
        out.text().push_str(line);
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
    fn chrome_publish_time_only_at_the_top() {
        let doc = "标题\n导语一\n导语二\n正文一\n正文二\n正文三\n发布时间:2021-08-04\n";
        assert_eq!(run(doc).0, doc);
    }
}
