//! Photo credits (`倪睿/摄`, `记者 张三 摄`, `图/王五`, `××供图`) and
//! caption markers (`（资料图片）`, `（本报记者李四摄）`): what makes a line,
//! or a paragraph's end, one.

use super::body::is_name;
use super::marks::{closes_bracket, is_close, is_open, opens_bracket};
use crate::text::{visible_more_than, TrimWs};

/// Credit lines and bare captions are at most this long (non-whitespace
/// characters: later passes remove spaces, and cleaning again must not
/// change the result).
pub const MAX_CAPTION_CHARS: usize = 40;

/// Whether `t` (trimmed) ends with a caption marker in parentheses.
/// (The closing bracket is asked inline: most lines have none, and the
/// call cost more than the answer.)
#[inline]
pub(crate) fn ends_with_caption_marker(t: &str) -> bool {
    closes_bracket(t) && marker_before_close(t)
}

/// [`ends_with_caption_marker`] of a line that closes a bracket.
fn marker_before_close(t: &str) -> bool {
    // The opening bracket among the last 24 visible characters (spaces,
    // which the punct pass may remove, do not count).
    let Some(open) =
        t.char_indices().rev().filter(|(_, c)| !c.is_whitespace()).take(24).find(|&(_, c)| is_open(c)).map(|(i, _)| i)
    else {
        return false;
    };
    // Spaces between stacked brackets do not matter (the punct pass
    // removes them, and cleaning again must agree).
    let inner = t[open..]
        .trim_start_matches(|c: char| is_open(c) || c.is_whitespace())
        .trim_end_matches(|c: char| is_close(c) || c.is_whitespace());
    // One bracketed group: `(上接01版)强化…摄）` is not a marker.
    if inner.contains(is_close) {
        return false;
    }
    if super::patterns::PATTERNS.markers.contains(&inner) {
        return true;
    }
    // （本报记者李四摄）, and a name alone: （王某摄）, （王某 摄）, （王某/摄）.
    inner.strip_suffix('摄').is_some_and(|who| {
        super::patterns::PATTERNS.roles.iter().any(|r| who.contains(r))
            || is_name(who.trim_end_matches(['/', '／', ' ']))
    })
}

/// Whether `t` (trimmed) is one bracketed caption marker and nothing else:
/// `（本报记者 王某 摄）` on a line of its own, under its caption.
pub(crate) fn is_marker_line(t: &str) -> bool {
    opens_bracket(t) && ends_with_caption_marker(t) && t.chars().skip(1).filter(|&c| is_open(c)).count() == 0
}

/// Whether `t` (trimmed) opens with a figure label (`图①：`, `图1：`,
/// `图一：`, `图为`) and is short enough to be a caption: the label is only
/// printed under a photo.
pub(crate) fn is_labelled_caption(t: &str) -> bool {
    if !t.starts_with('图') || visible_more_than(t, MAX_CAPTION_CHARS * 2) {
        return false;
    }
    let rest = &t['图'.len_utf8()..];
    if rest.starts_with("为") {
        // `图为工人在调试设备。`: one or two sentences describing the photo.
        return crate::text::count_sentence_ends(rest) <= 2 && rest.chars().nth(1).is_some_and(crate::text::is_han);
    }
    let mut cs = rest.chars();
    let label =
        cs.next().is_some_and(|c| ('①'..='⑳').contains(&c) || c.is_ascii_digit() || "一二三四五六七八九十".contains(c));
    label && cs.as_str().trim_start_matches(|c: char| c.is_ascii_digit()).starts_with(['：', ':'])
}

/// Whether a whole line (trimmed, page-jump markers already cut) is a
/// photo-credit line, as this pass removes it: a credit with no sentence.
/// (Trimmed already: every caller has the line trimmed, and is_credit's
/// own trim is not asked again.)
#[inline]
pub(crate) fn is_credit_line(t: &str) -> bool {
    debug_assert_eq!(t, t.trim_ws(), "a trimmed line");
    is_trimmed_credit(t) && !t.contains(crate::text::SENTENCE_END)
}

/// Whether a caption paragraph ends in a credit after its last sentence
/// (`近日，……健身需求。 洛报融媒记者 张怡照 通讯员 许柯 摄`).
/// (The `摄` is asked inline, as for [`ends_with_caption_marker`].)
#[inline]
pub(crate) fn ends_in_credit(t: &str) -> bool {
    // (Its three bytes compared as bytes: `ends_with('摄')` went through
    // the pattern machinery, half the test's cost on every line.)
    t.trim_ws_end().as_bytes().ends_with("摄".as_bytes()) && credit_after_sentence(t)
}

/// [`ends_in_credit`] of a line ending with `摄`.
fn credit_after_sentence(t: &str) -> bool {
    crate::text::last_sentence_end(t).is_some_and(|end| {
        let tail = &t[end + t[end..].chars().next().map_or(0, char::len_utf8)..];
        !tail.is_blank() && is_credit(tail) && tail.trim_ws().ends_with('摄')
    })
}

