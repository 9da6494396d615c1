//! Bytes → UTF-8 → lines.
//!
//! The framer is the only place in the crate that deals with chunk
//! boundaries. It carries an incomplete UTF-8 sequence (at most 3 bytes)
//! and an unterminated line, and hands out text made of complete lines, so
//! every pass downstream is line-local (see [`crate::pass`]).
//!
//! # Long lines
//!
//! Web text can arrive as one multi-megabyte line. A line whose content is
//! longer than `cap` bytes is cut into pieces of at most `cap` bytes. Where
//! it is cut depends only on the line's content and `cap`, never on how the
//! input was chunked, so output stays identical for any chunking. The cut
//! point is the last one within `cap` of, in order of preference:
//!
//! 1. just after sentence-final punctuation (`。！？；!?;`),
//! 2. between two Han characters (no whitespace at the edge, whose fate
//!    depends on both neighbours),
//! 3. just after a closing parenthesis followed by a Han character (a cut
//!    inside `當(dāng)` would hide the annotation from the pinyin pass),
//! 4. just after a space or tab,
//! 5. any character boundary where Unicode normalization cannot join the
//!    two sides (the second character is a starter that does not compose
//!    with the first),
//! 6. any character boundary (only reachable with absurd inputs such as a
//!    megabyte of combining marks).
//!
//! To decide, the framer looks at most [`LOOKAHEAD`] bytes past `cap`, so
//! it holds at most `cap + LOOKAHEAD` bytes plus one input chunk.

use crate::error::{Error, ErrorKind, Location};
use memchr::{memchr, memchr_iter, memrchr};

use crate::text::{is_han, CUT_AFTER};

/// Bytes past the cap the cut search may look at (one UTF-8 character).
pub const LOOKAHEAD: usize = 4;

/// Framing state for one document. See the module docs.
#[derive(Debug)]
pub(crate) struct Framer {
    /// An incomplete UTF-8 sequence from the end of the last push;
    /// `carry_len <= 3`.
    carry: [u8; 4],
    carry_len: usize,
    /// The current unterminated line. Invariant: contains no `'\n'`, and
    /// after every push `pending.len() < cap + LOOKAHEAD`.
    pending: String,
    /// Bytes of input consumed in this document (for error offsets).
    consumed: u64,
    /// Line terminators seen in this document (line number = lines + 1).
    lines: u64,
    /// Lines longer than this are cut into pieces (see module docs).
    cap: usize,
    /// Replace invalid UTF-8 with U+FFFD instead of failing.
    lossy: bool,
    /// U+FFFD inserted by the lossy policy in this document.
    replaced: u64,
}

impl Framer {
    pub(crate) fn new(cap: usize, lossy: bool) -> Framer {
        Framer { carry: [0; 4], carry_len: 0, pending: String::new(), consumed: 0, lines: 0, cap, lossy, replaced: 0 }
    }

    /// The line cap.
    pub(crate) fn cap(&self) -> usize {
        self.cap
    }

    /// Bytes held back: the unterminated line plus the UTF-8 carry.
    pub(crate) fn held_bytes(&self) -> usize {
        self.pending.len() + self.carry_len
    }

    /// Invalid sequences replaced so far in this document.
    pub(crate) fn replaced(&self) -> u64 {
        self.replaced
    }

    /// Feeds text already known to be UTF-8, framed as [`Framer::push`]
    /// frames bytes but not validated again (a JSONL record's field was,
    /// when the record was read). After a push that ended inside a
    /// character, the bytes path completes or rejects it.
    pub(crate) fn push_str(&mut self, s: &str, emit: &mut dyn FnMut(&str) -> Result<(), Error>) -> Result<(), Error> {
        if self.carry_len > 0 {
            return self.push(s.as_bytes(), emit);
        }
        self.consumed += s.len() as u64;
        self.feed_text(s, emit)
    }

