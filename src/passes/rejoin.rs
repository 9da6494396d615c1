//! `rejoin`: puts back together a paragraph that a column or page end cut
//! in two, across blank lines (and across the captions and page-jump
//! markers earlier passes removed from between the halves).
//!
//! A line is joined to the next non-blank line when all of this holds:
//!
//! * the first is body text (at least [`RejoinConfig::min_body_chars`]
//!   non-space characters with sentence punctuation, or twice as many
//!   without) and does not end a
//!   sentence: its last character is not one of `。！？…`, a quote or
//!   closing bracket, or `：` (a colon often ends a line that introduces a
//!   list or a quote);
//! * the second is body text too (the same test), so not a headline or
//!   byline — or a short tail ending a sentence, when a word of the word
//!   list runs across the break (`其|实是理念之变、制度之变。`);
//! * any number of blank lines may lie between (the output has none, and
//!   cleaning it again must give the same result).
//!
//! The reason recorded says what the evidence was: `join_word` when the
//! characters on the two sides of the break form a word of the word list
//! (`能|力` → `能力`), `join_comma` when the first part ends in `，`, `、`
//! or `；`, `join_open` otherwise (no sentence end). Whitespace at the join
//! goes when a Han character or CJK punctuation is on either side.
//!
//! Never joined: a line of names (`张三丰 李四海 王五洲…`, an award list), a
//! headline onto body text (and a document's first paragraph, body text
//! only by its marks, onto the next by nothing but its open end: a web
//! page's headline over its article), two complete paragraphs, a
//! numbered or bulleted item or a news lead with its dateline onto what
//! comes before (`（三）…`, `●…`, `新华社北京1月6日电…`), a
//! line that ends inside a parenthesis opened among its last 8 characters
//! or a line onto one that closes a parenthesis among its first 8 (a
//! bracketed group split by the break is left as it is). A
//! fragment whose continuation was lost is joined to the next paragraph when
//! that one looks like a continuation; the seed gold treats those breaks as
//! judgement calls.
//!
//! Held bytes: the open paragraph and the blank lines after it, at most
//! the line cap (a longer paragraph is passed on and not joined further).
//!
//! ```
//! use zhclean::{CleanConfig, Cleaner};
//! let c = Cleaner::new(CleanConfig::default()).unwrap();
//! let page = "跟班学习如何学?在跟班学习期间,跟班学习干部既注重提升自身能\n\n力素质,又为深化地区交流牵线搭桥,广泛开展交流。\n";
//! assert_eq!(
//!     c.clean(page),
//!     "跟班学习如何学？在跟班学习期间，跟班学习干部既注重提升自身能力素质，又为深化地区交流牵线搭桥，广泛开展交流。\n"
//! );
//! ```

use crate::audit::CapOnce;
use crate::layout::body::{is_name_list, starts_mid_clause, word_across};
use crate::lines::{LineBuffer, LinePass, Seg};
use crate::pass::Out;
use crate::text::TrimWs;
use crate::text::{is_han, visible_at_least, PROSE_MARKS, SENTENCE_END};

/// Settings of the `rejoin` pass.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RejoinConfig {
    /// A line with fewer non-space characters and no sentence punctuation
    /// is a headline or byline, never part of a join.
    pub min_body_chars: usize,
    /// The open paragraph is passed on unjoined beyond this many bytes.
    pub max_paragraph_bytes: usize,
}

impl Default for RejoinConfig {
    fn default() -> RejoinConfig {
        RejoinConfig { min_body_chars: 20, max_paragraph_bytes: 1 << 20 }
    }
}

/// See the module docs.
#[derive(Debug)]
pub struct RejoinPass {
    cfg: RejoinConfig,
    /// The open paragraph (without its newline), its input offset, and
    /// the blank lines seen after it (verbatim).
    open: Option<(String, String)>,
    /// Input offset of the separator after the open paragraph: its '\n'
    /// and any blank lines.
    sep_at: u64,
    blank_lines: usize,
    /// The paragraph flushed before the open one (without its newline), for
    /// the clause rule's stability check. Empty after a piece of a long
    /// line.
    prev_para: String,
    /// The string of the paragraph before `prev_para`, kept to hold the
    /// next open one in (a malloc and a free per paragraph otherwise); at
    /// most [`MAX_SPARE_BYTES`] of room.
    spare: String,
    /// Text of this document written already: the open paragraph is not
    /// its first.
    started: bool,
    /// Whole lines; pieces of a line over the cap are never joined.
    lines: LineBuffer,
    cap: CapOnce,
}