/// Whether `caption` removes `line` whole on its own, whatever stands
/// around it: page-jump markers only, a credit line, a line ending in a
/// caption marker, a caption paragraph ending in a credit. `dedup` asks,
/// for what a repeated span leaves of a line: `caption` ran before it and
/// would remove such a leftover on a second run.
pub(crate) fn caption_removes_line(line: &str) -> bool {
    let content = line.strip_suffix('\n').unwrap_or(line);
    let (lead, start, stop) = super::marks::jump_bounds(content);
    let t = content[start..stop].trim_ws();
    if t.is_empty() {
        // Page-jump markers and nothing else.
        return start > lead || stop < content.len();
    }
    is_credit_line(t) || ends_with_caption_marker(t) || ends_in_credit(t) || is_labelled_caption(t)
}

/// Whether `tail` (text after the last sentence end, trimmed) is a photo
/// credit: `倪睿/摄`, `记者 张三 摄`, `图/王五`, `王五供图`, `图片来源：…`.
/// (Always inline: called, its few tests cost less than the call.)
#[inline(always)]
pub(crate) fn is_credit(tail: &str) -> bool {
    is_trimmed_credit(tail.trim_ws())
}

/// [`is_credit`] of `t`, trimmed.
#[inline(always)]
fn is_trimmed_credit(t: &str) -> bool {
    // The cheap shape tests first, inline: nearly every line fails them.
    // Each form opens or ends with `摄` (E6 91 84) or `图` (E5 9B BE), whose
    // last bytes a line's third and last bytes are, or it is none.
    let b = t.as_bytes();
    let (Some(&third), Some(&last)) = (b.get(2), b.last()) else { return false };
    (matches!(third, 0x84 | 0xBE) || matches!(last, 0x84 | 0xBE)) && is_credit_shaped(t)
}

/// [`is_credit`] of `t` (trimmed) past its byte test.
fn is_credit_shaped(t: &str) -> bool {
    let shaped = t.ends_with('摄') || t.ends_with("供图") || t.starts_with('图') || t.starts_with("摄影");
    if !shaped || visible_more_than(t, MAX_CAPTION_CHARS) {
        return false;
    }
    if let Some(before) = t.strip_suffix('摄') {
        // The 摄 stands apart: after a slash, a space, or a role word.
        let b = before.trim_ws_end();
        return before.ends_with(['/', '／'])
            || (b.len() < before.len() && !b.is_empty())
            || super::patterns::PATTERNS.roles.iter().any(|r| b.contains(r)) && !visible_more_than(b, 24);
    }
    if let Some(who) = t.strip_prefix("摄影").map(|r| r.trim_start_matches(['：', ':', '/', '／', ' '])) {
        // `摄影：王某`, `摄影/王某 李某`.
        return who.len() < t.len() - "摄影".len() && who.split_whitespace().all(is_name) && !who.is_empty();
    }
    t.ends_with("供图") || t.starts_with("图/") || t.starts_with("图／") || t.starts_with("图片来源")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_in_the_forms_papers_print() {
        for t in
            ["倪睿/摄", "新华社记者 张三 摄", "图/王五", "王五供图", "图片来源：网络", "摄影：孙丽", "摄影/王五 李四"]
        {
            assert!(is_credit(t) && is_credit_line(t), "{t:?}");
        }
        let too_long = format!("{} 摄", "某".repeat(MAX_CAPTION_CHARS));
        for t in [
            "他拍摄",
            "这张照片是我们摄",
            "图书馆开放",
            &too_long,
            "摄影",
            "摄影爱好者协会成立",
            "摄影：在北京举行的展览上",
        ] {
            assert!(!is_credit(t), "{t:?}");
        }
        assert!(!is_credit_line("他说。倪睿/摄"), "a sentence makes it no credit line");
    }

    #[test]
    fn caption_markers_and_credit_endings() {
        assert!(ends_with_caption_marker("考察学习 （资料图片）"));
        assert!(ends_with_caption_marker("（本报记者李四摄）"));
        assert!(!ends_with_caption_marker("(上接01版)强化（本报记者李四摄）（图）"));
        assert!(!ends_with_caption_marker("他买了一张照片（二手）"));
        assert!(ends_with_caption_marker("图为工人在调试设备。（李某摄）"));
        assert!(ends_with_caption_marker("（王某 摄）") && ends_with_caption_marker("（王某/摄）"));
        assert!(
            !ends_with_caption_marker("他说要去（拍摄）") && !ends_with_caption_marker("（我们在此合影留念并拍照摄）")
        );
        assert!(is_marker_line("（本报记者 吴静 摄）") && !is_marker_line("他说（本报记者 吴静 摄）"));
        for t in ["图①：执行干警清点涉案财物。", "图1：庭审现场", "图为法官在调解现场。", "图二：审判团队研究案情。"]
        {
            assert!(is_labelled_caption(t), "{t}");
        }
        for t in [
            "图书馆开放时间延长。",
            "图为",
            "图片新闻",
            "图表显示，今年增长较快。",
            &format!("图为{}。", "字".repeat(90)),
        ] {
            assert!(!is_labelled_caption(t), "{t}");
        }
        assert!(ends_in_credit("近日，市民在健身。 洛报融媒记者 张怡照 通讯员 许柯 摄"));
        assert!(!ends_in_credit("近日，市民在健身。"));
    }

    #[test]
    fn what_caption_removes_whole() {
        assert!(caption_removes_line("(上接01版)\n"));
        assert!(caption_removes_line("倪睿/摄\n"));
        assert!(caption_removes_line("考察学习（资料图片）"));
        assert!(!caption_removes_line("(上接01版)近两年，我市抓产业下足了功夫。\n"));
        assert!(!caption_removes_line("洛报融媒记者 孙小蕊\n"));
    }
}