    /// Feeds raw bytes; calls `emit` with text made of complete lines or
    /// with cut pieces of an over-long line.
    pub(crate) fn push(&mut self, bytes: &[u8], emit: &mut dyn FnMut(&str) -> Result<(), Error>) -> Result<(), Error> {
        // Absolute offset of bytes[0]; `consumed` counts every byte pushed.
        let base = self.consumed;
        self.consumed += bytes.len() as u64;
        let mut i = 0;
        // Complete a character split across pushes, one byte at a time: its
        // length is known only once it validates.
        while self.carry_len > 0 && i < bytes.len() {
            self.carry[self.carry_len] = bytes[i];
            self.carry_len += 1;
            i += 1;
            match std::str::from_utf8(&self.carry[..self.carry_len]) {
                Ok(s) => {
                    let mut buf = [0u8; 4];
                    let c = s.chars().next().expect("one char");
                    self.carry_len = 0;
                    self.feed_text(c.encode_utf8(&mut buf), emit)?;
                }
                Err(e) if e.error_len().is_none() => {}
                Err(_) => {
                    // The carried bytes were a valid prefix; the byte just
                    // added broke it. The prefix is the invalid sequence,
                    // and the new byte is looked at again below.
                    i -= 1;
                    let start = base + i as u64 - (self.carry_len as u64 - 1);
                    self.carry_len = 0;
                    self.invalid(start, emit)?;
                }
            }
        }
        while i < bytes.len() {
            // Every input byte is validated here, once: the SIMD validator
            // is several times std's speed on Chinese text (3-byte
            // characters), with the same error positions.
            match simdutf8::compat::from_utf8(&bytes[i..]) {
                Ok(s) => {
                    self.feed_text(s, emit)?;
                    break;
                }
                Err(e) => {
                    let valid = e.valid_up_to();
                    // A push usually ends inside a character; the valid
                    // prefix is checked again (safe code cannot skip it),
                    // with the fast validator too.
                    let s = simdutf8::basic::from_utf8(&bytes[i..i + valid]).expect("validated prefix");
                    self.feed_text(s, emit)?;
                    match e.error_len() {
                        None => {
                            let tail = &bytes[i + valid..];
                            self.carry[..tail.len()].copy_from_slice(tail);
                            self.carry_len = tail.len();
                            break;
                        }
                        Some(n) => {
                            self.invalid(base + (i + valid) as u64, emit)?;
                            i += valid + n;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// End of document: flush the carry and the last line, then reset.
    pub(crate) fn finish(&mut self, emit: &mut dyn FnMut(&str) -> Result<(), Error>) -> Result<(), Error> {
        let mut result = Ok(());
        if self.carry_len > 0 {
            // Input ended inside a character.
            let at = self.consumed - self.carry_len as u64;
            self.carry_len = 0;
            result = self.invalid(at, emit);
        }
        if result.is_ok() {
            let mut content = std::mem::take(&mut self.pending);
            result = self.flush_line(&content, false, emit);
            content.clear();
            self.pending = content;
        }
        self.reset();
        result
    }

    /// The fresh-document state (the carry is empty already).
    fn reset(&mut self) {
        self.pending.clear();
        self.consumed = 0;
        self.lines = 0;
        self.replaced = 0;
    }

    /// At the document's end, the unterminated last line, taken whole and
    /// the framer reset as [`Framer::finish`] resets it, when `finish`
    /// would hand it out in one piece: no character left incomplete, and
    /// the line within the cap. `None` (nothing taken) otherwise, or when
    /// there is no such line. The caller gives the buffer back with
    /// [`Framer::reuse`].
    pub(crate) fn take_last(&mut self) -> Option<String> {
        if self.carry_len > 0 || self.pending.is_empty() || self.pending.len() > self.cap {
            return None;
        }
        let last = std::mem::take(&mut self.pending);
        self.reset();
        Some(last)
    }

    /// Gives back the buffer [`Framer::take_last`] took, emptied, to hold
    /// the next document's unterminated line.
    pub(crate) fn reuse(&mut self, mut buf: String) {
        buf.clear();
        self.pending = buf;
    }

    /// Handles an invalid sequence at absolute offset `at`: an error, or a
    /// U+FFFD under the lossy policy.
    fn invalid(&mut self, at: u64, emit: &mut dyn FnMut(&str) -> Result<(), Error>) -> Result<(), Error> {
        if !self.lossy {
            let line = self.lines + 1;
            self.pending.clear();
            return Err(Error::new(ErrorKind::InvalidUtf8, "invalid UTF-8 (pass --lossy to replace it with U+FFFD)")
                .at(Location { source: None, line, byte: at }));
        }
        self.replaced += 1;
        self.feed_text("\u{FFFD}", emit)
    }

    /// Frames valid text into lines.
    fn feed_text(&mut self, mut s: &str, emit: &mut dyn FnMut(&str) -> Result<(), Error>) -> Result<(), Error> {
        while !s.is_empty() {
            if self.pending.is_empty() {
                match memrchr(b'\n', s.as_bytes()) {
                    Some(i) => {
                        self.emit_complete(&s[..=i], emit)?;
                        s = &s[i + 1..];
                    }
                    None => {
                        self.pending.push_str(s);
                        s = "";
                    }
                }
            } else {
                match memchr(b'\n', s.as_bytes()) {
                    Some(i) => {
                        self.pending.push_str(&s[..=i]);
                        let mut line = std::mem::take(&mut self.pending);
                        let r = self.emit_complete(&line, emit);
                        line.clear();
                        self.pending = line;
                        r?;
                        s = &s[i + 1..];
                    }
                    None => {
                        self.pending.push_str(s);
                        s = "";
                    }
                }
            }
            self.cut_pending(emit)?;
        }
        Ok(())
    }

    /// Cuts the unterminated line while it is long enough that the cut
    /// decision cannot change with more input.
    fn cut_pending(&mut self, emit: &mut dyn FnMut(&str) -> Result<(), Error>) -> Result<(), Error> {
        if self.pending.len() < self.cap + LOOKAHEAD {
            return Ok(());
        }
        let mut start = 0;
        while self.pending.len() - start >= self.cap + LOOKAHEAD {
            let rest = &self.pending[start..];
            let p = find_cut(window(rest, self.cap), self.cap);
            emit(&rest[..p])?;
            start += p;
        }
        self.pending.drain(..start);
        Ok(())
    }

    /// Emits a block of complete lines, cutting any line longer than `cap`.
    fn emit_complete(&mut self, block: &str, emit: &mut dyn FnMut(&str) -> Result<(), Error>) -> Result<(), Error> {
        self.lines += memchr_iter(b'\n', block.as_bytes()).count() as u64;
        if block.len() <= self.cap + 1 {
            return emit(block);
        }
        // Emit runs of short lines together; cut the long ones.
        let mut run_start = 0;
        let mut line_start = 0;
        for nl in memchr_iter(b'\n', block.as_bytes()) {
            if nl - line_start > self.cap {
                if run_start < line_start {
                    emit(&block[run_start..line_start])?;
                }
                self.flush_line(&block[line_start..nl], true, emit)?;
                run_start = nl + 1;
            }
            line_start = nl + 1;
        }
        if run_start < block.len() {
            emit(&block[run_start..])?;
        }
        Ok(())
    }

    /// Emits one line's content (no `'\n'`), cut into pieces if longer than
    /// the cap, followed by `'\n'` when `terminated`.
    fn flush_line(
        &self,
        mut content: &str,
        terminated: bool,
        emit: &mut dyn FnMut(&str) -> Result<(), Error>,
    ) -> Result<(), Error> {
        while content.len() > self.cap {
            let p = find_cut(window(content, self.cap), self.cap);
            emit(&content[..p])?;
            content = &content[p..];
        }
        if terminated {
            // The terminator follows `content` in the caller's buffer only
            // when it came from a block; emit it as part of the last piece.
            let mut last = String::with_capacity(content.len() + 1);
            last.push_str(content);
            last.push('\n');
            emit(&last)
        } else if content.is_empty() {
            Ok(())
        } else {
            emit(content)
        }
    }
}

/// The prefix of `s` the cut search may look at: `cap + LOOKAHEAD` bytes,
/// shortened to a character boundary.
fn window(s: &str, cap: usize) -> &str {
    let mut end = (cap + LOOKAHEAD).min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Picks a cut point in `(0, cap]` for a line longer than `cap`, whose first
/// bytes are `w`. See the module docs for the order of preference.
pub(crate) fn find_cut(w: &str, cap: usize) -> usize {
    use unicode_normalization::char::{canonical_combining_class, compose};
    // (position, char before, char after) for every boundary in (0, cap]
    // that has a character after it, from the right. Lazy: most cuts are
    // found near the right end, and collecting every boundary of the
    // window first made a cut line cost three times as much per byte.
    let boundaries = || {
        let rev = w.char_indices().rev();
        rev.clone().zip(rev.skip(1)).map(|((p, b), (_, a))| (p, a, b)).skip_while(move |&(p, _, _)| p > cap)
    };
    let starter = |a: char, b: char| canonical_combining_class(b) == 0 && compose(a, b).is_none();
    let tiers: [&dyn Fn(char, char) -> bool; 5] = [
        &|a, b| CUT_AFTER.contains(&a) && starter(a, b),
        // Between two Han characters rather than after a space: a space at a
        // piece edge is one whose neighbours a line-local pass cannot see.
        &|a, b| is_han(a) && is_han(b),
        // After a parenthesized group before Han (`當(dāng)|前`): a cut
        // inside the group would hide an annotation from the pinyin pass.
        &|a, b| (a == ')' || a == '）') && is_han(b),
        &|a, b| (a == ' ' || a == '\t') && b != ' ' && b != '\t' && starter(a, b),
        &starter,
    ];
    for tier in tiers {
        if let Some((p, _, _)) = boundaries().find(|&(_, a, b)| tier(a, b)) {
            return p;
        }
    }
    // Tier 6: any boundary. `w` is longer than `cap`, and a character is at
    // most 4 bytes, so a boundary exists in (0, cap] once cap >= 4.
    let mut p = cap.min(w.len());
    while p > 0 && !w.is_char_boundary(p) {
        p -= 1;
    }
    if p == 0 {
        // cap < one character: take the whole first character.
        p = w.chars().next().map_or(w.len(), char::len_utf8);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(chunks: &[&[u8]], cap: usize, lossy: bool) -> Result<Vec<String>, Error> {
        let mut f = Framer::new(cap, lossy);
        let mut got = Vec::new();
        for c in chunks {
            f.push(c, &mut |s| {
                got.push(s.to_string());
                Ok(())
            })?;
            assert!(f.pending.len() < cap + LOOKAHEAD + 4);
        }
        f.finish(&mut |s| {
            got.push(s.to_string());
            Ok(())
        })?;
        Ok(got)
    }

    #[test]
    fn framer_hands_out_whole_lines_only() {
        let got = frame(&[b"ab\ncd", b"e\nf"], 1 << 20, false).unwrap();
        assert_eq!(got, vec!["ab\n", "cde\n", "f"]);
    }

    #[test]
    fn framer_carries_a_char_split_across_pushes() {
        let s = "中文\n".as_bytes();
        for i in 0..s.len() {
            let got = frame(&[&s[..i], &[], &s[i..]], 1 << 20, false).unwrap();
            assert_eq!(got.concat(), "中文\n", "split at {i}");
        }
        // One byte at a time, with empty pushes between.
        let bytes: Vec<&[u8]> = s.iter().flat_map(|b| [std::slice::from_ref(b), &[][..]]).collect();
        assert_eq!(frame(&bytes, 1 << 20, false).unwrap().concat(), "中文\n");
    }

    #[test]
    fn framer_names_the_byte_and_line_of_invalid_utf8() {
        let e = frame(&[b"ok\nfine\nbad \xff here\n"], 1 << 20, false).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidUtf8);
        assert_eq!(e.location().unwrap().byte, 12);
        assert_eq!(e.location().unwrap().line, 3);
        // Same offset when the bad byte arrives in its own push.
        let e = frame(&[b"ok\nfine\nbad ", b"\xff", b" here\n"], 1 << 20, false).unwrap_err();
        assert_eq!(e.location().unwrap().byte, 12);
    }

    #[test]
    fn framer_reports_utf8_cut_off_at_end_of_input() {
        let e = frame(&[b"ab\xe4\xb8"], 1 << 20, false).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidUtf8);
        assert_eq!(e.location().unwrap().byte, 2);
    }

    #[test]
    fn framer_lossy_replaces_and_counts() {
        let mut f = Framer::new(1 << 20, true);
        let mut out = String::new();
        let mut emit = |s: &str| {
            out.push_str(s);
            Ok(())
        };
        f.push(b"a\xffb\xe4\xb8", &mut emit).unwrap();
        assert_eq!(f.replaced(), 1);
        f.finish(&mut emit).unwrap();
        assert_eq!(out, "a\u{FFFD}b\u{FFFD}");
    }

    #[test]
    fn framer_lossy_handles_a_bad_carry() {
        // A lead byte that is then followed by a non-continuation byte.
        let got = frame(&[b"a\xe4", b"b\n"], 1 << 20, true).unwrap();
        assert_eq!(got.concat(), "a\u{FFFD}b\n");
    }

    #[test]
    fn text_after_a_push_cut_inside_a_character_is_framed_as_bytes() {
        // The carried lead bytes meet a character's start: invalid, at the
        // carry's offset, as pushing the text's bytes would say.
        let run = |lossy: bool| {
            let mut f = Framer::new(1 << 20, lossy);
            let mut out = String::new();
            let mut emit = |s: &str| {
                out.push_str(s);
                Ok(())
            };
            f.push(b"ab\xe4\xb8", &mut emit)?;
            f.push_str("\u{6587}c\n", &mut emit)?;
            f.finish(&mut emit)?;
            Ok::<_, Error>(out)
        };
        let e = run(false).unwrap_err();
        assert_eq!((e.kind(), e.location().unwrap().byte), (ErrorKind::InvalidUtf8, 2));
        assert_eq!(run(true).unwrap(), "ab\u{FFFD}\u{6587}c\n");
        // Text after whole characters is framed as is, offsets counted on.
        let mut f = Framer::new(1 << 20, false);
        let mut got = Vec::new();
        let mut emit = |s: &str| {
            got.push(s.to_string());
            Ok(())
        };
        f.push(b"ab\n\xe4\xb8\xad", &mut emit).unwrap();
        f.push_str("\u{6587}\ncd", &mut emit).unwrap();
        assert_eq!(f.consumed, 12);
        f.finish(&mut emit).unwrap();
        assert_eq!(got.concat(), "ab\n中文\ncd");
    }

    #[test]
    fn long_line_is_cut_after_sentence_end_whatever_the_chunking() {
        let line = "第一句话。第二句话很长很长很长。第三句\n";
        let whole = frame(&[line.as_bytes()], 32, false).unwrap();
        assert!(whole.iter().all(|p| p.trim_end_matches('\n').len() <= 32), "{whole:?}");
        assert!(whole[0].ends_with('。'), "{whole:?}");
        assert_eq!(whole.concat(), line);
        for step in [1, 2, 3, 7] {
            let chunks: Vec<&[u8]> = line.as_bytes().chunks(step).collect();
            let got = frame(&chunks, 32, false).unwrap();
            // Batches may differ; the text and the cut points may not.
            assert_eq!(got.concat(), line);
            let cuts = |v: &Vec<String>| -> Vec<usize> {
                let mut pos = 0;
                let mut cuts = Vec::new();
                for p in v {
                    pos += p.len();
                    if !p.ends_with('\n') {
                        cuts.push(pos);
                    }
                }
                cuts
            };
            assert_eq!(cuts(&got), cuts(&whole), "step {step}");
        }
    }

    #[test]
    fn cut_never_separates_a_combining_mark() {
        let w = "abcdefe\u{301}ghij";
        let p = find_cut(w, 7);
        assert!(p <= 7);
        assert!(!w[p..].starts_with('\u{301}'));
    }

    #[test]
    fn cut_prefers_han_pair_then_space() {
        assert_eq!(find_cut("ab cdefghij", 8), 3);
        assert_eq!(find_cut("ab中文xyzw", 8), 5);
        assert_eq!(find_cut("中文 xyzwvu", 8), 3);
    }
}
