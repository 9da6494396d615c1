//! One conversion stage's loop (OpenCC's `Conversion::AppendConverted`)
//! with what it holds back between pushes, segmentation, and a chain of
//! stages.

use std::sync::Arc;

use super::ids::{ids, is_ids_operator, Ids};
use crate::dict::trie::{decode_at, Hit, Trie, FAST_MULTI, FAST_SLOW, PAIR_OWN, PAIR_WALK};

/// One stage's pending input (see the module docs on streaming).
#[derive(Debug)]
pub(super) struct StageBuf {
    pub(super) trie: Arc<Trie>,
    /// Input not yet converted. Invariant: shorter than `max_key_chars`
    /// characters, or starting with an IDS operator whose sequence may
    /// still complete (at most 64 code points).
    pub(super) pending: String,
    /// Output scratch for the stage loop.
    pub(super) buf: Vec<u8>,
}

impl StageBuf {
    pub(super) fn new(trie: Arc<Trie>) -> StageBuf {
        StageBuf { trie, pending: String::new(), buf: Vec::new() }
    }

    /// Converts `input` (after anything pending) into `out`; with `last`,
    /// everything, as at the end of a text or segment.
    pub(super) fn feed(&mut self, input: &str, last: bool, out: &mut String) {
        if !self.feed_or_skip(input, last, out) {
            out.push_str(input);
        }
    }

    /// [`StageBuf::feed`], except that when the stage would only copy
    /// `input` it writes nothing and returns false: the caller then reads
    /// `input` as the stage's output. The normalization stage (OpenCC's
    /// CJK compatibility ideographs, in most configs) matches nothing in
    /// most texts, and copying every text through it cost a few percent.
    pub(super) fn feed_or_skip(&mut self, input: &str, last: bool, out: &mut String) -> bool {
        if self.pending.is_empty() {
            // (One scan says whether `input` passes through: asked here and
            // again by the loop, a short document's text was scanned twice.)
            let Some(done) = convert_or_skip(&self.trie, input, last, out, &mut self.buf) else { return false };
            self.pending.push_str(&input[done..]);
        } else {
            let mut text = std::mem::take(&mut self.pending);
            text.push_str(input);
            let done = convert_run(&self.trie, &text, last, out, &mut self.buf);
            text.drain(..done);
            self.pending = text;
        }
        true
    }
}

/// The stage loop over `text`. Returns how many bytes were decided; with
/// `last` that is all of them. `buf` is scratch for the output bytes.
pub(super) fn convert_run(trie: &Trie, text: &str, last: bool, out: &mut String, buf: &mut Vec<u8>) -> usize {
    convert_or_skip(trie, text, last, out, buf).unwrap_or_else(|| {
        out.push_str(text);
        text.len()
    })
}

/// [`convert_run`], except that text the stage outputs unchanged and holds
/// none of (no key can start in it, and no IDS operator, whose sequence
/// might go on in the next push, is in it: [`Trie::first_change`]) is not
/// written: None says so.
fn convert_or_skip(trie: &Trie, text: &str, last: bool, out: &mut String, buf: &mut Vec<u8>) -> Option<usize> {
    if trie.pair_hashes() == 1 {
        convert_run_with::<1>(trie, text, last, out, buf)
    } else {
        convert_run_with::<2>(trie, text, last, out, buf)
    }
}