/// Most room a string kept for reuse may have (a paragraph of a few
/// lines): a long paragraph's is given back.
const MAX_SPARE_BYTES: usize = 4096;

/// A first half shorter than this is not joined on the clause-head
/// evidence alone (it may be a label or a kicker).
const MIN_CLAUSE_HEAD_CHARS: usize = 8;

fn has_sentence_punct(s: &str) -> bool {
    s.contains(PROSE_MARKS)
}

/// Punctuation that a join glues to without a space, like Han: CJK marks,
/// and the dash, ellipsis and curly double quotes that Chinese text sets
/// full width. Narrower than `punct`'s CJK-only set (no vertical or
/// full-width bracket forms), which decides width, not spacing.
fn glues_without_space(c: char) -> bool {
    matches!(c as u32, 0x3001..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0x2014 | 0x2026 | 0x201C..=0x201D)
}

/// The reason for joining `a` and `b`, if they should be joined. `unwrap`
/// asks it too: a join made here shows the next cleaning a column.
pub(crate) fn join_reason(cfg: &RejoinConfig, a: &str, b: &str) -> Option<&'static str> {
    let is_body = |t: &str| crate::layout::body::is_body(t, cfg.min_body_chars);
    let (a, b) = (a.trim_ws_end(), b.trim_ws_start());
    // Every join below needs an open end: tested first, as it is the
    // cheapest test and fails for most paragraphs.
    if !RejoinPass::is_open_end(a) {
        return None;
    }
    // A paragraph does not start with one character and a clause
    // separator (`街、北至…`): that is the tail of a word cut by the
    // break, and the first half, however short, ends mid-sentence.
    // (Numbered items `一、` `二，` are paragraphs, and are exempt.)
    let clause = starts_mid_clause(b);
    // Every other join needs `a` to be body text: an open line that is
    // not (a headline, most often) and no clause tail after it is answered
    // before the tests below.
    let body_a = is_body(a);
    if !clause && !body_a {
        return None;
    }
    if crate::layout::leads::opens_paragraph(a, b) || is_name_list(a) || is_name_list(b) {
        return None;
    }
    if clause && visible_at_least(a, MIN_CLAUSE_HEAD_CHARS) && is_body(b) {
        return Some("join_clause");
    }
    if !body_a {
        return None;
    }
    // The second half must be body text, or a short tail ending a
    // sentence that a word across the break ties to the first
    // (`其|实是理念之变。`).
    let body_b = is_body(b);
    let short_tail = !body_b
        && b.trim_ws_end().ends_with(SENTENCE_END)
        && visible_at_least(b, 4)
        // The first half must be prose, not just long: a long title
        // without punctuation before a verse line is no broken sentence.
        && has_sentence_punct(a);
    if !body_b && !short_tail {
        return None;
    }
    // A line that ends inside a short open parenthesis is left alone:
    // joined, the parenthesis would close and change what the passes
    // before this one see on a second cleaning (a pinyin annotation
    // split by the line break, for one).
    // Nor one that closes a parenthesis among its first 8 characters
    // before opening one: the break fell inside a bracketed group (a
    // lost-character fragment `?bào)` split by it, for one).
    let head_closes = b
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(8)
        .take_while(|&c| c != '(' && c != '（')
        .any(|c| c == ')' || c == '）');
    if head_closes {
        return None;
    }
    // (The last 8 visible characters, last first, in an array: a vector
    // cost an allocation per join weighed.)
    let mut last8 = ['\0'; 8];
    let mut k = 0;
    for c in a.chars().rev().filter(|c| !c.is_whitespace()).take(8) {
        last8[k] = c;
        k += 1;
    }
    let tail = &last8[..k];
    if let Some(open) = tail.iter().position(|&c| c == '(' || c == '（') {
        if !tail[..open].iter().any(|&c| c == ')' || c == '）') {
            return None;
        }
    }
    let last = a.chars().next_back()?;
    if matches!(last, '，' | '、' | '；' | ',' | ';') && !short_tail {
        return Some("join_comma");
    }
    if word_across(a, b) {
        return Some("join_word");
    }
    if short_tail {
        return None;
    }
    Some("join_open")
}

