//! Finding and replacing one string field of a JSONL record without
//! re-serializing the rest.
//!
//! A cleaning run must write every other field back unchanged and in the
//! same order; parsing into a map and printing it again would reorder keys
//! and reformat numbers and escapes. So one walk over the record validates
//! it (by the grammar serde_json accepts; serde_json says why when it does
//! not), finds the byte span of the field's value and decodes it, and only
//! that span is replaced.

use std::ops::Range;

/// Why a record cannot be cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadRecord {
    pub message: String,
    /// Byte offset in the line, when known.
    pub column: Option<usize>,
}

fn bad(message: impl Into<String>, column: Option<usize>) -> BadRecord {
    BadRecord { message: message.into(), column }
}

/// The record's field values this module hands back.
#[derive(Debug)]
pub(crate) struct Located {
    /// Span of the text field's value (with its quotes) in the line.
    pub value: Range<usize>,
    /// The decoded text.
    pub text: String,
    /// Span of the top-level `id` value, if the record has one (any type).
    pub id: Option<Range<usize>>,
}

/// Validates `line` as a JSON object and finds `field`, which must be a
/// string.
pub(crate) fn locate(line: &[u8], field: &str) -> Result<Located, BadRecord> {
    // UTF-8 checked once, up front, with the SIMD validator: serde_json
    // reading bytes checks each string again with the standard library's
    // (4% of a JSONL run's time, for two reads of every record).
    let record = match simdutf8::basic::from_utf8(line) {
        Ok(s) => s,
        Err(_) => {
            let at = std::str::from_utf8(line).map_or_else(|e| e.valid_up_to(), |_| 0);
            return Err(bad("invalid UTF-8", Some(at)));
        }
    };
    locate_str(record, field)
}

/// [`locate`] of a record already known to be UTF-8 (a batch of records
/// validated whole).
pub(crate) fn locate_str(record: &str, field: &str) -> Result<Located, BadRecord> {
    locate_str_in(record, field, String::new())
}

/// [`locate_str`], decoding the text into `buf` (emptied first), which
/// [`Located::text`] then is: a caller that hands each record's text back
/// for the next allocates once, not once a record.
pub(crate) fn locate_str_in(record: &str, field: &str, buf: String) -> Result<Located, BadRecord> {
    let line = record.as_bytes();
    // serde_json's reader, asked to check the record and nothing more,
    // cost a tenth of a record's cleaning; `walk` accepts no record it
    // rejects, and a record it does not accept is left to serde_json, which
    // says what is wrong (or, past `walk`'s depth, accepts it: then the
    // members are found by `members_of_deep`). The same walk finds the
    // top-level members and decodes the text field's value.
    let mut found = Found::new(field);
    found.spare = Some(buf);
    if !walk(record, Some(&mut found)) {
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(record) {
            let column = Some(e.column().saturating_sub(1));
            return Err(bad(format!("invalid JSON: {e}"), column));
        }
        found = members_of_deep(record, field);
    }
    let i = skip_ws(line, 0);
    if line.get(i) != Some(&b'{') {
        return Err(bad("the record is not a JSON object", Some(i)));
    }
    if let Some(at) = found.twice {
        return Err(bad(format!("the field {field:?} appears twice"), Some(at)));
    }
    let Found { value, text: short, id, .. } = found;
    let Some(value) = value else {
        return Err(bad(format!("the record has no field {field:?}"), None));
    };
    if line[value.start] != b'"' {
        let found = match line[value.start] {
            b'{' => "an object",
            b'[' => "an array",
            b'n' => "null",
            b't' | b'f' => "a boolean",
            _ => "a number",
        };
        return Err(bad(format!("the field {field:?} is {found}, not a string"), Some(value.start)));
    }
    // The record is valid JSON (checked above): a string value whose
    // escapes are all short ones (most texts: `\n` between paragraphs) was
    // decoded by the walk; one with a `\u` escape is decoded by serde_json.
    let text: String = short.map_or_else(|| serde_json::from_str(&record[value.clone()]), Ok).map_err(|e| {
        let column = value.start + e.column().saturating_sub(1);
        let raw = &line[value.clone()];
        let surrogate =
            raw.windows(4).any(|w| w[..3].eq_ignore_ascii_case(b"\\ud") && b"89abcdefABCDEF".contains(&w[3]));
        if surrogate {
            bad(
                format!(
                    "the field {field:?} holds a lone UTF-16 surrogate escape (such as \\ud800), which is not text"
                ),
                Some(column),
            )
        } else {
            bad(format!("the field {field:?} cannot be decoded: {e}"), Some(column))
        }
    })?;
    Ok(Located { value, text, id })
}