/// [`convert_or_skip`] for a trie whose pair filter sets `K` bits per pair.
pub(super) fn convert_run_with<const K: u32>(
    trie: &Trie,
    text: &str,
    last: bool,
    out: &mut String,
    buf: &mut Vec<u8>,
) -> Option<usize> {
    let first = trie.first_change(text)?;
    // Positions before `sure` have at least max_key_chars characters after
    // them, so a match there cannot grow with more input.
    let sure = if last { text.len() } else { start_of_last_chars(text, trie.max_key_chars().saturating_sub(1)) };
    let b = text.as_bytes();
    // The output goes to a fixed scratch at position `o`, a local the loop
    // keeps in a register: growing a Vec byte by byte kept its length and
    // capacity in memory, read and written at every character.
    // (Of a fixed size, and `o` below `FLUSH_BYTES` at each step: the
    // fixed-width writes need no bounds check.)
    buf.resize(SCRATCH_BYTES, 0);
    let buf: &mut [u8; SCRATCH_BYTES] = (&mut buf[..SCRATCH_BYTES]).try_into().expect("the scratch's size");
    let end = b.len();
    // The characters before `first` start no key and are no IDS operator:
    // each is its own output whatever follows it, as the loop would find
    // one at a time. The scan that found `first` read them already (a
    // text that converts was read twice up to its first key).
    let mut p = first.min(sure);
    let mut o = put(out, buf, 0, &text[..p]);
    // The character at `p`, decoded one step ahead: each step needs the
    // next character anyway (for the pair filter).
    let (mut cp, mut clen) = if p < sure { decode_at(b, p) } else { (0, 0) };
    // Runs of plain characters are looked for from here on (see below).
    let mut look_again = 0;
    while p < sure {
        if o >= FLUSH_BYTES {
            // Hand over in pieces: the scratch stays small and in cache.
            flush(out, buf, o);
            o = 0;
        }
        if p >= look_again && trie.plain(cp) {
            // A run of characters that output themselves and start no key
            // (most of a Simplified text): copied whole.
            let start = p;
            loop {
                p += clen;
                if p >= sure {
                    break;
                }
                (cp, clen) = decode_at(b, p);
                if !trie.plain(cp) {
                    break;
                }
            }
            o = put(out, buf, o, &text[start..p]);
            // Where runs are short (text that converts, where characters
            // that start keys and ones that do not alternate), looking for
            // them costs a mispredicted branch a character: the next
            // stretch goes through the per-character path unasked.
            if p - start < SHORT_RUN_BYTES {
                look_again = p + SKIP_BYTES;
            }
            continue;
        }
        let q = p + clen;
        let (next, nlen) = if q < end { decode_at(b, q) } else { (0, 0) };
        let e = if cp < 0x10000 { trie.fast_entry(cp) } else { FAST_SLOW };
        // The bulk of the text: a BMP character whose output (itself or its
        // one-character value) is one table load and one write, unless some
        // longer key starts with it and the pair filter lets the next
        // character through. Both tests are computed without branching.
        let slow = (e & FAST_SLOW != 0) | ((e & FAST_MULTI != 0) & trie.may_pair::<K>(cp, next));
        if !slow {
            o = Trie::emit_fast(e, buf, o);
            (p, cp, clen) = (q, next, nlen);
            continue;
        }
        if e & FAST_SLOW == 0 {
            let r = q + nlen;
            let third = || (r < end).then(|| decode_at(b, r).0);
            let (answer, node) = trie.pair_answer(e, next, third);
            let tag = answer & 0xFF;
            if tag == PAIR_WALK {
                let hit = trie.bmp_node(cp).and_then(|root| trie.walk_pair(&text[p..], root, clen, node, clen + nlen));
                match hit {
                    Some(hit) => {
                        let (n, at) = push_hit(hit, clen, out, buf, o);
                        (p, o) = (p + n, at);
                    }
                    None => {
                        o = Trie::emit_fast(e, buf, o);
                        p = q;
                    }
                }
            } else {
                // The first character's own output, or a two-character key's
                // value from the slot: chosen without branching, as the
                // filter's near misses and the pairs that match come mixed.
                let own = tag == PAIR_OWN;
                let bytes = if own { e } else { answer >> 8 };
                let len = if own { (e >> 24) & 7 } else { tag };
                buf[o..o + 8].copy_from_slice(&bytes.to_le_bytes());
                o += len as usize;
                p = if own { q } else { q + nlen };
            }
        } else {
            match general_step(trie, text, p, last, out, buf, o) {
                Some((n, at)) => (p, o) = (n, at),
                None => break,
            }
        }
        if p < end {
            (cp, clen) = decode_at(b, p);
        }
    }
    if o > 0 {
        flush(out, buf, o);
    }
    Some(p)
}