/// The reason `rejoin` joins `b` to the open paragraph `a`, written after
/// `prev` (empty when none is; `first` when `a` is the document's first
/// paragraph), if it does: [`join_reason`], and the joins it does not make
/// (a headline; two for a second cleaning's sake). `unwrap` replays a
/// second cleaning with it.
pub(crate) fn joins_to(cfg: &RejoinConfig, prev: &str, first: bool, a: &str, b: &str) -> Option<&'static str> {
    let reason = join_reason(cfg, a, b)?;
    // A document's first paragraph that is body text only by its marks
    // (short of twice `min_body_chars`) and joins on no other evidence than
    // its open end is its headline (`…，侵害了消费者的选择权` over the
    // article, once the publish-time line between them is gone). A first
    // paragraph cut by a column's end after a comma or inside a word joins
    // as any other.
    if first && reason == "join_open" && !visible_at_least(a, 2 * cfg.min_body_chars) {
        return None;
    }
    // The clause rule joins a line too short to be body text; joined, it
    // may become body text that the paragraph before it would have joined,
    // and cleaning again would then join that too. Such a join is left for
    // the reader: the output must be a fixed point. (When the open
    // paragraph is body text already, joining cannot change how the
    // paragraph before it sees it.)
    if reason == "join_clause" && !prev.is_empty() && !crate::layout::body::is_body(a, cfg.min_body_chars) {
        let joined = format!("{}{}", a.trim_ws_end(), b.trim_ws_start());
        if join_reason(cfg, prev, &joined).is_some() {
            return None;
        }
    }
    // A join must not make a chrome pattern across the break (`版权所有` /
    // `：…`): the chrome pass, which runs before this one, could remove the
    // joined line when the text is cleaned again.
    if crate::layout::chrome::pattern_across(a.trim_ws_end(), b.trim_ws_start()) {
        return None;
    }
    Some(reason)
}

impl RejoinPass {
    /// A pass with these settings.
    pub fn new(cfg: RejoinConfig) -> RejoinPass {
        RejoinPass {
            cfg,
            open: None,
            sep_at: 0,
            blank_lines: 0,
            prev_para: String::new(),
            spare: String::new(),
            started: false,
            lines: LineBuffer::default(),
            cap: CapOnce::default(),
        }
    }

    /// Whether a paragraph ending in `t` is left open (no sentence end).
    fn is_open_end(t: &str) -> bool {
        match t.trim_ws_end().chars().next_back() {
            None => false,
            Some(c) => !matches!(
                c,
                '。' | '！'
                    | '？'
                    | '!'
                    | '?'
                    | '…'
                    | '”'
                    | '’'
                    | '“'
                    | '‘'
                    | '」'
                    | '』'
                    | '）'
                    | ')'
                    | '】'
                    | '］'
                    | ']'
                    | '〕'
                    | '：'
                    | ':'
                    | '"'
                    | '\''
                    | '.'
            ),
        }
    }

    /// Writes the open paragraph and the blank lines after it.
    fn flush(&mut self, out: &mut Out<'_>) {
        if let Some((para, blanks)) = self.open.take() {
            out.text().push_str(&para);
            out.end_line();
            // (Each blank line noted as written: `end_line` asks that no
            // line end go unnoted before it.)
            for blank in crate::text::lines_inclusive(&blanks) {
                out.push_line(blank);
            }
            let old = std::mem::replace(&mut self.prev_para, para);
            if old.capacity() <= MAX_SPARE_BYTES {
                self.spare = old;
            }
            self.started = true;
        }
        self.blank_lines = 0;
    }

