//! Finding and replacing one string field of a JSONL record without
//! re-serializing the rest.
//!
//! A cleaning run must write every other field back unchanged and in the
//! same order; parsing into a map and printing it again would reorder keys
//! and reformat numbers and escapes. So the record is validated (by a
//! scanner that accepts what serde_json accepts, and serde_json's word on
//! why when it does not), the byte span of the field's value is located
//! with a small scanner over the (now known valid) text, and only that
//! span is replaced.

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
    // serde_json's reader, asked to check the record and nothing more,
    // cost a tenth of a record's cleaning; `is_json` accepts no record it
    // rejects, and a record it does not accept is left to serde_json, which
    // says what is wrong (or, past `is_json`'s depth, accepts it).
    if !is_json(line) {
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(record) {
            let column = Some(e.column().saturating_sub(1));
            return Err(bad(format!("invalid JSON: {e}"), column));
        }
    }
    let mut i = skip_ws(line, 0);
    if line.get(i) != Some(&b'{') {
        return Err(bad("the record is not a JSON object", Some(i)));
    }
    i += 1;
    let mut value = None;
    let mut id = None;
    loop {
        i = skip_ws(line, i);
        if line[i] == b'}' {
            break;
        }
        let key_end = skip_string(line, i);
        let key = &line[i..key_end];
        i = skip_ws(line, key_end);
        debug_assert_eq!(line[i], b':');
        i = skip_ws(line, i + 1);
        let v_end = skip_value(line, i);
        if key_is(key, field) {
            if value.is_some() {
                return Err(bad(format!("the field {field:?} appears twice"), Some(i)));
            }
            value = Some(i..v_end);
        } else if key_is(key, "id") && id.is_none() {
            id = Some(i..v_end);
        }
        i = skip_ws(line, v_end);
        if line[i] == b',' {
            i += 1;
        }
    }
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
    // escapes are all short ones (most texts: `\n` between paragraphs) is
    // decoded here; one with a `\u` escape by serde_json.
    let inner = &record[value.start + 1..value.end - 1];
    let short = unescape_short(inner);
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

/// The text of the inside of a valid JSON string, if its escapes are all
/// short ones (`\" \\ \/ \b \f \n \r \t`), as serde_json decodes it (a
/// test compares them); `None` at a `\u` escape, which serde_json decodes
/// (and reports when it is a lone surrogate).
fn unescape_short(inner: &str) -> Option<String> {
    let b = inner.as_bytes();
    let mut text = String::with_capacity(inner.len());
    let mut i = 0;
    loop {
        // (Valid, the string has no quote and no control byte inside: the
        // special bytes are the escapes' backslashes.)
        let j = next_special(b, i);
        text.push_str(&inner[i..j]);
        if j == b.len() {
            return Some(text);
        }
        if b[j] != b'\\' {
            return None;
        }
        text.push(match *b.get(j + 1)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            _ => return None,
        });
        i = j + 2;
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
fn is_json(b: &[u8]) -> bool {
    /// Nesting kept as bits of a `u128`: 1 for an object.
    const MAX_DEPTH: u32 = 128;
    let (mut open, mut depth) = (0u128, 0u32);
    let mut i = skip_ws(b, 0);
    'value: loop {
        // A value starts at `i`.
        let Some(&x) = b.get(i) else { return false };
        match x {
            b'"' => match json_string(b, i) {
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
                        match json_key(b, i) {
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
            i = skip_ws(b, i);
            if depth == 0 {
                return i == b.len();
            }
            let object = open & 1 == 1;
            match b.get(i) {
                Some(b',') => {
                    i = skip_ws(b, i + 1);
                    if object {
                        match json_key(b, i) {
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

/// A key and its colon at `b[i]`: the index of what follows (spaces
/// skipped), if they are there.
fn json_key(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let i = skip_ws(b, json_string(b, i)?);
    (b.get(i) == Some(&b':')).then(|| skip_ws(b, i + 1))
}

/// The index after the string starting at `b[i]` (a `"`), if it is a
/// valid one. Runs without a quote, a backslash or a control byte are
/// passed eight bytes at a time.
fn json_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        i = next_special(b, i);
        match *b.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => match *b.get(i + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                b'u' if b.get(i + 2..i + 6)?.iter().all(u8::is_ascii_hexdigit) => i += 6,
                _ => return None,
            },
            0..=0x1F => return None,
            _ => i += 1,
        }
    }
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
/// `i` (`b.len()` if none), found eight bytes at a time.
fn next_special(b: &[u8], mut i: usize) -> usize {
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
            assert_eq!(is_json(t.as_bytes()), serde_ok(t) && !t.contains(&"[".repeat(129)), "{t:?}");
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
            let want: String = serde_json::from_str(&format!("\"{inner}\"")).unwrap();
            assert_eq!(unescape_short(inner).as_deref(), Some(want.as_str()), "{inner:?}");
            escaped += usize::from(inner.contains('\\'));
        }
        assert!(escaped > 4000, "{escaped}");
        assert_eq!(unescape_short(r"a\u4e2db"), None);
        assert_eq!(locate(r#"{"text":"a\u4e2d\nb"}"#.as_bytes(), "text").unwrap().text, "a中\nb");
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