/// The members `locate` looks for, as a walk over the record finds them.
#[derive(Debug)]
struct Found<'f> {
    field: &'f str,
    /// The field's value span; its text when it is a string whose escapes
    /// are all short ones (`\" \\ \/ \b \f \n \r \t`), decoded as
    /// serde_json decodes them (a test compares them).
    value: Option<Range<usize>>,
    text: Option<String>,
    id: Option<Range<usize>>,
    /// Where the field's second value starts, if it has one.
    twice: Option<usize>,
    /// A string to decode the field's text into.
    spare: Option<String>,
}

impl<'f> Found<'f> {
    fn new(field: &'f str) -> Found<'f> {
        Found { field, value: None, text: None, id: None, twice: None, spare: None }
    }

    /// What a top-level member whose key is `key` (with its quotes) is.
    fn kind(&self, key: &[u8]) -> Member {
        if key_is(key, self.field) {
            Member::Field
        } else if self.id.is_none() && key_is(key, "id") {
            Member::Id
        } else {
            Member::Other
        }
    }

    fn member(&mut self, kind: Member, value: Range<usize>, text: Option<String>) {
        match kind {
            Member::Field if self.value.is_some() => {
                self.twice.get_or_insert(value.start);
            }
            Member::Field => (self.value, self.text) = (Some(value), text),
            Member::Id => self.id = Some(value),
            Member::Other => {}
        }
    }
}

/// A top-level member of an object record, as `locate` sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Member {
    Field,
    Id,
    Other,
}

/// The members of a valid record nested deeper than `walk` goes, found
/// with a scanner that trusts the record's validity.
fn members_of_deep<'f>(record: &str, field: &'f str) -> Found<'f> {
    let line = record.as_bytes();
    let mut found = Found::new(field);
    let mut i = skip_ws(line, 0);
    if line.get(i) != Some(&b'{') {
        return found;
    }
    i += 1;
    loop {
        i = skip_ws(line, i);
        if line[i] == b'}' {
            return found;
        }
        let key_end = skip_string(line, i);
        let kind = found.kind(&line[i..key_end]);
        i = skip_ws(line, key_end);
        debug_assert_eq!(line[i], b':');
        i = skip_ws(line, i + 1);
        let v_end = skip_value(line, i);
        let text = (kind == Member::Field && line[i] == b'"').then(|| string_into(record, i, None).1).flatten();
        found.member(kind, i..v_end, text);
        i = skip_ws(line, v_end);
        if line[i] == b',' {
            i += 1;
        }
    }
}

/// The string starting at `s[i]` (a `"`): the index after it if it is a
/// valid one, and its text if its escapes are all short ones.
fn string_into(s: &str, i: usize, buf: Option<String>) -> (Option<usize>, Option<String>) {
    let mut buf = buf.unwrap_or_default();
    buf.clear();
    buf.reserve(s.len() - i);
    let mut text = Some(buf);
    match string_end::<true>(s, i, &mut text) {
        Some(end) => (Some(end), text),
        None => (None, None),
    }
}

/// The index after the string starting at `s[i]` (a `"`), if it is a
/// valid one.
fn json_string(s: &str, i: usize) -> Option<usize> {
    string_end::<false>(s, i, &mut None)
}

