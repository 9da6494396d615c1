//! `zhclean report`: cleans the inputs as a run with the same settings
//! would, and writes one self-contained HTML page for reviewing what the
//! cleaning did (`zhclean::corpus::report`).

use std::io::{self, BufRead, Write};

use zhclean::corpus::compress;
use zhclean::corpus::report::{Document, EditCounter, Measure, Report, ReportOptions, Tally};
use zhclean::{Cleaner, EditLog};

use crate::args::{Args, ReportFlags};
use crate::staged::{check_outputs, write_err, Staged};
use crate::{describe, is_jsonl, read_document, repair, report_replaced, Failure};

/// The options of this command line that `explain` needs to reproduce a
/// document (the preset, config, conversion and input settings), as given.
fn explain_command() -> String {
    const WITH_VALUE: [&str; 8] =
        ["-p", "--preset", "--config", "-c", "--to", "--field", "--max-line-bytes", "--max-zstd-window"];
    const FLAGS: [&str; 3] = ["--jsonl", "--lossy", "--no-tofu-risk"];
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut cmd = String::from("zhclean explain");
    let mut i = 0;
    while i < argv.len() {
        let a = &argv[i];
        let name = a.split_once('=').map_or(a.as_str(), |(n, _)| n);
        if WITH_VALUE.contains(&name) {
            cmd.push(' ');
            cmd.push_str(a);
            if !a.contains('=') && i + 1 < argv.len() {
                cmd.push(' ');
                cmd.push_str(&argv[i + 1]);
                i += 1;
            }
        } else if FLAGS.contains(&name) {
            cmd.push(' ');
            cmd.push_str(a);
        }
        i += 1;
    }
    cmd
}

