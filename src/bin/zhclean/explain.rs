//! `zhclean explain`: one document's edits in context.

use std::io::{self, BufRead, IsTerminal, Write};

use memchr::memchr_iter;

use zhclean::corpus::{audit, compress};
use zhclean::{Cleaner, EditLog};

use crate::args::Args;
use crate::staged::write_err;
use crate::{describe, is_jsonl, read_document, repair, report_replaced, Failure};

/// `zhclean explain`: one document's edits, with context, coloured on a
/// terminal.
pub(crate) fn explain(args: &Args, line: u64) -> Result<(), Failure> {
    let path = &args.files[0];
    let name = path.display().to_string();
    let cleaner = Cleaner::new(args.config.clone()).map_err(|e| Failure::Usage(e.to_string()))?;
    let read_err = |e: io::Error| Failure::Io(format!("{name}: cannot read: {e}"));
    let file = std::fs::File::open(path).map_err(read_err)?;
    let mut reader = compress::decoder_with_window(file, compress::Compression::from_path(path), args.max_zstd_window)
        .map_err(read_err)?;
    let (text, label) = if is_jsonl(args, path) {
        // Only the wanted record is kept: a shard can be any size.
        let mut rec = Vec::new();
        for n in 1..=line.max(1) {
            rec.clear();
            if reader.read_until(b'\n', &mut rec).map_err(read_err)? == 0 {
                return Err(Failure::Usage(format!("{name} has no line {line}")));
            }
            if n == line.max(1) {
                break;
            }
        }
        let rec = rec.strip_suffix(b"\n").unwrap_or(&rec);
        let rec = rec.strip_suffix(b"\r").unwrap_or(rec);
        let (rec, replaced) = repair(rec.to_vec(), args.config.lossy);
        report_replaced(&name, replaced);
        let t = zhclean::corpus::record_text(&rec, &args.corpus.field)
            .map_err(|e| Failure::Input(format!("{name}: line {line}: {e}")))?;
        (t, format!("{name}, line {line}"))
    } else {
        // A plain-text file is one document, shown whole.
        let input = read_document(&name, &mut reader, args.config.lossy)?;
        (input, name.clone())
    };
    let mut stream = cleaner.stream();
    let (mut out, mut log) = (String::new(), EditLog::default());
    stream.push_audited(text.as_bytes(), &mut out, &mut log).map_err(describe)?;
    stream.finish_audited(&mut out, &mut log).map_err(describe)?;
    let mut edits = zhclean::audit::map_to_input(&stream.pass_names(), log.edits);
    // In document order (the trail itself is in pass order).
    edits.sort_by_key(|m| (m.input_byte, m.step));
    let color = io::stdout().is_terminal();
    let (red, green, dim, off) =
        if color { ("\x1b[31;9m", "\x1b[32m", "\x1b[2m", "\x1b[0m") } else { ("[-", "{+", "", "") };
    let (red_end, green_end) = if color { (off, off) } else { ("-]", "+}") };
    let stdout = io::stdout().lock();
    let mut w = io::BufWriter::new(stdout);
    let written = (|| -> io::Result<()> {
        writeln!(w, "{label}: {} edits, {} -> {} bytes", edits.len(), text.len(), out.len())?;
        let show = |s: &str| s.replace('\n', "⏎");
        // Where each line starts, found once: a line number per edit by
        // binary search (counting from the text's start for every edit made
        // explain quadratic in the document's size).
        let line_starts: Vec<usize> =
            std::iter::once(0).chain(memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1)).collect();
        // Blank lines dropped between paragraphs are counted in the summary,
        // not listed: they would drown the edits worth reading.
        for m in edits.iter().filter(|m| m.edit.reason != zhclean::passes::paragraphs::BLANK_LINE) {
            let at = (m.input_byte as usize).min(text.len());
            let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let line_no = line_starts.partition_point(|&start| start <= at);
            let before_ctx: String = text[..at].chars().rev().take(12).collect::<Vec<_>>().into_iter().rev().collect();
            let skip = m.edit.before.len().min(text.len() - at);
            let after_at = (at + skip..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
            let after_ctx: String = text[after_at..].chars().take(12).collect();
            writeln!(
                w,
                "{dim}{line_no:>5}  {:<12} {:<26}{off} {dim}{}{off}{red}{}{red_end}{green}{}{green_end}{dim}{}{off}",
                m.edit.pass,
                m.edit.reason,
                show(&before_ctx),
                show(&m.edit.before),
                show(&m.edit.after),
                show(&after_ctx),
            )?;
        }
        let mut counts = zhclean::corpus::audit::PassCounts::default();
        audit::count(&mut counts, edits.iter().map(|m| &m.edit));
        writeln!(w, "summary:")?;
        for (pass, reasons) in &counts {
            for (reason, c) in reasons {
                writeln!(w, "  {pass:<12} {reason:<26} {:>6}", c.edits)?;
            }
        }
        w.flush()
    })();
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(write_err("<stdout>")(e)),
        _ => Ok(()),
    }
}