    fn judge(&mut self, line: &str, at: u64, seg: Seg, out: &mut Out<'_>) {
        if seg != Seg::Line {
            // A piece of an over-long line: passed on, never joined.
            self.flush(out);
            self.prev_para.clear();
            self.started = true;
            out.push_line(line);
            return;
        }
        let content = line.strip_suffix('\n').unwrap_or(line);
        let terminated = content.len() < line.len();
        if content.is_blank() && terminated {
            match &mut self.open {
                // Blank lines are held with the open paragraph, up to the
                // paragraph cap: past it the paragraph is flushed (memory
                // stays bounded on a flood of blank lines).
                Some((para, blanks)) if para.len() + blanks.len() + line.len() <= self.cfg.max_paragraph_bytes => {
                    blanks.push_str(line);
                    self.blank_lines += 1;
                }
                Some(_) => {
                    self.report_cap(at, out);
                    self.flush(out);
                    out.push_line(line);
                }
                None => out.push_line(line),
            }
            return;
        }
        let first = !self.started;
        let reason =
            self.open.as_ref().and_then(|(para, _)| joins_to(&self.cfg, &self.prev_para, first, para, content));
        match reason {
            Some(reason) => {
                let (mut para, blanks) = self.open.take().expect("open paragraph");
                let trimmed = para.trim_ws_end().len();
                let b = content.trim_ws_start();
                let lead = content.len() - b.len();
                let keep_space =
                    !(para[..trimmed].chars().next_back().is_some_and(|c| is_han(c) || glues_without_space(c))
                        || b.chars().next().is_some_and(|c| is_han(c) || glues_without_space(c)));
                // What the join removes: the paragraph's trailing spaces, its
                // newline, the blank lines, and the next line's indentation.
                let removed_at = self.sep_at - (para.len() - trimmed) as u64;
                let inserted = if keep_space { " " } else { "" };
                if out.auditing() {
                    let removed = format!("{}\n{}{}", &para[trimmed..], blanks, &content[..lead]);
                    out.edit_abs(removed_at, &removed, inserted, reason);
                }
                para.truncate(trimmed);
                para.push_str(inserted);
                para.push_str(b);
                self.blank_lines = 0;
                if !terminated || para.len() > self.cfg.max_paragraph_bytes {
                    if terminated {
                        self.report_cap(at, out);
                    }
                    out.text().push_str(&para);
                    if terminated {
                        out.end_line();
                    }
                    self.started = true;
                } else {
                    self.sep_at = at + content.len() as u64;
                    self.open = Some((para, String::new()));
                }
            }
            None => {
                self.flush(out);
                if terminated && content.len() <= self.cfg.max_paragraph_bytes {
                    self.sep_at = at + content.len() as u64;
                    let mut para = std::mem::take(&mut self.spare);
                    para.clear();
                    para.push_str(content);
                    self.open = Some((para, String::new()));
                } else {
                    if terminated {
                        self.report_cap(at, out);
                    }
                    out.push_line(line);
                    self.started = true;
                }
            }
        }
    }
}

impl RejoinPass {
    fn report_cap(&mut self, at: u64, out: &mut Out<'_>) {
        let why = "a paragraph that long is passed on and not joined further";
        self.cap.report(out, "rejoin.max_paragraph_bytes", self.cfg.max_paragraph_bytes, at, why);
    }
}

