//! What every target checks, on any bytes: no panic; the output is the
//! same for the whole input and for the input cut into pieces (sizes from
//! the first byte, with empty pushes); and, for the text that was valid,
//! undoing the reported edits on the output gives the input back.

use zhclean::testing::rebuild_input;
use zhclean::{EditLog, Stream};

/// Splits `data` into a control byte and the input.
fn split(data: &[u8]) -> Option<(u8, &[u8])> {
    data.split_first().map(|(c, rest)| (*c, rest))
}

fn run(mut s: Stream, chunks: &[&[u8]], audit: bool) -> Option<(String, EditLog, Vec<&'static str>)> {
    let (mut out, mut log) = (String::new(), EditLog::default());
    let names = s.pass_names();
    for c in chunks {
        let r = if audit { s.push_audited(c, &mut out, &mut log) } else { s.push(c, &mut out) };
        r.ok()?;
    }
    let r = if audit { s.finish_audited(&mut out, &mut log) } else { s.finish(&mut out) };
    r.ok()?;
    Some((out, log, names))
}

/// Checks `make`'s streams on `data`: `single_pass` streams have one pass
/// whose edits rebuild the input directly; pipelines are rebuilt pass by
/// pass from the mapped trail (when the input is valid UTF-8).
pub fn check(data: &[u8], make: impl Fn(usize) -> Stream, single_pass: bool) {
    let Some((ctl, input)) = split(data) else { return };
    // Small line caps exercise the long-line pieces.
    let cap = if ctl & 0x80 != 0 { 16 + (ctl as usize & 0x3f) } else { 1 << 20 };
    let piece = 1 + (ctl as usize & 0x0f);
    let whole = run(make(cap), &[input], true);
    let mut chunks: Vec<&[u8]> = Vec::new();
    for c in input.chunks(piece) {
        chunks.push(c);
        chunks.push(b"");
    }
    let pieces = run(make(cap), &chunks, false);
    match (&whole, &pieces) {
        (Some((a, _, _)), Some((b, _, _))) => assert_eq!(a, b, "chunking changed the output"),
        (None, None) => {}
        _ => panic!("one chunking failed and the other did not"),
    }
    let (Some((out, log, names)), Ok(text)) = (whole, std::str::from_utf8(input)) else { return };
    let rebuilt = if single_pass {
        rebuild_input(&out, &log.edits).expect("edits match the output")
    } else {
        let mapped = zhclean::audit::map_to_input(&names, log.edits);
        zhclean::audit::rebuild(&out, &mapped).expect("edits match the output")
    };
    assert_eq!(rebuilt, text, "edits do not explain the output");
}
