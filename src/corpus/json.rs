//! Finding and replacing one string field of a JSONL record without
//! re-serializing the rest.
//!
//! A cleaning run must write every other field back unchanged and in the
//! same order; parsing into a map and printing it again would reorder keys
//! and reformat numbers and escapes. So the record is validated with
//! serde_json, the byte span of the field's value is located with a small
//! scanner over the (now known valid) text, and only that span is
//! replaced.

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
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(record) {
        let column = Some(e.column().saturating_sub(1));
        return Err(bad(format!("invalid JSON: {e}"), column));
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
    // The record is valid JSON (checked above): a string value without a
    // backslash is its characters between the quotes, and needs no decoder.
    let inner = &record[value.start + 1..value.end - 1];
    let plain = memchr::memchr(b'\\', inner.as_bytes()).is_none().then(|| inner.to_string());
    let text: String = plain.map_or_else(|| serde_json::from_str(&record[value.clone()]), Ok).map_err(|e| {
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
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Some byte below `m` (and below 0x80): none is missed.
    let below = |x: u64, m: u64| x.wrapping_sub(ONES * m) & !x & HIGH != 0;
    let b = text.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        if let Some(word) = b.get(i..i + 8) {
            let x = u64::from_le_bytes(word.try_into().expect("eight bytes"));
            if !(below(x, 0x20) || below(x ^ (ONES * u64::from(b'"')), 1) || below(x ^ (ONES * u64::from(b'\\')), 1)) {
                i += 8;
                continue;
            }
        }
        let c = b[i];
        let escape: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            0x0C => b"\\f",
            b'\r' => b"\\r",
            0..=0x1F => b"",
            _ => {
                i += 1;
                continue;
            }
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