impl LinePass for RejoinPass {
    fn name(&self) -> &'static str {
        super::PassId::Rejoin.name()
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
        self.flush(out);
        self.prev_para.clear();
        self.started = false;
        self.cap.reset();
    }

    fn held_besides_lines(&self) -> usize {
        self.open.as_ref().map_or(0, |(p, b)| p.len() + b.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::EditLog;

    #[test]
    fn join_reason_answers_as_in_its_old_order() {
        // The tests before the body test in their old order (the word
        // tests first, then the clause join, then body text), the rest as
        // the function has it, on generated pairs of headlines, prose,
        // clause tails, name lists, items and datelines.
        let cfg = RejoinConfig::default();
        let old = |a: &str, b: &str| {
            let (a2, b2) = (a.trim_ws_end(), b.trim_ws_start());
            if !RejoinPass::is_open_end(a2) {
                return None;
            }
            if crate::layout::leads::opens_paragraph(a2, b2) || is_name_list(a2) || is_name_list(b2) {
                return None;
            }
            let body = |t: &str| crate::layout::body::is_body(t, cfg.min_body_chars);
            if starts_mid_clause(b2) && visible_at_least(a2, MIN_CLAUSE_HEAD_CHARS) && body(b2) {
                return Some("join_clause");
            }
            if !body(a2) {
                return None;
            }
            join_reason(&cfg, a, b)
        };
        let pieces = [
            "强化人才驱动",
            "，",
            "。",
            "、",
            "街",
            "北至",
            "王伟 李强 张三",
            "（三）",
            "新华社北京1月6日电",
            "创新发展的重要举措",
            "项目已进入收尾阶段",
            " ",
            "(",
            ")",
            "一",
        ];
        let texts = crate::testing::Lcg::new(23).mixtures(&pieces, 4_000, 12);
        let mut joined = 0;
        for pair in texts.chunks(2) {
            let (a, b) = (&pair[0], pair.get(1).map_or("", String::as_str));
            assert_eq!(join_reason(&cfg, a, b), old(a, b), "{a:?} | {b:?}");
            joined += usize::from(old(a, b).is_some());
        }
        assert!(joined > 100, "{joined}");
    }

    #[test]
    fn an_open_parenthesis_among_the_last_eight_characters_stops_a_join() {
        let cfg = RejoinConfig::default();
        let b = "道的全部内容和各方面的反应，请读者继续关注后续报道。";
        let a = |tail: &str| format!("有关部门已经对这项工作作出了全面部署，相关工作正在稳步推进{tail}");
        // Eighth from the end: the break may fall inside the group.
        assert_eq!(join_reason(&cfg, &a("（详见第三版相关"), b), None);
        // Ninth: too far back to hold the break.
        assert!(join_reason(&cfg, &a("（详见第三版相关报"), b).is_some());
        // Closed before the end: no group is open.
        assert!(join_reason(&cfg, &a("（详见第三版）相关"), b).is_some());
    }

    fn run(input: &str) -> (String, EditLog) {
        crate::testing::run_pass(&mut RejoinPass::new(RejoinConfig::default()), input)
    }

    #[test]
    fn rejoin_joins_a_word_cut_by_a_column() {
        let doc = "在跟班学习期间，跟班学习干部既注重提升自身能\n\n力素质，又为深化地区交流牵线搭桥，效果很好。\n";
        let (out, log) = run(doc);
        assert_eq!(out, "在跟班学习期间，跟班学习干部既注重提升自身能力素质，又为深化地区交流牵线搭桥，效果很好。\n");
        assert_eq!(log.edits[0].reason, "join_word");
        assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), doc);
    }

    #[test]
    fn list_items_and_news_leads_open_their_own_paragraphs() {
        for doc in [
            "在新的征程上，发挥工人阶级主力军作用，为企业改革发展建功立业\n本报北京1月1日讯记者王建新报道：全国总工会发出通知，要求做好工作。\n",
            "江泽民等党和国家领导人以不同方式对他表示亲切慰问和深切哀悼\n新华社北京1月6日电 中国共产党的优秀党员、久经考验的忠诚的共产主义战士逝世。\n",
            "第一，要坚持以经济建设为中心，不断解放和发展社会生产力；\n第二，要坚持四项基本原则，保持社会政治稳定和长治久安。\n",
            "（三）制定属于政府指导价、政府定价的具体价格的幅度内的价格；\n（四）检举、控告侵犯其依法自主定价权利的行为，依法维权。\n",
            "近年来，全国妇联积极参与扶贫开发，贫困人口已从一点二五亿减少\n●全国妇联参与扶贫开发，十年帮助一百六十万贫困妇女脱贫。\n",
            "我们要做好以下几方面工作，各级部门要加强协调，形成工作合力：\n二、坚持问题导向，着力解决群众反映强烈的突出问题和困难。\n",
        ] {
            assert_eq!(run(doc).0, doc, "{doc}");
        }
        // A numeral or 第 after an open end is a word cut by the column.
        let doc = "我们必须坚持以人为本，全面协调可持续地推进改革，坚持统\n一、协调、高效的原则，推进各项改革工作取得新成效。\n";
        assert_eq!(run(doc).0.lines().count(), 1);
        // (Under a headline: a document's first paragraph, short, joins on
        // more than its open end; see the next test.)
        let doc = "企业风采\n这家企业发展很快，年产值在全省同行业中连续三年排名\n第二，仅次于一家老牌国有企业，发展势头很好。\n";
        assert_eq!(run(doc).0.lines().count(), 2);
    }

    #[test]
    fn a_short_first_paragraph_that_joins_only_by_its_open_end_is_the_headline() {
        // A web page's headline over its article, the publish-time line
        // between them gone: body text by its comma, open, and short.
        let doc = "市场支配者捆绑销售服务，侵害了消费者的消费选择权\n山东省高级人民法院二审认为，历城区政府在订立安置补偿协议时，对赵某某家庭的基本情况和安置资格进行了审查。\n";
        assert_eq!(run(doc).0, doc);
        // Not the first paragraph: joined as before.
        let later = format!("法院审理查明的事实如下。\n{doc}");
        assert_eq!(run(&later).0.lines().count(), 2);
        // A first paragraph cut after a comma, or inside a word, joins.
        let doc = "在跟班学习期间，跟班学习干部既注重提升自身能力，\n\n又为深化地区交流合作牵线搭桥，取得了良好的社会效果和经济效益。\n";
        assert_eq!(run(doc).0.lines().count(), 1);
        let doc = "在跟班学习期间，跟班学习干部既注重提升自身能\n\n力素质，又为深化地区交流牵线搭桥，效果很好。\n";
        assert_eq!(run(doc).0.lines().count(), 1);
        // Long enough to be body text by its length: joined.
        let doc = "在跟班学习期间，跟班学习干部既注重提升自身的政治素养和业务能力又在实践中不断锤炼作风\n\n为深化地区交流合作牵线搭桥，取得了良好的社会效果和经济效益。\n";
        assert_eq!(run(doc).0.lines().count(), 1);
    }

    #[test]
    fn rejoin_joins_a_short_tail_when_a_word_runs_across() {
        let doc = "正如孙楠所说，搬入新校园后，师生们的精气神发生了很大的变化，这种变化的背后，其\n\n实是理念之变、制度之变。\n";
        assert_eq!(
            run(doc).0,
            "正如孙楠所说，搬入新校园后，师生们的精气神发生了很大的变化，这种变化的背后，其实是理念之变、制度之变。\n"
        );
        // Without a word across the break, a short line stays apart.
        let doc = "这种变化的背后是一次理念与制度的共同转变，也是一次工作方法的改变，\n\n总结如下。\n";
        assert_eq!(run(doc).0, doc);
    }

    #[test]
    fn rejoin_joins_a_short_line_when_the_next_starts_mid_clause() {
        let doc = "此次该校新校区二期建设项目东至柿园\n\n街、北至兰台路、南至科技大道、西至一期二期项目边界，总占地面积871亩。\n";
        let (out, log) = run(doc);
        assert_eq!(out.lines().count(), 1, "{out}");
        assert_eq!(log.edits[0].reason, "join_clause");
        assert_eq!(crate::testing::rebuild_input(&out, &log.edits).unwrap(), doc);
        // A numbered item is a paragraph of its own; so is what follows a
        // short label.
        for doc in [
            "学校今年的建设任务主要有以下几项\n\n一、北至兰台路、南至科技大道的新校区二期项目全面开工建设。\n",
            "编者按\n\n街、北至兰台路、南至科技大道、西至一期二期项目边界，总占地面积871亩。\n",
        ] {
            assert_eq!(run(doc).0, doc);
        }
    }

    #[test]
    fn rejoin_joins_after_a_comma() {
        let doc =
            "近3000个高能级平台“筑巢引凤”，吸引了大批人才来到这里创业，\n伊滨科技城等平台建设加快推进，成效明显。\n";
        let (out, log) = run(doc);
        assert!(out.lines().count() == 1, "{out}");
        assert_eq!(log.edits[0].reason, "join_comma");
    }

    #[test]
    fn rejoin_never_joins_headlines_or_complete_paragraphs() {
        for doc in [
            "强化人才驱动 增强发展动能\n\n“洛阳探索实施百名科技人才入企计划，为企业创新提供智力支持。”\n",
            "第一段已经说完了，这是一个完整的句子。\n\n第二段也是一个完整的句子，并且很长很长。\n",
            "本报专访来自科技部科技人才交流开发服务中心两位专家，共谋新时期科技人才驱动创新发展\n\n强化人才驱动 增强发展动能\n",
            "他在会上指出，要做好以下几个方面的工作，具体如下：\n\n一是加强领导，二是压实责任，三是强化考核。\n",
            "本报讯洛阳综合新闻，市委组织部召开工作会议，会上指出要做好人才工作\n\né) 洛阳市科技局有关负责人介绍了有关工作情况。\n",
        ] {
            assert_eq!(run(doc).0, doc);
        }
    }
}