/// The index after the string starting at `s[i]` (a `"`), if it is a
/// valid one; with `DECODE`, its text appended to `text` as serde_json
/// decodes it, until a `\u` escape, which sets `text` to `None` (serde_json
/// decodes those). Runs without a quote, a backslash or a control byte are
/// passed (and copied) eight bytes at a time.
#[inline(always)]
fn string_end<const DECODE: bool>(s: &str, mut i: usize, text: &mut Option<String>) -> Option<usize> {
    let b = s.as_bytes();
    i += 1;
    loop {
        let j = next_special(b, i);
        if let (true, Some(t)) = (DECODE, text.as_mut()) {
            t.push_str(&s[i..j]);
        }
        let (step, c) = match *b.get(j)? {
            b'"' => return Some(j + 1),
            b'\\' => match *b.get(j + 1)? {
                b'"' => (2, '"'),
                b'\\' => (2, '\\'),
                b'/' => (2, '/'),
                b'b' => (2, '\u{8}'),
                b'f' => (2, '\u{c}'),
                b'n' => (2, '\n'),
                b'r' => (2, '\r'),
                b't' => (2, '\t'),
                b'u' if b.get(j + 2..j + 6)?.iter().all(u8::is_ascii_hexdigit) => {
                    if DECODE {
                        *text = None;
                    }
                    (6, ' ')
                }
                _ => return None,
            },
            // A control byte (`next_special` stops at nothing else).
            _ => return None,
        };
        if let (true, Some(t)) = (DECODE, text.as_mut()) {
            t.push(c);
        }
        i = j + step;
    }
}

/// Appends `line` with the span `value` replaced by `text` as a JSON string.
pub(crate) fn splice(line: &[u8], value: &Range<usize>, text: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(&line[..value.start]);
    write_json_string(text, out);
    out.extend_from_slice(&line[value.end..]);
}

/// Appends `text` as a JSON string, escaped byte for byte as serde_json
/// escapes it (a test compares them): `"` and `\`, and the control
/// characters below U+0020 (`\b \t \n \f \r` short, the rest `\u00xx`).
/// Runs without any such byte (most of a document) are copied eight bytes
/// at a time; serde_json looks each byte up (3% of a JSONL run).
fn write_json_string(text: &str, out: &mut Vec<u8>) {
    let b = text.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    let (mut start, mut i) = (0, 0);
    loop {
        i = next_special(b, i);
        let Some(&c) = b.get(i) else { break };
        let escape: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            0x0C => b"\\f",
            b'\r' => b"\\r",
            0..=0x1F => b"",
            _ => unreachable!("`next_special` stops at these bytes only"),
        };
        out.extend_from_slice(&b[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(c >> 4)], HEX[usize::from(c & 15)]]);
        } else {
            out.extend_from_slice(escape);
        }
        i += 1;
        start = i;
    }
    out.extend_from_slice(&b[start..]);
    out.push(b'"');
}

