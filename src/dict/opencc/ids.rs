//! Ideographic Description Sequences (`⿰木木`), which OpenCC copies as
//! one unit: their operators, how far one reaches, and where converted
//! text may be cut without splitting one.

/// IDS operator arity (OpenCC's `IdeographicDescriptionOperatorArity`).
#[inline]
pub(super) fn ids_arity(c: char) -> usize {
    match c as u32 {
        0x2FF2 | 0x2FF3 => 3,
        0x2FFE | 0x2FFF => 1,
        0x2FF0..=0x2FFD => 2,
        _ => 0,
    }
}

/// Whether `c` is an Ideographic Description operator.
#[inline]
pub(crate) fn is_ids_operator(c: char) -> bool {
    ids_arity(c) > 0
}

/// Whether an ideographic description sequence may still be open at the
/// end of `s` (an IDS operator among its last 64 characters, an IDS's
/// longest): the script pass holds such lines until it is known whole.
pub(crate) fn ids_operator_near_end(s: &str) -> bool {
    s.chars().rev().take(64).any(is_ids_operator)
}

/// Where converted-only text may be cut at or after byte `min` of `text`:
/// after a line end with no IDS operator (U+2FF0..U+2FFF; the test takes
/// U+2FC0..U+2FFF) in the 256 bytes before it. An ideographic description
/// sequence is at most 64 code points and may run across a line end
/// (OpenCC takes any character as an operand); no dictionary key holds a
/// line end. A fresh converter after such a cut gives what the one before
/// it would have. The last such cut, so chunks are as long as the text
/// allows.
#[cfg(feature = "corpus")]
pub(crate) fn safe_cut(text: &str, min: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut end = b.len();
    while let Some(nl) = memchr::memrchr(b'\n', &b[..end]) {
        if nl + 1 < min {
            return None;
        }
        if memchr::memmem::find(&b[nl.saturating_sub(256)..nl], b"\xE2\xBF").is_none() {
            return Some(nl + 1);
        }
        end = nl;
    }
    None
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum Ids {
    Complete(usize),
    Incomplete,
    Invalid,
}

/// OpenCC's `ConsumeIdeographicDescriptionSequence`: depth at most 16, at
/// most 64 code points in all.
pub(super) fn parse_ids(s: &str, depth_left: usize, code_points: &mut usize) -> Ids {
    let Some(c) = s.chars().next() else { return Ids::Incomplete };
    if depth_left == 0 || *code_points >= 64 {
        return Ids::Invalid;
    }
    *code_points += 1;
    let arity = ids_arity(c);
    if arity == 0 {
        return Ids::Complete(c.len_utf8());
    }
    let mut off = c.len_utf8();
    for _ in 0..arity {
        if off >= s.len() {
            return Ids::Incomplete;
        }
        match parse_ids(&s[off..], depth_left - 1, code_points) {
            Ids::Complete(n) => off += n,
            other => return other,
        }
    }
    Ids::Complete(off)
}

pub(super) fn ids(s: &str) -> Ids {
    parse_ids(s, 16, &mut 0)
}