/// `zhclean report`.
pub(crate) fn report(args: &Args, flags: &ReportFlags) -> Result<(), Failure> {
    check_outputs(&args.files, args.output.as_deref(), &[], args.force)?;
    let cleaner = Cleaner::new(args.config.clone()).map_err(|e| Failure::Usage(e.to_string()))?;
    let mut opts = ReportOptions::default();
    opts.sample = flags.sample;
    opts.seed = flags.seed;
    opts.most_edited = flags.most_edited;
    opts.explain_command = explain_command();
    let staged = args.output.as_deref().map(Staged::create).transpose()?;
    let threads = args.corpus.thread_count();
    let mut streams: Vec<zhclean::Stream> = (0..threads).map(|_| cleaner.stream()).collect();
    // The few documents the page shows are cleaned again with their whole
    // trail; the others are only counted.
    let mut again = cleaner.stream();
    let names = again.pass_names();
    let mut report = Report::new(opts, &names);
    // Records are read here and decoded, cleaned and measured a batch at a
    // time, the batch cut among the threads in order, and added to the
    // report in corpus order: the same page for any thread count.
    let field = args.corpus.field.as_str();
    let lossy = args.config.lossy;
    let skip_bad = args.corpus.skip_bad;
    let mut batch: Vec<Pending> = Vec::new();
    let mut batch_bytes = 0usize;
    let mut skipped = 0u64;
    let mut flush = |batch: &mut Vec<Pending>, report: &mut Report, skipped: &mut u64| -> Result<(), Failure> {
        let per = batch.len().div_ceil(threads).max(1);
        let mut chunks: Vec<Vec<Pending>> = Vec::new();
        let mut records = batch.drain(..);
        loop {
            let chunk: Vec<_> = records.by_ref().take(per).collect();
            if chunk.is_empty() {
                break;
            }
            chunks.push(chunk);
        }
        let results: Vec<Result<Vec<Outcome>, Failure>> = std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .into_iter()
                .zip(streams.iter_mut())
                .map(|(chunk, stream)| {
                    scope.spawn(move || {
                        chunk.into_iter().map(|p| count_one(stream, p, field, lossy, skip_bad)).collect()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("a cleaning thread panicked")).collect()
        });
        for docs in results {
            for outcome in docs? {
                let Counted { file, line, input, output, counter: c, measures } = match outcome {
                    Outcome::Counted(counted) => counted,
                    Outcome::Blank => continue,
                    Outcome::Skipped => {
                        *skipped += 1;
                        continue;
                    }
                };
                let counts = c.counts();
                let tally = Tally {
                    file: &file,
                    line,
                    input: measures.0,
                    output: measures.1,
                    counts: &counts,
                    edits: c.edits,
                    caps: &c.caps,
                };
                let Some(ticket) = report.tally(&tally) else { continue };
                let (mut out, mut log) = (String::new(), EditLog::default());
                again.push_audited(input.as_bytes(), &mut out, &mut log).map_err(describe)?;
                again.finish_audited(&mut out, &mut log).map_err(describe)?;
                debug_assert_eq!(out, output, "a second cleaning of one input gives the same output");
                let edits = zhclean::audit::map_to_input(&names, log.edits);
                report.keep(ticket, Document { file, line, input, output, edits, caps: c.caps });
            }
        }
        Ok(())
    };
    const BATCH_BYTES: usize = 4 << 20;
    for path in &args.files {
        let name: std::sync::Arc<str> = path.display().to_string().into();
        let read_err = |e: io::Error| Failure::Io(format!("{name}: cannot read: {e}"));
        let file = std::fs::File::open(path).map_err(read_err)?;
        let mut reader =
            compress::decoder_with_window(file, compress::Compression::from_path(path), args.max_zstd_window)
                .map_err(read_err)?;
        if is_jsonl(args, path) {
            let mut n = 0u64;
            loop {
                let mut rec = Vec::new();
                if reader.read_until(b'\n', &mut rec).map_err(read_err)? == 0 {
                    break;
                }
                n += 1;
                batch_bytes += rec.len();
                batch.push(Pending::Record(name.clone(), n, rec));
                if batch_bytes >= BATCH_BYTES {
                    flush(&mut batch, &mut report, &mut skipped)?;
                    batch_bytes = 0;
                }
            }
        } else {
            let input = read_document(&name, &mut reader, args.config.lossy)?;
            batch_bytes += input.len();
            batch.push(Pending::Text(name.clone(), input));
            if batch_bytes >= BATCH_BYTES {
                flush(&mut batch, &mut report, &mut skipped)?;
                batch_bytes = 0;
            }
        }
    }
    flush(&mut batch, &mut report, &mut skipped)?;
    if skipped > 0 {
        eprintln!("zhclean: {skipped} records skipped (not JSON objects with a string field {:?})", args.corpus.field);
    }
    match staged {
        Some((staged, file)) => {
            let path = args.output.as_ref().expect("staged only with -o").display().to_string();
            let mut w = io::BufWriter::new(file);
            report.write_html(&mut w).and_then(|()| w.flush()).map_err(write_err(&path))?;
            drop(w);
            staged.commit()
        }
        None => {
            let mut w = io::BufWriter::new(io::stdout().lock());
            match report.write_html(&mut w).and_then(|()| w.flush()) {
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(write_err("<stdout>")(e)),
                _ => Ok(()),
            }
        }
    }
}

/// A document read and not yet cleaned: a JSONL record (file, line, its
/// bytes) or a plain file's text.
enum Pending {
    Record(std::sync::Arc<str>, u64, Vec<u8>),
    Text(std::sync::Arc<str>, String),
}

/// A document cleaned and counted, not yet in the report.
struct Counted {
    file: String,
    line: Option<u64>,
    input: String,
    output: String,
    counter: EditCounter,
    measures: (Measure, Measure),
}

/// What became of a record.
enum Outcome {
    Counted(Counted),
    /// A blank line, which holds no record.
    Blank,
    /// A bad record, skipped with `--skip-bad`.
    Skipped,
}

/// Decodes, cleans and counts one document.
fn count_one(
    stream: &mut zhclean::Stream,
    p: Pending,
    field: &str,
    lossy: bool,
    skip_bad: bool,
) -> Result<Outcome, Failure> {
    let (file, line, input) = match p {
        Pending::Text(name, text) => (name, None, text),
        Pending::Record(name, n, rec) => {
            let r = rec.strip_suffix(b"\n").unwrap_or(&rec);
            let r = r.strip_suffix(b"\r").unwrap_or(r);
            if r.iter().all(u8::is_ascii_whitespace) {
                return Ok(Outcome::Blank);
            }
            let (r, replaced) = repair(r.to_vec(), lossy);
            if replaced > 0 {
                report_replaced(&format!("{name}: line {n}"), replaced);
            }
            match zhclean::corpus::record_text(&r, field) {
                Ok(text) => (name, Some(n), text),
                Err(_) if skip_bad => return Ok(Outcome::Skipped),
                Err(e) => return Err(Failure::Input(format!("{name}: line {n}: {e}"))),
            }
        }
    };
    let (mut output, mut counter) = (String::new(), EditCounter::default());
    stream.push_audited(input.as_bytes(), &mut output, &mut counter).map_err(describe)?;
    stream.finish_audited(&mut output, &mut counter).map_err(describe)?;
    let measures = (Measure::of(&input), Measure::of(&output));
    Ok(Outcome::Counted(Counted { file: file.to_string(), line, input, output, counter, measures }))
}