/// Whether `b` (valid UTF-8) is one JSON value with whitespace around it,
/// by the grammar serde_json's reader checks when a value is ignored
/// (`serde_json::from_str::<IgnoredAny>`): whitespace is space, tab, line
/// feed and carriage return; strings hold no byte below U+0020 and only the
/// escapes `\" \\ \/ \b \f \n \r \t \uXXXX` (any four hex digits: no
/// surrogate is checked); numbers are `-? (0 | [1-9][0-9]*) (.[0-9]+)?
/// ([eE][+-]?[0-9]+)?` of any length. Arrays and objects nested deeper
/// than 128 are not accepted here (serde_json is asked).
///
/// With `found`, the top-level members of an object are handed to it as
/// they end, and the field's string value is decoded as it is checked.
fn walk(s: &str, mut found: Option<&mut Found<'_>>) -> bool {
    /// Nesting kept as bits of a `u128`: 1 for an object.
    const MAX_DEPTH: u32 = 128;
    let b = s.as_bytes();
    let (mut open, mut depth) = (0u128, 0u32);
    // The top-level member whose value is being read: its kind and where
    // its value starts.
    let mut member: Option<(Member, usize)> = None;
    let mut i = skip_ws(b, 0);
    'value: loop {
        // A value starts at `i`.
        let Some(&x) = b.get(i) else { return false };
        match x {
            b'"' if depth == 1 && member.is_some_and(|(k, _)| k == Member::Field) => {
                let (end, text) = string_into(s, i, found.as_deref_mut().and_then(|f| f.spare.take()));
                let Some(end) = end else { return false };
                if let (Some(f), Some((kind, start))) = (found.as_deref_mut(), member.take()) {
                    f.member(kind, start..end, text);
                }
                i = end;
            }
            b'"' => match json_string(s, i) {
                Some(end) => i = end,
                None => return false,
            },
            b'{' | b'[' => {
                if depth == MAX_DEPTH {
                    return false;
                }
                let object = x == b'{';
                open = open << 1 | u128::from(object);
                depth += 1;
                i = skip_ws(b, i + 1);
                let close = if object { b'}' } else { b']' };
                if b.get(i) != Some(&close) {
                    if object {
                        match json_key(s, i, found.as_deref().filter(|_| depth == 1), &mut member) {
                            Some(next) => i = next,
                            None => return false,
                        }
                    }
                    continue 'value;
                }
                // Empty: closed below.
            }
            b't' | b'f' | b'n' => {
                let word: &[u8] = match x {
                    b't' => b"true",
                    b'f' => b"false",
                    _ => b"null",
                };
                if !b[i..].starts_with(word) {
                    return false;
                }
                i += word.len();
            }
            b'-' | b'0'..=b'9' => match json_number(b, i) {
                Some(end) => i = end,
                None => return false,
            },
            _ => return false,
        }
        // After a value (or at an empty array's or object's close): a comma
        // and the next, or the close of what holds it, or the end.
        loop {
            if depth == 1 {
                if let (Some(f), Some((kind, start))) = (found.as_deref_mut(), member.take()) {
                    f.member(kind, start..i, None);
                }
            }
            i = skip_ws(b, i);
            if depth == 0 {
                return i == b.len();
            }
            let object = open & 1 == 1;
            match b.get(i) {
                Some(b',') => {
                    i = skip_ws(b, i + 1);
                    if object {
                        match json_key(s, i, found.as_deref().filter(|_| depth == 1), &mut member) {
                            Some(next) => i = next,
                            None => return false,
                        }
                    }
                    continue 'value;
                }
                Some(b'}') if object => {}
                Some(b']') if !object => {}
                _ => return false,
            }
            open >>= 1;
            depth -= 1;
            i += 1;
        }
    }
}

/// A key and its colon at `s[i]`: the index of what follows (spaces
/// skipped), if they are there. With `found` (a key of the top-level
/// object), the member it opens is noted in `member`.
fn json_key(s: &str, i: usize, found: Option<&Found<'_>>, member: &mut Option<(Member, usize)>) -> Option<usize> {
    let b = s.as_bytes();
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let key_end = json_string(s, i)?;
    let colon = skip_ws(b, key_end);
    if b.get(colon) != Some(&b':') {
        return None;
    }
    let next = skip_ws(b, colon + 1);
    if let Some(f) = found {
        *member = Some((f.kind(&b[i..key_end]), next));
    }
    Some(next)
}

/// The index after the number starting at `b[i]`, if it is a valid one.
fn json_number(b: &[u8], mut i: usize) -> Option<usize> {
    let digits = |i: usize| i + b[i..].iter().take_while(|x| x.is_ascii_digit()).count();
    if b[i] == b'-' {
        i += 1;
    }
    match b.get(i)? {
        b'0' => i += 1,
        b'1'..=b'9' => i = digits(i),
        _ => return None,
    }
    if b.get(i) == Some(&b'.') {
        let end = digits(i + 1);
        if end == i + 1 {
            return None;
        }
        i = end;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let end = digits(i);
        if end == i {
            return None;
        }
        i = end;
    }
    Some(i)
}

/// The index of the first `"`, `\` or control byte in `b` at or after
/// `i` (`b.len()` if none): 32 bytes at a time, as a mask of them the
/// compiler makes vector compares (of a fold of booleans it made one byte
/// compare a half of the block), the first byte set found in the mask's
/// words; the last bytes eight at a time.
fn next_special(b: &[u8], mut i: usize) -> usize {
    while let Some(block) = b.get(i..i + 32) {
        let block: &[u8; 32] = block.try_into().expect("32 bytes");
        let mask = block.map(|x| u8::from((x < 0x20) | (x == b'"') | (x == b'\\')));
        if let Some(first) = crate::text::first_set(&mask) {
            return i + first;
        }
        i += 32;
    }
    while let Some(word) = b.get(i..i + 8) {
        match special_in(word) {
            None => i += 8,
            Some(k) => return i + k,
        }
    }
    i + b[i..].iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20).unwrap_or(b.len() - i)
}

