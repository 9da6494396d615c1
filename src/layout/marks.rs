//! Page-jump markers (`(上接01版)`, `（下转第3版）`) and photo notes
//! (`（附图片1张）`): where they stand at a line's ends, and the line
//! without them.

use crate::text::TrimWs;

pub(crate) fn is_open(c: char) -> bool {
    c == '(' || c == '（'
}

pub(crate) fn is_close(c: char) -> bool {
    c == ')' || c == '）'
}

/// `s.starts_with(is_open)`, by its bytes (`（` is `EF BC 88`): asked of
/// most lines, where decoding the first character cost more than the
/// comparison.
pub(crate) fn opens_bracket(s: &str) -> bool {
    let b = s.as_bytes();
    b.first() == Some(&b'(') || b.starts_with("（".as_bytes())
}

/// `s.ends_with(is_close)`, by its bytes (`）` is `EF BC 89`).
pub(crate) fn closes_bracket(s: &str) -> bool {
    let b = s.as_bytes();
    b.last() == Some(&b')') || b.ends_with("）".as_bytes())
}

/// If `s` starts with a page-jump marker, its byte length.
pub(crate) fn jump_at_start(s: &str) -> Option<usize> {
    let mut it = s.char_indices();
    let (_, open) = it.next()?;
    if !is_open(open) {
        return None;
    }
    let inner_start = open.len_utf8();
    let close = s[inner_start..].char_indices().take(12).find(|&(_, c)| is_close(c))?;
    let inner = s[inner_start..inner_start + close.0].trim_ws();
    let end = inner_start + close.0 + close.1.len_utf8();
    let rest = super::patterns::PATTERNS.jumps.iter().find_map(|j| inner.strip_prefix(j))?;
    let rest = rest.trim_ws_start().strip_prefix('第').unwrap_or(rest.trim_ws_start());
    let rest = rest.trim_ws_end().strip_suffix('版')?;
    let numeral = |c: char| c.is_ascii_digit() || "一二三四五六七八九十〇零百".contains(c);
    (!rest.is_blank() && rest.trim_ws().chars().all(numeral)).then_some(end)
}

/// The bracketed group `s` ends with (trailing spaces aside), opened among
/// its last 12 characters: where it opens, and the group itself.
pub(crate) fn group_at_end(s: &str) -> Option<(usize, &str)> {
    let t = s.trim_ws_end();
    if !closes_bracket(t) {
        return None;
    }
    let open = t.char_indices().rev().take(12).find(|&(_, c)| is_open(c))?.0;
    Some((open, &t[open..]))
}

/// If `s` ends with a page-jump marker, where it starts.
pub(crate) fn jump_at_end(s: &str) -> Option<usize> {
    let (open, group) = group_at_end(s)?;
    (jump_at_start(group) == Some(group.len())).then_some(open)
}

/// If `s` ends with an editor's note that photos went with the article
/// (`（附图片1张）`, `(附图片２张)` before width folding), where its
/// opening bracket starts. People's Daily sets it after headlines: the
/// note goes, the headline stays.
pub(crate) fn photo_note_at_end(s: &str) -> Option<usize> {
    let (open, group) = group_at_end(s)?;
    let inner = group.trim_start_matches(is_open).trim_end_matches(is_close).trim_ws();
    let n = inner.strip_prefix("附图片")?.strip_suffix('张')?;
    let number = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c) || "一二三四五六七八九十".contains(c);
    (!n.is_empty() && n.chars().all(number)).then_some(open)
}

/// If `s` ends with a marker that comes off a line's end (a page-jump
/// marker or a photo note), where it starts.
pub(crate) fn marker_at_end(s: &str) -> Option<usize> {
    jump_at_end(s).or_else(|| photo_note_at_end(s))
}

/// `s` without the page-jump markers and photo notes at its two ends (and
/// the spaces around them): a line as it stands once `caption` has taken
/// them off. `chrome` judges a line by what remains.
pub(crate) fn strip_jump_markers(s: &str) -> &str {
    let mut t = s.trim_ws();
    if !may_hold_markers(t, t) {
        return t;
    }
    loop {
        if let Some(n) = jump_at_start(t) {
            t = t[n..].trim_ws_start();
        } else if let Some(open) = marker_at_end(t) {
            t = t[..open].trim_ws_end();
        } else {
            return t;
        }
    }
}

/// Whether a marker may stand at either end: `head` (the text from its
/// first visible character) opens with a bracket, or `tail` (the text up
/// to its last one) closes with one. Most lines do neither, and are
/// answered by a byte or three at each end.
fn may_hold_markers(head: &str, tail: &str) -> bool {
    opens_bracket(head) || closes_bracket(tail)
}

/// A line's page-jump markers at either end: (the length of its leading
/// whitespace, then where the text between the markers starts and stops).
/// A photo note (`（附图片1张）`) at the end counts as one.
pub(crate) fn jump_bounds(content: &str) -> (usize, usize, usize) {
    let lead = content.len() - content.trim_ws_start().len();
    let mut start = lead;
    let mut stop = content.len();
    if !may_hold_markers(&content[lead..], content.trim_ws_end()) {
        return (lead, start, stop);
    }
    while let Some(n) = jump_at_start(&content[start..stop]) {
        start += n;
        start += content[start..stop].len() - content[start..stop].trim_ws_start().len();
    }
    while let Some(open) = marker_at_end(&content[start..stop]) {
        // The spaces before it go with it.
        stop = start + content[start..start + open].trim_ws_end().len();
    }
    (lead, start, stop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bracket_ends_by_bytes_are_the_character_tests() {
        // Every BMP character either side of an ASCII letter, a Han
        // character and nothing.
        for c in (0..0x10000u32).filter_map(char::from_u32) {
            for other in ["", "a", "中"] {
                for s in [format!("{c}{other}"), format!("{other}{c}")] {
                    assert_eq!(opens_bracket(&s), s.starts_with(is_open), "{s:?}");
                    assert_eq!(closes_bracket(&s), s.ends_with(is_close), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn jump_markers_at_a_lines_start() {
        assert_eq!(jump_at_start("(上接01版)近两年"), Some("(上接01版)".len()));
        assert_eq!(jump_at_start("（下转第三版）"), Some("（下转第三版）".len()));
        for s in ["(上接版)正文", "（注：第3版）", "上接01版", "(转载)", ""] {
            assert_eq!(jump_at_start(s), None, "{s:?}");
        }
    }

    #[test]
    fn markers_and_notes_come_off_both_ends() {
        assert_eq!(strip_jump_markers(" (上接01版) 正文 （下转第3版） "), "正文");
        assert_eq!(strip_jump_markers("新年讲话（附图片1张）"), "新年讲话");
        assert_eq!(strip_jump_markers("图片（附件）"), "图片（附件）");
        let line = "  (上接01版)正文 （转第5版）";
        let (lead, start, stop) = jump_bounds(line);
        assert_eq!((&line[..lead], &line[start..stop]), ("  ", "正文"));
    }

    #[test]
    fn stripping_is_idempotent() {
        for s in ["(上接01版)(接第2版)正文", "正文（附图片２张）（下转3版）", "（续第二版）", "无标记"]
        {
            let once = strip_jump_markers(s);
            assert_eq!(strip_jump_markers(once), once, "{s:?}");
        }
    }
}