/// A run of plain characters shorter than this (three characters of
/// Chinese) says the text converts densely...
const SHORT_RUN_BYTES: usize = 9;

/// ...and the stage loop then goes this far without looking for runs.
const SKIP_BYTES: usize = 192;

/// How much output the stage loop collects before appending it.
pub(super) const FLUSH_BYTES: usize = 32 * 1024;

/// The stage loop's scratch: [`FLUSH_BYTES`], and room past it for the
/// fixed-width writes of one step (four bytes from a fast entry, eight from
/// a pair slot's inline value); anything longer goes through [`put`].
pub(super) const SCRATCH_BYTES: usize = FLUSH_BYTES + 64;

/// Appends the scratch's first `o` bytes to `out`; returns the new write
/// position, 0.
#[inline(never)]
pub(super) fn flush(out: &mut String, buf: &mut [u8], o: usize) -> usize {
    // Less than the SIMD validator's block (a short document's output) is
    // validated with zero bytes after it, which are valid UTF-8 (NUL) and
    // complete no character: below a block it falls back to the standard
    // library's loop, ten instructions a byte of Chinese text.
    let n = o.max(VALIDATOR_BLOCK);
    buf[o..n].fill(0);
    let valid = simdutf8::basic::from_utf8(&buf[..n]).expect("stage output is UTF-8");
    out.push_str(&valid[..o]);
    0
}

/// The shortest input `simdutf8` validates by vectors (the scratch holds
/// at least as many bytes).
const VALIDATOR_BLOCK: usize = 64;
const _: () = assert!(SCRATCH_BYTES >= VALIDATOR_BLOCK);

/// Writes `s` at position `o` of the scratch, flushing first when it does
/// not fit; returns the new position.
/// A piece of at least [`DIRECT_BYTES`] (a run of plain characters, most
/// of a Simplified text) goes to `out` as it is, after what the scratch
/// holds: a `str` already, it need not be validated again as the
/// scratch's bytes are.
#[inline]
pub(super) fn put(out: &mut String, buf: &mut [u8], o: usize, s: &str) -> usize {
    let n = s.len();
    if n < DIRECT_BYTES && o + n <= FLUSH_BYTES {
        buf[o..o + n].copy_from_slice(s.as_bytes());
        return o + n;
    }
    let o = if o > 0 { flush(out, buf, o) } else { 0 };
    if n < DIRECT_BYTES {
        buf[..n].copy_from_slice(s.as_bytes());
        n
    } else {
        out.push_str(s);
        o
    }
}

/// Shortest piece [`put`] writes past the scratch: flushing the scratch
/// first costs about what validating this many bytes does (measured:
/// 256 saved a third of what 96 saves on the bench text).
pub(super) const DIRECT_BYTES: usize = 96;

/// One step of the stage loop the fast path does not take: an astral
/// character, an IDS operator, a value longer than one BMP character.
/// Returns the next position and scratch position, or None when an IDS at
/// `p` may still be completed by more input.
#[cold]
pub(super) fn general_step(
    trie: &Trie,
    text: &str,
    p: usize,
    last: bool,
    out: &mut String,
    buf: &mut [u8],
    o: usize,
) -> Option<(usize, usize)> {
    let (c, clen) = decode(text.as_bytes(), p);
    if let Some(hit) = trie.match_at(&text[p..], c) {
        let (n, o) = push_hit(hit, clen, out, buf, o);
        return Some((p + n, o));
    }
    if is_ids_operator(c) {
        match ids(&text[p..]) {
            Ids::Complete(n) => {
                // An ideographic description sequence stays as it is.
                return Some((p + n, put(out, buf, o, &text[p..p + n])));
            }
            Ids::Incomplete if !last => return None,
            _ => {}
        }
    }
    // Outputs itself.
    Some((p + clen, put(out, buf, o, &text[p..p + clen])))
}