/// Where among eight bytes the first `"`, `\` or control byte (below
/// U+0020) is, if one is: the bytes before it a JSON string holds as they
/// are, read or written.
fn special_in(word: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte below `m` (and below 0x80) set; a bit above
    // a set one may be set wrongly (the borrow), the lowest never is.
    let below = |x: u64, m: u64| x.wrapping_sub(ONES * m) & !x & HIGH;
    let x = u64::from_le_bytes(word.try_into().expect("eight bytes"));
    let found = below(x, 0x20) | below(x ^ (ONES * u64::from(b'"')), 1) | below(x ^ (ONES * u64::from(b'\\')), 1);
    (found != 0).then(|| found.trailing_zeros() as usize / 8)
}

fn key_is(raw: &[u8], name: &str) -> bool {
    let inner = &raw[1..raw.len() - 1];
    if !inner.contains(&b'\\') {
        return inner == name.as_bytes();
    }
    serde_json::from_slice::<String>(raw).is_ok_and(|k| k == name)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// `b[i]` is `"`; returns the index after the closing quote.
fn skip_string(b: &[u8], mut i: usize) -> usize {
    i += 1;
    loop {
        match memchr::memchr2(b'"', b'\\', &b[i..]) {
            Some(k) if b[i + k] == b'\\' => i += k + 2,
            Some(k) => return i + k + 1,
            None => return b.len(),
        }
    }
}

/// Returns the index after the value starting at `b[i]`.
fn skip_value(b: &[u8], mut i: usize) -> usize {
    match b[i] {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            while i < b.len() {
                match b[i] {
                    b'"' => {
                        i = skip_string(b, i);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            i
        }
        _ => {
            while i < b.len() && !matches!(b[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            i
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        let mut samples: Vec<String> =
            (0..=0x7Fu8).map(|c| format!("中文{}abcdefgh{}", c as char, c as char)).collect();
        samples.extend(["", "\"", "\\\\", "a\u{7f}b", "é\u{2028}𠀀", "\u{0}\u{1f}\u{b}"].map(String::from));
        let pieces = ["中", "a", "\"", "\\", "\n", "\u{1}", "é", "𠀀", "\t", "0123456"];
        samples.extend(crate::testing::Lcg::new(11).mixtures(&pieces, 2000, 30));
        for t in &samples {
            let mut ours = Vec::new();
            super::write_json_string(t, &mut ours);
            assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string(t).unwrap(), "{t:?}");
        }
    }

    use super::*;

    #[test]
    fn next_special_finds_the_first_at_any_offset() {
        // Each byte the scan stops at (and its neighbours that it must not
        // stop at) at every offset of text longer than two blocks, searched
        // from every start before it.
        let naive = |b: &[u8], i: usize| {
            i + b[i..].iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20).unwrap_or(b.len() - i)
        };
        let fill = "中文ab".repeat(10);
        for x in [0x00u8, 0x1F, b'"', b'\\', 0x20, b'!', b'#', b'[', b']', 0x7F] {
            for p in 0..fill.len() {
                let mut b = fill.as_bytes().to_vec();
                b[p] = x;
                for i in 0..=p {
                    assert_eq!(next_special(&b, i), naive(&b, i), "{x:#x} at {p} from {i}");
                }
            }
        }
    }

    fn clean_upper(line: &str) -> String {
        let loc = locate(line.as_bytes(), "text").unwrap();
        let mut out = Vec::new();
        splice(line.as_bytes(), &loc.value, &loc.text.to_uppercase(), &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn only_the_field_changes() {
        let line = r#"{"id": 7, "meta":{"text":"inner","a":[1,"}"]}, "text":"ab\"c\u4e2d", "n":1.50e3}"#;
        assert_eq!(
            clean_upper(line),
            r#"{"id": 7, "meta":{"text":"inner","a":[1,"}"]}, "text":"AB\"C中", "n":1.50e3}"#
        );
        let loc = locate(line.as_bytes(), "text").unwrap();
        assert_eq!(&line[loc.id.unwrap()], "7");
        assert_eq!(loc.text, "ab\"c中");
    }

    #[test]
    fn the_scanner_accepts_what_serde_json_accepts() {
        let serde_ok = |t: &str| serde_json::from_str::<serde::de::IgnoredAny>(t).is_ok();
        // Records, and records cut and mixed: JSON's tokens, the bytes that
        // end or break a string, numbers right and wrong, nesting.
        let mut samples: Vec<String> = [
            "",
            " ",
            "{}",
            "[]",
            " {} ",
            "{} x",
            "{}{}",
            "1",
            "-0",
            "01",
            "-",
            "1.",
            "1.5e",
            "1e+9",
            "2E-07",
            ".5",
            "true",
            "tru",
            "nul",
            "falsey",
            r#""a\u00e9\uD800b""#,
            r#""\u12G4""#,
            r#""\/\b\f\n\r\t\"\\""#,
            r#"{"a\/b":"\/"}"#,
            r#""\x""#,
            "\"a\tb\"",
            "\"\u{7f}\"",
            r#"{"a":1,}"#,
            r#"[1,]"#,
            r#"{"a" 1}"#,
            r#"{1:2}"#,
            r#"{"a":[1,{"b":null}],"c":"}"}"#,
            "[\r\n\t1 ]",
        ]
        .map(String::from)
        .to_vec();
        for depth in [127, 128, 129] {
            samples.push(format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
            samples.push(format!("{}1{}", "[{\"k\":".repeat(depth / 2), "}]".repeat(depth / 2)));
        }
        let pieces = [
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"",
            "\"text\"",
            "\"中文\"",
            "\\",
            "\\n",
            "\\u4e2d",
            "\\u",
            "\\q",
            "0",
            "12",
            "-",
            ".",
            "e",
            "+",
            "true",
            "null",
            "f",
            " ",
            "\n",
            "\t",
            "\u{1}",
            "\"abcdefghijklmnop\"",
            "中",
            "x",
        ];
        let mut rng = crate::testing::Lcg::new(3);
        samples.extend(rng.mixtures(&pieces, 20_000, 12));
        let records = [
            r#"{"id": 7, "meta":{"text":"inner","a":[1,"}"]}, "text":"ab\"c\u4e2d", "n":1.50e3}"#,
            r#"{"text":"新华社北京电\n\n记者从…获悉。","url":"https://x.cn/a?b=1&c=\"2\"","tags":["新闻",true,null,-0.5]}"#,
        ];
        for r in records {
            for cut in 0..=r.len() {
                if r.is_char_boundary(cut) {
                    samples.push(r[..cut].to_string());
                    samples.push(format!("{}{}", &r[..cut], &r[cut..].replacen(['"', ',', ':', '}'], "", 1)));
                }
            }
        }
        let mut accepted = 0;
        for t in &samples {
            assert_eq!(walk(t, None), serde_ok(t) && !t.contains(&"[".repeat(129)), "{t:?}");
            accepted += usize::from(serde_ok(t));
        }
        assert!(accepted > 500, "{accepted}");
    }

    #[test]
    fn short_escapes_are_decoded_as_serde_json_decodes_them() {
        let pieces =
            ["中文", "a", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "é", "𠀀", " ", "12345678"];
        let mut samples = crate::testing::Lcg::new(13).mixtures(&pieces, 5000, 30);
        samples.push(String::new());
        let mut escaped = 0;
        for inner in &samples {
            let quoted = format!("\"{inner}\"");
            let want: String = serde_json::from_str(&quoted).unwrap();
            assert_eq!(string_into(&quoted, 0, None), (Some(quoted.len()), Some(want.clone())), "{inner:?}");
            // Into a used string: only the text.
            assert_eq!(string_into(&quoted, 0, Some("old".into())), (Some(quoted.len()), Some(want)), "{inner:?}");
            // In a record, as its text field and as another member's.
            let record = format!(r#"{{"a":{quoted},"text":{quoted},"b":[{quoted}]}}"#);
            assert_eq!(
                locate(record.as_bytes(), "text").unwrap().text,
                serde_json::from_str::<String>(&quoted).unwrap()
            );
            escaped += usize::from(inner.contains('\\'));
        }
        assert!(escaped > 4000, "{escaped}");
        assert_eq!(string_into(r#""a\u4e2db""#, 0, None), (Some(10), None));
        assert_eq!(string_into(r#""a\u4e2"#, 0, None), (None, None));
        assert_eq!(locate(r#"{"text":"a\u4e2d\nb"}"#.as_bytes(), "text").unwrap().text, "a中\nb");
    }

    #[test]
    fn members_are_found_as_by_a_second_scan() {
        // Records of many shapes: the walk's members against those of the
        // scanner that trusts a valid record (`members_of_deep`).
        let values = [
            r#""x""#,
            r#""a\"b""#,
            r#""\u4e2d""#,
            "1",
            "-2.5e3",
            "true",
            "null",
            "[]",
            "{}",
            r#"[1,{"text":"in"}]"#,
            r#"{"id":3,"a":["]"]}"#,
            r#""}""#,
        ];
        let keys = [r#""text""#, r#""id""#, r#""t\u0065xt""#, r#""i\u0064""#, r#""other""#, r#""""#];
        let mut rng = crate::testing::Lcg::new(29);
        let mut compared = 0;
        for _ in 0..5000 {
            let n = rng.below(5);
            let members: Vec<String> = (0..n)
                .map(|_| {
                    format!(
                        "{}{}:{}",
                        keys[rng.below(keys.len())],
                        [" ", ""][rng.below(2)],
                        values[rng.below(values.len())]
                    )
                })
                .collect();
            let record = format!(" {{{}}} ", members.join(" ,"));
            let mut walked = Found::new("text");
            assert!(walk(&record, Some(&mut walked)), "{record}");
            let scanned = members_of_deep(&record, "text");
            let got = (&walked.value, &walked.text, &walked.id, &walked.twice);
            assert_eq!(got, (&scanned.value, &scanned.text, &scanned.id, &scanned.twice), "{record}");
            compared += usize::from(walked.value.is_some());
        }
        assert!(compared > 2000, "{compared}");
    }

    #[test]
    fn records_nested_past_the_walk_are_read_too() {
        // serde_json accepts nesting the walk leaves to it (128 and 129
        // arrays in the object: 129 and 130 levels).
        for depth in [120, 127, 128, 129] {
            let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            let record = format!(r#"{{"id":1,"a":{deep},"text":"x\ny","b":{deep}}}"#);
            assert_eq!(walk(&record, None), depth < 128, "{depth}");
            let found = locate(record.as_bytes(), "text").unwrap();
            assert_eq!(found.text, "x\ny", "{depth}");
            assert_eq!(&record[found.id.unwrap()], "1");
            let twice = format!(r#"{{"text":"a","a":{deep},"text":"b"}}"#);
            assert!(locate(twice.as_bytes(), "text").unwrap_err().message.contains("twice"), "{depth}");
        }
    }

    #[test]
    fn escaped_key_names_are_matched() {
        assert_eq!(locate(br#"{"t\u0065xt":"x"}"#, "text").unwrap().text, "x");
    }

    #[test]
    fn bad_records_say_what_is_wrong() {
        let msg = |l: &str| locate(l.as_bytes(), "text").unwrap_err().message;
        assert!(msg(r#"{"text": "a""#).contains("invalid JSON"));
        assert!(msg(r#"["text"]"#).contains("not a JSON object"));
        assert!(msg(r#"{"body": "a"}"#).contains("no field \"text\""));
        assert!(msg(r#"{"text": 3}"#).contains("a number, not a string"));
        assert!(msg(r#"{"text": null}"#).contains("null"));
        assert!(msg(r#"{"text": "a", "text": "b"}"#).contains("twice"));
        assert!(msg(r#"{"text": "\ud800"}"#).contains("surrogate"), "{}", msg(r#"{"text": "\ud800"}"#));
    }
}