/// Writes a match; returns the bytes of input it covers and the new
/// scratch position.
#[inline]
pub(super) fn push_hit(hit: Hit<'_>, clen: usize, out: &mut String, buf: &mut [u8], o: usize) -> (usize, usize) {
    match hit {
        Hit::Char(v) => (clen, put(out, buf, o, v.encode_utf8(&mut [0; 4]))),
        Hit::Str(len, value) => (len, put(out, buf, o, value)),
    }
}

/// The character starting at byte `p` of valid UTF-8 `b`, and its length.
#[inline(always)]
pub(super) fn decode(b: &[u8], p: usize) -> (char, usize) {
    let (cp, len) = decode_at(b, p);
    // The input is a &str, so this is a valid scalar value.
    (char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER), len)
}

/// Byte offset where the last `n` characters of `s` start.
pub(super) fn start_of_last_chars(s: &str, n: usize) -> usize {
    if n == 0 {
        return s.len();
    }
    s.char_indices().rev().nth(n - 1).map_or(0, |(i, _)| i)
}

/// The segmentation walk: matched keys are segments, unmatched runs
/// between them are segments. Calls `emit(text, ends_segment)`; returns
/// how many bytes were decided.
///
/// `open` says whether an unmatched run was emitted without being ended
/// (it continues into `text`); it is updated for the next call.
pub(super) fn segment_run(
    trie: &Trie,
    text: &str,
    last: bool,
    open: &mut bool,
    emit: &mut dyn FnMut(&str, bool),
) -> usize {
    let sure = if last { text.len() } else { start_of_last_chars(text, trie.max_key_chars().saturating_sub(1)) };
    let mut p = 0;
    let mut run = 0;
    while p < text.len() {
        if p >= sure && !last {
            break;
        }
        let (c, _) = decode(text.as_bytes(), p);
        if let Some(len) = trie.match_len(text, p) {
            if run < p || *open {
                emit(&text[run..p], true);
                *open = false;
            }
            emit(&text[p..p + len], true);
            p += len;
            run = p;
            continue;
        }
        if is_ids_operator(c) {
            match ids(&text[p..]) {
                Ids::Complete(n) => {
                    p += n;
                    continue;
                }
                Ids::Incomplete if !last => break,
                _ => {}
            }
        }
        p += c.len_utf8();
    }
    // The unmatched run so far continues unless this is the end.
    if run < p || (*open && last) {
        emit(&text[run..p], last);
        *open = !last;
    }
    p
}

/// Runs `stages` over `input`, ping-ponging between `x` and `y`. Returns
/// which buffer holds the result (0 = x, 1 = y), or None when the result
/// is the input (no stages, or none changed anything).
pub(super) fn run_chain(
    stages: &mut [StageBuf],
    input: &str,
    last: bool,
    x: &mut String,
    y: &mut String,
) -> Option<usize> {
    let mut which = None;
    for st in stages.iter_mut() {
        // A stage that only copies leaves its input where it is.
        let wrote = match which {
            None => {
                x.clear();
                st.feed_or_skip(input, last, x).then_some(0)
            }
            Some(0) => {
                y.clear();
                st.feed_or_skip(x, last, y).then_some(1)
            }
            Some(_) => {
                x.clear();
                st.feed_or_skip(y, last, x).then_some(0)
            }
        };
        which = wrote.or(which);
    }
    which
}

/// Runs the conversion chain over one segment's text into `out`.
/// `scratch` holds the text between stages (kept across calls: after
/// segmentation this runs once per word).
pub(super) fn chain_into(
    stages: &mut [StageBuf],
    input: &str,
    last: bool,
    out: &mut String,
    scratch: &mut (String, String),
) {
    match stages.len() {
        0 => out.push_str(input),
        1 => stages[0].feed(input, last, out),
        _ => {
            let (x, y) = scratch;
            let n = stages.len();
            let (init, tail) = stages.split_at_mut(n - 1);
            match run_chain(init, input, last, x, y) {
                Some(0) => tail[0].feed(x, last, out),
                Some(_) => tail[0].feed(y, last, out),
                None => tail[0].feed(input, last, out),
            }
        }
    }
}
